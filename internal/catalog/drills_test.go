package catalog_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

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

// blockKeys names, for edits inside a YAML block, the key whose line the
// error is on; these are the SQL drills' queries, which only Lint runs.
var blockKeys = map[string]string{
	"trap that returns the reference's result": "query: |",
	"trap that does not run":                   "query: |",
	"reference that does not run":              "  sql: |",
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
		{"trap that returns the reference's result", "drills/sql/plan-mix.yaml", "SELECT plan, COUNT(*) AS members, ROUND(100 * COUNT(*)", "SELECT plan, COUNT(*) AS members, ROUND(100.0 * COUNT(*)", "rubric.items[3].checks[0].query", "cannot tell a mistake from a right answer"},
		{"trap that does not run", "drills/sql/plan-mix.yaml", "ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM members), 1)", "ROUND(100.0 * COUNT(*) / (SELECT COUNT(*) FROM memberz), 1)", "rubric.items[4].checks[0].query", "does not run"},
		{"reference that does not run", "drills/sql/plan-mix.yaml", "    FROM members\n    WHERE cancel_date IS NULL\n    GROUP BY plan", "    FROM members\n    WHERE cancel_dat IS NULL\n    GROUP BY plan", "reference.sql", "the reference query does not run"},
		{"SQL check in a drill without a query", ml + "l1-vs-l2.yaml", "        - check: mentions\n          concepts: [l1_absolute]\n          sections: [answer]", "        - check: sql_result\n          section: answer\n          field: sql", "rubric.items[0].checks[0].check", "only drills of a sql pack"},
		{"SQL result on the text field", "drills/sql/plan-mix.yaml", "        - check: sql_result\n          section: answer\n          field: sql", "        - check: sql_result\n          section: answer\n          field: text", "rubric.items[0].checks[0].field", "needs [code]"},
		{"scored answer out of range", ml + "graded/k-means-clustering.yaml", "  score: 63\n", "  score: 630\n", "score", "between 0 and 100"},
		{"scored answer without a set", ml + "graded/k-means-clustering.yaml", "- id: dev4/d01\n", "- id: d01\n", "id", "must be a set and a name"},
		{"scored answer's grade", ml + "graded/k-means-clustering.yaml", "  grade: medium\n", "  grade: borderline\n", "grade", `grade "borderline"`},
		{"bad concept pattern", ml + "concepts.yaml", `  - "laplace|gaussian|normal + prior @4"`, `  - "la* + prior @4"`, "reg_priors", "too short a prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := catalog.Load
			if _, ok := blockKeys[tc.name]; ok {
				load = catalog.Lint // the SQL drills' queries run only when linting
			}
			var edited string
			errs := lintCopyWith(t, load, tc.file, func(s string) string {
				if !strings.Contains(s, tc.old) {
					t.Fatalf("%q is not in %s", tc.old, tc.file)
				}
				edited = strings.Replace(s, tc.old, tc.new, 1)
				return edited
			})
			at := strings.Index(edited, tc.new)
			if key, ok := blockKeys[tc.name]; ok { // an edit inside a block: the error is on its key
				at = strings.LastIndex(edited[:at], key)
			}
			want := 1 + strings.Count(edited[:at], "\n")
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

// TestGradedFilesBelongToADrill: a file of scored answers for a drill the
// pack does not have, or for a SQL drill, is refused.
func TestGradedFilesBelongToADrill(t *testing.T) {
	for _, tc := range []struct{ file, msg string }{
		{"drills/ml-fundamentals/graded/no-such-drill.yaml", "not the scored answers of a drill of this pack"},
		{"drills/sql/graded/plan-mix.yaml", "a SQL drill has no scored answers"},
	} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS("../../cases")); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(dir + "/drills/ml-fundamentals/graded/k-means-clustering.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dir+"/"+tc.file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+tc.file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = catalog.Load(os.DirFS(dir), "cases")
		var errs catalog.Errors
		if !errors.As(err, &errs) || !strings.HasSuffix(errs[0].File, tc.file) || !strings.Contains(errs[0].Message, tc.msg) {
			t.Errorf("%s: got %v; want %q", tc.file, err, tc.msg)
		}
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

// hostileSQL are queries that try to write, reach files or leave the
// sandbox: each is refused before it runs.
var hostileSQL = []string{
	"DELETE FROM viewing_events",
	"SELECT 1; DROP TABLE members",
	"ATTACH DATABASE 'evil.db' AS evil",
	"PRAGMA writable_schema = ON",
	"SELECT load_extension('/nonexistent/evil.so')",
	"SELECT readfile('/etc/passwd')",
}

// TestSQLDrillsRunTheQuery holds every SQL drill to reading the query by
// running it: the reference query alone, with no explanation, earns the
// result item in full, and each trap's query alone raises its red flag.
func TestSQLDrillsRunTheQuery(t *testing.T) {
	cat := bundled(t)
	n := 0
	for _, d := range cat.Drills {
		if d.Kind != catalog.KindSQL {
			continue
		}
		n++
		t.Run(d.Slug, func(t *testing.T) {
			rep := d.Engine.Check(d.Slug, (&drill.Answer{Format: drill.Format, Drill: d.Slug, SQL: d.Reference.SQL}).Design())
			traps := 0
			for _, it := range rep.Items {
				for _, c := range it.Checks {
					if c.Check == rubric.CheckSQLResult && !c.Met {
						t.Errorf("the reference query does not meet %s: %+v", it.ID, c.Notes)
					}
				}
			}
			if rep.Grade == rubric.GradeWeak || len(rep.RaisedFlags()) > 0 {
				t.Errorf("the reference query alone scores %.1f (%s), raises %v", rep.Score, rep.Grade, raised(rep))
			}
			for _, it := range d.Rubric.RedFlags() {
				for _, c := range it.Checks {
					if c.Check != rubric.CheckSQLTrap {
						continue
					}
					rep := d.Engine.Check(d.Slug, (&drill.Answer{Format: drill.Format, Drill: d.Slug, SQL: c.Query}).Design())
					if !slices.Contains(raised(rep), it.ID) {
						t.Errorf("the trap's own query does not raise %s (raises %v)", it.ID, raised(rep))
					}
					traps++
				}
			}
			// Hostile queries earn nothing, and say why.
			slowest := time.Duration(0)
			for _, q := range hostileSQL {
				began := time.Now()
				rep := d.Engine.Check(d.Slug, (&drill.Answer{Format: drill.Format, Drill: d.Slug, SQL: q}).Design())
				slowest = max(slowest, time.Since(began))
				for _, it := range rep.Items {
					for _, c := range it.Checks {
						if c.Check == rubric.CheckSQLResult && (c.Met || c.Credit > 0) {
							t.Errorf("the hostile query %q earns %s: %+v", q, it.ID, c)
						}
					}
				}
				if rep.Grade != rubric.GradeWeak {
					t.Errorf("the hostile query %q grades %s (%.1f)", q, rep.Grade, rep.Score)
				}
			}
			t.Logf("reference %.1f %s; %d wrong queries raise their flags; %d hostile queries earn nothing (slowest check %v)", rep.Score, rep.Grade, traps, len(hostileSQL), slowest.Round(time.Millisecond))
		})
	}
	if n < 15 {
		t.Errorf("%d SQL drills; the bank has 15", n)
	}
}

// internalName matches a concept id such as l1_absolute; SQL names such
// as ROW_NUMBER are words of the subject.
var internalName = regexp.MustCompile(`[a-z0-9]_[a-z0-9]`)

// TestDrillLabelsSpeakPlainly: what a drill's report and rubric page say
// about each check shows no pattern syntax or internal names.
func TestDrillLabelsSpeakPlainly(t *testing.T) {
	cat := bundled(t)
	for _, d := range cat.Drills {
		rep := d.Engine.Check(d.Slug, referenceAnswer(d).Design())
		for _, it := range rep.Items {
			for _, c := range it.Checks {
				for _, text := range []string{c.Label, c.Hint} {
					if strings.ContainsAny(text, "|*~@") || strings.Contains(text, "!name") || internalName.MatchString(text) {
						t.Errorf("%s %s: %q shows pattern syntax or an internal name", d.Slug, it.ID, text)
					}
				}
			}
		}
		for _, it := range d.Rubric.Items {
			for i := range it.Checks {
				if l := d.Engine.Describe(&it.Checks[i]); strings.ContainsAny(l, "|*~@") || internalName.MatchString(l) {
					t.Errorf("%s %s: the rubric page shows %q", d.Slug, it.ID, l)
				}
			}
		}
	}
}

// TestLoadLeavesQueriesToLint: loading the cases to serve them runs no
// query; linting them runs every SQL drill's reference and traps.
func TestLoadLeavesQueriesToLint(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../cases")); err != nil {
		t.Fatal(err)
	}
	file := dir + "/drills/sql/plan-mix.yaml"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(b), "FROM members\n    WHERE cancel_date IS NULL", "FROM memberz\n    WHERE cancel_date IS NULL", 1)
	if broken == string(b) {
		t.Fatal("the reference query was not found")
	}
	if err := os.WriteFile(file, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(os.DirFS(dir), "cases")
	if err != nil {
		t.Fatalf("Load ran the reference query: %v", err)
	}
	cat.Close()
	if _, err := catalog.Lint(os.DirFS(dir), "cases"); err == nil || !strings.Contains(err.Error(), "no such table: memberz") {
		t.Errorf("Lint did not run the reference query: %v", err)
	}
}

// FuzzDrillCheck feeds arbitrary text to the drill checks (claims, story
// parts, blame) of one drill of each kind that reads text: they never
// panic and always score from 0 to 100.
func FuzzDrillCheck(f *testing.F) {
	cat := bundled(f)
	var drills []*catalog.Drill
	for _, slug := range []string{"l1-vs-l2", "p-values", "failed-project"} {
		d, ok := cat.Drill(slug)
		if !ok {
			f.Fatalf("no drill %s", slug)
		}
		drills = append(drills, d)
		f.Add(d.Reference.Answer)
		f.Add(d.Misconceptions[0].Answer)
	}
	f.Add("I I I we we. It was their fault, because of them; I learned. 50% ... “quoted” — (a) b?")
	f.Fuzz(func(t *testing.T, text string) {
		for _, d := range drills {
			rep := d.Engine.Check(d.Slug, (&drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: text}).Design())
			if rep.Score < 0 || rep.Score > 100 {
				t.Fatalf("%s: score %v", d.Slug, rep.Score)
			}
		}
	})
}

// BenchmarkDrillCheck times the check of each drill's reference answer,
// one drill per kind (the SQL drill runs its query and traps).
func BenchmarkDrillCheck(b *testing.B) {
	cat := bundled(b)
	for _, slug := range []string{"l1-vs-l2", "variance-reduction", "decision-limited-data", "idle-members-in-april"} {
		d, _ := cat.Drill(slug)
		design := referenceAnswer(d).Design()
		b.Run(d.Kind+"/"+slug, func(b *testing.B) {
			for b.Loop() {
				d.Engine.Check(d.Slug, design)
			}
		})
		if d.Kind == catalog.KindSQL {
			// A new query each time: the answer runs against the reference
			// and every trap, nothing remembered.
			b.Run(d.Kind+"/"+slug+"/new-query", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					a := referenceAnswer(d)
					a.SQL = strings.TrimSuffix(strings.TrimSpace(a.SQL), ";") + fmt.Sprintf(" -- %d", i)
					d.Engine.Check(d.Slug, a.Design())
				}
			})
		}
	}
}
