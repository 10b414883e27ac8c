package rubric_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
)

// pipelineErrors lists the blind designs whose DOT the importer refused.
var pipelineErrors []string

// readMarkdownDesign reads a design written as Markdown, the form the
// blind authors used: "# title", then one "## section.field" heading per
// field (lists as pipe tables, the pipeline as a ```dot block).
func readMarkdownDesign(path string, t *design.Template) (*design.Design, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &design.Design{Format: design.Format, Title: "Untitled", Sections: design.Answers{}}
	var heading string
	var body []string
	flush := func() error {
		defer func() { body = body[:0] }()
		text := strings.TrimSpace(strings.Join(body, "\n"))
		switch {
		case heading == "":
			return nil
		case heading == "pipeline":
			src := text
			if i := strings.Index(src, "```"); i >= 0 {
				src = src[i+3:]
				src = strings.TrimPrefix(src, "dot")
				if j := strings.Index(src, "```"); j >= 0 {
					src = src[:j]
				}
			}
			g, err := pipeline.ParseDOT([]byte(src), pipeline.DefaultLimits)
			if err != nil {
				pipelineErrors = append(pipelineErrors, fmt.Sprintf("%s: %v", path, err))
				return nil
			}
			d.Pipeline = *g
			return nil
		}
		sec, fid, ok := strings.Cut(heading, ".")
		f, found := t.Field(sec, fid)
		if !ok || !found {
			return fmt.Errorf("unknown field %q", heading)
		}
		var v design.Value
		switch f.Type {
		case design.TypeText, design.TypeChoice:
			v.Text = text
		case design.TypeNumber:
			if text == "" {
				return nil // a heading left empty
			}
			x, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", heading, text)
			}
			v.Number = &x
		case design.TypeList:
			var cols []string
			for _, line := range strings.Split(text, "\n") {
				line = strings.TrimSpace(line)
				if !strings.HasPrefix(line, "|") {
					continue
				}
				cells := strings.Split(strings.Trim(line, "|"), "|")
				for i := range cells {
					cells[i] = strings.TrimSpace(cells[i])
				}
				if cols == nil {
					cols = cells
					continue
				}
				if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
					continue
				}
				r := design.Row{}
				for i, c := range cols {
					if i < len(cells) {
						r[c] = cells[i]
					}
				}
				v.Rows = append(v.Rows, r)
			}
		}
		d.Sections.Set(sec, fid, v)
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "# ") && heading == "":
			d.Title = strings.TrimSpace(line[2:])
		case strings.HasPrefix(line, "## "):
			if err := flush(); err != nil {
				return nil, err
			}
			heading = strings.TrimSpace(line[3:])
		default:
			body = append(body, line)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return d, nil
}
