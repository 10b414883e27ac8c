package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/casebench/casebench/internal/server"
	"github.com/casebench/casebench/internal/store"
)

var testingProcs = runtime.GOMAXPROCS(0)

// newBenchApp serves casebench on a fresh SQLite file for a benchmark.
func newBenchApp(b *testing.B) *httptest.Server {
	srv, _ := newBenchAppStore(b)
	return srv
}

// newBenchAppStore is newBenchApp with its store.
func newBenchAppStore(b *testing.B) (*httptest.Server, *store.Store) {
	b.Helper()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	s, err := server.New(server.Options{
		Catalog: bundled(b), Store: st, Sessions: st.SessionStore(0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Diagrams: diagrams(), RenderPerMin: 1 << 30,
	})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	return srv, st
}
