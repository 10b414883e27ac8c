package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casebench/casebench/internal/design"
)

// startDesign creates a design through the form and returns its path.
func startDesign(t *testing.T, c *client, slug string) string {
	t.Helper()
	r := c.post("/designs", url.Values{"case": {slug}})
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Request.URL.Path, "/designs/") {
		t.Fatalf("starting a design led to %s", r.Request.URL.Path)
	}
	c.get(r.Request.URL.Path)
	return r.Request.URL.Path
}

// editorForm returns the editor's form values as the page has them.
func editorForm(t *testing.T, c *client, path string) url.Values {
	t.Helper()
	r := c.get(path)
	wantStatus(t, r, http.StatusOK)
	form := url.Values{}
	doc := r.doc(t)
	doc.Find("#design-form input, #design-form textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Attr("value")
		if goquery.NodeName(s) == "textarea" {
			v = s.Text()
		}
		form.Set(name, v)
	})
	doc.Find("#design-form select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v, _ := s.Find("option[selected]").Attr("value")
		form.Set(name, v)
	})
	return form
}

func TestDesignEditAndSave(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")
	doc := c.get(path).doc(t)
	for _, sec := range a.cat.Template.Sections {
		if doc.Find("#s-"+sec.ID).Length() != 1 {
			t.Errorf("the editor has no section %s", sec.ID)
		}
	}
	if doc.Find(`#s-framing details.hint`).Length() != 1 {
		t.Error("the case's hint for framing is not offered")
	}

	form := editorForm(t, c, path)
	form.Set("title", "Rows for everyone")
	form.Set("f.framing.objective", "Increase **retention** by helping members find something to play quickly.")
	form.Set("f.framing.task", "ranking")
	form.Set("f.framing.peak_rps", "40000")
	form.Set("f.evaluation.metrics.0.name", "Retention at 28 days")
	form.Set("f.evaluation.metrics.0.kind", "online")
	form.Set("f.evaluation.metrics.1.name", "Play delay")
	form.Set("f.evaluation.metrics.1.kind", "guardrail")
	r := c.post(path, form)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.doc(t).Find(".flash").Text(), "Saved") {
		t.Error("a plain form save does not say Saved")
	}

	doc = c.get(path).doc(t)
	checks := map[string]string{
		`input[name="title"]`:                       "Rows for everyone",
		`input[name="f.framing.peak_rps"]`:          "40000",
		`input[name="f.evaluation.metrics.0.name"]`: "Retention at 28 days",
		`input[name="f.evaluation.metrics.1.name"]`: "Play delay",
	}
	for sel, want := range checks {
		if got, _ := doc.Find(sel).Attr("value"); got != want {
			t.Errorf("%s = %q after reload, want %q", sel, got, want)
		}
	}
	if got := doc.Find(`textarea[name="f.framing.objective"]`).Text(); !strings.Contains(got, "**retention**") {
		t.Errorf("objective after reload = %q", got)
	}
	if got, _ := doc.Find(`select[name="f.evaluation.metrics.1.kind"] option[selected]`).Attr("value"); got != "guardrail" {
		t.Errorf("metric 2 kind = %q, want guardrail", got)
	}
	if doc.Find(`input[name="f.evaluation.metrics.3.name"]`).Length() != 1 {
		t.Error("the metrics list offers no blank rows to add to")
	}

	d, err := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 2 || *d.Sections.Get("framing", "peak_rps").Number != 40000 || len(d.Sections.Get("evaluation", "metrics").Rows) != 2 {
		t.Fatalf("stored design: version %d, sections %+v", d.Version, d.Sections)
	}
}

func TestDesignAutosaveJSON(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "artwork-personalization")
	form := editorForm(t, c, path)
	form.Set("f.model.approach", "A contextual bandit over candidate images.")
	form.Set("_csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	r := c.do(req)
	wantStatus(t, r, http.StatusOK)
	var saved struct{ Version int64 }
	r.json(t, &saved)
	if saved.Version != 2 {
		t.Fatalf("autosave answered version %d, want 2", saved.Version)
	}
}

func TestDesignInvalidInputChangesNothing(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "streaming-quality")
	for _, tc := range []struct {
		field, value, want string
	}{
		{"f.framing.peak_rps", "lots", "must be a number"},
		{"f.framing.peak_rps", "-5", "at least 0"},
		{"f.framing.objective", strings.Repeat("a", design.DefaultTextMax+1), "limit"},
		{"f.framing.task", "telepathy", "one of"},
		{"title", "", "title"},
		{"f.evaluation.metrics.0.kind", "vibes", "one of"},
	} {
		form := editorForm(t, c, path)
		form.Set("f.framing.scope", "This text must survive the failed save.")
		form.Set(tc.field, tc.value)
		r := c.post(path, form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		doc := r.doc(t)
		if !strings.Contains(strings.ToLower(doc.Find(".field-error").Text()), tc.want) {
			t.Errorf("%s=%.20q: field errors %q, want %q", tc.field, tc.value, doc.Find(".field-error").Text(), tc.want)
		}
		if got := doc.Find(`textarea[name="f.framing.scope"]`).Text(); got != "This text must survive the failed save." {
			t.Errorf("%s: the re-rendered form lost the user's text: %q", tc.field, got)
		}
		d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
		if d.Version != 1 {
			t.Fatalf("%s: an invalid save changed the design (version %d)", tc.field, d.Version)
		}
	}
}

func TestStaleTabGetsConflict(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")
	tab1 := editorForm(t, c, path)
	tab2 := editorForm(t, c, path)

	tab1.Set("f.data.labels", "Written in tab one.")
	wantStatus(t, c.post(path, tab1), http.StatusOK)

	tab2.Set("f.data.labels", "Written in the stale tab.")
	r := c.post(path, tab2)
	wantStatus(t, r, http.StatusConflict)
	doc := r.doc(t)
	if !strings.Contains(doc.Find(".conflict").Text(), "Reload") {
		t.Errorf("the 409 page does not tell the user to reload: %q", doc.Find(".conflict").Text())
	}
	if got := doc.Find(`textarea[name="f.data.labels"]`).Text(); got != "Written in the stale tab." {
		t.Errorf("the stale tab's text is not shown back for copying: %q", got)
	}
	d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if got := d.Sections.Get("data", "labels").Text; got != "Written in tab one." || d.Version != 2 {
		t.Fatalf("stored labels %q v%d; the stale save overwrote it", got, d.Version)
	}
}

func TestOtherUsersDesignsAre404(t *testing.T) {
	a := newApp(t)
	ann := a.signup("ann")
	path := startDesign(t, ann, "homepage-recommendations")
	form := editorForm(t, ann, path)

	bob := a.signup("bob")
	wantStatus(t, bob.get(path), http.StatusNotFound)
	form.Set("_csrf", bob.csrf)
	form.Set("title", "Taken over")
	wantStatus(t, bob.post(path, form), http.StatusNotFound)
	wantStatus(t, bob.post(path+"/delete", nil), http.StatusNotFound)
	if strings.Contains(string(bob.get("/designs").body), "Homepage recommendations — my design") {
		t.Error("bob's list shows ann's design")
	}
	d, err := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if err != nil || d.Title == "Taken over" {
		t.Fatalf("ann's design after bob's attempts: %+v, %v", d, err)
	}
	anon := a.client()
	if r := anon.get(path); r.Request.URL.Path != "/login" {
		t.Errorf("anonymous GET %s went to %s, want the login page", path, r.Request.URL.Path)
	}
}

func TestRenameAndDelete(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "experimentation-platform")
	form := editorForm(t, c, path)
	form.Set("title", "Interleave first")
	wantStatus(t, c.post(path, form), http.StatusOK)
	list := c.get("/designs").doc(t)
	if got := list.Find(`a[href="` + path + `"]`).Text(); got != "Interleave first" {
		t.Fatalf("My designs shows %q, want the new title", got)
	}
	r := c.post(path+"/delete", nil)
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path != "/designs" || r.doc(t).Find(`a[href="`+path+`"]`).Length() != 0 {
		t.Fatal("the deleted design is still listed")
	}
	wantStatus(t, c.get(path), http.StatusNotFound)
}

func TestStartDesignValidation(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	r := c.post("/designs", url.Values{"case": {"no-such-case"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.doc(t).Find(".field-error").Text(), "Choose one of the cases") {
		t.Error("no message beside the case field")
	}
	r = c.post("/designs", url.Values{"case": {"streaming-quality"}, "title": {strings.Repeat("t", 121)}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
}
