package server

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// DrillReviewStore is what peer review of drill answers needs of the
// database. Who may see what is enforced in these queries, as for designs.
type DrillReviewStore interface {
	DrillReviewQueue(ctx context.Context, userID int64) ([]store.DrillQueueItem, error)
	DrillAttemptForReview(ctx context.Context, viewerID, id int64) (*store.DrillAttempt, review.Role, error)
	DrillReviewsFor(ctx context.Context, viewerID, id int64) ([]store.DrillReview, review.Role, error)
	SubmitDrillReview(ctx context.Context, reviewerID, id int64, pack string, levels review.Levels, comments map[string]string, comment string) (int64, error)
	SaveDrillCalibration(ctx context.Context, userID int64, pack, slug string, given review.Levels, result review.Calibration) error
	DrillCalibrations(ctx context.Context, userID int64) (map[string]store.DrillCalibration, error)
	DrillReviewCounts(ctx context.Context, userID int64, slug string) (map[int64]int, error)
}

func (s *Server) routesDrillReviews(d *echo.Group) {
	d.GET("/reviews", s.handleDrillQueue)
	d.GET("/reviews/calibrate/:pack", s.handleDrillCalibrateForm)
	d.POST("/reviews/calibrate/:pack", s.handleDrillCalibrate)
	d.GET("/reviews/:id", s.handleDrillReviewPage)
	d.POST("/reviews/:id", s.handleDrillReviewSubmit)
}

// drillReviewError maps the store's review errors to what the user is
// told about a drill answer of pack.
func drillReviewError(err error, pack string) error {
	switch {
	case errors.Is(err, store.ErrForbidden):
		return &appError{Status: http.StatusForbidden, Message: "You may not do this here: an answer is reviewed by others, never by its author, and mentors read answers without scoring them."}
	case errors.Is(err, store.ErrNotCalibrated):
		return &appError{Status: http.StatusConflict, Message: "Nothing was saved: calibrate on this pack first, by scoring its calibration answer at /drills/reviews/calibrate/" + pack + "."}
	case errors.Is(err, store.ErrExists):
		return &appError{Status: http.StatusConflict, Message: "This was already submitted, and a submitted review cannot be changed."}
	case isNotFound(err):
		return notFound("This answer")
	}
	return err
}

// mayReviewDrill refuses a review by the author or a mentor, or a second one.
func mayReviewDrill(role review.Role, pack string) error {
	switch role {
	case review.Author, review.Mentor:
		return drillReviewError(store.ErrForbidden, pack)
	case review.ReviewerAfter:
		return drillReviewError(store.ErrExists, pack)
	}
	return nil
}

// reportLevels returns the automatic level of each scored item of a
// stored report.
func reportLevels(rep *rubric.Report) map[string]int {
	out := map[string]int{}
	if rep == nil {
		return out
	}
	for _, it := range rep.Items {
		if it.Level != nil && !it.RedFlag {
			out[it.ID] = *it.Level
		}
	}
	return out
}

// asReviews gives drill reviews the shape the review summary reads.
func asReviews(in []store.DrillReview) []store.Review {
	out := make([]store.Review, len(in))
	for i, r := range in {
		out[i] = store.Review{ID: r.ID, ReviewerID: r.ReviewerID, ReviewerName: r.ReviewerName, Own: r.Own,
			Levels: r.Levels, Comments: r.Comments, Comment: r.Comment, CreatedAt: r.CreatedAt}
	}
	return out
}

// drillPackOf returns the pack of drill d.
func (s *Server) drillPackOf(d *catalog.Drill) *catalog.Pack {
	p, _ := s.cat.Pack(d.Pack)
	return p
}

// ---- the queue ----

type drillQueueEntry struct {
	store.DrillQueueItem
	Drill      *catalog.Drill
	PackTitle  string
	Calibrated bool
}

type packCalibrationRow struct {
	Pack *catalog.Pack
	Cal  *store.DrillCalibration
}

type drillQueuePage struct {
	Entries []drillQueueEntry
	Packs   []packCalibrationRow
	Limit   int
}

func (drillQueuePage) PageTitle() string { return "Review drill answers" }

// drillQueue returns the answers waiting for user's review, of drills
// still in the catalog, and the user's calibrations by pack.
func (s *Server) drillQueue(ctx context.Context, userID int64) ([]drillQueueEntry, map[string]store.DrillCalibration, error) {
	q, err := s.drillReviews.DrillReviewQueue(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	cals, err := s.drillReviews.DrillCalibrations(ctx, userID)
	if err != nil {
		return nil, nil, err
	}
	var out []drillQueueEntry
	for _, it := range q {
		d, ok := s.cat.Drill(it.Drill)
		if !ok {
			continue // a drill no longer in the catalog
		}
		_, calibrated := cals[d.Pack]
		out = append(out, drillQueueEntry{DrillQueueItem: it, Drill: d, PackTitle: s.drillPackOf(d).Title, Calibrated: calibrated})
	}
	return out, cals, nil
}

func (s *Server) handleDrillQueue(c echo.Context) error {
	entries, cals, err := s.drillQueue(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p := drillQueuePage{Limit: store.DrillQueueLimit, Entries: entries}
	for _, pk := range s.cat.Packs {
		row := packCalibrationRow{Pack: pk}
		if cal, ok := cals[pk.Slug]; ok {
			row.Cal = &cal
		}
		p.Packs = append(p.Packs, row)
	}
	return s.renderPage(c, http.StatusOK, "drill_queue", p)
}

// ---- calibration ----

type drillCalibratePage struct {
	Pack    *catalog.Pack
	Drill   *catalog.Drill
	Prompt  template.HTML
	Answer  template.HTML
	SQL     string
	Items   []formItem
	Result  *review.Calibration
	Titles  map[string]string
	Message string
}

func (p drillCalibratePage) PageTitle() string { return "Calibrate: " + p.Pack.Title }

// Why returns the reason the calibration answer sits at its known level
// on an item.
func (p drillCalibratePage) Why(id string) string { return p.Pack.Calibration.Levels[id].Why }

// calibrationOf returns the pack named by the path and the drill its
// calibration answer answers, or a 404.
func (s *Server) calibrationOf(c echo.Context) (*catalog.Pack, *catalog.Drill, error) {
	p, ok := s.cat.Pack(c.Param("pack"))
	if !ok || p.Calibration == nil {
		return nil, nil, notFound("This drill pack")
	}
	d, ok := s.cat.Drill(p.Calibration.Drill)
	if !ok {
		return nil, nil, notFound("This pack's calibration drill")
	}
	return p, d, nil
}

func newDrillCalibratePage(p *catalog.Pack, d *catalog.Drill, f reviewForm) drillCalibratePage {
	return drillCalibratePage{Pack: p, Drill: d, Prompt: renderMarkdown(d.Prompt), Answer: renderMarkdown(p.Calibration.Answer), SQL: p.Calibration.SQL,
		Items: rubricFormItems(d.Rubric, f), Titles: rubricTitles(d.Rubric)}
}

func (s *Server) handleDrillCalibrateForm(c echo.Context) error {
	p, d, err := s.calibrationOf(c)
	if err != nil {
		return err
	}
	page := newDrillCalibratePage(p, d, reviewForm{})
	cals, err := s.drillReviews.DrillCalibrations(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if cal, ok := cals[p.Slug]; ok {
		page.Result = &cal.Result
	}
	return s.renderPage(c, http.StatusOK, "drill_calibrate", page)
}

func (s *Server) handleDrillCalibrate(c echo.Context) error {
	p, d, err := s.calibrationOf(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	ids := scoredIDs(d.Rubric)
	f := parseReviewForm(form, ids)
	if len(f.Errors) > 0 {
		page := newDrillCalibratePage(p, d, f)
		page.Message = "Nothing was saved: give every item a level from 0 to 3."
		return s.renderPage(c, http.StatusUnprocessableEntity, "drill_calibrate", page)
	}
	if _, err := s.calibrateDrill(c.Request().Context(), currentUser(c).ID, p, d, f.Levels); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/drills/reviews/calibrate/"+p.Slug)
}

// ---- reviewing an answer ----

type drillReviewPage struct {
	Drill      *catalog.Drill
	Pack       *catalog.Pack
	Prompt     template.HTML
	Attempt    *store.DrillAttempt
	Answer     template.HTML
	Role       review.Role
	Author     string // the author's name, for a mentor's eyes
	Calibrated bool
	// NeedsCalibration: a reviewer who has not calibrated on the pack
	// is asked to, and gets no form yet.
	NeedsCalibration bool
	Items            []formItem
	Reviews          *reviewsView
	Message          string
}

func (p drillReviewPage) PageTitle() string { return "Review: " + p.Drill.Title }

// reviewedAttempt loads attempt :id as the viewer may see it for review,
// with its drill.
func (s *Server) reviewedAttempt(c echo.Context) (*store.DrillAttempt, review.Role, *catalog.Drill, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, 0, nil, notFound("This answer")
	}
	a, role, err := s.drillReviews.DrillAttemptForReview(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return nil, 0, nil, drillReviewError(err, "")
	}
	d, ok := s.cat.Drill(a.Drill)
	if !ok {
		return nil, 0, nil, notFound("This answer's drill")
	}
	return a, role, d, nil
}

func (s *Server) newDrillReviewPage(c echo.Context, a *store.DrillAttempt, role review.Role, d *catalog.Drill) (drillReviewPage, error) {
	p := drillReviewPage{Drill: d, Pack: s.drillPackOf(d), Prompt: renderMarkdown(d.Prompt),
		Attempt: a, Answer: renderMarkdown(a.Answer), Role: role}
	ctx := c.Request().Context()
	switch role {
	case review.ReviewerBefore:
		cals, err := s.drillReviews.DrillCalibrations(ctx, currentUser(c).ID)
		if err != nil {
			return p, err
		}
		if _, p.Calibrated = cals[d.Pack]; p.Calibrated {
			p.Items = rubricFormItems(d.Rubric, reviewForm{})
		}
		p.NeedsCalibration = !p.Calibrated
	case review.ReviewerAfter, review.Mentor:
		revs, _, err := s.drillReviews.DrillReviewsFor(ctx, currentUser(c).ID, a.ID)
		if err != nil {
			return p, drillReviewError(err, d.Pack)
		}
		v := newReviewsView(d.Rubric, role, asReviews(revs), reportLevels(a.Report), nil)
		p.Reviews = &v
		if role == review.Mentor {
			if owner, err := s.store.UserByID(ctx, a.UserID); err == nil {
				p.Author = owner.Name
			}
		}
	}
	return p, nil
}

func (s *Server) handleDrillReviewPage(c echo.Context) error {
	a, role, d, err := s.reviewedAttempt(c)
	if err != nil {
		return err
	}
	if role == review.Author {
		return c.Redirect(http.StatusSeeOther, "/drills/"+d.Slug+"/attempts/"+itoa(a.ID)+"#peer-reviews")
	}
	p, err := s.newDrillReviewPage(c, a, role, d)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "drill_review", p)
}

func (s *Server) handleDrillReviewSubmit(c echo.Context) error {
	a, role, d, err := s.reviewedAttempt(c)
	if err != nil {
		return err
	}
	if err := mayReviewDrill(role, d.Pack); err != nil {
		return err
	}
	p, err := s.newDrillReviewPage(c, a, role, d)
	if err != nil {
		return err
	}
	if !p.Calibrated {
		return drillReviewError(store.ErrNotCalibrated, d.Pack)
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := parseReviewForm(form, scoredIDs(d.Rubric))
	if len(f.Errors) > 0 {
		p.Items = rubricFormItems(d.Rubric, f)
		p.Message = "Nothing was saved: give every rubric item a level from 0 to 3."
		return s.renderPage(c, http.StatusUnprocessableEntity, "drill_review", p)
	}
	ctx := c.Request().Context()
	if _, err := s.drillReviews.SubmitDrillReview(ctx, currentUser(c).ID, a.ID, d.Pack, f.Levels, f.Comments, f.Comment); err != nil {
		return drillReviewError(err, d.Pack)
	}
	s.sessions.Put(ctx, "flash", "Review submitted. Here is how the others saw it.")
	return c.Redirect(http.StatusSeeOther, "/drills/reviews/"+itoa(a.ID))
}

// peerReviews returns the peer reviews of the author's attempt a at drill
// d, as the author sees them: nil when it has none.
func (s *Server) peerReviews(ctx context.Context, userID int64, d *catalog.Drill, a *store.DrillAttempt) (*reviewsView, error) {
	revs, role, err := s.drillReviews.DrillReviewsFor(ctx, userID, a.ID)
	if err != nil || len(revs) == 0 {
		return nil, err
	}
	v := newReviewsView(d.Rubric, role, asReviews(revs), reportLevels(a.Report), nil)
	return &v, nil
}
