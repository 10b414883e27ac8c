package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func awaitPromise(p *runtime.EvaluateParams) { t := true; p.AwaitPromise = &t }

// setSelect chooses an option and fires change, as a user's pick would.
func setSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(function(){var e=document.querySelector(` + jsString(sel) + `);e.value=` + jsString(value) +
		`;e.dispatchEvent(new Event("change",{bubbles:true}));})()`)
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}

// signupAndStart signs up in the browser and starts a design of the case.
func signupAndStart(t *testing.T, a *app, ctx browserCtx, name, slug string) {
	t.Helper()
	do(t, ctx, "sign up and start a design",
		signUpTo(a, name, "/cases/"+slug),
		chromedp.WaitVisible(css(`.start button`)),
		chromedp.Click(css(`.start button`)),
		chromedp.WaitVisible(css(`#design-form`)),
	)
}

// TestBrowserPipelineEditor adds two nodes and an edge in the table, sees
// both labels in the live preview, switches to DOT and back with nothing
// lost, and downloads the SVG export.
func TestBrowserPipelineEditor(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "pipe_ann", "homepage-recommendations")

	do(t, ctx, "fill the table",
		chromedp.ScrollIntoView(css(`#s-pipeline`)),
		chromedp.SendKeys(css(`input[name="p.nodes.0.id"]`), "train"),
		chromedp.SendKeys(css(`input[name="p.nodes.0.label"]`), "Nightly training"),
		setSelect(`select[name="p.nodes.0.kind"]`, "training"),
		setSelect(`select[name="p.nodes.0.stage"]`, "offline"),
		chromedp.SendKeys(css(`input[name="p.nodes.1.id"]`), "log"),
		chromedp.SendKeys(css(`input[name="p.nodes.1.label"]`), "Play log"),
		setSelect(`select[name="p.nodes.1.kind"]`, "log"),
		setSelect(`select[name="p.nodes.1.stage"]`, "online"),
		chromedp.SendKeys(css(`input[name="p.edges.0.from"]`), "log"),
		chromedp.SendKeys(css(`input[name="p.edges.0.to"]`), "train"),
		chromedp.SendKeys(css(`input[name="p.edges.0.label"]`), "daily"),
	)
	// The preview is redrawn a moment after each change: one drawn while
	// the table was being filled in may show only part of it, so the test
	// waits for the drawing of the whole table.
	wants := []string{"Nightly training", "Play log", "daily"}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		get(t, ctx, "preview drawn", chromedp.Poll[bool](`(function(){var i=document.getElementById("pipe-img");return !i.hidden && i.src.startsWith("blob:") && i.complete && i.naturalWidth>0})()`))
		svg := get(t, ctx, "preview SVG", chromedp.Evaluate[string](`fetch(document.getElementById("pipe-img").src).then(function(r){return r.text()})`, awaitPromise))
		var lacks []string
		for _, want := range wants {
			if !strings.Contains(svg, want) {
				lacks = append(lacks, want)
			}
		}
		if len(lacks) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("the preview lacks %q", lacks)
			break
		}
	}

	do(t, ctx, "switch to DOT", chromedp.Click(css(`input[name="p.mode"][value="dot"]`)), chromedp.WaitVisible(css(`#p-dot`)))
	dot := get(t, ctx, "DOT text", chromedp.Value(css(`#p-dot`)))
	for _, want := range []string{"subgraph cluster_online {\n    log [label=\"Play log\", kind=log]", `train [label="Nightly training", kind=training]`, `log -> train [label="daily"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT text lacks %q:\n%s", want, dot)
		}
	}

	do(t, ctx, "switch back to the table", chromedp.Click(css(`input[name="p.mode"][value="table"]`)), chromedp.WaitVisible(css(`input[name="p.nodes.0.id"]`)))
	rows := get(t, ctx, "table", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-pipe-pane="table"] tbody tr')).map(function(r){return Array.from(r.querySelectorAll("input, select")).map(function(e){return e.name.split(".").pop()+"="+e.value}).join(" ")})`))
	table := strings.Join(rows, "\n")
	for _, want := range []string{
		"id=log label=Play log kind=log stage=online",
		"id=train label=Nightly training kind=training stage=offline",
		"from=log to=train label=daily",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("after DOT and back the table lacks the row %q; it has:\n%s", want, table)
		}
	}

	// The table is saved (autosave), then the SVG export downloads.
	get(t, ctx, "autosave", chromedp.Poll[bool](`document.getElementById("save-state").textContent.startsWith("Saved at")`))
	dir := t.TempDir()
	tr := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &tr}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "click the SVG export", chromedp.ScrollIntoView(css(`.exports a[href$="pipeline.svg?download=1"]`)), chromedp.Evaluate[chromedp.Void](`document.querySelector(".exports a[href$=\"pipeline.svg?download=1\"]").click()`))
	var file string
	for deadline := time.Now().Add(testWaitTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		m, _ := filepath.Glob(filepath.Join(dir, "design-*-pipeline.svg"))
		if len(m) == 1 {
			file = m[0]
			break
		}
	}
	if file == "" {
		t.Fatal("the SVG export did not download")
	}
	b, _ := os.ReadFile(file)
	if !strings.Contains(string(b), "Nightly training") || !strings.Contains(string(b), "<svg") {
		t.Fatalf("the downloaded SVG is wrong: %.200s", b)
	}
}
