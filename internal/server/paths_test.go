package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/server"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// syncBuffer is a log that tests read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func withLog(w io.Writer) appOption {
	return func(o *server.Options) {
		o.Logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
}

// TestUnknownPaths asks for 200 random paths under every prefix, signed in
// and not, by GET and POST: none panics or gets an empty reply, none is a
// 5xx, and the API answers JSON.
func TestUnknownPaths(t *testing.T) {
	var log syncBuffer
	a := newApp(t, withLog(&log))
	ann := a.signup("ann")
	anon := a.client()
	rng := rand.New(rand.NewPCG(13, 13))
	prefixes := []string{"/static/", "/api/v1/", "/api/v1/designs/", "/designs/", "/designs/1/", "/reviews/", "/reviews/calibrate/", "/cases/", "/profile/", "/", "/api/", "/healthz/", "/mentor/"}
	pieces := []string{"nope", "nope.css", "css/nope.css", "1", "0", "-1", "99999999999999999999", "%00", "%ff", "%2e%2e/%2e%2e/etc/passwd", "..", "a%2fb", "pipeline.svg", "export.zip", "reviews/x", "%e2%80%ae", "x;y", "~", "index.html", "js/app.js/x"}
	for i := range 200 {
		path := prefixes[rng.IntN(len(prefixes))]
		for range 1 + rng.IntN(3) {
			path += pieces[rng.IntN(len(pieces))] + "/"
		}
		path = strings.TrimSuffix(path, "/")
		c, method := anon, http.MethodGet
		if i%2 == 1 {
			c = ann
		}
		if i%5 == 4 {
			method = http.MethodPost
		}
		req, err := http.NewRequest(method, a.srv.URL+path, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		req.Header.Set("X-CSRF-Token", c.csrf)
		noFollow := &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.Do(req)
		if err != nil {
			t.Errorf("%s %s: no reply: %v", method, path, err)
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case res.StatusCode >= 500:
			t.Errorf("%s %s: status %d: %.200s", method, path, res.StatusCode, body)
		case len(body) == 0 && res.StatusCode != http.StatusMovedPermanently && res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusNotModified:
			t.Errorf("%s %s: status %d with an empty body", method, path, res.StatusCode)
		case strings.HasPrefix(req.URL.Path, "/api/") && res.StatusCode >= 400 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"):
			t.Errorf("%s %s: status %d as %s, want JSON", method, path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if strings.Contains(log.String(), "panic") {
		t.Errorf("the log shows a panic:\n%s", log.String())
	}
}

// TestMissingStatic is the case that used to panic: a missing static file
// under no session gets a 404 page.
func TestMissingStatic(t *testing.T) {
	a := newApp(t)
	for _, path := range []string{"/static/nope.css", "/static/css/nope.css", "/static/js/"} {
		r := a.client().get(path)
		wantStatus(t, r, http.StatusNotFound)
		if !strings.Contains(string(r.body), "There is no page here.") {
			t.Errorf("%s: no 404 page: %.200s", path, r.body)
		}
	}
	r := a.api("GET", "/api/v1/nope", "", nil)
	wantStatus(t, r, http.StatusNotFound)
	var e struct{ Error string }
	r.json(t, &e)
	if e.Error == "" {
		t.Errorf("/api/v1/nope: no JSON error: %s", r.body)
	}
}

// panicStore panics where a design is read, to force the path a
// handler's panic takes.
type panicStore struct{ *store.Store }

func (panicStore) OwnDesign(context.Context, int64, int64) (*design.Design, error) { panic("boom") }
func (panicStore) OwnDesignVersion(context.Context, int64, int64) (int64, design.Status, error) {
	panic("boom")
}

// TestHandlerPanic: a panic in a handler is logged with its stack and the
// user gets a 500 page (JSON on the API), and the server goes on serving.
func TestHandlerPanic(t *testing.T) {
	var log syncBuffer
	st := storetest.SQLite(t)
	a := newAppOn(t, st, withLog(&log), func(o *server.Options) { o.Store = panicStore{st} })
	ann := a.signup("ann")
	r := ann.get("/designs/1")
	wantStatus(t, r, http.StatusInternalServerError)
	if !strings.Contains(string(r.body), "Something went wrong on our side") {
		t.Errorf("no error page: %.300s", r.body)
	}
	r = a.api("GET", "/api/v1/designs/1", a.tokenFor("ann"), nil)
	wantStatus(t, r, http.StatusInternalServerError)
	var e struct{ Error string }
	r.json(t, &e)
	if !strings.Contains(log.String(), "panic") || !strings.Contains(log.String(), "boom") {
		t.Errorf("the panic is not logged:\n%s", log.String())
	}
	wantStatus(t, ann.get("/profile"), http.StatusOK)
}
