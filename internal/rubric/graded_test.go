package rubric_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
)

// gradedHeader opens every file of scored answers.
const gradedHeader = `# Answers to this drill written blind, by authors who saw only the
# question, and scored by two interviewers working apart, who saw only the
# question too (internal/rubric/testdata/blind-drills). An answer to the
# drill is read against them. Written by "make graded" from the sets
# already looked at; do not edit by hand.
`

// TestGradedAnswers holds each drill's file of scored answers
// (cases/drills/<pack>/graded/<slug>.yaml) to the blind drill answers of
// the sets already looked at: every development answer, with the
// interviewers' mean, and none of a held-out set. With
// CASEBENCH_WRITE_GRADED=1 it writes the files instead.
func TestGradedAnswers(t *testing.T) {
	cat := loadCases(t)
	files, err := filepath.Glob(filepath.Join("testdata", "blind-drills", "*", "experts.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no blind drill answers: %v", err)
	}
	want := map[string][]byte{} // file in the case tree to its text
	for _, f := range files {
		dir := filepath.Dir(f)
		slug := filepath.Base(dir)
		d, ok := cat.Drill(slug)
		if !ok {
			t.Fatalf("%s: no such drill", dir)
		}
		if d.Kind == catalog.KindSQL {
			continue
		}
		es := readExperts(t, f)
		sort.SliceStable(es, func(i, j int) bool { return es[i].Half+"/"+es[i].ID < es[j].Half+"/"+es[j].ID })
		var out bytes.Buffer
		out.WriteString(gradedHeader)
		n := 0
		for _, e := range es {
			if e.Half == "test" {
				continue // held out: read against the others, never with them
			}
			a := readDrillAnswer(t, filepath.Join(dir, e.ID+".md"), slug)
			fmt.Fprintf(&out, "- id: %s/%s\n  score: %g\n  grade: %s\n  why: %s  answer: %s", e.Half, e.ID, e.score(), e.grade(), literal(e.Justifications[0]), literal(a.Answer))
			n++
		}
		if n > 0 {
			want[filepath.Join(filepath.Dir(d.File), catalog.GradedDir, slug+".yaml")] = out.Bytes()
		}
	}
	root := "../../cases"
	if os.Getenv("CASEBENCH_WRITE_GRADED") == "1" {
		for f, b := range want {
			p := filepath.Join(root, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("wrote %d files of scored answers", len(want))
	}
	have, _ := filepath.Glob(filepath.Join(root, "drills", "*", catalog.GradedDir, "*.yaml"))
	for _, p := range have {
		f := strings.TrimPrefix(filepath.ToSlash(p), root+"/") // as the catalog names its files
		if _, ok := want[f]; !ok {
			t.Errorf("%s: no blind answers of the sets looked at give it; remove it (make graded)", f)
		}
	}
	for f, b := range want {
		got, err := os.ReadFile(filepath.Join(root, f))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s is not what the blind answers give (%v); run make graded", f, err)
		}
	}
}

// literal writes s as a YAML literal block, indented for a list entry's field.
func literal(s string) string {
	var b strings.Builder
	b.WriteString("|-\n")
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}
