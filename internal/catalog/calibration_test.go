package catalog_test

import (
	"os"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/review"
)

// TestPackCalibrationsTellReviewersApart holds every pack's calibration
// answer to what calibration needs: it answers one of the pack's drills
// within an answer's limits, its known levels vary by item, and a reviewer
// who answers 0 everywhere, or 3 everywhere, scores below half.
func TestPackCalibrationsTellReviewersApart(t *testing.T) {
	cat := bundled(t)
	for _, p := range cat.Packs {
		t.Run(p.Slug, func(t *testing.T) {
			c := p.Calibration
			if c == nil {
				t.Fatal("the pack has no calibration answer")
			}
			d, ok := cat.Drill(c.Drill)
			if !ok || d.Pack != p.Slug {
				t.Fatalf("the calibration answers %q, not a drill of the pack", c.Drill)
			}
			if err := (&drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: c.Answer, SQL: c.SQL}).Validate(); err != nil {
				t.Fatalf("the calibration answer is not a valid answer: %v", err)
			}
			var items []string
			known := review.Levels{}
			seen := map[int]bool{}
			for _, it := range d.Rubric.Scored() {
				items = append(items, it.ID)
				known[it.ID] = c.Levels[it.ID].Level
				seen[known[it.ID]] = true
				if strings.TrimSpace(c.Levels[it.ID].Why) == "" {
					t.Errorf("item %s has no reason for its level", it.ID)
				}
			}
			if len(seen) < 2 {
				t.Errorf("every item has the same known level: %v", known)
			}
			for _, level := range []int{0, 3} {
				same := review.Levels{}
				for _, id := range items {
					same[id] = level
				}
				if acc := review.Calibrate(items, same, known).Accuracy; acc >= 0.5 {
					t.Errorf("a reviewer answering %d everywhere scores %.0f%%, want below 50%%", level, 100*acc)
				}
			}
			if acc := review.Calibrate(items, known, known).Accuracy; acc != 1 {
				t.Errorf("the known levels themselves score %.0f%%", 100*acc)
			}
		})
	}
}

// TestPackCalibrationLint breaks a calibration file one way at a time:
// each error names the file, the line of the broken text and the field.
func TestPackCalibrationLint(t *testing.T) {
	const ml = "drills/ml-fundamentals/calibration.yaml"
	const sql = "drills/sql/calibration.yaml"
	for _, tc := range []struct {
		name, file, old, new, field, msg string
		lint                             bool
	}{
		{"level out of range", ml, "penalties: {level: 3,", "penalties: {level: 4,", "penalties", "not from 0 to 3", false},
		{"no reason", ml, `prior: {level: 2, why: "Gives the Gaussian prior for L2 but not the Laplace prior for L1."}`, `prior: {level: 2, why: ""}`, "prior", "give the reason", false},
		{"unknown item", ml, "  prior: {level: 2,", "  priors: {level: 2,", "priors", "not a scored item", false},
		{"drill of another pack", ml, "drill: l1-vs-l2", "drill: p-values", "drill", "not a drill of this pack", false},
		{"misspelled key", ml, "answer: >", "answr: >", "answr", "unknown field", false},
		{"constant levels", ml, "correlated: {level: 0,", "correlated: {level: 3,", "levels", "answers 3 everywhere scores 58%", false},
		{"query in a pack without queries", ml, "levels:\n", "sql: SELECT 1\nlevels:\n", "sql", "only drills of a sql pack", false},
		{"query that does not run", sql, "FROM members m\n", "FROM memberz m\n", "sql", "does not run", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			load := catalog.Load
			if tc.lint {
				load = catalog.Lint
			}
			var edited string
			errs := lintCopyWith(t, load, tc.file, func(s string) string {
				if !strings.Contains(s, tc.old) {
					t.Fatalf("%q is not in %s", tc.old, tc.file)
				}
				edited = strings.Replace(s, tc.old, tc.new, 1)
				return edited
			})
			var e catalog.Error
			for _, got := range errs {
				if got.Field == tc.field {
					e = got
					break
				}
			}
			if !strings.HasSuffix(e.File, tc.file) || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("got %v; want %s, field %s, %q", errs, tc.file, tc.field, tc.msg)
			}
			want := lineOf(edited, strings.Split(tc.new, "\n")[0])
			if tc.field == "levels" {
				want = lineOf(edited, "levels:")
			}
			if tc.lint { // an edit inside the query block: the error is on its key
				want = lineOf(edited, "sql: |")
			}
			if e.Line != want && e.Line != want+1 { // a mapping's line may be its first key's
				t.Errorf("%v: line %d; want %d", e, e.Line, want)
			}
		})
	}
}

// TestPackNeedsACalibration: a pack without its calibration file fails
// lint, naming the file.
func TestPackNeedsACalibration(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../cases")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dir + "/drills/experimentation/calibration.yaml"); err != nil {
		t.Fatal(err)
	}
	_, err := catalog.Load(os.DirFS(dir), "cases")
	if err == nil || !strings.Contains(err.Error(), "cases/drills/experimentation/calibration.yaml:1: cannot read") {
		t.Fatalf("a pack without a calibration loads: %v", err)
	}
}
