package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/casebench/casebench/internal/auth"
)

// phone is the viewport of the phone checks: 390 by 844 CSS pixels, as a
// mobile browser with touch.
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
}

// loginAs signs the browser in as name, after forgetting whoever was in.
func loginAs(t *testing.T, ctx browserCtx, a *app, name string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if name != "" {
		do(t, ctx, "log in as "+name, login(a, name))
	}
}

// phoneWorld is one of everything a page can show: ann's submitted,
// reviewed design, her practice draft and her interview; reviewers before
// and after their review; a mentor.
type phoneWorld struct {
	submitted, draft, interview int64
	slug                        string
}

func newPhoneWorld(t *testing.T, a *app) phoneWorld {
	t.Helper()
	k, _ := a.cat.Case("homepage-recommendations")
	w := phoneWorld{slug: k.Slug}
	for _, name := range []string{"ann", "rita", "sam", "rex", "moe"} {
		a.signup(name)
	}
	u, _ := a.store.UserByName(t.Context(), "moe")
	a.store.SetRole(t.Context(), u.ID, auth.RoleMentor)
	ann := a.tokenFor("ann")
	w.submitted = putReference(t, a, ann, k.Slug)
	wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/submit", w.submitted), ann, nil), http.StatusOK)
	w.draft = putReference(t, a, ann, k.Slug)
	r := a.api("POST", "/api/v1/designs", ann, map[string]string{"case": k.Slug, "mode": "interview", "title": "An interview with a rather long title that has to wrap on a phone"})
	var d designJSON
	r.json(t, &d)
	w.interview = d.ID
	for i, name := range []string{"rita", "sam", "rex"} {
		tok := a.tokenFor(name)
		wantStatus(t, a.api("POST", "/api/v1/calibrations/"+k.Slug, tok, map[string]any{"levels": allLevels(k, 3)}), http.StatusCreated)
		if name == "rex" {
			continue
		}
		levels := allLevels(k, 3)
		levels[k.Rubric.Items[0].ID] = 3 * i // rita 0, sam 3: a disputed item
		wantStatus(t, a.api("POST", fmt.Sprintf("/api/v1/designs/%d/reviews", w.submitted), tok, map[string]any{
			"levels": levels, "comment": "A long comment, to see how it wraps: the framing names retention, but the guardrails lack thresholds and the rollout has no stop rule.",
			"comments": map[string]string{k.Rubric.Items[0].ID: "The objective is a proxy without a business link."},
		}), http.StatusCreated)
	}
	return w
}

// TestBrowserPhonePages opens every page at 390 px as the role that sees
// it, and checks that none scrolls sideways, that primary actions are on
// screen, that the sticky bars take at most 12% of the screen, and that the
// review form is one tap away.
func TestBrowserPhonePages(t *testing.T) {
	a := newApp(t)
	w := newPhoneWorld(t, a)
	ctx := newBrowser(t)
	do(t, ctx, "a phone", phone())

	type pageCheck struct {
		who, path, name string
		visible         []string // must be on screen, within the width, once scrolled to
	}
	s, dr, iv := w.submitted, w.draft, w.interview
	pages := []pageCheck{
		{"", "/", "catalog", nil},
		{"", "/cases/" + w.slug, "case", nil},
		{"", "/login", "login", nil},
		{"", "/signup", "signup", nil},
		{"", "/nowhere", "error", nil},
		{"ann", "/designs", "designs", []string{`form[action="/designs"] button`}},
		{"ann", fmt.Sprintf("/designs/%d", dr), "editor", []string{`#savebar button[value="save"]`, `#submit-button`}},
		{"ann", fmt.Sprintf("/designs/%d", iv), "editor-interview", []string{`#savebar button[value="save"]`}},
		{"ann", fmt.Sprintf("/designs/%d/submit", dr), "submit-confirm", []string{`#confirm-submit-button`}},
		{"ann", fmt.Sprintf("/designs/%d/report", dr), "report-draft", nil},
		{"ann", fmt.Sprintf("/designs/%d", s), "view", nil},
		{"ann", fmt.Sprintf("/designs/%d/report", s), "report", nil},
		{"ann", fmt.Sprintf("/designs/%d/followups", s), "followups", nil},
		{"ann", fmt.Sprintf("/designs/%d/compare", s), "compare", nil},
		{"ann", fmt.Sprintf("/designs/%d/reviews", s), "author-reviews", []string{`article.review-card form.rate button`}},
		{"ann", "/progress", "progress", nil},
		{"ann", "/profile", "profile", nil},
		{"rex", "/reviews", "queue", []string{`#queue a.button`}},
		{"rex", "/reviews/calibrate/" + w.slug, "calibrate-done", nil},
		{"rex", fmt.Sprintf("/reviews/%d", s), "review", []string{`#jump-to-form`}},
		{"rita", fmt.Sprintf("/reviews/%d", s), "review-after", nil},
		{"rita", "/profile", "profile-reviewer", nil},
		{"sam", "/reviews/calibrate/artwork-personalization", "calibrate", nil},
		{"moe", "/mentor", "mentor", []string{`#mentor-designs a[href$="/reviews#settle"]`}},
		{"moe", fmt.Sprintf("/designs/%d", s), "mentor-view", nil},
		{"moe", fmt.Sprintf("/designs/%d/reviews", s), "mentor-reviews", []string{`#settle button`}},
	}
	who := "-"
	for _, p := range pages {
		if p.who != who {
			loginAs(t, ctx, a, p.who)
			who = p.who
		}
		do(t, ctx, "open "+p.name, chromedp.Navigate(a.srv.URL+p.path), chromedp.WaitReady(css(`footer`)), scriptsRan())
		width := get(t, ctx, "width of "+p.name, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if width[0] > 390 || width[1] > 390 {
			wide := get(t, ctx, "what is wide", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("body *")).filter(function(e){return e.getBoundingClientRect().right>391 && !e.closest(".table-wrap")}).slice(0,5).map(function(e){return e.tagName+"."+e.className}).join(", ")`))
			t.Errorf("%s (%s): the page is %.0f px wide in a 390 px viewport (%s)", p.name, p.path, width[0], wide)
		}
		for _, sel := range p.visible {
			box := get(t, ctx, "where "+sel, chromedp.Evaluate[[]float64](`(function(){var e=document.querySelector(`+jsString(sel)+`);if(!e)return [-1,-1,-1,-1];e.scrollIntoView({block:"center"});var r=e.getBoundingClientRect();return [r.left,r.right,r.top,r.bottom]})()`))
			if box[0] < 0 || box[1] > 390 || box[1]-box[0] < 20 || box[2] < 0 || box[3] > 844 {
				t.Errorf("%s: %s is not on screen: left %.0f, right %.0f, top %.0f, bottom %.0f", p.name, sel, box[0], box[1], box[2], box[3])
			}
		}
		screenshot(t, ctx, "phone-"+p.name, false)
	}

	// The sticky bars of the editor, with the interview clock, take at most
	// 12% of the screen, wherever the page is scrolled.
	loginAs(t, ctx, a, "ann")
	for _, path := range []string{fmt.Sprintf("/designs/%d", iv), fmt.Sprintf("/designs/%d", dr)} {
		do(t, ctx, "open the editor", chromedp.Navigate(a.srv.URL+path), chromedp.WaitVisible(css(`#design-form`)), scriptsRan())
		for _, at := range []string{"#s-data", "#s-evaluation", "#s-pipeline"} {
			share := get(t, ctx, "sticky share", chromedp.Evaluate[float64](`(function(){document.querySelector(`+jsString(at)+`).scrollIntoView();var h=0;document.querySelectorAll("body *").forEach(function(e){var p=getComputedStyle(e).position;if(p!=="sticky"&&p!=="fixed")return;if(e.closest("details:not([open])")&&!e.matches("summary"))return;var r=e.getBoundingClientRect();var top=Math.max(0,r.top),bottom=Math.min(innerHeight,r.bottom);if(bottom>top&&r.width>0)h+=bottom-top});return h/innerHeight})()`))
			if share > 0.12 {
				t.Errorf("%s at %s: sticky bars take %.1f%% of the screen", path, at, 100*share)
			}
			if at == "#s-evaluation" {
				t.Logf("%s at %s: sticky bars take %.1f%% of the screen", path, at, 100*share)
			}
		}
		if path == fmt.Sprintf("/designs/%d", iv) {
			do(t, ctx, "scroll", chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-evaluation").scrollIntoView()`))
			screenshot(t, ctx, "phone-editor-interview-scrolled", false)
		}
	}

	// On a review, the form is one tap away.
	loginAs(t, ctx, a, "rex")
	do(t, ctx, "open the review", chromedp.Navigate(a.srv.URL+fmt.Sprintf("/reviews/%d", s)), chromedp.WaitVisible(css(`#jump-to-form`)), scriptsRan())
	far := get(t, ctx, "form position", chromedp.Evaluate[float64](`document.getElementById("review-form").getBoundingClientRect().top`))
	do(t, ctx, "tap the jump link", chromedp.Click(css(`#jump-to-form`)))
	top := get(t, ctx, "form after the tap", chromedp.Poll[float64](`(function(){var t=document.getElementById("review-form").getBoundingClientRect().top;return t>-5&&t<200?t:0})()`))
	t.Logf("the review form starts %.0f px down; one tap brings it to %.0f px from the top", far, top)
	screenshot(t, ctx, "phone-review-form", false)

	// Desktop screenshots of the pages looked at by hand.
	{
		do(t, ctx, "a desktop", chromedp.EmulateViewport(1280, 900))
		loginAs(t, ctx, a, "moe")
		do(t, ctx, "mentor page", chromedp.Navigate(a.srv.URL+"/mentor"), chromedp.WaitVisible(css(`#mentor-designs`)))
		screenshot(t, ctx, "desktop-mentor", false)
		do(t, ctx, "mentor reviews", chromedp.Navigate(a.srv.URL+fmt.Sprintf("/designs/%d/reviews", s)), chromedp.WaitVisible(css(`#settle`)))
		screenshot(t, ctx, "desktop-mentor-reviews", true)
		loginAs(t, ctx, a, "ann")
		do(t, ctx, "report", chromedp.Navigate(a.srv.URL+fmt.Sprintf("/designs/%d/report", s)), chromedp.WaitVisible(css(`#score`)))
		screenshot(t, ctx, "desktop-report", false)
		do(t, ctx, "my designs", chromedp.Navigate(a.srv.URL+"/designs"), chromedp.WaitVisible(css(`.modes`)))
		screenshot(t, ctx, "desktop-designs", true)
	}
}
