package server_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// largeDOT is a pipeline too large to read whole in the window: 24 nodes
// in three stages, in a chain, with feedback edges.
func largeDOT() string {
	var b strings.Builder
	b.WriteString("digraph G {\n")
	stages := []string{"offline", "nearline", "online"}
	for i := range 24 {
		fmt.Fprintf(&b, "  n%d [label=\"Step %d of the pipeline with a long label\", kind=etl, stage=%s];\n", i, i, stages[i/8])
	}
	for i := range 23 {
		fmt.Fprintf(&b, "  n%d -> n%d;\n", i, i+1)
	}
	b.WriteString("  n23 -> n0 [label=\"feedback\"];\n  n20 -> n9;\n}\n")
	return b.String()
}

// view is the zoom state the page shows.
type view struct {
	Scale, X, Y float64
}

func zoomState(t *testing.T, ctx context.Context) view {
	t.Helper()
	// The state the script keeps, and the picture as drawn, which must agree.
	s := get(t, ctx, "zoom state", chromedp.Evaluate[[]string](`(function(){var v=document.getElementById("zoom-view"),i=document.getElementById("zoom-img"),r=i.getBoundingClientRect(),o=v.getBoundingClientRect();
return [v.getAttribute("data-scale"),v.getAttribute("data-x"),v.getAttribute("data-y"),String(r.width/i.naturalWidth),String(r.left-o.left-v.clientLeft),String(r.top-o.top-v.clientTop)]})()`))
	var v view
	for i, p := range []*float64{&v.Scale, &v.X, &v.Y} {
		f, err := strconv.ParseFloat(s[i], 64)
		if err != nil {
			t.Fatalf("zoom state %q: %v", s, err)
		}
		*p = f
	}
	drawn := view{}
	for i, p := range []*float64{&drawn.Scale, &drawn.X, &drawn.Y} {
		*p, _ = strconv.ParseFloat(s[3+i], 64)
	}
	if !near(drawn.Scale, v.Scale) || math.Abs(drawn.X-v.X) > 1 || math.Abs(drawn.Y-v.Y) > 1 {
		t.Fatalf("the picture is drawn at %+v, but the view says %+v", drawn, v)
	}
	return v
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.01*math.Max(1, math.Abs(b)) }

// touch sends one touch event with the given points.
func touch(typ input.DispatchTouchEventType, pts ...[2]float64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
		for i, q := range pts {
			id := float64(i + 1)
			p.TouchPoints = append(p.TouchPoints, &input.TouchPoint{X: q[0], Y: q[1], ID: &id})
		}
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, p)
		return err
	})
}

func wheel(x, y, dy float64) chromedp.Action[chromedp.Void] {
	return chromedp.MouseEvent(chromedp.MouseWheel, x, y, func(p *input.DispatchMouseEventParams) {
		p.DeltaY = dy
		p.DeltaX = 1e-6 // a zero is left out of the command, which Chromium then refuses
	})
}

// TestBrowserDiagramZoom opens a large pipeline at full size from the
// editor and zooms and pans it as a user would: keys, buttons, the wheel,
// dragging with the mouse, and dragging and pinching on a touch screen.
func TestBrowserDiagramZoom(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	signupAndStart(t, a, ctx, "zoom_zoe", "homepage-recommendations")
	do(t, ctx, "write the pipeline as DOT and save",
		chromedp.ScrollIntoView(css(`#s-pipeline`)),
		chromedp.Click(css(`input[name="p.mode"][value="dot"]`)),
		chromedp.WaitVisible(css(`#p-dot`)),
	)
	// The switch to DOT is saved as you type: wait for that save, so that
	// the form's version is current and nothing overwrites the text below.
	get(t, ctx, "the switch saved", chromedp.Poll[bool](`document.getElementById("save-state").classList.contains("ok")`))
	do(t, ctx, "save the pipeline",
		chromedp.SetValue(css(`#p-dot`), largeDOT()),
		chromedp.Evaluate[chromedp.Void](`document.body.setAttribute("data-before-save", "1")`),
		chromedp.Click(css(`#savebar button[name="do"][value="save"]`)),
	)
	// The page is replaced by the saved editor; until then a check may
	// land on the old page, on none, or on a new page still being read.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.readyState === "complete" && !document.body.hasAttribute("data-before-save") && !!document.getElementById("pipe-full")`))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the saved editor did not come: %v", err)
		}
	}
	if n := get(t, ctx, "saved nodes", chromedp.Evaluate[int](`document.querySelectorAll('#p-dot').length && (document.getElementById("p-dot").value.match(/kind=etl/g)||[]).length`)); n != 24 {
		t.Fatalf("the saved DOT has %d nodes, want 24", n)
	}
	href := get(t, ctx, "full-size link", chromedp.Evaluate[string](`document.getElementById("pipe-full").href`))
	do(t, ctx, "open the full-size view",
		chromedp.Navigate(href),
		chromedp.WaitVisible(css(`#zoom-tools`)),
	)
	get(t, ctx, "picture shown", chromedp.Poll[bool](`(function(){var v=document.getElementById("zoom-view"),i=document.getElementById("zoom-img");return i.complete&&i.naturalWidth>0&&v.hasAttribute("data-scale")})()`))
	// Too large to read whole, it opens at its top, as wide as the window
	// and with node labels (11 pt) at 10 px at least; 0 fits it whole.
	opened := zoomState(t, ctx)
	if px := opened.Scale * 11 * 96 / 72; px < 9.9 {
		t.Errorf("the picture opens at scale %.3f: node labels at %.1f px, want 10 or more", opened.Scale, px)
	}
	if opened.X < -1 || opened.Y < -1 {
		t.Errorf("the picture opens at (%.0f, %.0f), its top left corner out of the window", opened.X, opened.Y)
	}
	do(t, ctx, "fit with 0", chromedp.KeyEvent("0"))
	fit := zoomState(t, ctx)
	if fit.Scale >= opened.Scale {
		t.Fatalf("fitted at scale %.3f, not smaller than it opened (%.3f): the test needs a picture too large to read whole", fit.Scale, opened.Scale)
	}
	if fit.Scale >= 1 {
		t.Fatalf("a large picture fits at scale %.3f, want it shrunk to fit", fit.Scale)
	}
	whole := get(t, ctx, "whole picture in the window", chromedp.Evaluate[bool](`(function(){var v=document.getElementById("zoom-view").getBoundingClientRect(),i=document.getElementById("zoom-img").getBoundingClientRect();return i.left>=v.left-1&&i.top>=v.top-1&&i.right<=v.right+1&&i.bottom<=v.bottom+1})()`))
	if !whole {
		t.Error("the fitted picture does not lie inside the window")
	}
	// The picture is placed from the view's inner corner.
	box := get(t, ctx, "view box", chromedp.Evaluate[[]float64](`(function(){var v=document.getElementById("zoom-view"),r=v.getBoundingClientRect();return [r.left+v.clientLeft,r.top+v.clientTop,v.clientWidth,v.clientHeight]})()`))
	cx, cy := box[0]+box[2]/2, box[1]+box[3]/2

	do(t, ctx, "zoom in with +", chromedp.KeyEvent("+"))
	v := zoomState(t, ctx)
	if !near(v.Scale, fit.Scale*1.25) {
		t.Errorf("after +: scale %.3f, want %.3f", v.Scale, fit.Scale*1.25)
	}
	do(t, ctx, "zoom in with the button", chromedp.Click(css(`[data-zoom="in"]`)))
	v = zoomState(t, ctx)
	if !near(v.Scale, fit.Scale*1.25*1.25) {
		t.Errorf("after the + button: scale %.3f, want %.3f", v.Scale, fit.Scale*1.5625)
	}
	do(t, ctx, "zoom out with -", chromedp.KeyEvent("-"))
	if v = zoomState(t, ctx); !near(v.Scale, fit.Scale*1.25) {
		t.Errorf("after -: scale %.3f, want %.3f", v.Scale, fit.Scale*1.25)
	}
	before := v
	do(t, ctx, "pan with the arrow keys", chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowDown))
	if v = zoomState(t, ctx); !(v.X < before.X && v.Y < before.Y) {
		t.Errorf("→ ↓ moved the picture from (%.0f,%.0f) to (%.0f,%.0f); want it to move left and up", before.X, before.Y, v.X, v.Y)
	}

	before = zoomState(t, ctx)
	do(t, ctx, "zoom in with the wheel", wheel(cx, cy, -240))
	v = zoomState(t, ctx)
	if v.Scale <= before.Scale*1.2 {
		t.Errorf("after the wheel: scale %.3f, was %.3f", v.Scale, before.Scale)
	}
	// The point of the picture under the pointer stays under it.
	px := (cx - box[0] - before.X) / before.Scale
	if got := box[0] + v.X + px*v.Scale; math.Abs(got-cx) > 1 {
		t.Errorf("the wheel moved the point under the pointer from x=%.1f to x=%.1f", cx, got)
	}

	before = v
	do(t, ctx, "drag with the mouse",
		chromedp.MouseEvent(chromedp.MousePressed, cx, cy, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, cx-60, cy-40, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, cx-120, cy-80, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, cx-120, cy-80, chromedp.ButtonLeft),
	)
	v = zoomState(t, ctx)
	if math.Abs(v.X-(before.X-120)) > 1 || math.Abs(v.Y-(before.Y-80)) > 1 {
		t.Errorf("dragging by (-120,-80) moved the picture from (%.0f,%.0f) to (%.0f,%.0f)", before.X, before.Y, v.X, v.Y)
	}

	do(t, ctx, "fit with 0", chromedp.KeyEvent("0"))
	if v = zoomState(t, ctx); !near(v.Scale, fit.Scale) || math.Abs(v.X-fit.X) > 1 || math.Abs(v.Y-fit.Y) > 1 {
		t.Errorf("after 0: %+v, want the fit %+v", v, fit)
	}

	// Touch: one finger drags, two fingers pinch.
	do(t, ctx, "emulate a touch screen", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 2})
		return err
	}))
	before = zoomState(t, ctx)
	do(t, ctx, "drag with a finger",
		touch(input.DispatchTouchEventTypeTouchStart, [2]float64{cx, cy}),
		touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx + 30, cy + 20}),
		touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx + 50, cy + 40}),
		touch(input.DispatchTouchEventTypeTouchEnd),
	)
	v = zoomState(t, ctx)
	if math.Abs(v.X-(before.X+50)) > 1 || math.Abs(v.Y-(before.Y+40)) > 1 {
		t.Errorf("a finger dragging by (50,40) moved the picture from (%.0f,%.0f) to (%.0f,%.0f)", before.X, before.Y, v.X, v.Y)
	}
	before = v
	do(t, ctx, "pinch out with two fingers",
		touch(input.DispatchTouchEventTypeTouchStart, [2]float64{cx - 40, cy}, [2]float64{cx + 40, cy}),
		touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx - 60, cy}, [2]float64{cx + 60, cy}),
		touch(input.DispatchTouchEventTypeTouchMove, [2]float64{cx - 80, cy}, [2]float64{cx + 80, cy}),
		touch(input.DispatchTouchEventTypeTouchEnd),
	)
	v = zoomState(t, ctx)
	if !near(v.Scale, before.Scale*2) {
		t.Errorf("spreading two fingers from 80 to 160 px apart: scale %.3f, want %.3f", v.Scale, before.Scale*2)
	}
}
