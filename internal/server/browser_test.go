package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

type css = chromedp.CSS

// TestBrowserWriteAndReload signs up, opens a case, starts a design, fills
// two sections, lets autosave store them, reloads, and sees the text.
func TestBrowserWriteAndReload(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	base := a.srv.URL

	do(t, ctx, "sign up",
		chromedp.Navigate(base+"/signup"),
		chromedp.SendKeys(css(`input[name="name"]`), "browser_ann"),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`.who`)),
	)
	do(t, ctx, "open a case",
		chromedp.Navigate(base+"/"),
		chromedp.Click(css(`a[href="/cases/homepage-recommendations"]`)),
		chromedp.WaitVisible(css(`details.qa`)),
	)
	if title := get(t, ctx, "case title", chromedp.Text(css(`h1`))); title != "Homepage recommendations" {
		t.Fatalf("case page h1 = %q", title)
	}
	do(t, ctx, "open a clarifying question", chromedp.Click(css(`details.qa summary`)))
	if !get(t, ctx, "answer open", chromedp.Evaluate[bool](`document.querySelector("details.qa").open`)) {
		t.Fatal("the answer did not open on request")
	}

	framing := "Raise long-term retention by building each member a home page of rows."
	evaluation := "Interleaving first, then an A/B test on retention and streaming hours."
	do(t, ctx, "start a design and fill two sections",
		chromedp.Click(css(`.start button`)),
		chromedp.WaitVisible(css(`#design-form`)),
		chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), framing),
		chromedp.SendKeys(css(`textarea[name="f.evaluation.online"]`), evaluation),
	)
	get(t, ctx, "wait for autosave", chromedp.Poll[bool](`document.getElementById("save-state").textContent.startsWith("Saved")`))
	if state := get(t, ctx, "save state", chromedp.Text(css(`#save-state`))); !strings.HasPrefix(state, "Saved at") {
		t.Fatalf("save state = %q", state)
	}

	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#design-form`)))
	gotFraming := get(t, ctx, "framing", chromedp.Value(css(`textarea[name="f.framing.objective"]`)))
	gotEval := get(t, ctx, "evaluation", chromedp.Value(css(`textarea[name="f.evaluation.online"]`)))
	if gotFraming != framing || gotEval != evaluation {
		t.Fatalf("after reload: framing %q, evaluation %q", gotFraming, gotEval)
	}
}
