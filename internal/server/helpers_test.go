package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casebench/casebench/cases"
	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/server"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// Deadlines of the tests: far above what a render, a request or a browser
// step needs under the race detector on a busy 2-core machine, so that no
// test depends on speed. The production defaults (5s renders, 20s requests)
// are not used.
const (
	testRenderTimeout  = 3 * time.Minute
	testRequestTimeout = 5 * time.Minute
	testBrowserTimeout = 10 * time.Minute
	testWaitTimeout    = 3 * time.Minute // one wait for a page to change
)

var (
	diagramsOnce sync.Once
	testDiagrams *diagram.Service
)

// diagrams returns one render service shared by the tests of this package.
func diagrams() *diagram.Service {
	diagramsOnce.Do(func() {
		testDiagrams = diagram.NewService(diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 2, Timeout: testRenderTimeout}), 32<<20)
	})
	return testDiagrams
}

var (
	catOnce sync.Once
	cat     *catalog.Catalog
	catErr  error
)

// bundled returns the bundled catalog, loaded once for all tests.
func bundled(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	catOnce.Do(func() { cat, catErr = catalog.Load(cases.FS, "cases") })
	if catErr != nil {
		tb.Fatalf("load bundled cases: %v", catErr)
	}
	return cat
}

// app is a running casebench on a test database.
type app struct {
	t      *testing.T
	server *server.Server
	srv    *httptest.Server
	store  *store.Store
	cat    *catalog.Catalog
}

type serverOptions = server.Options

type appOption func(*serverOptions)

func newApp(t *testing.T, opts ...appOption) *app {
	t.Helper()
	return newAppOn(t, storetest.SQLite(t), opts...)
}

func newAppOn(t *testing.T, st *store.Store, opts ...appOption) *app {
	t.Helper()
	o := server.Options{
		Catalog: bundled(t), Store: st, Sessions: st.SessionStore(0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), LoginPerMin: 1000,
		Diagrams: diagrams(), RenderPerMin: 10000, RequestTimeout: testRequestTimeout,
	}
	for _, f := range opts {
		f(&o)
	}
	s, err := server.New(o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &app{t: t, server: s, srv: srv, store: st, cat: o.Catalog}
}

// client is a browser-like client with its own cookies.
type client struct {
	t    *testing.T
	app  *app
	http *http.Client
	csrf string
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, http: &http.Client{Jar: jar}}
}

// response is what a request returned, with its body read.
type response struct {
	*http.Response
	body []byte
}

func (r *response) doc(t *testing.T) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return d
}

func (r *response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode JSON %q: %v", r.body, err)
	}
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Response: res, body: b}
}

// get fetches path and remembers the page's CSRF token, as a browser form would.
func (c *client) get(path string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.srv.URL+path, nil)
	r := c.do(req)
	if strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		if tok, ok := r.doc(c.t).Find(`input[name="_csrf"]`).First().Attr("value"); ok && tok != "" {
			c.csrf = tok
		}
	}
	return r
}

// post sends a form with the client's CSRF token.
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" && c.csrf != "" {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// signup creates an account through the sign-up form and returns its client.
func (a *app) signup(name string) *client {
	a.t.Helper()
	c := a.client()
	c.get("/signup")
	r := c.post("/signup", url.Values{"name": {name}, "password": {"correct horse battery"}})
	if r.StatusCode != http.StatusOK || r.Request.URL.Path != "/designs" {
		a.t.Fatalf("signup %s: status %d at %s: %s", name, r.StatusCode, r.Request.URL.Path, r.body)
	}
	c.get("/designs")
	return c
}

// api sends a JSON request with a bearer token (or none when token is "").
func (a *app) api(method, path, token string, body any) *response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, a.srv.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return (&client{t: a.t, app: a, http: http.DefaultClient}).do(req)
}

// tokenFor returns a new API token for an existing user.
func (a *app) tokenFor(name string) string {
	a.t.Helper()
	u, err := a.store.UserByName(a.t.Context(), name)
	if err != nil {
		a.t.Fatal(err)
	}
	tok, err := a.store.CreateToken(a.t.Context(), u.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}

// token makes a user directly in the store and returns an API token for it.
func (a *app) token(name string) string {
	a.t.Helper()
	u, err := a.store.CreateUser(a.t.Context(), name, "x", auth.RoleMember)
	if err != nil {
		a.t.Fatal(err)
	}
	tok, err := a.store.CreateToken(a.t.Context(), u.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return tok
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body: %.400s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

// idOf returns the design id at the end of a path like /designs/12.
func idOf(t *testing.T, path string) int64 {
	t.Helper()
	i := strings.LastIndex(path, "/")
	id, err := strconv.ParseInt(path[i+1:], 10, 64)
	if err != nil {
		t.Fatalf("no id in %s", path)
	}
	return id
}
