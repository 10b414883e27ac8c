package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

// referenceAnswer returns a drill's reference answer as a drill answer.
func referenceAnswer(d *catalog.Drill) *drill.Answer {
	return &drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: d.Reference.Answer, SQL: d.Reference.SQL}
}

// raised returns the ids of the red flags a report raised.
func raised(r *rubric.Report) []string {
	var ids []string
	for _, it := range r.RaisedFlags() {
		ids = append(ids, it.ID)
	}
	return ids
}

// describeMisses lists the checks of a report that were not met, for a
// failure message.
func describeMisses(r *rubric.Report) string {
	var b strings.Builder
	for _, it := range r.Items {
		for _, c := range it.Checks {
			if it.RedFlag {
				if c.Met {
					b.WriteString("  raised " + it.ID + ": " + c.Label)
					if len(c.Evidence) > 0 {
						b.WriteString(" «" + c.Evidence[0].Excerpt + "»")
					}
					b.WriteString("\n")
				}
				continue
			}
			if !c.Met {
				b.WriteString("  missed " + it.ID + ": " + c.Label)
				for _, n := range c.Notes {
					b.WriteString(" [" + n.Message + "]")
				}
				b.WriteString("\n")
			}
		}
	}
	for _, n := range r.Notices {
		b.WriteString("  notice: " + n.Message + "\n")
	}
	return b.String()
}

// TestDrillReferencesAreStrong holds every drill's reference answer to its
// own rubric: strong, with no red flag raised.
func TestDrillReferencesAreStrong(t *testing.T) {
	cat := bundled(t)
	for _, d := range cat.Drills {
		t.Run(d.Slug, func(t *testing.T) {
			rep := d.Engine.Check(d.Slug, referenceAnswer(d).Design())
			if rep.Grade != rubric.GradeStrong || len(rep.RaisedFlags()) > 0 {
				t.Errorf("reference scores %.1f (%s), raises %v:\n%s", rep.Score, rep.Grade, raised(rep), describeMisses(rep))
			} else if testing.Verbose() {
				t.Logf("reference scores %.1f\n%s", rep.Score, describeMisses(rep))
			}
		})
	}
}

// TestDrillMisconceptionsRaiseTheirFlags holds every misconception answer
// of every drill to raising the red flags it names, and to scoring below
// strong.
func TestDrillMisconceptionsRaiseTheirFlags(t *testing.T) {
	cat := bundled(t)
	for _, d := range cat.Drills {
		t.Run(d.Slug, func(t *testing.T) {
			for i, m := range d.Misconceptions {
				a := &drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: m.Answer, SQL: m.SQL}
				rep := d.Engine.Check(d.Slug, a.Design())
				got := raised(rep)
				for _, id := range m.Raises {
					if !slices.Contains(got, id) {
						t.Errorf("misconception %d does not raise %s (raises %v, scores %.1f):\n%s", i, id, got, rep.Score, describeMisses(rep))
					}
				}
				if rep.Grade == rubric.GradeStrong {
					t.Errorf("misconception %d scores %.1f, strong", i, rep.Score)
				}
			}
		})
	}
}

// TestDrillLintNamesFileLineAndField breaks drill files one way at a time:
// each error names the file, the line of the broken text and the field.
func TestDrillLintNamesFileLineAndField(t *testing.T) {
	const ml = "drills/ml-fundamentals/"
	for _, tc := range []struct {
		name, file, old, new, field, msg string
	}{
		{"misspelled drill field", ml + "l1-vs-l2.yaml", "prompt: >", "promtp: >", "promtp", "unknown field"},
		{"unknown concept", ml + "l1-vs-l2.yaml", "concepts: [l1_absolute]", "concepts: [l1_absolut]", "rubric.items[0].checks[0].concepts[0]", `unknown concept "l1_absolut"`},
		{"unknown check", ml + "l1-vs-l2.yaml", "- check: mentions\n          concepts: [l1_sparsity]", "- check: mentons\n          concepts: [l1_sparsity]", "rubric.items[1].checks[0].check", `unknown check "mentons"`},
		{"bad difficulty", ml + "l1-vs-l2.yaml", "difficulty: easy", "difficulty: trivial", "difficulty", "must be one of"},
		{"short reference", ml + "l1-vs-l2.yaml", "  answer: >\n    Both add a penalty", "  answer: >\n    Too short.\n  unused: >\n    Both add a penalty", "unused", "unknown field"},
		{"unknown reference source", ml + "l1-vs-l2.yaml", "sources: [esl, tibshirani-1996", "sources: [esl, tibshirani-1997", "reference.sources[1]", `unknown source "tibshirani-1997"`},
		{"misconception raises no flag", ml + "l1-vs-l2.yaml", "raises: [rf-l2-zero, rf-no-scaling]", "raises: [rf-l2-zero, penalties]", "misconceptions[0].raises[1]", `"penalties" is not a red flag`},
		{"red flag without a trigger kind", ml + "l1-vs-l2.yaml", "- check: refuses\n          concepts: [standardise]", "- check: decision\n          concepts: [standardise]", "rubric.items[7].checks[0].check", "a red flag is raised only by"},
		{"pack kind", ml + "pack.yaml", "kind: ml", "kind: trivia", "kind", `kind "trivia" is not one of`},
		{"bad concept pattern", ml + "concepts.yaml", `  - "laplace|gaussian|normal + prior @4"`, `  - "la* + prior @4"`, "reg_priors", "too short a prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var edited string
			errs := lintCopy(t, tc.file, func(s string) string {
				if !strings.Contains(s, tc.old) {
					t.Fatalf("%q is not in %s", tc.old, tc.file)
				}
				edited = strings.Replace(s, tc.old, tc.new, 1)
				return edited
			})
			want := 1 + strings.Count(edited[:strings.Index(edited, tc.new)], "\n")
			e := errs[0]
			if !strings.HasSuffix(e.File, tc.file) || !strings.Contains(e.Field, tc.field) || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("got %v; want %s, field %s, %q", e, tc.file, tc.field, tc.msg)
			}
			if e.Line < want || e.Line > want+2 {
				t.Errorf("%v: line %d; the edit is on line %d", e, e.Line, want)
			}
		})
	}
}
