package rubric

import "hash/maphash"

// Copy detection: a sentence most of whose words sit in runs of
// shingleSize words also found in the case's own text (prompt, facts,
// questions, hints, rubric) or in the report's words is copied, not
// written: it earns nothing and is flagged.
const (
	shingleSize = 5
	copiedShare = 0.6
	copiedWords = 8 // and at least this many of its words
)

var shingleSeed = maphash.MakeSeed()

// shingles is a set of hashed runs of words.
type shingles struct {
	runs map[uint64]struct{}
	// seen has a bit for the top seenLog bits of each run's hash: most
	// runs of a design are in no text of the case, and a clear bit says so
	// without a lookup in the map.
	seen []uint64
}

// seenLog sizes seen: 8 KB of bits for the 5,000 runs of a case, so that
// about 7% of the runs that are not in the set still reach the map.
const seenLog = 16

// has reports whether run h is in the set.
func (sh *shingles) has(h uint64) bool {
	b := h >> (64 - seenLog)
	if sh.seen[b/64]&(1<<(b%64)) == 0 {
		return false
	}
	_, ok := sh.runs[h]
	return ok
}

func (sh *shingles) put(h uint64) {
	if sh.runs == nil {
		sh.runs, sh.seen = map[uint64]struct{}{}, make([]uint64, (1<<seenLog)/64)
	}
	sh.runs[h] = struct{}{}
	b := h >> (64 - seenLog)
	sh.seen[b/64] |= 1 << (b % 64)
}

// wordHash returns the hash of one word, the unit of a run.
func wordHash(w string) uint64 { return maphash.String(shingleSeed, w) }

// runHash returns the hash of a run of shingleSize words, from theirs.
func runHash(words []uint64) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range words[:shingleSize] {
		h = (h ^ w) * 1099511628211
	}
	return h
}

// add puts every run of text's words into the set.
func (sh *shingles) add(text string) {
	var words []uint64
	for _, s := range splitSentences(text) {
		words = words[:0]
		for _, t := range tokenize(s) {
			words = append(words, wordHash(t.word))
		}
		for i := 0; i+shingleSize <= len(words); i++ {
			sh.put(runHash(words[i:]))
		}
	}
}

// copiedShareOf returns the share of a sentence's words, given by their
// hashes, covered by runs found in sh.
func (sh *shingles) copiedShareOf(words []uint64) float64 {
	if len(sh.runs) == 0 || len(words) < shingleSize {
		return 0
	}
	// Runs are read in order, so the words they cover are counted once
	// each by remembering where the covered stretch ends.
	n, coveredTo := 0, 0
	for i := 0; i+shingleSize <= len(words); i++ {
		if sh.has(runHash(words[i:])) {
			n += i + shingleSize - max(i, coveredTo)
			coveredTo = i + shingleSize
		}
	}
	if n < copiedWords {
		return 0
	}
	return float64(n) / float64(len(words))
}
