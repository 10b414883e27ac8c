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
type shingles map[uint64]struct{}

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
func (sh shingles) add(text string) {
	var words []uint64
	for _, s := range splitSentences(text) {
		words = words[:0]
		for _, t := range tokenize(s) {
			words = append(words, wordHash(t.word))
		}
		for i := 0; i+shingleSize <= len(words); i++ {
			sh[runHash(words[i:])] = struct{}{}
		}
	}
}

// copiedShareOf returns the share of a sentence's words, given by their
// hashes, covered by runs found in sh.
func (sh shingles) copiedShareOf(words []uint64) float64 {
	if len(sh) == 0 || len(words) < shingleSize {
		return 0
	}
	// Runs are read in order, so the words they cover are counted once
	// each by remembering where the covered stretch ends.
	n, coveredTo := 0, 0
	for i := 0; i+shingleSize <= len(words); i++ {
		if _, ok := sh[runHash(words[i:])]; ok {
			n += i + shingleSize - max(i, coveredTo)
			coveredTo = i + shingleSize
		}
	}
	if n < copiedWords {
		return 0
	}
	return float64(n) / float64(len(words))
}
