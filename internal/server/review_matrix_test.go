package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// reviewWorld is a submitted design with two reviews, and a user in every
// role towards it.
type reviewWorld struct {
	a        *app
	k        *catalog.Case
	design   int64
	draft    int64 // ann's unsubmitted draft
	mentors  int64 // the mentor's own submitted design, reviewed by rita and sam, with a disputed item
	disputed string
	reviewID int64 // rita's review
	pages    map[string]*client
	tokens   map[string]string
}

// Names and texts the matrix looks for where they must not be.
const (
	authorName   = "ann_author"
	ritaComment  = "RITA_SECRET_COMMENT"
	samComment   = "SAM_SECRET_COMMENT"
	designTitle  = "ann_author's private title"
	ritaReviewer = "rita_after"
	samReviewer  = "sam_second"
	draftText    = "ANN_DRAFT_TEXT"
	mentorTitle  = "mo_mentor's own private title"
)

var roles = []string{"anonymous", "author", "reviewer-before", "reviewer-after", "other", "mentor"}

var roleUser = map[string]string{"author": authorName, "reviewer-before": "rex_before", "reviewer-after": ritaReviewer, "other": "olga_other", "mentor": "mo_mentor"}

func allLevels(k *catalog.Case, level int) review.Levels {
	l := review.Levels{}
	for _, it := range k.Rubric.Scored() {
		l[it.ID] = level
	}
	return l
}

func newReviewWorld(t *testing.T, st *store.Store) *reviewWorld {
	t.Helper()
	w := &reviewWorld{a: newAppOn(t, st), pages: map[string]*client{}, tokens: map[string]string{}}
	w.k, _ = w.a.cat.Case("homepage-recommendations")
	ctx := t.Context()
	for _, role := range roles[1:] {
		w.pages[role] = w.a.signup(roleUser[role])
	}
	anon := w.a.client()
	anon.get("/login")
	w.pages["anonymous"] = anon
	for _, name := range []string{samReviewer} {
		w.a.signup(name)
	}
	ids := map[string]int64{}
	for _, name := range []string{authorName, "rex_before", ritaReviewer, "olga_other", "mo_mentor", samReviewer} {
		u, err := st.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
		tok, _ := st.CreateToken(ctx, u.ID)
		w.tokens[name] = tok
	}
	st.SetRole(ctx, ids["mo_mentor"], auth.RoleMentor)

	// ann writes and submits a design whose title names her.
	tok := w.tokens[authorName]
	r := w.a.api("POST", "/api/v1/designs", tok, map[string]string{"case": w.k.Slug, "title": designTitle})
	var d designJSON
	r.json(t, &d)
	w.design = d.ID
	wantStatus(t, w.a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", d.ID), tok, map[string]any{"version": 1, "sections": w.k.Reference.Sections, "pipeline": w.k.Reference.Pipeline}), http.StatusOK)
	wantStatus(t, w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", d.ID), tok, nil), http.StatusOK)

	// rex and rita and sam calibrate; rita and sam review.
	for _, name := range []string{"rex_before", ritaReviewer, samReviewer} {
		wantStatus(t, w.a.api("POST", "/api/v1/calibrations/"+w.k.Slug, w.tokens[name], map[string]any{"levels": allLevels(w.k, 3)}), http.StatusCreated)
	}
	levels := allLevels(w.k, 3)
	levels[w.k.Rubric.Items[0].ID] = 0
	r = w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/reviews", d.ID), w.tokens[ritaReviewer], map[string]any{"levels": levels, "comment": ritaComment})
	wantStatus(t, r, http.StatusCreated)
	var created struct{ ID int64 }
	r.json(t, &created)
	w.reviewID = created.ID
	wantStatus(t, w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/reviews", d.ID), w.tokens[samReviewer], map[string]any{"levels": allLevels(w.k, 3), "comment": samComment}), http.StatusCreated)

	// ann keeps a draft, whose text no one else may read.
	r = w.a.api("POST", "/api/v1/designs", tok, map[string]string{"case": w.k.Slug, "title": designTitle + " (draft)"})
	r.json(t, &d)
	w.draft = d.ID
	wantStatus(t, w.a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", d.ID), tok, map[string]any{"version": 1, "sections": map[string]any{"framing": map[string]any{"objective": draftText}}}), http.StatusOK)

	// The mentor writes and submits a design; rita and sam disagree on its
	// first item.
	mtok := w.tokens["mo_mentor"]
	r = w.a.api("POST", "/api/v1/designs", mtok, map[string]string{"case": w.k.Slug, "title": mentorTitle})
	r.json(t, &d)
	w.mentors = d.ID
	wantStatus(t, w.a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", d.ID), mtok, map[string]any{"version": 1, "sections": w.k.Reference.Sections}), http.StatusOK)
	wantStatus(t, w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", d.ID), mtok, nil), http.StatusOK)
	w.disputed = w.k.Rubric.Items[0].ID
	wantStatus(t, w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/reviews", d.ID), w.tokens[ritaReviewer], map[string]any{"levels": levels, "comment": ritaComment}), http.StatusCreated)
	wantStatus(t, w.a.api("POST", fmt.Sprintf("/api/v1/designs/%d/reviews", d.ID), w.tokens[samReviewer], map[string]any{"levels": allLevels(w.k, 3), "comment": samComment}), http.StatusCreated)
	return w
}

// route is one review route and the status each role must get.
type route struct {
	name   string
	api    bool
	method string
	path   string
	body   any // url.Values for pages, JSON for the API
	want   map[string]int
	hide   map[string][]string // what a role must not see here, beyond mustNotSee
}

func (w *reviewWorld) routes() []route {
	d, rid, slug, draft, md := w.design, w.reviewID, w.k.Slug, w.draft, w.mentors
	all := func(status int) map[string]int {
		return map[string]int{"anonymous": 200, "author": status, "reviewer-before": status, "reviewer-after": status, "other": status, "mentor": status}
	}
	onlyAuthor := map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 404, "reviewer-after": 404, "other": 404, "mentor": 404}
	onlyAuthorAPI := map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 404, "reviewer-after": 404, "other": 404, "mentor": 404}
	// On the mentor's own design, the mentor is its author.
	mentorIsAuthor := map[string][]string{"mentor": {ritaReviewer, samReviewer}}
	ruling := url.Values{"item": {w.disputed}, "level": {"2"}, "reason": {"Both readings hold; the design names the metric but not its window."}}
	p := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
	// Page GETs by anonymous users end on the login page (200 after the redirect).
	return []route{
		{"queue page", false, "GET", "/reviews", nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"calibrate page", false, "GET", "/reviews/calibrate/" + slug, nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"review page", false, "GET", p("/reviews/%d", d), nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"review submit", false, "POST", p("/reviews/%d", d), url.Values{}, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 422, "reviewer-after": 409, "other": 422, "mentor": 403}, nil},
		{"review pipeline", false, "GET", p("/reviews/%d/pipeline.svg", d), nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"design reviews page", false, "GET", p("/designs/%d/reviews", d), nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"helpfulness form", false, "POST", p("/designs/%d/reviews/%d/helpfulness", d, rid), url.Values{"score": {"4"}}, map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 404, "reviewer-after": 404, "other": 404, "mentor": 404}, nil},
		{"ruling form", false, "POST", p("/designs/%d/rulings", d), url.Values{"item": {"nope"}}, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 422}, nil},
		{"profile", false, "GET", "/profile", nil, map[string]int{"anonymous": 200, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"mentor page", false, "GET", "/mentor", nil, map[string]int{"anonymous": 200, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 200}, nil},
		{"API queue", true, "GET", "/api/v1/review-queue", nil, map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"API reviews", true, "GET", p("/api/v1/designs/%d/reviews", d), nil, map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 403, "reviewer-after": 200, "other": 403, "mentor": 200}, nil},
		{"API review submit", true, "POST", p("/api/v1/designs/%d/reviews", d), map[string]any{"levels": map[string]int{}}, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 422, "reviewer-after": 409, "other": 422, "mentor": 403}, nil},
		{"API helpfulness", true, "POST", p("/api/v1/reviews/%d/helpfulness", rid), map[string]any{"score": 5}, map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 404, "reviewer-after": 404, "other": 404, "mentor": 404}, nil},
		{"API ruling", true, "POST", p("/api/v1/designs/%d/rulings", d), map[string]any{"item": "nope"}, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 422}, nil},
		{"API calibration", true, "POST", "/api/v1/calibrations/" + slug, map[string]any{"levels": map[string]int{}}, map[string]int{"anonymous": 401, "author": 422, "reviewer-before": 422, "reviewer-after": 422, "other": 422, "mentor": 422}, nil},

		// Reading the design itself: its author and mentors in full,
		// reviewers blind (the page sends them to the review page).
		{"design page", false, "GET", p("/designs/%d", d), nil, all(200), nil},
		{"API design", true, "GET", p("/api/v1/designs/%d", d), nil, map[string]int{"anonymous": 401, "author": 200, "reviewer-before": 200, "reviewer-after": 200, "other": 200, "mentor": 200}, nil},
		{"design pipeline", false, "GET", p("/designs/%d/pipeline.svg", d), nil, all(200), nil},
		// A draft is its author's alone, mentors included.
		{"draft page", false, "GET", p("/designs/%d", draft), nil, onlyAuthor, map[string][]string{"mentor": {draftText}}},
		{"draft review page", false, "GET", p("/reviews/%d", draft), nil, onlyAuthor, map[string][]string{"mentor": {draftText}}},
		{"draft reviews page", false, "GET", p("/designs/%d/reviews", draft), nil, onlyAuthor, nil},
		{"draft pipeline", false, "GET", p("/designs/%d/pipeline.svg", draft), nil, onlyAuthor, nil},
		{"API draft", true, "GET", p("/api/v1/designs/%d", draft), nil, onlyAuthorAPI, map[string][]string{"mentor": {draftText}}},
		{"API draft reviews", true, "GET", p("/api/v1/designs/%d/reviews", draft), nil, onlyAuthorAPI, nil},
		{"draft ruling", false, "POST", p("/designs/%d/rulings", draft), ruling, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 404}, nil},
		// The mentor's own design: the mentor is its author there.
		{"mentor's design reviews", false, "GET", p("/designs/%d/reviews", md), nil, all(200), mentorIsAuthor},
		{"mentor's design page", false, "GET", p("/designs/%d", md), nil, all(200), mentorIsAuthor},
		{"API mentor's design reviews", true, "GET", p("/api/v1/designs/%d/reviews", md), nil, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 200, "other": 403, "mentor": 200}, mentorIsAuthor},
		{"ruling on own design", false, "POST", p("/designs/%d/rulings", md), ruling, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 403}, nil},
		{"API ruling on own design", true, "POST", p("/api/v1/designs/%d/rulings", md), map[string]any{"item": w.disputed, "level": 2, "reason": "x"}, map[string]int{"anonymous": 401, "author": 403, "reviewer-before": 403, "reviewer-after": 403, "other": 403, "mentor": 403}, nil},
	}
}

func (w *reviewWorld) do(t *testing.T, rt route, role string) *response {
	t.Helper()
	if rt.api {
		return w.a.api(rt.method, rt.path, w.tokens[roleUser[role]], rt.body)
	}
	c := w.pages[role]
	if rt.method == "GET" {
		return c.get(rt.path)
	}
	form, _ := rt.body.(url.Values)
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	return c.post(rt.path, f)
}

// mustNotSee lists what each role must never find in a response.
func mustNotSee(role string) []string {
	switch role {
	case "reviewer-before":
		return []string{authorName, designTitle, ritaComment, samComment, ritaReviewer, samReviewer, draftText, mentorTitle}
	case "reviewer-after":
		return []string{authorName, designTitle, samReviewer, draftText, mentorTitle}
	case "other", "anonymous":
		return []string{authorName, designTitle, ritaComment, samComment, ritaReviewer, samReviewer, draftText, mentorTitle}
	case "author":
		return []string{ritaReviewer, samReviewer, mentorTitle}
	}
	return nil
}

// TestReviewAccessMatrix runs every review page and API route as every role,
// and checks the status, and that no author name, private title, other
// review or reviewer name leaks where it must not.
func TestReviewAccessMatrix(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			var st *store.Store
			if db == "sqlite" {
				st = storetest.SQLite(t)
			} else {
				st = storetest.Postgres(t)
			}
			w := newReviewWorld(t, st)
			cells := 0
			for _, rt := range w.routes() {
				for _, role := range roles {
					want := rt.want[role]
					r := w.do(t, rt, role)
					cells++
					if r.StatusCode != want {
						t.Errorf("%s as %s: status %d, want %d: %.200s", rt.name, role, r.StatusCode, want, r.body)
						continue
					}
					if role == "anonymous" && !rt.api && rt.method == "GET" && r.Request.URL.Path != "/login" {
						t.Errorf("%s as anonymous: ended at %s, not the login page", rt.name, r.Request.URL.Path)
					}
					body := string(r.body)
					for _, secret := range append(mustNotSee(role), rt.hide[role]...) {
						if strings.Contains(body, secret) {
							t.Errorf("%s as %s: the response shows %q", rt.name, role, secret)
						}
					}
				}
			}
			// What must be seen, where it may be.
			if body := string(w.do(t, w.routes()[2], "reviewer-after").body); !strings.Contains(body, samComment) || !strings.Contains(body, "Reviewer 2") {
				t.Error("after submitting, rita does not see sam's review as Reviewer 2")
			}
			if body := string(w.do(t, w.routes()[5], "author").body); !strings.Contains(body, ritaComment) || !strings.Contains(body, "Reviewer 1") {
				t.Error("the author does not see rita's review as Reviewer 1")
			}
			if body := string(w.do(t, w.routes()[5], "mentor").body); !strings.Contains(body, authorName) || !strings.Contains(body, ritaReviewer) {
				t.Error("the mentor does not see the names")
			}
			w.mustSee(t)
			t.Logf("matrix: %d routes x %d roles = %d cells", len(w.routes()), len(roles), cells)
		})
	}
}

// mustSee checks what the new cells must show: a mentor reads a submitted
// design in full; a reviewer gets the blind document from the API; on their
// own design a mentor sees reviewers by number and no ruling form; the
// mentor page counts disputed items.
func (w *reviewWorld) mustSee(t *testing.T) {
	t.Helper()
	mentor := w.pages["mentor"]
	page := mentor.get(fmt.Sprintf("/designs/%d", w.design))
	if doc := page.doc(t); doc.Find("h1").Text() != designTitle || doc.Find("#author").Text() != authorName || doc.Find(".read-section").Length() == 0 {
		t.Errorf("the mentor's view of ann's design lacks its title, author or text: %.300s", page.body)
	}
	var blind map[string]any
	w.a.api("GET", fmt.Sprintf("/api/v1/designs/%d", w.design), w.tokens["rex_before"], nil).json(t, &blind)
	if _, ok := blind["title"]; ok || blind["sections"] == nil || blind["id"] != float64(w.design) {
		t.Errorf("the blind API document: %v", blind)
	}
	var full map[string]any
	w.a.api("GET", fmt.Sprintf("/api/v1/designs/%d", w.design), w.tokens["mo_mentor"], nil).json(t, &full)
	if full["title"] != designTitle {
		t.Errorf("the mentor's API document has title %v", full["title"])
	}
	own := mentor.get(fmt.Sprintf("/designs/%d/reviews", w.mentors)).doc(t)
	if !strings.Contains(own.Text(), "Reviewer 1") || !strings.Contains(own.Text(), ritaComment) || own.Find("#settle").Length() != 0 {
		t.Errorf("the mentor's own reviews page: names hidden %v, settle form %d", strings.Contains(own.Text(), "Reviewer 1"), own.Find("#settle").Length())
	}
	others := mentor.get(fmt.Sprintf("/designs/%d/reviews", w.design)).doc(t)
	if others.Find("#settle").Length() != 1 {
		t.Error("the mentor cannot settle ann's disputed item")
	}
	overview := mentor.get("/mentor").doc(t)
	if got := strings.TrimSpace(overview.Find(`#mentor-designs tr:has(a[href="/designs/` + fmt.Sprint(w.design) + `"]) .disputed-count`).Text()); got != "1 to settle" {
		t.Errorf("the mentor page counts %q disputed items on ann's design, want 1 to settle", got)
	}
	if got := overview.Find("#disputed-total strong").Text(); got != "1" {
		t.Errorf("the mentor page counts %q disputed items in all, want 1 (the mentor's own are left to others)", got)
	}
}
