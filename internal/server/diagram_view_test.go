package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDiagramViewWithoutScript: the full-size view is a page that shows
// the pipeline through <img>, never inlined, scrolls without JavaScript,
// and shows only images this server draws, to signed-in users.
func TestDiagramViewWithoutScript(t *testing.T) {
	a := newApp(t)
	c := a.signup("full_fay")
	path := startDesign(t, c, "homepage-recommendations")
	form := editorForm(t, c, path)
	form.Set("p.mode", "dot")
	form.Set("p.dot", twoNodes)
	form.Set("do", "save")
	wantStatus(t, c.post(path, form), http.StatusOK)

	doc := c.get(path).doc(t)
	href, ok := doc.Find(`#pipe-full`).Attr("href")
	if !ok {
		t.Fatal("the editor has no full-size link")
	}
	r := c.get(href)
	wantStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.body), "<svg") {
		t.Error("the full-size page inlines an SVG")
	}
	doc = r.doc(t)
	src, _ := doc.Find(`#zoom-view img`).Attr("src")
	if src != path+"/pipeline.svg" {
		t.Errorf("full-size image %q, want %q", src, path+"/pipeline.svg")
	}
	if back, _ := doc.Find(`.crumbs a`).First().Attr("href"); back != path {
		t.Errorf("back link %q, want %q", back, path)
	}
	if _, hidden := doc.Find(`#zoom-tools`).Attr("hidden"); !hidden {
		t.Error("the zoom buttons show without JavaScript")
	}
	img := c.get(src)
	wantStatus(t, img, http.StatusOK)
	if !strings.Contains(string(img.body), "Nightly training") {
		t.Error("the full-size image lacks a label")
	}

	for _, bad := range []string{"", "https://example.com/x.svg", "//example.com/designs/1/pipeline.svg", "/designs/1/pipeline.svg/../../x", "/designs/1/export.json", `/designs/1/pipeline.svg" onerror="x`} {
		wantStatus(t, c.get("/diagram?src="+url.QueryEscape(bad)), http.StatusNotFound)
	}
	// Another user's design: the page is only a frame; the image itself is refused.
	other := a.signup("full_gus")
	wantStatus(t, other.get(src), http.StatusNotFound)
	anon := a.client()
	if r := anon.get(href); r.Request.URL.Path != "/login" {
		t.Errorf("anonymous: led to %s, want the login page", r.Request.URL.Path)
	}
}
