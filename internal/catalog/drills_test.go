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
		{"unknown story part", "drills/behavioral/mentoring.yaml", "part: lesson", "part: moral", "rubric.items[9].checks[0].part", `unknown part "moral"`},
		{"unknown value", "drills/behavioral/mentoring.yaml", "values: [dream-team, candour]", "values: [dream-team, candor]", "values[1]", `unknown value "candor"`},
		{"value without a source", "drills/behavioral/pack.yaml", "    meaning: People are trusted with wide latitude over their own work and decisions, and in exchange they own the consequences, good or bad, without waiting to be told.\n    sources: [culture-memo]", "    meaning: People are trusted with wide latitude over their own work and decisions, and in exchange they own the consequences, good or bad, without waiting to be told.\n    sources: []", "values[0].sources", "name the sources"},
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

// TestBehavioralAnswerMissingAResult: a story with its result taken out
// is reported as missing one, quoting the answer where it should be.
func TestBehavioralAnswerMissingAResult(t *testing.T) {
	cat := bundled(t)
	d, ok := cat.Drill("decision-limited-data")
	if !ok {
		t.Fatal("no drill decision-limited-data")
	}
	paras := strings.Split(strings.TrimSpace(d.Reference.Answer), "\n")
	var kept []string
	for _, p := range paras {
		if !strings.Contains(p, "After ten days") { // the paragraph with the result
			kept = append(kept, p)
		}
	}
	if len(kept) == len(paras) {
		t.Fatal("the reference has no result paragraph to remove")
	}
	answer := strings.Join(kept, "\n")
	rep := d.Engine.Check(d.Slug, (&drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: answer}).Design())
	var result rubric.ItemResult
	for _, it := range rep.Items {
		if it.ID == "result" {
			result = it
		}
	}
	if result.Level == nil || *result.Level == 3 {
		t.Fatalf("the result item is met without a result: %+v", result)
	}
	note := ""
	for _, c := range result.Checks {
		for _, n := range c.Notes {
			note += n.Message
		}
	}
	if !strings.Contains(note, "result") || !strings.Contains(note, "“") {
		t.Fatalf("the note does not name the missing result with a quote: %q", note)
	}
	quote := note[strings.Index(note, "“")+len("“") : strings.Index(note, "”")]
	if !strings.Contains(answer, strings.TrimSuffix(quote, "…")) {
		t.Errorf("the note quotes %q, which is not in the answer", quote)
	}
}

// TestBehavioralDrillNeedsStoryChecks: a behavioral drill whose rubric
// reads no part of the story fails lint, at the rubric's items.
func TestBehavioralDrillNeedsStoryChecks(t *testing.T) {
	errs := lintCopy(t, "drills/behavioral/mentoring.yaml", func(s string) string {
		return strings.ReplaceAll(s, "- check: story\n", "- check: mentions\n          concepts: [mentee_goals]\n")
	})
	found := false
	for _, e := range errs {
		if strings.HasSuffix(e.File, "drills/behavioral/mentoring.yaml") && e.Field == "rubric.items" && strings.Contains(e.Message, "story checks") {
			found = true
			if e.Line < 2 {
				t.Errorf("error at line %d; want the line of rubric.items", e.Line)
			}
		}
	}
	if !found {
		t.Errorf("no error about story checks: %v", errs)
	}
}
