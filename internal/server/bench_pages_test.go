package server_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/design"
)

// Page throughput without the network, for profiling:
//
//	go test ./internal/server -run '^$' -bench Page -cpuprofile cpu.out

func BenchmarkCasePage(b *testing.B) {
	benchGet(b, newBenchApp(b).Config.Handler, "/cases/homepage-recommendations", "")
}

// BenchmarkDesignPage renders the editor of a full design for a signed-in
// user: session, user, counts, design and the form; then the same with
// the body asked for compressed, and a repeat that holds the page (304).
func BenchmarkDesignPage(b *testing.B) {
	srv, st := newBenchAppStore(b)
	ctx := b.Context()
	hash, _ := auth.HashPassword("correct horse battery")
	u, _ := st.CreateUser(ctx, "bench", hash, auth.RoleMember)
	cat := bundled(b)
	k, _ := cat.Case("homepage-recommendations")
	d := &design.Design{OwnerID: u.ID, Case: k.Slug, Title: "t", Sections: k.Reference.Sections, Pipeline: k.Reference.Pipeline}
	if err := st.CreateDesign(ctx, d); err != nil {
		b.Fatal(err)
	}
	cookie := benchLogin(b, srv.URL)
	path := "/designs/" + strconv.FormatInt(d.ID, 10)
	b.Run("identity", func(b *testing.B) { benchGet(b, srv.Config.Handler, path, cookie) })
	for _, enc := range []string{"gzip", "zstd"} {
		b.Run(enc, func(b *testing.B) { benchGet(b, srv.Config.Handler, path, cookie, "Accept-Encoding", enc) })
	}
	b.Run("if-none-match", func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		srv.Config.Handler.ServeHTTP(rec, req)
		etag := rec.Header().Get("ETag")
		if etag == "" {
			b.Skip("the page has no ETag")
		}
		benchGet(b, srv.Config.Handler, path, cookie, "If-None-Match", etag)
	})
}

// BenchmarkCasePageSignedIn is the case page of a signed-in user: with
// the session, the user and the navigation counts.
func BenchmarkCasePageSignedIn(b *testing.B) {
	srv, st := newBenchAppStore(b)
	hash, _ := auth.HashPassword("correct horse battery")
	if _, err := st.CreateUser(b.Context(), "bench", hash, auth.RoleMember); err != nil {
		b.Fatal(err)
	}
	benchGet(b, srv.Config.Handler, "/cases/homepage-recommendations", benchLogin(b, srv.URL))
}

// benchLogin signs the user "bench" in through the login form and returns
// the Cookie header of the session.
func benchLogin(b *testing.B, base string) string {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(base + "/login")
	if err != nil {
		b.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	tok, _ := doc.Find(`input[name="_csrf"]`).Attr("value")
	res, err = c.PostForm(base+"/login", url.Values{"_csrf": {tok}, "name": {"bench"}, "password": {"correct horse battery"}})
	if err != nil || res.Request.URL.Path != "/designs" {
		b.Fatalf("login: %v", err)
	}
	res.Body.Close()
	su, _ := url.Parse(base)
	var cookie string
	for _, ck := range jar.Cookies(su) {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	return cookie
}

func BenchmarkCatalogPage(b *testing.B) {
	benchGet(b, newBenchApp(b).Config.Handler, "/", "")
}

// benchGet measures GET path on h in parallel, sending cookie when set and
// the header pairs given, and fails on any status but 200 or 304. The body
// is counted and dropped, so that allocations are the handler's own.
func benchGet(b *testing.B, h http.Handler, path, cookie string, headers ...string) {
	b.ReportAllocs()
	var bytes atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			clear(w.h)
			w.code, w.n = 0, 0
			h.ServeHTTP(w, req)
			if w.code != http.StatusOK && w.code != http.StatusNotModified {
				b.Errorf("GET %s: status %d", path, w.code)
				return
			}
			bytes.Add(int64(w.n))
		}
	})
	b.ReportMetric(float64(bytes.Load())/float64(b.N), "body-B/op")
}

// discardWriter is a ResponseWriter that keeps the status and counts the body.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
