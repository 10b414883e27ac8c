package server_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/casebench/casebench/internal/drill"
)

// noSideScroll fails the test when the page is wider than the viewport.
func noSideScroll(t *testing.T, ctx browserCtx, what string, width int) {
	t.Helper()
	w := get(t, ctx, "width of "+what, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if w[0] > float64(width) || w[1] > float64(width) {
		wide := get(t, ctx, "what is wide", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(function(e){return e.getBoundingClientRect().right>`+fmt.Sprint(width+1)+` && !e.closest(".table-wrap")}).slice(0,5).map(function(e){return e.tagName+"."+e.className}).join(", ")`))
		t.Errorf("%s: the page is %.0f px wide in a %d px viewport (%s)", what, w[0], width, wide)
	}
}

// waitFor waits until the page shows an element matching sel, across
// the navigation a click starts: a check that fails while the page
// changes is tried again.
func waitFor(t *testing.T, ctx browserCtx, what, sel string) {
	t.Helper()
	waitForJS(t, ctx, what, sel, `!!document.querySelector(`+jsString(sel)+`)`)
}

// waitForJS waits until the expression cond is true on a loaded page.
func waitForJS(t *testing.T, ctx browserCtx, what, sel, cond string) {
	t.Helper()
	deadline := time.Now().Add(testWaitTimeout)
	js := `document.readyState === "complete" && (` + cond + `)`
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + ": " + document.body.innerText.slice(0, 800)`))
			t.Fatalf("%s: %s did not appear (%v); the page: %s", what, sel, err, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestBrowserDrills answers a drill and reads its report, finds it in Due
// once the clock passes its due time, runs a SQL query, and takes a timed
// set to its report: on a desktop and on a 390 px phone.
func TestBrowserDrills(t *testing.T) {
	clock := newTestClock()
	a := newDrillApp(t, clock)
	ctx := newBrowser(t)
	onDesktopAndPhone(t, ctx, func(t *testing.T, vp viewport) {
		user := "drill_" + vp.name
		loginAs(t, ctx, a, "")
		do(t, ctx, "sign up",
			signUpTo(a, user, "/drills/l1-vs-l2"),
			chromedp.WaitVisible(css(`#drill-form`)),
		)
		if n := get(t, ctx, "reference before", chromedp.Evaluate[int](`document.querySelectorAll("#reference").length`)); n != 0 {
			t.Fatal("the reference shows before the first attempt")
		}
		noSideScroll(t, ctx, "drill page", vp.width)

		// A wrong answer: the report flags the misconception, quoting it.
		do(t, ctx, "answer and check",
			chromedp.SendKeys(css(`textarea[name="answer"]`), "L2 regularisation makes the weights exactly zero, so it picks features. L1 only shrinks them."),
			chromedp.Click(css(`#check-button`)),
			chromedp.WaitVisible(css(`#report`)),
		)
		flags := get(t, ctx, "red flags", chromedp.Text(css(`#red-flags`)))
		if !strings.Contains(flags, "exactly zero") {
			t.Fatalf("the report's red flags do not quote the answer: %q", flags)
		}
		score := get(t, ctx, "score", chromedp.Text(css(`#score`)))
		proposed := get(t, ctx, "proposed", chromedp.Text(css(`#proposed`)))
		t.Logf("%s: the wrong answer scored %s and proposed %s", vp.name, score, proposed)
		do(t, ctx, "the reference is shown", chromedp.WaitVisible(css(`#reference`)))
		noSideScroll(t, ctx, "report", vp.width)
		screenshot(t, ctx, "drill-report-"+vp.name, true)

		// Re-rate it hard; the page says so.
		do(t, ctx, "rate hard", chromedp.Click(css(`#rate-form button[value="hard"]`)))
		waitFor(t, ctx, "the rating becomes hard", `#rate-form button.primary[value="hard"]`)
		if got := get(t, ctx, "rating", chromedp.Text(css(`#rating-now`))); got != "hard" {
			t.Fatalf("rating after re-rating: %q", got)
		}

		// Not due yet; due once the clock passes the card's due time.
		do(t, ctx, "due page", chromedp.Navigate(a.srv.URL+"/drills/due"), chromedp.WaitVisible(css(`#due-count`)))
		if n := get(t, ctx, "due rows", chromedp.Evaluate[int](`document.querySelectorAll("#due .due-row").length`)); n != 0 {
			t.Fatalf("%d drills due right after the attempt", n)
		}
		card := cardOf(t, a, user, "l1-vs-l2")
		clock.Advance(card.Due.Sub(clock.Now()) + time.Minute)
		do(t, ctx, "due page later", chromedp.Reload(), chromedp.WaitVisible(css(`#due .due-row`)))
		if nav := get(t, ctx, "nav", chromedp.Text(css(`#nav-due`))); !strings.Contains(nav, "1 due") {
			t.Fatalf("the navigation shows %q, want 1 due", nav)
		}
		if row := get(t, ctx, "due row", chromedp.Text(css(`#due .due-row`))); !strings.Contains(row, "L1") {
			t.Fatalf("due row %q", row)
		}
		noSideScroll(t, ctx, "due page", vp.width)
		screenshot(t, ctx, "drills-due-"+vp.name, false)

		// A SQL drill's Run shows the result table.
		ref, _ := a.cat.Drill("plan-mix")
		do(t, ctx, "run a query",
			chromedp.Navigate(a.srv.URL+"/drills/plan-mix"),
			chromedp.WaitVisible(css(`#run-button`)),
			chromedp.SetValue(css(`textarea[name="sql"]`), ref.Reference.SQL),
			chromedp.Click(css(`#run-button`)),
			chromedp.WaitVisible(css(`#run-result table`)),
		)
		if n := get(t, ctx, "result rows", chromedp.Evaluate[int](`document.querySelectorAll("#run-result tbody tr").length`)); n == 0 {
			t.Fatal("Run shows no rows")
		}
		noSideScroll(t, ctx, "SQL run", vp.width)

		// A timed set: five drills, the clock, then the report.
		do(t, ctx, "start a set",
			chromedp.Navigate(a.srv.URL+"/drills/sets"),
			chromedp.WaitVisible(css(`#start-set button`)),
			chromedp.Click(css(`#start-set button`)),
		)
		waitFor(t, ctx, "the set page", "#clock")
		get(t, ctx, "set clock ticking", chromedp.Poll[bool](`/^2\d:\d\d left$/.test(document.getElementById("clock-time").textContent)`))
		if first := get(t, ctx, "first drill", chromedp.Text(css(`#set-drill`))); !strings.Contains(first, "L1") {
			t.Fatalf("the due drill does not come first: %q", first)
		}
		noSideScroll(t, ctx, "set page", vp.width)
		screenshot(t, ctx, "drill-set-"+vp.name, false)
		for i := 0; i < 5; i++ {
			action := get(t, ctx, "form action", chromedp.Evaluate[string](`document.getElementById("drill-form").getAttribute("action")`))
			d, ok := a.cat.Drill(strings.TrimPrefix(action, "/drills/"))
			if !ok {
				t.Fatalf("the set's form posts to %s", action)
			}
			steps := []chromedp.Action[chromedp.Void]{chromedp.SetValue(css(`textarea[name="answer"]`), d.Reference.Answer)}
			if d.Reference.SQL != "" {
				steps = append(steps, chromedp.SetValue(css(`textarea[name="sql"]`), d.Reference.SQL))
			}
			next := `#clock`
			if i == 4 {
				next = `#set-table`
			}
			steps = append(steps, chromedp.Click(css(`#check-button`)))
			do(t, ctx, fmt.Sprintf("answer drill %d of the set (%s)", i+1, d.Slug), steps...)
			if i < 4 {
				waitFor(t, ctx, "the next drill of the set", fmt.Sprintf(`#set-steps li.done:nth-child(%d)`, i+1))
			} else {
				waitFor(t, ctx, "the set report", next)
			}
		}
		rows := get(t, ctx, "set report rows", chromedp.Evaluate[int](`document.querySelectorAll("#set-table tbody tr").length`))
		reports := get(t, ctx, "set reports", chromedp.Evaluate[int](`document.querySelectorAll(".set-item #report").length`))
		summary := get(t, ctx, "set summary", chromedp.Text(css(`#set-summary`)))
		if rows != 5 || reports != 5 || !strings.Contains(summary, "5 of 5 answered") {
			t.Fatalf("set report: %d rows, %d reports, %q", rows, reports, summary)
		}
		t.Logf("%s: %s", vp.name, summary)
		noSideScroll(t, ctx, "set report", vp.width)
		screenshot(t, ctx, "drill-set-report-"+vp.name, true)

		do(t, ctx, "progress", chromedp.Navigate(a.srv.URL+"/drills/progress"), chromedp.WaitVisible(css(`svg.drill-chart`)))
		noSideScroll(t, ctx, "progress", vp.width)
		screenshot(t, ctx, "drill-progress-"+vp.name, false)
		do(t, ctx, "bank", chromedp.Navigate(a.srv.URL+"/drills"), chromedp.WaitVisible(css(`#drill-filter`)))
		noSideScroll(t, ctx, "bank", vp.width)
	})
}

// TestBrowserFullLoop runs a full loop in the browser: three screening
// drills, two SQL drills, the design in interview mode (written through
// the API, submitted in the browser), two behavioral drills, and the
// report, at 1280 and 390 px.
func TestBrowserFullLoop(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	ctx := newBrowser(t)
	onDesktopAndPhone(t, ctx, func(t *testing.T, vp viewport) {
		user := "loop_" + vp.name
		loginAs(t, ctx, a, "")
		do(t, ctx, "sign up",
			signUpTo(a, user, "/drills/sets"),
			chromedp.WaitVisible(css(`#start-loop button`)),
			chromedp.Click(css(`#start-loop button`)),
		)
		waitFor(t, ctx, "the loop page", "#loop-rounds")
		answer := func(i int) string {
			action := get(t, ctx, "form action", chromedp.Evaluate[string](`document.getElementById("drill-form").getAttribute("action")`))
			d, ok := a.cat.Drill(strings.TrimPrefix(action, "/drills/"))
			if !ok {
				t.Fatalf("the loop's form posts to %s", action)
			}
			steps := []chromedp.Action[chromedp.Void]{chromedp.SetValue(css(`textarea[name="answer"]`), d.Reference.Answer)}
			if d.Reference.SQL != "" {
				steps = append(steps, chromedp.SetValue(css(`textarea[name="sql"]`), d.Reference.SQL))
			}
			steps = append(steps, chromedp.Click(css(`#check-button`)))
			do(t, ctx, fmt.Sprintf("answer loop drill %d (%s)", i+1, d.Slug), steps...)
			return action
		}
		for i := 0; i < 5; i++ {
			if i == 0 {
				noSideScroll(t, ctx, "loop drill", vp.width)
			}
			prev := answer(i)
			if i < 4 {
				waitForJS(t, ctx, "the next loop drill", "#drill-form", `!!document.getElementById("drill-form") && document.getElementById("drill-form").getAttribute("action") !== `+jsString(prev))
			}
		}
		waitFor(t, ctx, "the design round", "#start-design")
		do(t, ctx, "start the design", chromedp.Click(css(`#start-design`)))
		waitFor(t, ctx, "the interview editor", "#clock")
		loc := get(t, ctx, "editor address", chromedp.Location())
		id := idOf(t, loc[strings.Index(loc, "/designs/"):])
		u, _ := a.store.UserByName(t.Context(), user)
		tok, _ := a.store.CreateToken(t.Context(), u.ID)
		loop, _ := a.store.DrillSets(t.Context(), u.ID)
		k, _ := a.cat.Case(loop[0].Case)
		// A medium design: the reference's framing and data only.
		half := map[string]any{"framing": k.Reference.Sections["framing"], "data": k.Reference.Sections["data"]}
		wantStatus(t, a.api("PUT", fmt.Sprintf("/api/v1/designs/%d", id), tok, map[string]any{"version": 1, "sections": half}), 200)
		do(t, ctx, "submit the design", chromedp.Navigate(a.srv.URL+fmt.Sprintf("/designs/%d/submit", id)), chromedp.WaitVisible(css(`#confirm-submit-button`)), chromedp.Click(css(`#confirm-submit-button`)))
		waitFor(t, ctx, "the submitted design's report", "#score")
		do(t, ctx, "back to the loop", chromedp.Navigate(a.srv.URL+fmt.Sprintf("/drills/loops/%d", loop[0].ID)))
		waitFor(t, ctx, "the behavioral round", "#drill-form")
		prev := answer(5)
		waitForJS(t, ctx, "the last drill", "#drill-form", `!!document.getElementById("drill-form") && document.getElementById("drill-form").getAttribute("action") !== `+jsString(prev))
		answer(6)
		waitFor(t, ctx, "the loop report", "#loop-scores")
		rows := get(t, ctx, "round rows", chromedp.Evaluate[int](`document.querySelectorAll("#loop-scores tbody tr").length`))
		summary := get(t, ctx, "summary", chromedp.Text(css(`#loop-summary`)))
		next := get(t, ctx, "next", chromedp.Evaluate[int](`document.querySelectorAll("#loop-next li").length`))
		weak := get(t, ctx, "weakest", chromedp.Evaluate[int](`document.querySelectorAll("#loop-weakest li").length`))
		if rows != 4 || next < 2 || weak == 0 || !strings.Contains(summary, "the weakest was ML system design") {
			t.Fatalf("loop report: %d rounds, %d next steps, %d weak items, %q", rows, next, weak, summary)
		}
		t.Logf("%s: %s", vp.name, summary)
		noSideScroll(t, ctx, "loop report", vp.width)
		screenshot(t, ctx, "loop-report-"+vp.name, true)
	})
}

// viewport is one of the screens the drill tests run on.
type viewport struct {
	name  string
	width int
	phone bool
}

// onDesktopAndPhone runs steps as a subtest at 1280 px and again on a
// 390 px phone, in the one browser.
func onDesktopAndPhone(t *testing.T, ctx browserCtx, steps func(t *testing.T, vp viewport)) {
	for _, vp := range []viewport{{"desktop", 1280, false}, {"phone", 390, true}} {
		t.Run(vp.name, func(t *testing.T) {
			if vp.phone {
				do(t, ctx, "a phone", phone())
			} else {
				do(t, ctx, "a desktop", chromedp.EmulateViewport(1280, 900))
			}
			steps(t, vp)
		})
	}
}

// signUpTo signs name up, from a browser with no one signed in, and goes on
// to next.
func signUpTo(a *app, name, next string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(a.srv.URL+"/signup?next="+next),
		chromedp.SendKeys(css(`input[name="name"]`), name),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
	)
}

// TestBrowserDrillReviewAndUpload: a member answers a drill and uploads a
// SQL drill's answer file (a bad one first); a second member calibrates on
// the pack and reviews the first answer blind; the author reads the peer
// levels on the report. At 1280 and 390 px.
func TestBrowserDrillReviewAndUpload(t *testing.T) {
	a := newDrillApp(t, newTestClock())
	ctx := newBrowser(t)
	sqlDrill, _ := a.cat.Drill("plan-mix")
	good := filepath.Join(t.TempDir(), "plan-mix.json")
	bad := filepath.Join(t.TempDir(), "writes.json")
	for path, ans := range map[string]*drill.Answer{
		good: {Drill: sqlDrill.Slug, Answer: "Counts by plan over the members still subscribed, with each plan's share.", SQL: sqlDrill.Reference.SQL},
		bad:  {Drill: sqlDrill.Slug, SQL: "DELETE FROM members"},
	} {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := drill.Encode(f, ans); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	onDesktopAndPhone(t, ctx, func(t *testing.T, vp viewport) {
		author, reviewer := "dra_"+vp.name, "drr_"+vp.name
		loginAs(t, ctx, a, "")
		do(t, ctx, "the author answers a drill",
			signUpTo(a, author, "/drills/l1-vs-l2"),
			chromedp.WaitVisible(css(`#drill-form`)),
			chromedp.SendKeys(css(`textarea[name="answer"]`), mediumL1),
			chromedp.Click(css(`#check-button`)),
			chromedp.WaitVisible(css(`#report`)),
		)
		loc := get(t, ctx, "report address", chromedp.Location())
		id := idOf(t, loc[strings.Index(loc, "/drills/"):])

		// Upload: a query that writes is refused on the page; the good file
		// becomes an attempt with its report.
		do(t, ctx, "upload a bad file",
			chromedp.Navigate(a.srv.URL+"/drills"),
			chromedp.WaitVisible(css(`#upload summary`)),
			chromedp.Click(css(`#upload summary`)),
			chromedp.WaitVisible(css(`#upload-button`)),
		)
		noSideScroll(t, ctx, "bank with the upload form", vp.width)
		screenshot(t, ctx, "drills-upload-open-"+vp.name, false)
		do(t, ctx, "choose the bad file",
			chromedp.SetUploadFiles(css(`#upload-form input[type=file]`), []string{bad}),
			chromedp.Click(css(`#upload-button`)),
		)
		waitFor(t, ctx, "the upload's refusal", "#upload-error")
		if msg := get(t, ctx, "refusal", chromedp.Text(css(`#upload-error`))); !strings.Contains(msg, "Nothing was saved") || !strings.Contains(msg, "SELECT") {
			t.Fatalf("the refusal says %q", msg)
		}
		noSideScroll(t, ctx, "upload refused", vp.width)
		screenshot(t, ctx, "drill-upload-refused-"+vp.name, true)
		do(t, ctx, "upload the good file",
			chromedp.SetUploadFiles(css(`#upload-form input[type=file]`), []string{good}),
			chromedp.Click(css(`#upload-button`)),
		)
		waitFor(t, ctx, "the uploaded answer's report", "#report #score")
		if flash := get(t, ctx, "flash", chromedp.Text(css(`.flash`))); !strings.Contains(flash, "Uploaded and checked") {
			t.Fatalf("after the upload the page says %q", flash)
		}
		if n := get(t, ctx, "met result", chromedp.Evaluate[int](`document.querySelectorAll("#item-result .chip.status-met").length`)); n != 1 {
			t.Fatal("the uploaded reference query is not met")
		}
		noSideScroll(t, ctx, "uploaded report", vp.width)
		screenshot(t, ctx, "drill-upload-report-"+vp.name, true)

		// The reviewer: the queue, calibration, the blind review.
		loginAs(t, ctx, a, "")
		do(t, ctx, "the reviewer opens the queue",
			signUpTo(a, reviewer, "/drills/reviews"),
			chromedp.WaitVisible(css(`#drill-queue`)),
		)
		noSideScroll(t, ctx, "review queue", vp.width)
		screenshot(t, ctx, "drill-queue-"+vp.name, true)
		row := fmt.Sprintf("#answer-%d", id)
		if body := get(t, ctx, "queue", chromedp.Text(css(`main`))); strings.Contains(body, author) {
			t.Fatal("the queue names the author")
		}
		do(t, ctx, "calibrate", chromedp.Click(css(row+` a[href^="/drills/reviews/calibrate/"]`)))
		waitFor(t, ctx, "the calibration form", "#submit-calibration")
		noSideScroll(t, ctx, "calibration form", vp.width)
		do(t, ctx, "answer 3 everywhere", pickAll("3"), chromedp.Click(css(`#submit-calibration`)))
		waitFor(t, ctx, "the calibration result", "#accuracy")
		acc := get(t, ctx, "accuracy", chromedp.Text(css(`#accuracy`)))
		if n, err := strconv.Atoi(strings.TrimSuffix(acc, "%")); err != nil || n >= 50 {
			t.Fatalf("answering 3 everywhere scores %q", acc)
		}
		noSideScroll(t, ctx, "calibration result", vp.width)
		screenshot(t, ctx, "drill-calibration-"+vp.name, true)
		do(t, ctx, "open the answer",
			chromedp.Navigate(a.srv.URL+"/drills/reviews"),
			chromedp.WaitVisible(css(row)),
			chromedp.Click(css(row+` a.button`)),
		)
		waitFor(t, ctx, "the review form", "#submit-review")
		if body := get(t, ctx, "review page", chromedp.Text(css(`main`))); strings.Contains(body, author) || !strings.Contains(body, "selects features") {
			t.Fatal("the review page names the author, or does not show the answer")
		}
		noSideScroll(t, ctx, "review form", vp.width)
		screenshot(t, ctx, "drill-review-form-"+vp.name, true)
		do(t, ctx, "review",
			pickAll("2"),
			chromedp.SendKeys(css(`#review-form textarea[name="comment"]`), "Say what happens with correlated features."),
			chromedp.Click(css(`#submit-review`)),
		)
		waitFor(t, ctx, "the reviews after submitting", "#reviews table.summary")
		if body := get(t, ctx, "reviews", chromedp.Text(css(`#reviews`))); strings.Contains(body, author) || !strings.Contains(body, "You") {
			t.Fatalf("after the review: %q", body)
		}
		noSideScroll(t, ctx, "review submitted", vp.width)

		// The author reads the peer levels beside the automatic ones.
		loginAs(t, ctx, a, author)
		do(t, ctx, "the author opens the report", chromedp.Navigate(loc), chromedp.WaitVisible(css(`#peer-reviews table.summary`)))
		peer := get(t, ctx, "peer reviews", chromedp.Text(css(`#peer-reviews`)))
		if !strings.Contains(peer, "Reviewer 1") || !strings.Contains(peer, "correlated features") || strings.Contains(peer, reviewer) {
			t.Fatalf("the author's peer reviews: %q", peer)
		}
		if n := get(t, ctx, "automatic column", chromedp.Evaluate[int](`document.querySelectorAll('#peer-reviews td[data-label="Automatic"]').length`)); n == 0 {
			t.Fatal("no automatic level beside the peer levels")
		}
		noSideScroll(t, ctx, "author's report", vp.width)
		do(t, ctx, "scroll to the reviews", chromedp.ScrollIntoView(css(`#peer-reviews`)))
		screenshot(t, ctx, "drill-peer-reviews-"+vp.name, false)
	})
}
