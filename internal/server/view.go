package server

import (
	"html/template"
	"strconv"

	"github.com/casebench/casebench/internal/design"
)

// designView is a design laid out for reading: sections in template order,
// text as Markdown, lists as tables.
type designView struct {
	Design   *design.Design
	Case     *caseView
	Sections []sectionView
}

type sectionView struct {
	ID     string
	Title  string
	Fields []fieldView
}

type fieldView struct {
	Key     string
	Label   string
	Type    design.FieldType
	HTML    template.HTML // text
	Value   string        // number with unit, or choice
	Columns []design.Column
	Rows    []design.Row
}

func (s *Server) newDesignView(d *design.Design) designView {
	v := designView{Design: d, Case: s.views.caseView(d.Case)}
	for _, sec := range s.cat.Template.Sections {
		sv := sectionView{ID: sec.ID, Title: sec.Title}
		for _, f := range sec.Fields {
			val := d.Sections.Get(sec.ID, f.ID)
			if val.IsZero() {
				continue
			}
			fv := fieldView{Key: sec.ID + "." + f.ID, Label: f.Label, Type: f.Type, Columns: f.Columns, Rows: val.Rows}
			switch f.Type {
			case design.TypeText:
				fv.HTML = renderMarkdown(val.Text)
			case design.TypeNumber:
				if val.Number != nil {
					fv.Value = strconv.FormatFloat(*val.Number, 'f', -1, 64)
					if f.Unit != "" {
						fv.Value += " " + f.Unit
					}
				}
			case design.TypeChoice:
				fv.Value = val.Text
			}
			sv.Fields = append(sv.Fields, fv)
		}
		v.Sections = append(v.Sections, sv)
	}
	return v
}

type viewPage struct {
	designView
	Times  []timeSpent
	Own    bool   // the reader wrote it: the owner's actions show
	Author string // for a mentor, who wrote it
}

func (p viewPage) PageTitle() string { return p.Design.Title }

func (s *Server) viewPage(d *design.Design) viewPage {
	return viewPage{designView: s.newDesignView(d), Times: s.timesSpent(d)}
}
