package server_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/klauspost/compress/zstd"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
	"github.com/casebench/casebench/web"
)

// send makes a GET with the client's cookies and the given headers, and
// returns the body as it came, not decoded.
func (c *client) send(path string, headers map[string]string) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "identity")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.do(req)
}

// cookie returns the client's cookie of that name.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.app.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (r *response) varies(by string) bool {
	for _, v := range r.Header.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), by) {
				return true
			}
		}
	}
	return false
}

// TestPageETags: the editor, a case page and the catalog carry an ETag of
// what they show; a repeat with it gets 304 and no body; a save, a new
// review waiting or another CSRF cookie gives another ETag.
func TestPageETags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newAppOn(t, st)
		ann := a.signup("ann")
		editor := startDesign(t, ann, "homepage-recommendations")
		for _, path := range []string{editor, "/cases/homepage-recommendations", "/"} {
			r := ann.send(path, nil)
			wantStatus(t, r, http.StatusOK)
			etag := r.Header.Get("ETag")
			if !regexp.MustCompile(`^W/"[A-Za-z0-9_-]{16,}"$`).MatchString(etag) {
				t.Fatalf("%s: ETag %q", path, etag)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "private, no-cache" {
				t.Errorf("%s: Cache-Control %q, want private, no-cache", path, cc)
			}
			if !r.varies("Cookie") || !r.varies("Accept-Encoding") {
				t.Errorf("%s: Vary %q", path, r.Header.Values("Vary"))
			}
			again := ann.send(path, map[string]string{"If-None-Match": etag})
			wantStatus(t, again, http.StatusNotModified)
			if len(again.body) != 0 || again.Header.Get("ETag") != etag {
				t.Errorf("%s: 304 with %d bytes and ETag %q", path, len(again.body), again.Header.Get("ETag"))
			}
			if r := ann.send(path, map[string]string{"If-None-Match": `W/"something-else"`}); r.StatusCode != http.StatusOK {
				t.Errorf("%s: another ETag got %d", path, r.StatusCode)
			}
		}

		// A save changes the design's version, and so the page.
		old := ann.send(editor, nil)
		form := editorForm(t, ann, editor)
		form.Set("f.framing.objective", "Hours of quality viewing per member.")
		wantStatus(t, ann.post(editor, form), http.StatusOK)
		r := ann.send(editor, map[string]string{"If-None-Match": old.Header.Get("ETag")})
		wantStatus(t, r, http.StatusOK)
		if r.Header.Get("ETag") == old.Header.Get("ETag") || !strings.Contains(string(r.body), "Hours of quality viewing per member.") {
			t.Errorf("after a save: ETag %q (was %q), page shows the save: %v", r.Header.Get("ETag"), old.Header.Get("ETag"),
				strings.Contains(string(r.body), "Hours of quality viewing per member."))
		}
		version := func(r *response) string {
			v, _ := r.doc(t).Find(`#design-form input[name="version"]`).Attr("value")
			return v
		}
		if version(r) == version(old) {
			t.Errorf("the page still holds version %s after a save", version(old))
		}

		// A design of someone else's waits for ann's review: the badge in
		// her navigation bar changes, and so does the ETag of every page.
		casePage := ann.send("/cases/artwork-personalization", nil)
		bob := a.signup("bob")
		bobs := startDesign(t, bob, "artwork-personalization")
		wantStatus(t, a.api("POST", "/api/v1"+bobs+"/submit", a.tokenFor("bob"), nil), http.StatusOK)
		r = ann.send("/cases/artwork-personalization", map[string]string{"If-None-Match": casePage.Header.Get("ETag")})
		wantStatus(t, r, http.StatusOK)
		if badge := strings.TrimSpace(r.doc(t).Find(".nav .badge.waiting").Text()); badge != "1" {
			t.Errorf("ann's waiting badge is %q after bob submitted, want 1", badge)
		}

		// The same user in another browser has another CSRF token: her
		// first page there is sent in full.
		other := a.client()
		other.get("/login")
		wantStatus(t, other.post("/login", url.Values{"name": {"ann"}, "password": {"correct horse battery"}}), http.StatusOK)
		r = other.send(editor, map[string]string{"If-None-Match": ann.send(editor, nil).Header.Get("ETag")})
		wantStatus(t, r, http.StatusOK)
	})
}

// TestTwoUsersOneURL: two users asking for the same pages, one after the
// other and from one browser in turn, each get their own page: their own
// name, their own CSRF token, never the other's ETag honoured.
func TestTwoUsersOneURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newAppOn(t, st)
		ann, bob := a.signup("ann"), a.signup("bob")
		annsDesign := startDesign(t, ann, "homepage-recommendations")
		whoAndToken := func(c *client, r *response) (string, string) {
			t.Helper()
			doc := r.doc(t)
			tok, _ := doc.Find(`input[name="_csrf"]`).First().Attr("value")
			if tok != c.cookie("_csrf") {
				t.Errorf("the page's CSRF token %q is not the browser's own %q", tok, c.cookie("_csrf"))
			}
			return strings.TrimSpace(doc.Find(".nav .who").Text()), tok
		}
		for _, path := range []string{"/", "/cases/homepage-recommendations", "/cases/artwork-personalization"} {
			for _, enc := range []string{"identity", "gzip", "zstd"} {
				ra := ann.send(path, map[string]string{"Accept-Encoding": enc})
				rb := bob.send(path, map[string]string{"Accept-Encoding": enc, "If-None-Match": ra.Header.Get("ETag")})
				wantStatus(t, ra, http.StatusOK)
				wantStatus(t, rb, http.StatusOK)
				ra.body, rb.body = decoded(t, ra), decoded(t, rb)
				nameA, tokA := whoAndToken(ann, ra)
				nameB, tokB := whoAndToken(bob, rb)
				if nameA != "ann" || nameB != "bob" || tokA == tokB || strings.Contains(string(rb.body), tokA) {
					t.Fatalf("%s (%s): ann sees %q, bob sees %q; tokens differ: %v", path, enc, nameA, nameB, tokA != tokB)
				}
			}
		}
		// Bob cannot open ann's draft, cached for her.
		wantStatus(t, bob.send(annsDesign, nil), http.StatusNotFound)

		// One browser: ann signs out, bob signs in with the same CSRF
		// cookie and sends ann's ETag.
		shared := a.client()
		shared.get("/login")
		wantStatus(t, shared.post("/login", url.Values{"name": {"ann"}, "password": {"correct horse battery"}}), http.StatusOK)
		rAnn := shared.send("/cases/homepage-recommendations", nil)
		if name, _ := whoAndToken(shared, rAnn); name != "ann" {
			t.Fatalf("the shared browser shows %q, want ann", name)
		}
		shared.csrf = shared.cookie("_csrf")
		wantStatus(t, shared.post("/logout", nil), http.StatusOK)
		shared.get("/login")
		wantStatus(t, shared.post("/login", url.Values{"name": {"bob"}, "password": {"correct horse battery"}}), http.StatusOK)
		rBob := shared.send("/cases/homepage-recommendations", map[string]string{"If-None-Match": rAnn.Header.Get("ETag")})
		wantStatus(t, rBob, http.StatusOK)
		if name, _ := whoAndToken(shared, rBob); name != "bob" {
			t.Fatalf("after bob signed in the shared browser shows %q", name)
		}
		if r := shared.send(annsDesign, nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("bob in ann's browser gets her draft: %d", r.StatusCode)
		}
		// Two signed-out visitors share the layout, rendered once, but
		// each page holds its own CSRF token, if any.
		for _, path := range []string{"/login", "/cases/homepage-recommendations"} {
			v1, v2 := a.client(), a.client()
			r1, r2 := v1.send(path, map[string]string{"Accept-Encoding": "gzip"}), v2.send(path, nil)
			wantStatus(t, r1, http.StatusOK)
			wantStatus(t, r2, http.StatusOK)
			r1.body = decoded(t, r1)
			for i, v := range []*client{v1, v2} {
				r := []*response{r1, r2}[i]
				tok, has := r.doc(t).Find(`input[name="_csrf"]`).First().Attr("value")
				if has && (tok != v.cookie("_csrf") || tok == "") {
					t.Errorf("%s: visitor %d's page holds CSRF token %q, not their own %q", path, i+1, tok, v.cookie("_csrf"))
				}
			}
			if c1 := v1.cookie("_csrf"); c1 != "" && strings.Contains(string(r2.body), c1) {
				t.Errorf("%s: the second visitor's page holds the first visitor's CSRF token", path)
			}
		}

		// Signed out, the same URL shows no one.
		anon := a.client()
		r := anon.send("/cases/homepage-recommendations", map[string]string{"If-None-Match": rBob.Header.Get("ETag")})
		wantStatus(t, r, http.StatusOK)
		if r.doc(t).Find(".nav .who").Length() != 0 || strings.Contains(string(r.body), ">bob<") {
			t.Fatal("a signed-out visitor sees a user's navigation bar")
		}
	})
}

// decoded returns the body of r decoded from its Content-Encoding.
func decoded(t *testing.T, r *response) []byte {
	t.Helper()
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "":
		return r.body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		zr.Multistream(false)
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if rest, _ := io.ReadAll(zr); len(rest) != 0 {
			t.Fatal("bytes after the gzip member")
		}
		return b
	case "zstd":
		d, _ := zstd.NewReader(nil)
		defer d.Close()
		b, err := d.DecodeAll(r.body, nil)
		if err != nil {
			t.Fatalf("zstd body: %v", err)
		}
		return b
	default:
		t.Fatalf("unknown Content-Encoding %q", enc)
	}
	return nil
}

// TestCompression: HTML, CSS, JavaScript, SVG and JSON come compressed in
// the coding the client asks for (zstd or gzip), with Vary:
// Accept-Encoding, and decode to the very bytes sent uncompressed.
func TestCompression(t *testing.T) {
	a := newApp(t)
	ann := a.signup("ann")
	editor := startDesign(t, ann, "homepage-recommendations")
	form := editorForm(t, ann, editor)
	form.Set("p.mode", "dot")
	form.Set("p.dot", `digraph { logs [kind=log, stage=online]; train [kind=training, stage=offline]; logs -> train }`)
	wantStatus(t, ann.post(editor, form), http.StatusOK)
	page := ann.send(editor, nil)
	css, _ := page.doc(t).Find(`link[rel="stylesheet"]`).First().Attr("href")
	js, _ := page.doc(t).Find(`script[src]`).First().Attr("src")
	for _, tc := range []struct{ path, ctype string }{
		{editor, "text/html"},
		{"/cases/homepage-recommendations", "text/html"},
		{"/designs", "text/html"}, // not cached: compressed as it is sent
		{"/nope", "text/html"},    // an error page
		{css, "text/css"},
		{js, "text/javascript"},
		{editor + "/pipeline.svg", "image/svg+xml"},
		{"/api/v1/cases/homepage-recommendations", "application/json"},
	} {
		plain := ann.send(tc.path, nil)
		if plain.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(plain.Header.Get("Content-Type"), tc.ctype) {
			t.Fatalf("%s without Accept-Encoding: %q, %q", tc.path, plain.Header.Get("Content-Encoding"), plain.Header.Get("Content-Type"))
		}
		for _, enc := range []string{"gzip", "zstd"} {
			r := ann.send(tc.path, map[string]string{"Accept-Encoding": enc})
			if r.StatusCode != plain.StatusCode || r.Header.Get("Content-Encoding") != enc || !r.varies("Accept-Encoding") {
				t.Errorf("%s, %s: status %d, Content-Encoding %q, Vary %q", tc.path, enc, r.StatusCode, r.Header.Get("Content-Encoding"), r.Header.Values("Vary"))
				continue
			}
			if len(r.body) >= len(plain.body) {
				t.Errorf("%s, %s: %d bytes compressed, %d plain", tc.path, enc, len(r.body), len(plain.body))
			}
			if got := decoded(t, r); !bytes.Equal(got, plain.body) {
				t.Errorf("%s, %s: decodes to %d bytes that differ from the %d sent plain", tc.path, enc, len(got), len(plain.body))
			}
		}
	}
	// A client that accepts neither gets the bytes as they are.
	if r := ann.send(editor, map[string]string{"Accept-Encoding": "br;q=1, gzip;q=0"}); r.Header.Get("Content-Encoding") != "" || !r.varies("Accept-Encoding") {
		t.Errorf("gzip;q=0 got Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
}

// TestFingerprintedAssets: pages link the stylesheets and scripts by names
// that carry a hash of their bytes, served with a year's cache lifetime;
// the plain names still work, revalidated each time.
func TestFingerprintedAssets(t *testing.T) {
	a := newApp(t)
	c := a.client()
	doc := c.send("/", nil).doc(t)
	var links []string
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("href", "")) })
	doc.Find(`script[src]`).Each(func(_ int, s *goquery.Selection) { links = append(links, s.AttrOr("src", "")) })
	name := regexp.MustCompile(`^/static/(.+)\.([0-9a-f]{10})(\.(?:css|js))$`)
	if len(links) < 3 {
		t.Fatalf("the page links %v", links)
	}
	for _, link := range links {
		m := name.FindStringSubmatch(link)
		if m == nil {
			t.Errorf("%s: not a fingerprinted name", link)
			continue
		}
		r := c.send(link, nil)
		wantStatus(t, r, http.StatusOK)
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", link, cc)
		}
		sum := sha256.Sum256(r.body)
		if hex.EncodeToString(sum[:5]) != m[2] {
			t.Errorf("%s: the name's hash is not the hash of its bytes", link)
		}
		if file, err := web.Static.ReadFile("static/" + m[1] + m[3]); err == nil && !bytes.Equal(file, r.body) {
			t.Errorf("%s: not the bytes of static/%s%s", link, m[1], m[3])
		}
		wantStatus(t, c.send(link, map[string]string{"If-None-Match": r.Header.Get("ETag")}), http.StatusNotModified)
		plain := c.send("/static/"+m[1]+m[3], nil)
		if m[1] == "kinds" {
			plain = c.send("/kinds.css", nil)
		}
		wantStatus(t, plain, http.StatusOK)
		if !bytes.Equal(plain.body, r.body) || plain.Header.Get("Cache-Control") != "public, no-cache" {
			t.Errorf("%s under its plain name: same bytes %v, Cache-Control %q", link, bytes.Equal(plain.body, r.body), plain.Header.Get("Cache-Control"))
		}
		wantStatus(t, c.send("/static/"+m[1]+".0000000000"+m[3], nil), http.StatusNotFound)
	}
}

// TestSignedInPageQueries holds a signed-in page to two statements for the
// session, the user and the navigation counts (the case page needs nothing
// else), and the editor to one more, for its design; a page writes nothing
// to the session store. On SQLite a page that follows another with no write
// between reads the session and the user from memory: none of them; the
// editor reads only its design's version. (The store's clock stands still,
// so that what is kept stays fresh however slowly the test runs.)
func TestSignedInPageQueries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newAppOn(t, st)
		ann := a.signup("ann")
		editor := startDesign(t, ann, "homepage-recommendations")
		at := time.Now()
		st.SetClock(func() time.Time { return at })
		kept := int64(2)
		if st.Dialect() == store.SQLite {
			kept = 0
		}
		u, err := st.UserByName(t.Context(), "ann")
		if err != nil {
			t.Fatal(err)
		}
		ann.send("/", nil) // what was kept before the clock stopped is read again
		for _, tc := range []struct {
			path  string
			write bool // write to the database first
			want  int64
		}{
			{"/cases/homepage-recommendations", false, kept},
			{"/", false, kept},
			{editor, false, 1 + kept},
			{editor, false, 1 + kept}, // cached: the design's version is read, not its content
			{"/", true, 2},            // the first page after a write reads the database
			{"/", false, kept},
		} {
			if tc.write {
				if err := st.SetRole(t.Context(), u.ID, auth.RoleMember); err != nil {
					t.Fatal(err)
				}
			}
			before := st.Statements()
			r := ann.send(tc.path, nil)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(string(r.body), ">ann<") {
				t.Fatalf("%s is not signed in", tc.path)
			}
			if n := st.Statements() - before; n != tc.want {
				t.Errorf("GET %s ran %d statements, want %d", tc.path, n, tc.want)
			}
		}
	})
}

// TestSignedInPagesSeeWritesAtOnce checks that what a signed-in page keeps
// of the session and the user never outlives a write: a role change shows
// on the next page, and after signing out the old session cookie signs no
// one in, on the same server, at once (the store's clock stands still, so
// only the write can make the kept session stale).
func TestSignedInPagesSeeWritesAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newAppOn(t, st)
		ann := a.signup("ann")
		at := time.Now()
		st.SetClock(func() time.Time { return at })
		for range 2 {
			if r := ann.send("/", nil); strings.Contains(string(r.body), `href="/mentor"`) || !strings.Contains(string(r.body), ">ann<") {
				t.Fatal("before the role change: not signed in as ann, or a mentor already")
			}
		}
		u, err := st.UserByName(t.Context(), "ann")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetRole(t.Context(), u.ID, auth.RoleMentor); err != nil {
			t.Fatal(err)
		}
		if r := ann.send("/", nil); !strings.Contains(string(r.body), `href="/mentor"`) {
			t.Error("the page right after the role change does not show the mentor's link")
		}
		// A second browser holding ann's session cookie.
		other := a.client()
		base, _ := url.Parse(a.srv.URL)
		other.http.Jar.SetCookies(base, ann.http.Jar.Cookies(base))
		if r := other.send("/", nil); !strings.Contains(string(r.body), ">ann<") {
			t.Fatal("the copied session cookie does not sign ann in")
		}
		ann.post("/logout", nil)
		r := other.send("/", nil)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(string(r.body), ">ann<") {
			t.Error("after signing out, the old session cookie still signs ann in")
		}
	})
}
