package export

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casebench/casebench/cases"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/review"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample(t *testing.T) (*catalog.Catalog, *catalog.Case, *design.Design) {
	t.Helper()
	cat, err := catalog.Load(cases.FS, "cases")
	if err != nil {
		t.Fatal(err)
	}
	k, _ := cat.Case("artwork-personalization")
	d := *k.Reference
	d.Title = "Bandit | over images"
	d.Status = design.StatusSubmitted
	d.UpdatedAt = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	d.FollowUps = []design.FollowUp{{Question: k.FollowUps[0].Question, Answer: "Precompute more of the page.", AnsweredAt: d.UpdatedAt}}
	return cat, k, &d
}

// TestMarkdownGolden checks the Markdown export against a golden file:
// sections in template order, the pipeline image and DOT, the report and
// the reviews.
func TestMarkdownGolden(t *testing.T) {
	cat, k, d := sample(t)
	rep := k.Engine.Check(k.Slug, d)
	reviews := &Reviews{Count: 2, Items: review.Summarize([]string{k.Rubric.Items[0].ID, k.Rubric.Items[1].ID}, []review.Levels{{k.Rubric.Items[0].ID: 1, k.Rubric.Items[1].ID: 3}, {k.Rubric.Items[0].ID: 3, k.Rubric.Items[1].ID: 3}}, nil)}
	var b bytes.Buffer
	err := Markdown(&b, Doc{Design: d, Template: cat.Template, CaseTitle: k.Title, Report: rep, Reviews: reviews, Image: "pipeline.svg", DOT: d.Pipeline.CanonicalDOT(),
		ItemTitle: func(id string) string { it, _ := k.Rubric.Item(id); return it.Title }})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		os.WriteFile("testdata/artwork.md", b.Bytes(), 0o644)
	}
	want, err := os.ReadFile("testdata/artwork.md")
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatal("the Markdown export differs from testdata/artwork.md (run with -update after checking the change)")
	}
	md := b.String()
	prev := -1
	for _, sec := range cat.Template.Sections {
		i := strings.Index(md, "\n## "+sec.Title+"\n")
		if i < prev {
			t.Errorf("section %s is out of order", sec.Title)
		}
		prev = i
	}
	for _, want := range []string{"![The pipeline](pipeline.svg)", "```dot\ndigraph pipeline {", "## Rubric report", "## Peer reviews", "| yes |", `Bandit \| over images`, "## Follow-ups"} {
		if !strings.Contains(md, want) && !strings.Contains(md, strings.ReplaceAll(want, `\|`, "|")) {
			t.Errorf("the export lacks %q", want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	cat, _, d := sample(t)
	d.ID, d.Version = 42, 7
	var first bytes.Buffer
	if err := JSON(&first, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(first.String(), `"id": 42`) || strings.Contains(first.String(), `"version"`) {
		t.Error("the export carries the server's id or version")
	}
	back, err := Import(bytes.NewReader(first.Bytes()), cat.Template, func(d *design.Design) error { return d.Validate(cat.Template, pipeline.DefaultLimits) })
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	JSON(&second, back)
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("export, import, export is not byte-identical")
	}
	for _, bad := range []string{`{"format":"casebench.design/v1","case":"x","status":"deleted"}`, `{"format":"casebench.design/v1","case":"x","mode":"exam"}`, `not json`} {
		if _, err := Import(strings.NewReader(bad), cat.Template, func(*design.Design) error { return nil }); err == nil {
			t.Errorf("Import(%s) accepted it", bad)
		}
	}
}
