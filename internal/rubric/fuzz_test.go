package rubric

import (
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/lexicon"
)

// FuzzMentions feeds arbitrary text and forms to the matcher and the
// polarity reader: they never panic, every match lies inside its sentence,
// and a phrase set in an ordinary sentence is always found.
func FuzzMentions(f *testing.F) {
	for _, s := range [][2]string{
		{"We keep exploration on a small slice, but never zero.", "exploration"},
		{"An A/B test is unnecessary here; we skip it.", "a/b test"},
		{"- cold-start members get popular rows\n- new titles too", "cold start"},
		{"Don't use clicks; use quality plays rather than clicks.", "optimi*|use + click*"},
		{"ünïcödé, commas, , ,; ;; .. ?!", "ü + #num"},
		{"Not doing: holdout group, interleaving.", "holdout"},
		{"member's history", "member's"},
		{"Households are picked at random: a few get the new way, the rest stay.", "3 of: random* + households|accounts + new + rest|old"},
		{"No lottery: the new page never ships.", "2 of: lottery|coin + new|change* + never|not"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, formText string) {
		v := newVocab()
		fm, err := compileForm(v, lexicon.Default(), formText)
		if err != nil {
			return
		}
		for _, s := range parseText(text) {
			s := s
			s.terms = make([][]termID, len(s.tokens))
			for i, tok := range s.tokens {
				s.terms[i] = v.termsOf(tok.word, nil)
			}
			for _, sp := range matchForm(&fm, s.terms, nil) {
				if sp.start < 0 || sp.end > len(s.tokens) || sp.start >= sp.end {
					t.Fatalf("match %d:%d outside %d tokens", sp.start, sp.end, len(s.tokens))
				}
				a, b := s.tokens[sp.start].start, s.tokens[sp.end-1].end
				if a < 0 || b > len(s.text) || a > b {
					t.Fatalf("span %d:%d outside %q", a, b, s.text)
				}
				spanPolarity(&s, sp, false)
				spanPolarity(&s, sp, true)
			}
		}
		if strings.Contains(formText, " + ") || strings.ContainsAny(formText, "*~#@|!") {
			return
		}
		words := patternWords(formText)
		if len(words) == 0 || len(words) > 6 {
			return
		}
		for _, w := range words {
			if functionWords[w] || denyBefore[w] || denyAfter[w] || hedgeBefore[w] || hedgeAfter[w] || refusedPredicates[w] || listCues[w] || w == "but" || w == "than" || w == "however" {
				return
			}
		}
		sentence := "We decided that the " + strings.Join(words, " ") + " matters for this design."
		for _, s := range parseText(sentence) {
			s := s
			s.terms = make([][]termID, len(s.tokens))
			for i, tok := range s.tokens {
				s.terms[i] = v.termsOf(tok.word, nil)
			}
			if len(matchForm(&fm, s.terms, nil)) > 0 {
				return
			}
		}
		t.Fatalf("phrase %q (%q) not found in %q", formText, words, sentence)
	})
}
