package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCheckTurnsFindingMet fills a section, presses Check, and sees
// a finding turn from missed to met.
func TestBrowserCheckTurnsFindingMet(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "check_ann", "homepage-recommendations")

	finding := `li.check[data-check="present"]:has(a[href$="#field-framing.objective"])`
	do(t, ctx, "check the empty draft", chromedp.Click(css(`#check-button`)), chromedp.WaitVisible(css(`#score`)))
	if cls := get(t, ctx, "finding before", chromedp.Evaluate[string](`document.querySelector('`+finding+`').className`)); !strings.Contains(cls, "missed") {
		t.Fatalf("before writing, the framing finding is %q", cls)
	}
	label := get(t, ctx, "label", chromedp.Text(css(finding+` .label`)))

	objective := "We want members to find something they love quickly, because members who start a satisfying title " +
		"within a minute keep their subscription. The home page is the main lever: most streaming hours start from it. " +
		"So the model ranks rows and titles for long-term satisfaction, measured through retention and qualified plays, " +
		"and we treat clicks only as a weak proxy that we check against retention in every test."
	do(t, ctx, "go to the field from the finding and write it",
		chromedp.Click(css(finding+` .hint a`)),
		chromedp.WaitVisible(css(`#design-form`)),
		chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), objective),
		chromedp.Click(css(`#check-button`)),
		chromedp.WaitVisible(css(`#score`)),
	)
	met := get(t, ctx, "finding after", chromedp.Evaluate[string](`(function(){var l=Array.from(document.querySelectorAll('li.check')).find(function(e){return e.querySelector('.label').textContent===`+jsString(label)+`});return l?l.className:"absent"})()`))
	if !strings.Contains(met, "met") || strings.Contains(met, "missed") {
		t.Fatalf("after writing, the finding %q is %q", label, met)
	}
	if score := get(t, ctx, "score", chromedp.Text(css(`#score`))); score == "0" {
		t.Error("the score did not move")
	}
}
