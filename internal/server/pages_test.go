package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestCatalogListsEveryCase(t *testing.T) {
	a := newApp(t)
	r := a.client().get("/")
	wantStatus(t, r, http.StatusOK)
	doc := r.doc(t)
	cards := doc.Find(".card")
	if cards.Length() != len(a.cat.Cases) || len(a.cat.Cases) < 4 {
		t.Fatalf("%d cards for %d cases; want one per case and at least 4", cards.Length(), len(a.cat.Cases))
	}
	for _, k := range a.cat.Cases {
		card := doc.Find(`.card:has(a[href="/cases/` + k.Slug + `"])`)
		if card.Length() != 1 {
			t.Fatalf("no card for %s", k.Slug)
		}
		text := card.Text()
		for _, want := range []string{k.Title, k.Difficulty, strconv.Itoa(k.Minutes) + " min", k.Tags[0]} {
			if !strings.Contains(text, want) {
				t.Errorf("card %s lacks %q", k.Slug, want)
			}
		}
	}
}

func TestCasePage(t *testing.T) {
	a := newApp(t)
	for _, k := range a.cat.Cases {
		t.Run(k.Slug, func(t *testing.T) {
			r := a.client().get("/cases/" + k.Slug)
			wantStatus(t, r, http.StatusOK)
			doc := r.doc(t)
			if got := doc.Find("h1").Text(); got != k.Title {
				t.Errorf("h1 = %q, want %q", got, k.Title)
			}
			if doc.Find(".prompt p").Length() == 0 {
				t.Error("the prompt is not rendered as Markdown paragraphs")
			}
			if n := doc.Find(".facts tr").Length(); n != len(k.Facts) || n < 5 {
				t.Errorf("%d fact rows, want %d (at least 5)", n, len(k.Facts))
			}
			doc.Find(".facts td").Each(func(i int, s *goquery.Selection) {
				if !strings.ContainsAny(s.Text(), "0123456789") {
					t.Errorf("fact %d has no number: %q", i, s.Text())
				}
			})
			qs := doc.Find("details.qa")
			if qs.Length() != len(k.Questions) || qs.Length() < 5 {
				t.Errorf("%d questions, want %d (at least 5)", qs.Length(), len(k.Questions))
			}
			if _, open := qs.First().Attr("open"); open {
				t.Error("answers must open on request, not be open already")
			}
			if doc.Find(".sources li a[href^='http']").Length() != len(k.Sources) {
				t.Error("not every source is listed with its link")
			}
			if doc.Find(`a[href="/signup?next=/cases/`+k.Slug+`"]`).Length() != 1 {
				t.Error("an anonymous visitor is not offered to sign up to start")
			}
		})
	}
}

func TestNotFoundPages(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	for _, path := range []string{"/cases/no-such-case", "/designs/999999", "/designs/abc", "/designs/-1", "/nowhere"} {
		r := c.get(path)
		wantStatus(t, r, http.StatusNotFound)
		if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || r.doc(t).Find("h1").Length() != 1 {
			t.Errorf("%s: want a 404 page, got %q", path, r.body)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := newApp(t)
	r := a.client().get("/")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
	} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") && strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Error("CSP allows inline script")
	}
	if strings.Contains(string(r.body), "<script>") {
		t.Error("the page has an inline script")
	}
}

func TestSignupLoginLogout(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	r := c.get("/designs")
	wantStatus(t, r, http.StatusOK)
	if got := r.doc(t).Find(".who").Text(); got != "ann" {
		t.Fatalf("signed in as %q, want ann", got)
	}
	var session *http.Cookie
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "casebench_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}

	wantStatus(t, c.post("/logout", nil), http.StatusOK)
	r = c.get("/designs")
	if r.Request.URL.Path != "/login" {
		t.Fatalf("after logout /designs went to %s, want the login page", r.Request.URL.Path)
	}

	bad := c.post("/login", url.Values{"name": {"ann"}, "password": {"wrong password!"}})
	wantStatus(t, bad, http.StatusUnauthorized)
	if !strings.Contains(bad.doc(t).Find(".error").Text(), "wrong") {
		t.Error("a failed login does not say so")
	}
	good := c.post("/login", url.Values{"name": {"ANN"}, "password": {"correct horse battery"}, "next": {"/cases/artwork-personalization"}})
	wantStatus(t, good, http.StatusOK)
	if good.Request.URL.Path != "/cases/artwork-personalization" {
		t.Fatalf("login went to %s, want the next page", good.Request.URL.Path)
	}
	evil := c.post("/login", url.Values{"name": {"ann"}, "password": {"correct horse battery"}, "next": {"//evil.example/x"}})
	if evil.Request.URL.Host != u.Host || evil.Request.URL.Path != "/designs" {
		t.Fatalf("next=//evil.example led to %s", evil.Request.URL)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.get("/signup")
	form := url.Values{"name": {"ann"}, "password": {"correct horse battery"}, "_csrf": {c.csrf}}
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "casebench_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie HttpOnly=%v SameSite=%v; want HttpOnly, Lax", ck.HttpOnly, ck.SameSite)
			}
			if ck.Secure {
				t.Error("session cookie is Secure on plain HTTP without --secure-cookies")
			}
		}
	}
	if !found {
		t.Fatalf("signup set no session cookie (status %d)", res.StatusCode)
	}
}

func TestSignupValidation(t *testing.T) {
	a := newApp(t)
	a.signup("ann")
	for _, tc := range []struct {
		name, password, field, want string
	}{
		{"ab", "correct horse battery", "name", "3 to 32"},
		{"has space", "correct horse battery", "name", "letters"},
		{strings.Repeat("x", 33), "correct horse battery", "name", "3 to 32"},
		{"bob", "short", "password", "at least 10"},
		{"ANN", "correct horse battery", "name", "taken"},
	} {
		c := a.client()
		c.get("/signup")
		r := c.post("/signup", url.Values{"name": {tc.name}, "password": {tc.password}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		doc := r.doc(t)
		msg := doc.Find(`input[name="` + tc.field + `"]`).Parent().Find(".field-error").Text()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("signup %q/%q: message beside %s = %q, want it to contain %q", tc.name, tc.password, tc.field, msg, tc.want)
		}
		if v, _ := doc.Find(`input[name="password"]`).Attr("value"); v != "" {
			t.Error("the password is sent back in the form")
		}
	}
}

func TestFormsNeedCSRFToken(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	before, _ := a.store.ListDesigns(t.Context(), 1)
	r := c.post("/designs", url.Values{"case": {"artwork-personalization"}, "_csrf": {"forged"}})
	wantStatus(t, r, http.StatusForbidden)
	fresh := a.client()
	r = fresh.post("/signup", url.Values{"name": {"mallory"}, "password": {"correct horse battery"}})
	if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusForbidden {
		t.Fatalf("signup without a token: status %d, want 400 or 403", r.StatusCode)
	}
	after, _ := a.store.ListDesigns(t.Context(), 1)
	if len(after) != len(before) {
		t.Fatal("a forged form created a design")
	}
	if _, err := a.store.UserByName(t.Context(), "mallory"); err == nil {
		t.Fatal("a form without a token created a user")
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	a := newApp(t, func(o *serverOptions) { o.LoginPerMin, o.LoginDelay = 3, time.Hour })
	c := a.client()
	c.get("/login")
	codes := []int{}
	for range 5 {
		codes = append(codes, c.post("/login", url.Values{"name": {"nobody"}, "password": {"wrong password"}}).StatusCode)
	}
	want := []int{401, 401, 401, 429, 429}
	for i := range want {
		if codes[i] != want[i] {
			t.Fatalf("login statuses %v, want %v", codes, want)
		}
	}
}

func TestCatalogFilters(t *testing.T) {
	a := newApp(t)
	c := a.client()
	titles := func(path string) []string {
		var out []string
		c.get(path).doc(t).Find(".card h2").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
		return out
	}
	if got := titles("/"); len(got) != len(a.cat.Cases) {
		t.Fatalf("unfiltered: %d cards", len(got))
	}
	for _, tc := range []struct {
		path string
		want func(slug string) bool
	}{
		{"/?tag=ranking", func(slug string) bool { k, _ := a.cat.Case(slug); return slices.Contains(k.Tags, "ranking") }},
		{"/?difficulty=medium", func(slug string) bool { k, _ := a.cat.Case(slug); return k.Difficulty == "medium" }},
		{"/?q=BANDIT", func(slug string) bool {
			k, _ := a.cat.Case(slug)
			return strings.Contains(strings.ToLower(k.Title+k.Summary+k.Prompt+strings.Join(k.Tags, " ")), "bandit")
		}},
	} {
		var want []string
		for _, k := range a.cat.Cases {
			if tc.want(k.Slug) {
				want = append(want, k.Title)
			}
		}
		got := titles(tc.path)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", tc.path, got, want)
		}
	}
	if got := titles("/?q=zzzqqq"); len(got) != 0 {
		t.Errorf("nonsense query matched %v", got)
	}
	r := a.api("GET", "/api/v1/cases?tag=ranking", "", nil)
	var list struct{ Cases []struct{ Tags []string } }
	r.json(t, &list)
	for _, k := range list.Cases {
		if !slices.Contains(k.Tags, "ranking") {
			t.Errorf("API filter returned %v", k.Tags)
		}
	}
}
