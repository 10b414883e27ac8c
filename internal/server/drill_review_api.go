package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/store"
)

// The JSON twins of the drill review pages: the same store calls, the same
// rules (calibrate on a pack before reviewing its answers, blind until
// one's own review is in, never one's own answer).
func (s *Server) routesDrillReviewAPI(g *echo.Group) {
	g.GET("/drill-reviews", s.apiDrillQueue, s.requireUser)
	g.GET("/drill-reviews/:id", s.apiDrillReviewGet, s.requireUser)
	g.POST("/drill-reviews/:id", s.apiDrillReviewSubmit, s.requireUser)
	g.POST("/drill-calibrations/:pack", s.apiDrillCalibrate, s.requireUser)
}

// apiDrillQueueEntry is one answer waiting for the caller's review.
type apiDrillQueueEntry struct {
	store.DrillQueueItem
	Pack       string `json:"pack"`
	Calibrated bool   `json:"calibrated"`
}

func (s *Server) apiDrillQueue(c echo.Context) error {
	entries, _, err := s.drillQueue(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	out := []apiDrillQueueEntry{}
	for _, e := range entries {
		out = append(out, apiDrillQueueEntry{DrillQueueItem: e.DrillQueueItem, Pack: e.Drill.Pack, Calibrated: e.Calibrated})
	}
	return c.JSON(http.StatusOK, map[string]any{"queue": out})
}

// apiReviewItem is one rubric item a reviewer scores, with its levels.
type apiReviewItem struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Levels []string `json:"levels"`
}

// apiDrillReview is an answer as a reviewer sees it: before their own
// review, the answer and the items to score, never the automatic report or
// the others' levels; after it (or as a mentor), the reviews.
type apiDrillReview struct {
	AttemptID  int64           `json:"attempt_id"`
	Drill      string          `json:"drill"`
	Pack       string          `json:"pack"`
	Prompt     string          `json:"prompt"`
	Answer     string          `json:"answer"`
	SQL        string          `json:"sql,omitempty"`
	Role       string          `json:"role"`
	Calibrated bool            `json:"calibrated"`
	Items      []apiReviewItem `json:"items,omitempty"`
	Reviews    *apiReviewsJSON `json:"reviews,omitempty"`
}

func (s *Server) apiDrillReviewGet(c echo.Context) error {
	a, role, d, err := s.reviewedAttempt(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	out := apiDrillReview{AttemptID: a.ID, Drill: d.Slug, Pack: d.Pack, Prompt: d.Prompt, Answer: a.Answer, SQL: a.SQL, Role: roleNames[role]}
	switch role {
	case review.ReviewerBefore:
		if out.Calibrated, err = s.drillCalibrated(ctx, currentUser(c).ID, d); err != nil {
			return err
		}
		for _, it := range d.Rubric.Items {
			if !it.RedFlag {
				out.Items = append(out.Items, apiReviewItem{ID: it.ID, Title: it.Title, Levels: it.Levels})
			}
		}
	case review.ReviewerAfter, review.Mentor, review.Author:
		revs, _, err := s.drillReviews.DrillReviewsFor(ctx, currentUser(c).ID, a.ID)
		if err != nil {
			return drillReviewError(err, d.Pack)
		}
		v := newReviewsView(d.Rubric, role, asReviews(revs), reportLevels(a.Report), nil)
		rj := apiReviewsJSON{Role: roleNames[role], Reviews: []apiReview{}, Rulings: []store.Ruling{}}
		if role == review.Mentor {
			if owner, err := s.store.UserByID(ctx, a.UserID); err == nil {
				rj.Author = owner.Name
			}
		}
		for _, rc := range v.Reviews {
			rj.Reviews = append(rj.Reviews, apiReview{ID: rc.ID, Reviewer: rc.Label, Own: rc.Own, Levels: rc.Levels, Comments: rc.Comments, Comment: rc.Comment})
		}
		for _, row := range v.Items {
			rj.Items = append(rj.Items, summaryJSON{ItemSummary: row.ItemSummary, Agreement: row.Agreement()})
		}
		out.Reviews = &rj
	}
	return c.JSON(http.StatusOK, out)
}

// drillCalibrated reports whether user has calibrated on d's pack.
func (s *Server) drillCalibrated(ctx context.Context, userID int64, d *catalog.Drill) (bool, error) {
	cals, err := s.drillReviews.DrillCalibrations(ctx, userID)
	if err != nil {
		return false, err
	}
	_, ok := cals[d.Pack]
	return ok, nil
}

// decodeDrillLevels reads an API request's levels and comments and
// validates them against drill d's scored items.
func decodeDrillLevels(c echo.Context, d *catalog.Drill) (reviewForm, error) {
	var req levelsRequest
	if err := decodeJSON(c, &req); err != nil {
		return reviewForm{}, err
	}
	return drillLevels(req, d)
}

// drillLevels validates a request's levels against drill d's scored items.
func drillLevels(req levelsRequest, d *catalog.Drill) (reviewForm, error) {
	f := req.form(scoredIDs(d.Rubric))
	if len(f.Errors) > 0 {
		return f, &appError{Status: http.StatusUnprocessableEntity, Message: "Nothing was saved: give every rubric item a level from 0 to 3.", Fields: f.Errors}
	}
	return f, nil
}

func (s *Server) apiDrillReviewSubmit(c echo.Context) error {
	var req levelsRequest
	if err := decodeJSON(c, &req); err != nil {
		return err // a malformed request is refused before anything is looked up
	}
	a, role, d, err := s.reviewedAttempt(c)
	if err != nil {
		return err
	}
	if err := mayReviewDrill(role, d.Pack); err != nil {
		return err
	}
	ctx := c.Request().Context()
	ok, err := s.drillCalibrated(ctx, currentUser(c).ID, d)
	if err != nil {
		return err
	}
	if !ok {
		return drillReviewError(store.ErrNotCalibrated, d.Pack)
	}
	f, err := drillLevels(req, d)
	if err != nil {
		return err
	}
	id, err := s.drillReviews.SubmitDrillReview(ctx, currentUser(c).ID, a.ID, d.Pack, f.Levels, f.Comments, f.Comment)
	if err != nil {
		return drillReviewError(err, d.Pack)
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": id})
}

func (s *Server) apiDrillCalibrate(c echo.Context) error {
	p, d, err := s.calibrationOf(c)
	if err != nil {
		return err
	}
	f, err := decodeDrillLevels(c, d)
	if err != nil {
		return err
	}
	res, err := s.calibrateDrill(c.Request().Context(), currentUser(c).ID, p, d, f.Levels)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, res)
}

// calibrateDrill compares a reviewer's levels on pack p's calibration
// answer with the levels the pack sets, and keeps the result.
func (s *Server) calibrateDrill(ctx context.Context, userID int64, p *catalog.Pack, d *catalog.Drill, given review.Levels) (review.Calibration, error) {
	known := review.Levels{}
	for id, kl := range p.Calibration.Levels {
		known[id] = kl.Level
	}
	res := review.Calibrate(scoredIDs(d.Rubric), given, known)
	if err := s.drillReviews.SaveDrillCalibration(ctx, userID, p.Slug, d.Slug, given, res); err != nil {
		return res, drillReviewError(err, p.Slug)
	}
	return res, nil
}
