package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/casebench/casebench/internal/store"
)

// runBackup writes a consistent copy of the SQLite database while the
// server may be running: casebench backup FILE.
func runBackup(ctx context.Context, args []string, e env) error {
	cfg, pos, err := parseCmd(cmdBackup, args, e, nil)
	if err != nil {
		return err
	}
	out := pos[0]
	if store.IsPostgres(cfg.DB) {
		return store.ErrBackupPostgres
	}
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("no database at %s: %w", cfg.DB, err)
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := st.Backup(ctx, out); err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes in %v)\n", cfg.DB, out, fi.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}
