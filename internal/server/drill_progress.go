package server

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/store"
)

// kindColours are the chart colours of the drill kinds.
var kindColours = map[string]string{
	catalog.KindML: "#1e40af", catalog.KindStats: "#166534", catalog.KindSQL: "#92400e", catalog.KindBehavioral: "#9d174d",
}

// progressBucket is the attempts of one day (or week) of a user's history.
type progressBucket struct {
	Label    string
	Attempts map[string]int
	Sum      map[string]float64
	Total    int
}

func (b progressBucket) Average(kind string) (float64, bool) {
	if b.Attempts[kind] == 0 {
		return 0, false
	}
	return b.Sum[kind] / float64(b.Attempts[kind]), true
}

// maxDays is how many days of history the chart shows day by day; a
// longer history is shown week by week.
const maxDays = 14

// bucketHistory groups attempts (oldest first) by UTC day, or by week
// (from Monday) when they span more than maxDays days.
func bucketHistory(hist []*store.DrillAttempt) []progressBucket {
	if len(hist) == 0 {
		return nil
	}
	weekly := hist[len(hist)-1].CreatedAt.Sub(hist[0].CreatedAt) > maxDays*24*time.Hour
	var out []progressBucket
	for _, a := range hist {
		day := a.CreatedAt.UTC().Truncate(24 * time.Hour)
		label := day.Format("2 Jan")
		if weekly {
			day = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
			label = "wk " + day.Format("2 Jan")
		}
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, progressBucket{Label: label, Attempts: map[string]int{}, Sum: map[string]float64{}})
		}
		b := &out[len(out)-1]
		b.Attempts[a.Kind]++
		b.Sum[a.Kind] += a.Score
		b.Total++
	}
	return out
}

type kindSummary struct {
	Kind, Name string
	Attempts   int
	Average    float64
	Last       float64
}

// loopScores are one finished loop's round scores, in round order.
type loopScores struct {
	Loop   *store.DrillSet
	Scores []float64
}

type drillProgressPage struct {
	Loops     []loopScores
	LoopChart template.HTML
	Rounds    []loopRound
	Kinds     []kindSummary
	Buckets   []progressBucket
	Chart     template.HTML
	Total     int
	Weakest   *kindSummary
}

func (drillProgressPage) PageTitle() string { return "Drill progress" }

func (s *Server) handleDrillProgress(c echo.Context) error {
	hist, err := s.drills.DrillHistory(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p := drillProgressPage{Total: len(hist), Buckets: bucketHistory(hist)}
	for _, k := range catalog.DrillKinds {
		ks := kindSummary{Kind: k, Name: drillKindNames[k]}
		for _, a := range hist {
			if a.Kind == k {
				ks.Attempts++
				ks.Average += a.Score
				ks.Last = a.Score
			}
		}
		if ks.Attempts > 0 {
			ks.Average /= float64(ks.Attempts)
		}
		p.Kinds = append(p.Kinds, ks)
	}
	for i := range p.Kinds {
		if k := &p.Kinds[i]; k.Attempts > 0 && (p.Weakest == nil || k.Average < p.Weakest.Average) {
			p.Weakest = k
		}
	}
	if len(p.Buckets) > 0 {
		p.Chart = drillChart(p.Buckets)
	}
	if err := s.loopProgress(c, &p); err != nil {
		return err
	}
	return s.renderPage(c, http.StatusOK, "drills_progress", p)
}

// drillChart draws the average score per kind, bucket by bucket, as lines
// over grey bars of how many attempts each bucket holds. The drawing is
// 360 units wide, so that on a 390 px phone its text is drawn at about
// its own size; wider screens scale it up.
func drillChart(buckets []progressBucket) template.HTML {
	const w, h, left, right, top, bottom = 360.0, 230.0, 30.0, 10.0, 12.0, 48.0
	pw, ph := w-left-right, h-top-bottom
	n := len(buckets)
	slot := pw / float64(n)
	x := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	y := func(v float64) float64 { return top + ph*(1-v/100) }
	most := 1
	for _, b := range buckets {
		most = max(most, b.Total)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart drill-chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="drill-chart-title" xmlns="http://www.w3.org/2000/svg">`, w, h)
	sb.WriteString(`<title id="drill-chart-title">Average score per kind of drill, and attempts, over time</title>`)
	for _, v := range []float64{0, 50, 100} {
		fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#6b7280">%.0f</text>`,
			left, w-right, y(v), y(v), left-4, y(v)+3, v)
	}
	bar := min(slot*0.6, 28)
	for i, b := range buckets {
		bh := ph * 0.35 * float64(b.Total) / float64(most)
		fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#e5e7eb"><title>%s: %d attempts</title></rect>`,
			x(i)-bar/2, top+ph-bh, bar, bh, template.HTMLEscapeString(b.Label), b.Total)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle" fill="#6b7280">%d</text>`, x(i), top+ph-bh-2, b.Total)
		if n <= 8 || i%((n+7)/8) == 0 {
			fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#374151">%s</text>`, x(i), h-bottom+14, template.HTMLEscapeString(b.Label))
		}
	}
	lx := left
	for _, k := range catalog.DrillKinds {
		var pts []string
		col := kindColours[k]
		for i, b := range buckets {
			if v, ok := b.Average(k); ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
				fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s, %s: %.0f</title></circle>`, x(i), y(v), col, drillKindNames[k], template.HTMLEscapeString(b.Label), v)
			}
		}
		if len(pts) > 1 {
			fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, col, strings.Join(pts, " "))
		}
		name := map[string]string{catalog.KindML: "ML", catalog.KindStats: "Stats", catalog.KindSQL: "SQL", catalog.KindBehavioral: "Behavioral"}[k]
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" font-size="11" fill="#374151">%s</text>`, lx, h-14, col, lx+13, h-5, name)
		lx += 13 + 7*float64(len(name)) + 14
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}

// loopProgress adds the user's finished loops, oldest first, with each
// round's score, and their chart.
func (s *Server) loopProgress(c echo.Context, p *drillProgressPage) error {
	sets, err := s.drills.DrillSets(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p.Rounds = loopRounds
	for i := len(sets) - 1; i >= 0; i-- {
		set := sets[i]
		if set.Kind != store.SetLoop || set.FinishedAt == nil {
			continue
		}
		lp, err := s.loopState(c, set)
		if err != nil {
			return err
		}
		ls := loopScores{Loop: set}
		for _, r := range lp.Rounds {
			ls.Scores = append(ls.Scores, r.Score)
		}
		p.Loops = append(p.Loops, ls)
	}
	if len(p.Loops) > 0 {
		p.LoopChart = loopChart(p.Loops)
	}
	return nil
}

// roundColours are the chart colours of a loop's rounds.
var roundColours = []string{"#1e40af", "#92400e", "#111827", "#9d174d"}

// loopChart draws each round's score across loops, 360 units wide like
// drillChart.
func loopChart(loops []loopScores) template.HTML {
	const w, h, left, right, top, bottom = 360.0, 210.0, 30.0, 10.0, 12.0, 48.0
	pw, ph := w-left-right, h-top-bottom
	slot := pw / float64(len(loops))
	x := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	y := func(v float64) float64 { return top + ph*(1-v/100) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart drill-chart loop-chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="loop-chart-title" xmlns="http://www.w3.org/2000/svg">`, w, h)
	sb.WriteString(`<title id="loop-chart-title">Score of each round of the full loop, loop by loop</title>`)
	for _, v := range []float64{0, 50, 100} {
		fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#e5e7eb"/><text x="%.1f" y="%.1f" font-size="10" text-anchor="end" fill="#6b7280">%.0f</text>`,
			left, w-right, y(v), y(v), left-4, y(v)+3, v)
	}
	for i := range loops {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle" fill="#374151">#%d</text>`, x(i), h-bottom+14, i+1)
	}
	lx := left
	for ri, r := range loopRounds {
		var pts []string
		for i, l := range loops {
			dx := 3 * (float64(ri) - 1.5)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i)+dx, y(l.Scores[ri])))
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s, loop %d: %.0f</title></circle>`, x(i)+dx, y(l.Scores[ri]), roundColours[ri], r.Name, i+1, l.Scores[ri])
		}
		if len(pts) > 1 {
			fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, roundColours[ri], strings.Join(pts, " "))
		}
		name := map[string]string{"screening": "Screening", "sql": "SQL", "design": "Design", "behavioral": "Behavioral"}[r.ID]
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" font-size="11" fill="#374151">%s</text>`, lx, h-14, roundColours[ri], lx+13, h-5, name)
		lx += 13 + 7*float64(len(name)) + 12
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
