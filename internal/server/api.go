package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/store"
)

// decodeJSON reads one JSON value from the request body into v. Unknown
// fields, trailing data and malformed JSON are 400s with a message.
func decodeJSON(c echo.Context, v any) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		if errors.As(err, &he) || errors.As(err, &mbe) {
			return err
		}
		return badRequest("The body could not be read: the connection failed or timed out.")
	}
	if err := input.JSON(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &he), errors.As(err, &mbe):
			return err
		case errors.As(err, &se):
			return badRequest("The JSON is malformed at byte %d: %v.", se.Offset, se)
		case errors.As(err, &te) && te.Field == "":
			return badRequest("The body must be %s.", input.TypeName(te.Type))
		case errors.As(err, &te):
			return badRequest("Field %q must be %s.", te.Field, input.TypeName(te.Type))
		case errors.Is(err, io.EOF):
			return badRequest("The body is empty; send JSON.")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badRequest("The JSON ends too early.")
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return badRequest("Unknown field %s.", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return badRequest("The JSON could not be read: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return badRequest("Unexpected data after the JSON value.")
	}
	return nil
}

// writeDesign sends d in the design JSON format.
func writeDesign(c echo.Context, status int, d *design.Design) error {
	var b bytes.Buffer
	if err := design.Encode(&b, d); err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, b.Bytes())
}

type caseSummary struct {
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Tags       []string `json:"tags"`
	Difficulty string   `json:"difficulty"`
	Minutes    int      `json:"minutes"`
}

func summarize(k *catalog.Case) caseSummary {
	return caseSummary{Slug: k.Slug, Title: k.Title, Summary: k.Summary, Tags: k.Tags, Difficulty: k.Difficulty, Minutes: k.Minutes}
}

func (s *Server) apiCases(c echo.Context) error {
	cases := filterFrom(c).apply(s.cat.Cases)
	list := make([]caseSummary, len(cases))
	for i, k := range cases {
		list[i] = summarize(k)
	}
	return c.JSON(http.StatusOK, map[string]any{"cases": list})
}

func (s *Server) apiCase(c echo.Context) error {
	v, err := s.caseBySlug(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v.Case)
}

func (s *Server) apiDesignList(c echo.Context) error {
	list, err := s.store.ListDesigns(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"designs": list})
}

func (s *Server) apiDesignCreate(c echo.Context) error {
	var f newDesignForm
	if err := decodeJSON(c, &f); err != nil {
		return err
	}
	d, err := s.newDesign(c.Request().Context(), currentUser(c).ID, f)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/designs/"+itoa(d.ID))
	return writeDesign(c, http.StatusCreated, d)
}

// apiDesignGet returns a design to whoever may read it: its author and
// mentors get the whole document, reviewers the blind one.
func (s *Server) apiDesignGet(c echo.Context) error {
	d, role, err := s.readDesign(c)
	if err != nil {
		return err
	}
	if role == review.Author || role == review.Mentor {
		return writeDesign(c, http.StatusOK, d)
	}
	return writeBlindDesign(c, d)
}

// blindDesign is a design as a reviewer reads it: the document without
// its title (the owner is never in the document).
type blindDesign struct {
	*design.Design
	Title string `json:"title,omitempty"`
}

func writeBlindDesign(c echo.Context, d *design.Design) error {
	out := *d
	out.Format, out.Title, out.OwnerID = design.Format, "", 0
	if out.Sections == nil {
		out.Sections = design.Answers{}
	}
	if out.Pipeline.Nodes == nil {
		out.Pipeline.Nodes = []pipeline.Node{}
	}
	if out.Pipeline.Edges == nil {
		out.Pipeline.Edges = []pipeline.Edge{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blindDesign{Design: &out}); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b.Bytes())
}

// designPut is the body of PUT /api/v1/designs/{id}: the version the change
// is based on, and what replaces the stored title, sections and pipeline.
// An absent part is kept. The document GET returned is accepted as it is:
// the fields the server sets may come along, and must then be what the
// server holds.
type designPut struct {
	Version  *int64          `json:"version"`
	Title    *string         `json:"title"`
	Sections design.Answers  `json:"sections"`
	Pipeline *pipeline.Graph `json:"pipeline"`

	Format    json.RawMessage `json:"format"`
	ID        json.RawMessage `json:"id"`
	Case      json.RawMessage `json:"case"`
	Status    json.RawMessage `json:"status"`
	Mode      json.RawMessage `json:"mode"`
	CreatedAt json.RawMessage `json:"created_at"`
	UpdatedAt json.RawMessage `json:"updated_at"`
	Interview json.RawMessage `json:"interview"`
	FollowUps json.RawMessage `json:"follow_ups"`
}

// serverFields returns the server-set fields given, by JSON name.
func (p *designPut) serverFields() map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for name, v := range map[string]json.RawMessage{
		"format": p.Format, "id": p.ID, "case": p.Case, "status": p.Status, "mode": p.Mode,
		"created_at": p.CreatedAt, "updated_at": p.UpdatedAt, "interview": p.Interview, "follow_ups": p.FollowUps,
	} {
		if v != nil {
			out[name] = v
		}
	}
	return out
}

// checkServerFields refuses, with 422 naming each field, server-set fields
// of a PUT that differ from the stored design d. A PUT based on another
// version is stale rather than wrong, so only the fields that never change
// (format, id, case, mode, created_at) are compared then, and the store
// answers 409.
func checkServerFields(d *design.Design, p *designPut) error {
	given := p.serverFields()
	if len(given) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := design.Encode(&b, d); err != nil {
		return err
	}
	var stored map[string]json.RawMessage
	if err := json.Unmarshal(b.Bytes(), &stored); err != nil {
		return err
	}
	stale := p.Version != nil && *p.Version != d.Version
	fe := map[string]string{}
	for name, v := range given {
		if stale && (name == "status" || name == "updated_at" || name == "interview" || name == "follow_ups") {
			continue
		}
		if !sameJSON(name, v, stored[name]) {
			want := string(stored[name])
			if want == "" {
				want = "absent"
			}
			fe[name] = "set by the server; it is " + want
		}
	}
	if len(fe) == 0 {
		return nil
	}
	names := make([]string, 0, len(fe))
	for n := range fe {
		names = append(names, n)
	}
	slices.Sort(names)
	return &appError{Status: http.StatusUnprocessableEntity, Fields: fe,
		Message: fmt.Sprintf("%s cannot be changed: the server sets %s. Leave %s out, or send what GET returned.", quoteList(names), pronoun(len(names)), pronoun(len(names)))}
}

// sameJSON reports whether two JSON values mean the same: times as
// instants, everything else as values. An absent value is null.
func sameJSON(name string, a, b json.RawMessage) bool {
	if name == "created_at" || name == "updated_at" {
		var ta, tb time.Time
		return json.Unmarshal(a, &ta) == nil && json.Unmarshal(b, &tb) == nil && ta.Equal(tb)
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		return false
	}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &vb); err != nil {
			return false
		}
	}
	return reflect.DeepEqual(va, vb)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return "Field " + q[0]
	}
	return "Fields " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func (s *Server) apiDesignPut(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	var p designPut
	if err := decodeJSON(c, &p); err != nil {
		return err
	}
	if p.Version == nil {
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Give the version your change is based on.", Fields: map[string]string{"version": "required"}}
	}
	if err := checkServerFields(d, &p); err != nil {
		return err
	}
	u := store.Update{Version: *p.Version}
	if p.Title != nil {
		t := strings.TrimSpace(*p.Title)
		if msg := design.ValidateTitle(t); msg != "" {
			return design.FieldErrors{"title": msg}
		}
		u.Title = &t
	}
	content := d.Content()
	if p.Sections != nil {
		p.Sections.Normalize()
		if err := p.Sections.Validate(s.cat.Template); err != nil {
			return err
		}
		content.Sections = p.Sections
	}
	if p.Pipeline != nil {
		// A pipeline given as DOT text is read from it: its nodes and
		// edges are what the text reads as.
		if p.Pipeline.DOT != "" {
			g, err := pipeline.ParseDOT([]byte(p.Pipeline.DOT), pipeline.DefaultLimits)
			if err != nil {
				return pipelineError(err)
			}
			p.Pipeline = g
		}
		if err := p.Pipeline.Validate(pipeline.DefaultLimits); err != nil {
			return err
		}
		content.Pipeline = *p.Pipeline
	}
	u.Content = &content
	saved, err := s.store.UpdateDesign(c.Request().Context(), currentUser(c).ID, d.ID, u)
	if err != nil {
		return err
	}
	return writeDesign(c, http.StatusOK, saved)
}

func (s *Server) apiDesignDelete(c echo.Context) error {
	id, err := designID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteDesign(c.Request().Context(), currentUser(c).ID, id); err != nil {
		if isNotFound(err) {
			return notFound("This design")
		}
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
