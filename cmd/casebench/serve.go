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
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
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
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
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
	if cfg.MemoryLimit > 0 && e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.MemoryLimit) << 20)
	}
	// The cases load while the database opens and migrates. Reading them
	// makes much short-lived garbage: the collector runs less often until
	// they are read (the memory limit still holds).
	gc := debug.SetGCPercent(400)
	var (
		st     *store.Store
		stErr  error
		opened = make(chan struct{})
	)
	go func() {
		defer close(opened)
		st, stErr = openStore(ctx, cfg)
	}()
	cat, err := loadCatalog(cfg)
	<-opened
	debug.SetGCPercent(gc)
	if stErr == nil {
		defer st.Close()
	}
	if err != nil {
		return err
	}
	if stErr != nil {
		return stErr
	}
	diagrams := newDiagrams(cfg, log)
	defer diagrams.Close()
	allow, err := config.Nets(cfg.MetricsAllow)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Options{
		Catalog: cat, Store: st, Sessions: st.SessionStore(5 * time.Minute), Logger: log,
		Secure: cfg.Secure(), LoginPerMin: cfg.LoginPerMin, Diagrams: diagrams, RenderPerMin: cfg.RenderPerMin,
		MetricsAllow: allow, MetricsToken: cfg.MetricsToken,
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
	warmAfterFirstPage(hs, diagrams.Warm, warmDelay)
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
		return nil
	case <-ctx.Done():
	}
	err = shutdown(hs, log, shutdownGrace)
	diagrams.Close()
	log.Info("render workers stopped; closing the database")
	return err
}

// warmDelay is how long after it starts serving the server waits for its
// first request before it starts a render worker anyway.
const warmDelay = time.Second

// warmAfterFirstPage calls warm once, in the background, after the first
// response or after delay, whichever comes first: a render worker starting
// (Graphviz compiling its WebAssembly) does not compete with the first
// page, and the first diagram need not wait for a worker's start.
func warmAfterFirstPage(hs *http.Server, warm func(), delay time.Duration) {
	once := sync.OnceFunc(warm)
	next := hs.Handler
	hs.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		once()
	})
	time.AfterFunc(delay, once)
}

// shutdownGrace is how long requests in flight may take to finish after
// SIGTERM or SIGINT.
const shutdownGrace = 10 * time.Second

// shutdown stops taking connections and lets the requests in flight finish
// for up to grace; then the connections left are closed. A second signal
// stops the process at once. The render workers and the database are
// closed by the caller after it returns.
func shutdown(hs *http.Server, log *slog.Logger, grace time.Duration) error {
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	start := time.Now()
	log.Info("shutting down: no new connections; finishing the requests in flight", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("requests still running after the grace period were cut", "grace", grace, "err", err)
		hs.Close()
	}
	log.Info("stopped", "took", time.Since(start).Round(time.Millisecond))
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
