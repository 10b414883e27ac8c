package catalog_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/casebench/casebench/cases"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

func bundled(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(cases.FS, "cases")
	if err != nil {
		t.Fatalf("bundled cases:\n%v", err)
	}
	return cat
}

// TestBundledCasesMeetTheBar checks what every bundled case promises: its
// content, and a rubric of at least 12 items over every dimension, most of
// it automatic, with graph checks.
func TestBundledCasesMeetTheBar(t *testing.T) {
	cat := bundled(t)
	if len(cat.Cases) < 10 {
		t.Errorf("%d cases; the library has 10", len(cat.Cases))
	}
	for _, k := range cat.Cases {
		t.Run(k.Slug, func(t *testing.T) {
			if len(k.Facts) < 5 || len(k.Questions) < 5 || len(k.FollowUps) < 3 || len(k.Constraints) == 0 {
				t.Errorf("facts %d, questions %d, follow-ups %d, constraints %d", len(k.Facts), len(k.Questions), len(k.FollowUps), len(k.Constraints))
			}
			r := k.Rubric
			if len(r.Items) < 12 {
				t.Errorf("%d rubric items; want at least 12", len(r.Items))
			}
			dims := map[string]bool{}
			graph := 0
			for _, it := range r.Items {
				dims[it.Dimension] = true
				for _, c := range it.Checks {
					if c.IsGraph() {
						graph++
					}
				}
			}
			for _, d := range rubric.Dimensions {
				if !dims[d] {
					t.Errorf("no item for dimension %s", d)
				}
			}
			if share := r.AutomaticShare(); share < 0.6 {
				t.Errorf("%.0f%% of points are automatic; want at least 60%%", 100*share)
			}
			if graph < 3 {
				t.Errorf("%d graph checks; want at least 3", graph)
			}
			if k.Reference.Case != k.Slug || len(k.Reference.Pipeline.Nodes) < 10 {
				t.Errorf("reference: case %q, %d nodes", k.Reference.Case, len(k.Reference.Pipeline.Nodes))
			}
		})
	}
}

// lintCopy copies the bundled cases to a folder, applies edit to one file,
// and returns the errors of loading it.
func lintCopy(t *testing.T, file string, edit func(string) string) catalog.Errors {
	t.Helper()
	return lintCopyWith(t, catalog.Load, file, edit)
}

// lintCopyWith is lintCopy with the loader to use: catalog.Load, or
// catalog.Lint, which also runs the SQL drills' queries.
func lintCopyWith(t *testing.T, load func(fs.FS, string) (*catalog.Catalog, error), file string, edit func(string) string) catalog.Errors {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../cases")); err != nil {
		t.Fatal(err)
	}
	path := dir + "/" + file
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = load(os.DirFS(dir), "cases")
	var errs catalog.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("lint passed after the edit of %s (%v)", file, err)
	}
	return errs
}

// lineOf returns the 1-based line of the first line of text containing s.
func lineOf(text, s string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return -1
}

func TestLintNamesFileLineAndField(t *testing.T) {
	src, _ := os.ReadFile("../../cases/artwork-personalization/rubric.yaml")
	text := string(src)
	for _, tc := range []struct {
		name, file, old, new, field, msg string
	}{
		{"misspelled rubric field", "artwork-personalization/rubric.yaml", "    dimension:", "    dimensoin:", "dimensoin", "unknown field"},
		{"unknown concept", "artwork-personalization/rubric.yaml", "concepts: [", "concepts: [no_such_concept, ", "concepts[0]", `unknown concept "no_such_concept"`},
		{"unknown node kind", "artwork-personalization/rubric.yaml", "node: policy", "node: wizard", "node", `unknown node kind "wizard"`},
		{"unknown section", "artwork-personalization/rubric.yaml", "section: model", "section: astrology", "section", `unknown section "astrology"`},
		{"misspelled case field", "homepage-recommendations/case.yaml", "minutes:", "minuets:", "minuets", "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var edited string
			errs := lintCopy(t, tc.file, func(s string) string {
				edited = strings.Replace(s, tc.old, tc.new, 1)
				return edited
			})
			want := lineOf(edited, tc.new)
			if tc.file == "artwork-personalization/rubric.yaml" && !strings.Contains(text, tc.old) {
				t.Skipf("%q not in the rubric", tc.old)
			}
			e := errs[0]
			if !strings.HasSuffix(e.File, tc.file) || !strings.Contains(e.Field, tc.field) || !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("got %v; want %s, field %s, %q", e, tc.file, tc.field, tc.msg)
			}
			if e.Line != want && e.Line != want+1 {
				t.Errorf("line %d; the edit is on line %d", e.Line, want)
			}
		})
	}
}

// FuzzRubricLoad feeds arbitrary YAML to the rubric loader: it never
// panics, and any rubric it accepts can score designs with levels 0 to 3
// and a score from 0 to 100.
func FuzzRubricLoad(f *testing.F) {
	cat := bundled(f)
	for _, k := range cat.Cases[:3] {
		b, err := os.ReadFile("../../cases/" + k.Slug + "/rubric.yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("version: 1\nitems:\n  - id: a\n    dimension: model\n    points: 3\n    title: T\n    levels: [a, b, c, d]\n    checks:\n      - check: graph_cycle\n        through: [serving, log]\n"))
	f.Add([]byte("version: 1\nitems: []\n"))
	f.Add([]byte("{"))
	ref := cat.Cases[0].Reference
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := catalog.ParseRubric("rubric.yaml", b, cat.Template, cat.Concepts)
		if err != nil {
			var errs catalog.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			for _, e := range errs {
				if e.Line < 1 {
					t.Fatalf("error without a line: %v", e)
				}
			}
			return
		}
		e := rubric.NewEngine(r, cat.Concepts, cat.Template)
		for _, d := range []*design.Design{ref, {Sections: design.Answers{}}} {
			rep := e.Check("fuzz", d)
			if rep.Score < 0 || rep.Score > 100 {
				t.Fatalf("score %v", rep.Score)
			}
			for _, it := range rep.Items {
				if it.Level != nil && (*it.Level < 0 || *it.Level > 3) {
					t.Fatalf("level %d", *it.Level)
				}
			}
		}
	})
}

// BenchmarkLoad loads the bundled cases and drills, as the server does at
// start.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		cat, err := catalog.Load(cases.FS, "cases")
		if err != nil {
			b.Fatal(err)
		}
		cat.Close()
	}
}
