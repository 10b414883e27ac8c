package server

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/store"
)

// designID reads the :id parameter; anything but a positive integer is a 404.
func designID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("This design")
	}
	return id, nil
}

// ownDesign returns the signed-in user's design :id, or a 404 error when it
// does not exist or is someone else's.
func (s *Server) ownDesign(c echo.Context) (*design.Design, error) {
	id, err := designID(c)
	if err != nil {
		return nil, err
	}
	d, err := s.store.OwnDesign(c.Request().Context(), currentUser(c).ID, id)
	if isNotFound(err) {
		return nil, notFound("This design")
	}
	return d, err
}

// readDesign returns design :id as the signed-in user may read it, with
// their role: their own design, a draft too (Author); any submitted design,
// for a mentor (Mentor); another's submitted design, blind, without author
// or title, for a reviewer (ReviewerBefore, ReviewerAfter). Anything else,
// a mentor asking for another's draft included, is a 404.
func (s *Server) readDesign(c echo.Context) (*design.Design, review.Role, error) {
	d, err := s.ownDesign(c)
	if err == nil {
		return d, review.Author, nil
	}
	if ae, ok := err.(*appError); !ok || ae.Status != http.StatusNotFound {
		return nil, 0, err
	}
	id, _ := designID(c)
	d, role, err := s.reviews.DesignForReview(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return nil, 0, reviewError(err, "")
	}
	d.ID = id
	return d, role, nil
}

type designListPage struct {
	Designs []designListItem
	Cases   []*catalog.Case
	Form    newDesignForm
	Errors  map[string]string
}

type designListItem struct {
	store.Summary
	CaseTitle string
}

func (designListPage) PageTitle() string { return "My designs" }

func (s *Server) designList(ctx context.Context, userID int64) ([]designListItem, error) {
	list, err := s.store.ListDesigns(ctx, userID)
	if err != nil {
		return nil, err
	}
	items := make([]designListItem, len(list))
	for i, d := range list {
		items[i] = designListItem{Summary: d, CaseTitle: d.Case}
		if c, ok := s.cat.Case(d.Case); ok {
			items[i].CaseTitle = c.Title
		}
	}
	return items, nil
}

func (s *Server) handleDesignList(c echo.Context) error {
	items, err := s.designList(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "designs", designListPage{Designs: items, Cases: s.cat.Cases, Form: newDesignForm{Case: c.QueryParam("case")}})
}

type newDesignForm struct {
	Case  string `form:"case" json:"case"`
	Title string `form:"title" json:"title"`
	Mode  string `form:"mode" json:"mode"`
}

// newDesign validates f and stores a new, empty design for the user.
func (s *Server) newDesign(ctx context.Context, userID int64, f newDesignForm) (*design.Design, error) {
	fe := design.FieldErrors{}
	k, ok := s.cat.Case(strings.TrimSpace(f.Case))
	if !ok {
		fe["case"] = "Choose one of the cases."
	}
	title := strings.TrimSpace(f.Title)
	if title == "" && ok {
		title = k.Title + " — my design"
	}
	if msg := design.ValidateTitle(title); msg != "" && ok {
		fe["title"] = msg
	}
	mode := design.Mode(f.Mode)
	switch mode {
	case "":
		mode = design.ModePractice
	case design.ModePractice, design.ModeInterview:
	default:
		fe["mode"] = "Choose practice or interview."
	}
	if len(fe) > 0 {
		return nil, fe
	}
	d := &design.Design{OwnerID: userID, Case: k.Slug, Title: title, Mode: mode, Sections: design.Answers{}, Pipeline: pipeline.Graph{}}
	if mode == design.ModeInterview {
		d.Interview = &design.Interview{StartedAt: time.Now().UTC().Truncate(time.Second), Minutes: k.Minutes, Seconds: map[string]int{}}
	}
	if err := s.store.CreateDesign(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) handleDesignCreate(c echo.Context) error {
	var f newDesignForm
	if err := c.Bind(&f); err != nil {
		return badRequest("The form could not be read.")
	}
	u := currentUser(c)
	d, err := s.newDesign(c.Request().Context(), u.ID, f)
	var fe design.FieldErrors
	if errors.As(err, &fe) {
		items, lerr := s.designList(c.Request().Context(), u.ID)
		if lerr != nil {
			return lerr
		}
		return s.renderPage(c, http.StatusUnprocessableEntity, "designs", designListPage{Designs: items, Cases: s.cat.Cases, Form: f, Errors: fe})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/designs/"+strconv.FormatInt(d.ID, 10))
}

type editorPage struct {
	Design       *design.Design
	Case         *caseView
	Brief        template.HTML // the case's prompt, facts, constraints and questions
	Title        string
	Sections     []editorSection
	Pipeline     pipelineView
	Errors       design.FieldErrors
	Message      string
	Conflict     bool
	Interviewing bool
	Clock        *clockView
	Seconds      map[string]int
	State        saveState
	Unsaved      bool // the form holds what the last save refused
}

func (p editorPage) PageTitle() string { return p.Title }

// MainClass widens the page, so that the brief fits beside the work.
func (editorPage) MainClass() string { return "wide" }

// saveState is what the editor's save bar says: "Saved at HH:MM" (At), or
// in red, "Not saved: ..." (Text).
type saveState struct {
	Class string // ok or error
	Text  string
	At    *time.Time
}

func notSaved(msg string) saveState { return saveState{Class: "error", Text: msg} }

// editor builds the editor page of d with the given values and errors.
func (s *Server) editor(d *design.Design, title string, a design.Answers, raw map[string]string, fe design.FieldErrors, pf pipelineForm) editorPage {
	cv := s.views.caseView(d.Case)
	at := d.UpdatedAt
	p := editorPage{Design: d, Case: cv, Brief: s.views.brief(d.Case), State: saveState{Class: "ok", At: &at}, Title: title, Sections: buildEditor(s.cat.Template, cv, a, raw, fe),
		Pipeline: newPipelineView(pf, fe["pipeline"], &d.Pipeline), Errors: fe, Interviewing: interviewing(d), Clock: newClock(d.Interview, time.Now())}
	if d.Interview != nil {
		p.Seconds = d.Interview.Seconds
	}
	if p.Interviewing {
		// Hints stay hidden until the design is submitted.
		for i := range p.Sections {
			p.Sections[i].Hint = ""
		}
	}
	return p
}

// handleDesignEdit shows a design: its editor to its author while it is a
// draft, the design to read once submitted, and to a mentor; a reviewer
// is sent to its blind review page. The author's pages are cached (see
// pageCache): while the design's version is the one cached, the page costs
// one narrow query (its version and status) and no decoding.
func (s *Server) handleDesignEdit(c echo.Context) error {
	id, err := designID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	key := "design:" + itoa(id) + ":" + itoa(u.ID)
	ctx := c.Request().Context()
	cp := s.pages.get(key)
	if cp != nil {
		version, status, err := s.store.OwnDesignVersion(ctx, u.ID, id)
		switch {
		case isNotFound(err):
			s.pages.remove(key)
			return s.showOthersDesign(c, id)
		case err != nil:
			return err
		case version == cp.version && status == cp.status:
			return s.sendCached(c, cp)
		}
	}
	d, err := s.store.OwnDesign(ctx, u.ID, id)
	switch {
	case isNotFound(err):
		s.pages.remove(key)
		return s.showOthersDesign(c, id)
	case err != nil:
		return err
	}
	name, page := "design", any(nil)
	if d.Status != design.StatusDraft {
		p := s.viewPage(d)
		p.Own = true
		name, page = "view", p
	} else {
		page = s.editor(d, d.Title, d.Sections, nil, nil, pipelineForm{Graph: d.Pipeline})
	}
	if d.Status == design.StatusDraft && d.Interview != nil {
		// The interview clock changes by the second: not cached.
		return s.renderPage(c, http.StatusOK, name, page)
	}
	if cp, err = s.renderContent(key, name, page, u); err != nil {
		return err
	}
	cp.version, cp.status = d.Version, d.Status
	s.pages.put(cp)
	return s.sendCached(c, cp)
}

// showOthersDesign shows design id, which is not the user's, as they may
// read it: in full to a mentor (once submitted); a reviewer is sent to its
// review page; anyone else gets 404.
func (s *Server) showOthersDesign(c echo.Context, id int64) error {
	d, role, err := s.reviews.DesignForReview(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return reviewError(err, "")
	}
	d.ID = id
	switch role {
	case review.Mentor:
		p := s.viewPage(d)
		p.Author = s.authorName(c, d)
		return s.renderPage(c, http.StatusOK, "view", p)
	case review.ReviewerBefore, review.ReviewerAfter:
		// A reviewer reads a design blind, on its review page.
		return c.Redirect(http.StatusSeeOther, "/reviews/"+itoa(d.ID))
	}
	return notFound("This design")
}

type savedJSON struct {
	Version       int64     `json:"version"`
	SavedAt       time.Time `json:"saved_at"`
	PipelineError string    `json:"pipeline_error,omitempty"`
}

// handleDesignSave saves the editor form. Browsers without JavaScript post
// it and get the page back; the autosave script asks for JSON.
func (s *Server) handleDesignSave(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	version, verr := strconv.ParseInt(form.Get("version"), 10, 64)
	if verr != nil {
		return badRequest("The form has no version; reload the page.")
	}
	op, err := parseRowOp(form, s.cat.Template)
	if err != nil {
		return err
	}
	if op != nil {
		op.apply(form)
	}
	title := strings.TrimSpace(form.Get("title"))
	a, raw, fe := parseAnswers(form, s.cat.Template)
	if msg := design.ValidateTitle(title); msg != "" {
		fe["title"] = msg
	}
	if err := a.Validate(s.cat.Template); err != nil {
		for k, v := range err.(design.FieldErrors) {
			fe[k] = v
		}
	}
	pf, perr := parsePipelineForm(form)
	if !pf.Present {
		pf.Graph = d.Pipeline
	} else if perr != nil {
		fe["pipeline"] = problemText(perr)
		pf.Err = perr
	}
	fail := func(status int, msg string, conflict bool) error {
		if isAPI(c) {
			return &appError{Status: status, Message: msg, Fields: fe}
		}
		p := s.editor(d, title, a, raw, fe, pf)
		p.Message, p.Conflict, p.State, p.Unsaved = msg, conflict, notSaved(msg), true
		p.Design.Version = version
		return s.renderPage(c, status, "design", p)
	}
	// A pipeline that does not parse yet must not block saving the text:
	// the text is saved with the last good pipeline, and the editor shows
	// the pipeline's problems beside it.
	pipelineMsg := fe["pipeline"]
	if pipelineMsg != "" {
		delete(fe, "pipeline")
	}
	if len(fe) > 0 {
		if pipelineMsg != "" {
			fe["pipeline"] = pipelineMsg
		}
		return fail(http.StatusUnprocessableEntity, "Not saved: some fields need attention.", false)
	}
	graph := pf.Graph
	if pipelineMsg != "" {
		graph = d.Pipeline
	}
	content := d.Content()
	content.Sections, content.Pipeline = a, graph
	content.Interview = mergeTiming(d.Interview, form, time.Now())
	saved, err := s.store.UpdateDesign(c.Request().Context(), currentUser(c).ID, d.ID, store.Update{Version: version, Title: &title, Content: &content})
	switch {
	case errors.Is(err, store.ErrConflict):
		msg := "Not saved: this design was changed in another tab or window since you opened it. Reload the page to get the latest version (copy anything you want to keep first)."
		if d.Status != design.StatusDraft {
			msg = "Not saved: this design is submitted and read-only."
		}
		return fail(http.StatusConflict, msg, true)
	case err != nil:
		return err
	}
	if isAPI(c) {
		return c.JSON(http.StatusOK, savedJSON{Version: saved.Version, SavedAt: saved.UpdatedAt, PipelineError: pipelineMsg})
	}
	if pipelineMsg != "" {
		fe["pipeline"] = pipelineMsg
		p := s.editor(saved, saved.Title, saved.Sections, raw, fe, pf)
		p.Message = "Saved, except the pipeline: fix the problems shown beside it and save again."
		p.State, p.Unsaved = notSaved(pipelineNotSaved), true
		return s.renderPage(c, http.StatusUnprocessableEntity, "design", p)
	}
	if form.Get("do") == "check" && !interviewing(saved) {
		return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/report")
	}
	if op != nil {
		s.sessions.Put(c.Request().Context(), "flash", map[string]string{"del": "Row deleted", "up": "Row moved up", "down": "Row moved down"}[op.Op]+", and the design saved.")
		return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+op.anchor())
	}
	s.sessions.Put(c.Request().Context(), "flash", "Saved.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+strconv.FormatInt(d.ID, 10))
}

// pipelineNotSaved is what the save bar says when all but the pipeline
// was saved.
const pipelineNotSaved = "Not saved: the pipeline has problems, shown beside it; the rest of the design is saved."

func (s *Server) handleDesignDelete(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteDesign(c.Request().Context(), currentUser(c).ID, d.ID); err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "Deleted “"+d.Title+"”.")
	return c.Redirect(http.StatusSeeOther, "/designs")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// submitPage asks before a design is submitted, which cannot be undone.
type submitPage struct {
	Design  *design.Design
	Case    *caseView
	Version int64
}

func (p submitPage) PageTitle() string { return "Submit " + p.Design.Title + "?" }

// confirmSubmit puts a confirmation before submit, the handler that
// submits a design from a form: a form without confirm=yes gets the
// question, with a button that posts it again confirmed. The API submits
// without asking.
func (s *Server) confirmSubmit(submit echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodPost && c.FormValue("confirm") == "yes" {
			return submit(c)
		}
		d, err := s.ownDesign(c)
		if err != nil {
			return err
		}
		if d.Status != design.StatusDraft {
			return &appError{Status: http.StatusConflict, Message: "This design is already submitted. Start a new attempt to change it."}
		}
		p := submitPage{Design: d, Case: s.views.caseView(d.Case), Version: d.Version}
		if v, err := strconv.ParseInt(c.FormValue("version"), 10, 64); err == nil && c.Request().Method == http.MethodPost {
			p.Version = v
		}
		return s.renderPage(c, http.StatusOK, "submit", p)
	}
}
