package gvworker

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/pipeline"

	"github.com/casebench/casebench/internal/diagram"
)

// drawnEdge is an edge of a laid-out picture as the test sees it: the
// points of its drawn line and the boxes of its label's lines.
type drawnEdge struct {
	tail, head string
	class      string
	line       [][2]float64
	labels     []rect
}

// drawnSVG reads the nodes' boxes (by name) and the edges of an SVG as a
// browser draws it: each node's outline, each edge's path and the lines of
// its label (their width estimated from the font size).
func drawnSVG(t *testing.T, svg []byte) (map[string]rect, []drawnEdge) {
	t.Helper()
	var doc struct {
		Groups []struct {
			Class string `xml:"class,attr"`
			Title string `xml:"title"`
			Polys []struct {
				Points string `xml:"points,attr"`
			} `xml:"polygon"`
			Paths []struct {
				D string `xml:"d,attr"`
			} `xml:"path"`
			Ellipses []struct {
				Cx float64 `xml:"cx,attr"`
				Cy float64 `xml:"cy,attr"`
				Rx float64 `xml:"rx,attr"`
				Ry float64 `xml:"ry,attr"`
			} `xml:"ellipse"`
			Texts []struct {
				X    float64 `xml:"x,attr"`
				Y    float64 `xml:"y,attr"`
				Size float64 `xml:"font-size,attr"`
				Text string  `xml:",chardata"`
			} `xml:"text"`
		} `xml:"g>g"`
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = false
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]rect{}
	var edges []drawnEdge
	for _, g := range doc.Groups {
		classes := strings.Fields(g.Class)
		switch {
		case slices.Contains(classes, "node"):
			b := rect{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			add := func(p pt) { b = rect{min(b.x0, p.x), min(b.y0, p.y), max(b.x1, p.x), max(b.y1, p.y)} }
			for _, p := range g.Polys {
				for _, q := range svgPoints(p.Points) {
					add(q)
				}
			}
			for _, p := range g.Paths {
				for _, q := range svgPoints(p.D) {
					add(q)
				}
			}
			for _, e := range g.Ellipses {
				add(pt{e.Cx - e.Rx, -e.Cy - e.Ry})
				add(pt{e.Cx + e.Rx, -e.Cy + e.Ry})
			}
			nodes[g.Title] = b
		case slices.Contains(classes, "edge"):
			tail, head, _ := strings.Cut(g.Title, "->")
			de := drawnEdge{tail: tail, head: head}
			if slices.Contains(classes, "return") {
				de.class = "return"
			}
			for _, p := range g.Paths {
				ctl := svgPoints(p.D)
				for i := 0; i+3 < len(ctl); i += 3 {
					seg := [][2]float64{{ctl[i].x, ctl[i].y}, {ctl[i+1].x, ctl[i+1].y}, {ctl[i+2].x, ctl[i+2].y}, {ctl[i+3].x, ctl[i+3].y}}
					for k := 0; k <= 8; k++ {
						de.line = append(de.line, bezierAt(seg, float64(k)/8))
					}
				}
			}
			for _, tx := range g.Texts {
				w := textWidth(tx.Text, tx.Size)
				de.labels = append(de.labels, rect{tx.X - w/2, -tx.Y - 0.2*tx.Size, tx.X + w/2, -tx.Y + 0.7*tx.Size})
			}
			edges = append(edges, de)
		}
	}
	return nodes, edges
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
func checkReturnsAlongTheSide(t *testing.T, nodes map[string]rect, edges []drawnEdge, across int) int {
	t.Helper()
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

// checkBothDrawings checks the return edges of dot as the SVG shows them
// and as the PNG is drawn (from the layout's drawing operations), and
// returns how many the SVG has.
func checkBothDrawings(t *testing.T, gv *graphviz.Graphviz, dot []byte, across int) int {
	t.Helper()
	svg, err := render(context.Background(), gv, diagram.SVG, dot, false)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := render(context.Background(), gv, layoutFormat, dot, false)
	if err != nil {
		t.Fatal(err)
	}
	nodes, edges := drawnSVG(t, svg)
	n := checkReturnsAlongTheSide(t, nodes, edges, across)
	nodes, edges = drawn(t, layout)
	if m := checkReturnsAlongTheSide(t, nodes, edges, across); m != n {
		t.Errorf("the SVG has %d return edges, the PNG's layout %d", n, m)
	}
	return n
}

// TestReturnEdgesRunAlongTheSide: in every bundled reference pipeline,
// each edge back to an earlier stage runs beside the picture, not across
// it.
func TestReturnEdgesRunAlongTheSide(t *testing.T) {
	files, err := filepath.Glob("../../../cases/*/reference.json")
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
			total += checkBothDrawings(t, gv, ref.Pipeline.CanonicalDOT(), 0)
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
	if n := checkBothDrawings(t, gv, g.CanonicalDOT(), 1); n != 2 {
		t.Fatalf("%d return edges drawn, want 2", n)
	}
	for _, f := range []diagram.Format{diagram.SVG, diagram.PNG} {
		img, err := render(context.Background(), gv, f, g.CanonicalDOT(), true)
		if err != nil || len(img) == 0 {
			t.Fatalf("%s with the cheap layout: %v", f, err)
		}
	}
}

// TestReturnEdgesKeepTheirStyle: an edge back to an earlier stage is drawn
// with the colour, line, arrows and label it asks for, whether it is drawn
// beside Graphviz's picture or, for styles beyond that drawing, by
// Graphviz itself; either way it runs along the side.
func TestReturnEdgesKeepTheirStyle(t *testing.T) {
	gv, err := graphviz.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
	for _, tc := range []struct {
		name, attrs    string
		stroke, dash   string
		width, opacity string
		arrows         int
		drawn          bool
	}{
		{name: "default", stroke: "#b45309", dash: "5,2", arrows: 1, drawn: true},
		{name: "dotted both ways", attrs: `color=red, style=dotted, dir=both`, stroke: "red", dash: "1,5", arrows: 2, drawn: true},
		{name: "bold without arrow", attrs: `style=bold, arrowhead=none`, stroke: "#b45309", width: "2", arrows: 0, drawn: true},
		{name: "half transparent", attrs: `color="#ff000080", penwidth=3`, stroke: "#ff0000", dash: "5,2", width: "3", opacity: "0.501961", arrows: 1, drawn: true},
		{name: "diamond by graphviz", attrs: `arrowhead=diamond`, stroke: "#b45309", dash: "5,2", arrows: 1, drawn: true},
		{name: "invisible", attrs: `style=invis`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attrs := `label="late plays"`
			if tc.attrs != "" {
				attrs += ", " + tc.attrs
			}
			src := `digraph G {
  logs [kind=log, stage=offline]; train [kind=training, stage=offline];
  serve [kind=serving, stage=online]; app [kind=client, stage=online];
  logs -> train; train -> serve; serve -> app;
  app -> logs [` + attrs + `];
}`
			g, _, err := pipeline.ImportDOT([]byte(src), pipeline.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			svg, err := render(context.Background(), gv, diagram.SVG, g.CanonicalDOT(), false)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Groups []struct {
					Class string `xml:"class,attr"`
					Paths []struct {
						Stroke  string `xml:"stroke,attr"`
						Dash    string `xml:"stroke-dasharray,attr"`
						Width   string `xml:"stroke-width,attr"`
						Opacity string `xml:"stroke-opacity,attr"`
					} `xml:"path"`
					Polys []struct{} `xml:"polygon"`
					Texts []string   `xml:"text"`
				} `xml:"g>g"`
			}
			d := xml.NewDecoder(bytes.NewReader(svg))
			d.Strict = false
			if err := d.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, gr := range doc.Groups {
				if gr.Class != "edge return" {
					continue
				}
				found++
				if !tc.drawn {
					if len(gr.Paths)+len(gr.Polys)+len(gr.Texts) > 0 {
						t.Errorf("an invisible edge is drawn: %+v", gr)
					}
					continue
				}
				if len(gr.Paths) != 1 {
					t.Fatalf("%d lines, want 1", len(gr.Paths))
				}
				p := gr.Paths[0]
				if p.Stroke != tc.stroke || p.Dash != tc.dash || p.Width != tc.width || p.Opacity != tc.opacity {
					t.Errorf("line stroke=%q dash=%q width=%q opacity=%q, want %q %q %q %q", p.Stroke, p.Dash, p.Width, p.Opacity, tc.stroke, tc.dash, tc.width, tc.opacity)
				}
				if len(gr.Polys) != tc.arrows {
					t.Errorf("%d arrowheads, want %d", len(gr.Polys), tc.arrows)
				}
				if strings.Join(gr.Texts, " ") != "late plays" {
					t.Errorf("label %q, want %q", gr.Texts, "late plays")
				}
			}
			if found != 1 {
				t.Fatalf("%d return edges in the SVG, want 1", found)
			}
			if tc.drawn {
				nodes, edges := drawnSVG(t, svg)
				checkReturnsAlongTheSide(t, nodes, edges, 0)
			}
		})
	}
}

// FuzzRouteSVG: drawing the return edges into any SVG, however broken,
// returns an image or an error, never a panic (the worker would die).
func FuzzRouteSVG(f *testing.F) {
	svg, err := os.ReadFile("../testdata/typical15.svg")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(svg)
	f.Add([]byte(`<svg viewBox="0 0 10 10"><g class="graph" transform="translate(1 2)"><g class="node"><title>a</title><ellipse cx="1" cy="-1" rx="2" ry="1"/></g></g></svg>`))
	f.Add([]byte(`<svg><!-- <g`))
	_, returns := splitReturns([]byte("  edge [fontsize=10];\n  a -> b [class=\"return\", label=\"x\"];\n  events -> stream [class=\"return\"];\n"))
	f.Fuzz(func(t *testing.T, svg []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			out, err := routeSVG(svg, returns, "TB", 14.4)
			if err == nil && len(out) < len(svg) {
				t.Errorf("the SVG lost %d bytes", len(svg)-len(out))
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("routing took over 5 s")
		}
	})
}

// TestReferencePipelinesAreReadable: every bundled reference pipeline,
// fitted into the page's 1140 px column (CSS pixels, 96 to the inch, the
// SVG in points), shows its node labels at 9 px or more and is at most
// 2.5 times as wide as it is tall.
func TestReferencePipelinesAreReadable(t *testing.T) {
	files, err := filepath.Glob("../../../cases/*/reference.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference pipelines: %v", err)
	}
	gv, err := graphviz.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
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
			svg, err := render(context.Background(), gv, diagram.SVG, ref.Pipeline.CanonicalDOT(), false)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Width  string `xml:"width,attr"`
				Height string `xml:"height,attr"`
				Groups []struct {
					Class string `xml:"class,attr"`
					Texts []struct {
						Size float64 `xml:"font-size,attr"`
					} `xml:"text"`
				} `xml:"g>g"`
			}
			d := xml.NewDecoder(bytes.NewReader(svg))
			d.Strict = false
			if err := d.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			w, h := atof(strings.TrimSuffix(doc.Width, "pt"), 0), atof(strings.TrimSuffix(doc.Height, "pt"), 0)
			if w <= 0 || h <= 0 {
				t.Fatalf("the SVG's size is %q by %q", doc.Width, doc.Height)
			}
			smallest := math.Inf(1)
			for _, g := range doc.Groups {
				if g.Class == "node" {
					for _, tx := range g.Texts {
						smallest = min(smallest, tx.Size)
					}
				}
			}
			if math.IsInf(smallest, 1) {
				t.Fatal("no node labels in the SVG")
			}
			scale := min(1, 1140/(w*96/72))
			if px := smallest * 96 / 72 * scale; px < 9 {
				t.Errorf("node labels at %.1f px in the 1140 px column (the picture is %.0f by %.0f pt), want 9 or more", px, w, h)
			}
			if w/h > 2.5 {
				t.Errorf("aspect %.1f:1, want at most 2.5:1", w/h)
			}
		})
	}
}
