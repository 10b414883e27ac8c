package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// mediumL1 is an answer to l1-vs-l2 that meets some items and misses others.
const mediumL1 = "L1 adds the absolute values of the weights to the loss and L2 adds their squares. " +
	"L1 sets some weights to exactly zero, so it selects features; L2 only shrinks them. I tune the strength by cross-validation."

// answerDrill answers the drill through its form and returns the attempt's
// report path and id.
func answerDrill(t *testing.T, c *client, slug, answer string) (string, int64) {
	t.Helper()
	c.get("/drills/" + slug)
	r := c.post("/drills/"+slug, url.Values{"action": {"check"}, "answer": {answer}})
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Request.URL.Path, "/drills/"+slug+"/attempts/") {
		t.Fatalf("check went to %s", r.Request.URL.Path)
	}
	return r.Request.URL.Path, idOf(t, r.Request.URL.Path)
}

// drillReviewCount returns how many reviews the store holds of ann's
// attempt id, as its author sees them.
func drillReviewCount(t *testing.T, a *app, author string, id int64) int {
	t.Helper()
	u, err := a.store.UserByName(t.Context(), author)
	if err != nil {
		t.Fatal(err)
	}
	revs, _, err := a.store.DrillReviewsFor(t.Context(), u.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return len(revs)
}

func drillCalibrationCount(t *testing.T, a *app, name string) int {
	t.Helper()
	u, _ := a.store.UserByName(t.Context(), name)
	cals, err := a.store.DrillCalibrations(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(cals)
}

// postNoCSRF posts a form from c's cookies without the CSRF token.
func postNoCSRF(c *client, path string, form url.Values) *response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// TestDrillPeerReview: ann answers a drill; bob and cyd calibrate on the
// pack and review it blind; ann reads the peer levels beside the automatic
// ones; a mentor sees every name. Every refused request stores nothing.
func TestDrillPeerReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newDrillAppOn(t, st, newTestClock())
		d, _ := a.cat.Drill("l1-vs-l2")
		pk, _ := a.cat.Pack(d.Pack)
		scored := d.Rubric.Scored()
		ann := a.signup("ann")
		attemptPath, id := answerDrill(t, ann, d.Slug, mediumL1)
		reviewPath := fmt.Sprintf("/drills/reviews/%d", id)

		// The author: not in her own queue, and her answer is not hers to review.
		if ann.get("/drills/reviews").doc(t).Find(fmt.Sprintf("#answer-%d", id)).Length() != 0 {
			t.Fatal("ann's queue lists her own answer")
		}
		r := ann.get(reviewPath)
		if r.Request.URL.Path != attemptPath || r.doc(t).Find("#no-peer-reviews").Length() != 1 {
			t.Fatalf("ann opening the review of her own answer ends at %s", r.Request.URL.Path)
		}
		wantStatus(t, ann.post(reviewPath, levelsForm(ann.get("/drills/reviews/calibrate/"+pk.Slug).doc(t), 3)), http.StatusForbidden)

		// Bob: the answer in his queue, blind; calibrate first.
		bob := a.signup("bob")
		q := bob.get("/drills/reviews")
		wantStatus(t, q, http.StatusOK)
		row := q.doc(t).Find(fmt.Sprintf("#answer-%d", id))
		if row.Length() != 1 || row.Find(`a[href="/drills/reviews/calibrate/`+pk.Slug+`"]`).Length() != 1 {
			t.Fatalf("bob's queue does not list ann's answer with a calibration link: %q", q.doc(t).Find("#drill-queue").Text())
		}
		if strings.Contains(q.doc(t).Find("main").Text(), "ann") {
			t.Fatal("the queue names the author")
		}
		r = bob.get(reviewPath)
		wantStatus(t, r, http.StatusOK)
		doc := r.doc(t)
		if !strings.Contains(doc.Find("#answer").Text(), "selects features") || doc.Find("#calibrate-first").Length() != 1 || doc.Find("#review-form").Length() != 0 {
			t.Fatal("before calibrating, bob reads the answer and is asked to calibrate, without a form")
		}
		if strings.Contains(doc.Find("main").Text(), "ann") || doc.Find("#score, #report, #reviews").Length() != 0 {
			t.Fatal("the review page shows the author, the automatic report or the reviews before the review")
		}
		wantStatus(t, bob.post(reviewPath, levelsForm(bob.get("/drills/reviews/calibrate/"+pk.Slug).doc(t), 2)), http.StatusConflict)

		// Calibration: incomplete or out of range is refused; all 3s score below half.
		cal := bob.get("/drills/reviews/calibrate/" + pk.Slug)
		wantStatus(t, cal, http.StatusOK)
		if n := cal.doc(t).Find(`input[type=radio][name^="level."]`).Length(); n != 4*len(scored) {
			t.Fatalf("the calibration form has %d level choices, want %d", n, 4*len(scored))
		}
		if !strings.Contains(cal.doc(t).Find("#answer").Text(), pk.Calibration.Answer[:40]) {
			t.Fatal("the calibration page does not show the pack's calibration answer")
		}
		form := levelsForm(cal.doc(t), 3)
		form.Del("level." + scored[1].ID)
		r = bob.post("/drills/reviews/calibrate/"+pk.Slug, form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.doc(t).Find("#review-error").Text(), "Nothing was saved") || r.doc(t).Find("#item-"+scored[1].ID+" .field-error").Length() != 1 {
			t.Fatal("an incomplete calibration does not say what is missing")
		}
		form = levelsForm(cal.doc(t), 3)
		form.Set("level."+scored[0].ID, "4")
		wantStatus(t, bob.post("/drills/reviews/calibrate/"+pk.Slug, form), http.StatusUnprocessableEntity)
		if drillCalibrationCount(t, a, "bob") != 0 {
			t.Fatal("a refused calibration was stored")
		}
		wantStatus(t, bob.post("/drills/reviews/calibrate/nonsense", levelsForm(cal.doc(t), 3)), http.StatusNotFound)

		var items []string
		known := review.Levels{}
		for _, it := range scored {
			items = append(items, it.ID)
			known[it.ID] = pk.Calibration.Levels[it.ID].Level
		}
		for _, who := range []struct {
			c     *client
			level int
		}{{bob, 3}, {a.signup("cyd"), 0}} {
			r := who.c.post("/drills/reviews/calibrate/"+pk.Slug, levelsForm(who.c.get("/drills/reviews/calibrate/"+pk.Slug).doc(t), who.level))
			wantStatus(t, r, http.StatusOK)
			same := review.Levels{}
			for _, id := range items {
				same[id] = who.level
			}
			acc := review.Calibrate(items, same, known).Accuracy
			want := fmt.Sprintf("%.0f%%", 100*acc)
			doc := r.doc(t)
			if got := doc.Find("#accuracy").Text(); got != want || acc >= 0.5 {
				t.Errorf("all %ds: accuracy %q, want %s and below 50%%", who.level, got, want)
			}
			if doc.Find("#calibration-result tbody tr").Length() != len(scored) || !strings.Contains(doc.Find("#calibration-result").Text(), pk.Calibration.Levels[scored[0].ID].Why) {
				t.Error("the calibration result lacks a gap or the reason of a known level")
			}
		}
		wantStatus(t, bob.post("/drills/reviews/calibrate/"+pk.Slug, levelsForm(cal.doc(t), 2)), http.StatusConflict)
		if !strings.Contains(bob.get("/drills/reviews").doc(t).Find("#cal-"+pk.Slug).Text(), "accuracy") {
			t.Error("the queue does not show bob's accuracy on the pack")
		}

		// The review: out-of-range levels are refused, then a whole review is kept.
		doc = bob.get(reviewPath).doc(t)
		if doc.Find("#review-form").Length() != 1 {
			t.Fatal("after calibrating, bob gets the review form")
		}
		for _, bad := range []string{"7", "-1", "x"} {
			form := levelsForm(doc, 3)
			form.Set("level."+scored[2].ID, bad)
			r := bob.post(reviewPath, form)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if msg := r.doc(t).Find("#item-" + scored[2].ID + " .field-error").Text(); !strings.Contains(msg, "0, 1, 2 or 3") {
				t.Errorf("level %q: message beside the item %q", bad, msg)
			}
		}
		wantStatus(t, postNoCSRF(bob, reviewPath, levelsForm(doc, 3)), http.StatusForbidden)
		if n := drillReviewCount(t, a, "ann", id); n != 0 {
			t.Fatalf("%d reviews stored by refused requests", n)
		}
		form = levelsForm(doc, 3)
		form.Set("level."+scored[0].ID, "1")
		form.Set("comment."+scored[0].ID, "The penalties are named, not defined.")
		form.Set("comment", "Clear, but misses correlated features.")
		r = bob.post(reviewPath, form)
		wantStatus(t, r, http.StatusOK)
		doc = r.doc(t)
		if doc.Find("#reviews table.summary").Length() != 1 || !strings.Contains(doc.Find("#reviews").Text(), "You") || !strings.Contains(doc.Find("#reviews thead").Text(), "Automatic") {
			t.Fatal("after submitting, bob sees the summary with his review and the automatic levels")
		}
		if strings.Contains(doc.Find("main").Text(), "ann") {
			t.Fatal("after the review, the page names the author")
		}
		wantStatus(t, bob.post(reviewPath, form), http.StatusConflict)
		if q := bob.get("/drills/reviews").doc(t); q.Find(fmt.Sprintf("#answer-%d", id)).Length() != 0 {
			t.Fatal("a reviewed answer stays in the reviewer's queue")
		}

		// Cyd disagrees by two levels on the first item.
		cyd := a.client()
		cyd.get("/login")
		cyd.post("/login", url.Values{"name": {"cyd"}, "password": {"correct horse battery"}})
		wantStatus(t, cyd.post(reviewPath, levelsForm(cyd.get(reviewPath).doc(t), 3)), http.StatusOK)

		// The author's report: peer levels, median, the dispute, the
		// automatic level and how far the peers are from it.
		doc = ann.get(attemptPath).doc(t)
		peer := doc.Find("#peer-reviews")
		first := peer.Find("#sum-" + scored[0].ID)
		if !first.HasClass("disputed") || !strings.Contains(first.Text(), "1, 3") || !strings.Contains(first.Text(), "2.0") ||
			!strings.Contains(first.Text(), "The penalties are named, not defined.") || !strings.Contains(first.Find("td.agreement").Text(), "disagreement") {
			t.Fatalf("the disputed item on ann's report: %q", first.Text())
		}
		if !strings.Contains(peer.Text(), "Reviewer 1") || !strings.Contains(peer.Text(), "Clear, but misses correlated features.") {
			t.Errorf("the reviews on ann's report: %q", peer.Text())
		}
		if strings.Contains(peer.Text(), "bob") || strings.Contains(peer.Text(), "cyd") {
			t.Fatal("the author sees reviewers' names")
		}
		auto := autoLevelsOf(t, a, "ann", id)
		for _, it := range scored[1:] {
			row := peer.Find("#sum-" + it.ID)
			got := strings.TrimSpace(row.Find(`td[data-label="Automatic"]`).Text())
			want := "agree"
			if l, ok := auto[it.ID]; ok {
				if got != fmt.Sprint(l) {
					t.Errorf("%s: automatic level %q, want %d", it.ID, got, l)
				}
				if 3-l >= review.DisagreementSpread {
					want = "agree, 2 or more levels from the automatic level"
				}
			}
			if a := strings.TrimSpace(row.Find("td.agreement").Text()); a != want {
				t.Errorf("%s (peers 3 and 3, automatic %v): agreement %q, want %q", it.ID, auto[it.ID], a, want)
			}
		}
		if got := ann.get("/drills/" + d.Slug).doc(t).Find("#attempts .peer-reviews").Text(); got != "2 peer reviews" {
			t.Errorf("the drill page says %q of ann's attempt", got)
		}

		// A mentor reads the answer and the reviews with names, and does not review.
		moe := a.signup("moe")
		u, _ := a.store.UserByName(t.Context(), "moe")
		if err := a.store.SetRole(t.Context(), u.ID, auth.RoleMentor); err != nil {
			t.Fatal(err)
		}
		doc = moe.get(reviewPath).doc(t)
		if doc.Find("#author").Text() != "ann" || !strings.Contains(doc.Find("#reviews").Text(), "bob") || doc.Find("#review-form").Length() != 0 {
			t.Fatalf("the mentor's view: author %q, reviews %q", doc.Find("#author").Text(), doc.Find("#reviews").Text())
		}
		wantStatus(t, moe.post(reviewPath, levelsForm(cal.doc(t), 2)), http.StatusForbidden)

		// Unknown answers.
		for _, path := range []string{"/drills/reviews/999999", "/drills/reviews/x", "/drills/reviews/0"} {
			wantStatus(t, bob.get(path), http.StatusNotFound)
		}
		wantStatus(t, bob.post("/drills/reviews/999999", levelsForm(cal.doc(t), 2)), http.StatusNotFound)
		wantStatus(t, bob.get("/drills/reviews/calibrate/nonsense"), http.StatusNotFound)
		if n := drillReviewCount(t, a, "ann", id); n != 2 {
			t.Fatalf("%d reviews stored, want 2", n)
		}
	})
}

// autoLevelsOf returns the automatic levels of the stored report of
// name's attempt id.
func autoLevelsOf(t *testing.T, a *app, name string, id int64) map[string]int {
	t.Helper()
	u, _ := a.store.UserByName(t.Context(), name)
	at, err := a.store.DrillAttempt(t.Context(), u.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, it := range at.Report.Items {
		if it.Level != nil && !it.RedFlag {
			out[it.ID] = *it.Level
		}
	}
	return out
}

// TestDrillReviewAPI: the review of a drill answer through the JSON API
// follows the pages' rules: calibrate first, blind until one's own review
// is in, never one's own answer, and bad levels are refused with nothing
// stored.
func TestDrillReviewAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newDrillAppOn(t, st, newTestClock())
		d, _ := a.cat.Drill("l1-vs-l2")
		pk, _ := a.cat.Pack(d.Pack)
		scored := d.Rubric.Scored()
		ann := a.signup("ann")
		_, id := answerDrill(t, ann, d.Slug, mediumL1)
		annTok, bobTok := a.tokenFor("ann"), a.token("bob")
		path := fmt.Sprintf("/api/v1/drill-reviews/%d", id)
		levels := func(l int) map[string]int {
			out := map[string]int{}
			for _, it := range scored {
				out[it.ID] = l
			}
			return out
		}

		// The queue: bob sees ann's answer, uncalibrated; ann does not see her own.
		var q struct {
			Queue []struct {
				AttemptID  int64  `json:"attempt_id"`
				Drill      string `json:"drill"`
				Pack       string `json:"pack"`
				Calibrated bool   `json:"calibrated"`
			} `json:"queue"`
		}
		r := a.api("GET", "/api/v1/drill-reviews", bobTok, nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &q)
		if len(q.Queue) != 1 || q.Queue[0].AttemptID != id || q.Queue[0].Drill != d.Slug || q.Queue[0].Pack != pk.Slug || q.Queue[0].Calibrated {
			t.Fatalf("bob's queue: %+v", q.Queue)
		}
		if strings.Contains(string(r.body), "ann") {
			t.Fatal("the queue names the author")
		}
		r = a.api("GET", "/api/v1/drill-reviews", annTok, nil)
		r.json(t, &q)
		if len(q.Queue) != 0 {
			t.Fatalf("ann's queue lists her own answer: %+v", q.Queue)
		}
		wantStatus(t, a.api("GET", "/api/v1/drill-reviews", "", nil), http.StatusUnauthorized)

		// Blind: the answer and the items, not the report or the author.
		var got struct {
			Answer     string `json:"answer"`
			Role       string `json:"role"`
			Calibrated bool   `json:"calibrated"`
			Items      []struct {
				ID     string   `json:"id"`
				Levels []string `json:"levels"`
			} `json:"items"`
			Reviews *struct {
				Reviews []struct {
					Own    bool           `json:"own"`
					Levels map[string]int `json:"levels"`
				} `json:"reviews"`
			} `json:"reviews"`
		}
		r = a.api("GET", path, bobTok, nil)
		wantStatus(t, r, http.StatusOK)
		r.json(t, &got)
		if got.Answer != mediumL1 || got.Role != "reviewer" || got.Calibrated || len(got.Items) != len(scored) || got.Reviews != nil {
			t.Fatalf("bob's view before reviewing: %+v", got)
		}
		for _, leak := range []string{"ann", `"score"`, `"report"`, `"grade"`} {
			if strings.Contains(string(r.body), leak) {
				t.Fatalf("the blind view holds %s: %s", leak, r.body)
			}
		}

		// Calibrate first; bad levels store nothing; all 3s score below half.
		wantStatus(t, a.api("POST", path, bobTok, map[string]any{"levels": levels(3)}), http.StatusConflict)
		bad := levels(3)
		bad[scored[0].ID] = 4
		for _, body := range []any{map[string]any{"levels": bad}, map[string]any{"levels": map[string]int{scored[0].ID: 3}}} {
			wantStatus(t, a.api("POST", "/api/v1/drill-calibrations/"+pk.Slug, bobTok, body), http.StatusUnprocessableEntity)
		}
		for _, body := range []string{`{"levels": [1, 2]}`, `{"levels":`, `[]`} {
			wantStatus(t, a.api("POST", "/api/v1/drill-calibrations/"+pk.Slug, bobTok, body), http.StatusBadRequest)
		}
		if drillCalibrationCount(t, a, "bob") != 0 {
			t.Fatal("a refused calibration was stored")
		}
		wantStatus(t, a.api("POST", "/api/v1/drill-calibrations/nonsense", bobTok, map[string]any{"levels": levels(3)}), http.StatusNotFound)
		var cal review.Calibration
		r = a.api("POST", "/api/v1/drill-calibrations/"+pk.Slug, bobTok, map[string]any{"levels": levels(3)})
		wantStatus(t, r, http.StatusCreated)
		r.json(t, &cal)
		if cal.Accuracy >= 0.5 {
			t.Errorf("all 3s on the calibration answer: accuracy %.2f; want below 0.5", cal.Accuracy)
		}

		// The review: the author may not; bad levels are refused; then it is kept, once.
		wantStatus(t, a.api("POST", path, annTok, map[string]any{"levels": levels(3)}), http.StatusForbidden)
		wantStatus(t, a.api("POST", path, bobTok, map[string]any{"levels": bad}), http.StatusUnprocessableEntity)
		if n := drillReviewCount(t, a, "ann", id); n != 0 {
			t.Fatalf("%d reviews stored by refused requests", n)
		}
		mine := levels(2)
		r = a.api("POST", path, bobTok, map[string]any{"levels": mine, "comment": "Misses correlated features."})
		wantStatus(t, r, http.StatusCreated)
		wantStatus(t, a.api("POST", path, bobTok, map[string]any{"levels": mine}), http.StatusConflict)
		if n := drillReviewCount(t, a, "ann", id); n != 1 {
			t.Fatalf("%d reviews stored, want 1", n)
		}

		// After: bob sees his review; the author sees it too, unnamed.
		got.Reviews = nil
		r = a.api("GET", path, bobTok, nil)
		r.json(t, &got)
		if got.Reviews == nil || len(got.Reviews.Reviews) != 1 || !got.Reviews.Reviews[0].Own || got.Reviews.Reviews[0].Levels[scored[0].ID] != 2 {
			t.Fatalf("bob's view after reviewing: %s", r.body)
		}
		r = a.api("GET", path, annTok, nil)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(string(r.body), "bob") || !strings.Contains(string(r.body), "Misses correlated features.") {
			t.Fatalf("the author's view: %s", r.body)
		}
		for _, p := range []string{"/api/v1/drill-reviews/999999", "/api/v1/drill-reviews/x", "/api/v1/drill-reviews/0"} {
			wantStatus(t, a.api("GET", p, bobTok, nil), http.StatusNotFound)
		}
	})
}
