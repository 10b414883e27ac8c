package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// goType matches what a Go type name looks like in a message.
var goType = regexp.MustCompile(`\b(server|design|pipeline|store|review|rubric|auth|catalog)\.[A-Z]\w*|\bmap\[|\[\]\w|\bint64\b|\bfloat64\b|\bstruct\b`)

// TestFormLimits: a form with too many fields, or a multipart body that
// is not one, is told what is wrong, not that it has expired.
func TestFormLimits(t *testing.T) {
	a := newApp(t)
	ann := a.signup("ann")
	many := url.Values{}
	for i := range 10_001 {
		many.Set("f"+strconv.Itoa(i), "x")
	}
	r := ann.post("/designs", many)
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	if !strings.Contains(string(r.body), "too many fields") {
		t.Errorf("10,001 fields: %.300s", r.body)
	}

	for _, body := range []string{"not multipart at all", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.json\"\r\n\r\n{}"} {
		req, _ := http.NewRequest("POST", a.srv.URL+"/designs/import", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		req.Header.Set("X-CSRF-Token", ann.csrf)
		r = ann.do(req)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), "not a well-formed multipart form") {
			t.Errorf("malformed multipart: %.300s", r.body)
		}
	}
	req, _ := http.NewRequest("POST", a.srv.URL+"/designs/import", strings.NewReader("x"))
	req.Header.Set("Content-Type", "multipart/form-data")
	req.Header.Set("X-CSRF-Token", ann.csrf)
	wantStatus(t, ann.do(req), http.StatusBadRequest)

	r = ann.post("/designs", url.Values{"case": {"%zz"}, "title": {"x"}})
	if r.StatusCode >= 500 {
		t.Errorf("status %d", r.StatusCode)
	}
	req, _ = http.NewRequest("POST", a.srv.URL+"/designs", strings.NewReader("case=%zz&title=x&_csrf="+ann.csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = ann.do(req)
	wantStatus(t, r, http.StatusBadRequest)
	if !strings.Contains(string(r.body), "The form is malformed") {
		t.Errorf("bad escape: %.300s", r.body)
	}
}

// TestNoGoTypesInMessages sends JSON of the wrong shape to the API: the
// messages say what was expected in plain words.
func TestNoGoTypesInMessages(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "artwork-personalization"})
	wantStatus(t, r, http.StatusCreated)
	var d struct{ ID int64 }
	r.json(t, &d)
	id := strconv.FormatInt(d.ID, 10)
	tests := []struct{ method, path, body string }{
		{"PUT", "/api/v1/designs/" + id, `[]`},
		{"PUT", "/api/v1/designs/" + id, `"text"`},
		{"PUT", "/api/v1/designs/" + id, `{"version":"1"}`},
		{"PUT", "/api/v1/designs/" + id, `{"version":1,"sections":[]}`},
		{"PUT", "/api/v1/designs/" + id, `{"version":1,"sections":{"framing":"x"}}`},
		{"PUT", "/api/v1/designs/" + id, `{"version":1,"pipeline":{"nodes":{}}}`},
		{"PUT", "/api/v1/designs/" + id, `{"version":1,"title":5}`},
		{"POST", "/api/v1/designs", `{"case":["x"]}`},
		{"POST", "/api/v1/designs/import", `[]`},
		{"POST", "/api/v1/designs/import", `{"format":"casebench.design/v1","case":"artwork-personalization","title":"x","sections":{"framing":{"objective":[1]}}}`},
		{"POST", "/api/v1/check", `{"format":"casebench.design/v1","pipeline":[]}`},
		{"POST", "/api/v1/pipeline/check", `{"graph":{"nodes":[{"id":1}]}}`},
		{"POST", "/api/v1/designs/" + id + "/submit", `{"version":true}`},
		{"POST", "/api/v1/calibrations/artwork-personalization", `{"levels":[]}`},
		{"POST", "/api/v1/reviews/1/helpfulness", `{"score":"five"}`},
	}
	for _, tt := range tests {
		r := a.api(tt.method, tt.path, tok, tt.body)
		if r.StatusCode < 400 || r.StatusCode >= 500 {
			t.Errorf("%s %s %s: status %d", tt.method, tt.path, tt.body, r.StatusCode)
		}
		if m := goType.FindString(string(r.body)); m != "" {
			t.Errorf("%s %s %s: the message names a Go type (%s): %s", tt.method, tt.path, tt.body, m, r.body)
		}
	}
}
