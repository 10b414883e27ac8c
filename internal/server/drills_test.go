package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// testClock is a clock the test moves, shared by the server and its store.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newDrillApp runs casebench on st with the clock.
func newDrillAppOn(t *testing.T, st *store.Store, clock *testClock) *app {
	t.Helper()
	st.SetClock(clock.Now)
	return newAppOn(t, st, func(o *serverOptions) { o.Now = clock.Now })
}

func newDrillApp(t *testing.T, clock *testClock) *app {
	t.Helper()
	return newDrillAppOn(t, storetest.SQLite(t), clock)
}

// referenceAnswer returns the form of a drill's own reference answer.
func referenceAnswer(t *testing.T, a *app, slug string) url.Values {
	t.Helper()
	d, ok := a.cat.Drill(slug)
	if !ok {
		t.Fatalf("no drill %s", slug)
	}
	return url.Values{"action": {"check"}, "answer": {d.Reference.Answer}, "sql": {d.Reference.SQL}}
}

func history(t *testing.T, a *app, name string) []*store.DrillAttempt {
	t.Helper()
	u, err := a.store.UserByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.store.DrillHistory(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func cardOf(t *testing.T, a *app, name, slug string) store.DrillCard {
	t.Helper()
	u, _ := a.store.UserByName(t.Context(), name)
	c, err := a.store.DrillCard(t.Context(), u.ID, slug)
	if err != nil {
		t.Fatalf("card of %s for %s: %v", name, slug, err)
	}
	return c
}

func TestDrillBank(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	c := a.client()
	r := c.get("/drills")
	wantStatus(t, r, http.StatusOK)
	doc := r.doc(t)
	if n := doc.Find(".drill-row").Length(); n != len(a.cat.Drills) || n < 60 {
		t.Fatalf("the bank lists %d drills; the catalog has %d", n, len(a.cat.Drills))
	}
	if n := doc.Find(".drill-pack").Length(); n != len(a.cat.Packs) {
		t.Fatalf("%d packs shown, want %d", n, len(a.cat.Packs))
	}
	r = c.get("/drills?kind=sql")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc(t).Find(".drill-row").Length(); n != a.cat.DrillCounts()["sql"] {
		t.Fatalf("kind=sql lists %d drills, want %d", n, a.cat.DrillCounts()["sql"])
	}
	r = c.get("/drills?q=precision")
	if !strings.Contains(string(r.body), "Precision and recall") {
		t.Fatalf("search for precision misses the drill: %s", r.doc(t).Find("#drill-count").Text())
	}
	for _, bad := range []string{"/drills?kind=poetry", "/drills?difficulty=legendary", "/drills?q=" + strings.Repeat("x", 101)} {
		wantStatus(t, c.get(bad), http.StatusBadRequest)
	}
	wantStatus(t, c.get("/drills/no-such-drill"), http.StatusNotFound)
	// Anonymous readers see the prompt, and are asked to sign in to answer.
	r = c.get("/drills/l1-vs-l2")
	wantStatus(t, r, http.StatusOK)
	doc = r.doc(t)
	if doc.Find("#prompt").Text() == "" || doc.Find("#drill-form").Length() != 0 || doc.Find("#reference").Length() != 0 {
		t.Fatal("anonymous drill page: want the prompt, no form, no reference")
	}
	// Signed-in pages need a user.
	for _, path := range []string{"/drills/due", "/drills/sets", "/drills/l1-vs-l2/attempts/1"} {
		r := c.get(path)
		if r.Request.URL.Path != "/login" {
			t.Errorf("%s anonymous: ended at %s", path, r.Request.URL.Path)
		}
	}
}

func TestDrillAnswerReportAndSchedule(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ann := a.signup("ann")
	r := ann.get("/drills/l1-vs-l2")
	doc := r.doc(t)
	if doc.Find("#drill-form textarea[name=answer]").Length() != 1 || doc.Find("#reference").Length() != 0 {
		t.Fatal("before the first attempt: want the answer form and no reference")
	}
	if doc.Find(`#drill-form textarea[name=sql]`).Length() != 0 || doc.Find("#run-button").Length() != 0 {
		t.Fatal("an ML drill has no query box or Run button")
	}
	// A short, wrong answer: the misconception is flagged and quoted.
	wrong := "L2 regularisation makes weights exactly zero, so it selects features. L1 only shrinks them a little."
	r = ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {wrong}})
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Request.URL.Path, "/drills/l1-vs-l2/attempts/") {
		t.Fatalf("check went to %s", r.Request.URL.Path)
	}
	first := r.Request.URL.Path
	doc = r.doc(t)
	if doc.Find("#red-flags .red-flag").Length() == 0 || !strings.Contains(doc.Find("#red-flags").Text(), "exactly zero") {
		t.Fatalf("the wrong answer's report shows no red flag quoting it: %q", doc.Find("#report").Text())
	}
	if doc.Find("#items li").Length() == 0 || doc.Find("#reference").Length() != 1 || doc.Find("#follow-up").Length() != 1 {
		t.Fatal("the report needs items, the reference answer and the follow-up")
	}
	// It says what the scored answers closest to it were given, and why.
	if rd := doc.Find("#reading"); rd.Length() != 1 || !strings.Contains(rd.Text(), "interviewers scored") || rd.Find(".nearest li").Length() == 0 {
		t.Fatalf("the report does not say how the answer reads against scored answers: %q", rd.Text())
	}
	if got := doc.Find("#proposed").Text(); got != "again" && got != "hard" {
		t.Fatalf("a flagged answer proposed %q; a red flag caps the rating at hard", got)
	}
	card := cardOf(t, a, "ann", "l1-vs-l2")
	if card.Reps != 1 {
		t.Fatalf("card after one attempt: %+v", card.Card)
	}
	// Re-rating replaces the review: still one rep.
	wantStatus(t, ann.post(first+"/rating", url.Values{"rating": {"good"}}), http.StatusOK)
	wantStatus(t, ann.post(first+"/rating", url.Values{"rating": {"easy"}}), http.StatusOK)
	card = cardOf(t, a, "ann", "l1-vs-l2")
	want, _ := srs.NewScheduler().Review(srs.NewCard(history(t, a, "ann")[0].CreatedAt), srs.Easy, history(t, a, "ann")[0].CreatedAt)
	if card.Reps != 1 || !card.Due.Equal(want.Due) {
		t.Fatalf("after two re-ratings: reps %d, due %v; want 1 rep due %v", card.Reps, card.Due, want.Due)
	}
	if got := ann.get(first).doc(t).Find("#rating-now").Text(); got != "easy" {
		t.Fatalf("rating shown %q, want easy", got)
	}
	wantStatus(t, ann.post(first+"/rating", url.Values{"rating": {"superb"}}), http.StatusUnprocessableEntity)

	// The reference now shows on the drill page.
	if ann.get("/drills/l1-vs-l2").doc(t).Find("#reference").Length() != 1 {
		t.Fatal("after the first attempt the drill page shows the reference")
	}
	// The reference answer itself grades well and proposes good or easy.
	r = ann.post("/drills/l1-vs-l2", referenceAnswer(t, a, "l1-vs-l2"))
	wantStatus(t, r, http.StatusOK)
	second := r.Request.URL.Path
	if got := r.doc(t).Find("#proposed").Text(); got != "good" && got != "easy" {
		t.Fatalf("the reference answer proposed %q (score %s)", got, r.doc(t).Find("#score").Text())
	}
	// The older attempt can no longer be re-rated.
	wantStatus(t, ann.post(first+"/rating", url.Values{"rating": {"hard"}}), http.StatusConflict)
	if len(history(t, a, "ann")) != 2 || second == first {
		t.Fatal("want two attempts")
	}

	// Nothing is due now; after the interval it is, in Due and in the nav.
	if ann.get("/drills/due").doc(t).Find("#due .due-row").Length() != 0 {
		t.Fatal("due right after a good answer")
	}
	card = cardOf(t, a, "ann", "l1-vs-l2")
	clock.Advance(card.Due.Sub(clock.Now()) + time.Minute)
	doc = ann.get("/drills/due").doc(t)
	if doc.Find("#due .due-row").Length() != 1 || !strings.Contains(doc.Find("#nav-due").Text(), "1 due") {
		t.Fatalf("after the clock moves: %d due, nav %q", doc.Find("#due .due-row").Length(), doc.Find("#nav-due").Text())
	}

	// Snooze, retire, restore.
	wantStatus(t, ann.post("/drills/l1-vs-l2/snooze", url.Values{"days": {"2"}}), http.StatusUnprocessableEntity)
	wantStatus(t, ann.post("/drills/precision-and-recall/snooze", url.Values{"days": {"1"}}), http.StatusNotFound)
	wantStatus(t, ann.post("/drills/no-such/snooze", url.Values{"days": {"1"}}), http.StatusNotFound)
	r = ann.post("/drills/l1-vs-l2/snooze", url.Values{"days": {"3"}, "back": {"due"}})
	wantStatus(t, r, http.StatusOK)
	if r.doc(t).Find("#due .due-row").Length() != 0 || r.doc(t).Find("#later .due-row").Length() != 1 {
		t.Fatal("a snoozed drill is not due but coming up")
	}
	if c := cardOf(t, a, "ann", "l1-vs-l2"); c.SnoozedUntil == nil || c.Due.Sub(clock.Now()) != 3*srs.Day {
		t.Fatalf("snoozed card %+v", c)
	}
	clock.Advance(3*srs.Day + time.Minute)
	if n := ann.get("/drills/due").doc(t).Find("#due .due-row").Length(); n != 1 {
		t.Fatalf("after the snooze: %d due", n)
	}
	r = ann.post("/drills/l1-vs-l2/retire", url.Values{"back": {"due"}})
	if r.doc(t).Find("#due .due-row").Length() != 0 || r.doc(t).Find("#retired .due-row").Length() != 1 {
		t.Fatal("a retired drill is listed under Retired only")
	}
	r = ann.post("/drills/l1-vs-l2/restore", url.Values{"back": {"due"}})
	if r.doc(t).Find("#due .due-row").Length() != 1 {
		t.Fatal("a restored overdue drill is due")
	}

	// Another user sees none of it.
	bob := a.signup("bob")
	wantStatus(t, bob.get(first), http.StatusNotFound)
	wantStatus(t, bob.post(first+"/rating", url.Values{"rating": {"good"}}), http.StatusNotFound)
	wantStatus(t, bob.get("/drills/precision-and-recall"+strings.TrimPrefix(first, "/drills/l1-vs-l2")), http.StatusNotFound)
	wantStatus(t, ann.get("/drills/l1-vs-l2/attempts/999999"), http.StatusNotFound)
	wantStatus(t, ann.get("/drills/l1-vs-l2/attempts/x"), http.StatusNotFound)
	if len(history(t, a, "bob")) != 0 {
		t.Fatal("bob has attempts")
	}
}

func TestDrillBadAnswers(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	ann := a.signup("ann")
	ann.get("/drills/l1-vs-l2")
	long := strings.Repeat("word ", 1300) // 6,500 characters
	r := ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {long}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.doc(t).Find("#drill-error").Text(); !strings.Contains(msg, "6000") || !strings.Contains(msg, "6500") {
		t.Fatalf("over-long answer: message %q should give the length and the limit", msg)
	}
	if got := r.doc(t).Find("textarea[name=answer]").Text(); got != long {
		t.Fatal("the over-long answer is not given back")
	}
	wantStatus(t, ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {"  "}}), http.StatusUnprocessableEntity)
	wantStatus(t, ann.post("/drills/l1-vs-l2", url.Values{"action": {"launch"}, "answer": {"x"}}), http.StatusBadRequest)
	wantStatus(t, ann.post("/drills/l1-vs-l2", url.Values{"action": {"run"}, "answer": {"x"}}), http.StatusBadRequest)
	wantStatus(t, ann.post("/drills/no-such-drill", url.Values{"action": {"check"}, "answer": {"x"}}), http.StatusNotFound)
	if len(history(t, a, "ann")) != 0 {
		t.Fatal("a refused answer was stored")
	}
}

func TestDrillSQL(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	ann := a.signup("ann")
	const slug = "plan-mix"
	doc := ann.get("/drills/" + slug).doc(t)
	if doc.Find("#run-button").Length() != 1 || doc.Find("textarea[name=sql]").Length() != 1 || doc.Find("#tables li").Length() < 4 {
		t.Fatal("a SQL drill page has a query box, Run, and the dataset's tables")
	}
	ref := referenceAnswer(t, a, slug)
	run := url.Values{"action": {"run"}, "sql": ref["sql"]}
	r := ann.post("/drills/"+slug, run)
	wantStatus(t, r, http.StatusOK)
	doc = r.doc(t)
	if doc.Find("#run-result table tbody tr").Length() == 0 || doc.Find("#run-result th").Length() == 0 {
		t.Fatalf("Run shows no result table: %q", doc.Find("#run-result").Text())
	}
	if len(history(t, a, "ann")) != 0 {
		t.Fatal("Run stored an attempt")
	}
	hostile := []struct{ name, sql, want string }{
		{"write", "DELETE FROM members", "SELECT"},
		{"two statements", "SELECT 1; DROP TABLE members", ""},
		{"attach", "ATTACH DATABASE '/tmp/x.db' AS x", ""},
		{"pragma", "PRAGMA writable_schema = 1", ""},
		{"never ends", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", ""},
	}
	for _, h := range hostile {
		for _, action := range []string{"run", "check"} {
			r := ann.post("/drills/"+slug, url.Values{"action": {action}, "sql": {h.sql}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			msg := r.doc(t).Find("#drill-error").Text()
			if !strings.Contains(msg, "Nothing was saved") || !strings.Contains(msg, h.want) {
				t.Errorf("%s (%s): message %q", h.name, action, msg)
			}
			t.Logf("%s (%s): %s", h.name, action, msg)
		}
	}
	if len(history(t, a, "ann")) != 0 {
		t.Fatal("a hostile query was stored")
	}
	// The dataset is unchanged: the reference still checks as right.
	r = ann.post("/drills/"+slug, ref)
	wantStatus(t, r, http.StatusOK)
	if _, ok := r.doc(t).Find("#item-result .chip.status-met").Attr("class"); !ok {
		t.Fatalf("the reference query is not met after the hostile ones: %q", r.doc(t).Find("#items").Text())
	}
	if over := ann.post("/drills/"+slug, url.Values{"action": {"run"}, "sql": {"SELECT '" + strings.Repeat("x", 4100) + "'"}}); over.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(over.doc(t).Find("#drill-error").Text(), "4000") {
		t.Fatalf("over-long query: %d %q", over.StatusCode, over.doc(t).Find("#drill-error").Text())
	}
}

func TestDrillSets(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ann := a.signup("ann")
	// One drill answered badly and due: a set starts with it.
	ann.get("/drills/l1-vs-l2")
	ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {"L2 makes weights exactly zero."}})
	clock.Advance(srs.Day)
	ann.get("/drills/sets")
	r := ann.post("/drills/sets", nil)
	wantStatus(t, r, http.StatusOK)
	setPath := r.Request.URL.Path
	if !strings.HasPrefix(setPath, "/drills/sets/") {
		t.Fatalf("start went to %s", setPath)
	}
	doc := r.doc(t)
	if doc.Find("#set-steps li").Length() != 5 || doc.Find("#clock[data-deadline]").Length() != 1 {
		t.Fatal("a set page lists 5 drills and has the clock")
	}
	if !strings.Contains(doc.Find("#set-drill").Text(), "L1") || doc.Find("#reference").Length() != 0 {
		t.Fatalf("the due drill comes first, without its reference: %q", doc.Find("#set-drill").Text())
	}
	id := strings.TrimPrefix(setPath, "/drills/sets/")
	// Another user's set is not found, to read, answer in or finish.
	bob := a.signup("bob")
	wantStatus(t, bob.get(setPath), http.StatusNotFound)
	wantStatus(t, bob.get(setPath+"/report"), http.StatusNotFound)
	wantStatus(t, bob.post(setPath+"/finish", nil), http.StatusNotFound)
	wantStatus(t, bob.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {"x"}, "set": {id}}), http.StatusNotFound)
	wantStatus(t, bob.get("/drills/sets/abc"), http.StatusNotFound)
	if len(history(t, a, "bob")) != 0 {
		t.Fatal("bob's refused answers were stored")
	}
	// Answer the five, the last two after the deadline.
	for i := 0; i < 5; i++ {
		doc := ann.get(setPath).doc(t)
		form := doc.Find("#drill-form")
		action, _ := form.Attr("action")
		slug := strings.TrimPrefix(action, "/drills/")
		if i == 3 {
			clock.Advance(26 * time.Minute)
		}
		v := referenceAnswer(t, a, slug)
		v.Set("set", id)
		r := ann.post(action, v)
		wantStatus(t, r, http.StatusOK)
		if i == 0 {
			// The same drill again in this set is refused.
			wantStatus(t, ann.post(action, v), http.StatusConflict)
		}
	}
	if n := len(history(t, a, "ann")); n != 6 {
		t.Fatalf("%d attempts, want 6", n)
	}
	r = ann.get(setPath)
	if r.Request.URL.Path != setPath+"/report" {
		t.Fatalf("a set with every drill answered goes to its report, not %s", r.Request.URL.Path)
	}
	doc = r.doc(t)
	if doc.Find("#set-table tbody tr").Length() != 5 || doc.Find("#set-table .status-late").Length() != 2 || doc.Find(".set-item #report").Length() != 5 {
		t.Fatalf("set report: %d rows, %d late, %d reports", doc.Find("#set-table tbody tr").Length(), doc.Find("#set-table .status-late").Length(), doc.Find(".set-item #report").Length())
	}
	if !strings.Contains(doc.Find("#set-summary").Text(), "2 late") {
		t.Fatalf("summary %q", doc.Find("#set-summary").Text())
	}
	// A second set can be finished early; its report shows what is missing.
	r = ann.post("/drills/sets", nil)
	r = ann.post(r.Request.URL.Path+"/finish", nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.doc(t).Find("#set-summary").Text(), "0 of 5 answered") {
		t.Fatalf("early finish: %q", r.doc(t).Find("#set-summary").Text())
	}
}

func TestDrillProgress(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ann := a.signup("ann")
	if ann.get("/drills/progress").doc(t).Find("#no-progress").Length() != 1 {
		t.Fatal("no attempts yet: want the empty message")
	}
	ann.get("/drills/l1-vs-l2")
	ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {"L2 makes weights exactly zero."}})
	clock.Advance(srs.Day)
	ann.post("/drills/l1-vs-l2", referenceAnswer(t, a, "l1-vs-l2"))
	ann.post("/drills/plan-mix", referenceAnswer(t, a, "plan-mix"))
	r := ann.get("/drills/progress")
	wantStatus(t, r, http.StatusOK)
	doc := r.doc(t)
	if n := doc.Find("svg.drill-chart rect.bar").Length(); n != 2 {
		t.Fatalf("chart: %d day bars, want 2", n)
	}
	if n := doc.Find("svg.drill-chart circle").Length(); n != 3 {
		t.Fatalf("chart: %d points, want 3 (ML on two days, SQL on one)", n)
	}
	if got := doc.Find("#kind-ml td[data-label=Attempts]").Text(); got != "2" {
		t.Fatalf("ML attempts %q, want 2", got)
	}
	if got := doc.Find("#kind-sql td[data-label=Attempts]").Text(); got != "1" {
		t.Fatalf("SQL attempts %q, want 1", got)
	}
	if !strings.Contains(doc.Find("#weakest-kind").Text(), "ML fundamentals") {
		t.Fatalf("weakest: %q", doc.Find("#weakest-kind").Text())
	}
}

func TestDrillAPI(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	tok := a.token("ann")
	bob := a.token("bob")
	var list struct {
		Drills []struct {
			Slug, Kind, Status string
		} `json:"drills"`
	}
	r := a.api("GET", "/api/v1/drills", "", nil)
	wantStatus(t, r, http.StatusOK)
	r.json(t, &list)
	if len(list.Drills) != len(a.cat.Drills) || list.Drills[0].Status != "" {
		t.Fatalf("anonymous list: %d drills (want %d), status %q", len(list.Drills), len(a.cat.Drills), list.Drills[0].Status)
	}
	a.api("GET", "/api/v1/drills?kind=behavioral", tok, nil).json(t, &list)
	if len(list.Drills) != a.cat.DrillCounts()["behavioral"] || list.Drills[0].Status != "new" {
		t.Fatalf("behavioral list: %d, status %q", len(list.Drills), list.Drills[0].Status)
	}
	wantStatus(t, a.api("GET", "/api/v1/drills?kind=poetry", "", nil), http.StatusBadRequest)
	wantStatus(t, a.api("GET", "/api/v1/drills/no-such", "", nil), http.StatusNotFound)

	var detail map[string]any
	a.api("GET", "/api/v1/drills/l1-vs-l2", tok, nil).json(t, &detail)
	if detail["prompt"] == nil || detail["reference"] != nil || detail["rubric"] != nil {
		t.Fatalf("before an attempt the drill has its prompt and no reference: %v", detail)
	}

	// Refused attempts: no token, bad bodies, over-long text, hostile SQL.
	wantStatus(t, a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", "", map[string]string{"answer": "x"}), http.StatusUnauthorized)
	wantStatus(t, a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, `{"answer": "x", "colour": "red"}`), http.StatusBadRequest)
	wantStatus(t, a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, `{"answer": `), http.StatusBadRequest)
	wantStatus(t, a.api("POST", "/api/v1/drills/no-such/attempts", tok, map[string]string{"answer": "x"}), http.StatusNotFound)
	var e struct {
		Error  string            `json:"error"`
		Fields map[string]string `json:"fields"`
	}
	r = a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, map[string]string{"answer": strings.Repeat("x", 6001)})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r.json(t, &e)
	if !strings.Contains(e.Fields["answer"], "6000") {
		t.Fatalf("over-long answer: %+v", e)
	}
	wantStatus(t, a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, map[string]string{"answer": "x", "sql": "SELECT 1"}), http.StatusUnprocessableEntity)
	r = a.api("POST", "/api/v1/drills/plan-mix/attempts", tok, map[string]string{"sql": "UPDATE members SET plan = 'free'"})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r.json(t, &e)
	if !strings.Contains(e.Fields["sql"], "SELECT") || !strings.Contains(e.Error, "Nothing was saved") {
		t.Fatalf("a write query: %+v", e)
	}
	r = a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, map[string]any{"answer": "x", "set": 999})
	wantStatus(t, r, http.StatusNotFound)
	if len(history(t, a, "ann")) != 0 {
		t.Fatal("a refused attempt was stored")
	}

	// An attempt: 201, its report, its card; the reference now shows.
	d, _ := a.cat.Drill("l1-vs-l2")
	r = a.api("POST", "/api/v1/drills/l1-vs-l2/attempts", tok, map[string]string{"answer": d.Reference.Answer})
	wantStatus(t, r, http.StatusCreated)
	var got struct {
		Attempt struct {
			ID       int64                 `json:"id"`
			Score    float64               `json:"score"`
			Proposed string                `json:"proposed_rating"`
			Rating   string                `json:"rating"`
			Report   struct{ Items []any } `json:"report"`
		} `json:"attempt"`
		Card struct {
			Due  time.Time `json:"due"`
			Reps int       `json:"reps"`
		} `json:"card"`
	}
	r.json(t, &got)
	if got.Attempt.ID == 0 || len(got.Attempt.Report.Items) == 0 || got.Card.Reps != 1 || !got.Card.Due.After(clock.Now()) {
		t.Fatalf("attempt response %+v", got)
	}
	loc := r.Header.Get("Location")
	if loc != fmt.Sprintf("/api/v1/drills/l1-vs-l2/attempts/%d", got.Attempt.ID) {
		t.Fatalf("Location %q", loc)
	}
	wantStatus(t, a.api("GET", loc, tok, nil), http.StatusOK)
	wantStatus(t, a.api("GET", loc, bob, nil), http.StatusNotFound)
	wantStatus(t, a.api("POST", loc+"/rating", bob, map[string]string{"rating": "good"}), http.StatusNotFound)
	wantStatus(t, a.api("POST", loc+"/rating", tok, map[string]string{"rating": "brilliant"}), http.StatusUnprocessableEntity)
	r = a.api("POST", loc+"/rating", tok, map[string]string{"rating": "again"})
	wantStatus(t, r, http.StatusOK)
	r.json(t, &got)
	if got.Attempt.Rating != "again" || got.Card.Reps != 1 || got.Card.Due.Sub(clock.Now()) > time.Hour {
		t.Fatalf("re-rated again: %+v", got)
	}
	a.api("GET", "/api/v1/drills/l1-vs-l2", tok, nil).json(t, &detail)
	if detail["reference"] == nil {
		t.Fatal("after an attempt the API gives the reference")
	}

	// Due: none now; one after the clock moves past the card's due time.
	var due struct {
		Count int `json:"count"`
		Due   []struct {
			Slug string `json:"slug"`
		} `json:"due"`
	}
	a.api("GET", "/api/v1/drills/due", tok, nil).json(t, &due)
	if due.Count != 0 {
		t.Fatalf("due right away: %d", due.Count)
	}
	clock.Advance(time.Hour)
	a.api("GET", "/api/v1/drills/due", tok, nil).json(t, &due)
	if due.Count != 1 || due.Due[0].Slug != "l1-vs-l2" {
		t.Fatalf("due after an hour: %+v", due)
	}
	a.api("GET", "/api/v1/drills/due", bob, nil).json(t, &due)
	if due.Count != 0 {
		t.Fatalf("bob's due: %+v", due)
	}
	wantStatus(t, a.api("GET", "/api/v1/drills/due", "", nil), http.StatusUnauthorized)
}

// TestDrillAPICSRF: a signed-in browser's API call with its session cookie
// and no CSRF token stores nothing.
func TestDrillAPICSRF(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	ann := a.signup("ann")
	req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/drills/l1-vs-l2/attempts", strings.NewReader(`{"answer":"L1 zeroes weights."}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := ann.do(req)
	if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("cross-site API post with the cookie: status %d", r.StatusCode)
	}
	if len(history(t, a, "ann")) != 0 {
		t.Fatal("a cross-site post was stored")
	}
}

func TestChooseSetMixesWeakKinds(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ann := a.signup("ann")
	// SQL answered well, ML badly: ML is weaker; the kinds never tried
	// (stats, behavioral) are weaker still.
	ann.get("/drills/plan-mix")
	ann.post("/drills/plan-mix", referenceAnswer(t, a, "plan-mix"))
	ann.post("/drills/l1-vs-l2", url.Values{"action": {"check"}, "answer": {"L2 makes weights exactly zero."}})
	ann.post("/drills/l1-vs-l2/retire", nil)
	r := ann.post("/drills/sets", nil)
	wantStatus(t, r, http.StatusOK)
	u, _ := a.store.UserByName(t.Context(), "ann")
	set, err := a.store.DrillSet(t.Context(), u.ID, idOf(t, r.Request.URL.Path))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, slug := range set.Drills {
		d, _ := a.cat.Drill(slug)
		kinds = append(kinds, d.Kind)
		if slug == "l1-vs-l2" {
			t.Fatal("a retired drill was chosen")
		}
	}
	want := []string{"stats", "behavioral", "ml", "sql", "stats"}
	if strings.Join(kinds, ",") != strings.Join(want, ",") {
		t.Fatalf("set kinds %v, want %v", kinds, want)
	}
}

// answerLoopDrill answers the drill the loop page asks for with the drill's
// own reference, and returns its slug.
func answerLoopDrill(t *testing.T, a *app, c *client, loopPath, id string) string {
	t.Helper()
	doc := c.get(loopPath).doc(t)
	action, ok := doc.Find("#drill-form").Attr("action")
	if !ok {
		t.Fatalf("the loop page asks for no drill: %q", doc.Find("main").Text())
	}
	slug := strings.TrimPrefix(action, "/drills/")
	v := referenceAnswer(t, a, slug)
	v.Set("set", id)
	r := c.post(action, v)
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path != loopPath && r.Request.URL.Path != loopPath+"/report" {
		t.Fatalf("after a loop drill: at %s", r.Request.URL.Path)
	}
	return slug
}

func TestFullLoop(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ann := a.signup("ann")
	tok := a.tokenFor("ann")
	ann.get("/drills/sets")
	r := ann.post("/drills/loops", nil)
	wantStatus(t, r, http.StatusOK)
	loopPath := r.Request.URL.Path
	id := strings.TrimPrefix(loopPath, "/drills/loops/")
	doc := r.doc(t)
	if doc.Find("#loop-rounds > li").Length() != 4 || !strings.Contains(doc.Find("#loop-drill").Text(), "") {
		t.Fatal("the loop page lists the four rounds")
	}
	u, _ := a.store.UserByName(t.Context(), "ann")
	loop, err := a.store.DrillSet(t.Context(), u.ID, idOf(t, loopPath))
	if err != nil || len(loop.Drills) != 7 {
		t.Fatalf("loop %+v, %v", loop, err)
	}
	for i, want := range []string{"ml|stats", "ml|stats", "ml|stats", "sql", "sql", "behavioral", "behavioral"} {
		d, _ := a.cat.Drill(loop.Drills[i])
		if !strings.Contains(want, d.Kind) {
			t.Fatalf("drill %d of the loop is %s (%s), want %s", i, d.Slug, d.Kind, want)
		}
	}
	// Rounds run in order: no design and no behavioral answer yet.
	wantStatus(t, ann.post(loopPath+"/design", nil), http.StatusConflict)
	beh := referenceAnswer(t, a, loop.Drills[5])
	beh.Set("set", id)
	wantStatus(t, ann.post("/drills/"+loop.Drills[5], beh), http.StatusConflict)
	// Another user sees none of it.
	bob := a.signup("bob")
	wantStatus(t, bob.get(loopPath), http.StatusNotFound)
	wantStatus(t, bob.post(loopPath+"/design", nil), http.StatusNotFound)
	wantStatus(t, bob.get(loopPath+"/report"), http.StatusNotFound)

	for i := 0; i < 5; i++ {
		if got, want := answerLoopDrill(t, a, ann, loopPath, id), loop.Drills[i]; got != want {
			t.Fatalf("round drill %d: %s, want %s", i, got, want)
		}
	}
	doc = ann.get(loopPath).doc(t)
	if doc.Find("#start-design").Length() != 1 {
		t.Fatalf("after the drill rounds the loop offers the design: %q", doc.Find("main").Text())
	}
	r = ann.post(loopPath+"/design", nil)
	wantStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Request.URL.Path, "/designs/") || r.doc(t).Find("#clock").Length() != 1 {
		t.Fatalf("the design round opens an interview at %s", r.Request.URL.Path)
	}
	designID := idOf(t, r.Request.URL.Path)
	if ann.get(loopPath).doc(t).Find("#continue-design").Length() != 1 {
		t.Fatal("a design started but not submitted: the loop says continue")
	}
	wantStatus(t, ann.post("/drills/"+loop.Drills[5], beh), http.StatusConflict)
	// Write a medium design (the reference's framing and data only) and submit it.
	k, _ := a.cat.Case(loop.Case)
	half := map[string]any{}
	for _, sec := range []string{"framing", "data"} {
		half[sec] = k.Reference.Sections[sec]
	}
	wantStatus(t, a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", designID), tok, map[string]any{"version": 1, "sections": half}), http.StatusOK)
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", designID), tok, nil), http.StatusOK)
	for i := 5; i < 7; i++ {
		answerLoopDrill(t, a, ann, loopPath, id)
	}
	r = ann.get(loopPath)
	if r.Request.URL.Path != loopPath+"/report" {
		t.Fatalf("a finished loop goes to its report, not %s", r.Request.URL.Path)
	}
	doc = r.doc(t)
	if doc.Find("#loop-scores tbody tr").Length() != 4 {
		t.Fatal("the report gives a score per round")
	}
	design := doc.Find("#score-design .round-score").Text()
	if design == "" || design == "100" {
		t.Fatalf("design round score %q", design)
	}
	if doc.Find("#loop-weakest li").Length() == 0 || !strings.Contains(doc.Find("#loop-weakest").Text(), "ML system design") {
		t.Fatalf("the weakest items should include the half design's: %q", doc.Find("#loop-weakest").Text())
	}
	if !strings.Contains(doc.Find("#loop-summary").Text(), "ML system design") || doc.Find("#loop-next li").Length() < 2 {
		t.Fatalf("summary %q, next %d", doc.Find("#loop-summary").Text(), doc.Find("#loop-next li").Length())
	}
	t.Logf("loop report: %s; rounds %s", doc.Find("#loop-summary").Text(), strings.Join(doc.Find("#loop-scores .round-score").Map(func(_ int, s *goquery.Selection) string { return s.Text() }), ", "))
	// Progress shows the loop's rounds.
	doc = ann.get("/drills/progress").doc(t)
	if doc.Find("#loop-table tbody tr").Length() != 1 || doc.Find("svg.loop-chart circle").Length() != 4 {
		t.Fatalf("progress: %d loops, %d points", doc.Find("#loop-table tbody tr").Length(), doc.Find("svg.loop-chart circle").Length())
	}
}
