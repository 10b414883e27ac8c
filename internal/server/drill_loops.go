package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// LoopStore is what the full loop needs of the database beyond drills.
type LoopStore interface {
	CreateLoop(ctx context.Context, userID int64, drills []string, caseSlug string, started, deadline time.Time) (*store.DrillSet, error)
	SetLoopDesign(ctx context.Context, userID, id, designID int64) error
}

// A full loop runs the rounds of an ML interview loop in order: loopScreening
// short questions (ML fundamentals and statistics), loopSQL SQL drills, a
// design case in interview mode, and loopBehavioral behavioral drills.
const (
	loopScreening  = 3
	loopSQL        = 2
	loopBehavioral = 2
	loopMinutes    = loopScreening*5 + loopSQL*10 + 45 + loopBehavioral*8
)

// loopRound is one round of a loop, and where its drills sit in the
// loop's list (the design round has none).
type loopRound struct {
	ID, Name   string
	From, Upto int
}

var loopRounds = []loopRound{
	{"screening", "Screening", 0, loopScreening},
	{"sql", "Coding and data (SQL)", loopScreening, loopScreening + loopSQL},
	{"design", "ML system design", loopScreening + loopSQL, loopScreening + loopSQL},
	{"behavioral", "Behavioral", loopScreening + loopSQL, loopScreening + loopSQL + loopBehavioral},
}

// chooseLoop picks a loop's drills, round by round, weakest first (as
// chooseSet), and its case: the first by title the user has not designed
// yet, or the first.
func chooseLoop(cat *catalog.Catalog, cards map[string]store.DrillCard, hist []*store.DrillAttempt, tried map[string]bool, now time.Time) ([]string, string) {
	of := func(kinds ...string) []*catalog.Drill {
		var out []*catalog.Drill
		for _, d := range cat.Drills {
			if slices.Contains(kinds, d.Kind) {
				out = append(out, d)
			}
		}
		return out
	}
	var drills []string
	drills = append(drills, chooseDrills(of(catalog.KindML, catalog.KindStats), cards, hist, now, loopScreening)...)
	drills = append(drills, chooseDrills(of(catalog.KindSQL), cards, hist, now, loopSQL)...)
	drills = append(drills, chooseDrills(of(catalog.KindBehavioral), cards, hist, now, loopBehavioral)...)
	slug := ""
	for _, k := range cat.Cases {
		if slug == "" {
			slug = k.Slug
		}
		if !tried[k.Slug] {
			return drills, k.Slug
		}
	}
	return drills, slug
}

func (s *Server) routesLoops(g *echo.Group) {
	g.POST("/loops", s.handleLoopStart)
	g.GET("/loops/:id", s.handleLoop)
	g.POST("/loops/:id/design", s.handleLoopDesign)
	g.GET("/loops/:id/report", s.handleLoopReport)
}

func (s *Server) handleLoopStart(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	cards, err := s.drills.DrillCards(ctx, u.ID)
	if err != nil {
		return err
	}
	hist, err := s.drills.DrillHistory(ctx, u.ID)
	if err != nil {
		return err
	}
	designs, err := s.store.ListDesigns(ctx, u.ID)
	if err != nil {
		return err
	}
	tried := map[string]bool{}
	for _, d := range designs {
		tried[d.Case] = true
	}
	now := s.now()
	drills, slug := chooseLoop(s.cat, cards, hist, tried, now)
	if len(drills) < loopScreening+loopSQL+loopBehavioral || slug == "" {
		return &appError{Status: http.StatusConflict, Message: "There are not enough drills and cases left to run a full loop: restore some retired drills on the Due page."}
	}
	loop, err := s.loops.CreateLoop(ctx, u.ID, drills, slug, now, now.Add(loopMinutes*time.Minute))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/drills/loops/"+itoa(loop.ID))
}

// loopOf returns the user's loop named by the path, or a 404.
func (s *Server) loopOf(c echo.Context) (*store.DrillSet, error) {
	set, err := s.setOf(c, c.Param("id"))
	if err == nil && set.Kind != store.SetLoop {
		return nil, notFound("This loop")
	}
	return set, err
}

// loopDesign returns the loop's design and its latest report (nil before
// it is submitted), or nil when none was started or it was deleted.
func (s *Server) loopDesign(ctx context.Context, userID int64, loop *store.DrillSet) (*design.Design, *rubric.Report, error) {
	if loop.DesignID == nil {
		return nil, nil, nil
	}
	d, err := s.store.OwnDesign(ctx, userID, *loop.DesignID)
	if isNotFound(err) {
		return nil, nil, nil
	}
	if err != nil || d.Status != design.StatusSubmitted {
		return d, nil, err
	}
	reps, err := s.store.Reports(ctx, d.ID)
	if err != nil || len(reps) == 0 {
		return d, nil, err
	}
	return d, reps[len(reps)-1].Report, nil
}

type loopRoundView struct {
	loopRound
	Rows   []setRow
	Done   bool
	Score  float64
	Scored bool
}

type loopPage struct {
	Loop    *store.DrillSet
	Case    *catalog.Case
	Design  *design.Design
	Report  *rubric.Report
	Rounds  []loopRoundView
	Current *drillPage
	Step    string // drill, design, continue, report
	Clock   *clockView
}

func (loopPage) PageTitle() string { return "Full loop" }

// loopState reads where the user's loop stands: each round's drills and
// scores, the design and its report.
func (s *Server) loopState(c echo.Context, loop *store.DrillSet) (loopPage, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	rows, _, err := s.setRows(ctx, u.ID, loop)
	if err != nil {
		return loopPage{}, err
	}
	p := loopPage{Loop: loop, Clock: setClock(loop, s.now())}
	p.Case, _ = s.cat.Case(loop.Case)
	if p.Design, p.Report, err = s.loopDesign(ctx, u.ID, loop); err != nil {
		return p, err
	}
	for _, r := range loopRounds {
		rv := loopRoundView{loopRound: r, Done: true}
		if r.ID == "design" {
			rv.Done = p.Report != nil
			if p.Report != nil {
				rv.Score, rv.Scored = p.Report.Score, true
			}
		} else {
			n := 0
			for _, row := range rows[min(r.From, len(rows)):min(r.Upto, len(rows))] {
				rv.Rows = append(rv.Rows, row)
				if row.Attempt == nil {
					rv.Done = false
					continue
				}
				rv.Score += row.Attempt.Score
				n++
			}
			if n > 0 {
				rv.Score, rv.Scored = rv.Score/float64(n), true
			}
		}
		p.Rounds = append(p.Rounds, rv)
	}
	return p, nil
}

func (s *Server) handleLoop(c echo.Context) error {
	loop, err := s.loopOf(c)
	if err != nil {
		return err
	}
	p, err := s.loopState(c, loop)
	if err != nil {
		return err
	}
	for _, r := range p.Rounds {
		if r.Done {
			continue
		}
		if r.ID == "design" {
			p.Step = "design"
			if p.Design != nil {
				p.Step = "continue"
			}
			break
		}
		for _, row := range r.Rows {
			if row.Attempt == nil {
				dp, err := s.drillPageFor(c, row.Drill)
				if err != nil {
					return err
				}
				dp.Reference = nil
				dp.Set = &setContext{Set: loop, Index: slices.Index(loop.Drills, row.Drill.Slug) + 1, Clock: p.Clock}
				p.Current, p.Step = &dp, "drill"
				break
			}
		}
		break
	}
	if p.Step == "" {
		return c.Redirect(http.StatusSeeOther, "/drills/loops/"+itoa(loop.ID)+"/report")
	}
	return s.renderPage(c, http.StatusOK, "drill_loop", p)
}

// handleLoopDesign starts the loop's design, in interview mode, once the
// drill rounds before it are done.
func (s *Server) handleLoopDesign(c echo.Context) error {
	loop, err := s.loopOf(c)
	if err != nil {
		return err
	}
	p, err := s.loopState(c, loop)
	if err != nil {
		return err
	}
	if !p.Rounds[0].Done || !p.Rounds[1].Done {
		return &appError{Status: http.StatusConflict, Message: "Answer the screening and SQL rounds first: the loop runs its rounds in order."}
	}
	if p.Design != nil {
		return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(p.Design.ID))
	}
	ctx := c.Request().Context()
	d, err := s.newDesign(ctx, currentUser(c).ID, newDesignForm{Case: loop.Case, Mode: string(design.ModeInterview), Title: "Full loop: " + p.Case.Title})
	if err != nil {
		return err
	}
	if err := s.loops.SetLoopDesign(ctx, currentUser(c).ID, loop.ID, d.ID); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return &appError{Status: http.StatusConflict, Message: "This loop's design was already started. Reload the loop."}
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Round 3 of the loop: design "+p.Case.Title+" in interview mode, then submit it and go back to the loop from your designs.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID))
}

// loopWeak is one of the weakest items across a loop's rounds.
type loopWeak struct {
	Round, Where, Title, Hint string
	Share                     float64 // earned of points, 0 to 1
	Link                      string
	RedFlag                   bool
	Reason                    string
}

type loopReportPage struct {
	loopPage
	Weakest   []loopWeak
	Overall   float64
	WeakRound *loopRoundView
	Next      []string
	NextLinks []string
}

func (loopReportPage) PageTitle() string { return "Full loop report" }

// weakItems returns the items of rep that earned least, and its red flags.
func weakItems(round, where, link string, rep *rubric.Report) []loopWeak {
	var out []loopWeak
	for _, it := range rep.Items {
		switch {
		case it.RedFlag && it.Raised:
			out = append(out, loopWeak{Round: round, Where: where, Title: it.Title, Link: link, RedFlag: true, Reason: it.Reason})
		case !it.RedFlag && it.Automatic && it.Points > 0:
			share := it.Earned / float64(it.Points)
			if share < 0.5 {
				out = append(out, loopWeak{Round: round, Where: where, Title: it.Title, Hint: it.Hint, Share: share, Link: link})
			}
		}
	}
	return out
}

func (s *Server) handleLoopReport(c echo.Context) error {
	loop, err := s.loopOf(c)
	if err != nil {
		return err
	}
	lp, err := s.loopState(c, loop)
	if err != nil {
		return err
	}
	for _, r := range lp.Rounds {
		if !r.Done {
			return c.Redirect(http.StatusSeeOther, "/drills/loops/"+itoa(loop.ID))
		}
	}
	if loop.FinishedAt == nil {
		if err := s.drills.FinishDrillSet(c.Request().Context(), currentUser(c).ID, loop.ID, s.now()); err != nil {
			return err
		}
	}
	p := loopReportPage{loopPage: lp}
	for i := range lp.Rounds {
		r := &lp.Rounds[i]
		p.Overall += r.Score / float64(len(lp.Rounds))
		if p.WeakRound == nil || r.Score < p.WeakRound.Score {
			p.WeakRound = r
		}
		for _, row := range r.Rows {
			p.Weakest = append(p.Weakest, weakItems(r.Name, row.Drill.Title, "/drills/"+row.Drill.Slug+"/attempts/"+itoa(row.Attempt.ID), row.Attempt.Report)...)
		}
		if r.ID == "design" && lp.Report != nil {
			p.Weakest = append(p.Weakest, weakItems(r.Name, lp.Case.Title, "/designs/"+itoa(lp.Design.ID)+"/report", lp.Report)...)
		}
	}
	slices.SortStableFunc(p.Weakest, func(a, b loopWeak) int {
		if a.RedFlag != b.RedFlag {
			if a.RedFlag {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Share, b.Share)
	})
	if r := p.WeakRound; r != nil && slices.IndexFunc(lp.Rounds, func(o loopRoundView) bool { return o.Score > r.Score }) < 0 {
		p.WeakRound = nil // every round scored the same
	}
	p.Weakest = p.Weakest[:min(len(p.Weakest), 8)]
	p.Next, p.NextLinks = s.practiseNext(p)
	return s.renderPage(c, http.StatusOK, "drill_loop_report", p)
}

// practiseNext says what to practise after a loop: the weakest round
// first, with where to do it.
func (s *Server) practiseNext(p loopReportPage) ([]string, []string) {
	var text, links []string
	if r := p.WeakRound; r != nil {
		switch r.ID {
		case "design":
			text = append(text, fmt.Sprintf("Your weakest round was the design (%.0f): read its report item by item and write a new attempt of %s.", r.Score, p.Case.Title))
			links = append(links, "/designs/"+itoa(p.Design.ID)+"/report")
		default:
			worst := r.Rows[0]
			for _, row := range r.Rows {
				if row.Attempt.Score < worst.Attempt.Score {
					worst = row
				}
			}
			text = append(text, fmt.Sprintf("Your weakest round was %s (%.0f): answer “%s” again after reading its reference, then run a timed set.", r.Name, r.Score, worst.Drill.Title))
			links = append(links, "/drills/"+worst.Drill.Slug+"/attempts/"+itoa(worst.Attempt.ID))
		}
	}
	for _, w := range p.Weakest {
		if w.RedFlag {
			text = append(text, fmt.Sprintf("Unlearn a misconception raised in %s: “%s”.", w.Where, w.Title))
			links = append(links, w.Link)
			break
		}
	}
	text = append(text, "Review what is due today, so that the weak answers come back before you forget them.")
	links = append(links, "/drills/due")
	return text, links
}
