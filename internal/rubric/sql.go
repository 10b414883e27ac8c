package rubric

import (
	"strings"
	"sync"
)

// SQL check kinds read the query of a SQL drill by running it: sql_result
// credits a query whose result equals the reference query's on the
// drill's dataset; sql_trap raises a red flag when it equals instead the
// result of a known wrong query (Check.Query), the mistake made visible.
const (
	CheckSQLResult = "sql_result"
	CheckSQLTrap   = "sql_trap"
)

// SQLJudge runs queries on a drill's dataset. Implementations must be safe
// for concurrent use.
type SQLJudge interface {
	// Compare runs answer and query and reports whether their results are
	// the same, whether the answer ran at all (not refused, failed or
	// stopped), how close its result comes (1 the same, 0 nothing alike),
	// and why, in words for the learner. The error is for what the learner
	// cannot fix: query itself fails, or the dataset is gone.
	Compare(answer, query string) (v SQLVerdict, err error)
}

// SQLVerdict is what a judge says of an answer's query.
type SQLVerdict struct {
	Same, Ran   bool
	Closeness   float64
	Explanation string
}

// sqlSpec is what an engine built WithSQL checks queries against.
type sqlSpec struct {
	judge     SQLJudge
	reference string

	mu   sync.Mutex
	seen map[[2]string]SQLVerdict // comparisons of answers that ran, newest kept
}

// sqlRemembered is how many comparisons an engine keeps: a check compares
// the answer with the reference and each trap, and the same answer is
// often checked again.
const sqlRemembered = 256

// WithSQL lets the engine run the query of a SQL drill with judge and
// compare its result with that of reference, the drill's reference query,
// which is never shown in the rubric.
func WithSQL(judge SQLJudge, reference string) Option {
	return func(o *options) { o.sql = &sqlSpec{judge: judge, reference: reference} }
}

// compare runs the judge, or returns what it said of the same pair
// before. Only answers that ran are remembered: one stopped by a time
// limit on a busy machine may run another time.
func (s *sqlSpec) compare(answer, query string) (SQLVerdict, error) {
	key := [2]string{answer, query}
	s.mu.Lock()
	v, ok := s.seen[key]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := s.judge.Compare(answer, query)
	if err == nil && v.Ran {
		s.mu.Lock()
		if s.seen == nil || len(s.seen) >= sqlRemembered {
			s.seen = map[[2]string]SQLVerdict{}
		}
		s.seen[key] = v
		s.mu.Unlock()
	}
	return v, err
}

// sqlQuery returns the answer's query for check c, trimmed.
func sqlQuery(c *Check, p *parsed) string {
	return strings.TrimSpace(p.d.Sections.Get(c.Section, c.Field).Text)
}

// sqlClose is the closeness from which a wrong result is close: one
// column of four off, with the right rows.
const sqlClose = 0.75

func (e *Engine) sqlResult(c *Check, p *parsed, cr *CheckResult) {
	cr.Label = "the query's result equals the reference query's on the drill's dataset"
	q := sqlQuery(c, p)
	miss := func(msg string) {
		cr.Notes = append(cr.Notes, Note{Kind: "sql", Section: c.Section, Field: c.Field, Message: msg})
		cr.Hint = "Write one SELECT over the drill's tables that returns exactly the rows and columns the prompt asks for."
	}
	switch {
	case q == "":
		miss("No query yet.")
		return
	case e.sql == nil:
		miss("This drill's dataset is not loaded, so the query cannot be run.")
		return
	}
	v, err := e.sql.compare(q, e.sql.reference)
	switch {
	case err != nil:
		miss("The query could not be checked: " + err.Error())
	case v.Same:
		cr.Credit = 1
		cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: "same result as the reference", Excerpt: v.Explanation}}
	case !v.Ran:
		miss("The query did not run: " + v.Explanation)
	default:
		// The levels of a result: it runs with the asked-for columns
		// (a third), and it is close, all but a quarter of it the
		// reference's (two thirds).
		switch {
		case v.Closeness >= sqlClose:
			cr.Credit = 2.0 / 3
		case v.Closeness > 0:
			cr.Credit = 1.0 / 3
		}
		miss("The result differs from the reference: " + v.Explanation)
	}
}

func (e *Engine) sqlTrap(c *Check, p *parsed, cr *CheckResult) {
	cr.Label = "the query returns what a known wrong query returns"
	q := sqlQuery(c, p)
	if q == "" || e.sql == nil {
		return
	}
	if v, err := e.sql.compare(q, e.sql.reference); err != nil || v.Same {
		return
	}
	v, err := e.sql.compare(q, c.Query)
	if err != nil || !v.Ran || !v.Same {
		return
	}
	cr.Credit = 1
	cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: "the same result as the mistaken query", Excerpt: excerpt(oneLine(q))}}
}

// oneLine joins the lines of a query for quoting.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// validateSQLCheck checks a trap's query; the code field a SQL check
// reads is checked with the other fields.
func validateSQLCheck(c *Check) []Problem {
	switch {
	case c.Check == CheckSQLTrap && strings.TrimSpace(c.Query) == "":
		return []Problem{{Path: ".query", Message: "query: give the mistaken query whose result this trap recognises"}}
	case c.Check == CheckSQLResult && c.Query != "":
		return []Problem{{Path: ".query", Message: "query: the reference query lives in the drill (reference.sql), not in the rubric"}}
	}
	return nil
}
