package rubric

import (
	"strings"
	"testing"
)

// FuzzMentions feeds arbitrary text and phrases to the matcher: it never
// panics, every match lies inside its sentence, and a phrase set in an
// ordinary sentence is always found.
func FuzzMentions(f *testing.F) {
	for _, s := range [][2]string{
		{"We keep exploration on a small slice, but never zero.", "exploration"},
		{"An A/B test is unnecessary here; we skip it.", "a/b test"},
		{"- cold-start members get popular rows\n- new titles too", "cold start"},
		{"Don't use clicks; use quality plays rather than clicks.", "clicks"},
		{"ünïcödé, commas, , ,; ;; .. ?!", "ü"},
		{"member's history", "member's"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, phr string) {
		p := newPhrase(phr)
		for _, s := range parseText(text) {
			for _, i := range p.find(s.tokens) {
				n := len(p.words)
				if i < 0 || i+n > len(s.tokens) {
					t.Fatalf("match %d+%d outside %d tokens", i, n, len(s.tokens))
				}
				a, b := s.tokens[i].start, s.tokens[i+n-1].end
				if a < 0 || b > len(s.text) || a > b {
					t.Fatalf("span %d:%d outside %q", a, b, s.text)
				}
				denied(s.tokens, i, n)
			}
		}
		if len(p.words) == 0 || len(p.words) > 6 {
			return
		}
		for _, w := range p.words {
			if functionWords[w] || denyBefore[w] || denyAfter[w] || denyNeeded[w] || w == "than" || w == "but" {
				return
			}
		}
		sentence := "We decided that the " + strings.Join(p.words, " ") + " matters for this design."
		ps := parseText(sentence)
		if len(ps) != 1 || len(p.find(ps[0].tokens)) == 0 {
			t.Fatalf("phrase %q (%q) not found in %q", phr, p.words, sentence)
		}
	})
}
