package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pickAll checks the radio of one level on every rubric item of the form.
func pickAll(level string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[type=radio][value="` + level + `"][name^="level."]').forEach(function(r){r.checked=true})`)
}

func login(a *app, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.SendKeys(css(`input[name="name"]`), name),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`.who`)),
	)
}

func logout() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Click(css(`form[action="/logout"] button`)), chromedp.WaitVisible(css(`a[href="/login"]`)))
}

// TestBrowserPeerReview: A submits; B calibrates and reviews A's design; A
// sees the review and rates it.
func TestBrowserPeerReview(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "rev_author", "experimentation-platform")
	do(t, ctx, "A writes and submits",
		chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), "Decide which ranking changes to ship by their effect on retention, testing many candidates quickly with interleaving first."),
		chromedp.Click(css(`#check-button`)),
		// The editor has a submit form too: wait for the report page
		// itself, or the click may land on the page being replaced.
		chromedp.WaitVisible(css(`#score`)),
		chromedp.WaitVisible(css(`form[action$="/submit"] button`)),
		chromedp.Click(css(`form[action$="/submit"] button`)),
		chromedp.WaitVisible(css(`#confirm-submit-button`)),
		chromedp.Click(css(`#confirm-submit-button`)),
		chromedp.WaitVisible(css(`.flash`)),
		logout(),
	)

	do(t, ctx, "B signs up and opens the queue",
		chromedp.Navigate(a.srv.URL+"/signup?next=/reviews"),
		chromedp.SendKeys(css(`input[name="name"]`), "rev_reviewer"),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`#queue`)),
		chromedp.Click(css(`#queue a[href^="/reviews/calibrate/"]`)),
		chromedp.WaitVisible(css(`form.review-form`)),
		pickAll("3"),
		chromedp.Click(css(`form.review-form button`)),
		chromedp.WaitVisible(css(`#accuracy`)),
	)
	if acc := get(t, ctx, "accuracy", chromedp.Text(css(`#accuracy`))); !strings.HasSuffix(acc, "%") {
		t.Fatalf("calibration accuracy %q", acc)
	}
	do(t, ctx, "B reviews A's design",
		chromedp.Navigate(a.srv.URL+"/reviews"),
		chromedp.Click(css(`#queue a.button`)),
		chromedp.WaitVisible(css(`#review-form`)),
		pickAll("2"),
		chromedp.SendKeys(css(`#review-form textarea[name="comment"]`), "Good start: add the A/B stage and guardrails."),
		chromedp.Click(css(`#review-form > button`)),
		chromedp.WaitVisible(css(`#reviews table.summary`)),
	)
	if body := get(t, ctx, "B's view", chromedp.Text(css(`#reviews`))); strings.Contains(body, "rev_author") {
		t.Fatal("the reviewer sees the author's name")
	}
	do(t, ctx, "B logs out", logout())

	do(t, ctx, "A sees the review", login(a, "rev_author"))
	if badge := get(t, ctx, "badge", chromedp.Text(css(`a[href="/designs"] .badge`))); badge != "1 new" {
		t.Fatalf("A's badge %q", badge)
	}
	do(t, ctx, "A opens the reviews and rates",
		chromedp.Navigate(a.srv.URL+"/designs"),
		chromedp.Click(css(`table.list a[href^="/designs/"]`)),
		chromedp.WaitVisible(css(`a[href$="/reviews"]`)),
		chromedp.Click(css(`.actions a[href$="/reviews"]`)),
		chromedp.WaitVisible(css(`article.review-card`)),
	)
	card := get(t, ctx, "card", chromedp.Text(css(`article.review-card`)))
	if !strings.Contains(card, "Reviewer 1") || !strings.Contains(card, "add the A/B stage") || strings.Contains(card, "rev_reviewer") {
		t.Fatalf("A's view of the review: %q", card)
	}
	do(t, ctx, "rate 4",
		setSelect(`article.review-card select[name="score"]`, "4"),
		chromedp.Click(css(`article.review-card form.rate button`)),
		chromedp.WaitVisible(css(`.flash`)),
	)
	if card := get(t, ctx, "rated", chromedp.Text(css(`article.review-card`))); !strings.Contains(card, "You rated it 4 of 5") {
		t.Fatalf("after rating: %q", card)
	}
}
