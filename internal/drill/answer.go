// Package drill holds a drill answer: its JSON format, for export and
// import, its limits, and the small design template it is written in, so
// that the rubric engine checks a drill answer as it checks a design.
package drill

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/input"
)

// Format names the JSON format of a drill answer.
const Format = "casebench.drill-answer/v1"

// Limits of a drill answer, in characters (runes) and bytes. A reference
// answer is 120 to 350 words, about 2,000 characters: the limit leaves
// room for three times that.
const (
	AnswerMax   = 6000
	SQLMax      = 4000
	FollowUpMax = design.FollowUpMax
	FileMax     = 64 << 10
	SecondsMax  = 24 * 60 * 60
)

// The section and fields of the drill template.
const (
	Section   = "answer"
	FieldText = "text"
	FieldSQL  = "sql"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Answer is one answer to a drill, as exported and imported.
type Answer struct {
	Format string `json:"format"`
	// Drill is the drill's slug.
	Drill string `json:"drill"`
	// Answer is the written answer (Markdown); for a SQL drill, the
	// explanation beside the query.
	Answer string `json:"answer"`
	// SQL is the query of a SQL drill.
	SQL string `json:"sql,omitempty"`
	// FollowUp is the answer to the drill's follow-up question.
	FollowUp *FollowUp `json:"follow_up,omitempty"`
	// AnsweredAt is when the answer was written; Seconds how long it took.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Seconds    int        `json:"seconds,omitempty"`
}

// FollowUp is the answer to a drill's follow-up question.
type FollowUp struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Error is a problem with an answer file or its content, naming the key
// it concerns ("answer", "sql", "follow_up.answer") when there is one.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func fieldErr(field, format string, args ...any) error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Decode reads one drill answer in the JSON format from r, at most FileMax
// bytes. Unknown keys, trailing data, a wrong format and content over the
// limits are errors (*Error, or *json.SyntaxError so callers can name a
// line); nothing is returned with them.
func Decode(r io.Reader) (*Answer, error) {
	b, err := io.ReadAll(io.LimitReader(r, FileMax+1))
	if err != nil {
		return nil, err
	}
	if len(b) > FileMax {
		return nil, &Error{Message: fmt.Sprintf("the answer file is larger than %d KiB", FileMax>>10)}
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, &Error{Message: "the file is empty; a drill answer is a JSON object with \"format\": \"" + Format + "\""}
	}
	if err := input.JSON(b); err != nil {
		return nil, err
	}
	var head struct {
		Format string `json:"format"`
	}
	if json.Unmarshal(b, &head) == nil && head.Format == design.Format {
		return nil, fieldErr("format", "this is a design (%s), not a drill answer (%s)", head.Format, Format)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var a Answer
	if err := dec.Decode(&a); err != nil {
		return nil, describe(err)
	}
	if dec.More() {
		return nil, &Error{Message: "unexpected data after the answer"}
	}
	if a.Format != Format {
		return nil, fieldErr("format", "is %q; casebench reads %q", a.Format, Format)
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

func describe(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &te):
		if te.Field != "" {
			return fieldErr(te.Field, "must be %s", input.TypeName(te.Type))
		}
		return &Error{Message: "a drill answer must be " + input.TypeName(te.Type)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Message: "the JSON ends too early"}
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &Error{Message: "unknown key " + msg + " (keys: format, drill, answer, sql, follow_up, answered_at, seconds)"}
	}
	return err
}

// Validate checks the answer's content: a drill slug, text within its
// limits and without control characters, a follow-up with its question.
// It returns an *Error naming the first key at fault, or nil.
func (a *Answer) Validate() error {
	switch {
	case a.Drill == "":
		return fieldErr("drill", "name the drill (its slug)")
	case !slugPattern.MatchString(a.Drill) || len(a.Drill) > 100:
		return fieldErr("drill", "%q is not a drill slug (lower case words joined by -)", a.Drill)
	}
	if err := text("answer", a.Answer, AnswerMax); err != nil {
		return err
	}
	if err := text("sql", a.SQL, SQLMax); err != nil {
		return err
	}
	if strings.TrimSpace(a.Answer) == "" && strings.TrimSpace(a.SQL) == "" {
		return fieldErr("answer", "the answer is empty")
	}
	if a.FollowUp != nil {
		if err := text("follow_up.question", a.FollowUp.Question, 500); err != nil {
			return err
		}
		if strings.TrimSpace(a.FollowUp.Question) == "" {
			return fieldErr("follow_up.question", "give the question the follow-up answers")
		}
		if err := text("follow_up.answer", a.FollowUp.Answer, FollowUpMax); err != nil {
			return err
		}
	}
	if t := a.AnsweredAt; t != nil && (t.UTC().Year() < 2000 || t.UTC().Year() > 9000) {
		return fieldErr("answered_at", "%s is not a time an answer was written", t.Format(time.RFC3339))
	}
	if a.Seconds < 0 || a.Seconds > SecondsMax {
		return fieldErr("seconds", "must be from 0 to %d", SecondsMax)
	}
	return nil
}

func text(field, s string, limit int) error {
	if msg := input.Text(s); msg != "" {
		return fieldErr(field, "%s", msg)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return fieldErr(field, "is %d characters long; the limit is %d", n, limit)
	}
	return nil
}

// Encode writes a as indented JSON in the drill answer format, ending
// with a newline. The same answer always gives the same bytes, and Decode
// reads back the same answer.
func Encode(w io.Writer, a *Answer) error {
	out := *a
	out.Format = Format
	if out.AnsweredAt != nil {
		t := out.AnsweredAt.UTC()
		out.AnsweredAt = &t
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

// Design returns the answer as a design over the drill template, for the
// rubric engine: the text in answer.text, the query in answer.sql, and
// the follow-up answer.
func (a *Answer) Design() *design.Design {
	d := &design.Design{Format: design.Format, Case: a.Drill, Title: a.Drill, Status: design.StatusSubmitted, Mode: design.ModePractice, Sections: design.Answers{}}
	d.Sections.Set(Section, FieldText, design.Value{Text: a.Answer})
	d.Sections.Set(Section, FieldSQL, design.Value{Text: a.SQL})
	if a.FollowUp != nil {
		fu := design.FollowUp{Question: a.FollowUp.Question, Answer: a.FollowUp.Answer}
		if a.AnsweredAt != nil {
			fu.AnsweredAt = *a.AnsweredAt
		}
		d.FollowUps = []design.FollowUp{fu}
	}
	if a.AnsweredAt != nil {
		d.CreatedAt, d.UpdatedAt = *a.AnsweredAt, *a.AnsweredAt
	}
	return d
}

// Template returns the template drill answers are written in: one section
// with the written answer (text) and, for SQL drills, the query (code,
// which the text checks never read as prose).
func Template() *design.Template {
	return &design.Template{Sections: []design.Section{{
		ID:    Section,
		Title: "Answer",
		Fields: []design.Field{
			{ID: FieldText, Label: "Your answer", Type: design.TypeText, Max: AnswerMax,
				Help: "Answer as you would aloud: the claim, why it holds, when it does not, and an example."},
			{ID: FieldSQL, Label: "Query", Type: design.TypeCode, Max: SQLMax,
				Help: "SQLite SQL over the drill's tables; one SELECT (or WITH … SELECT) statement."},
		},
	}}}
}
