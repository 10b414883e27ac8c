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

// runHashes returns the hash of every run of shingleSize words of toks.
func runHashes(toks []token, out []uint64) []uint64 {
	out = out[:0]
	if len(toks) < shingleSize {
		return out
	}
	words := make([]uint64, len(toks))
	for i, t := range toks {
		words[i] = maphash.String(shingleSeed, t.word)
	}
	for i := 0; i+shingleSize <= len(toks); i++ {
		h := uint64(14695981039346656037)
		for _, w := range words[i : i+shingleSize] {
			h = (h ^ w) * 1099511628211
		}
		out = append(out, h)
	}
	return out
}

// add puts every run of text's words into the set.
func (sh shingles) add(text string) {
	var hs []uint64
	for _, s := range splitSentences(text) {
		hs = runHashes(tokenize(s), hs)
		for _, h := range hs {
			sh[h] = struct{}{}
		}
	}
}

// copiedShareOf returns the share of toks covered by runs found in sh.
func (sh shingles) copiedShareOf(toks []token) float64 {
	if len(sh) == 0 || len(toks) < shingleSize {
		return 0
	}
	covered := make([]bool, len(toks))
	for i, h := range runHashes(toks, nil) {
		if _, ok := sh[h]; ok {
			for j := i; j < i+shingleSize; j++ {
				covered[j] = true
			}
		}
	}
	n := 0
	for _, c := range covered {
		if c {
			n++
		}
	}
	if n < copiedWords {
		return 0
	}
	return float64(n) / float64(len(toks))
}
