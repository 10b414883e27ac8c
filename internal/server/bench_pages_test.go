package server_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
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
// user: session, user, counts, design and the form.
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
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, _ := c.Get(srv.URL + "/login")
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	tok, _ := doc.Find(`input[name="_csrf"]`).Attr("value")
	res, err := c.PostForm(srv.URL+"/login", url.Values{"_csrf": {tok}, "name": {"bench"}, "password": {"correct horse battery"}})
	if err != nil || res.Request.URL.Path != "/designs" {
		b.Fatalf("login: %v", err)
	}
	res.Body.Close()
	su, _ := url.Parse(srv.URL)
	var cookie string
	for _, ck := range jar.Cookies(su) {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	benchGet(b, srv.Config.Handler, "/designs/"+strconv.FormatInt(d.ID, 10), cookie)
}

func BenchmarkCatalogPage(b *testing.B) {
	benchGet(b, newBenchApp(b).Config.Handler, "/", "")
}

// benchGet measures GET path on h in parallel, sending cookie when set, and
// fails on any status but 200.
func benchGet(b *testing.B, h http.Handler, path, cookie string) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("GET %s: status %d", path, rec.Code)
				return
			}
		}
	})
}
