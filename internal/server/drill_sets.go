package server

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/store"
)

// A timed set is setSize drills in setMinutes.
const (
	setSize    = 5
	setMinutes = 25
)

// chooseSet picks the drills of a new timed set: chooseDrills of every
// drill.
func chooseSet(drills []*catalog.Drill, cards map[string]store.DrillCard, history []*store.DrillAttempt, now time.Time) []string {
	return chooseDrills(drills, cards, history, now, setSize)
}

// chooseDrills picks n of drills for a user with these
// cards and attempts: first the drills due at now, most overdue first;
// then drills of the user's weakest kinds (the lowest average score, a
// kind never tried counting as weakest), one kind after another from the
// weakest, so that a set mixes kinds; within a kind, drills never
// answered come before those with the lowest latest score. Retired
// drills are never chosen.
func chooseDrills(drills []*catalog.Drill, cards map[string]store.DrillCard, history []*store.DrillAttempt, now time.Time, n int) []string {
	latest := map[string]float64{}
	sum, count := map[string]float64{}, map[string]int{}
	for _, a := range history {
		latest[a.Drill] = a.Score
		sum[a.Kind] += a.Score
		count[a.Kind]++
	}
	avg := func(kind string) float64 {
		if count[kind] == 0 {
			return -1
		}
		return sum[kind] / float64(count[kind])
	}
	var due []*catalog.Drill
	byKind := map[string][]*catalog.Drill{}
	for _, d := range drills {
		card, ok := cards[d.Slug]
		switch {
		case ok && card.Retired:
		case ok && card.IsDue(now):
			due = append(due, d)
		default:
			byKind[d.Kind] = append(byKind[d.Kind], d)
		}
	}
	slices.SortStableFunc(due, func(a, b *catalog.Drill) int { return cards[a.Slug].Due.Compare(cards[b.Slug].Due) })
	kinds := slices.Clone(catalog.DrillKinds)
	slices.SortStableFunc(kinds, func(a, b string) int { return cmp.Compare(avg(a), avg(b)) })
	for _, k := range kinds {
		slices.SortStableFunc(byKind[k], func(a, b *catalog.Drill) int {
			_, ta := latest[a.Slug]
			_, tb := latest[b.Slug]
			switch {
			case ta != tb && !ta:
				return -1
			case ta != tb:
				return 1
			}
			return cmp.Compare(latest[a.Slug], latest[b.Slug])
		})
	}
	var out []string
	for _, d := range due {
		if len(out) < n {
			out = append(out, d.Slug)
		}
	}
	for len(out) < n {
		added := false
		for _, k := range kinds {
			if len(out) < n && len(byKind[k]) > 0 {
				out = append(out, byKind[k][0].Slug)
				byKind[k] = byKind[k][1:]
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

type setRow struct {
	Drill    *catalog.Drill
	KindName string
	Attempt  *store.DrillAttempt
}

type setPage struct {
	Set      *store.DrillSet
	Rows     []setRow
	Answered int
	Current  *drillPage
	Clock    *clockView
	Over     bool
}

func (p setPage) PageTitle() string { return "Timed set" }

type setsPage struct {
	Sets    []setSummary
	Size    int
	Minutes int
}

type setSummary struct {
	Set      *store.DrillSet
	Answered int
}

func (setsPage) PageTitle() string { return "Timed sets" }

func (s *Server) handleSets(c echo.Context) error {
	sets, err := s.drills.DrillSets(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p := setsPage{Size: setSize, Minutes: setMinutes}
	for _, set := range sets {
		in, err := s.drills.SetAttempts(c.Request().Context(), currentUser(c).ID, set.ID)
		if err != nil {
			return err
		}
		p.Sets = append(p.Sets, setSummary{Set: set, Answered: len(in)})
	}
	return s.renderPage(c, http.StatusOK, "drill_sets", p)
}

func (s *Server) startSet(ctx context.Context, userID int64) (*store.DrillSet, error) {
	cards, err := s.drills.DrillCards(ctx, userID)
	if err != nil {
		return nil, err
	}
	hist, err := s.drills.DrillHistory(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	chosen := chooseSet(s.cat.Drills, cards, hist, now)
	if len(chosen) == 0 {
		return nil, &appError{Status: http.StatusConflict, Message: "Every drill is retired: restore some on the Due page to start a set."}
	}
	return s.drills.CreateDrillSet(ctx, userID, chosen, now, now.Add(setMinutes*time.Minute))
}

func (s *Server) handleSetStart(c echo.Context) error {
	set, err := s.startSet(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/drills/sets/"+itoa(set.ID))
}

func (s *Server) setOf(c echo.Context, v string) (*store.DrillSet, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("This set")
	}
	set, err := s.drills.DrillSet(c.Request().Context(), currentUser(c).ID, id)
	if isNotFound(err) {
		return nil, notFound("This set")
	}
	return set, err
}

// setContextFor returns the user's set v for answering drill slug in it:
// another user's set is a 404; a drill outside the set, one already
// answered in it, or a finished set is a 409.
func (s *Server) setContextFor(c echo.Context, v, slug string) (*setContext, error) {
	set, err := s.setOf(c, v)
	if err != nil {
		return nil, err
	}
	i := slices.Index(set.Drills, slug)
	if i < 0 {
		return nil, &appError{Status: http.StatusConflict, Message: "This drill is not part of that set."}
	}
	if set.FinishedAt != nil {
		return nil, &appError{Status: http.StatusConflict, Message: "This set is finished; its report is on the set's page."}
	}
	in, err := s.drills.SetAttempts(c.Request().Context(), currentUser(c).ID, set.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range in {
		if a.Drill == slug {
			return nil, &appError{Status: http.StatusConflict, Message: "You already answered this drill in this set."}
		}
	}
	if set.Kind == store.SetLoop && i >= loopRounds[3].From {
		if _, rep, err := s.loopDesign(c.Request().Context(), currentUser(c).ID, set); err != nil || rep == nil {
			if err != nil {
				return nil, err
			}
			return nil, &appError{Status: http.StatusConflict, Message: "The behavioral round comes after the design: submit the loop's design first."}
		}
	}
	now := s.now()
	return &setContext{Set: set, Index: i + 1, Answered: len(in), Clock: setClock(set, now)}, nil
}

func setClock(set *store.DrillSet, now time.Time) *clockView {
	return &clockView{StartedAt: set.StartedAt, Deadline: set.Deadline, Now: now, Minutes: setMinutes, Over: now.After(set.Deadline)}
}

func (s *Server) setRows(ctx context.Context, userID int64, set *store.DrillSet) ([]setRow, int, error) {
	in, err := s.drills.SetAttempts(ctx, userID, set.ID)
	if err != nil {
		return nil, 0, err
	}
	var rows []setRow
	for _, slug := range set.Drills {
		d, ok := s.cat.Drill(slug)
		if !ok {
			continue
		}
		row := setRow{Drill: d, KindName: drillKindNames[d.Kind]}
		for _, a := range in {
			if a.Drill == slug {
				row.Attempt = a
			}
		}
		rows = append(rows, row)
	}
	return rows, len(in), nil
}

func (s *Server) handleSet(c echo.Context) error {
	set, err := s.setOf(c, c.Param("id"))
	if err != nil {
		return err
	}
	if set.Kind == store.SetLoop {
		return c.Redirect(http.StatusSeeOther, "/drills/loops/"+itoa(set.ID))
	}
	rows, answered, err := s.setRows(c.Request().Context(), currentUser(c).ID, set)
	if err != nil {
		return err
	}
	if set.FinishedAt != nil || answered >= len(rows) {
		return c.Redirect(http.StatusSeeOther, "/drills/sets/"+itoa(set.ID)+"/report")
	}
	now := s.now()
	p := setPage{Set: set, Rows: rows, Answered: answered, Clock: setClock(set, now), Over: now.After(set.Deadline)}
	for i, r := range rows {
		if r.Attempt == nil {
			dp, err := s.drillPageFor(c, r.Drill)
			if err != nil {
				return err
			}
			dp.Reference = nil // not until the set is over
			dp.Set = &setContext{Set: set, Index: i + 1, Answered: answered, Clock: p.Clock}
			p.Current = &dp
			break
		}
	}
	return s.renderPage(c, http.StatusOK, "drill_set", p)
}

func (s *Server) handleSetFinish(c echo.Context) error {
	set, err := s.setOf(c, c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.drills.FinishDrillSet(c.Request().Context(), currentUser(c).ID, set.ID, s.now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/drills/sets/"+itoa(set.ID)+"/report")
}

type setReportRow struct {
	setRow
	Report *drillReportView
	Late   bool
}

type setReportPage struct {
	Set      *store.DrillSet
	Rows     []setReportRow
	Answered int
	Late     int
	Average  float64
	Minutes  float64 // from start to the last answer
	Finished bool
}

func (setReportPage) PageTitle() string { return "Set report" }

func (s *Server) setReport(c echo.Context) (setReportPage, error) {
	set, err := s.setOf(c, c.Param("id"))
	if err != nil {
		return setReportPage{}, err
	}
	rows, answered, err := s.setRows(c.Request().Context(), currentUser(c).ID, set)
	if err != nil {
		return setReportPage{}, err
	}
	p := setReportPage{Set: set, Answered: answered, Finished: set.FinishedAt != nil || answered >= len(rows)}
	var last time.Time
	for _, r := range rows {
		rr := setReportRow{setRow: r}
		if r.Attempt != nil {
			v := newDrillReport(r.Attempt.Report)
			rr.Report, rr.Late = &v, r.Attempt.Late
			p.Average += r.Attempt.Score
			if rr.Late {
				p.Late++
			}
			if r.Attempt.CreatedAt.After(last) {
				last = r.Attempt.CreatedAt
			}
		}
		p.Rows = append(p.Rows, rr)
	}
	if answered > 0 {
		p.Average /= float64(answered)
		p.Minutes = last.Sub(set.StartedAt).Minutes()
	}
	return p, nil
}

func (s *Server) handleSetReport(c echo.Context) error {
	p, err := s.setReport(c)
	if err != nil {
		return err
	}
	if !p.Finished {
		return c.Redirect(http.StatusSeeOther, "/drills/sets/"+itoa(p.Set.ID))
	}
	return s.renderPage(c, http.StatusOK, "drill_set_report", p)
}
