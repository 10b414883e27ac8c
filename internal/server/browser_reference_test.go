package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// nodeLabelPt is the size of node labels in the canonical DOT, in points.
const nodeLabelPt = 11

// drawnLabelPx returns the size node labels are drawn at in the image sel,
// in CSS pixels: the image's natural width is the SVG's width in points at
// 96 px to 72 pt.
func drawnLabelPx(t *testing.T, ctx browserCtx, sel string) (px float64, width float64) {
	t.Helper()
	get(t, ctx, "the image loaded", chromedp.Poll[bool](`(function(){var i=document.querySelector(`+jsString(sel)+`);return !!i&&i.complete&&i.naturalWidth>0})()`))
	r := get(t, ctx, "image size", chromedp.Evaluate[[]float64](`(function(){var i=document.querySelector(`+jsString(sel)+`),r=i.getBoundingClientRect();return [r.width,i.naturalWidth]})()`))
	return nodeLabelPt * 96.0 / 72 * r[0] / r[1], r[0]
}

// TestBrowserReferenceDiagrams imports every bundled reference pipeline as
// a design and looks at it as the pages draw it, on a desktop (1280 px)
// and on a phone (390 px): the editor's preview, the compare page and the
// full-size view. Labels are readable (9 px or more) in the editor and in
// the full-size view, which opens fitted to the window; a preview too
// small to read says so beside the picture and links the full-size view.
// CASEBENCH_SCREENSHOTS=DIR keeps a picture of each.
func TestBrowserReferenceDiagrams(t *testing.T) {
	a := newApp(t)
	// The designs are imported through the import form by a client of
	// their owner's (importing is not what this test looks at); the
	// browser then signs in as that owner.
	owner := a.signup("ref_rita")
	ctx := newBrowser(t)
	do(t, ctx, "log in",
		chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.SendKeys(css(`input[name="name"]`), "ref_rita"),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`.top`)),
	)
	files, err := filepath.Glob("../../cases/*/reference.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference pipelines: %v", err)
	}
	type shot struct{ slug, draft, submitted string }
	var designs []shot
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := shot{slug: filepath.Base(filepath.Dir(f))}
		// The reference is a submitted design, which the compare page
		// shows beside the reference; a draft of it opens in the editor.
		d.submitted = importDesign(t, owner, b)
		d.draft = importDesign(t, owner, []byte(strings.Replace(string(b), `"status": "submitted"`, `"status": "draft"`, 1)))
		designs = append(designs, d)
	}
	for _, vp := range []struct {
		name string
		set  chromedp.Action[chromedp.Void]
	}{
		{"1280", chromedp.EmulateViewport(1280, 900)},
		{"390", phone()},
	} {
		do(t, ctx, "viewport "+vp.name, vp.set)
		for _, d := range designs {
			name := d.slug + "-" + vp.name
			do(t, ctx, "open the editor of "+d.slug,
				chromedp.Navigate(a.srv.URL+"/designs/"+d.draft),
				chromedp.WaitVisible(css(`#pipe-img`)),
				chromedp.ScrollIntoView(css(`#pipe-img`)),
			)
			px, w := drawnLabelPx(t, ctx, `#pipe-img`)
			note := get(t, ctx, "the note on small labels", chromedp.Evaluate[string](`(function(){var n=document.getElementById("pipe-small"),a=n&&n.querySelector("a");return n&&!n.hidden&&n.getBoundingClientRect().height>0&&a?a.getAttribute("href"):""})()`))
			t.Logf("%s editor: preview %.0f px wide, labels %.1f px, note %v", name, w, px, note != "")
			if px < 9 && note != "/diagram?src=%2Fdesigns%2F"+d.draft+"%2Fpipeline.svg" {
				t.Errorf("%s: the editor's preview draws labels at %.1f px and does not point to the full-size view (note %q)", name, px, note)
			}
			if px >= 9 && note != "" {
				t.Errorf("%s: labels at %.1f px, yet the note says they are small", name, px)
			}
			shootElement(t, ctx, name+"-editor", `.pipe-preview`)

			do(t, ctx, "open the compare page of "+d.slug,
				chromedp.Navigate(a.srv.URL+"/designs/"+d.submitted+"/compare"),
				chromedp.WaitVisible(css(`img.diagram`)),
			)
			cpx, cw := drawnLabelPx(t, ctx, `#pipeline-diff figure:last-child img.diagram`)
			link := get(t, ctx, "the full-size link", chromedp.Evaluate[bool](`(function(){var a=document.querySelector("#pipeline-diff figure:last-child figcaption a");return !!a&&a.getBoundingClientRect().width>0&&a.getAttribute("href").indexOf("/diagram?src=")===0})()`))
			t.Logf("%s compare: %.0f px wide, labels %.1f px", name, cw, cpx)
			if cpx < 9 && !link {
				t.Errorf("%s: the compare page draws the reference's labels at %.1f px with no visible link to the full-size view", name, cpx)
			}
			shootElement(t, ctx, name+"-compare", `#pipeline-diff figure:last-child`)

			do(t, ctx, "open the full-size view of "+d.slug,
				chromedp.Navigate(a.srv.URL+"/diagram?src="+"%2Fdesigns%2F"+d.draft+"%2Fpipeline.svg"),
				chromedp.WaitVisible(css(`#zoom-view`)),
			)
			get(t, ctx, "picture shown", chromedp.Poll[bool](`(function(){var v=document.getElementById("zoom-view"),i=document.getElementById("zoom-img");return i.complete&&i.naturalWidth>0&&v.hasAttribute("data-scale")})()`))
			fpx, fw := drawnLabelPx(t, ctx, `#zoom-img`)
			t.Logf("%s full size: %.0f px wide, labels %.1f px", name, fw, fpx)
			if fpx < 9.9 {
				t.Errorf("%s: the full-size view opens with labels at %.1f px, want 10 or more", name, fpx)
			}
			screenshot(t, ctx, name+"-diagram", false)
		}
	}
}

// importDesign imports design through the designs page's import form, as
// c, and returns the new design's id.
func importDesign(t *testing.T, c *client, design []byte) string {
	t.Helper()
	c.get("/designs")
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile("file", "design.json")
	fw.Write(design)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.app.srv.URL+"/designs/import", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	r := c.do(req)
	path := r.Request.URL.Path
	if r.StatusCode != http.StatusOK || !regexp.MustCompile(`^/designs/[0-9]+$`).MatchString(path) {
		t.Fatalf("import a design: status %d at %s: %.300s", r.StatusCode, path, r.body)
	}
	return path[strings.LastIndex(path, "/")+1:]
}

// shootElement saves a picture of the element sel, when a screenshot
// folder is set.
func shootElement(t *testing.T, ctx browserCtx, name, sel string) {
	t.Helper()
	dir := os.Getenv(screenshotEnv)
	if dir == "" {
		return
	}
	b := get(t, ctx, "screenshot "+name, chromedp.Screenshot(css(sel)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(fmt.Errorf("save %s: %w", name, err))
	}
}
