package diagram

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/pipeline"
)

// drawnEdge is an edge of a laid-out picture as the test sees it: the
// points of its drawn line and the boxes of its label's lines.
type drawnEdge struct {
	tail, head string
	class      string
	line       [][2]float64
	labels     []rect
}

// drawn reads the nodes' boxes (by name) and the edges of a json layout.
func drawn(t *testing.T, layout []byte) (map[string]rect, []drawnEdge) {
	t.Helper()
	var raw struct {
		Objects []struct {
			Gvid   int    `json:"_gvid"`
			Name   string `json:"name"`
			Pos    string `json:"pos"`
			Width  string `json:"width"`
			Height string `json:"height"`
			Style  string `json:"style"`
			Nodes  []int  `json:"nodes"`
		} `json:"objects"`
		Edges []struct {
			Tail  int      `json:"tail"`
			Head  int      `json:"head"`
			Class string   `json:"class"`
			Style string   `json:"style"`
			Draw  []drawOp `json:"_draw_"`
			LDraw []drawOp `json:"_ldraw_"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(layout, &raw); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]rect{}
	names := map[int]string{}
	for _, o := range raw.Objects {
		names[o.Gvid] = o.Name
		if o.Nodes != nil || strings.Contains(o.Style, "invis") || o.Pos == "" {
			continue
		}
		x, y, _ := parsePoint(o.Pos)
		w, h := atof(o.Width, 0)*72/2, atof(o.Height, 0)*72/2
		if w > 0 {
			nodes[o.Name] = rect{x - w, y - h, x + w, y + h}
		}
	}
	var edges []drawnEdge
	for _, e := range raw.Edges {
		if strings.Contains(e.Style, "invis") {
			continue
		}
		de := drawnEdge{tail: names[e.Tail], head: names[e.Head], class: e.Class}
		for _, op := range e.Draw {
			if op.Op == "b" || op.Op == "B" {
				for i := 0; i+3 < len(op.Points); i += 3 {
					for k := 0; k <= 8; k++ {
						p := bezierAt(op.Points[i:i+4], float64(k)/8)
						de.line = append(de.line, p)
					}
				}
			}
		}
		size := 14.0
		for _, op := range e.LDraw {
			if op.Op == "F" {
				size = op.Size
			}
			if op.Op == "T" {
				x := op.Pt[0] - op.Width/2
				de.labels = append(de.labels, rect{x, op.Pt[1] - 0.2*size, x + op.Width, op.Pt[1] + 0.7*size})
			}
		}
		edges = append(edges, de)
	}
	return nodes, edges
}

func bezierAt(p [][2]float64, t float64) [2]float64 {
	u := 1 - t
	var out [2]float64
	for i := range 2 {
		out[i] = u*u*u*p[0][i] + 3*u*u*t*p[1][i] + 3*u*t*t*p[2][i] + t*t*t*p[3][i]
	}
	return out
}

func (r rect) has(p [2]float64) bool {
	return p[0] > r.x0 && p[0] < r.x1 && p[1] > r.y0 && p[1] < r.y1
}

func (r rect) meets(o rect) bool {
	return r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1
}

// checkReturnsAlongTheSide checks what a reader sees of each edge back to
// an earlier stage: its line passes through no node but its own two, its
// label covers no node, and it reaches beyond every node on one side of
// the picture (across the flow: x for top-to-bottom, y for left-to-right).
func checkReturnsAlongTheSide(t *testing.T, layout []byte, across int) int {
	t.Helper()
	nodes, edges := drawn(t, layout)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range nodes {
		lo = min(lo, [2]float64{r.x0, r.y0}[across])
		hi = max(hi, [2]float64{r.x1, r.y1}[across])
	}
	n := 0
	for _, e := range edges {
		if e.class != "return" {
			continue
		}
		n++
		if len(e.line) == 0 {
			t.Errorf("%s -> %s: not drawn", e.tail, e.head)
			continue
		}
		elo, ehi := math.Inf(1), math.Inf(-1)
		for _, p := range e.line {
			elo, ehi = min(elo, p[across]), max(ehi, p[across])
			for name, r := range nodes {
				if name == e.tail || name == e.head {
					continue
				}
				if (rect{r.x0 + 1, r.y0 + 1, r.x1 - 1, r.y1 - 1}).has(p) {
					t.Errorf("%s -> %s runs through node %s at %v", e.tail, e.head, name, p)
					break
				}
			}
		}
		if elo > lo && ehi < hi {
			t.Errorf("%s -> %s stays within the nodes' extent %.0f..%.0f (it spans %.0f..%.0f): it crosses the picture", e.tail, e.head, lo, hi, elo, ehi)
		}
		for _, lb := range e.labels {
			for name, r := range nodes {
				if lb.meets(r) {
					t.Errorf("the label of %s -> %s covers node %s", e.tail, e.head, name)
				}
			}
		}
	}
	return n
}

func layoutOf(t *testing.T, gv *graphviz.Graphviz, dot []byte) []byte {
	t.Helper()
	out, err := render(context.Background(), gv, layoutFormat, dot, false)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReturnEdgesRunAlongTheSide: in every bundled reference pipeline,
// each edge back to an earlier stage runs beside the picture, not across
// it.
func TestReturnEdgesRunAlongTheSide(t *testing.T) {
	files, err := filepath.Glob("../../cases/*/reference.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference pipelines: %v", err)
	}
	gv, err := graphviz.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
	total := 0
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ref struct {
				Pipeline pipeline.Graph `json:"pipeline"`
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			total += checkReturnsAlongTheSide(t, layoutOf(t, gv, ref.Pipeline.CanonicalDOT()), 0)
		})
	}
	if total < len(files) {
		t.Errorf("only %d return edges in %d reference pipelines: the test checks little", total, len(files))
	}
}

// TestReturnEdgesLeftToRight: with rankdir=LR the lanes run below or above
// the picture, and an edge back can carry a label and arrows both ways.
func TestReturnEdgesLeftToRight(t *testing.T) {
	src := `digraph G {
  graph [rankdir=LR];
  logs [kind=log, stage=offline]; train [kind=training, stage=offline];
  feats [kind=feature_store, stage=nearline]; serve [kind=serving, stage=online]; app [kind=client, stage=online];
  logs -> train; train -> feats; feats -> serve; serve -> app;
  app -> logs [label="plays and impressions"];
  serve -> feats [dir=both, label="misses"];
}`
	g, _, err := pipeline.ImportDOT([]byte(src), pipeline.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	gv, err := graphviz.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
	layout := layoutOf(t, gv, g.CanonicalDOT())
	if n := checkReturnsAlongTheSide(t, layout, 1); n != 2 {
		t.Fatalf("%d return edges drawn, want 2", n)
	}
	for _, f := range []Format{SVG, PNG} {
		img, err := render(context.Background(), gv, f, g.CanonicalDOT(), true)
		if err != nil || len(img) == 0 {
			t.Fatalf("%s with the cheap layout: %v", f, err)
		}
	}
}
