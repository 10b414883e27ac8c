package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/auth"
)

const userColumns = "id, name, password_hash, role, created_at"

// CreateUser adds a user and returns it. It returns ErrExists when the name
// is taken, ignoring case.
func (s *Store) CreateUser(ctx context.Context, name, passwordHash string, role auth.Role) (*auth.User, error) {
	u := &auth.User{Name: name, PasswordHash: passwordHash, Role: role, CreatedAt: s.now()}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := insert(ctx, tx, `INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)`,
			u.Name, u.PasswordHash, u.Role, u.CreatedAt)
		u.ID = id
		return err
	})
	if isUnique(err) {
		return nil, ErrExists
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByName returns the user with that name, ignoring case, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (*auth.User, error) {
	return s.findUser(ctx, `SELECT `+userColumns+` FROM users WHERE lower(name) = lower(?)`, name)
}

// UserByID returns the user with that id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*auth.User, error) {
	var u auth.User
	err := s.get(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// UserWithCounts returns the user with that id and the counts their
// navigation bar shows, in one query, or ErrNotFound.
// On SQLite they may come from what an earlier page read (see readCache).
func (s *Store) UserWithCounts(ctx context.Context, id int64) (*auth.User, NavCounts, error) {
	var writes int64
	var now time.Time
	if s.cache != nil {
		writes, now = s.writes.Load(), s.now()
		if u, nav, ok := s.cache.user(id, writes, now); ok {
			return u, nav, nil
		}
	}
	var u auth.User
	var nav NavCounts
	err := s.row(ctx, `SELECT `+userColumns+`, `+navCountColumns+` FROM users WHERE id = ?`, append(navCountArgs(id, s.now()), id)...).
		Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Role, &u.CreatedAt, &nav.Waiting, &nav.Unread, &nav.Due)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, NavCounts{}, ErrNotFound
	}
	if err != nil {
		return nil, NavCounts{}, err
	}
	if s.cache != nil {
		s.cache.keepUser(&u, nav, writes, now)
	}
	return &u, nav, nil
}

func (s *Store) findUser(ctx context.Context, query string, args ...any) (*auth.User, error) {
	var u auth.User
	err := s.db.GetContext(ctx, &u, s.db.Rebind(query), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// SetRole changes a user's role. It returns ErrNotFound for an unknown user.
func (s *Store) SetRole(ctx context.Context, userID int64, role auth.Role) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET role = ? WHERE id = ?`), role, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
