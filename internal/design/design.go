package design

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
)

// Status is where a design is in its life.
type Status string

// The statuses of a design.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
)

// Mode is how a design is being written.
type Mode string

// The modes: practice shows hints and Check; interview runs a clock and hides them.
const (
	ModePractice  Mode = "practice"
	ModeInterview Mode = "interview"
)

// Format names the JSON format of a design, for export and import.
const Format = "casebench.design/v1"

// TitleMax is the maximum length of a design's title, in characters.
const TitleMax = 120

// Row is one row of a list field: column id to cell text.
type Row map[string]string

// Value is the value of one field: text (for text and choice fields), a
// number, or rows. Its JSON is a string, a number or an array of objects.
type Value struct {
	Text   string
	Number *float64
	Rows   []Row
}

// IsZero reports whether v holds nothing.
func (v Value) IsZero() bool {
	return strings.TrimSpace(v.Text) == "" && v.Number == nil && len(v.Rows) == 0
}

// MarshalJSON writes v as a string, a number or an array.
func (v Value) MarshalJSON() ([]byte, error) {
	var x any = v.Text
	switch {
	case v.Rows != nil:
		x = v.Rows
	case v.Number != nil:
		x = *v.Number
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON reads a string, a number, an array of objects of strings, or null.
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = Value{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return fmt.Errorf("empty value")
	}
	switch b[0] {
	case 'n':
		return nil
	case '"':
		return json.Unmarshal(b, &v.Text)
	case '[':
		var rows []Row
		if err := json.Unmarshal(b, &rows); err != nil {
			return fmt.Errorf("a list must be an array of objects of strings")
		}
		if rows == nil {
			rows = []Row{}
		}
		v.Rows = rows
		return nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		v.Number = &f
		return nil
	}
	return fmt.Errorf("a field value must be a string, a number or a list of rows")
}

// Answers holds the values of a design's fields: section id to field id to value.
type Answers map[string]map[string]Value

// Get returns the value of sectionID.fieldID, zero when absent.
func (a Answers) Get(sectionID, fieldID string) Value {
	return a[sectionID][fieldID]
}

// Set stores v at sectionID.fieldID, removing the field when v is empty.
func (a Answers) Set(sectionID, fieldID string, v Value) {
	if v.IsZero() {
		delete(a[sectionID], fieldID)
		if len(a[sectionID]) == 0 {
			delete(a, sectionID)
		}
		return
	}
	if a[sectionID] == nil {
		a[sectionID] = map[string]Value{}
	}
	a[sectionID][fieldID] = v
}

// Design is one user's answer to a case.
type Design struct {
	Format    string         `json:"format"`
	ID        int64          `json:"id,omitempty"`
	Case      string         `json:"case"`
	Title     string         `json:"title"`
	Status    Status         `json:"status"`
	Mode      Mode           `json:"mode"`
	Version   int64          `json:"version,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	Sections  Answers        `json:"sections"`
	Pipeline  pipeline.Graph `json:"pipeline"`
	Interview *Interview     `json:"interview,omitempty"`
	FollowUps []FollowUp     `json:"follow_ups,omitempty"`

	OwnerID int64 `json:"-"`
}

// Interview is the clock of a design written in interview mode.
type Interview struct {
	StartedAt time.Time      `json:"started_at"`
	Minutes   int            `json:"minutes"`
	Seconds   map[string]int `json:"section_seconds,omitempty"` // time spent in each section
}

// Deadline returns when the interview's time is up.
func (iv *Interview) Deadline() time.Time {
	return iv.StartedAt.Add(time.Duration(iv.Minutes) * time.Minute)
}

// FollowUp is the answer to one of the case's follow-up questions, asked
// after submission.
type FollowUp struct {
	Question   string    `json:"question"`
	Answer     string    `json:"answer"`
	AnsweredAt time.Time `json:"answered_at"`
}

// FollowUpMax is the longest follow-up answer, in characters.
const FollowUpMax = 4000

// Content is the part of a design that changes after it is created: the
// answers, the pipeline, the interview clock and the follow-up answers. The
// store keeps it as one JSON document.
type Content struct {
	Sections  Answers        `json:"sections"`
	Pipeline  pipeline.Graph `json:"pipeline"`
	Interview *Interview     `json:"interview,omitempty"`
	FollowUps []FollowUp     `json:"follow_ups,omitempty"`
}

// Content returns the changing part of d.
func (d *Design) Content() Content {
	return Content{Sections: d.Sections, Pipeline: d.Pipeline, Interview: d.Interview, FollowUps: d.FollowUps}
}

// Text returns the text of sectionID.fieldID, or the cells of its rows
// joined by newlines for a list, for checks that read words.
func (a Answers) Text(sectionID, fieldID string) string {
	v := a.Get(sectionID, fieldID)
	if len(v.Rows) == 0 {
		return v.Text
	}
	var b strings.Builder
	for _, r := range v.Rows {
		keys := make([]string, 0, len(r))
		for k := range r {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b.WriteString(r[k])
			b.WriteString(". ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// FieldErrors maps a field key ("framing.objective", "title",
// "evaluation.metrics.2.kind") to a message for the user.
type FieldErrors map[string]string

func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+fe[k])
	}
	return strings.Join(parts, "; ")
}

// ValidateTitle returns a message when title is empty or too long, "" otherwise.
func ValidateTitle(title string) string {
	t := strings.TrimSpace(title)
	switch {
	case t == "":
		return "Give the design a title."
	case input.Line(t) != "":
		return "The title must be one line of plain text. " + input.Line(t)
	case utf8.RuneCountInString(t) > TitleMax:
		return fmt.Sprintf("The title is longer than %d characters.", TitleMax)
	}
	return ""
}

// Normalize removes empty values and empty rows, and turns CRLF into LF,
// so that the same content always gives the same JSON.
func (a Answers) Normalize() {
	for sid, fields := range a {
		for fid, v := range fields {
			v.Text = strings.ReplaceAll(v.Text, "\r\n", "\n")
			if v.Rows != nil {
				rows := v.Rows[:0]
				for _, r := range v.Rows {
					empty := true
					for k, c := range r {
						c = strings.ReplaceAll(strings.TrimSpace(c), "\r\n", "\n")
						r[k] = c
						if c == "" {
							delete(r, k)
						} else {
							empty = false
						}
					}
					if !empty {
						rows = append(rows, r)
					}
				}
				if len(rows) == 0 {
					rows = nil
				}
				v.Rows = rows
			}
			if v.IsZero() {
				delete(fields, fid)
				continue
			}
			fields[fid] = v
		}
		if len(fields) == 0 {
			delete(a, sid)
		}
	}
}

// Validate checks every value of a against the template t and returns
// FieldErrors naming each field that is unknown, of the wrong type, too long
// or out of range, or nil.
func (a Answers) Validate(t *Template) error {
	fe := FieldErrors{}
	for sid, fields := range a {
		sec, ok := t.Section(sid)
		if !ok {
			fe[sid] = "unknown section"
			continue
		}
		for fid, v := range fields {
			key := sid + "." + fid
			f, ok := sec.Field(fid)
			if !ok {
				fe[key] = "unknown field"
				continue
			}
			validateValue(fe, key, f, v)
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

func validateValue(fe FieldErrors, key string, f *Field, v Value) {
	switch f.Type {
	case TypeText, TypeCode:
		if v.Number != nil || v.Rows != nil {
			fe[key] = "must be text"
		} else if !utf8.ValidString(v.Text) {
			fe[key] = "is not valid text"
		} else if n := utf8.RuneCountInString(v.Text); n > f.TextMax() {
			fe[key] = fmt.Sprintf("is %d characters long; the limit is %d", n, f.TextMax())
		}
	case TypeChoice:
		if v.Number != nil || v.Rows != nil || (v.Text != "" && !slices.Contains(f.Options, v.Text)) {
			fe[key] = "must be one of: " + strings.Join(f.Options, ", ")
		}
	case TypeNumber:
		switch {
		case v.Number == nil && v.Text == "" && v.Rows == nil:
		case v.Number == nil || math.IsNaN(*v.Number) || math.IsInf(*v.Number, 0):
			fe[key] = "must be a number"
		case f.Min != nil && *v.Number < *f.Min:
			fe[key] = "must be at least " + strconv.FormatFloat(*f.Min, 'f', -1, 64)
		case f.MaxValue != nil && *v.Number > *f.MaxValue:
			fe[key] = "must be at most " + strconv.FormatFloat(*f.MaxValue, 'f', -1, 64)
		}
	case TypeList:
		if v.Number != nil || (v.Rows == nil && v.Text != "") {
			fe[key] = "must be a list of rows"
			return
		}
		if len(v.Rows) > f.RowsMax() {
			fe[key] = fmt.Sprintf("has %d rows; the limit is %d", len(v.Rows), f.RowsMax())
			return
		}
		for i, r := range v.Rows {
			for cid, cell := range r {
				ck := fmt.Sprintf("%s.%d.%s", key, i, cid)
				col, ok := f.Column(cid)
				switch {
				case !ok:
					fe[ck] = "unknown column"
				case !utf8.ValidString(cell):
					fe[ck] = "is not valid text"
				case len(col.Options) > 0 && !slices.Contains(col.Options, cell):
					fe[ck] = "must be one of: " + strings.Join(col.Options, ", ")
				case utf8.RuneCountInString(cell) > col.CellMax():
					fe[ck] = fmt.Sprintf("is longer than %d characters", col.CellMax())
				}
			}
		}
	}
}

// Validate checks the whole design against t and the pipeline limits.
// It returns FieldErrors for fields and the title, or the pipeline's error.
func (d *Design) Validate(t *Template, lim pipeline.Limits) error {
	fe := FieldErrors{}
	if msg := ValidateTitle(d.Title); msg != "" {
		fe["title"] = msg
	}
	if err := d.Sections.Validate(t); err != nil {
		for k, v := range err.(FieldErrors) {
			fe[k] = v
		}
	}
	if len(fe) > 0 {
		return fe
	}
	return d.Pipeline.Validate(lim)
}

// WordCount returns the number of words in s.
func WordCount(s string) int { return len(strings.Fields(s)) }
