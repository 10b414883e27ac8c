package gvworker

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/pipeline"
)

func typical(t testing.TB) *pipeline.Graph {
	t.Helper()
	src, err := os.ReadFile("../testdata/typical15.dot")
	if err != nil {
		t.Fatal(err)
	}
	g, err := pipeline.ParseDOT(src, pipeline.DefaultLimits)
	if err != nil {
		t.Fatalf("parse typical15.dot: %v", err)
	}
	if len(g.Nodes) != 15 {
		t.Fatalf("typical15.dot has %d nodes", len(g.Nodes))
	}
	return g
}

// newGraphviz returns a Graphviz as a worker has it, closed when the test ends.
func newGraphviz(t testing.TB) *graphviz.Graphviz {
	t.Helper()
	gv, err := graphviz.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gv.Close() })
	return gv
}

// TestPNGDrawsEdgesAndOutlines finds the pixels of a known edge and of a
// node's outline in the PNG: go-graphviz's own PNG draws neither.
func TestPNGDrawsEdgesAndOutlines(t *testing.T) {
	g := &pipeline.Graph{
		Nodes: []pipeline.Node{{ID: "a", Label: "Source", Kind: pipeline.KindOther}, {ID: "b", Label: "Sink", Kind: pipeline.KindOther}},
		Edges: []pipeline.Edge{{From: "a", To: "b"}},
	}
	dot := g.CanonicalDOT()
	// The worker draws from this same layout; get it to know where things are.
	layoutJSON, err := render(context.Background(), newGraphviz(t), layoutFormat, dot, false)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLayout(layoutJSON)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, _, err := TransformFor(l)
	if err != nil {
		t.Fatal(err)
	}
	pngb, err := drawPNG(layoutJSON)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pngb))
	if err != nil {
		t.Fatal(err)
	}
	dark := func(x, y float64) bool {
		// Any pixel within 1 px of (x, y) clearly darker than the fills.
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				r, g, b, _ := img.At(int(x)+dx, int(y)+dy).RGBA()
				if (r+g+b)/3 < 0x9000 {
					return true
				}
			}
		}
		return false
	}
	// The edge: the middle of its spline.
	var edgePts [][2]float64
	for _, op := range l.Edges[0].Draw {
		if op.Op == "b" || op.Op == "B" {
			edgePts = op.Points
		}
	}
	if len(edgePts) < 4 {
		t.Fatal("the layout has no edge spline")
	}
	mid := bezierPoint(edgePts[0], edgePts[1], edgePts[2], edgePts[3], 0.5)
	ex, ey := tr.Apply(mid[0], mid[1])
	if !dark(ex, ey) {
		t.Errorf("no edge pixels at (%.0f, %.0f)", ex, ey)
	}
	// A node outline: the middle of the top side of node a's box, and a
	// point inside the box that must be fill, not line.
	var box [][2]float64
	for _, o := range l.Objects {
		if o.Name == "a" {
			for _, op := range o.Draw {
				if op.Op == "P" || op.Op == "p" {
					box = op.Points
				}
			}
		}
	}
	if len(box) < 4 {
		t.Fatal("node a has no polygon")
	}
	minX, maxX, maxY, minY := box[0][0], box[0][0], box[0][1], box[0][1]
	for _, p := range box {
		minX, maxX = min(minX, p[0]), max(maxX, p[0])
		minY, maxY = min(minY, p[1]), max(maxY, p[1])
	}
	ox, oy := tr.Apply((minX+maxX)/2, maxY)
	if !dark(ox, oy) {
		t.Errorf("no outline pixels at the top of node a (%.0f, %.0f)", ox, oy)
	}
	ix, iy := tr.Apply(minX+4, (minY+maxY)/2)
	if c := color.GrayModel.Convert(img.At(int(ix), int(iy))).(color.Gray); c.Y < 200 {
		t.Errorf("inside node a at (%.0f, %.0f) is dark (%d): the outline test would pass on anything", ix, iy, c.Y)
	}
}

func bezierPoint(p0, p1, p2, p3 [2]float64, t float64) [2]float64 {
	u := 1 - t
	var out [2]float64
	for i := range 2 {
		out[i] = u*u*u*p0[i] + 3*u*u*t*p1[i] + 3*u*t*t*p2[i] + t*t*t*p3[i]
	}
	return out
}

// inkIn counts the clearly dark pixels of img inside a text op's box.
func inkIn(img image.Image, tr Transform, op drawOp, size float64) int {
	x, y := tr.Apply(op.Pt[0], op.Pt[1])
	w, h := op.Width*tr.Scale, size*tr.Scale
	x0 := x - w/2
	n := 0
	for px := int(x0); px <= int(x0+w); px++ {
		for py := int(y - h); py <= int(y+2); py++ {
			r, g, b, _ := img.At(px, py).RGBA()
			if (r+g+b)/3 < 0x8000 {
				n++
			}
		}
	}
	return n
}

// TestPNGDrawsEveryScript finds ink where labels in Chinese, Japanese,
// Arabic, Hebrew, Devanagari and a check mark should be, and checks that
// the same labels drawn with the embedded Go font alone leave those boxes
// blank, so that the test can tell.
func TestPNGDrawsEveryScript(t *testing.T) {
	labels := map[string]string{"zh": "特征存储", "ja": "モデル学習", "ar": "بيانات", "he": "נתונים", "hi": "प्रशिक्षण", "check": "✓✓✓", "latin": "Ranker"}
	g := &pipeline.Graph{}
	for id, l := range labels {
		g.Nodes = append(g.Nodes, pipeline.Node{ID: id, Label: l, Kind: pipeline.KindOther})
	}
	layoutJSON, err := render(context.Background(), newGraphviz(t), layoutFormat, g.CanonicalDOT(), false)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseLayout(layoutJSON)
	if err != nil {
		t.Fatal(err)
	}
	tr, _, _, err := TransformFor(l)
	if err != nil {
		t.Fatal(err)
	}
	draw := func() image.Image {
		b, err := drawPNG(layoutJSON)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	ink := func(img image.Image) map[string]int {
		out := map[string]int{}
		for _, o := range l.Objects {
			size := 14.0
			for _, op := range o.LDraw {
				if op.Op == "F" {
					size = op.Size
				}
				if op.Op == "T" {
					out[o.Name] += inkIn(img, tr, op, size)
				}
			}
		}
		return out
	}
	got := ink(draw())
	for id := range labels {
		if got[id] < 20 {
			t.Errorf("label %s (%q): %d dark pixels; the PNG drops its text (fonts: Debian's fonts-dejavu-core, fonts-lohit-deva, fonts-droid-fallback)", id, labels[id], got[id])
		}
	}
	all := fonts
	fonts = all[len(all)-1:] // the embedded Go font alone
	defer func() { fonts = all }()
	faces.Clear()
	defer faces.Clear()
	if bare := ink(draw()); bare["zh"] >= 20 || bare["latin"] < 20 {
		t.Errorf("with the Go font alone the Chinese label has %d dark pixels and the Latin one %d: the ink test does not tell", bare["zh"], bare["latin"])
	}
}
