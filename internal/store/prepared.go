package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jmoiron/sqlx"
)

// prepared returns query (written with ?) prepared on the database, once:
// database/sql then prepares it on each connection the first time that
// connection runs it, and reuses it. The queries of every signed-in page
// go through here, since preparing a statement costs SQLite more than
// running it.
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := s.db.PreparexContext(ctx, s.db.Rebind(query))
	if err != nil {
		return nil, err
	}
	if old, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sqlx.Stmt), nil
	}
	return st, nil
}

// get runs the prepared query and scans its one row into dest.
func (s *Store) get(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// row runs the prepared query and returns its row, for callers that scan
// it themselves (sqlx's scan by reflection costs a page more than SQLite).
func (s *Store) row(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return s.db.QueryRowContext(ctx, s.db.Rebind(query), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// sessionStore is scs's store of the dialect, with its query of every
// request, reading a session, prepared.
type sessionStore struct {
	scs.Store
	s     *Store
	query string
}

func (ss sessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

func (ss sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	c := ss.s.cache
	var writes int64
	var now time.Time
	if c != nil {
		writes, now = ss.s.writes.Load(), ss.s.now()
		if b, ok := c.session(token, writes, now); ok {
			return slices.Clone(b), true, nil
		}
	}
	var b []byte
	err := ss.s.row(ctx, ss.query, token).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if c != nil {
		c.keepSession(token, slices.Clone(b), writes, now)
	}
	return b, true, nil
}

func (ss sessionStore) CommitCtx(_ context.Context, token string, b []byte, expiry time.Time) error {
	return ss.Store.Commit(token, b, expiry)
}

func (ss sessionStore) DeleteCtx(_ context.Context, token string) error {
	return ss.Store.Delete(token)
}
