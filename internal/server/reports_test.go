package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
)

func TestCasePageShowsRubric(t *testing.T) {
	a := newApp(t)
	k, _ := a.cat.Case("artwork-personalization")
	doc := a.client().get("/cases/" + k.Slug).doc(t)
	items := doc.Find("#rubric details.rubric-item")
	if items.Length() != len(k.Rubric.Scored()) {
		t.Fatalf("%d rubric items shown; the rubric scores %d", items.Length(), len(k.Rubric.Scored()))
	}
	flags := doc.Find("#rubric ul.red-flag-list li")
	if flags.Length() != len(k.Rubric.RedFlags()) || flags.Length() < 5 {
		t.Fatalf("%d red flags shown; the rubric has %d", flags.Length(), len(k.Rubric.RedFlags()))
	}
	for _, f := range k.Rubric.RedFlags() {
		li := doc.Find("#rubric-" + f.ID)
		if !strings.Contains(li.Text(), f.Title) || !strings.Contains(li.Text(), fmt.Sprintf("−%d pts", f.Points)) {
			t.Errorf("red flag %s does not show its title and cost: %q", f.ID, li.Text())
		}
	}
	first := doc.Find("#rubric-" + k.Rubric.Items[0].ID)
	if first.Find("ol.levels li").Length() != 4 || !strings.Contains(first.Text(), k.Rubric.Items[0].Title) {
		t.Errorf("item %s does not show its title and 4 levels", k.Rubric.Items[0].ID)
	}
	if doc.Find("#rubric ul.auto-checks li").Length() == 0 {
		t.Error("the automatic checks are not described")
	}
	if !strings.Contains(doc.Find("#rubric").Text(), fmt.Sprintf("version %d", k.Rubric.Version)) {
		t.Error("the rubric version is not shown")
	}
}

// putReference stores a case's reference content into a user's design.
func putReference(t *testing.T, a *app, tok string, slug string) int64 {
	t.Helper()
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": slug})
	wantStatus(t, r, http.StatusCreated)
	var d designJSON
	r.json(t, &d)
	k, _ := a.cat.Case(slug)
	r = a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", d.ID), tok, map[string]any{"version": 1, "sections": k.Reference.Sections, "pipeline": k.Reference.Pipeline})
	wantStatus(t, r, http.StatusOK)
	return d.ID
}

func TestReportPageAndSubmit(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")

	// An empty draft: every automatic check missed, with hints and links.
	doc := c.get(path + "/report").doc(t)
	if got := doc.Find("#score").Text(); got != "0" {
		t.Errorf("empty design scores %q", got)
	}
	if doc.Find("li.check.met").Length() != 0 || doc.Find("li.check.missed").Length() == 0 {
		t.Error("an empty design has met checks, or no missed ones")
	}
	if href, _ := doc.Find("li.check.missed[data-check=present] .hint a").First().Attr("href"); !strings.HasPrefix(href, path+"#field-") {
		t.Errorf("a missed finding links to %q, not to its field", href)
	}
	if doc.Find("li.check.missed[data-check^=graph] .hint a[href='"+path+"#s-pipeline']").Length() == 0 {
		t.Error("missed graph checks do not link to the pipeline")
	}
	if doc.Find(".level.human").Length() == 0 {
		t.Error("items for human judgment are not marked")
	}

	// Save and check with the framing written: a finding turns to met.
	form := editorForm(t, c, path)
	form.Set("f.framing.objective", "We want to raise long-term retention: members who find something to watch quickly keep their subscription, so the home page optimises for satisfaction rather than for clicks.")
	form.Set("do", "check")
	r := c.post(path, form)
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path != path+"/report" {
		t.Fatalf("Save and check went to %s", r.Request.URL.Path)
	}
	doc = r.doc(t)
	if doc.Find("li.check.met .evidence a[href='"+path+"#field-framing.objective']").Length() == 0 {
		t.Error("no met finding with evidence linking to framing.objective")
	}

	// Submit: the report is stored with the rubric version, the design is read-only.
	version, _ := doc.Find(`form[action$="/submit"] input[name=version]`).Attr("value")
	r = c.post(path+"/submit", map[string][]string{"version": {version}, "confirm": {"yes"}})
	wantStatus(t, r, http.StatusOK)
	k, _ := a.cat.Case("homepage-recommendations") // the case of the design started above
	if !strings.Contains(r.doc(t).Find(".flash").Text(), fmt.Sprintf("rubric version %d", k.Rubric.Version)) {
		t.Errorf("submit flash: %q", r.doc(t).Find(".flash").Text())
	}
	reps, _ := a.store.Reports(t.Context(), idOf(t, path))
	if len(reps) != 1 || reps[0].RubricVersion != k.Rubric.Version || reps[0].Reason != "submit" {
		t.Fatalf("stored reports %+v", reps)
	}
	view := c.get(path)
	if view.doc(t).Find("#design-form").Length() != 0 {
		t.Fatal("a submitted design still shows the editor")
	}
	form.Set("f.framing.objective", "changed after submission")
	wantStatus(t, c.post(path, form), http.StatusConflict)

	// New attempt: a draft copy.
	r = c.post(path+"/attempt", nil)
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path == path || r.doc(t).Find("#design-form").Length() != 1 {
		t.Fatalf("new attempt went to %s", r.Request.URL.Path)
	}
	if v, _ := r.doc(t).Find(`input[name="title"]`).Attr("value"); !strings.HasSuffix(v, "(attempt 2)") {
		t.Errorf("new attempt title %q", v)
	}
	if !strings.Contains(r.doc(t).Find(`textarea[name="f.framing.objective"]`).Text(), "long-term retention") {
		t.Error("the new attempt did not copy the design")
	}
}

func TestAPICheckAndSubmit(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")
	k, _ := a.cat.Case("streaming-quality")
	var ref bytes.Buffer
	b, _ := os.ReadFile("../../cases/streaming-quality/reference.json")
	ref.Write(b)

	r := a.api("POST", "/api/v1/check", "", ref.String())
	wantStatus(t, r, http.StatusOK)
	var rep struct {
		Score      float64
		Grade      string
		Dimensions map[string]float64
		Items      []struct {
			ID     string
			Level  *int
			Checks []struct{ Met bool }
		}
	}
	r.json(t, &rep)
	if rep.Grade != "strong" || rep.Score < 75 || len(rep.Items) != len(k.Rubric.Items) || len(rep.Dimensions) < 7 {
		t.Fatalf("reference report: score %.1f grade %s, %d items, %d dimensions", rep.Score, rep.Grade, len(rep.Items), len(rep.Dimensions))
	}
	r = a.api("POST", "/api/v1/check?case=artwork-personalization", "", ref.String())
	var off struct{ Score float64 }
	r.json(t, &off)
	if off.Score >= rep.Score/2 {
		t.Errorf("the streaming reference checked as artwork scores %.1f", off.Score)
	}
	wantStatus(t, a.api("POST", "/api/v1/check", "", `{"format":"casebench.design/v1","case":"nope","sections":{}}`), http.StatusUnprocessableEntity)
	wantStatus(t, a.api("POST", "/api/v1/check", "", `{"format":"other"}`), http.StatusBadRequest)

	id := putReference(t, a, tok, "streaming-quality")
	r = a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, map[string]any{"version": 1})
	wantStatus(t, r, http.StatusConflict) // stale: the PUT made it version 2
	r = a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, map[string]any{"version": 2})
	wantStatus(t, r, http.StatusOK)
	var sub struct {
		Design struct{ Status string }
		Report struct{ Score float64 }
	}
	r.json(t, &sub)
	if sub.Design.Status != "submitted" || sub.Report.Score != rep.Score {
		t.Fatalf("submit: %+v", sub)
	}
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), tok, nil), http.StatusConflict)
	r = a.api("GET", fmt.Sprintf("/api/v1/designs/%d/report", id), tok, nil)
	wantStatus(t, r, http.StatusOK)
	var got struct {
		History []struct {
			RubricVersion int `json:"rubric_version"`
		}
	}
	json.Unmarshal(r.body, &got)
	if len(got.History) != 1 || got.History[0].RubricVersion != k.Rubric.Version {
		t.Errorf("history %+v", got.History)
	}
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), a.token("bob"), nil), http.StatusNotFound)
}
