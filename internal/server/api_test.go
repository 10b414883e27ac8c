package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type designJSON struct {
	Format   string                       `json:"format"`
	ID       int64                        `json:"id"`
	Case     string                       `json:"case"`
	Title    string                       `json:"title"`
	Status   string                       `json:"status"`
	Version  int64                        `json:"version"`
	Sections map[string]map[string]any    `json:"sections"`
	Pipeline struct{ Nodes, Edges []any } `json:"pipeline"`
}

func TestAPICases(t *testing.T) {
	a := newApp(t)
	r := a.api("GET", "/api/v1/cases", "", nil)
	wantStatus(t, r, http.StatusOK)
	var list struct {
		Cases []struct {
			Slug, Title, Difficulty string
			Tags                    []string
			Minutes                 int
		}
	}
	r.json(t, &list)
	if len(list.Cases) != len(a.cat.Cases) {
		t.Fatalf("%d cases, want %d", len(list.Cases), len(a.cat.Cases))
	}
	for _, k := range list.Cases {
		if k.Slug == "" || k.Title == "" || k.Difficulty == "" || len(k.Tags) == 0 || k.Minutes == 0 {
			t.Errorf("incomplete case summary %+v", k)
		}
	}
	r = a.api("GET", "/api/v1/cases/"+list.Cases[0].Slug, "", nil)
	wantStatus(t, r, http.StatusOK)
	var one struct {
		Slug      string
		Prompt    string
		Facts     []any
		Questions []any
		Sources   []any
	}
	r.json(t, &one)
	if one.Slug != list.Cases[0].Slug || one.Prompt == "" || len(one.Facts) < 5 || len(one.Questions) < 5 || len(one.Sources) == 0 {
		t.Fatalf("case JSON incomplete: %+v", one)
	}
	wantStatus(t, a.api("GET", "/api/v1/cases/nope", "", nil), http.StatusNotFound)
}

func TestAPIDesignLifecycle(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")

	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "artwork-personalization", "title": "Bandit art"})
	wantStatus(t, r, http.StatusCreated)
	var d designJSON
	r.json(t, &d)
	if d.ID == 0 || d.Version != 1 || d.Case != "artwork-personalization" || d.Title != "Bandit art" || d.Format != "casebench.design/v1" || d.Status != "draft" {
		t.Fatalf("created %+v", d)
	}
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/designs/%d", d.ID) {
		t.Errorf("Location = %q", loc)
	}
	path := fmt.Sprintf("/api/v1/designs/%d", d.ID)

	put := map[string]any{
		"version":  1,
		"sections": map[string]any{"framing": map[string]any{"objective": "Quality plays per impression.", "peak_rps": 20000000}},
		"pipeline": map[string]any{"nodes": []any{map[string]any{"id": "log", "kind": "log", "stage": "online"}}, "edges": []any{}},
	}
	r = a.api("PUT", path, tok, put)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &d)
	if d.Version != 2 || d.Sections["framing"]["objective"] != "Quality plays per impression." || d.Sections["framing"]["peak_rps"] != float64(20000000) || len(d.Pipeline.Nodes) != 1 {
		t.Fatalf("after PUT: %+v", d)
	}

	// The same PUT again is based on a stale version.
	put["sections"] = map[string]any{"framing": map[string]any{"objective": "Overwritten?"}}
	r = a.api("PUT", path, tok, put)
	wantStatus(t, r, http.StatusConflict)
	var e struct{ Error string }
	r.json(t, &e)
	if !strings.Contains(e.Error, "Reload") {
		t.Errorf("409 message %q does not say to reload", e.Error)
	}
	r = a.api("GET", path, tok, nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &d)
	if d.Version != 2 || d.Sections["framing"]["objective"] != "Quality plays per impression." {
		t.Fatalf("stale PUT changed the design: %+v", d)
	}

	r = a.api("GET", "/api/v1/designs", tok, nil)
	wantStatus(t, r, http.StatusOK)
	var list struct{ Designs []designJSON }
	r.json(t, &list)
	if len(list.Designs) != 1 || list.Designs[0].ID != d.ID {
		t.Fatalf("list = %+v", list)
	}

	wantStatus(t, a.api("DELETE", path, tok, nil), http.StatusNoContent)
	wantStatus(t, a.api("GET", path, tok, nil), http.StatusNotFound)
	wantStatus(t, a.api("DELETE", path, tok, nil), http.StatusNotFound)
}

func TestAPIOtherUsersDesignIs404(t *testing.T) {
	a := newApp(t)
	ann, bob := a.token("ann"), a.token("bob")
	r := a.api("POST", "/api/v1/designs", ann, map[string]string{"case": "streaming-quality"})
	wantStatus(t, r, http.StatusCreated)
	var d designJSON
	r.json(t, &d)
	path := fmt.Sprintf("/api/v1/designs/%d", d.ID)
	wantStatus(t, a.api("GET", path, bob, nil), http.StatusNotFound)
	wantStatus(t, a.api("PUT", path, bob, map[string]any{"version": 1, "title": "mine now"}), http.StatusNotFound)
	wantStatus(t, a.api("DELETE", path, bob, nil), http.StatusNotFound)
	r = a.api("GET", path, ann, nil)
	r.json(t, &d)
	if d.Title == "mine now" || d.Version != 1 {
		t.Fatalf("bob changed ann's design: %+v", d)
	}
}

func TestAPIBadInput(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "homepage-recommendations"})
	var d designJSON
	r.json(t, &d)
	path := fmt.Sprintf("/api/v1/designs/%d", d.ID)
	huge := `{"version":1,"title":"` + strings.Repeat("x", 3<<20) + `"}`
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
		want                      string
	}{
		{"no auth", "GET", "/api/v1/designs", "", nil, 401, "Log in"},
		{"bad token", "GET", "/api/v1/designs", "cb_nope", nil, 401, "not valid"},
		{"malformed JSON", "POST", "/api/v1/designs", tok, `{"case": `, 400, "JSON"},
		{"not an object", "POST", "/api/v1/designs", tok, `[1,2]`, 400, ""},
		{"unknown field", "POST", "/api/v1/designs", tok, `{"case":"homepage-recommendations","owner":7}`, 400, "owner"},
		{"trailing data", "POST", "/api/v1/designs", tok, `{"case":"homepage-recommendations"} {}`, 400, "Unexpected"},
		{"empty body", "POST", "/api/v1/designs", tok, ``, 400, "empty"},
		{"unknown case", "POST", "/api/v1/designs", tok, `{"case":"nope"}`, 422, "case"},
		{"title too long", "PUT", path, tok, map[string]any{"version": 1, "title": strings.Repeat("t", 121)}, 422, "title"},
		{"no version", "PUT", path, tok, map[string]any{"title": "x"}, 422, "version"},
		{"unknown section", "PUT", path, tok, map[string]any{"version": 1, "sections": map[string]any{"astrology": map[string]any{"x": "y"}}}, 422, "astrology"},
		{"wrong type", "PUT", path, tok, map[string]any{"version": 1, "sections": map[string]any{"framing": map[string]any{"peak_rps": "many"}}}, 422, "number"},
		{"bad list", "PUT", path, tok, map[string]any{"version": 1, "sections": map[string]any{"evaluation": map[string]any{"metrics": []any{1, 2}}}}, 400, ""},
		{"edge to nowhere", "PUT", path, tok, map[string]any{"version": 1, "pipeline": map[string]any{"nodes": []any{map[string]any{"id": "a", "kind": "log"}}, "edges": []any{map[string]any{"from": "a", "to": "b"}}}}, 422, "unknown node"},
		{"oversized body", "PUT", path, tok, huge, 413, "too large"},
		{"id not a number", "GET", "/api/v1/designs/abc", tok, nil, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.api(tc.method, tc.path, tc.token, tc.body)
			wantStatus(t, r, tc.status)
			var e struct {
				Error  string
				Fields map[string]string
			}
			r.json(t, &e)
			if e.Error == "" {
				t.Fatalf("no error message: %s", r.body)
			}
			if !strings.Contains(e.Error+fmt.Sprint(e.Fields), tc.want) {
				t.Errorf("message %q %v does not mention %q", e.Error, e.Fields, tc.want)
			}
		})
	}
	r = a.api("GET", path, tok, nil)
	r.json(t, &d)
	if d.Version != 1 {
		t.Fatalf("bad input changed the design to version %d", d.Version)
	}
}

func TestHealth(t *testing.T) {
	a := newApp(t)
	wantStatus(t, a.api("GET", "/healthz", "", nil), http.StatusOK)
	a.store.Close()
	wantStatus(t, a.api("GET", "/healthz", "", nil), http.StatusServiceUnavailable)
}

// TestAPIPutTakesBackWhatGetGives: GET, change the title, PUT the same
// document back. Server-set fields that match are ignored; ones that
// conflict are refused with 422 naming them, and change nothing.
func TestAPIPutTakesBackWhatGetGives(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "artwork-personalization", "title": "Bandit art", "mode": "interview"})
	var created designJSON
	r.json(t, &created)
	path := fmt.Sprintf("/api/v1/designs/%d", created.ID)
	wantStatus(t, a.api("PUT", path, tok, map[string]any{"version": 1, "pipeline": map[string]any{"dot": "digraph { log [kind=log, stage=online]; train [kind=training]; log -> train }"}}), http.StatusOK)

	get := func() map[string]any {
		t.Helper()
		var doc map[string]any
		r := a.api("GET", path, tok, nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &doc)
		return doc
	}
	doc := get()
	for _, k := range []string{"id", "format", "status", "created_at", "updated_at", "interview"} {
		if _, ok := doc[k]; !ok {
			t.Fatalf("GET lacks %q: %v", k, doc)
		}
	}
	doc["title"] = "Bandit art, edited"
	r = a.api("PUT", path, tok, doc)
	wantStatus(t, r, http.StatusOK)
	after := get()
	if after["title"] != "Bandit art, edited" || after["version"] != float64(3) || after["pipeline"].(map[string]any)["dot"] == nil {
		t.Fatalf("after get-edit-put: %v", after)
	}

	// The same instant written another way is the same.
	same := get()
	same["created_at"] = strings.Replace(same["created_at"].(string), "Z", "+00:00", 1)
	wantStatus(t, a.api("PUT", path, tok, same), http.StatusOK)

	for field, value := range map[string]any{
		"id": created.ID + 1, "format": "casebench.design/v0", "status": "submitted", "created_at": "2001-01-01T00:00:00Z",
		"updated_at": "2001-01-01T00:00:00Z", "case": "plan-pricing", "mode": "practice", "interview": nil, "follow_ups": []any{map[string]any{"question": "q", "answer": "a", "answered_at": "2001-01-01T00:00:00Z"}},
	} {
		doc := get()
		doc[field] = value
		r := a.api("PUT", path, tok, doc)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		var e struct {
			Error  string
			Fields map[string]string
		}
		r.json(t, &e)
		if !strings.Contains(e.Error, `"`+field+`"`) || e.Fields[field] == "" {
			t.Errorf("%s: the 422 does not name the field: %s", field, r.body)
		}
	}
	if v := get()["version"]; v != float64(4) {
		t.Fatalf("refused PUTs changed the design: version %v", v)
	}

	// A stale document is a conflict, not a field error.
	stale := get()
	wantStatus(t, a.api("PUT", path, tok, stale), http.StatusOK)
	stale["title"] = "from a stale tab"
	wantStatus(t, a.api("PUT", path, tok, stale), http.StatusConflict)
}
