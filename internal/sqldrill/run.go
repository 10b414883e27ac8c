package sqldrill

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// result is the rows one query returned.
type result struct {
	columns []string
	rows    [][]any
	total   int // rows returned; above len(rows) only when over the cap
}

// stop is why a query did not give a result, other than an error of the
// caller's: the learner's own SQL error, a refusal, or a limit.
type stop struct {
	verdict Verdict
	msg     string
}

func (s *stop) Error() string { return s.msg }

// limits are the bounds one query runs within.
type limits struct {
	timeout time.Duration
	maxRows int
}

// run executes one statement in the sandbox and returns its rows, a *stop
// for anything the query's author must fix, or another error when
// something outside the query failed (the caller's context, the dataset).
func (d *Dataset) run(ctx context.Context, st statement, lim limits) (*result, error) {
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-d.slots }()
	c, err := d.pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	g := &guard{tables: d.names}
	if err := d.prepareConn(c, g); err != nil {
		c.Raw(func(any) error { return driver.ErrBadConn })
		return nil, err
	}
	defer g.set(modeClosed)
	res, err := d.runOn(ctx, c, g, st, lim)
	g.set(modeHarness)
	if _, derr := c.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp."+resultTable); derr != nil {
		c.Raw(func(any) error { return driver.ErrBadConn }) // do not pool a connection in an unknown state
	}
	return res, err
}

// prepareConn sets the connection's limits and installs g as its
// authorizer, closed until a mode is set.
func (d *Dataset) prepareConn(c *sql.Conn, g *guard) error {
	for id, v := range connLimits {
		if _, err := sqlite.Limit(c, id, v); err != nil {
			return err
		}
	}
	if _, err := sqlite.Limit(c, sqlite3.SQLITE_LIMIT_LENGTH, d.cfg.MaxValueBytes); err != nil {
		return err
	}
	if _, err := sqlite.Limit(c, sqlite3.SQLITE_LIMIT_SQL_LENGTH, d.cfg.MaxQueryBytes+1024); err != nil {
		return err
	}
	return c.Raw(func(dc any) error {
		a, ok := dc.(sqlite.AuthorizerRegisterer)
		if !ok {
			return errors.New("sqldrill: the SQLite driver has no authorizer")
		}
		return a.RegisterAuthorizer(g.authorize)
	})
}

func (d *Dataset) runOn(ctx context.Context, c *sql.Conn, g *guard, st statement, lim limits) (*result, error) {
	g.set(modeLearner)
	cols, err := columnNames(ctx, c, st.sql)
	if err != nil {
		return nil, sqlStop(g, err)
	}
	if len(cols) == 0 {
		return nil, &stop{Refused, "Your statement returns no columns."}
	}
	g.set(modeHarness)
	names := make([]string, len(cols))
	for i := range cols {
		names[i] = fmt.Sprintf("c%d", i+1)
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf("CREATE TEMP TABLE %s(%s)", resultTable, strings.Join(names, ", "))); err != nil {
		return nil, err
	}

	g.set(modeLearner)
	qctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	job := d.watch.start(cancel)
	began := time.Now()
	_, err = c.ExecContext(qctx, fmt.Sprintf("INSERT INTO temp.%s SELECT * FROM (\n%s\n) LIMIT %d", resultTable, st.sql, lim.maxRows+1))
	elapsed := time.Since(began)
	overMemory := d.watch.finish(job)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case overMemory:
		return nil, &stop{TooMuchMemory, fmt.Sprintf("Your query was stopped after %s: it used more than %d MB of memory. Look for a join without a condition feeding a DISTINCT, GROUP BY or ORDER BY.", round(elapsed), d.cfg.MaxMemory>>20)}
	case qctx.Err() != nil:
		return nil, &stop{TimedOut, fmt.Sprintf("Your query ran for more than %s and was stopped. Look for a join without a condition, or a recursive CTE that never ends.", lim.timeout)}
	case err != nil:
		return nil, sqlStop(g, err)
	}

	g.set(modeHarness)
	res := &result{columns: cols}
	rows, err := c.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM temp.%s ORDER BY rowid", strings.Join(names, ", "), resultTable))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		res.total++
		if res.total > lim.maxRows {
			continue
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.rows = append(res.rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if res.total > lim.maxRows {
		return res, &stop{TooManyRows, fmt.Sprintf("Your query returns more than %d rows, the most a drill reads.", lim.maxRows)}
	}
	return res, nil
}

// sqlStop turns an error from preparing or running the learner's SQL into
// a plain message: the authorizer's reason when it refused an action,
// else SQLite's own words.
func sqlStop(g *guard, err error) error {
	if why := g.reason(); why != "" {
		return &stop{Refused, why}
	}
	var se *sqlite.Error
	code := 0
	if errors.As(err, &se) {
		code = se.Code() & 0xff
	}
	msg := cleanSQLiteMessage(err.Error())
	switch code {
	case sqlite3.SQLITE_FULL:
		return &stop{TooMuchMemory, "Your query's result is too large to hold; a drill's answer is a small table."}
	case sqlite3.SQLITE_TOOBIG:
		return &stop{TooMuchMemory, "Your query builds a string or blob larger than a drill allows."}
	case sqlite3.SQLITE_NOMEM:
		return &stop{TooMuchMemory, "Your query ran out of memory."}
	}
	return &stop{SQLError, "SQLite could not run your query: " + msg + "."}
}

// cleanSQLiteMessage drops the driver's prefixes and result codes from an
// error message: "SQL logic error: no such column: x (1)" becomes "no such
// column: x".
func cleanSQLiteMessage(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	for _, p := range []string{"SQL logic error: ", "sqlite: ", "input error: "} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimSuffix(s, ".")
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
