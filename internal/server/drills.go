package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/sqldrill"
	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
)

// DrillStore is what the drill pages need of the database.
type DrillStore interface {
	AddDrillAttempt(ctx context.Context, a *store.DrillAttempt, review store.CardReview) (store.DrillCard, error)
	RerateDrillAttempt(ctx context.Context, userID, id int64, rating srs.Rating, review store.CardReview) (store.DrillCard, error)
	DrillAttempt(ctx context.Context, userID, id int64) (*store.DrillAttempt, error)
	DrillAttempts(ctx context.Context, userID int64, slug string) ([]*store.DrillAttempt, error)
	DrillHistory(ctx context.Context, userID int64) ([]*store.DrillAttempt, error)
	SetAttempts(ctx context.Context, userID, setID int64) ([]*store.DrillAttempt, error)
	DrillCards(ctx context.Context, userID int64) (map[string]store.DrillCard, error)
	ChangeDrillCard(ctx context.Context, userID int64, slug string, change func(store.DrillCard) (store.DrillCard, error)) (store.DrillCard, error)
	CreateDrillSet(ctx context.Context, userID int64, drills []string, started, deadline time.Time) (*store.DrillSet, error)
	DrillSet(ctx context.Context, userID, id int64) (*store.DrillSet, error)
	DrillSets(ctx context.Context, userID int64) ([]*store.DrillSet, error)
	FinishDrillSet(ctx context.Context, userID, id int64, at time.Time) error
}

// drillKindNames are the drill kinds as pages name them.
var drillKindNames = map[string]string{
	catalog.KindML: "ML fundamentals", catalog.KindStats: "Experimentation and statistics",
	catalog.KindSQL: "SQL and data", catalog.KindBehavioral: "Behavioral",
}

// snoozeDays are the snoozes a learner can choose.
var snoozeDays = []int{1, 3, 7}

// proposedRating maps a drill's automatic report to the FSRS rating the
// schedule takes unless the learner picks another after reading the
// report. The score goes through srs.DefaultBands: below 50 Again, 50 to
// under 70 Hard, 70 to under 95 Good, 95 and above Easy. An answer that
// raised a red flag gets at most Hard, whatever its score: stating a
// misconception is not a clean recall, and the drill should come back soon.
func proposedRating(rep *rubric.Report) srs.Rating {
	r, err := srs.RatingForScore(min(max(rep.Score, 0), 100))
	if err != nil {
		r = srs.Again
	}
	if len(rep.RaisedFlags()) > 0 && r > srs.Hard {
		r = srs.Hard
	}
	return r
}

func (s *Server) routesDrills(g *echo.Group) {
	g.GET("/drills", s.handleDrills)
	g.GET("/drills/:slug", s.handleDrill)
	d := g.Group("/drills", s.requireUser)
	d.GET("/due", s.handleDue)
	d.GET("/progress", s.handleDrillProgress)
	d.GET("/sets", s.handleSets)
	d.POST("/sets", s.handleSetStart)
	d.GET("/sets/:id", s.handleSet)
	d.POST("/sets/:id/finish", s.handleSetFinish)
	d.GET("/sets/:id/report", s.handleSetReport)
	s.routesLoops(d)
	s.routesDrillReviews(d)
	d.GET("/upload", s.handleDrillUploadForm)
	d.POST("/upload", s.handleDrillUpload)
	d.POST("/:slug", s.handleDrillAnswer)
	d.GET("/:slug/attempts/:id", s.handleDrillAttempt)
	d.GET("/:slug/attempts/:id/export.json", s.handleDrillAttemptExport)
	d.POST("/:slug/attempts/:id/rating", s.handleDrillRerate)
	d.POST("/:slug/snooze", s.handleSnooze)
	d.POST("/:slug/retire", s.handleRetire(true))
	d.POST("/:slug/restore", s.handleRetire(false))
}

// drillOf returns the drill named by the path, or a 404.
func (s *Server) drillOf(c echo.Context) (*catalog.Drill, error) {
	d, ok := s.cat.Drill(c.Param("slug"))
	if !ok {
		return nil, notFound("This drill")
	}
	return d, nil
}

// ---- the bank ----

type drillRow struct {
	Drill    *catalog.Drill
	KindName string
	Status   string // "", new, due, scheduled, snoozed, retired
	Due      time.Time
}

type packView struct {
	Pack     *catalog.Pack
	KindName string
	Drills   []drillRow
}

type drillsPage struct {
	Packs           []packView
	Kinds           []string
	KindNames       map[string]string
	Kind, Q, Diff   string
	Difficulties    []string
	Shown, Total    int
	SignedIn        bool
	DueCount, Tried int
	Upload          drillUploadPage
}

func (drillsPage) PageTitle() string { return "Drills" }

func drillStatus(card store.DrillCard, ok bool, now time.Time) string {
	switch {
	case !ok:
		return "new"
	case card.Retired:
		return "retired"
	case card.IsDue(now):
		return "due"
	case card.SnoozedUntil != nil && card.SnoozedUntil.After(now):
		return "snoozed"
	}
	return "scheduled"
}

func (s *Server) handleDrills(c echo.Context) error {
	kind, diff := c.QueryParam("kind"), c.QueryParam("difficulty")
	q := strings.ToLower(strings.TrimSpace(c.QueryParam("q")))
	if kind != "" && !slices.Contains(catalog.DrillKinds, kind) {
		return badRequest("There is no drill kind %q; choose one of %s.", kind, strings.Join(catalog.DrillKinds, ", "))
	}
	if diff != "" && !slices.Contains(catalog.Difficulties, diff) {
		return badRequest("There is no difficulty %q; choose one of %s.", diff, strings.Join(catalog.Difficulties, ", "))
	}
	if len(q) > 100 {
		return badRequest("Search with at most 100 characters.")
	}
	p := drillsPage{Kinds: catalog.DrillKinds, KindNames: drillKindNames, Kind: kind, Q: c.QueryParam("q"), Diff: diff,
		Difficulties: catalog.Difficulties, Total: len(s.cat.Drills), Upload: newDrillUploadPage()}
	cards := map[string]store.DrillCard{}
	if u := currentUser(c); u != nil {
		p.SignedIn = true
		var err error
		if cards, err = s.drills.DrillCards(c.Request().Context(), u.ID); err != nil {
			return err
		}
	}
	now := s.now()
	for _, pk := range s.cat.Packs {
		if kind != "" && pk.Kind != kind {
			continue
		}
		pv := packView{Pack: pk, KindName: drillKindNames[pk.Kind]}
		for _, d := range pk.Drills {
			if diff != "" && d.Difficulty != diff || q != "" && !drillMatches(d, q) {
				continue
			}
			card, ok := cards[d.Slug]
			row := drillRow{Drill: d, KindName: pv.KindName, Due: card.Due}
			if p.SignedIn {
				row.Status = drillStatus(card, ok, now)
			}
			pv.Drills = append(pv.Drills, row)
		}
		if len(pv.Drills) > 0 {
			p.Shown += len(pv.Drills)
			p.Packs = append(p.Packs, pv)
		}
	}
	for _, card := range cards {
		p.Tried++
		if card.IsDue(now) {
			p.DueCount++
		}
	}
	return s.renderPage(c, http.StatusOK, "drills", p)
}

func drillMatches(d *catalog.Drill, q string) bool {
	if strings.Contains(strings.ToLower(d.Title), q) || strings.Contains(strings.ToLower(d.Prompt), q) || strings.Contains(d.Slug, q) {
		return true
	}
	for _, t := range d.Tags {
		if strings.Contains(t, q) {
			return true
		}
	}
	return false
}

// ---- one drill ----

type drillForm struct {
	Answer string
	SQL    string
}

type runView struct {
	Ok      bool
	Message string
	Head    *sqldrill.Head
	Elapsed time.Duration
}

type drillPage struct {
	Drill      *catalog.Drill
	KindName   string
	Prompt     template.HTML
	Tables     []sqldrill.Table
	Form       drillForm
	Errors     map[string]string
	Error      string
	Run        *runView
	SignedIn   bool
	Attempts   []*store.DrillAttempt
	Reviews    map[int64]int // peer reviews of each attempt, by its id
	Card       *store.DrillCard
	CardStatus string
	Reference  *referenceView
	Set        *setContext
	AnswerMax  int
	SQLMax     int
	SnoozeDays []int
}

func (p drillPage) PageTitle() string { return p.Drill.Title }

type referenceView struct {
	Answer   template.HTML
	SQL      string
	Sources  []catalog.Source
	FollowUp []catalog.FollowUp
}

// setContext is the timed set a drill is answered in.
type setContext struct {
	Set      *store.DrillSet
	Index    int // 1-based position of the drill in the set
	Answered int
	Clock    *clockView
}

func (s *Server) referenceOf(d *catalog.Drill) *referenceView {
	ref := &referenceView{Answer: renderMarkdown(d.Reference.Answer), SQL: d.Reference.SQL, FollowUp: d.FollowUps}
	for _, id := range d.Reference.Sources {
		for _, src := range d.Sources {
			if src.ID == id {
				ref.Sources = append(ref.Sources, src)
			}
		}
		for _, pk := range s.cat.Packs {
			if pk.Slug != d.Pack {
				continue
			}
			for _, src := range pk.Sources {
				if src.ID == id {
					ref.Sources = append(ref.Sources, src)
				}
			}
		}
	}
	return ref
}

// drillPageFor builds the page of drill d for the request's user: their
// attempts and card, and the reference once they have answered.
func (s *Server) drillPageFor(c echo.Context, d *catalog.Drill) (drillPage, error) {
	p := drillPage{Drill: d, KindName: drillKindNames[d.Kind], Prompt: renderMarkdown(d.Prompt), AnswerMax: drill.AnswerMax, SQLMax: drill.SQLMax, SnoozeDays: snoozeDays}
	if d.Kind == catalog.KindSQL {
		p.Tables = s.cat.SQLTables()
	}
	u := currentUser(c)
	if u == nil {
		return p, nil
	}
	p.SignedIn = true
	ctx := c.Request().Context()
	var err error
	if p.Attempts, err = s.drills.DrillAttempts(ctx, u.ID, d.Slug); err != nil {
		return p, err
	}
	if len(p.Attempts) > 0 {
		p.Reference = s.referenceOf(d)
		if p.Reviews, err = s.drillReviews.DrillReviewCounts(ctx, u.ID, d.Slug); err != nil {
			return p, err
		}
		cards, err := s.drills.DrillCards(ctx, u.ID)
		if err != nil {
			return p, err
		}
		if card, ok := cards[d.Slug]; ok {
			p.Card = &card
			p.CardStatus = drillStatus(card, true, s.now())
		}
	}
	return p, nil
}

func (s *Server) handleDrill(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	p, err := s.drillPageFor(c, d)
	if err != nil {
		return err
	}
	if len(p.Attempts) > 0 && c.QueryParam("again") == "" {
		p.Form = drillForm{Answer: p.Attempts[0].Answer, SQL: p.Attempts[0].SQL}
	}
	return s.renderPage(c, http.StatusOK, "drill", p)
}

// readAnswer reads and checks the drill form: the texts within their
// limits, something written. Field errors name answer or sql.
func readAnswer(c echo.Context, d *catalog.Drill) (drillForm, map[string]string) {
	f := drillForm{Answer: strings.ReplaceAll(c.FormValue("answer"), "\r\n", "\n"), SQL: strings.ReplaceAll(c.FormValue("sql"), "\r\n", "\n")}
	if d.Kind != catalog.KindSQL {
		f.SQL = ""
	}
	a := drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: f.Answer, SQL: f.SQL}
	if err := a.Validate(); err != nil {
		var de *drill.Error
		if errors.As(err, &de) {
			field := de.Field
			if field != "sql" {
				field = "answer"
			}
			return f, map[string]string{field: drillFieldMessage(de)}
		}
		return f, map[string]string{"answer": err.Error()}
	}
	return f, nil
}

func drillFieldMessage(de *drill.Error) string {
	msg := de.Message
	if strings.HasPrefix(msg, "is ") {
		name := "Your answer"
		if de.Field == "sql" {
			name = "Your query"
		}
		msg = name + " " + msg
	}
	if msg != "" && !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// runRefusal reports whether a query's run is one that must not be
// checked or stored: refused by the sandbox or stopped at a limit.
func runRefusal(r sqldrill.Result) bool {
	switch r.Verdict {
	case sqldrill.Refused, sqldrill.TimedOut, sqldrill.TooManyRows, sqldrill.TooMuchMemory:
		return true
	}
	return false
}

// handleDrillAnswer runs a SQL drill's query (action run), or checks and
// stores an answer (check), in a timed set when the form names one.
func (s *Server) handleDrillAnswer(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.Request().Context()
	var sc *setContext
	if v := c.FormValue("set"); v != "" {
		if sc, err = s.setContextFor(c, v, d.Slug); err != nil {
			return err
		}
	}
	p, err := s.drillPageFor(c, d)
	if err != nil {
		return err
	}
	p.Set = sc
	f, fe := readAnswer(c, d)
	p.Form = f
	action := c.FormValue("action")
	if action != "run" && action != "check" {
		return badRequest("Choose Run or Check.")
	}
	if fe != nil {
		p.Errors, p.Error = fe, "Nothing was saved: "+firstValue(fe)
		return s.renderPage(c, http.StatusUnprocessableEntity, "drill", p)
	}
	if d.Kind == catalog.KindSQL && (action == "run" || strings.TrimSpace(f.SQL) != "") {
		if strings.TrimSpace(f.SQL) == "" {
			p.Errors = map[string]string{"sql": "Write a query to run."}
			p.Error = "Nothing was run: write a query first."
			return s.renderPage(c, http.StatusUnprocessableEntity, "drill", p)
		}
		res, err := s.cat.RunSQL(ctx, d, f.SQL)
		if err != nil {
			return err
		}
		p.Run = &runView{Ok: res.Verdict == sqldrill.Passed, Message: res.Explanation, Head: res.Got, Elapsed: res.Elapsed}
		if runRefusal(res) {
			p.Errors = map[string]string{"sql": res.Explanation}
			p.Error = "Nothing was saved: the query was stopped or refused. " + res.Explanation
			return s.renderPage(c, http.StatusUnprocessableEntity, "drill", p)
		}
		if action == "run" {
			status := http.StatusOK
			if res.Verdict != sqldrill.Passed {
				status = http.StatusUnprocessableEntity
			}
			return s.renderPage(c, status, "drill", p)
		}
	} else if action == "run" {
		return badRequest("Only SQL drills have a query to run.")
	}
	a, err := s.saveAttempt(ctx, u.ID, d, f, sc)
	if err != nil {
		return err
	}
	if sc != nil && sc.Set.Kind == store.SetLoop {
		return c.Redirect(http.StatusSeeOther, "/drills/loops/"+itoa(sc.Set.ID))
	}
	if sc != nil {
		return c.Redirect(http.StatusSeeOther, "/drills/sets/"+itoa(sc.Set.ID))
	}
	s.sessions.Put(ctx, "flash", "Checked and saved. The drill comes back "+dueWords(a.card.Due, s.now())+".")
	return c.Redirect(http.StatusSeeOther, "/drills/"+d.Slug+"/attempts/"+itoa(a.ID))
}

func firstValue(m map[string]string) string {
	for _, k := range []string{"answer", "sql"} {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return ""
}

// savedAttempt is an attempt stored with the card it left.
type savedAttempt struct {
	*store.DrillAttempt
	card store.DrillCard
}

// saveAttempt checks the answer with the drill's engine, stores it and
// reviews the user's card with the proposed rating.
func (s *Server) saveAttempt(ctx context.Context, userID int64, d *catalog.Drill, f drillForm, sc *setContext) (savedAttempt, error) {
	now := s.now()
	return s.storeAnswer(ctx, userID, d, &drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: f.Answer, SQL: f.SQL, AnsweredAt: &now}, sc)
}

// storeAnswer checks the answer ans to drill d with the drill's engine, as
// casebench check does, stores it with what it says (its follow-up, when
// it was written and how long it took), and reviews the user's card with
// the proposed rating, in the timed set sc when there is one.
func (s *Server) storeAnswer(ctx context.Context, userID int64, d *catalog.Drill, ans *drill.Answer, sc *setContext) (savedAttempt, error) {
	now := s.now()
	rep := d.Engine.Check(d.Slug, ans.Design())
	r := proposedRating(rep)
	a := &store.DrillAttempt{UserID: userID, Drill: d.Slug, Kind: d.Kind, Answer: ans.Answer, SQL: ans.SQL, Score: rep.Score, Grade: rep.Grade,
		Report: rep, Proposed: r, Rating: r, CreatedAt: now, AnsweredAt: ans.AnsweredAt, Seconds: ans.Seconds}
	if ans.FollowUp != nil {
		a.FollowUpQuestion, a.FollowUp = ans.FollowUp.Question, ans.FollowUp.Answer
	}
	if sc != nil {
		a.SetID = &sc.Set.ID
		a.Late = now.After(sc.Set.Deadline)
	}
	card, err := s.drills.AddDrillAttempt(ctx, a, func(before srs.Card) (srs.Card, error) { return s.scheduler.Review(before, r, now) })
	return savedAttempt{a, card}, err
}

// dueWords says when a drill comes back, relative to now.
func dueWords(due, now time.Time) string {
	d := due.Sub(now)
	switch {
	case d <= 0:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", max(1, int(d.Round(time.Minute)/time.Minute)))
	case d < 36*time.Hour:
		return fmt.Sprintf("in %d h", int(d.Round(time.Hour)/time.Hour))
	}
	return fmt.Sprintf("in %d days, on %s", int(d.Round(srs.Day)/srs.Day), due.UTC().Format("2 Jan"))
}

// ---- an attempt and its report ----

type drillReportView struct {
	Score   float64
	Grade   string
	Meaning string
	Flags   []reportItem
	Items   []reportItem
	Notices []string
	// Reading says what the scored answers closest to the answer gave it.
	Reading *readingView
}

// readingView is a drill report's reading against scored answers.
type readingView struct {
	Message string
	Nearest []rubric.Neighbour
}

type reportItem struct {
	ID, Title, Status, Hint, Reason string
	Points                          int
	Earned, Penalty                 float64
	Quotes                          []string
	Notes                           []string
}

func newDrillReport(rep *rubric.Report) drillReportView {
	v := drillReportView{Score: rep.Score, Grade: rep.Grade, Meaning: strings.ReplaceAll(rubric.GradeMeaning(rep.Grade), "design", "answer")}
	for _, it := range rep.Items {
		ri := reportItem{ID: it.ID, Title: it.Title, Hint: it.Hint, Reason: it.Reason, Points: it.Points, Earned: it.Earned, Penalty: it.Penalty}
		for _, cr := range it.Checks {
			for _, e := range cr.Evidence {
				if q := firstNonBlank(e.Excerpt, e.Words); q != "" && !slices.Contains(ri.Quotes, q) {
					ri.Quotes = append(ri.Quotes, q)
				}
			}
			for _, n := range cr.Notes {
				msg := n.Message
				if n.Excerpt != "" {
					msg += " “" + n.Excerpt + "”"
				}
				if !slices.Contains(ri.Notes, msg) {
					ri.Notes = append(ri.Notes, msg)
				}
			}
			if ri.Hint == "" && cr.Hint != "" && !cr.Met {
				ri.Hint = cr.Hint
			}
		}
		switch {
		case it.RedFlag:
			if it.Raised {
				ri.Status = "raised"
				v.Flags = append(v.Flags, ri)
			}
			continue
		case !it.Automatic:
			ri.Status = "reviewer"
		case it.Earned >= float64(it.Points)-1e-9:
			ri.Status = "met"
		case it.Earned > 0:
			ri.Status = "partly"
		default:
			ri.Status = "missed"
		}
		v.Items = append(v.Items, ri)
	}
	for _, n := range rep.Notices {
		if n.Kind == rubric.NoteReading && rep.Reading != nil {
			v.Reading = &readingView{Message: n.Message, Nearest: rep.Reading.Nearest[:min(3, len(rep.Reading.Nearest))]}
			continue
		}
		v.Notices = append(v.Notices, n.Message)
	}
	return v
}

func firstNonBlank(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return strings.TrimSpace(b)
}

type attemptPage struct {
	Drill     *catalog.Drill
	KindName  string
	Attempt   *store.DrillAttempt
	Report    drillReportView
	Reference *referenceView
	Card      *store.DrillCard
	DueWords  string
	Latest    bool
	Ratings   []srs.Rating
	Prompt    template.HTML
	Peer      *reviewsView // the peer reviews, nil before the first
	// WrittenAt is when an uploaded answer says it was written, when
	// that is not when it was checked.
	WrittenAt *time.Time
}

func (p attemptPage) PageTitle() string { return "Report: " + p.Drill.Title }

func (s *Server) attemptOf(c echo.Context, d *catalog.Drill) (*store.DrillAttempt, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("This attempt")
	}
	a, err := s.drills.DrillAttempt(c.Request().Context(), currentUser(c).ID, id)
	if isNotFound(err) || err == nil && a.Drill != d.Slug {
		return nil, notFound("This attempt")
	}
	return a, err
}

func (s *Server) handleDrillAttempt(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	a, err := s.attemptOf(c, d)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := s.drills.DrillAttempts(ctx, a.UserID, d.Slug)
	if err != nil {
		return err
	}
	p := attemptPage{Drill: d, KindName: drillKindNames[d.Kind], Attempt: a, Report: newDrillReport(a.Report), Reference: s.referenceOf(d),
		Latest: len(list) > 0 && list[0].ID == a.ID, Ratings: []srs.Rating{srs.Again, srs.Hard, srs.Good, srs.Easy}, Prompt: renderMarkdown(d.Prompt)}
	cards, err := s.drills.DrillCards(ctx, a.UserID)
	if err != nil {
		return err
	}
	if card, ok := cards[d.Slug]; ok {
		p.Card = &card
		p.DueWords = dueWords(card.Due, s.now())
	}
	if w := a.AnsweredAt; w != nil && !w.Equal(a.CreatedAt) {
		p.WrittenAt = w
	}
	if p.Peer, err = s.peerReviews(ctx, a.UserID, d, a); err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "drill_attempt", p)
}

// handleDrillRerate replaces the review of the latest attempt with the
// rating the learner chose.
func (s *Server) handleDrillRerate(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	a, err := s.attemptOf(c, d)
	if err != nil {
		return err
	}
	r, err := srs.ParseRating(c.FormValue("rating"))
	if err != nil {
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Choose a rating: again, hard, good or easy."}
	}
	card, err := s.rerate(c.Request().Context(), a, r)
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "Rated "+r.String()+" instead. The drill comes back "+dueWords(card.Due, s.now())+".")
	return c.Redirect(http.StatusSeeOther, "/drills/"+d.Slug+"/attempts/"+itoa(a.ID))
}

func (s *Server) rerate(ctx context.Context, a *store.DrillAttempt, r srs.Rating) (store.DrillCard, error) {
	card, err := s.drills.RerateDrillAttempt(ctx, a.UserID, a.ID, r, func(before srs.Card) (srs.Card, error) {
		return s.scheduler.Review(before, r, a.CreatedAt)
	})
	if errors.Is(err, store.ErrConflict) {
		return card, &appError{Status: http.StatusConflict, Message: "Only your latest attempt at a drill can be rated again: a later attempt was scheduled from this one."}
	}
	return card, err
}

// ---- due, snooze, retire ----

type dueRow struct {
	Drill    *catalog.Drill
	KindName string
	Card     store.DrillCard
	When     string
}

type duePage struct {
	Due, Later, Retired []dueRow
	SnoozeDays          []int
}

func (duePage) PageTitle() string { return "Due today" }

func (s *Server) dueRows(ctx context.Context, userID int64) (duePage, error) {
	p := duePage{SnoozeDays: snoozeDays}
	cards, err := s.drills.DrillCards(ctx, userID)
	if err != nil {
		return p, err
	}
	now := s.now()
	for slug, card := range cards {
		d, ok := s.cat.Drill(slug)
		if !ok {
			continue // a drill no longer in the catalog
		}
		row := dueRow{Drill: d, KindName: drillKindNames[d.Kind], Card: card, When: dueWords(card.Due, now)}
		switch {
		case card.Retired:
			p.Retired = append(p.Retired, row)
		case card.IsDue(now):
			p.Due = append(p.Due, row)
		default:
			p.Later = append(p.Later, row)
		}
	}
	for _, rows := range [][]dueRow{p.Due, p.Later, p.Retired} {
		slices.SortFunc(rows, func(a, b dueRow) int {
			if c := a.Card.Due.Compare(b.Card.Due); c != 0 {
				return c
			}
			return strings.Compare(a.Drill.Slug, b.Drill.Slug)
		})
	}
	return p, nil
}

func (s *Server) handleDue(c echo.Context) error {
	p, err := s.dueRows(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "drills_due", p)
}

func (s *Server) changeCard(c echo.Context, d *catalog.Drill, change func(store.DrillCard) (store.DrillCard, error)) (store.DrillCard, error) {
	card, err := s.drills.ChangeDrillCard(c.Request().Context(), currentUser(c).ID, d.Slug, change)
	if isNotFound(err) {
		return card, &appError{Status: http.StatusNotFound, Message: "You have not answered this drill yet, so it has no schedule to change."}
	}
	return card, err
}

// backTo returns where a drill's form should go back to: the due list or
// the drill page.
func backTo(c echo.Context, d *catalog.Drill) string {
	if c.FormValue("back") == "due" {
		return "/drills/due"
	}
	return "/drills/" + d.Slug
}

func (s *Server) handleSnooze(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(c.FormValue("days"))
	if err != nil || !slices.Contains(snoozeDays, days) {
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Snooze for 1, 3 or 7 days."}
	}
	now := s.now()
	card, err := s.changeCard(c, d, func(cur store.DrillCard) (store.DrillCard, error) {
		next, err := cur.Snooze(now, time.Duration(days)*srs.Day)
		cur.Card = next
		until := next.Due
		cur.SnoozedUntil = &until
		return cur, err
	})
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", fmt.Sprintf("Snoozed “%s”: it comes back %s.", d.Title, dueWords(card.Due, now)))
	return c.Redirect(http.StatusSeeOther, backTo(c, d))
}

func (s *Server) handleRetire(retire bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := s.drillOf(c)
		if err != nil {
			return err
		}
		now := s.now()
		_, err = s.changeCard(c, d, func(cur store.DrillCard) (store.DrillCard, error) {
			if retire {
				cur.Card = cur.Retire()
			} else {
				cur.Card, cur.SnoozedUntil = cur.Restore(now), nil
			}
			return cur, nil
		})
		if err != nil {
			return err
		}
		msg := "Retired “" + d.Title + "”: it will not come back until you restore it."
		if !retire {
			msg = "Restored “" + d.Title + "” to your schedule."
		}
		s.sessions.Put(c.Request().Context(), "flash", msg)
		return c.Redirect(http.StatusSeeOther, backTo(c, d))
	}
}
