package server_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestInterviewMode(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	r := c.post("/designs", url.Values{"case": {"homepage-recommendations"}, "mode": {"interview"}})
	wantStatus(t, r, http.StatusOK)
	path := r.Request.URL.Path
	doc := r.doc(t)
	clock := doc.Find("#clock")
	if clock.Length() != 1 {
		t.Fatal("no interview clock")
	}
	deadline, _ := clock.Attr("data-deadline")
	end, err := time.Parse(time.RFC3339, deadline)
	if err != nil || end.Sub(time.Now()) < 44*time.Minute || end.Sub(time.Now()) > 46*time.Minute {
		t.Fatalf("deadline %q is not 45 minutes away", deadline)
	}
	if doc.Find("details.hint").Length() != 0 || doc.Find("#check-button").Length() != 0 {
		t.Error("hints or Check are shown during the interview")
	}
	if doc.Find("#s-framing legend .suggested").Text() != "~6 min" {
		t.Errorf("suggested time %q", doc.Find("#s-framing legend .suggested").Text())
	}
	wantStatus(t, c.get(path+"/report"), http.StatusForbidden)

	// A reload keeps the same deadline; time per section is recorded and capped.
	if d2, _ := c.get(path).doc(t).Find("#clock").Attr("data-deadline"); d2 != deadline {
		t.Errorf("deadline moved on reload: %s then %s", deadline, d2)
	}
	form := editorForm(t, c, path)
	form.Set("t.framing", "2")
	form.Set("t.model", "99999")
	form.Set("f.framing.objective", "Written under the clock.")
	wantStatus(t, c.post(path, form), http.StatusOK)
	d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if d.Interview.Seconds["framing"] != 2 || d.Interview.Seconds["model"] > 60 {
		t.Fatalf("seconds %v: framing must be 2, model capped by the elapsed time", d.Interview.Seconds)
	}
	form = editorForm(t, c, path)
	form.Set("t.framing", "1")
	c.post(path, form)
	d, _ = a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if d.Interview.Seconds["framing"] != 2 {
		t.Error("recorded time went down")
	}

	// Submitting reveals the report, the hints' page and the time per section.
	form = editorForm(t, c, path)
	r = c.post(path+"/submit", url.Values{"version": {form.Get("version")}, "confirm": {"yes"}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Request.URL.Path, "/report") {
		t.Fatalf("submit led to %s", r.Request.URL.Path)
	}
	view := c.get(path).doc(t)
	if !strings.Contains(view.Text(), "Time per section") || !strings.Contains(view.Text(), "2 s") {
		t.Error("the time per section is not shown after the interview")
	}
}

func TestFollowUpsAndCompare(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "streaming-quality")
	wantStatus(t, c.get(path+"/followups"), http.StatusConflict) // not submitted yet
	wantStatus(t, c.get(path+"/compare"), http.StatusConflict)
	form := editorForm(t, c, path)
	form.Set("f.model.approach", "We predict throughput from recent chunks.")
	form.Set("p.mode", "dot")
	form.Set("p.dot", "digraph { app [kind=client, stage=online]; pol [kind=policy, stage=online]; app -> pol; }")
	c.post(path, form)
	form = editorForm(t, c, path)
	c.post(path+"/submit", url.Values{"version": {form.Get("version")}, "confirm": {"yes"}})

	k, _ := a.cat.Case("streaming-quality")
	doc := c.get(path + "/followups").doc(t)
	if !strings.Contains(doc.Find("#followup-form h2").Text(), k.FollowUps[0].Question) {
		t.Fatalf("the first follow-up is not asked: %q", doc.Find("#followup-form h2").Text())
	}
	version, _ := doc.Find(`#followup-form input[name=version]`).Attr("value")
	wantStatus(t, c.post(path+"/followups", url.Values{"index": {"0"}, "version": {version}, "answer": {""}}), http.StatusUnprocessableEntity)
	r := c.post(path+"/followups", url.Values{"index": {"0"}, "version": {version}, "answer": {"A tighter budget moves the predictor onto the device, with a buffer-based fallback."}})
	wantStatus(t, r, http.StatusOK)
	doc = r.doc(t)
	if doc.Find("article.followup.answered").Length() != 1 || !strings.Contains(doc.Find("#followup-form h2").Text(), k.FollowUps[1].Question) {
		t.Fatal("after one answer, the second follow-up is not next")
	}
	if !strings.Contains(doc.Find("#followup-0 .hint").Text(), k.FollowUps[0].Expect[:20]) {
		t.Error("what a good answer touches is not revealed after answering")
	}
	wantStatus(t, c.post(path+"/followups", url.Values{"index": {"0"}, "version": {version}, "answer": {"again"}}), http.StatusConflict)
	reps, _ := a.store.Reports(t.Context(), idOf(t, path))
	if len(reps) != 2 || reps[1].Reason != "follow-up" {
		t.Fatalf("reports after a follow-up: %+v", reps)
	}

	doc = c.get(path + "/compare").doc(t)
	missing := doc.Find("#pipeline-diff td.missing").Text()
	if !strings.Contains(missing, "training") || !strings.Contains(missing, "log") {
		t.Errorf("the diff does not list what the pipeline lacks: %q", missing)
	}
	if doc.Find("#cmp-framing .side.ref .prose").Length() == 0 || !strings.Contains(doc.Find("#cmp-model .side.mine").Text(), "We predict throughput") {
		t.Error("the sections are not side by side")
	}
	if src, _ := doc.Find(`img[alt="The reference pipeline"]`).Attr("src"); src != path+"/reference.svg" {
		t.Errorf("reference image %q", src)
	}
	wantStatus(t, c.get(path+"/reference.svg"), http.StatusOK)
	wantStatus(t, a.signup("bob").get(path+"/compare"), http.StatusNotFound)
}

func TestProgress(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	doc := c.get("/progress").doc(t)
	if !strings.Contains(doc.Text(), "Submit a design to start") {
		t.Error("an empty progress page does not say what to do")
	}
	tok := a.tokenFor("ann")
	for _, slug := range []string{"homepage-recommendations", "fraud-account-sharing"} {
		id := putReference(t, a, tok, slug)
		wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, nil), http.StatusOK)
	}
	// A thin third attempt on churn.
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "churn-retention"})
	var d designJSON
	r.json(t, &d)
	a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", d.ID), tok, map[string]any{"version": 1, "sections": map[string]any{"framing": map[string]any{"objective": "Keep members."}}})
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", d.ID), tok, nil), http.StatusOK)

	doc = c.get("/progress").doc(t)
	if doc.Find("svg.chart polyline").Length() < 8 || doc.Find("svg.chart circle").Length() < 3*7 {
		t.Errorf("chart: %d lines, %d points", doc.Find("svg.chart polyline").Length(), doc.Find("svg.chart circle").Length())
	}
	if doc.Find("#attempts tbody tr").Length() != 3 {
		t.Error("not every attempt is listed")
	}
	weak := doc.Find("#weakest").Text()
	if !strings.Contains(weak, "Train your weakest dimension") || doc.Find(`#weakest a[href^="/cases/"]`).Length() != 1 {
		t.Fatalf("no weakest dimension and suggestion: %q", weak)
	}
	href, _ := doc.Find(`#weakest a`).Attr("href")
	for _, tried := range []string{"homepage-recommendations", "fraud-account-sharing", "churn-retention"} {
		if href == "/cases/"+tried {
			t.Errorf("the suggestion %s was already attempted", href)
		}
	}
}

func TestExportsAndImport(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	tok := a.tokenFor("ann")
	id := putReference(t, a, tok, "search-discovery")
	path := fmt.Sprintf("/designs/%d", id)

	js := c.get(path + "/export.json")
	wantStatus(t, js, http.StatusOK)
	if cd := js.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Export, import, export: the same bytes.
	r := a.api("POST", "/api/v1/designs/import", tok, string(js.body))
	wantStatus(t, r, http.StatusCreated)
	var imported designJSON
	r.json(t, &imported)
	if imported.ID == id || imported.ID == 0 {
		t.Fatalf("import id %d", imported.ID)
	}
	again := a.api("GET", fmt.Sprintf("/api/v1/designs/%d/export.json", imported.ID), tok, nil)
	if !bytes.Equal(js.body, again.body) {
		t.Fatalf("export, import, export differ:\n%.300s\n%.300s", js.body, again.body)
	}

	md := c.get(path + "/export.md")
	if !strings.HasPrefix(string(md.body), "# ") || !strings.Contains(string(md.body), "## Rubric report") || !strings.Contains(string(md.body), "```dot") {
		t.Errorf("Markdown export: %.200s", md.body)
	}

	z := c.get(path + "/export.zip")
	wantStatus(t, z, http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(z.body), int64(len(z.body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if want := []string{"design.json", "design.md", "pipeline.canonical.dot", "pipeline.dot", "pipeline.png", "pipeline.svg", "report.json"}; !slices.Equal(names, want) {
		t.Fatalf("zip holds %v, want %v", names, want)
	}

	// Import by upload, and bad files.
	upload := func(name string, data []byte) *response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.WriteField("_csrf", c.csrf)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/designs/import", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return c.do(req)
	}
	c.get("/designs")
	r = upload("d.json", js.body)
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path == "/designs" || !strings.Contains(r.doc(t).Find(".flash").Text(), "Imported") {
		t.Fatalf("upload import went to %s", r.Request.URL.Path)
	}
	wantStatus(t, upload("bad.json", []byte("{not json")), http.StatusBadRequest)
	wantStatus(t, upload("bad.json", []byte(strings.Replace(string(js.body), `"case": "search-discovery"`, `"case": "nope"`, 1))), http.StatusUnprocessableEntity)
	wantStatus(t, a.api("POST", "/api/v1/designs/import", tok, `{"format":"casebench.design/v1","case":"search-discovery","title":"x","pipeline":{"nodes":[{"id":"a","kind":"log"}],"edges":[{"from":"a","to":"zz"}]}}`), http.StatusUnprocessableEntity)
	wantStatus(t, a.api("GET", fmt.Sprintf("/api/v1/designs/%d/export.zip", id), a.token("bob"), nil), http.StatusNotFound)
}

// TestProgressByCaseWithoutOverlap: progress can be shown for one case,
// and no two points of the chart overlap, even when every dimension scores
// the same in every attempt.
func TestProgressByCaseWithoutOverlap(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	tok := a.tokenFor("ann")
	// Six strong attempts at one case (every dimension 100) and one at another.
	for i := 0; i < 6; i++ {
		id := putReference(t, a, tok, "homepage-recommendations")
		wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, nil), http.StatusOK)
	}
	id := putReference(t, a, tok, "plan-pricing")
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, nil), http.StatusOK)

	doc := c.get("/progress").doc(t)
	if doc.Find(`#progress-filter select[name=case] option`).Length() != 3 || doc.Find("#attempts tbody tr").Length() != 7 {
		t.Fatalf("the filter offers %d choices and the table %d attempts", doc.Find(`#progress-filter option`).Length(), doc.Find("#attempts tbody tr").Length())
	}
	r := c.get("/progress?case=homepage-recommendations")
	wantStatus(t, r, http.StatusOK)
	doc = r.doc(t)
	if n := doc.Find("#attempts tbody tr").Length(); n != 6 || strings.Contains(doc.Find("#attempts").Text(), "Plan pricing") {
		t.Errorf("filtered by case, the table has %d attempts, or another case", n)
	}
	if got, _ := doc.Find(`#progress-filter option[selected]`).Attr("value"); got != "homepage-recommendations" {
		t.Errorf("the filter shows %q as chosen", got)
	}
	type point struct{ x, y, r float64 }
	var pts []point
	doc.Find("svg.chart circle").Each(func(_ int, s *goquery.Selection) {
		var p point
		fmt.Sscan(s.AttrOr("cx", ""), &p.x)
		fmt.Sscan(s.AttrOr("cy", ""), &p.y)
		fmt.Sscan(s.AttrOr("r", ""), &p.r)
		pts = append(pts, p)
	})
	if len(pts) != 6*8 {
		t.Fatalf("%d points, want 6 attempts x 8 series", len(pts))
	}
	for i := range pts {
		for j := i + 1; j < len(pts); j++ {
			if dx, dy := pts[i].x-pts[j].x, pts[i].y-pts[j].y; dx*dx+dy*dy < (pts[i].r+pts[j].r)*(pts[i].r+pts[j].r) {
				t.Fatalf("points %v and %v overlap", pts[i], pts[j])
			}
		}
	}
	wantStatus(t, c.get("/progress?case=no-such-case"), http.StatusNotFound)
}
