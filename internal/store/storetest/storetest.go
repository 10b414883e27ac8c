// Package storetest opens migrated test databases: a SQLite file in a
// temporary folder, and a fresh schema of the PostgreSQL database named by
// CASEBENCH_TEST_POSTGRES.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/casebench/casebench/internal/store"
)

// PostgresEnv holds the URL of a PostgreSQL database tests may use.
const PostgresEnv = "CASEBENCH_TEST_POSTGRES"

// RequireEnv, when "1", makes a missing PostgreSQL a failure instead of a skip.
const RequireEnv = "CASEBENCH_REQUIRE_POSTGRES"

// Each runs fn once per available dialect, each in its own subtest with a
// fresh migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated store on a new SQLite file, closed at cleanup.
func SQLite(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "test.db"))
}

// Postgres returns a migrated store on a new schema of the test database,
// dropped at cleanup. It skips the test when no database is configured,
// unless RequireEnv is set, when it fails.
func Postgres(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, PostgresDSN(tb))
}

// PostgresDSN creates a fresh schema in the test database and returns a DSN
// whose connections use it. The schema is dropped at cleanup.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("%s is not set but %s=1: PostgreSQL tests must run", PostgresEnv, RequireEnv)
		}
		tb.Skipf("%s is not set; skipping the PostgreSQL run", PostgresEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s
}
