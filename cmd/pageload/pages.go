package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// page is one page to load, as the signed-in user gets it.
type page struct {
	name, path, cookie string
	body               []byte
}

// headers are what every request of the load sends.
func (p page) headers(encoding string) map[string]string {
	h := map[string]string{}
	if p.cookie != "" {
		h["Cookie"] = p.cookie
	}
	if encoding != "" {
		h["Accept-Encoding"] = encoding
	}
	return h
}

// largestReference returns the slug of the case in dir whose reference
// design is the largest.
func largestReference(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "reference.json"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no cases/*/reference.json here: run pageload from the casebench checkout, or give -case")
	}
	best, size := "", int64(-1)
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			best, size = filepath.Base(filepath.Dir(f)), st.Size()
		}
	}
	return best, nil
}

const password = "pageload password 1"

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// prepare adds a user, gives them a design holding the case's whole
// reference design, signs them in, and returns the editor, the case page
// and the catalog as they see them.
func prepare(ctx context.Context, s *server, bin, slug string) ([]page, error) {
	db := s.db
	add := exec.CommandContext(ctx, bin, "user", "add", "loader", "--db", db)
	add.Stdin = strings.NewReader(password + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("user add: %v %s", err, out)
	}
	out, err := exec.CommandContext(ctx, bin, "user", "token", "loader", "--db", db).Output()
	if err != nil {
		return nil, fmt.Errorf("user token: %w", err)
	}
	lines := strings.Fields(string(out))
	token := lines[len(lines)-1]
	id, err := fullDesign(s, token, slug)
	if err != nil {
		return nil, err
	}
	cookie, err := signIn(s)
	if err != nil {
		return nil, err
	}
	pages := []page{
		{name: "editor", path: fmt.Sprintf("/designs/%d", id), cookie: cookie},
		{name: "case", path: "/cases/" + slug, cookie: cookie},
		{name: "catalog", path: "/", cookie: cookie},
		{name: "case-anon", path: "/cases/" + slug}, // signed out
	}
	for i := range pages {
		req, _ := http.NewRequest("GET", s.url(pages[i].path), nil)
		if pages[i].cookie != "" {
			req.Header.Set("Cookie", pages[i].cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		pages[i].body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if signedIn := bytes.Contains(pages[i].body, []byte(">loader<")); res.StatusCode != http.StatusOK || signedIn != (pages[i].cookie != "") {
			return nil, fmt.Errorf("GET %s: status %d, signed in: %v", pages[i].path, res.StatusCode, signedIn)
		}
	}
	return pages, nil
}

// fullDesign creates a design of slug and saves the case's reference
// sections and pipeline into it; it returns the design's id.
func fullDesign(s *server, token, slug string) (int64, error) {
	var created struct {
		ID int64 `json:"id"`
	}
	if err := api(s, token, "POST", "/api/v1/designs", fmt.Sprintf(`{"case":%q,"title":"Load test"}`, slug), &created); err != nil {
		return 0, err
	}
	raw, err := os.ReadFile(filepath.Join("cases", slug, "reference.json"))
	if err != nil {
		return 0, err
	}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ref); err != nil {
		return 0, fmt.Errorf("%s reference: %w", slug, err)
	}
	body, _ := json.Marshal(map[string]any{"version": 1, "sections": ref["sections"], "pipeline": ref["pipeline"]})
	return created.ID, api(s, token, "PUT", fmt.Sprintf("/api/v1/designs/%d", created.ID), string(body), nil)
}

func api(s *server, token, method, path, body string, v any) error {
	req, _ := http.NewRequest(method, s.url(path), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if v != nil {
		return json.Unmarshal(b, v)
	}
	return nil
}

// signIn logs in through the login form, as a browser does, and returns
// the Cookie header that carries the session and the CSRF cookie.
func signIn(s *server) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.Get(s.url("/login"))
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfInput.FindSubmatch(b)
	if m == nil {
		return "", errors.New("no CSRF token on the login page")
	}
	res, err = c.PostForm(s.url("/login"), url.Values{"_csrf": {string(m[1])}, "name": {"loader"}, "password": {password}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/designs" {
		return "", fmt.Errorf("login: status %d at %s", res.StatusCode, res.Request.URL.Path)
	}
	u, _ := url.Parse(s.url("/"))
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}
