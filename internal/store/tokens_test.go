package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob := mustUser(t, s, "ann"), mustUser(t, s, "bob")
		tok, made, err := s.NewToken(ctx, ann.ID, "laptop", 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got := made.ExpiresAt.Sub(made.CreatedAt); got != 30*24*time.Hour {
			t.Errorf("lifetime %v, want 30 days", got)
		}
		u, err := s.UserByToken(ctx, tok)
		if err != nil || u.ID != ann.ID {
			t.Fatalf("UserByToken = %v, %v", u, err)
		}
		list, err := s.Tokens(ctx, ann.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("Tokens = %v, %v", list, err)
		}
		if list[0].Name != "laptop" || list[0].LastUsed == nil || !list[0].ExpiresAt.Equal(made.ExpiresAt) {
			t.Errorf("listed %+v, want laptop, used, expiring %v", list[0], made.ExpiresAt)
		}

		// bob cannot revoke ann's token.
		if err := s.RevokeToken(ctx, bob.ID, made.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("bob revokes ann's token: %v, want ErrNotFound", err)
		}
		if err := s.RevokeToken(ctx, ann.ID, made.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoked token: %v, want ErrNotFound", err)
		}

		old, _, err := s.NewToken(ctx, ann.ID, "old", -time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, old); !errors.Is(err, store.ErrTokenExpired) {
			t.Errorf("expired token: %v, want ErrTokenExpired", err)
		}
		s.CreateToken(ctx, ann.ID)
		s.CreateToken(ctx, bob.ID)
		if n, err := s.RevokeTokens(ctx, ann.ID); err != nil || n != 2 {
			t.Errorf("RevokeTokens = %d, %v, want 2", n, err)
		}
		if list, _ := s.Tokens(ctx, bob.ID); len(list) != 1 {
			t.Errorf("bob has %d tokens after ann revoked all hers, want 1", len(list))
		}
	})
}

// TestTokensUpgrade: a token made before tokens had an expiry keeps
// working after the upgrade, for 90 days.
func TestTokensUpgrade(t *testing.T) {
	for _, dsn := range []func() string{
		func() string { return filepath.Join(t.TempDir(), "old.db") },
		func() string { return storetest.PostgresDSN(t) },
	} {
		ctx := context.Background()
		s, err := store.Open(ctx, dsn())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.MigrateTo(ctx, 3); err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, "ann", "hash", auth.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		tok, hash, _ := auth.NewToken()
		if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`), u.ID, hash, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, tok); err != nil {
			t.Fatalf("%s: the old token after the upgrade: %v", s.Dialect(), err)
		}
		list, _ := s.Tokens(ctx, u.ID)
		if len(list) != 1 || list[0].ExpiresAt.Sub(time.Now()) < 89*24*time.Hour {
			t.Errorf("%s: the old token is listed as %+v, want 90 days left", s.Dialect(), list)
		}
	}
}
