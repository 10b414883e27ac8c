package gvworker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-graphviz"
	"golang.org/x/image/colornames"

	"github.com/casebench/casebench/internal/diagram"
)

// renderRouted draws canonical DOT that has return edges. Graphviz lays
// out the graph once without them; the router places them beside that
// layout and they are drawn into its output: into the SVG as elements of
// the same form Graphviz writes, into the layout's drawing operations for
// PNG. Return edges styled in ways drawn here not (colour lists, arrow
// shapes other than normal, empty and none, tapered lines, xlabels, label
// escapes other than \n) are put back into the graph and Graphviz draws
// the picture a second time from the fixed positions.
func renderRouted(ctx context.Context, gv *graphviz.Graphviz, dot []byte, f diagram.Format, cheap bool) ([]byte, error) {
	stripped, returns := splitReturns(dot)
	for _, r := range returns {
		if !r.drawable() {
			return renderRoutedByGraphviz(ctx, gv, stripped, returns, f, cheap)
		}
	}
	g, err := parseForLayout(stripped, cheap)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	rankdir := g.GetStr("rankdir")
	var buf bytes.Buffer
	if f == diagram.SVG {
		if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		return routeSVG(buf.Bytes(), returns, rankdir, padOf(g.GetStr("pad")))
	}
	if err := gv.Render(ctx, g, graphviz.Format("json"), &buf); err != nil {
		return nil, fmt.Errorf("graphviz: %v", err)
	}
	l, err := ParseLayout(buf.Bytes())
	if err != nil {
		return nil, err
	}
	geo, err := layoutGeometry(l, rankdir)
	if err != nil {
		return nil, err
	}
	paths := planRoutes(geo, returns)
	edges := make([]object, 0, len(returns))
	bb := geo.layoutBounds()
	for i, r := range returns {
		if e, ok := r.object(paths[i], l); ok {
			e.Gvid = len(l.Edges) + len(edges)
			edges = append(edges, e)
			bb = bb.union(paths[i].extent(r))
		}
	}
	l.BB = bb.bbString()
	switch f {
	case diagram.PNG:
		l.Edges = append(l.Edges, edges...)
		return drawLayout(l)
	case layoutFormat:
		return spliceLayout(buf.Bytes(), edges, l.BB)
	}
	return nil, fmt.Errorf("unknown format %q", byte(f))
}

// renderRoutedByGraphviz lays out stripped, routes the return edges beside
// it, puts them back into the graph with their routes and has Graphviz
// draw the whole picture from the fixed positions ("nop2").
func renderRoutedByGraphviz(ctx context.Context, gv *graphviz.Graphviz, stripped []byte, returns []returnEdge, f diagram.Format, cheap bool) ([]byte, error) {
	g, err := parseForLayout(stripped, cheap)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.Format("json"), &buf); err != nil {
		return nil, fmt.Errorf("graphviz: %v", err)
	}
	l, err := ParseLayout(buf.Bytes())
	if err != nil {
		return nil, err
	}
	geo, err := layoutGeometry(l, g.GetStr("rankdir"))
	if err != nil {
		return nil, err
	}
	paths := planRoutes(geo, returns)
	for i, r := range returns {
		tn, err := g.NodeByName(r.tail)
		if err != nil || tn == nil {
			return nil, fmt.Errorf("graphviz: no node %q", r.tail)
		}
		hn, err := g.NodeByName(r.head)
		if err != nil || hn == nil {
			return nil, fmt.Errorf("graphviz: no node %q", r.head)
		}
		e, err := g.CreateEdgeByName("", tn, hn)
		if err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		pos, lp := paths[i].pos()
		set := append(slices.Clone(r.attrs), [2]string{"pos", pos})
		if lp != "" {
			set = append(set, [2]string{"lp", lp})
		}
		for _, kv := range set {
			if err := e.SafeSet(kv[0], kv[1], ""); err != nil {
				return nil, fmt.Errorf("graphviz: %v", err)
			}
		}
	}
	gv.SetLayout(graphviz.NOP2)
	defer gv.SetLayout(graphviz.DOT)
	buf.Reset()
	out := graphviz.SVG
	if f != diagram.SVG {
		out = graphviz.Format("json")
	}
	if err := gv.Render(ctx, g, out, &buf); err != nil {
		return nil, fmt.Errorf("graphviz: %v", err)
	}
	if f == diagram.PNG {
		return drawPNG(buf.Bytes())
	}
	return buf.Bytes(), nil
}

// drawable reports whether the edge's style is one drawn here: one colour
// by #rrggbb(aa) or SVG name, solid, dashed, dotted, bold or invisible
// lines, arrows normal, empty or none, and a label whose only escape is
// the line break.
func (r returnEdge) drawable() bool {
	for _, kv := range r.attrs {
		k, v := kv[0], kv[1]
		switch k {
		case "color", "fontcolor":
			if _, ok := svgColor(v); !ok {
				return false
			}
		case "style":
			for _, s := range strings.Split(v, ",") {
				switch strings.TrimSpace(s) {
				case "", "solid", "dashed", "dotted", "bold", "invis":
				default:
					return false
				}
			}
		case "arrowhead", "arrowtail":
			switch v {
			case "", "normal", "empty", "onormal", "none":
			default:
				return false
			}
		case "label":
			if strings.Contains(strings.NewReplacer(`\n`, "", `\\`, "", `\"`, "").Replace(v), `\`) {
				return false
			}
		case "xlabel", "fontname":
			if k == "xlabel" || v != "Helvetica" {
				return false
			}
		case "penwidth", "fontsize", "arrowsize":
			if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 || f > 100 {
				return false
			}
		}
	}
	return true
}

// svgColor returns a colour as SVG writes it (#rrggbb or a name) and its
// opacity, for #rrggbb, #rrggbbaa and the SVG colour names.
func svgColor(c string) (colour, bool) {
	if strings.HasPrefix(c, "#") && (len(c) == 7 || len(c) == 9) {
		v, err := strconv.ParseUint(c[1:], 16, 32)
		if err != nil {
			return colour{}, false
		}
		if len(c) == 7 {
			return colour{svg: strings.ToLower(c), hex: strings.ToLower(c), alpha: 1}, true
		}
		return colour{svg: strings.ToLower(c[:7]), hex: strings.ToLower(c), alpha: float64(v&0xff) / 255}, true
	}
	name := strings.ToLower(c)
	if rgba, ok := colornames.Map[name]; ok {
		return colour{svg: name, hex: fmt.Sprintf("#%02x%02x%02x", rgba.R, rgba.G, rgba.B), alpha: 1}, true
	}
	return colour{}, false
}

// colour is a colour as SVG names it, as the PNG painter reads it, and
// its opacity.
type colour struct {
	svg, hex string
	alpha    float64
}

// look is how a return edge is drawn, read from its attributes.
type look struct {
	pen, font          colour
	dash               string // SVG's stroke-dasharray, empty for solid
	width              float64
	invisible          bool
	fontSize           float64
	lines              []string
	headOpen, tailOpen bool
}

func (r returnEdge) look() look {
	lk := look{width: 1, fontSize: r.fontSize()}
	lk.pen, _ = svgColor(r.attr("color"))
	if r.attr("color") == "" {
		lk.pen, _ = svgColor("black")
	}
	lk.font, _ = svgColor(r.attr("fontcolor"))
	if r.attr("fontcolor") == "" {
		lk.font, _ = svgColor("black")
	}
	for _, s := range strings.Split(r.attr("style"), ",") {
		switch strings.TrimSpace(s) {
		case "dashed":
			lk.dash = "5,2"
		case "dotted":
			lk.dash = "1,5"
		case "bold":
			lk.width = 2
		case "invis":
			lk.invisible = true
		}
	}
	if r.has("penwidth") {
		lk.width = atof(r.attr("penwidth"), 1)
	}
	lk.lines = labelLines(r.attr("label"))
	lk.headOpen = strings.HasPrefix(r.attr("arrowhead"), "o") || r.attr("arrowhead") == "empty"
	lk.tailOpen = strings.HasPrefix(r.attr("arrowtail"), "o") || r.attr("arrowtail") == "empty"
	return lk
}

// arrowPolygon is Graphviz's "normal" arrowhead from a.base to a.tip,
// moved back from the tip by what its outline's mitred point needs, so
// that the outline ends at the node.
func arrowPolygon(a arrowAt, penwidth float64) []pt {
	dx, dy := a.base.x-a.tip.x, a.base.y-a.tip.y
	n := math.Hypot(dx, dy)
	if n == 0 {
		return nil
	}
	ux, uy := dx/n, dy/n
	inset := penwidth / 2 / math.Sin(math.Atan(0.35))
	tip := pt{a.tip.x + ux*inset, a.tip.y + uy*inset}
	base := pt{a.base.x + ux*inset, a.base.y + uy*inset}
	vx, vy := -uy*n*0.35, ux*n*0.35
	return []pt{{base.x + vx, base.y + vy}, tip, {base.x - vx, base.y - vy}, {base.x + vx, base.y + vy}}
}

// labelBaselines returns where each line of a label centred at c starts,
// its baseline, in layout points (y up).
func labelBaselines(c pt, n int, size float64) []pt {
	h := float64(n) * size * 1.2
	out := make([]pt, n)
	for i := range out {
		out[i] = pt{c.x, c.y + h/2 - size - float64(i)*size*1.2}
	}
	return out
}

// box is a rectangle in layout points, y up.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) union(o box) box {
	if o.x0 > o.x1 {
		return b
	}
	return box{min(b.x0, o.x0), min(b.y0, o.y0), max(b.x1, o.x1), max(b.y1, o.y1)}
}

func (b box) bbString() string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	return f(b.x0) + "," + f(b.y0) + "," + f(b.x1) + "," + f(b.y1)
}

// layoutBounds returns the picture's bounds in layout points.
func (g geometry) layoutBounds() box {
	a, b := g.fr.back(pt{g.pic.x0, g.pic.y0}), g.fr.back(pt{g.pic.x1, g.pic.y1})
	return box{min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)}
}

// extent returns the box a drawn return edge covers, or an empty one.
func (p lanePath) extent(r returnEdge) box {
	e := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	add := func(q pt, m float64) {
		e = box{min(e.x0, q.x-m), min(e.y0, q.y-m), max(e.x1, q.x+m), max(e.y1, q.y+m)}
	}
	for _, q := range p.line {
		add(q, 1)
	}
	for _, a := range []*arrowAt{p.head, p.tail} {
		if a != nil {
			for _, q := range arrowPolygon(*a, 1) {
				add(q, 1)
			}
		}
	}
	if p.labelled {
		w, h := r.labelSize()
		add(pt{p.label.x - w/2, p.label.y - h/2}, 1)
		add(pt{p.label.x + w/2, p.label.y + h/2}, 1)
	}
	return e
}

// object returns a return edge as drawing operations of Graphviz's json
// layout, for the PNG painter, and false when it is not drawn.
func (r returnEdge) object(p lanePath, l *Layout) (object, bool) {
	if len(p.line) == 0 {
		return object{}, false
	}
	lk := r.look()
	e := object{Class: r.attr("class"), Style: r.attr("style"), Tail: -1, Head: -1}
	for _, o := range l.Objects {
		switch o.Name {
		case r.tail:
			e.Tail = o.Gvid
		case r.head:
			e.Head = o.Gvid
		}
	}
	if lk.invisible {
		return e, true
	}
	pen := func(dash bool) []drawOp {
		ops := []drawOp{{Op: "S", Style: "solid"}}
		if dash && lk.dash == "5,2" {
			ops[0].Style = "dashed"
		} else if dash && lk.dash != "" {
			ops[0].Style = "dotted"
		}
		if lk.width != 1 {
			ops = append(ops, drawOp{Op: "S", Style: "setlinewidth(" + strconv.FormatFloat(lk.width, 'f', -1, 64) + ")"})
		}
		return append(ops, drawOp{Op: "c", Color: lk.pen.hex}, drawOp{Op: "C", Color: lk.pen.hex})
	}
	line := make([][2]float64, len(p.line))
	for i, q := range p.line {
		line[i] = [2]float64{q.x, q.y}
	}
	e.Draw = append(pen(true), drawOp{Op: "b", Points: line})
	arrow := func(a *arrowAt, open bool) []drawOp {
		if a == nil {
			return nil
		}
		poly := arrowPolygon(*a, lk.width)
		pts := make([][2]float64, len(poly))
		for i, q := range poly {
			pts[i] = [2]float64{q.x, q.y}
		}
		op := "P"
		if open {
			op = "p"
		}
		return append(pen(false), drawOp{Op: op, Points: pts})
	}
	e.HDraw = arrow(p.head, lk.headOpen)
	e.TDraw = arrow(p.tail, lk.tailOpen)
	if p.labelled {
		e.LDraw = []drawOp{{Op: "F", Size: lk.fontSize}, {Op: "c", Color: lk.font.hex}}
		for i, at := range labelBaselines(p.label, len(lk.lines), lk.fontSize) {
			e.LDraw = append(e.LDraw, drawOp{Op: "T", Pt: []float64{at.x, at.y}, Align: "c", Width: textWidth(lk.lines[i], lk.fontSize), Text: lk.lines[i]})
		}
	}
	return e, true
}

// spliceLayout adds edges to Graphviz's json layout and sets its bounding
// box, keeping everything else it says.
func spliceLayout(layout []byte, edges []object, bb string) ([]byte, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(layout, &raw); err != nil {
		return nil, fmt.Errorf("read graphviz layout: %w", err)
	}
	var all []json.RawMessage
	if e, ok := raw["edges"]; ok {
		if err := json.Unmarshal(e, &all); err != nil {
			return nil, fmt.Errorf("read graphviz layout: %w", err)
		}
	}
	for _, e := range edges {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		all = append(all, b)
	}
	var err error
	if raw["edges"], err = json.Marshal(all); err != nil {
		return nil, err
	}
	if raw["bb"], err = json.Marshal(bb); err != nil {
		return nil, err
	}
	return json.Marshal(raw)
}

// padOf reads Graphviz's pad attribute (inches, "x" or "x,y") as points;
// Graphviz's default is 4 points.
func padOf(v string) float64 {
	a, _, _ := strings.Cut(v, ",")
	f, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 4
	}
	return f * 72
}
