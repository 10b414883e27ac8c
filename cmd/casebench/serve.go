package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/casebench/casebench/cases"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/server"
	"github.com/casebench/casebench/internal/store"
)

func newLogger(cfg config.Config, e env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

// loadCatalog loads the bundled cases, or the folder cfg.CasesDir.
func loadCatalog(cfg config.Config) (*catalog.Catalog, error) {
	var fsys fs.FS = cases.FS
	name := "cases"
	if cfg.CasesDir != "" {
		fsys, name = os.DirFS(cfg.CasesDir), filepath.Clean(cfg.CasesDir)
	}
	cat, err := catalog.Load(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("load cases (run 'casebench cases lint %s' for every error):\n%w", name, err)
	}
	return cat, nil
}

// openStore opens and migrates the database of cfg.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func runServe(ctx context.Context, args []string, e env) error {
	cfg, _, err := parseCmd(cmdServe, args, e, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, e)
	start := time.Now()
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	diagrams := newDiagrams(cfg, log)
	defer diagrams.Close()
	srv, err := server.New(server.Options{
		Catalog: cat, Store: st, Sessions: st.SessionStore(5 * time.Minute), Logger: log,
		Secure: cfg.Secure(), LoginPerMin: cfg.LoginPerMin, Diagrams: diagrams, RenderPerMin: cfg.RenderPerMin,
	})
	if err != nil {
		return err
	}
	hs := srv.HTTPServer(cfg.Addr)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("%w\n(is another program on %s? Choose another address with --addr HOST:PORT or CASEBENCH_ADDR, e.g. --addr localhost:8081)", err, cfg.Addr)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	log.Info("casebench is serving", "url", scheme+"://"+ln.Addr().String(), "db", st.Dialect(),
		"cases", len(cat.Cases), "startup", time.Since(start).Round(time.Millisecond))
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- hs.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil {
			return err
		}
	}
	return nil
}

func runMigrate(ctx context.Context, args []string, e env) error {
	cfg, _, err := parseCmd(cmdMigrate, args, e, nil)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s database is up to date (%d migration(s) applied)\n", st.Dialect(), n)
	return nil
}
