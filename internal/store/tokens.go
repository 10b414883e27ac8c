package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/auth"
)

// ErrTokenExpired is returned by UserByToken for a token past its expiry.
var ErrTokenExpired = errors.New("the API token has expired")

// lastUsedEvery is how stale a token's last-used time may be before a use
// writes it again, so that API calls do not each write to the database.
const lastUsedEvery = time.Minute

const tokenColumns = "id, name, created_at, last_used_at, expires_at"

// CreateToken stores a new API token for the user, with no name and the
// default lifetime, and returns the token.
func (s *Store) CreateToken(ctx context.Context, userID int64) (string, error) {
	token, _, err := s.NewToken(ctx, userID, "", auth.TokenTTL)
	return token, err
}

// NewToken stores a new API token for the user, named name and valid for
// ttl, and returns the token (only its hash is kept) and how it is listed.
func (s *Store) NewToken(ctx context.Context, userID int64, name string, ttl time.Duration) (string, *auth.Token, error) {
	token, hash, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	t := &auth.Token{Name: name, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		t.ID, err = insert(ctx, tx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			userID, hash, name, t.CreatedAt, t.ExpiresAt)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// UserByToken returns the owner of an API token. It returns ErrNotFound
// for a token that does not exist or was revoked, and ErrTokenExpired for
// one past its expiry. Every call reads the database, so that a token
// revoked on one server is refused at once by all.
func (s *Store) UserByToken(ctx context.Context, token string) (*auth.User, error) {
	var row struct {
		auth.User
		TokenID   int64        `db:"token_id"`
		LastUsed  sql.NullTime `db:"last_used_at"`
		ExpiresAt sql.NullTime `db:"expires_at"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT u.id, u.name, u.password_hash, u.role, u.created_at,
		t.id AS token_id, t.last_used_at, t.expires_at
		FROM users u JOIN api_tokens t ON t.user_id = u.id WHERE t.token_hash = ?`), auth.HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !row.ExpiresAt.Valid || !now.Before(row.ExpiresAt.Time) {
		return nil, ErrTokenExpired
	}
	if !row.LastUsed.Valid || now.Sub(row.LastUsed.Time) >= lastUsedEvery {
		if _, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), now, row.TokenID); err != nil {
			return nil, err
		}
	}
	u := row.User
	return &u, nil
}

// Tokens returns the user's API tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	list := []auth.Token{}
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`), userID)
	for i := range list {
		list[i].CreatedAt, list[i].ExpiresAt = list[i].CreatedAt.UTC(), list[i].ExpiresAt.UTC()
		if list[i].LastUsed != nil {
			t := list[i].LastUsed.UTC()
			list[i].LastUsed = &t
		}
	}
	return list, err
}

// RevokeToken removes one of the user's API tokens. It returns ErrNotFound
// when the user has no token with that id.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM api_tokens WHERE id = ? AND user_id = ?`), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// RevokeTokens removes every API token of the user and returns how many.
func (s *Store) RevokeTokens(ctx context.Context, userID int64) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM api_tokens WHERE user_id = ?`), userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
