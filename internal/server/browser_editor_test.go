package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// screenshotEnv names a folder where the browser tests leave screenshots
// for a person to look at; unset, none are written.
const screenshotEnv = "CASEBENCH_SCREENSHOTS"

// screenshot saves the viewport (full: the whole page) as name.png in the
// screenshot folder, when one is set.
func screenshot(t *testing.T, ctx browserCtx, name string, full bool) {
	t.Helper()
	dir := os.Getenv(screenshotEnv)
	if dir == "" {
		return
	}
	var b []byte
	if full {
		b = get(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	} else {
		b = get(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitSaved waits until the save bar says the design is saved.
func waitSaved(t *testing.T, ctx browserCtx) {
	t.Helper()
	get(t, ctx, "wait for the save", chromedp.Poll[bool](`document.getElementById("save-state").textContent.startsWith("Saved at")`))
}

// scriptsRan waits until the page's script has set it up: the script
// marks the page in the same task that sets everything else up.
func scriptsRan() chromedp.Action[chromedp.Void] {
	poll := chromedp.Poll[bool](`document.readyState === "complete" && document.documentElement.classList.contains("js")`)
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := poll(ctx, tg)
		return chromedp.Void{}, err
	}
}

// errRed is the CSS colour of errors (--err).
const errRed = "rgb(179, 38, 30)"

// TestBrowserSaveStateStaleTab writes in one tab, then in a second tab of
// the same design, then again in the first: the first tab's save bar turns
// red with the reason, and leaving it asks first.
func TestBrowserSaveStateStaleTab(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "tabs_ann", "homepage-recommendations")
	do(t, ctx, "scripts", scriptsRan())
	editor := get(t, ctx, "editor address", chromedp.Location())

	do(t, ctx, "write in the first tab", chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), "Written in the first tab."))
	waitSaved(t, ctx)
	if !get(t, ctx, "the state is in the bar", chromedp.Evaluate[bool](`!!document.querySelector("#savebar.sticky #save-state") && document.querySelectorAll("#save-state").length === 1`)) {
		t.Fatal("the save state is not in the sticky bar, or shows twice")
	}
	if state := get(t, ctx, "state", chromedp.Text(css(`#save-state`))); !isSavedAt(state) {
		t.Fatalf("the bar says %q, not Saved at HH:MM", state)
	}

	tab2, cancel := chromedp.NewContext(ctx)
	defer cancel()
	do(t, tab2, "write in a second tab",
		chromedp.Navigate(editor),
		chromedp.WaitVisible(css(`#design-form`)),
		scriptsRan(),
		chromedp.SendKeys(css(`textarea[name="f.model.approach"]`), "Written in the second tab."),
	)
	waitSaved(t, tab2)

	do(t, ctx, "write again in the first tab", chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), " And more."))
	get(t, ctx, "the first tab's bar turns", chromedp.Poll[bool](`document.getElementById("save-state").textContent.startsWith("Not saved")`))
	state := get(t, ctx, "state", chromedp.Text(css(`#savebar #save-state`)))
	colour := get(t, ctx, "colour", chromedp.Evaluate[string](`getComputedStyle(document.getElementById("save-state")).color`))
	if !strings.Contains(state, "another tab") || colour != errRed {
		t.Fatalf("the stale tab's bar says %q in %s; want the reason in red (%s)", state, colour, errRed)
	}
	screenshot(t, ctx, "editor-stale-tab", false)

	// Leaving with the refused change asks first; staying keeps the page.
	ev := get(t, ctx, "leave the page", chromedp.WaitEvent(page.JavascriptDialogOpening, nil,
		chromedp.Evaluate[chromedp.Void](`setTimeout(function(){ location.href = "/"; }, 0)`)))
	if ev.Type != page.DialogTypeBeforeunload {
		t.Fatalf("leaving opened a %q dialog, want beforeunload", ev.Type)
	}
	if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}); err != nil {
		t.Fatal(err)
	}
	if loc := get(t, ctx, "address", chromedp.Location()); loc != editor {
		t.Fatalf("after choosing to stay, the tab is at %s", loc)
	}
}

// isSavedAt reports whether s is "Saved at HH:MM".
func isSavedAt(s string) bool {
	hm, ok := strings.CutPrefix(s, "Saved at ")
	return ok && len(hm) == 5 && hm[2] == ':' && strings.Trim(hm[:2]+hm[3:], "0123456789") == ""
}

// TestBrowserBrief: the clarifying question opened on the case page is open
// in the editor's brief, beside the prompt, facts and constraints; the brief
// collapses on a desktop and stays so, is there in interview mode, and is a
// drawer on a phone.
func TestBrowserBrief(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	k, _ := a.cat.Case("homepage-recommendations")
	do(t, ctx, "sign up and ask the second question on the case page",
		chromedp.Navigate(a.srv.URL+"/signup?next=/cases/"+k.Slug),
		chromedp.SendKeys(css(`input[name="name"]`), "brief_ann"),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`.start button`)),
		scriptsRan(),
		chromedp.Click(css(`article.case details.qa:nth-of-type(2) summary`)),
		chromedp.Click(css(`.start button`)),
		chromedp.WaitVisible(css(`#design-form`)),
		scriptsRan(),
	)
	visible := func(sel string) bool {
		return get(t, ctx, "visible "+sel, chromedp.Evaluate[bool](`(function(){var e=document.querySelector(`+jsString(sel)+`);if(!e||!e.checkVisibility())return false;var r=e.getBoundingClientRect();return r.width>0&&r.height>0})()`))
	}
	if !visible(`#brief .brief-prompt`) {
		t.Fatal("the brief is not shown beside the editor")
	}
	text := get(t, ctx, "brief", chromedp.Text(css(`#brief`)))
	for _, want := range []string{k.Facts[0].Label, k.Facts[0].Value, k.Constraints[0], k.Questions[0].Question, k.Questions[1].Question} {
		if !strings.Contains(text, want) {
			t.Errorf("the brief lacks %q", want)
		}
	}
	if !visible(`#brief details.qa[data-q="1"] .answer`) || visible(`#brief details.qa[data-q="0"] .answer`) {
		t.Error("the brief does not show the answer opened on the case page (and only that one)")
	}
	side := get(t, ctx, "beside", chromedp.Evaluate[bool](`document.getElementById("brief").getBoundingClientRect().left > document.getElementById("design-form").getBoundingClientRect().right`))
	if !side {
		t.Error("on a desktop the brief is not beside the form")
	}
	screenshot(t, ctx, "editor-desktop", false)

	formWidth := func() float64 {
		return get(t, ctx, "form width", chromedp.Evaluate[float64](`document.getElementById("design-form").getBoundingClientRect().width`))
	}
	open := formWidth()
	do(t, ctx, "collapse the brief", chromedp.Click(css(`#brief > summary`)))
	if w := formWidth(); w <= open+100 || visible(`#brief .brief-prompt`) {
		t.Errorf("collapsed, the brief still shows or the form did not widen (%.0f to %.0f px)", open, w)
	}
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#design-form`)), scriptsRan())
	if visible(`#brief .brief-prompt`) {
		t.Error("the collapsed brief opened again after a reload")
	}
	do(t, ctx, "open it again", chromedp.Click(css(`#brief > summary`)))
	// The choice is remembered on a wide screen.
	get(t, ctx, "remembered open", chromedp.Poll[bool](`localStorage.getItem("casebench.brief") === "open"`))

	// A phone: the brief is a closed drawer, opened from the save bar.
	do(t, ctx, "a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.Reload(), chromedp.WaitVisible(css(`#design-form`)), scriptsRan())
	if visible(`#brief .brief-prompt`) {
		t.Fatal("on a phone the brief starts open over the editor")
	}
	screenshot(t, ctx, "editor-phone", false)
	do(t, ctx, "open the drawer", chromedp.Click(css(`#brief-open`)))
	box := get(t, ctx, "drawer", chromedp.Evaluate[[]float64](`(function(){var e=document.getElementById("brief"),r=e.getBoundingClientRect();return [r.left,r.top,r.width,r.height,getComputedStyle(e).position==="fixed"?1:0]})()`))
	if box[0] != 0 || box[1] != 0 || box[2] > 390 || box[3] < 800 || box[4] != 1 || !visible(`#brief details.qa[data-q="1"] .answer`) {
		t.Errorf("the drawer is at %v (left, top, width, height, fixed), or lacks the opened answer", box)
	}
	screenshot(t, ctx, "editor-phone-brief", false)
	do(t, ctx, "close the drawer", chromedp.Click(css(`#brief > summary`)))
	if visible(`#brief .brief-prompt`) {
		t.Error("the drawer does not close")
	}

	// Interview mode has the brief too.
	do(t, ctx, "back to a desktop, start an interview",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/cases/"+k.Slug),
		chromedp.Click(css(`input[name="mode"][value="interview"]`)),
		chromedp.Click(css(`.start button`)),
		chromedp.WaitVisible(css(`#clock`)),
		scriptsRan(),
	)
	if !visible(`#brief .brief-prompt`) || !visible(`#brief details.qa[data-q="1"] .answer`) {
		t.Errorf("the interview editor has no brief, or not the opened answer: %s", get(t, ctx, "why", chromedp.Evaluate[string](`JSON.stringify({brief: !!document.getElementById("brief"), open: document.getElementById("brief") && document.getElementById("brief").open, q1: document.querySelector('#brief details.qa[data-q="1"]') && document.querySelector('#brief details.qa[data-q="1"]').open, stored: localStorage.getItem("casebench.brief"), asked: localStorage.getItem("casebench.asked.homepage-recommendations"), w: innerWidth})`)))
	}
}

// TestBrowserTableRows deletes and reorders list rows, deletes a pipeline
// node and sees the problem beside the edge that named it, with the last
// good diagram kept, then deletes the edge.
func TestBrowserTableRows(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "rows_ann", "homepage-recommendations")
	do(t, ctx, "scripts", scriptsRan())
	metric := func(i int) string { return `input[name="f.evaluation.metrics.` + string(rune('0'+i)) + `.name"]` }
	names := func() []string {
		return get(t, ctx, "metric names", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table[data-list="f.evaluation.metrics"] tbody tr')).map(function(r){return r.querySelector('input[name$=".name"]').name.split(".")[3]+"="+r.querySelector('input[name$=".name"]').value})`))
	}
	do(t, ctx, "three metrics",
		chromedp.ScrollIntoView(css(`#field-evaluation\.metrics`)),
		chromedp.Click(css(`[data-add-row="f.evaluation.metrics"]`)),
		chromedp.SendKeys(css(metric(0)), "Retention"),
		chromedp.SendKeys(css(metric(1)), "Play delay"),
		chromedp.SendKeys(css(metric(2)), "Hours"),
	)
	do(t, ctx, "delete the second, move the third up",
		chromedp.Click(css(`table[data-list="f.evaluation.metrics"] tbody tr:nth-child(2) button[data-op="del"]`)),
		chromedp.Click(css(`table[data-list="f.evaluation.metrics"] tbody tr:nth-child(2) button[data-op="up"]`)),
	)
	got := strings.Join(names(), " ")
	if got != "0=Hours 1=Retention" {
		t.Fatalf("after delete and move: %s", got)
	}
	waitSaved(t, ctx)
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(css(`#design-form`)), scriptsRan())
	if got := strings.Join(names(), " "); !strings.HasPrefix(got, "0=Hours 1=Retention 2= ") {
		t.Fatalf("after a reload the metrics are %s", got)
	}

	// The pipeline: two nodes and an edge, drawn.
	do(t, ctx, "a pipeline",
		chromedp.ScrollIntoView(css(`#s-pipeline`)),
		chromedp.SendKeys(css(`input[name="p.nodes.0.id"]`), "log"),
		setSelect(`select[name="p.nodes.0.kind"]`, "log"),
		chromedp.SendKeys(css(`input[name="p.nodes.1.id"]`), "train"),
		setSelect(`select[name="p.nodes.1.kind"]`, "training"),
		chromedp.SendKeys(css(`input[name="p.edges.0.from"]`), "log"),
		chromedp.SendKeys(css(`input[name="p.edges.0.to"]`), "train"),
	)
	drawn := `(function(){var i=document.getElementById("pipe-img");return !i.hidden && i.src.startsWith("blob:") && i.complete && i.naturalWidth>0})()`
	get(t, ctx, "drawn", chromedp.Poll[bool](drawn))
	before := get(t, ctx, "diagram", chromedp.Evaluate[string](`document.getElementById("pipe-img").src`))

	do(t, ctx, "delete the node the edge needs", chromedp.Click(css(`table[data-list="p.nodes"] tbody tr:nth-child(2) button[data-op="del"]`)))
	get(t, ctx, "the problem beside the edge", chromedp.Poll[bool](`!!document.querySelector('table[data-list="p.edges"] tbody tr:first-child .field-error')`))
	beside := get(t, ctx, "problem", chromedp.Text(css(`table[data-list="p.edges"] tbody tr:first-child .field-error`)))
	if !strings.Contains(beside, `unknown node "train"`) {
		t.Errorf("beside the edge: %q", beside)
	}
	kept := get(t, ctx, "kept", chromedp.Evaluate[bool](drawn+` && document.getElementById("pipe-img").src === `+jsString(before)+` && document.querySelector(".pipe-empty").hidden && !document.getElementById("pipe-lastgood").hidden`))
	if !kept {
		t.Error("a pipeline problem did not keep the last good diagram")
	}
	if n := get(t, ctx, "legend", chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#pipe-legend li")).filter(function(l){return l.getBoundingClientRect().height>0}).length`)); n > 2 {
		t.Errorf("the legend shows %d kinds for a two-kind diagram", n)
	}
	screenshot(t, ctx, "editor-pipeline-problem", false)

	do(t, ctx, "delete the edge", chromedp.Click(css(`table[data-list="p.edges"] tbody tr:first-child button[data-op="del"]`)))
	get(t, ctx, "the problem is gone", chromedp.Poll[bool](`!document.querySelector('table[data-list="p.edges"] .field-error') && document.getElementById("pipe-problems").hidden`))
	waitSaved(t, ctx)
	d, err := a.store.OwnDesign(t.Context(), 1, idOf(t, editorPath(get(t, ctx, "address", chromedp.Location()))))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pipeline.Nodes) != 1 || len(d.Pipeline.Edges) != 0 || len(d.Sections.Get("evaluation", "metrics").Rows) != 2 {
		t.Fatalf("stored: %d nodes, %d edges, metrics %v", len(d.Pipeline.Nodes), len(d.Pipeline.Edges), d.Sections.Get("evaluation", "metrics").Rows)
	}
}

// editorPath is the path of an editor address, without its fragment.
func editorPath(u string) string {
	u, _, _ = strings.Cut(u, "#")
	if i := strings.Index(u, "/designs/"); i >= 0 {
		return u[i:]
	}
	return u
}

// TestBrowserSmallBreakages: hidden things stay hidden (the empty error
// bar, the unused legend kinds), the Mode radios sit beside their text,
// and submitting asks first.
func TestBrowserSmallBreakages(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "small_ann", "streaming-quality")
	do(t, ctx, "scripts", scriptsRan())
	shown := get(t, ctx, "hidden things", chromedp.Evaluate[[]int](`[document.getElementById("pipe-problems").getBoundingClientRect().height, Array.from(document.querySelectorAll("#pipe-legend li")).filter(function(l){return l.getBoundingClientRect().height>0}).length]`))
	if shown[0] != 0 || shown[1] != 0 {
		t.Errorf("an empty design shows the error bar (%d px high) or %d legend kinds", shown[0], shown[1])
	}

	do(t, ctx, "my designs", chromedp.Navigate(a.srv.URL+"/designs"), chromedp.WaitVisible(css(`.modes`)))
	radios := get(t, ctx, "radios", chromedp.Evaluate[[]bool](`Array.from(document.querySelectorAll(".modes label")).map(function(l){var i=l.querySelector("input").getBoundingClientRect(),s=l.querySelector("span").getBoundingClientRect(),lab=l.getBoundingClientRect();return s.left>=i.right && Math.abs(i.top-s.top)<12 && i.left-lab.left<8 && /^(Practice|Interview): /.test(l.textContent.trim())})`))
	if len(radios) != 2 || !radios[0] || !radios[1] {
		t.Errorf("the Mode radios are not laid out beside their text: %v", radios)
	}

	do(t, ctx, "submit, and be asked",
		chromedp.Navigate(a.srv.URL+"/designs/1"),
		chromedp.WaitVisible(css(`#submit-button`)),
		chromedp.Click(css(`#submit-button`)),
		chromedp.WaitVisible(css(`#confirm-submit`)),
	)
	if d, _ := a.store.OwnDesign(t.Context(), 1, 1); d.Status != "draft" {
		t.Fatal("the design was submitted before the confirmation")
	}
	if text := get(t, ctx, "question", chromedp.Text(css(`#confirm-submit`))); !strings.Contains(text, "cannot be undone") {
		t.Errorf("the confirmation says %q", text)
	}
	do(t, ctx, "confirm", chromedp.Click(css(`#confirm-submit-button`)), chromedp.WaitVisible(css(`#score`)))
	if d, _ := a.store.OwnDesign(t.Context(), 1, 1); d.Status != "submitted" {
		t.Fatal("confirming did not submit")
	}
}

// TestBrowserSubmitWaitsForAutosave presses "Save and check" while an
// autosave is on its way: the submit waits for the autosave's answer and
// goes with the version it returned, by the same button, so it is neither
// refused as stale nor taken for a plain Save.
func TestBrowserSubmitWaitsForAutosave(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "held_hal", "homepage-recommendations")
	do(t, ctx, "scripts", scriptsRan())
	// The server answers autosaves at once; the page is handed each
	// answer only when the test says so.
	do(t, ctx, "hold the autosave's answers", chromedp.Evaluate[chromedp.Void](`(function(){
		var real = window.fetch; window.heldAnswers = [];
		window.fetch = function (u, o) {
			return real(u, o).then(function (r) { return new Promise(function (go) { window.heldAnswers.push(function () { go(r); }); }); });
		};
	})()`))
	do(t, ctx, "write", chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), "Written just before checking."))
	get(t, ctx, "the autosave answered, unseen", chromedp.Poll[bool](`window.heldAnswers.length === 1`))
	do(t, ctx, "save and check while the autosave is on its way",
		chromedp.Evaluate[chromedp.Void](`document.body.setAttribute("data-before-save", "1")`),
		chromedp.Click(css(`#check-button`)),
	)
	if !get(t, ctx, "the page stays", chromedp.Evaluate[bool](`document.body.hasAttribute("data-before-save")`)) {
		t.Fatal("the submit did not wait for the autosave")
	}
	do(t, ctx, "the autosave's answer arrives", chromedp.Evaluate[chromedp.Void](`(window.heldAnswers || []).forEach(function (f) { f(); })`))
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.body.hasAttribute("data-before-save")`))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the held submit did not go: %v", err)
		}
	}
	loc := get(t, ctx, "address", chromedp.Location())
	if !strings.HasSuffix(loc, "/report") {
		body := get(t, ctx, "page", chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("after Save and check the browser is at %s, want the report:\n%s", loc, body)
	}
}
