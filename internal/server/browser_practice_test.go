package server_test

import (
	"archive/zip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserInterviewClock starts an interview: the clock counts down, a
// reload keeps it, and hints and Check stay hidden.
func TestBrowserInterviewClock(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	do(t, ctx, "sign up",
		chromedp.Navigate(a.srv.URL+"/signup?next=/cases/artwork-personalization"),
		chromedp.SendKeys(css(`input[name="name"]`), "clock_ann"),
		chromedp.SendKeys(css(`input[name="password"]`), "correct horse battery"),
		chromedp.Click(css(`form.stack button`)),
		chromedp.WaitVisible(css(`.start button`)),
		chromedp.Click(css(`input[name="mode"][value="interview"]`)),
	)
	started := time.Now()
	do(t, ctx, "start", chromedp.Click(css(`.start button`)), chromedp.WaitVisible(css(`#clock`)))
	get(t, ctx, "clock ticking", chromedp.Poll[bool](`/^\d+:\d\d left$/.test(document.getElementById("clock-time").textContent)`))
	before := get(t, ctx, "time left", chromedp.Text(css(`#clock-time`)))
	readBefore := time.Now()
	hidden := get(t, ctx, "hints and check", chromedp.Evaluate[int](`document.querySelectorAll("details.hint, #check-button").length`))
	if hidden != 0 {
		t.Fatalf("%d hints or Check buttons visible during the interview", hidden)
	}
	do(t, ctx, "wait, then reload", chromedp.Sleep(1500*time.Millisecond), chromedp.Reload(), chromedp.WaitVisible(css(`#clock`)))
	get(t, ctx, "clock ticking again", chromedp.Poll[bool](`/^\d+:\d\d left$/.test(document.getElementById("clock-time").textContent)`))
	after := get(t, ctx, "time left after reload", chromedp.Text(css(`#clock-time`)))
	secs := func(s string) int {
		var m, sec int
		for i, part := range strings.SplitN(strings.TrimSuffix(s, " left"), ":", 2) {
			n := 0
			for _, r := range part {
				n = n*10 + int(r-'0')
			}
			if i == 0 {
				m = n
			} else {
				sec = n
			}
		}
		return m*60 + sec
	}
	// The clock may only have run for as long as the test has, give or
	// take a second of rounding at each read.
	if left, ran := secs(before), int(time.Since(started).Seconds()); left > 45*60 || left < 45*60-ran-2 {
		t.Fatalf("clock shows %q %ds after the start", before, ran)
	}
	if d, ran := secs(before)-secs(after), int(time.Since(readBefore).Seconds()); d < 1 || d > ran+2 {
		t.Fatalf("before reload %q, after %q, %ds apart: the clock restarted or jumped", before, after, ran)
	}
	if n := get(t, ctx, "hints after reload", chromedp.Evaluate[int](`document.querySelectorAll("details.hint, #check-button").length`)); n != 0 {
		t.Fatal("hints appeared after the reload")
	}
}

// TestBrowserZipExport downloads the zip bundle and finds its six files.
func TestBrowserZipExport(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "zip_ann", "cdn-cache-fill")
	do(t, ctx, "write something",
		chromedp.SendKeys(css(`textarea[name="f.framing.objective"]`), "Serve peak traffic from the nearest cache."),
		chromedp.SendKeys(css(`input[name="p.nodes.0.id"]`), "fill"),
		chromedp.SendKeys(css(`input[name="p.nodes.0.label"]`), "Fill controller"),
	)
	get(t, ctx, "autosave", chromedp.Poll[bool](`document.getElementById("save-state").textContent.startsWith("Saved at")`))
	dir := t.TempDir()
	tr := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &tr}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, "click the zip export", chromedp.Click(css(`#export-zip`)))
	var file string
	for deadline := time.Now().Add(testWaitTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(dir, "design-*.zip")); len(m) == 1 {
			if st, err := os.Stat(m[0]); err == nil && st.Size() > 0 {
				file = m[0]
				break
			}
		}
	}
	if file == "" {
		t.Fatal("the zip did not download")
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if want := []string{"design.json", "design.md", "pipeline.canonical.dot", "pipeline.dot", "pipeline.png", "pipeline.svg", "report.json"}; !slices.Equal(names, want) {
		t.Fatalf("zip holds %v", names)
	}
}
