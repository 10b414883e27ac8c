package sqldrill

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Verdict is the outcome of a check.
type Verdict int

// The verdicts. Only Passed passes.
const (
	Passed        Verdict = iota // the answer's result matches the reference's
	Mismatch                     // it ran, but its result differs
	SQLError                     // SQLite could not run it (a typo, an unknown column, ...)
	Refused                      // not a single read-only SELECT, or it uses what drills forbid
	TimedOut                     // it ran past the time limit and was stopped
	TooManyRows                  // it returned more rows than the cap
	TooMuchMemory                // it built too large a result, value or intermediate table
)

var verdictNames = [...]string{"passed", "mismatch", "sql error", "refused", "timed out", "too many rows", "too much memory"}

// String returns the verdict in lower-case words.
func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictNames) {
		return fmt.Sprintf("verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// Options say how an answer is compared with the reference and bound its
// run. The zero Options compare unordered, with the defaults below.
type Options struct {
	// Ordered compares the rows in order, for a drill that asks for one.
	Ordered bool
	// OrderKey, when Ordered, names the columns the drill orders by: rows
	// equal in all of them may come in any order among themselves. Empty
	// means the whole row, so the reference must order without ties.
	OrderKey []string
	// IgnoreColumnNames passes an answer whose values match but whose
	// column names differ. By default names must match, ignoring case.
	IgnoreColumnNames bool
	// Tolerance is the relative difference under which two numbers are
	// equal (an absolute 1e-9 near zero). Default 1e-6.
	Tolerance float64
	// Timeout bounds the run of each query. Default 2s.
	Timeout time.Duration
	// MaxRows is the most rows a query may return. Default 10000.
	MaxRows int
	// HeadRows is how many rows of each result the Result shows. Default 10.
	HeadRows int
}

func (o Options) withDefaults() Options {
	if o.Tolerance <= 0 {
		o.Tolerance = 1e-6
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 10000
	}
	if o.HeadRows <= 0 {
		o.HeadRows = 10
	}
	return o
}

// Result is the outcome of one check, for the learner.
type Result struct {
	Verdict Verdict
	Pass    bool
	// Explanation says in plain words why the answer passed or not: the
	// columns that differ, how many rows are missing or extra with an
	// example, duplicates, the first row out of order, the limit hit.
	Explanation string
	Got, Want   *Head         // the first rows of each result; Got is nil when the answer did not run
	Elapsed     time.Duration // how long the answer took, when it ran
	// Closeness is the share of the reference's columns whose values the
	// answer's same-numbered column holds, as a multiset, scaled by how
	// near its row count is: 1 for a match, 0.75 for a result one column
	// of four off, 0 when the answer did not run or has other columns.
	Closeness float64
}

// Head is the start of a result, as text for display.
type Head struct {
	Columns []string
	Rows    [][]string // values rendered: NULL, numbers, text as is
	Total   int        // rows in the whole result
}

// ErrReference wraps the error of a reference query that does not run:
// a fault in the drill, not in the answer.
var ErrReference = errors.New("sqldrill: the reference query fails")

type refResult struct {
	res *result
	err error
}

// Check runs answer and reference against the dataset and compares their
// results. A learner's mistake, including a refused or stopped query, is a
// Result with Pass false and an explanation, not an error. The error is
// ErrReference (wrapped) when the reference itself fails, or the
// context's error when ctx ends first.
func (d *Dataset) Check(ctx context.Context, answer, reference string, opts Options) (Result, error) {
	opts = opts.withDefaults()
	want, err := d.reference(ctx, reference, opts)
	if err != nil {
		return Result{}, err
	}
	for _, k := range opts.OrderKey {
		if !containsFold(want.columns, k) {
			return Result{}, fmt.Errorf("%w: the order key %q is not one of its columns (%s)", ErrReference, k, strings.Join(want.columns, ", "))
		}
	}
	res := Result{Want: head(want, opts.HeadRows)}
	st, err := parseStatement(answer, d.cfg.MaxQueryBytes)
	if err != nil {
		res.Verdict, res.Explanation = Refused, err.Error()
		return res, nil
	}
	began := time.Now()
	got, err := d.run(ctx, st, limits{timeout: opts.Timeout, maxRows: opts.MaxRows})
	res.Elapsed = time.Since(began)
	var s *stop
	switch {
	case errors.As(err, &s):
		res.Verdict, res.Explanation = s.verdict, s.msg
		if s.verdict == TooManyRows {
			res.Got = head(got, opts.HeadRows)
			res.Explanation += fmt.Sprintf(" The reference returns %d.", want.total)
		}
		return res, nil
	case err != nil:
		return Result{}, err
	}
	res.Got = head(got, opts.HeadRows)
	res.Verdict, res.Explanation = compare(got, want, opts)
	res.Pass = res.Verdict == Passed
	res.Closeness = 1
	if !res.Pass {
		res.Closeness = closeness(got, want, comparer{tol: opts.Tolerance})
	}
	return res, nil
}

// reference runs a reference query once per text and keeps its result.
func (d *Dataset) reference(ctx context.Context, sql string, opts Options) (*result, error) {
	key := fmt.Sprintf("%d\x00%s", opts.MaxRows, sql)
	d.refMu.Lock()
	r, ok := d.refs[key]
	d.refMu.Unlock()
	if ok {
		return r.res, r.err
	}
	st, err := parseStatement(sql, d.cfg.MaxQueryBytes)
	var res *result
	if err == nil {
		res, err = d.run(ctx, st, limits{timeout: max(opts.Timeout, 10*time.Second), maxRows: opts.MaxRows})
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		err = fmt.Errorf("%w: %v", ErrReference, err)
	}
	d.refMu.Lock()
	if len(d.refs) >= 1024 {
		clear(d.refs)
	}
	d.refs[key] = refResult{res, err}
	d.refMu.Unlock()
	return res, err
}

func head(r *result, n int) *Head {
	if r == nil {
		return nil
	}
	h := &Head{Columns: r.columns, Total: r.total}
	for _, row := range r.rows[:min(n, len(r.rows))] {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = render(v)
		}
		h.Rows = append(h.Rows, cells)
	}
	return h
}

// Query runs one SELECT on the dataset under the same sandbox and limits
// as an answer, for showing a learner what a table holds or trying a query
// without a reference. Refusals and limits come back as a Result with the
// rows in Got.
func (d *Dataset) Query(ctx context.Context, query string, opts Options) (Result, error) {
	opts = opts.withDefaults()
	st, err := parseStatement(query, d.cfg.MaxQueryBytes)
	if err != nil {
		return Result{Verdict: Refused, Explanation: err.Error()}, nil
	}
	began := time.Now()
	got, err := d.run(ctx, st, limits{timeout: opts.Timeout, maxRows: opts.MaxRows})
	res := Result{Elapsed: time.Since(began), Got: head(got, opts.HeadRows)}
	var s *stop
	switch {
	case errors.As(err, &s):
		res.Verdict, res.Explanation = s.verdict, s.msg
		return res, nil
	case err != nil:
		return Result{}, err
	}
	res.Verdict, res.Pass = Passed, true
	res.Explanation = fmt.Sprintf("%d %s.", got.total, plural(got.total, "row", "rows"))
	return res, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// joinNames lists column names for a sentence: "a, b and c".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
