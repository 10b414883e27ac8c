package server

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/design"
)

// The editor names every input after the field it fills: "f.framing.objective"
// for a value, "f.evaluation.metrics.2.kind" for a cell of row 2.
const fieldPrefix = "f."

// blankRows is how many empty rows a list offers, so that rows can be added
// without JavaScript.
const blankRows = 2

type editorSection struct {
	*design.Section
	Hint   template.HTML
	Fields []editorField
	Errors int
}

type editorField struct {
	*design.Field
	Key   string // "framing.objective"
	Name  string // "f.framing.objective"
	Value string // text, choice, or number as typed
	Rows  []editorRow
	Error string
}

type editorRow struct {
	Index int
	Cells []editorCell
}

type editorCell struct {
	*design.Column
	Name  string
	Value string
	Error string
}

// parseAnswers reads the editor's inputs into answers. Numbers that do not
// parse are returned in raw, so the form can show them again, with an error.
func parseAnswers(form url.Values, t *design.Template) (design.Answers, map[string]string, design.FieldErrors) {
	a := design.Answers{}
	raw := map[string]string{}
	fe := design.FieldErrors{}
	for si := range t.Sections {
		sec := &t.Sections[si]
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			key := sec.ID + "." + f.ID
			name := fieldPrefix + key
			switch f.Type {
			case design.TypeText, design.TypeChoice:
				a.Set(sec.ID, f.ID, design.Value{Text: form.Get(name)})
			case design.TypeNumber:
				s := strings.TrimSpace(form.Get(name))
				if s == "" {
					continue
				}
				n, err := strconv.ParseFloat(s, 64)
				if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || len(s) > 32 {
					raw[key] = s
					fe[key] = "must be a number"
					continue
				}
				a.Set(sec.ID, f.ID, design.Value{Number: &n})
			case design.TypeList:
				rows, msg := parseRows(form, name+".", f)
				if msg != "" {
					fe[key] = msg
				}
				a.Set(sec.ID, f.ID, design.Value{Rows: rows})
			}
		}
	}
	a.Normalize()
	return a, raw, fe
}

// parseRows collects the cells named prefix+"ROW.COLUMN" into rows, in row order.
func parseRows(form url.Values, prefix string, f *design.Field) ([]design.Row, string) {
	byIndex := map[int]design.Row{}
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		idx, col, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 {
			continue
		}
		if i >= 4*f.RowsMax() {
			return nil, fmt.Sprintf("has too many rows; the limit is %d", f.RowsMax())
		}
		if _, ok := f.Column(col); !ok {
			continue
		}
		if byIndex[i] == nil {
			byIndex[i] = design.Row{}
		}
		byIndex[i][col] = vs[0]
	}
	idxs := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idxs = append(idxs, i)
	}
	slices.Sort(idxs)
	rows := make([]design.Row, 0, len(idxs))
	for _, i := range idxs {
		rows = append(rows, byIndex[i])
	}
	return rows, ""
}

// buildEditor lays out the template with the design's values and any errors.
func buildEditor(t *design.Template, cv *caseView, a design.Answers, raw map[string]string, fe design.FieldErrors) []editorSection {
	out := make([]editorSection, 0, len(t.Sections))
	for si := range t.Sections {
		sec := &t.Sections[si]
		es := editorSection{Section: sec}
		if cv != nil {
			es.Hint = cv.Hints[sec.ID]
		}
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			key := sec.ID + "." + f.ID
			ef := editorField{Field: f, Key: key, Name: fieldPrefix + key, Error: fe[key]}
			v := a.Get(sec.ID, f.ID)
			switch f.Type {
			case design.TypeText, design.TypeChoice:
				ef.Value = v.Text
			case design.TypeNumber:
				if s, ok := raw[key]; ok {
					ef.Value = s
				} else if v.Number != nil {
					ef.Value = strconv.FormatFloat(*v.Number, 'f', -1, 64)
				}
			case design.TypeList:
				n := len(v.Rows) + blankRows
				for i := 0; i < n && i < f.RowsMax(); i++ {
					row := editorRow{Index: i}
					for ci := range f.Columns {
						col := &f.Columns[ci]
						cell := editorCell{Column: col, Name: fmt.Sprintf("%s.%d.%s", ef.Name, i, col.ID), Error: fe[fmt.Sprintf("%s.%d.%s", key, i, col.ID)]}
						if i < len(v.Rows) {
							cell.Value = v.Rows[i][col.ID]
						}
						if cell.Error != "" {
							es.Errors++
						}
						row.Cells = append(row.Cells, cell)
					}
					ef.Rows = append(ef.Rows, row)
				}
			}
			if ef.Error != "" {
				es.Errors++
			}
			es.Fields = append(es.Fields, ef)
		}
		out = append(out, es)
	}
	return out
}
