package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSaveStateOnPlainPosts: without JavaScript the save bar says the same
// as with it: "Saved at HH:MM" after a save, "Not saved: ..." in red after
// a refused one, and the old "Saved as you type" never shows.
func TestSaveStateOnPlainPosts(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")
	bar := func(r *response) (string, bool) {
		t.Helper()
		s := r.doc(t).Find(`#savebar #save-state`)
		if s.Length() != 1 {
			t.Fatalf("no save state in the save bar: %.300s", r.body)
		}
		return strings.TrimSpace(s.Text()), s.HasClass("error")
	}
	form := editorForm(t, c, path)
	stale := editorForm(t, c, path)
	form.Set("f.framing.objective", "Retention.")
	r := c.post(path, form)
	wantStatus(t, r, http.StatusOK)
	if text, red := bar(r); !strings.HasPrefix(text, "Saved at ") || !strings.HasSuffix(text, " UTC") || red || strings.Contains(string(r.body), "Saved as you type") {
		t.Errorf("after a plain save the bar says %q (red %v)", text, red)
	}
	stale.Set("f.framing.objective", "From a stale tab.")
	r = c.post(path, stale)
	wantStatus(t, r, http.StatusConflict)
	if text, red := bar(r); !strings.HasPrefix(text, "Not saved: ") || !strings.Contains(text, "another tab") || !red {
		t.Errorf("after a stale save the bar says %q (red %v)", text, red)
	}
	if r.doc(t).Find(`#design-form[data-unsaved][data-conflict]`).Length() != 1 {
		t.Error("the refused form is not marked unsaved for the script")
	}
	form = editorForm(t, c, path)
	form.Set("title", "")
	r = c.post(path, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if text, red := bar(r); text != "Not saved: some fields need attention." || !red {
		t.Errorf("after an invalid save the bar says %q (red %v)", text, red)
	}
}

// TestTableRowsWithoutJavaScript deletes and moves rows with the rows'
// own submit buttons, as a browser without JavaScript posts them.
func TestTableRowsWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")
	form := editorForm(t, c, path)
	for i, name := range []string{"Retention", "Play delay", "Hours"} {
		form.Set("f.evaluation.metrics."+string(rune('0'+i))+".name", name)
	}
	form.Set("p.nodes.0.id", "log")
	form.Set("p.nodes.0.kind", "log")
	form.Set("p.nodes.1.id", "train")
	form.Set("p.nodes.1.kind", "training")
	form.Set("p.edges.0.from", "log")
	form.Set("p.edges.0.to", "train")
	form.Set("p.mode", "table")
	wantStatus(t, c.post(path, form), http.StatusOK)
	metrics := func() string {
		d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
		var names []string
		for _, r := range d.Sections.Get("evaluation", "metrics").Rows {
			names = append(names, r["name"])
		}
		return strings.Join(names, ", ")
	}
	if got := metrics(); got != "Retention, Play delay, Hours" {
		t.Fatalf("metrics %q", got)
	}
	doc := c.get(path).doc(t)
	if doc.Find(`table[data-list="f.evaluation.metrics"] tr[data-row="1"] button[name=row][value="del:f.evaluation.metrics.1"]`).Length() != 1 ||
		doc.Find(`table[data-list="p.nodes"] tr[data-row="1"] button[name=row][value="del:p.nodes.1"]`).Length() != 1 ||
		doc.Find(`#design-form button`).First().AttrOr("value", "") != "save" {
		t.Fatal("the rows lack their delete buttons, or Enter would press one")
	}

	op := func(v string) *response {
		f := editorForm(t, c, path)
		f.Set("p.mode", "table")
		f.Set("row", v)
		return c.post(path, f)
	}
	r := op("del:f.evaluation.metrics.1")
	wantStatus(t, r, http.StatusOK)
	if got := metrics(); got != "Retention, Hours" || r.Request.URL.Fragment != "field-evaluation.metrics" {
		t.Fatalf("after deleting row 2: %q, at #%s", got, r.Request.URL.Fragment)
	}
	wantStatus(t, op("up:f.evaluation.metrics.1"), http.StatusOK)
	if got := metrics(); got != "Hours, Retention" {
		t.Fatalf("after moving row 2 up: %q", got)
	}
	wantStatus(t, op("down:f.evaluation.metrics.0"), http.StatusOK)
	wantStatus(t, op("down:f.evaluation.metrics.1"), http.StatusOK) // the last row stays last
	if got := metrics(); got != "Retention, Hours" {
		t.Fatalf("after moving row 1 down: %q", got)
	}

	// Deleting a node the edge needs: the text is saved, the pipeline is
	// not; the problem is beside the edge's row, and the diagram is the
	// last good one.
	r = op("del:p.nodes.1")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	doc = r.doc(t)
	if got := doc.Find(`table[data-list="p.edges"] tr[data-row="0"] .field-error`).Text(); !strings.Contains(got, `unknown node "train"`) {
		t.Errorf("beside the edge: %q", got)
	}
	if _, hidden := doc.Find(`#pipe-img`).Attr("hidden"); hidden || doc.Find(`.pipe-empty[hidden]`).Length() != 1 || doc.Find(`#pipe-lastgood[hidden]`).Length() != 0 {
		t.Error("a pipeline problem blanks the diagram instead of keeping the last good one")
	}
	if n := doc.Find(`#pipe-legend li:not([hidden])`).Length(); n != 2 {
		t.Errorf("the legend shows %d kinds; the last good diagram has 2", n)
	}
	d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if len(d.Pipeline.Nodes) != 2 {
		t.Fatal("a pipeline with problems was saved")
	}

	// Row actions the editor does not offer are refused, and change nothing.
	for _, bad := range []string{"del", "del:", "drop:f.evaluation.metrics.0", "up:p.nodes.0", "del:f.astrology.signs.0", "del:f.framing.objective.0", "del:f.evaluation.metrics.x", "del:f.evaluation.metrics.-1"} {
		r := op(bad)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.doc(t).Text(), "row action") {
			t.Errorf("row=%q: status %d", bad, r.StatusCode)
		}
	}
	if got := metrics(); got != "Retention, Hours" {
		t.Fatalf("bad row actions changed the metrics: %q", got)
	}
}

// TestSubmitAsksFirst: a plain submit shows the question; only the
// confirmed one submits.
func TestSubmitAsksFirst(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "plan-pricing")
	version := editorForm(t, c, path).Get("version")
	for _, r := range []*response{c.get(path + "/submit"), c.post(path+"/submit", url.Values{"version": {version}})} {
		wantStatus(t, r, http.StatusOK)
		doc := r.doc(t)
		if doc.Find(`#confirm-submit button[name=confirm][value=yes]`).Length() != 1 || !strings.Contains(doc.Text(), "cannot be undone") {
			t.Fatalf("no confirmation: %.300s", r.body)
		}
		if got, _ := doc.Find(`#confirm-submit input[name=version]`).Attr("value"); got != version {
			t.Errorf("the confirmation carries version %q, want %q", got, version)
		}
	}
	if d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path)); d.Status != "draft" {
		t.Fatal("asking submitted the design")
	}
	r := c.post(path+"/submit", url.Values{"version": {version}, "confirm": {"yes"}})
	wantStatus(t, r, http.StatusOK)
	if !strings.HasSuffix(r.Request.URL.Path, "/report") {
		t.Fatalf("confirming led to %s", r.Request.URL.Path)
	}
	wantStatus(t, c.get(path+"/submit"), http.StatusConflict)
}
