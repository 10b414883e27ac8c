package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
)

func (s *Server) routesDrillAPI(g *echo.Group) {
	g.GET("/drills", s.apiDrills)
	g.GET("/drills/due", s.apiDue, s.requireUser)
	g.GET("/drills/:slug", s.apiDrill)
	g.POST("/drills/:slug/attempts", s.apiDrillAttempt, s.requireUser)
	g.GET("/drills/:slug/attempts/:id", s.apiDrillAttemptGet, s.requireUser)
	g.POST("/drills/:slug/attempts/:id/rating", s.apiDrillRerate, s.requireUser)
	s.routesDrillReviewAPI(g)
}

// drillSummary is a drill as the API lists it; Status is the caller's
// schedule (new, due, scheduled, snoozed, retired) when signed in.
type drillSummary struct {
	Slug       string     `json:"slug"`
	Title      string     `json:"title"`
	Pack       string     `json:"pack"`
	Kind       string     `json:"kind"`
	Difficulty string     `json:"difficulty"`
	Minutes    int        `json:"minutes"`
	Tags       []string   `json:"tags"`
	Status     string     `json:"status,omitempty"`
	Due        *time.Time `json:"due,omitempty"`
}

func summarizeDrill(d *catalog.Drill) drillSummary {
	return drillSummary{Slug: d.Slug, Title: d.Title, Pack: d.Pack, Kind: d.Kind, Difficulty: d.Difficulty, Minutes: d.Minutes, Tags: d.Tags}
}

func (s *Server) apiDrills(c echo.Context) error {
	kind, diff := c.QueryParam("kind"), c.QueryParam("difficulty")
	q := strings.ToLower(strings.TrimSpace(c.QueryParam("q")))
	switch {
	case kind != "" && !slices.Contains(catalog.DrillKinds, kind):
		return badRequest("There is no drill kind %q; use one of %s.", kind, strings.Join(catalog.DrillKinds, ", "))
	case diff != "" && !slices.Contains(catalog.Difficulties, diff):
		return badRequest("There is no difficulty %q; use one of %s.", diff, strings.Join(catalog.Difficulties, ", "))
	case len(q) > 100:
		return badRequest("Search with at most 100 characters.")
	}
	var cards map[string]store.DrillCard
	u := currentUser(c)
	if u != nil {
		var err error
		if cards, err = s.drills.DrillCards(c.Request().Context(), u.ID); err != nil {
			return err
		}
	}
	now := s.now()
	list := []drillSummary{}
	for _, d := range s.cat.Drills {
		if kind != "" && d.Kind != kind || diff != "" && d.Difficulty != diff || q != "" && !drillMatches(d, q) {
			continue
		}
		sum := summarizeDrill(d)
		if u != nil {
			card, ok := cards[d.Slug]
			sum.Status = drillStatus(card, ok, now)
			if ok {
				due := card.Due
				sum.Due = &due
			}
		}
		list = append(list, sum)
	}
	return c.JSON(http.StatusOK, map[string]any{"drills": list})
}

// drillDetail is one drill as the API gives it: the reference only to a
// caller who has answered it.
type drillDetail struct {
	*catalog.Drill
	Reference *catalog.Reference `json:"reference,omitempty"`
	Attempts  int                `json:"attempts,omitempty"`
}

func (s *Server) apiDrill(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	out := drillDetail{Drill: d}
	if u := currentUser(c); u != nil {
		list, err := s.drills.DrillAttempts(c.Request().Context(), u.ID, d.Slug)
		if err != nil {
			return err
		}
		if out.Attempts = len(list); out.Attempts > 0 {
			ref := d.Reference
			out.Reference = &ref
		}
	}
	return c.JSON(http.StatusOK, out)
}

// attemptRequest is the body of POST /api/v1/drills/{slug}/attempts.
type attemptRequest struct {
	Answer string `json:"answer"`
	SQL    string `json:"sql"`
	Set    int64  `json:"set"`
}

// attemptResponse is a stored attempt with the schedule it left.
type attemptResponse struct {
	Attempt *store.DrillAttempt `json:"attempt"`
	Card    *store.DrillCard    `json:"card,omitempty"`
}

func drillFieldError(err error) error {
	var de *drill.Error
	if errors.As(err, &de) {
		field := de.Field
		if field == "" {
			field = "answer"
		}
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Nothing was saved: " + drillFieldMessage(de), Fields: map[string]string{field: drillFieldMessage(de)}}
	}
	return err
}

func (s *Server) apiDrillAttempt(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	var req attemptRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if d.Kind != catalog.KindSQL && req.SQL != "" {
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Only SQL drills take a query.", Fields: map[string]string{"sql": "Only SQL drills take a query."}}
	}
	a := drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: req.Answer, SQL: req.SQL}
	if err := a.Validate(); err != nil {
		return drillFieldError(err)
	}
	var sc *setContext
	if req.Set != 0 {
		if sc, err = s.setContextFor(c, strconv.FormatInt(req.Set, 10), d.Slug); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	if strings.TrimSpace(req.SQL) != "" {
		res, err := s.cat.RunSQL(ctx, d, req.SQL)
		if err != nil {
			return err
		}
		if runRefusal(res) {
			return &appError{Status: http.StatusUnprocessableEntity, Message: "Nothing was saved: the query was stopped or refused. " + res.Explanation,
				Fields: map[string]string{"sql": res.Explanation}}
		}
	}
	saved, err := s.saveAttempt(ctx, currentUser(c).ID, d, drillForm{Answer: req.Answer, SQL: req.SQL}, sc)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/drills/"+d.Slug+"/attempts/"+itoa(saved.ID))
	return c.JSON(http.StatusCreated, attemptResponse{Attempt: saved.DrillAttempt, Card: &saved.card})
}

func (s *Server) apiDrillAttemptGet(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	a, err := s.attemptOf(c, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, attemptResponse{Attempt: a})
}

func (s *Server) apiDrillRerate(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	var req struct {
		Rating string `json:"rating"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := s.attemptOf(c, d)
	if err != nil {
		return err
	}
	r, err := srs.ParseRating(req.Rating)
	if err != nil {
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Give a rating: again, hard, good or easy.", Fields: map[string]string{"rating": "again, hard, good or easy"}}
	}
	card, err := s.rerate(c.Request().Context(), a, r)
	if err != nil {
		return err
	}
	a.Rating = r
	return c.JSON(http.StatusOK, attemptResponse{Attempt: a, Card: &card})
}

// dueItem is a drill due for review, as the API lists it.
type dueItem struct {
	drillSummary
	Card store.DrillCard `json:"card"`
}

func (s *Server) apiDue(c echo.Context) error {
	p, err := s.dueRows(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	list := []dueItem{}
	for _, r := range p.Due {
		sum := summarizeDrill(r.Drill)
		sum.Status = "due"
		list = append(list, dueItem{drillSummary: sum, Card: r.Card})
	}
	return c.JSON(http.StatusOK, map[string]any{"due": list, "count": len(list)})
}
