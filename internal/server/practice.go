package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/export"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// PracticeStore is what follow-ups, progress, import and export need.
type PracticeStore interface {
	AnswerFollowUp(ctx context.Context, userID, id, version int64, fu design.FollowUp, check func(*design.Design) *rubric.Report) (*design.Design, error)
	ImportDesign(ctx context.Context, d *design.Design, rep *rubric.Report) error
	Attempts(ctx context.Context, userID int64) ([]store.Attempt, error)
}

// ---- follow-ups ----

type followUpsPage struct {
	Design   *design.Design
	Case     *catalog.Case
	Answered []answeredFollowUp
	Next     *catalog.FollowUp
	Index    int
	Error    string
	Answer   string
}

type answeredFollowUp struct {
	design.FollowUp
	Expect string
}

func (p followUpsPage) PageTitle() string { return "Follow-ups: " + p.Design.Title }

func (s *Server) followUpsPage(d *design.Design, k *catalog.Case) followUpsPage {
	p := followUpsPage{Design: d, Case: k, Index: len(d.FollowUps)}
	for i, fu := range d.FollowUps {
		a := answeredFollowUp{FollowUp: fu}
		if i < len(k.FollowUps) {
			a.Expect = k.FollowUps[i].Expect
		}
		p.Answered = append(p.Answered, a)
	}
	if p.Index < len(k.FollowUps) {
		p.Next = &k.FollowUps[p.Index]
	}
	return p
}

// submittedOwn returns the user's design :id with its case, requiring it to
// be submitted.
func (s *Server) submittedOwn(c echo.Context) (*design.Design, *catalog.Case, error) {
	d, err := s.ownDesign(c)
	if err != nil {
		return nil, nil, err
	}
	k, ok := s.cat.Case(d.Case)
	if !ok {
		return nil, nil, notFound("This design's case")
	}
	if d.Status != design.StatusSubmitted {
		return nil, nil, &appError{Status: http.StatusConflict, Message: "Submit the design first: follow-ups and the comparison with the reference open after submission."}
	}
	return d, k, nil
}

func (s *Server) handleFollowUps(c echo.Context) error {
	d, k, err := s.submittedOwn(c)
	if err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "followups", s.followUpsPage(d, k))
}

func (s *Server) handleFollowUpAnswer(c echo.Context) error {
	d, k, err := s.submittedOwn(c)
	if err != nil {
		return err
	}
	index, ierr := strconv.Atoi(c.FormValue("index"))
	version, verr := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if ierr != nil || verr != nil {
		return badRequest("The form could not be read; reload the page.")
	}
	answer := review.CleanComment(c.FormValue("answer"))
	p := s.followUpsPage(d, k)
	switch {
	case index != len(d.FollowUps) || p.Next == nil:
		return &appError{Status: http.StatusConflict, Message: "This follow-up was already answered, or there is none left. Reload the page."}
	case answer == "":
		p.Error = "Write your answer first."
	case utf8.RuneCountInString(answer) > design.FollowUpMax || !utf8.ValidString(answer):
		p.Error = fmt.Sprintf("Answers are text of at most %d characters.", design.FollowUpMax)
	}
	if p.Error != "" {
		p.Answer = answer
		return s.renderPage(c, http.StatusUnprocessableEntity, "followups", p)
	}
	fu := design.FollowUp{Question: p.Next.Question, Answer: answer, AnsweredAt: time.Now().UTC().Truncate(time.Second)}
	_, err = s.practice.AnswerFollowUp(c.Request().Context(), currentUser(c).ID, d.ID, version, fu, func(nd *design.Design) *rubric.Report {
		return k.Engine.Check(k.Slug, nd)
	})
	if errors.Is(err, store.ErrConflict) {
		return &appError{Status: http.StatusConflict, Message: "This design changed since you loaded the page. Reload it and answer again."}
	}
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "Answer saved, and the design checked again.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/followups")
}

// ---- comparison with the reference ----

type compareRow struct {
	Label     string
	Mine      fieldView
	Reference fieldView
}

type compareSection struct {
	ID    string
	Title string
	Rows  []compareRow
}

type comparePage struct {
	Design   *design.Design
	Case     *catalog.Case
	Sections []compareSection
	Diff     pipeline.Diff
}

func (p comparePage) PageTitle() string { return "Compare: " + p.Design.Title }

func (s *Server) handleCompare(c echo.Context) error {
	d, k, err := s.submittedOwn(c)
	if err != nil {
		return err
	}
	mine, ref := s.newDesignView(d), s.newDesignView(k.Reference)
	p := comparePage{Design: d, Case: k, Diff: pipeline.Compare(&d.Pipeline, &k.Reference.Pipeline)}
	for i, sec := range s.cat.Template.Sections {
		cs := compareSection{ID: sec.ID, Title: sec.Title}
		find := func(v designView, key string) fieldView {
			for _, f := range v.Sections[i].Fields {
				if f.Key == key {
					return f
				}
			}
			return fieldView{}
		}
		for _, f := range sec.Fields {
			key := sec.ID + "." + f.ID
			cs.Rows = append(cs.Rows, compareRow{Label: f.Label, Mine: find(mine, key), Reference: find(ref, key)})
		}
		p.Sections = append(p.Sections, cs)
	}
	return s.renderPage(c, http.StatusOK, "compare", p)
}

func (s *Server) handleReferenceImage(c echo.Context) error {
	_, k, err := s.submittedOwn(c)
	if err != nil {
		return err
	}
	return s.writeImage(c, &k.Reference.Pipeline, "svg", "")
}

// ---- progress ----

type progressPage struct {
	Attempts  []store.Attempt
	Chart     template.HTML
	Weakest   string
	WeakScore float64
	Suggest   *catalog.Case
	Titles    map[string]string
	Cases     []progressCase // the cases attempted, to filter by
	Case      string         // the case shown, or "" for all
	CaseTitle string
	Total     int // attempts over every case
}

type progressCase struct {
	Slug, Title string
	Attempts    int
}

func (progressPage) PageTitle() string { return "Progress" }

// handleProgress shows the scores per dimension across attempts: of every
// case, or of one (?case=SLUG), so that like is compared with like.
func (s *Server) handleProgress(c echo.Context) error {
	all, err := s.practice.Attempts(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p := progressPage{Titles: map[string]string{}, Total: len(all)}
	for _, k := range s.cat.Cases {
		p.Titles[k.Slug] = k.Title
	}
	counts := map[string]int{}
	for _, a := range all {
		counts[a.Case]++
	}
	for _, k := range s.cat.Cases {
		if counts[k.Slug] > 0 {
			p.Cases = append(p.Cases, progressCase{Slug: k.Slug, Title: k.Title, Attempts: counts[k.Slug]})
		}
	}
	attempts := all
	if slug := c.QueryParam("case"); slug != "" {
		k, ok := s.cat.Case(slug)
		if !ok {
			return notFound("This case")
		}
		p.Case, p.CaseTitle = k.Slug, k.Title
		attempts = nil
		for _, a := range all {
			if a.Case == slug {
				attempts = append(attempts, a)
			}
		}
	}
	p.Attempts = attempts
	if len(attempts) > 0 {
		p.Chart = progressChart(attempts)
		p.Weakest, p.WeakScore = weakestDimension(attempts)
		p.Suggest = s.suggestCase(p.Weakest, all)
	}
	return s.renderPage(c, http.StatusOK, "progress", p)
}

// weakestDimension returns the dimension with the lowest mean score over
// the last three attempts.
func weakestDimension(attempts []store.Attempt) (string, float64) {
	recent := attempts[max(0, len(attempts)-3):]
	best, bestScore := "", math.Inf(1)
	for _, dim := range rubric.Dimensions {
		sum, n := 0.0, 0
		for _, a := range recent {
			if v, ok := a.Report.Dimensions[dim]; ok {
				sum += v
				n++
			}
		}
		if n > 0 && sum/float64(n) < bestScore {
			best, bestScore = dim, sum/float64(n)
		}
	}
	return best, bestScore
}

// suggestCase picks the case whose rubric gives the weakest dimension the
// most automatic points, preferring cases attempted least.
func (s *Server) suggestCase(dim string, attempts []store.Attempt) *catalog.Case {
	tried := map[string]int{}
	for _, a := range attempts {
		tried[a.Case]++
	}
	var best *catalog.Case
	bestKey := [2]float64{math.Inf(1), -1}
	for _, k := range s.cat.Cases {
		pts, all := 0, 0
		for _, it := range k.Rubric.Items {
			all += it.Points
			if it.Dimension == dim && it.Automatic() {
				pts += it.Points
			}
		}
		share := float64(pts) / float64(max(all, 1))
		key := [2]float64{float64(tried[k.Slug]), share}
		if key[0] < bestKey[0] || key[0] == bestKey[0] && key[1] > bestKey[1] {
			best, bestKey = k, key
		}
	}
	return best
}

// chart colours, one per dimension, and the overall line.
var dimColours = map[string]string{
	"framing": "#1e40af", "data": "#92400e", "features": "#6b21a8", "model": "#9d174d",
	"evaluation": "#166534", "deployment": "#991b1b", "monitoring": "#155e75", "overall": "#111827",
}

// chartPointR is the radius of a chart's points, and chartDodge how far
// apart the series' points of one attempt are drawn, so that equal scores
// never hide each other.
const (
	chartPointR = 3.0
	chartDodge  = 2*chartPointR + 1
)

// progressChart draws the scores per dimension across attempts as an SVG
// line chart, on the server, so it needs no script. The points of one
// attempt are spread side by side, one column per series, and attempts are
// far enough apart that no two points overlap; a long history makes a
// wider chart, which scrolls.
func progressChart(attempts []store.Attempt) template.HTML {
	series := append(append([]string{}, rubric.Dimensions[:7]...), "overall")
	const h, left, right, top, bottom = 280.0, 40.0, 130.0, 14.0, 30.0
	n := len(attempts)
	spread := chartDodge * float64(len(series)-1)
	pw := max(470.0, float64(n-1)*(spread+2*chartDodge)+spread)
	w := left + pw + right
	ph := h - top - bottom
	x := func(i int) float64 {
		if n == 1 {
			return left + pw/2
		}
		return left + spread/2 + (pw-spread)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return top + ph*(1-v/100) }
	var b strings.Builder
	class := "chart"
	if w > 640 {
		class = "chart chart-wide"
	}
	fmt.Fprintf(&b, `<svg class="%s" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">`, class, w, h, w, h)
	b.WriteString(`<title id="chart-title">Scores per dimension across attempts</title>`)
	for _, v := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#6b7280">%.0f</text>`,
			left, left+pw, y(v), y(v), left-6, y(v)+3, v)
	}
	for i := range attempts {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#6b7280">#%d</text>`, x(i), h-10, i+1)
	}
	legendY := top
	for si, dim := range series {
		dx := chartDodge*float64(si) - spread/2
		var pts []string
		var xs, ys []float64
		for i, a := range attempts {
			v, ok := a.Report.Dimensions[dim]
			if dim == "overall" {
				v, ok = a.Report.Score, true
			}
			if ok {
				xs, ys = append(xs, x(i)+dx), append(ys, y(v))
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i)+dx, y(v)))
			}
		}
		if len(pts) == 0 {
			continue
		}
		width := 1.8
		if dim == "overall" {
			width = 3
		}
		col := dimColours[dim]
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%.1f" points="%s"><title>%s</title></polyline>`, col, width, strings.Join(pts, " "), dim)
		for i := range xs {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.0f" fill="%s"><title>%s</title></circle>`, xs[i], ys[i], chartPointR, col, dim)
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"/><text x="%.1f" y="%.1f" font-size="11" fill="#374151">%s</text>`,
			w-right+12, w-right+30, legendY+4, legendY+4, col, width, w-right+35, legendY+8, template.HTMLEscapeString(dim))
		legendY += 16
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ---- export and import ----

// latestReport returns the stored report of a submitted design, or a check
// of a draft, or nil when the case is unknown.
func (s *Server) latestReport(ctx context.Context, d *design.Design, k *catalog.Case) (*rubric.Report, error) {
	if d.Status == design.StatusSubmitted {
		hist, err := s.store.Reports(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		if len(hist) > 0 {
			return hist[len(hist)-1].Report, nil
		}
	}
	if k == nil || interviewing(d) {
		return nil, nil
	}
	return k.Engine.Check(k.Slug, d), nil
}

// reviewSummary returns the author's summary of a design's reviews.
func (s *Server) reviewSummary(ctx context.Context, userID int64, d *design.Design, k *catalog.Case) (*export.Reviews, error) {
	if k == nil || d.Status != design.StatusSubmitted {
		return nil, nil
	}
	revs, _, err := s.reviews.ReviewsFor(ctx, userID, d.ID)
	if err != nil {
		return nil, err
	}
	levels := make([]review.Levels, len(revs))
	for i, r := range revs {
		levels[i] = r.Levels
	}
	return &export.Reviews{Count: len(revs), Items: review.Summarize(itemIDs(k), levels, nil)}, nil
}

// markdown renders the Markdown export of d.
func (s *Server) markdown(ctx context.Context, userID int64, d *design.Design, image string) ([]byte, error) {
	k, _ := s.cat.Case(d.Case)
	doc := export.Doc{Design: d, Template: s.cat.Template, CaseTitle: d.Case, Image: image, DOT: []byte(d.Pipeline.SourceDOT())}
	if k != nil {
		doc.CaseTitle = k.Title
		doc.ItemTitle = func(id string) string {
			if it, ok := k.Rubric.Item(id); ok {
				return it.Title
			}
			return id
		}
	}
	var err error
	if doc.Report, err = s.latestReport(ctx, d, k); err != nil {
		return nil, err
	}
	if doc.Reviews, err = s.reviewSummary(ctx, userID, d, k); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = export.Markdown(&b, doc)
	return b.Bytes(), err
}

// bundle returns the seven files of the zip export.
func (s *Server) bundle(ctx context.Context, userID int64, d *design.Design) ([]export.File, error) {
	if s.diagrams == nil {
		return nil, &appError{Status: http.StatusServiceUnavailable, Message: "Diagram rendering is not available on this server."}
	}
	dot := d.Pipeline.CanonicalDOT()
	client := "user:" + itoa(userID)
	svg, err := s.diagrams.Draw(ctx, diagram.Request{Client: client, Format: diagram.SVG, DOT: dot})
	if err != nil {
		return nil, renderError(err)
	}
	pngb, err := s.diagrams.Draw(ctx, diagram.Request{Client: client, Format: diagram.PNG, DOT: dot})
	if err != nil {
		return nil, renderError(err)
	}
	md, err := s.markdown(ctx, userID, d, "pipeline.svg")
	if err != nil {
		return nil, err
	}
	var js, rep bytes.Buffer
	if err := export.JSON(&js, d); err != nil {
		return nil, err
	}
	k, _ := s.cat.Case(d.Case)
	r, err := s.latestReport(ctx, d, k)
	if err != nil {
		return nil, err
	}
	if err := export.ReportJSON(&rep, r); err != nil {
		return nil, err
	}
	return []export.File{
		{Name: "design.md", Data: md}, {Name: "pipeline.svg", Data: svg.Image}, {Name: "pipeline.png", Data: pngb.Image},
		{Name: "pipeline.dot", Data: []byte(d.Pipeline.SourceDOT())}, {Name: "pipeline.canonical.dot", Data: dot}, {Name: "design.json", Data: js.Bytes()}, {Name: "report.json", Data: rep.Bytes()},
	}, nil
}

// handleExport serves the design as md, json or zip.
func (s *Server) handleExport(ext string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, err := s.ownDesign(c)
		if err != nil {
			return err
		}
		ctx, uid := c.Request().Context(), currentUser(c).ID
		name := fmt.Sprintf("design-%d", d.ID)
		h := c.Response().Header()
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, ext))
		h.Set("Cache-Control", "no-store")
		switch ext {
		case "md":
			md, err := s.markdown(ctx, uid, d, name+"-pipeline.svg")
			if err != nil {
				return err
			}
			return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", md)
		case "json":
			var b bytes.Buffer
			if err := export.JSON(&b, d); err != nil {
				return err
			}
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, b.Bytes())
		}
		files, err := s.bundle(ctx, uid, d)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := export.Zip(&b, d.UpdatedAt, files); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/zip", b.Bytes())
	}
}

// importDesign validates posted design JSON and stores it for the user.
func (s *Server) importDesign(c echo.Context, body []byte) (*design.Design, error) {
	d, err := export.Import(bytes.NewReader(body), s.cat.Template, func(d *design.Design) error {
		if _, ok := s.cat.Case(d.Case); !ok {
			return design.FieldErrors{"case": fmt.Sprintf("unknown case %q", d.Case)}
		}
		return d.Validate(s.cat.Template, pipeline.DefaultLimits)
	})
	if err != nil {
		var fe design.FieldErrors
		var ps pipeline.Problems
		var le *pipeline.LimitError
		var ie *input.Error
		if errors.As(err, &fe) || errors.As(err, &ps) || errors.As(err, &le) || errors.As(err, &ie) || errors.Is(err, design.ErrTooLarge) {
			return nil, err
		}
		return nil, badRequest("The file is not a casebench design: %v.", err)
	}
	d.OwnerID = currentUser(c).ID
	var rep *rubric.Report
	if d.Status == design.StatusSubmitted {
		k, _ := s.cat.Case(d.Case)
		rep = k.Engine.Check(k.Slug, d)
	}
	if err := s.practice.ImportDesign(c.Request().Context(), d, rep); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) handleImport(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return badRequest("Choose a design JSON file to import.")
	}
	if fh.Size > export.MaxImport {
		return &appError{Status: http.StatusRequestEntityTooLarge, Message: "The file is too large."}
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return err
	}
	d, err := s.importDesign(c, b.Bytes())
	if err != nil {
		return err
	}
	s.sessions.Put(c.Request().Context(), "flash", "Imported “"+d.Title+"”.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID))
}

func (s *Server) apiImport(c echo.Context) error {
	var b bytes.Buffer
	if _, err := b.ReadFrom(c.Request().Body); err != nil {
		return err
	}
	d, err := s.importDesign(c, b.Bytes())
	if err != nil {
		return err
	}
	return writeDesign(c, http.StatusCreated, d)
}
