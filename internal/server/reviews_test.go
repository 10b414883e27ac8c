package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casebench/casebench/internal/auth"
)

// levelsForm fills a review form with one level for every item.
func levelsForm(doc *goquery.Document, level int) url.Values {
	f := url.Values{}
	doc.Find(`input[type=radio][name^="level."]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		f.Set(name, fmt.Sprint(level))
	})
	return f
}

func TestReviewFlowPages(t *testing.T) {
	a := newApp(t)
	k, _ := a.cat.Case("artwork-personalization")
	annPages := a.signup("ann")
	ann := a.tokenFor("ann")
	id := putReference(t, a, ann, k.Slug)
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", id), ann, nil), http.StatusOK)

	bob := a.signup("bob")
	q := bob.get("/reviews").doc(t)
	if q.Find(`a[href="/reviews/calibrate/`+k.Slug+`"]`).Length() != 1 {
		t.Fatal("the queue does not ask bob to calibrate first")
	}
	if !strings.Contains(bob.get("/designs").doc(t).Find(".badge.waiting").Text(), "1") {
		t.Error("the navigation does not show 1 design waiting for review")
	}
	// Reviewing before calibrating is refused.
	doc := bob.get(fmt.Sprintf("/reviews/%d", id)).doc(t)
	if doc.Find(".level").Length() != 0 || strings.Contains(doc.Text(), "level 3 of 3") {
		t.Error("the review page shows automatic levels before the review")
	}
	r := bob.post(fmt.Sprintf("/reviews/%d", id), levelsForm(doc, 2))
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.doc(t).Text(), "Calibrate on this case first") {
		t.Error("no message to calibrate first")
	}

	// Calibrate: all 2s against the calibration design's known levels,
	// which vary by item: exact counts 1, one off a half.
	cal := bob.get("/reviews/calibrate/" + k.Slug).doc(t)
	form := levelsForm(cal, 2)
	delete(form, "level."+k.Rubric.Scored()[1].ID)
	wantStatus(t, bob.post("/reviews/calibrate/"+k.Slug, form), http.StatusUnprocessableEntity)
	r = bob.post("/reviews/calibrate/"+k.Slug, levelsForm(cal, 2))
	wantStatus(t, r, http.StatusOK)
	res := r.doc(t)
	credit := 0.0
	for _, it := range k.Rubric.Scored() {
		switch d := k.CalibrationLevels[it.ID].Level - 2; {
		case d == 0:
			credit++
		case d == 1 || d == -1:
			credit += 0.5
		}
	}
	want := fmt.Sprintf("%.0f%%", 100*credit/float64(len(k.Rubric.Scored())))
	if acc := res.Find("#accuracy").Text(); acc != want {
		t.Errorf("accuracy %q; all 2s against the known levels gives %s", acc, want)
	}
	if res.Find("#calibration-result tbody tr").Length() != len(k.Rubric.Scored()) {
		t.Error("not every item's gap is shown")
	}
	if !strings.Contains(bob.get("/profile").doc(t).Find("#accuracy").Text(), want) {
		t.Error("the profile does not show the accuracy")
	}

	// Review: every level, then the other reviews and the automatic levels appear.
	doc = bob.get(fmt.Sprintf("/reviews/%d", id)).doc(t)
	form = levelsForm(doc, 3)
	form.Set("level."+k.Rubric.Items[0].ID, "1")
	form.Set("comment."+k.Rubric.Items[0].ID, "The objective skips the business link.")
	form.Set("comment", "Solid bandit framing.")
	r = bob.post(fmt.Sprintf("/reviews/%d", id), form)
	wantStatus(t, r, http.StatusOK)
	doc = r.doc(t)
	if doc.Find("#reviews table.summary").Length() != 1 || !strings.Contains(doc.Find("#reviews").Text(), "You") {
		t.Fatal("after submitting, bob does not see the summary with his own review")
	}
	if !strings.Contains(doc.Find("#reviews thead").Text(), "Automatic") {
		t.Error("the automatic levels are not shown after the review")
	}
	wantStatus(t, bob.post(fmt.Sprintf("/reviews/%d", id), form), http.StatusConflict)
	// With one review, no item "agrees", not even one 2 levels from the
	// automatic level.
	doc.Find("#reviews td.agreement").Each(func(i int, s *goquery.Selection) {
		if got := strings.TrimSpace(s.Text()); !strings.HasPrefix(got, "one review") {
			t.Errorf("with one review, item %d says %q", i, got)
		}
	})
	if !strings.Contains(doc.Find("#sum-"+k.Rubric.Items[0].ID+" td.agreement").Text(), "levels from the automatic level") {
		t.Errorf("bob's 1 beside the automatic level is not flagged: %q", doc.Find("#sum-"+k.Rubric.Items[0].ID).Text())
	}

	// A second reviewer disagrees on item 0 by 2 levels: a disputed item.
	cy := a.signup("cyd")
	cy.post("/reviews/calibrate/"+k.Slug, levelsForm(cy.get("/reviews/calibrate/"+k.Slug).doc(t), 3))
	form = levelsForm(cy.get(fmt.Sprintf("/reviews/%d", id)).doc(t), 3)
	wantStatus(t, cy.post(fmt.Sprintf("/reviews/%d", id), form), http.StatusOK)

	// The author's view: medians, the flag, comments, Reviewer 1 and 2.
	if !strings.Contains(annPages.get("/designs").doc(t).Find(`a[href="/designs"] .badge`).Text(), "2 new") {
		t.Error("the navigation does not show 2 new reviews")
	}
	doc = annPages.get(fmt.Sprintf("/designs/%d/reviews", id)).doc(t)
	row := doc.Find("#sum-" + k.Rubric.Items[0].ID)
	if !row.HasClass("disputed") || !strings.Contains(row.Text(), "1, 3") || !strings.Contains(row.Text(), "2.0") || !strings.Contains(row.Text(), "The objective skips the business link.") {
		t.Errorf("item 0 row: %q", row.Text())
	}
	if strings.Contains(doc.Text(), "bob") || !strings.Contains(doc.Text(), "Reviewer 1") || !strings.Contains(doc.Text(), "Reviewer 2") {
		t.Error("reviewers are not shown as Reviewer 1 and 2")
	}
	if !strings.Contains(annPages.get("/designs").doc(t).Find(`a[href="/designs"]`).Text(), "My designs") || annPages.get("/designs").doc(t).Find(`a[href="/designs"] .badge`).Length() != 0 {
		t.Error("the new-review count did not clear after reading")
	}
	rid, _ := doc.Find("article.review-card").First().Attr("id")
	// Helpfulness has no default: the author chooses.
	if sel := doc.Find("#" + rid + ` select[name=score] option[selected]`); sel.Length() != 1 || sel.AttrOr("value", "x") != "" {
		t.Errorf("the helpfulness select preselects %q", sel.AttrOr("value", "none"))
	}
	wantStatus(t, annPages.post(fmt.Sprintf("/designs/%d/reviews/%s/helpfulness", id, strings.TrimPrefix(rid, "review-")), url.Values{"score": {""}}), http.StatusUnprocessableEntity)
	r = annPages.post(fmt.Sprintf("/designs/%d/reviews/%s/helpfulness", id, strings.TrimPrefix(rid, "review-")), url.Values{"score": {"5"}})
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.doc(t).Find("#"+rid).Text(), "You rated it 5 of 5") {
		t.Error("the rating is not shown")
	}
	wantStatus(t, annPages.post(fmt.Sprintf("/designs/%d/reviews/%s/helpfulness", id, strings.TrimPrefix(rid, "review-")), url.Values{"score": {"9"}}), http.StatusUnprocessableEntity)

	// A mentor settles the disputed item; the author sees the ruling.
	mo := a.signup("moe")
	u, _ := a.store.UserByName(t.Context(), "moe")
	a.store.SetRole(t.Context(), u.ID, auth.RoleMentor)
	doc = mo.get(fmt.Sprintf("/designs/%d/reviews", id)).doc(t)
	if !strings.Contains(doc.Text(), "bob") || !strings.Contains(doc.Text(), "ann") {
		t.Error("the mentor does not see names")
	}
	notDisputed := k.Rubric.Items[1].ID
	wantStatus(t, mo.post(fmt.Sprintf("/designs/%d/rulings", id), url.Values{"item": {notDisputed}, "level": {"2"}, "reason": {"x"}}), http.StatusConflict)
	wantStatus(t, mo.post(fmt.Sprintf("/designs/%d/rulings", id), url.Values{"item": {k.Rubric.Items[0].ID}, "level": {"2"}, "reason": {""}}), http.StatusUnprocessableEntity)
	wantStatus(t, mo.post(fmt.Sprintf("/designs/%d/rulings", id), url.Values{"item": {k.Rubric.Items[0].ID}, "level": {"2"}, "reason": {"The link to retention is implied by the reward."}}), http.StatusOK)
	row = annPages.get(fmt.Sprintf("/designs/%d/reviews", id)).doc(t).Find("#sum-" + k.Rubric.Items[0].ID)
	if !strings.Contains(row.Find(".ruling").Text(), "The link to retention is implied") {
		t.Error("the author does not see the ruling")
	}
	if got := strings.TrimSpace(row.Find("td.agreement").Text()); got != "settled by mentor" || row.HasClass("disputed") {
		t.Errorf("after the ruling the item says %q (disputed class %v)", got, row.HasClass("disputed"))
	}
}
