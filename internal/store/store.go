// Package store persists users, sessions and designs in SQLite (embedded,
// the default) or PostgreSQL, through sqlx, with goose migrations embedded
// per dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/sqlite3store"
	"github.com/alexedwards/scs/v2"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Errors the store returns; callers compare with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("changed by someone else")
	ErrExists   = errors.New("already exists")
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

//go:embed migrations
var migrations embed.FS

func init() {
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// Store is the database.
type Store struct {
	db         *sqlx.DB
	dialect    string
	now        func() time.Time
	statements *atomic.Int64
	writes     *atomic.Int64 // writes done, see countingConnector
	stmts      sync.Map      // query -> *sqlx.Stmt, see prepared
	cache      *readCache    // SQLite only: see readCache
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLiteDSN returns the DSN for the SQLite file at path, with the pragmas
// every connection needs: WAL, a busy timeout, foreign keys, and immediate
// transactions so that concurrent writers queue instead of failing.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// Open connects to dsn: a postgres:// URL, or otherwise a SQLite file path.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }, statements: new(atomic.Int64), writes: new(atomic.Int64)}
	var err error
	if IsPostgres(dsn) {
		s.dialect = Postgres
		s.db, err = openCounted("pgx", dsn, s.statements, s.writes)
		if err == nil {
			s.db.SetMaxOpenConns(16)
			s.db.SetMaxIdleConns(16)
			s.db.SetConnMaxIdleTime(5 * time.Minute)
		}
	} else {
		s.dialect = SQLite
		s.db, err = openCounted("sqlite", SQLiteDSN(dsn), s.statements, s.writes)
		// One process owns a SQLite file: what a signed-in page reads
		// can be kept for a moment (PostgreSQL may have several servers).
		s.cache = newReadCache()
		if err == nil {
			s.db.SetMaxOpenConns(8)
			s.db.SetMaxIdleConns(8)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return s, nil
}

// openCounted opens dsn with the registered driver, counting every
// statement its connections run in n and every write in w. Nothing is
// connected yet.
func openCounted(driverName, dsn string, n, w *atomic.Int64) (*sqlx.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	conn, err := connectorFor(drv, dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(sql.OpenDB(countingConnector{Connector: conn, n: n, w: w}), driverName), nil
}

// Statements returns how many statements the store's connections have run
// since it was opened, sessions included (queries and execs; BEGIN and
// COMMIT are not counted).
func (s *Store) Statements() int64 { return s.statements.Load() }

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool {
		st.(*sqlx.Stmt).Close()
		return true
	})
	return s.db.Close()
}

// Dialect returns SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// DB returns the underlying database, for the session store.
func (s *Store) DB() *sql.DB { return s.db.DB }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies every pending migration and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.migrations()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// migrations returns the migrations of the store's dialect, run under a
// lock on PostgreSQL so that servers starting together migrate once.
func (s *Store) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.db.DB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// tx runs fn in a transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// insert runs an INSERT ... RETURNING id and returns the id.
func insert(ctx context.Context, tx *sqlx.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowxContext(ctx, tx.Rebind(query+" RETURNING id"), args...).Scan(&id)
	return id, err
}

// isUnique reports whether err is a unique constraint violation.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// SessionStore returns a session store for scs on this database, removing
// expired sessions every cleanup (never when cleanup is 0).
func (s *Store) SessionStore(cleanup time.Duration) scs.Store {
	if s.dialect == Postgres {
		return sessionStore{Store: postgresstore.NewWithCleanupInterval(s.db.DB, cleanup), s: s,
			query: `SELECT data FROM sessions WHERE token = ? AND current_timestamp < expiry`}
	}
	return sessionStore{Store: sqlite3store.NewWithCleanupInterval(s.db.DB, cleanup), s: s,
		query: `SELECT data FROM sessions WHERE token = ? AND julianday('now') < expiry`}
}

// SetClock makes the store read the time from now (in UTC, to the
// microsecond) wherever it stamps a row or counts what is due, so that
// tests can move the clock.
func (s *Store) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}
