package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose own tools
// make consistent backups.
var ErrBackupPostgres = errors.New("casebench backup writes SQLite databases; for PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=casebench.dump 'postgres://...'")

// Backup writes a consistent snapshot of the SQLite database to path, a
// file that must not exist yet, while the server goes on reading and
// writing: VACUUM INTO reads one transaction's view of the database, so
// the copy holds every write committed before it began. The copy is
// synced to disk before Backup returns.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect == Postgres {
		return ErrBackupPostgres
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(abs); err == nil {
		return fmt.Errorf("%s exists: give a new file", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncFile(abs)
}

// syncFile flushes a file and its folder to disk.
func syncFile(path string) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return nil
}
