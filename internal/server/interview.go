package server

import (
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casebench/casebench/internal/design"
)

// timingPrefix names the editor's hidden inputs that carry the seconds spent
// in each section: "t.framing" = 312.
const timingPrefix = "t."

// mergeTiming returns iv with the posted seconds per section taken in. Time
// only grows, and no section can hold more time than has passed since the
// clock started, so a tampered form cannot rewrite the record.
func mergeTiming(iv *design.Interview, form url.Values, now time.Time) *design.Interview {
	if iv == nil {
		return nil
	}
	out := *iv
	out.Seconds = maps.Clone(iv.Seconds)
	if out.Seconds == nil {
		out.Seconds = map[string]int{}
	}
	limit := int(now.Sub(iv.StartedAt).Seconds()) + 5
	for k, vs := range form {
		sec, ok := strings.CutPrefix(k, timingPrefix)
		if !ok || len(vs) == 0 || len(sec) > 40 {
			continue
		}
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 0 {
			continue
		}
		n = min(n, limit)
		if n > out.Seconds[sec] {
			out.Seconds[sec] = n
		}
	}
	return &out
}

// clockView is the interview clock as the editor shows it.
type clockView struct {
	StartedAt time.Time
	Deadline  time.Time
	Now       time.Time
	Minutes   int
	Over      bool
}

func newClock(iv *design.Interview, now time.Time) *clockView {
	if iv == nil {
		return nil
	}
	return &clockView{StartedAt: iv.StartedAt, Deadline: iv.Deadline(), Now: now, Minutes: iv.Minutes, Over: now.After(iv.Deadline())}
}

// interviewing reports whether d is a draft under the interview clock, when
// hints and Check stay hidden.
func interviewing(d *design.Design) bool {
	return d.Mode == design.ModeInterview && d.Status == design.StatusDraft
}

// timeSpent is one section's time, for the report after an interview.
type timeSpent struct {
	Section   string
	Title     string
	Suggested int // minutes
	Spent     int // seconds
}

func (s *Server) timesSpent(d *design.Design) []timeSpent {
	if d.Interview == nil {
		return nil
	}
	var out []timeSpent
	for _, sec := range s.cat.Template.Sections {
		out = append(out, timeSpent{Section: sec.ID, Title: sec.Title, Suggested: sec.Minutes, Spent: d.Interview.Seconds[sec.ID]})
	}
	out = append(out, timeSpent{Section: "pipeline", Title: "Pipeline", Suggested: pipelineMinutes, Spent: d.Interview.Seconds["pipeline"]})
	return out
}

// pipelineMinutes is the pipeline's suggested time in an interview.
const pipelineMinutes = 5
