package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync/atomic"
)

// countingConnector wraps a driver's connector and counts every statement
// its connections run (queries and execs, prepared or not; BEGIN and
// COMMIT are not counted), so that tests and /metrics can say how many
// trips to the database a page takes. It also counts writes in w, each
// once it is done (an exec, a commit or rollback, a query that is not a
// SELECT), so that what was read before one is known to be stale.
type countingConnector struct {
	driver.Connector
	n, w *atomic.Int64
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, n: c.n, w: c.w}, nil
}

// dsnConnector is a connector for a driver that has no OpenConnector.
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

func connectorFor(drv driver.Driver, dsn string) (driver.Connector, error) {
	if dc, ok := drv.(driver.DriverContext); ok {
		return dc.OpenConnector(dsn)
	}
	return dsnConnector{dsn: dsn, drv: drv}, nil
}

// countingConn passes everything to the driver's connection. Where the
// driver lacks an optional interface it answers as database/sql expects
// (driver.ErrSkip, or the default behaviour).
type countingConn struct {
	driver.Conn
	n, w *atomic.Int64
}

// reads reports whether query only reads: it begins with SELECT or WITH.
// (A WITH may write in PostgreSQL; the store's never do.)
func reads(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "select") || len(q) >= 4 && strings.EqualFold(q[:4], "with")
}

// writtenRows counts a write when the rows of a query that writes are closed.
type writtenRows struct {
	driver.Rows
	w *atomic.Int64
}

func (r writtenRows) Close() error {
	err := r.Rows.Close()
	r.w.Add(1)
	return err
}

// wrapRows returns the rows of query, counting a write when they are
// closed if query is not a read.
func wrapRows(rows driver.Rows, err error, query string, w *atomic.Int64) (driver.Rows, error) {
	switch {
	case reads(query):
		return rows, err
	case err != nil:
		w.Add(1)
		return rows, err
	}
	return writtenRows{Rows: rows, w: w}, nil
}

// countedTx counts its end as a write.
type countedTx struct {
	driver.Tx
	w *atomic.Int64
}

func (t countedTx) Commit() error {
	err := t.Tx.Commit()
	t.w.Add(1)
	return err
}

func (t countedTx) Rollback() error {
	err := t.Tx.Rollback()
	t.w.Add(1)
	return err
}

func (c *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, query)
	} else {
		st, err = c.Conn.Prepare(query)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, conn: c.Conn, n: c.n, w: c.w, query: query}, nil
}

func (c *countingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
	switch b, ok := c.Conn.(driver.ConnBeginTx); {
	case ok:
		tx, err = b.BeginTx(ctx, opts)
	case opts.Isolation != driver.IsolationLevel(0) || opts.ReadOnly:
		return nil, errors.New("the database driver does not support transaction options")
	default:
		tx, err = c.Conn.Begin() //nolint:staticcheck // the fallback database/sql itself uses
	}
	if err != nil {
		return nil, err
	}
	return countedTx{Tx: tx, w: c.w}, nil
}

func (c *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.n.Add(1)
	rows, err := q.QueryContext(ctx, query, args)
	return wrapRows(rows, err, query, c.w)
}

func (c *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.n.Add(1)
	defer c.w.Add(1)
	return e.ExecContext(ctx, query, args)
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type countingStmt struct {
	driver.Stmt
	conn  driver.Conn
	n, w  *atomic.Int64
	query string
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	defer s.w.Add(1)
	if e, ok := s.Stmt.(driver.StmtExecContext); ok {
		return e.ExecContext(ctx, args)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	return s.Stmt.Exec(vals) //nolint:staticcheck // the fallback database/sql itself uses
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	if q, ok := s.Stmt.(driver.StmtQueryContext); ok {
		rows, err := q.QueryContext(ctx, args)
		return wrapRows(rows, err, s.query, s.w)
	}
	vals, err := values(args)
	if err != nil {
		return nil, err
	}
	rows, err := s.Stmt.Query(vals) //nolint:staticcheck // the fallback database/sql itself uses
	return wrapRows(rows, err, s.query, s.w)
}

func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	if ch, ok := s.conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func values(args []driver.NamedValue) ([]driver.Value, error) {
	out := make([]driver.Value, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, driver.ErrSkip
		}
		out[i] = a.Value
	}
	return out, nil
}
