package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// lockedBuffer is a log the test reads while the server writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeJSONLogsAndShutdown runs the server with --log-format json,
// serves a request, and stops it as a signal would: it returns nil (exit
// 0), and every log line is one JSON object.
func TestServeJSONLogsAndShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs lockedBuffer
	e, _, _ := testEnv("")
	e.stdout, e.stderr = io.Discard, &logs
	db := filepath.Join(t.TempDir(), "cb.db")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log-format", "json", "--log-level", "debug", "--render-workers", "1"}, e)
	}()
	var url string
	deadline := time.Now().Add(2 * time.Minute)
	for url == "" {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start:\n%s", logs.String())
		}
		for _, line := range strings.Split(logs.String(), "\n") {
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "casebench is serving" {
				url = rec.URL
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after the signal, want nil (exit 0)", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not stop")
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	for _, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Errorf("a log line is not JSON: %q", line)
		}
	}
	for _, want := range []string{`"msg":"request"`, `"msg":"shutting down`, `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log has no %s:\n%s", want, logs.String())
		}
	}
}

// TestWarmAfterFirstPage: the render worker is warmed once, after the
// first response has been written, or after the delay when no request
// comes.
func TestWarmAfterFirstPage(t *testing.T) {
	var warmed, requests atomic.Int32
	served := make(chan struct{})
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 && warmed.Load() != 0 {
			t.Error("warmed before the first response")
		}
		io.WriteString(w, "page")
	})}
	warmAfterFirstPage(hs, func() { warmed.Add(1); close(served) }, time.Hour)
	srv := httptest.NewServer(hs.Handler)
	defer srv.Close()
	for range 3 {
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	<-served
	if n := warmed.Load(); n != 1 {
		t.Fatalf("warmed %d times, want once", n)
	}
	idle := make(chan struct{})
	warmAfterFirstPage(&http.Server{Handler: http.NotFoundHandler()}, func() { close(idle) }, time.Millisecond)
	select {
	case <-idle:
	case <-time.After(time.Minute):
		t.Fatal("an idle server did not warm after the delay")
	}
}
