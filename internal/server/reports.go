package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// check scores d against its case's rubric.
func (s *Server) check(d *design.Design) (*rubric.Report, *catalog.Case, error) {
	k, ok := s.cat.Case(d.Case)
	if !ok {
		return nil, nil, &appError{Status: http.StatusUnprocessableEntity, Message: fmt.Sprintf("The case %q is not in this catalog, so there is no rubric to check against.", d.Case)}
	}
	return k.Engine.Check(k.Slug, d), k, nil
}

// reportView lays a report out by dimension, with links into the editor.
type reportView struct {
	Report     *rubric.Report
	Dimensions []dimensionView
	Flags      []rubric.Flag // for a reviewer, red flags aside
	RedFlags   []itemView    // red flags the design raised
	Meaning    string        // the grade in words
}

type dimensionView struct {
	Name   string
	Score  *float64
	Items  []itemView
	Points int
}

type itemView struct {
	rubric.ItemResult
	Levels []string
	Checks []checkView
}

type checkView struct {
	rubric.CheckResult
	Link     string // where in the editor the finding points
	Where    string // the section and field, in words
	Evidence []evidenceView
	Notes    []noteView
}

// Partial reports whether the check earned some credit but not all.
func (c checkView) Partial() bool { return c.Credit > 0 && !c.Met }

// noteView is one explanation of credit withheld, in words.
type noteView struct {
	rubric.Note
	Label string
	Where string
	Link  string
}

// noteLabels name the kinds of notes as the report shows them.
var noteLabels = map[string]string{
	rubric.NoteDenied:       "Refused",
	rubric.NoteHedged:       "Left open",
	rubric.NoteCopied:       "Copied",
	rubric.NoteKeywordList:  "Read as keywords",
	rubric.NoteTemplated:    "Read as keywords",
	rubric.NoteOtherSection: "Found only in another section",
	rubric.NoteOverBudget:   "Beyond the length read",
	rubric.NoteOverridden:   "Overridden by a red flag",
	rubric.NoteRepeated:     "Already counted",
	rubric.NoteWrongChoice:  "Choice does not fit",
	rubric.NoteNoReason:     "No reason given",
	rubric.NoteHub:          "Only through a hub",
	"missing":               "Not found",
}

type evidenceView struct {
	rubric.Evidence
	Where string
	Link  string
}

// fieldLink returns the editor anchor of a section's field, or of the
// section, or of the pipeline.
func fieldLink(designID int64, section, field string) string {
	base := "/designs/" + itoa(designID)
	switch {
	case section != "" && field != "":
		return base + "#field-" + section + "." + field
	case section != "":
		return base + "#s-" + section
	}
	return base + "#s-pipeline"
}

func (s *Server) whereLabel(section, field string) string {
	if section == "" {
		return "Pipeline"
	}
	sec, ok := s.cat.Template.Section(section)
	if !ok {
		return section
	}
	if f, ok := sec.Field(field); ok {
		return sec.Title + " › " + f.Label
	}
	return sec.Title
}

func (s *Server) newReportView(k *catalog.Case, designID int64, rep *rubric.Report) reportView {
	v := reportView{Report: rep, Meaning: rubric.GradeMeaning(rep.Grade)}
	for _, f := range rep.Flags {
		if f.Kind != "red_flag" {
			v.Flags = append(v.Flags, f)
		}
	}
	byDim := map[string]*dimensionView{}
	for _, dim := range rubric.Dimensions {
		dv := &dimensionView{Name: dim}
		if sc, ok := rep.Dimensions[dim]; ok {
			dv.Score = &sc
		}
		byDim[dim] = dv
	}
	for _, it := range rep.Items {
		iv := itemView{ItemResult: it}
		if ri, ok := k.Rubric.Item(it.ID); ok {
			iv.Levels = ri.Levels
		}
		for _, c := range it.Checks {
			cv := checkView{CheckResult: c, Where: s.whereLabel(c.Section, c.Field), Link: fieldLink(designID, c.Section, c.Field)}
			if strings.HasPrefix(c.Check, "graph_") {
				cv.Where, cv.Link = "Pipeline", fieldLink(designID, "", "")
			}
			for _, e := range c.Evidence {
				ev := evidenceView{Evidence: e, Where: s.whereLabel(e.Section, e.Field), Link: fieldLink(designID, e.Section, e.Field)}
				cv.Evidence = append(cv.Evidence, ev)
			}
			for _, n := range c.Notes {
				nv := noteView{Note: n, Label: noteLabels[n.Kind]}
				if n.Section != "" {
					nv.Where, nv.Link = s.whereLabel(n.Section, n.Field), fieldLink(designID, n.Section, n.Field)
				}
				cv.Notes = append(cv.Notes, nv)
			}
			iv.Checks = append(iv.Checks, cv)
		}
		if it.RedFlag {
			if it.Raised {
				v.RedFlags = append(v.RedFlags, iv)
			}
			continue
		}
		if dv, ok := byDim[it.Dimension]; ok {
			dv.Items = append(dv.Items, iv)
			dv.Points += it.Points
		}
	}
	for _, dim := range rubric.Dimensions {
		if dv := byDim[dim]; len(dv.Items) > 0 {
			v.Dimensions = append(v.Dimensions, *dv)
		}
	}
	return v
}

type reportPage struct {
	Design  *design.Design
	Case    *catalog.Case
	Current reportView
	History []store.StoredReport
	Live    bool // computed now from the draft, not stored
}

func (p reportPage) PageTitle() string { return "Report: " + p.Design.Title }

// handleReport shows the rubric report of a design: computed now for a
// draft, the stored ones for a submitted design.
// errInterviewCheck refuses Check during an interview.
var errInterviewCheck = &appError{Status: http.StatusForbidden, Message: "In interview mode, Check and hints stay hidden until you submit, as in a real round."}

func (s *Server) handleReport(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	if interviewing(d) {
		return errInterviewCheck
	}
	rep, k, err := s.check(d)
	if err != nil {
		return err
	}
	page := reportPage{Design: d, Case: k, Live: true}
	if d.Status == design.StatusSubmitted {
		hist, err := s.store.Reports(c.Request().Context(), d.ID)
		if err != nil {
			return err
		}
		page.History = hist
		if len(hist) > 0 {
			rep, page.Live = hist[len(hist)-1].Report, false
		}
	}
	page.Current = s.newReportView(k, d.ID, rep)
	return s.renderPage(c, http.StatusOK, "report", page)
}

// handleSubmit stores the design's report and makes it read-only.
func (s *Server) handleSubmit(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil {
		return badRequest("The form has no version; reload the page.")
	}
	if _, err := s.submit(c, d, version); err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "Submitted. Your report is stored with rubric version "+strconv.Itoa(s.mustCase(d).Rubric.Version)+".")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/report")
}

func (s *Server) mustCase(d *design.Design) *catalog.Case {
	k, _ := s.cat.Case(d.Case)
	return k
}

// submit checks d and submits it at version.
func (s *Server) submit(c echo.Context, d *design.Design, version int64) (*rubric.Report, error) {
	if d.Status != design.StatusDraft {
		return nil, &appError{Status: http.StatusConflict, Message: "This design is already submitted. Start a new attempt to change it."}
	}
	rep, _, err := s.check(d)
	if err != nil {
		return nil, err
	}
	_, err = s.store.SubmitDesign(c.Request().Context(), currentUser(c).ID, d.ID, version, rep)
	if errors.Is(err, store.ErrConflict) {
		return nil, &appError{Status: http.StatusConflict, Message: "Not submitted: this design changed since you loaded it. Reload the page and submit again."}
	}
	return rep, err
}

// handleNewAttempt starts a draft copy of a design.
func (s *Server) handleNewAttempt(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	title := attemptTitle(d.Title)
	nd, err := s.store.CopyDesign(c.Request().Context(), currentUser(c).ID, d.ID, title)
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "A new attempt, copied from “"+d.Title+"”.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(nd.ID))
}

// attemptTitle numbers attempts: "X" becomes "X (attempt 2)", then 3...
func attemptTitle(t string) string {
	n := 2
	if i := strings.LastIndex(t, " (attempt "); i >= 0 && strings.HasSuffix(t, ")") {
		if k, err := strconv.Atoi(t[i+len(" (attempt ") : len(t)-1]); err == nil {
			n, t = k+1, t[:i]
		}
	}
	title := fmt.Sprintf("%s (attempt %d)", t, n)
	if len([]rune(title)) > design.TitleMax {
		title = string([]rune(title)[:design.TitleMax])
	}
	return title
}

// apiCheck scores a posted design JSON against its case, or ?case=SLUG.
func (s *Server) apiCheck(c echo.Context) error {
	d, err := design.Decode(c.Request().Body, 2<<20)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) || errors.Is(err, design.ErrTooLarge) {
			return err
		}
		return badRequest("The design could not be read: %v.", err)
	}
	if slug := c.QueryParam("case"); slug != "" {
		d.Case = slug
	}
	if err := d.Validate(s.cat.Template, pipeline.DefaultLimits); err != nil {
		return err
	}
	rep, _, err := s.check(d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

type submitRequest struct {
	Version *int64 `json:"version"`
}

func (s *Server) apiSubmit(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	var req submitRequest
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	version := d.Version
	if req.Version != nil {
		version = *req.Version
	}
	rep, err := s.submit(c, d, version)
	if err != nil {
		return err
	}
	saved, err := s.store.OwnDesign(c.Request().Context(), currentUser(c).ID, d.ID)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := design.Encode(&b, saved); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"design": json.RawMessage(b.Bytes()), "report": rep})
}

// apiReport returns the design's report: the stored ones when submitted,
// computed now for a draft.
func (s *Server) apiReport(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	if interviewing(d) {
		return errInterviewCheck
	}
	rep, _, err := s.check(d)
	if err != nil {
		return err
	}
	hist, err := s.store.Reports(c.Request().Context(), d.ID)
	if err != nil {
		return err
	}
	if len(hist) > 0 {
		rep = hist[len(hist)-1].Report
	}
	return c.JSON(http.StatusOK, map[string]any{"report": rep, "history": hist})
}
