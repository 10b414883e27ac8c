// Package design holds a user's design: the structured template it is
// written in, the values of its fields, its pipeline, and its status.
package design

import "fmt"

// FieldType is the type of a template field.
type FieldType string

// The field types a template may use.
const (
	TypeText   FieldType = "text"   // Markdown
	TypeList   FieldType = "list"   // rows of named columns
	TypeNumber FieldType = "number" // a number with a unit
	TypeChoice FieldType = "choice" // one of a few options
	// TypeCode is source text, such as a SQL query: stored as written and
	// never read as prose by the rubric's text checks.
	TypeCode FieldType = "code"
)

// Column is one column of a list field. A column with options is a choice.
type Column struct {
	ID      string   `yaml:"id" json:"id"`
	Label   string   `yaml:"label" json:"label"`
	Options []string `yaml:"options,omitempty" json:"options,omitempty"`
	Max     int      `yaml:"max,omitempty" json:"max,omitempty"`
}

// Field is one input of a section.
type Field struct {
	ID          string    `yaml:"id" json:"id"`
	Label       string    `yaml:"label" json:"label"`
	Type        FieldType `yaml:"type" json:"type"`
	Help        string    `yaml:"help,omitempty" json:"help,omitempty"`
	Placeholder string    `yaml:"placeholder,omitempty" json:"placeholder,omitempty"`
	Max         int       `yaml:"max,omitempty" json:"max,omitempty"` // characters of text; rows of a list
	Unit        string    `yaml:"unit,omitempty" json:"unit,omitempty"`
	Min         *float64  `yaml:"min,omitempty" json:"min,omitempty"`
	MaxValue    *float64  `yaml:"max_value,omitempty" json:"max_value,omitempty"`
	Options     []string  `yaml:"options,omitempty" json:"options,omitempty"`
	Columns     []Column  `yaml:"columns,omitempty" json:"columns,omitempty"`
	// Later marks a field of plans ("Next steps"): what it names is not
	// yet part of the design, and the checks read it as left open.
	Later bool `yaml:"later,omitempty" json:"later,omitempty"`
}

// Column returns the column with the given id and whether it exists.
func (f *Field) Column(id string) (*Column, bool) {
	for i := range f.Columns {
		if f.Columns[i].ID == id {
			return &f.Columns[i], true
		}
	}
	return nil, false
}

// Section is one part of the template, such as framing or evaluation.
type Section struct {
	ID      string  `yaml:"id" json:"id"`
	Title   string  `yaml:"title" json:"title"`
	Intro   string  `yaml:"intro,omitempty" json:"intro,omitempty"`
	Minutes int     `yaml:"minutes,omitempty" json:"minutes,omitempty"` // suggested time in an interview
	Fields  []Field `yaml:"fields" json:"fields"`
}

// Field returns the field with the given id and whether it exists.
func (s *Section) Field(id string) (*Field, bool) {
	for i := range s.Fields {
		if s.Fields[i].ID == id {
			return &s.Fields[i], true
		}
	}
	return nil, false
}

// Template is the ordered list of sections every design is written in.
type Template struct {
	Sections []Section `yaml:"sections" json:"sections"`
}

// Section returns the section with the given id and whether it exists.
func (t *Template) Section(id string) (*Section, bool) {
	for i := range t.Sections {
		if t.Sections[i].ID == id {
			return &t.Sections[i], true
		}
	}
	return nil, false
}

// Field returns the field sectionID.fieldID and whether it exists.
func (t *Template) Field(sectionID, fieldID string) (*Field, bool) {
	s, ok := t.Section(sectionID)
	if !ok {
		return nil, false
	}
	return s.Field(fieldID)
}

// Default limits for fields that do not set their own.
const (
	DefaultTextMax = 8000
	DefaultRowsMax = 30
	DefaultCellMax = 300
	ChoiceMax      = 64
)

// TextMax returns the maximum characters of a text field.
func (f *Field) TextMax() int {
	if f.Max > 0 {
		return f.Max
	}
	return DefaultTextMax
}

// RowsMax returns the maximum rows of a list field.
func (f *Field) RowsMax() int {
	if f.Max > 0 {
		return f.Max
	}
	return DefaultRowsMax
}

// CellMax returns the maximum characters of a list cell.
func (c *Column) CellMax() int {
	if c.Max > 0 {
		return c.Max
	}
	return DefaultCellMax
}

// Check returns an error describing the first thing wrong with t itself: a
// section or field without an id, an unknown type, a choice without options.
func (t *Template) Check() error {
	if len(t.Sections) == 0 {
		return fmt.Errorf("the template has no sections")
	}
	seen := map[string]bool{}
	for _, s := range t.Sections {
		if s.ID == "" || seen[s.ID] {
			return fmt.Errorf("section %q: missing or repeated id", s.ID)
		}
		seen[s.ID] = true
		fields := map[string]bool{}
		for _, f := range s.Fields {
			if f.ID == "" || fields[f.ID] {
				return fmt.Errorf("section %s: field %q: missing or repeated id", s.ID, f.ID)
			}
			fields[f.ID] = true
			switch f.Type {
			case TypeText, TypeNumber, TypeCode:
			case TypeChoice:
				if len(f.Options) == 0 {
					return fmt.Errorf("field %s.%s: a choice needs options", s.ID, f.ID)
				}
			case TypeList:
				if len(f.Columns) == 0 {
					return fmt.Errorf("field %s.%s: a list needs columns", s.ID, f.ID)
				}
			default:
				return fmt.Errorf("field %s.%s: unknown type %q", s.ID, f.ID, f.Type)
			}
		}
	}
	return nil
}
