package rubric

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/casebench/casebench/internal/lexicon"
)

// paraphraseSet is one file of plain explanations: per method, the
// concepts that should read it and the sentences.
type paraphraseSet []struct {
	ID        string   `yaml:"id"`
	Concepts  []string `yaml:"concepts"` // "shared/id" or "case-slug/id"
	Sentences []string `yaml:"sentences"`
}

// paraphraseFloors is the share of each set's sentences the concepts must
// read as affirming their method. set1 was used to write the plain
// explanations; set2 was written after them, by another author, and read
// once, so it says how far they carry to writers they were not written from.
var paraphraseFloors = map[string]float64{"set1.yaml": 0.9, "set2.yaml": 0.65, "set3.yaml": 0.65, "set4.yaml": 0.55, "set5.yaml": 0.55, "set6.yaml": 0.55, "set7.yaml": 0.55, "set8.yaml": 0.55, "set9.yaml": 0.5}

// TestPlainParaphrases reads every set of plain explanations with the
// concepts of the bundled cases, as the engine reads one sentence.
func TestPlainParaphrases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "paraphrases", "set*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no paraphrase sets: %v", err)
	}
	concepts := map[string]map[string][]string{}
	load := func(dir string) map[string][]string {
		if m, ok := concepts[dir]; ok {
			return m
		}
		f := filepath.Join("..", "..", "cases", "concepts.yaml")
		if dir != "shared" {
			f = filepath.Join("..", "..", "cases", dir, "concepts.yaml")
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string][]string
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		concepts[dir] = m
		return m
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var set paraphraseSet
		if err := yaml.Unmarshal(b, &set); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		read, total := 0, 0
		var table strings.Builder
		for _, m := range set {
			v := newVocab()
			var forms []form
			risk := false
			for _, cc := range m.Concepts {
				dir, id, _ := strings.Cut(cc, "/")
				list, ok := load(dir)[id]
				if !ok {
					t.Fatalf("%s: %s: no concept %s", file, m.ID, cc)
				}
				for _, s := range list {
					if s == DirectiveRisk {
						risk = true
					}
					if strings.HasPrefix(s, "!") {
						continue
					}
					f, err := compileForm(v, lexicon.Default(), s)
					if err != nil {
						t.Fatalf("%s: %v", cc, err)
					}
					forms = append(forms, f)
				}
			}
			n := 0
			for _, text := range m.Sentences {
				total++
				if readsAffirmed(v, forms, risk, text) {
					n++
				} else {
					fmt.Fprintf(&table, "    not read: %s\n", text)
				}
			}
			read += n
			fmt.Fprintf(&table, "  %-30s %d of %d\n", m.ID, n, len(m.Sentences))
		}
		share := float64(read) / float64(total)
		t.Logf("%s: %d of %d sentences read (%.0f%%)\n%s", filepath.Base(file), read, total, 100*share, table.String())
		if floor, ok := paraphraseFloors[filepath.Base(file)]; !ok {
			t.Errorf("%s: no floor set for this set", file)
		} else if share < floor {
			t.Errorf("%s: %.0f%% of the plain explanations read; want at least %.0f%%", file, 100*share, 100*floor)
		}
	}
}

// readsAffirmed reports whether one of forms matches a sentence of text
// that holds it, as a mention of the engine would be read.
func readsAffirmed(v *vocab, forms []form, risk bool, text string) bool {
	for _, s := range parseText(text) {
		s.terms = make([][]termID, len(s.tokens))
		for i, tok := range s.tokens {
			s.terms[i] = v.termsOf(tok.word, nil)
		}
		for fi := range forms {
			for _, sp := range matchForm(&forms[fi], s.terms, nil) {
				m := mention{sent: &s, start: sp.start, end: sp.end, slots: sp.slots, risk: risk, gloss: forms[fi].quorum > 0}
				if pol, _ := m.polarity(); pol == Affirmed {
					return true
				}
			}
		}
	}
	return false
}
