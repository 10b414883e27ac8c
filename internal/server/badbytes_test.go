package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// badInput is text that casebench must refuse: as it is sent in a form (raw
// bytes) and inside a JSON string (escaped where JSON can escape it).
type badInput struct {
	name string
	form string
	json string
}

var badInputs = []badInput{
	{"nul", "a\x00b", `a\u0000b`},
	{"only-nul", "\x00", `\u0000`},
	{"invalid-utf8", "a\xff\xfeb", "a\xff\xfeb"},
	{"escape", "a\x1b[2Jb", `a\u001b[2Jb`},
	{"c1-control", "a\u0085b", `a\u0085b`},
	{"surrogate", "a\xed\xa0\x80b", `a\ud800b`},
}

// badRequest is one way of sending bad text to a route, and the field the
// refusal must name.
type badRequest struct {
	route string // METHOD PATH as registered
	field string
	send  func(f *badFixture, in badInput) *response
}

// badFixture is what the routes act on: a member with a draft and a
// submitted design, another member, and a mentor.
type badFixture struct {
	app                *app
	ann, anon          *client
	annToken, megToken string
	bobToken           string
	draft, submitted   int64
}

func newBadFixture(t *testing.T, st *store.Store) *badFixture {
	a := newAppOn(t, st)
	f := &badFixture{app: a, ann: a.signup("ann"), anon: a.client()}
	a.signup("bob")
	f.annToken, f.bobToken = a.tokenFor("ann"), a.tokenFor("bob")
	a.signup("meg")
	u, _ := st.UserByName(t.Context(), "meg")
	if err := st.SetRole(t.Context(), u.ID, auth.RoleMentor); err != nil {
		t.Fatal(err)
	}
	f.megToken = a.tokenFor("meg")
	var d struct {
		ID int64 `json:"id"`
	}
	r := a.api("POST", "/api/v1/designs", f.annToken, map[string]string{"case": "artwork-personalization"})
	wantStatus(t, r, http.StatusCreated)
	r.json(t, &d)
	f.draft = d.ID
	r = a.api("POST", "/api/v1/designs", f.annToken, map[string]string{"case": "artwork-personalization"})
	r.json(t, &d)
	f.submitted = d.ID
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", d.ID), f.annToken, nil), http.StatusOK)
	// bob calibrates, so that he may review ann's submitted design.
	k, _ := a.cat.Case("artwork-personalization")
	wantStatus(t, a.api("POST", "/api/v1/calibrations/"+k.Slug, f.bobToken, map[string]any{"levels": allLevels(k, 2)}), http.StatusCreated)
	f.ann.get(fmt.Sprintf("/designs/%d", f.draft))
	f.anon.get("/login")
	return f
}

func (f *badFixture) path(p string) string {
	p = strings.ReplaceAll(p, ":id", fmt.Sprint(f.draft))
	p = strings.ReplaceAll(p, ":sid", fmt.Sprint(f.submitted))
	p = strings.ReplaceAll(p, ":rid", "1")
	p = strings.ReplaceAll(p, ":slug", "artwork-personalization")
	p = strings.ReplaceAll(p, ":tid", "1")
	return p
}

// form posts a page form as ann (or anonymously), with the CSRF token.
func (f *badFixture) form(c *client, path string, v url.Values) *response {
	return c.post(f.path(path), v)
}

// raw sends body as ann's API client.
func (f *badFixture) raw(method, path, token, contentType string, body []byte) *response {
	req, _ := http.NewRequest(method, f.app.srv.URL+f.path(path), bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.ann.do(req)
}

func (f *badFixture) json(method, path, token, body string) *response {
	return f.raw(method, path, token, "application/json", []byte(body))
}

func badDesignJSON(title, objective string) string {
	return `{"format":"casebench.design/v1","case":"artwork-personalization","title":"` + title +
		`","sections":{"framing":{"objective":"` + objective + `"}}}`
}

func formOf(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var badRequests = []badRequest{
	{"POST /signup", "name", func(f *badFixture, in badInput) *response {
		return f.form(f.anon, "/signup", formOf("name", "zed"+in.form, "password", "correct horse battery"))
	}},
	{"POST /signup", "password", func(f *badFixture, in badInput) *response {
		return f.form(f.anon, "/signup", formOf("name", "zed", "password", "correct horse "+in.form))
	}},
	{"POST /login", "name", func(f *badFixture, in badInput) *response {
		return f.form(f.anon, "/login", formOf("name", in.form, "password", "correct horse battery"))
	}},
	{"POST /logout", "next", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/logout", formOf("next", in.form))
	}},
	{"POST /designs", "title", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs", formOf("case", "artwork-personalization", "title", in.form))
	}},
	{"POST /designs/:id", "title", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id", formOf("version", "1", "title", in.form))
	}},
	{"POST /designs/:id", "framing.objective", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id", formOf("version", "1", "title", "ok", "f.framing.objective", "x"+in.form))
	}},
	{"POST /designs/:id", "pipeline_dot", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id", formOf("version", "1", "title", "ok", "pipeline_mode", "dot", "pipeline_dot", "digraph { a [label=\""+in.form+"\"] }"))
	}},
	// A table row's delete or move button posts the form with its row
	// action: bad bytes in the action, or in a row it moves, are refused.
	{"POST /designs/:id", "row", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id", formOf("version", "1", "title", "ok", "row", "del:f.evaluation.metrics.0"+in.form))
	}},
	{"POST /designs/:id", "evaluation.metrics", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id", formOf("version", "1", "title", "ok", "f.evaluation.metrics.0.name", "a",
			"f.evaluation.metrics.1.name", "x"+in.form, "row", "up:f.evaluation.metrics.1"))
	}},
	{"POST /designs/:id/delete", "confirm", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id/delete", formOf("confirm", in.form))
	}},
	{"POST /designs/:id/submit", "version", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:id/submit", formOf("version", "1"+in.form))
	}},
	{"POST /designs/:id/attempt", "title", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:sid/attempt", formOf("title", in.form))
	}},
	{"POST /designs/:id/followups", "answer", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:sid/followups", formOf("index", "0", "version", "2", "answer", in.form))
	}},
	{"POST /designs/:id/reviews/:rid/helpfulness", "score", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:sid/reviews/:rid/helpfulness", formOf("score", "3"+in.form))
	}},
	{"POST /designs/:id/rulings", "reason", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/designs/:sid/rulings", formOf("item", "x", "level", "2", "reason", in.form))
	}},
	{"POST /designs/import", "title", func(f *badFixture, in badInput) *response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("_csrf", f.ann.csrf)
		fw, _ := w.CreateFormFile("file", "design.json")
		fw.Write([]byte(badDesignJSON(in.json, "ok")))
		w.Close()
		req, _ := http.NewRequest("POST", f.app.srv.URL+"/designs/import", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return f.ann.do(req)
	}},
	{"POST /designs/import", "note", func(f *badFixture, in badInput) *response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("_csrf", f.ann.csrf)
		w.WriteField("note", in.form)
		fw, _ := w.CreateFormFile("file", "design.json")
		fw.Write([]byte(badDesignJSON("ok", "ok")))
		w.Close()
		req, _ := http.NewRequest("POST", f.app.srv.URL+"/designs/import", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return f.ann.do(req)
	}},
	{"POST /reviews/:id", "comment", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/reviews/:sid", formOf("comment", in.form))
	}},
	{"POST /reviews/calibrate/:slug", "comment", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/reviews/calibrate/:slug", formOf("comment", in.form))
	}},
	{"POST /profile/tokens", "name", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/profile/tokens", formOf("name", in.form))
	}},
	{"POST /profile/tokens/:id/revoke", "confirm", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/profile/tokens/:tid/revoke", formOf("confirm", in.form))
	}},
	{"POST /drills/:slug", "answer", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/l1-vs-l2", formOf("action", "check", "answer", "L1 zeroes weights"+in.form))
	}},
	{"POST /drills/:slug", "sql", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/plan-mix", formOf("action", "run", "sql", "SELECT '"+in.form+"'"))
	}},
	{"POST /drills/:slug/attempts/:id/rating", "rating", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/l1-vs-l2/attempts/1/rating", formOf("rating", "good"+in.form))
	}},
	{"POST /drills/:slug/snooze", "days", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/l1-vs-l2/snooze", formOf("days", "3"+in.form))
	}},
	{"POST /drills/:slug/retire", "back", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/l1-vs-l2/retire", formOf("back", in.form))
	}},
	{"POST /drills/:slug/restore", "back", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/l1-vs-l2/restore", formOf("back", in.form))
	}},
	{"POST /drills/sets", "note", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/sets", formOf("note", in.form))
	}},
	{"POST /drills/sets/:id/finish", "confirm", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/sets/1/finish", formOf("confirm", in.form))
	}},
	{"POST /api/v1/drills/:slug/attempts", "answer", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/drills/l1-vs-l2/attempts", f.annToken, `{"answer":"L1 zeroes weights`+in.json+`"}`)
	}},
	{"POST /api/v1/drill-reviews/:id", "comment", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/drill-reviews/1", f.bobToken, `{"levels":{},"comment":"`+in.json+`"}`)
	}},
	{"POST /api/v1/drill-calibrations/:pack", "levels", func(f *badFixture, in badInput) *response {
		// A JSON key is text too.
		return f.json("POST", "/api/v1/drill-calibrations/ml-fundamentals", f.bobToken, `{"levels":{"x`+in.json+`":1}}`)
	}},
	{"POST /api/v1/drills/:slug/attempts/:id/rating", "rating", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/drills/l1-vs-l2/attempts/1/rating", f.annToken, `{"rating":"good`+in.json+`"}`)
	}},
	{"POST /drills/reviews/:id", "comment", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/reviews/1", formOf("comment", in.form))
	}},
	{"POST /drills/reviews/calibrate/:pack", "comment", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/reviews/calibrate/ml-fundamentals", formOf("comment", in.form))
	}},
	{"POST /drills/upload", "answer", func(f *badFixture, in badInput) *response {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("_csrf", f.ann.csrf)
		fw, _ := w.CreateFormFile("file", "answer.json")
		fw.Write([]byte(`{"format":"casebench.drill-answer/v1","drill":"l1-vs-l2","answer":"L1 zeroes weights` + in.json + `"}`))
		w.Close()
		req, _ := http.NewRequest("POST", f.app.srv.URL+"/drills/upload", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return f.ann.do(req)
	}},
	{"POST /drills/loops", "note", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/loops", formOf("note", in.form))
	}},
	{"POST /drills/loops/:id/design", "confirm", func(f *badFixture, in badInput) *response {
		return f.form(f.ann, "/drills/loops/1/design", formOf("confirm", in.form))
	}},
	{"POST /api/v1/designs", "title", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/designs", f.annToken, `{"case":"artwork-personalization","title":"`+in.json+`"}`)
	}},
	{"PUT /api/v1/designs/:id", "title", func(f *badFixture, in badInput) *response {
		return f.json("PUT", "/api/v1/designs/:id", f.annToken, `{"version":1,"title":"`+in.json+`"}`)
	}},
	{"PUT /api/v1/designs/:id", "sections.framing.objective", func(f *badFixture, in badInput) *response {
		return f.json("PUT", "/api/v1/designs/:id", f.annToken, `{"version":1,"sections":{"framing":{"objective":"`+in.json+`"}}}`)
	}},
	{"PUT /api/v1/designs/:id", "pipeline.nodes[0].label", func(f *badFixture, in badInput) *response {
		return f.json("PUT", "/api/v1/designs/:id", f.annToken, `{"version":1,"pipeline":{"nodes":[{"id":"a","label":"`+in.json+`","kind":"log"}],"edges":[]}}`)
	}},
	{"PUT /api/v1/designs/:id", "pipeline.dot", func(f *badFixture, in badInput) *response {
		return f.json("PUT", "/api/v1/designs/:id", f.annToken, `{"version":1,"pipeline":{"dot":"digraph { a [label=\"`+in.json+`\"] }"}}`)
	}},
	{"DELETE /api/v1/designs/:id", "confirm", func(f *badFixture, in badInput) *response {
		return f.raw("DELETE", "/api/v1/designs/:id?confirm="+url.QueryEscape(in.form), f.annToken, "application/json", nil)
	}},
	{"POST /api/v1/designs/:id/submit", "note", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/designs/:id/submit", f.annToken, `{"version":1,"note":"`+in.json+`"}`)
	}},
	{"POST /api/v1/designs/:id/reviews", "comments.framing", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/designs/:sid/reviews", f.bobToken, `{"levels":{},"comments":{"framing":"`+in.json+`"}}`)
	}},
	{"POST /api/v1/designs/:id/rulings", "reason", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/designs/:sid/rulings", f.megToken, `{"item":"x","level":2,"reason":"`+in.json+`"}`)
	}},
	{"POST /api/v1/designs/import", "title", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/designs/import", f.annToken, badDesignJSON(in.json, "ok"))
	}},
	{"POST /api/v1/check", "sections.framing.objective", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/check", "", badDesignJSON("ok", in.json))
	}},
	{"POST /api/v1/pipeline/check", "dot", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/pipeline/check", "", `{"dot":"digraph { a [label=\"`+in.json+`\"] }"}`)
	}},
	{"POST /api/v1/render", "dot", func(f *badFixture, in badInput) *response {
		return f.raw("POST", "/api/v1/render?format=dot", "", "text/vnd.graphviz", []byte("digraph { a [label=\""+in.form+"\"] }"))
	}},
	{"POST /api/v1/reviews/:rid/helpfulness", "score", func(f *badFixture, in badInput) *response {
		return f.json("POST", "/api/v1/reviews/:rid/helpfulness", f.annToken, `{"score":"`+in.json+`"}`)
	}},
	{"POST /api/v1/calibrations/:slug", "levels", func(f *badFixture, in badInput) *response {
		// A JSON key is text too.
		return f.json("POST", "/api/v1/calibrations/:slug", f.annToken, `{"levels":{"x`+in.json+`":1}}`)
	}},
}

// TestBadBytes sends NUL, invalid UTF-8 and control characters to every
// write route, on SQLite and PostgreSQL: each is refused with 422 naming
// the field, never a 5xx, and nothing in the database changes.
func TestBadBytes(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			st := storetest.SQLite(t)
			if dialect == "postgres" {
				st = storetest.Postgres(t)
			}
			f := newBadFixture(t, st)
			checkCoverage(t, f)
			before := snapshot(t, st)
			sent, fives := 0, 0
			for _, br := range badRequests {
				for _, in := range badInputs {
					r := br.send(f, in)
					sent++
					if r.StatusCode >= 500 {
						fives++
					}
					// Graphviz reads DOT that is not UTF-8 as Latin-1,
					// where these bytes are letters: that DOT is drawn.
					latin1 := br.route == "POST /api/v1/render" && in.name == "invalid-utf8"
					switch {
					case latin1 && r.StatusCode == http.StatusOK:
					case r.StatusCode != http.StatusUnprocessableEntity:
						t.Errorf("%s %s (%s): status %d, want 422; body %.300s", br.route, br.field, in.name, r.StatusCode, r.body)
					case !namesField(r, br.field):
						t.Errorf("%s (%s): the refusal does not name %q: %.300s", br.route, in.name, br.field, r.body)
					}
					if after := snapshot(t, st); after != before {
						t.Fatalf("%s %s (%s) changed the database", br.route, br.field, in.name)
					}
				}
			}
			t.Logf("%s: %d requests (%d routes × %d inputs), %d answered 5xx", dialect, sent, len(badRequests), len(badInputs), fives)
		})
	}
}

// namesField reports whether a refusal names the field: in the JSON
// error's fields, or in the page's message.
func namesField(r *response, field string) bool {
	var body struct {
		Fields map[string]string `json:"fields"`
	}
	if json.Unmarshal(r.body, &body) == nil && body.Fields != nil {
		for k := range body.Fields {
			if k == field || strings.HasPrefix(k, field) {
				return true
			}
		}
		return false
	}
	return strings.Contains(html.UnescapeString(string(r.body)), `"`+field)
}

// checkCoverage fails when a write route has no bad-bytes request.
func checkCoverage(t *testing.T, f *badFixture) {
	t.Helper()
	covered := map[string]bool{}
	for _, br := range badRequests {
		covered[br.route] = true
	}
	registered := map[string]bool{}
	for _, r := range f.app.server.Routes() {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		key := r.Method + " " + r.Path
		registered[key] = true
		if !covered[key] {
			t.Errorf("write route %s has no bad-bytes request in this test: add one", key)
		}
	}
	for key := range covered {
		if !registered[key] {
			t.Errorf("the bad-bytes request for %s names no route", key)
		}
	}
}

// snapshot digests every table but the sessions and the migrations, and
// the time a token was last used.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	db := st.DB()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if st.Dialect() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	var tables []string
	rows, err := db.QueryContext(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		if n != "sessions" && n != "goose_db_version" {
			tables = append(tables, n)
		}
	}
	rows.Close()
	slices.Sort(tables)
	h := sha256.New()
	for _, table := range tables {
		rows, err := db.QueryContext(t.Context(), "SELECT * FROM "+table+" WHERE 1 = 0")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		cols = slices.DeleteFunc(cols, func(c string) bool { return c == "last_used_at" })
		rows, err = db.QueryContext(t.Context(), "SELECT "+strings.Join(cols, ", ")+" FROM "+table+" ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\n", table)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\n", vals)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}
