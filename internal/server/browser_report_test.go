package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReportExplains writes a design that optimises clicks, refuses
// exploration and names its reward only in the wrong section, checks it,
// and sees the report say each of these in words: the red flag with its
// reason and sentence, the refused mention, and the half credit for the
// other section. CASEBENCH_SCREENSHOTS=DIR saves the report as a picture.
func TestBrowserReportExplains(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "report_ann", "artwork-personalization")
	do(t, ctx, "write the design",
		chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), "We optimise clicks on the artwork, since a click shows the image worked for the member."),
		chromedp.SendKeys(css(`textarea[name="f.model.approach"]`), "There is no exploration in this design: the policy always shows its favourite image."),
		chromedp.SendKeys(css(`textarea[name="f.deployment.serving"]`), "Success for one showing is a play that lasts at least 15 minutes, served from a cache of choices."),
		chromedp.Click(css(`#check-button`)),
		chromedp.WaitVisible(css(`#score`)),
		chromedp.WaitVisible(css(`#red-flags`)),
	)
	flags := get(t, ctx, "red flags", chromedp.Text(css(`#red-flags`)))
	if !strings.Contains(flags, "Optimises clicks on the artwork") || !strings.Contains(flags, "clicks are not the goal") || !strings.Contains(flags, "We optimise clicks") {
		t.Errorf("the red flag, its reason or its sentence is missing:\n%s", flags)
	}
	refused := get(t, ctx, "refused note", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('li.note-denied')).map(function(e){return e.textContent}).join('\n')`))
	if !strings.Contains(refused, "no exploration") {
		t.Errorf("no note says the exploration was refused:\n%s", refused)
	}
	other := get(t, ctx, "other-section note", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('li.note-other_section')).map(function(e){return e.textContent}).join('\n')`))
	if !strings.Contains(other, "found only in Deployment and serving") {
		t.Errorf("no note says the reward was found only in another section:\n%s", other)
	}
	if meaning := get(t, ctx, "grade meaning", chromedp.Text(css(`#grade-meaning`))); !strings.Contains(meaning, "interviewer") {
		t.Errorf("the grade is not explained in words: %q", meaning)
	}
	if dir := os.Getenv("CASEBENCH_SCREENSHOTS"); dir != "" {
		png := get(t, ctx, "screenshot", chromedp.FullScreenshot(100)) // 100: PNG
		if err := os.WriteFile(filepath.Join(dir, "report.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
