// Package export writes a design as Markdown, as lossless JSON, and as a
// zip bundle of both with its pipeline and report, and reads a design back
// from JSON.
package export

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
)

// MaxImport is the largest design JSON Import reads, in bytes.
const MaxImport = 2 << 20

// JSON writes d in the design JSON format without the identifiers of the
// server it comes from (id and version), so that exporting, importing and
// exporting again gives the same bytes.
func JSON(w io.Writer, d *design.Design) error {
	out := *d
	out.ID, out.Version = 0, 0
	return design.Encode(w, &out)
}

// Import reads a design from its JSON, validates it against the template
// and limits, and returns it ready to store: no id, no owner.
func Import(r io.Reader, t *design.Template, validate func(*design.Design) error) (*design.Design, error) {
	d, err := design.Decode(r, MaxImport)
	if err != nil {
		return nil, err
	}
	d.ID, d.Version, d.OwnerID = 0, 0, 0
	if d.Status == "" {
		d.Status = design.StatusDraft
	}
	if d.Status != design.StatusDraft && d.Status != design.StatusSubmitted {
		return nil, fmt.Errorf("status must be draft or submitted, not %q", d.Status)
	}
	if d.Mode == "" {
		d.Mode = design.ModePractice
	}
	if d.Mode != design.ModePractice && d.Mode != design.ModeInterview {
		return nil, fmt.Errorf("mode must be practice or interview, not %q", d.Mode)
	}
	d.Sections.Normalize()
	if err := validate(d); err != nil {
		return nil, err
	}
	for _, fu := range d.FollowUps {
		if len([]rune(fu.Answer)) > design.FollowUpMax || len([]rune(fu.Question)) > design.FollowUpMax {
			return nil, fmt.Errorf("a follow-up is longer than %d characters", design.FollowUpMax)
		}
	}
	return d, nil
}

// Reviews is a summary of a design's peer reviews for the Markdown export.
type Reviews struct {
	Count int
	Items []review.ItemSummary
}

// Doc is everything the Markdown export shows.
type Doc struct {
	Design    *design.Design
	Template  *design.Template
	CaseTitle string
	Report    *rubric.Report // nil: not checked
	Reviews   *Reviews       // nil: no reviews
	Image     string         // where the pipeline image is, relative to the document
	DOT       []byte         // the canonical DOT of the pipeline
	ItemTitle func(id string) string
}

// Markdown writes the design as a document: the template's sections in
// order, the pipeline as an image and its DOT, the rubric report and a
// summary of reviews. The same input gives the same bytes.
func Markdown(w io.Writer, doc Doc) error {
	var b bytes.Buffer
	d := doc.Design
	fmt.Fprintf(&b, "# %s\n\n", oneLine(d.Title))
	fmt.Fprintf(&b, "Case: %s (`%s`) · Status: %s · Mode: %s · Updated: %s\n\n", oneLine(doc.CaseTitle), d.Case, d.Status, d.Mode, d.UpdatedAt.UTC().Format(time.DateOnly))
	for _, sec := range doc.Template.Sections {
		fmt.Fprintf(&b, "## %s\n\n", sec.Title)
		wrote := false
		for _, f := range sec.Fields {
			v := d.Sections.Get(sec.ID, f.ID)
			if v.IsZero() {
				continue
			}
			wrote = true
			fmt.Fprintf(&b, "### %s\n\n", f.Label)
			switch f.Type {
			case design.TypeText:
				b.WriteString(strings.TrimSpace(v.Text))
				b.WriteString("\n\n")
			case design.TypeChoice:
				fmt.Fprintf(&b, "%s\n\n", strings.ReplaceAll(v.Text, "_", " "))
			case design.TypeNumber:
				fmt.Fprintf(&b, "%s %s\n\n", strconv.FormatFloat(*v.Number, 'f', -1, 64), f.Unit)
			case design.TypeList:
				writeTable(&b, f, v.Rows)
			}
		}
		if !wrote {
			b.WriteString("_Not written._\n\n")
		}
	}
	b.WriteString("## Pipeline\n\n")
	if len(d.Pipeline.Nodes) == 0 {
		b.WriteString("_No pipeline._\n\n")
	} else {
		fmt.Fprintf(&b, "![The pipeline](%s)\n\n", doc.Image)
		fmt.Fprintf(&b, "```dot\n%s```\n\n", doc.DOT)
	}
	if len(d.FollowUps) > 0 {
		b.WriteString("## Follow-ups\n\n")
		for _, fu := range d.FollowUps {
			fmt.Fprintf(&b, "**%s**\n\n%s\n\n", oneLine(fu.Question), strings.TrimSpace(fu.Answer))
		}
	}
	if r := doc.Report; r != nil {
		fmt.Fprintf(&b, "## Rubric report\n\nScore %.1f / 100 (%s), rubric version %d: %.1f of %d points checked automatically", r.Score, r.Grade, r.RubricVersion, r.Earned, r.Possible)
		if r.Penalty > 0 {
			fmt.Fprintf(&b, ", less %.0f for red flags", r.Penalty)
		}
		if r.HumanPoints > 0 {
			fmt.Fprintf(&b, "; %d points for reviewers", r.HumanPoints)
		}
		fmt.Fprintf(&b, ".\n\n%s", rubric.GradeMeaning(r.Grade))
		if bl := r.BandsLine(); bl != "" {
			fmt.Fprintf(&b, " %s", bl)
		}
		b.WriteString("\n\n")
		if flags := r.RaisedFlags(); len(flags) > 0 {
			b.WriteString("Red flags:\n\n")
			for _, it := range flags {
				fmt.Fprintf(&b, "- **%s** (−%.0f points). %s\n", oneLine(it.Title), it.Penalty, oneLine(it.Reason))
			}
			b.WriteString("\n")
		}
		b.WriteString("| Item | Dimension | Level | Points |\n|---|---|---|---|\n")
		for _, it := range r.Items {
			if it.RedFlag {
				continue
			}
			level := "reviewer"
			if it.Level != nil {
				level = strconv.Itoa(*it.Level) + " of 3"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %.1f of %d |\n", cell(it.Title), it.Dimension, level, it.Earned, it.Points)
		}
		b.WriteString("\n")
	}
	if rv := doc.Reviews; rv != nil && rv.Count > 0 {
		fmt.Fprintf(&b, "## Peer reviews\n\n%d review(s). Median peer level per item; items whose levels spread by 2 or more are marked.\n\n| Item | Peer levels | Median | Disagreement |\n|---|---|---|---|\n", rv.Count)
		for _, it := range rv.Items {
			title := it.ItemID
			if doc.ItemTitle != nil {
				title = doc.ItemTitle(it.ItemID)
			}
			levels := make([]string, len(it.Levels))
			for i, l := range it.Levels {
				levels[i] = strconv.Itoa(l)
			}
			median := "-"
			if !math.IsNaN(it.Median) && len(it.Levels) > 0 {
				median = strconv.FormatFloat(it.Median, 'f', 1, 64)
			}
			flag := ""
			if it.Disputed {
				flag = "yes"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(title), strings.Join(levels, ", "), median, flag)
		}
		b.WriteString("\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

func writeTable(b *bytes.Buffer, f design.Field, rows []design.Row) {
	for _, c := range f.Columns {
		fmt.Fprintf(b, "| %s ", cell(c.Label))
	}
	b.WriteString("|\n")
	for range f.Columns {
		b.WriteString("|---")
	}
	b.WriteString("|\n")
	for _, r := range rows {
		for _, c := range f.Columns {
			fmt.Fprintf(b, "| %s ", cell(strings.ReplaceAll(r[c.ID], "_", " ")))
		}
		b.WriteString("|\n")
	}
	b.WriteString("\n")
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// File is one file of a bundle.
type File struct {
	Name string
	Data []byte
}

// Zip writes files into a zip archive with a fixed time, so that the same
// files give the same archive.
func Zip(w io.Writer, modified time.Time, files []File) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modified.UTC()}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ReportJSON writes a report as indented JSON.
func ReportJSON(w io.Writer, r *rubric.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
