package gvworker

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Edges back to an earlier stage (class "return" in the canonical DOT) are
// taken out of the layout and drawn afterwards along the side of the
// picture: each leaves its tail sideways, runs in a lane of its own beside
// the drawing, and enters its head sideways, so that it never sweeps across
// the other nodes. Graphviz lays the picture out once; the routes are
// planned from that layout and drawn into its output (see routed.go), so
// SVG and PNG show the same routes.

// returnMark is how the canonical DOT marks an edge back to an earlier stage.
var returnMark = []byte(`class="return"`)

// returnAttrs are the attributes a return edge keeps when it is put back
// after the layout.
var returnAttrs = []string{"label", "xlabel", "color", "fontcolor", "fontname", "fontsize", "style", "penwidth", "arrowhead", "arrowtail", "arrowsize", "dir", "class"}

type returnEdge struct {
	tail, head string
	attrs      [][2]string
}

func (r returnEdge) attr(name string) string {
	for _, kv := range r.attrs {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// splitReturns cuts the return edges out of canonical DOT, which writes
// each edge on a line of its own, and reads their ends and attributes,
// each with the edge defaults of the DOT's "edge [...]" line under its
// own. A line it cannot read stays in, to be drawn as Graphviz lays it
// out.
func splitReturns(dot []byte) ([]byte, []returnEdge) {
	var out bytes.Buffer
	var returns []returnEdge
	var defaults [][2]string
	for len(dot) > 0 {
		line, rest, _ := bytes.Cut(dot, []byte("\n"))
		dot = rest
		if bytes.HasPrefix(line, []byte("  edge [")) {
			if toks, ok := dotTokens(string(line)); ok && len(toks) >= 3 && toks[1] == "[" && toks[len(toks)-1] == "]" {
				defaults, _ = readAttrs(toks[2 : len(toks)-1])
			}
		}
		if bytes.Contains(line, returnMark) {
			if r, ok := readEdgeLine(string(line)); ok {
				returns = append(returns, r)
				continue
			}
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	for i, r := range returns {
		for _, kv := range defaults {
			if !r.has(kv[0]) {
				returns[i].attrs = append(returns[i].attrs, kv)
			}
		}
	}
	return out.Bytes(), returns
}

func (r returnEdge) has(name string) bool {
	for _, kv := range r.attrs {
		if kv[0] == name {
			return true
		}
	}
	return false
}

// dotTokens splits a line of canonical DOT into ids, quoted strings
// (marked by a leading NUL, so never a keyword), "->", "[", "]" and "=",
// reading it as Graphviz would: \" inside quotes means a quote, other
// escapes are kept for Graphviz to read in labels.
func dotTokens(line string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == ',' || c == ';':
			i++
		case c == '[' || c == ']' || c == '=':
			toks = append(toks, string(c))
			i++
		case c == '-' && strings.HasPrefix(line[i:], "->"):
			toks = append(toks, "->")
			i += 2
		case c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) && line[j+1] == '"' {
					j++
				} else if line[j] == '\\' && j+1 < len(line) {
					b.WriteByte('\\')
					j++
				}
				b.WriteByte(line[j])
			}
			if j >= len(line) {
				return nil, false
			}
			toks = append(toks, "\x00"+b.String())
			i = j + 1
		default:
			j := i
			for j < len(line) && !strings.ContainsRune(" \t,;[]=\"", rune(line[j])) && !strings.HasPrefix(line[j:], "->") {
				j++
			}
			toks = append(toks, line[i:j])
			i = j
		}
	}
	return toks, true
}

func tokenText(t string) string { return strings.TrimPrefix(t, "\x00") }

// readAttrs reads the tokens of k=v pairs, keeping those a return edge
// keeps.
func readAttrs(kv []string) ([][2]string, bool) {
	if len(kv)%3 != 0 {
		return nil, false
	}
	var attrs [][2]string
	for k := 0; k < len(kv); k += 3 {
		if kv[k+1] != "=" {
			return nil, false
		}
		if key := tokenText(kv[k]); slices.Contains(returnAttrs, key) {
			v := tokenText(kv[k+2])
			if key == "label" {
				v = narrow(v)
			}
			attrs = append(attrs, [2]string{key, v})
		}
	}
	return attrs, true
}

// readEdgeLine reads `  a -> b [k=v, k="v"];` as Graphviz would.
func readEdgeLine(line string) (returnEdge, bool) {
	toks, ok := dotTokens(line)
	if !ok || len(toks) < 5 || toks[1] != "->" || toks[3] != "[" || toks[len(toks)-1] != "]" {
		return returnEdge{}, false
	}
	attrs, ok := readAttrs(toks[4 : len(toks)-1])
	if !ok {
		return returnEdge{}, false
	}
	r := returnEdge{tail: tokenText(toks[0]), head: tokenText(toks[2]), attrs: attrs}
	return r, r.attr("class") == "return"
}

type pt struct{ x, y float64 }

type rect struct{ x0, y0, x1, y1 float64 }

func (r rect) hitsH(y, xa, xb float64) bool { // a horizontal segment
	xa, xb = min(xa, xb), max(xa, xb)
	return y > r.y0 && y < r.y1 && xb > r.x0 && xa < r.x1
}

func (r rect) hitsV(x, ya, yb float64) bool { // a vertical segment
	ya, yb = min(ya, yb), max(ya, yb)
	return x > r.x0 && x < r.x1 && yb > r.y0 && ya < r.y1
}

// shape is a node as the router sees it: its box and outline.
type shape struct {
	name    string
	box     rect
	c       pt
	outline [][]pt // closed polygons; ellipses as many points
}

// edgeAt returns the x where a horizontal line at y leaves the node on the
// given side (+1 right, -1 left).
func (s shape) edgeAt(y float64, side float64) float64 {
	best, found := 0.0, false
	for _, poly := range s.outline {
		for i := range poly {
			a, b := poly[i], poly[(i+1)%len(poly)]
			if (a.y-y)*(b.y-y) > 0 || a.y == b.y {
				continue
			}
			x := a.x + (y-a.y)*(b.x-a.x)/(b.y-a.y)
			if !found || x*side > best*side {
				best, found = x, true
			}
		}
	}
	if !found {
		if side > 0 {
			return s.box.x1
		}
		return s.box.x0
	}
	return best
}

// frame maps layout points to the router's frame, where the stages follow
// each other along y and lanes run up and down beside the picture: the
// identity for top-to-bottom layouts, x and y swapped for left-to-right.
type frame bool

func (f frame) p(x, y float64) pt {
	if f {
		return pt{y, x}
	}
	return pt{x, y}
}

// back maps a point of the router's frame back to layout points.
func (f frame) back(p pt) pt {
	if f {
		return pt{p.y, p.x}
	}
	return p
}

// Routing parameters, in points.
const (
	laneGap   = 8.0  // between the picture and the first lane, and between lanes
	labelGap  = 3.0  // between a lane and its label
	jog       = 14.0 // how far a detour steps out from its node before it turns
	cornerR   = 6.0  // radius of the rounded corners
	clearance = 3.0  // kept free around nodes and labels
	maxReach  = 2000 // the farthest a label or a stub is moved to find room
)

// lane is a return edge's path beside the picture, in distances out from
// the picture's side (u) and along it (y), with its label beside it.
type lane struct {
	u, ya, yb     float64 // the lane runs at u from ya to yb
	stubs         [2]float64
	lu0, lu1      float64 // the label's extent out, zero when none
	ly0, ly1      float64
	labelW, label float64 // width out and height along, and where (its middle)
}

// fits reports whether lane l, with its label at y, is clear of the lanes
// already placed.
func (l lane) fits(placed []lane) bool {
	for _, o := range placed {
		if math.Abs(l.u-o.u) < laneGap && overlaps(l.ya, l.yb, o.ya, o.yb, 14) {
			return false
		}
		if o.lu1 > 0 && l.u > o.lu0-2 && l.u < o.lu1+2 && overlaps(l.ya, l.yb, o.ly0, o.ly1, 2) {
			return false // the lane through another's label
		}
		for _, y := range l.stubs {
			if o.lu1 > 0 && o.lu0 < l.u && y > o.ly0-2 && y < o.ly1+2 {
				return false // a stub through another's label
			}
		}
		if l.lu1 == 0 {
			continue
		}
		if o.lu1 > 0 && l.lu0 < o.lu1+2 && o.lu0 < l.lu1+2 && overlaps(l.ly0, l.ly1, o.ly0, o.ly1, 2) {
			return false // two labels
		}
		if o.u > l.lu0-2 && o.u < l.lu1+2 && overlaps(l.ly0, l.ly1, o.ya, o.yb, 2) {
			return false // the label on another lane
		}
		for _, y := range o.stubs {
			if o.u > l.lu0 && y > l.ly0-2 && y < l.ly1+2 {
				return false // the label on another's stub
			}
		}
	}
	return true
}

func overlaps(a0, a1, b0, b1, margin float64) bool {
	return min(a1, b1)+margin > max(a0, b0)
}

// place finds the lane nearest the picture, and its label's place, that
// is clear of the lanes already placed.
func place(ya, yb, w, h float64, placed []lane) lane {
	ya, yb = min(ya, yb), max(ya, yb)
	mid := (ya + yb) / 2
	reach := min(max((yb-ya)/2-h/2, 0), maxReach)
	for u := laneGap; ; u += 2 {
		l := lane{u: u, ya: ya, yb: yb, stubs: [2]float64{ya, yb}}
		if w == 0 {
			if l.fits(placed) || u > 4000 {
				return l
			}
			continue
		}
		l.lu0, l.lu1 = u+labelGap, u+labelGap+w
		for d := 0.0; d <= reach; d += 2 {
			for _, y := range []float64{mid - d, mid + d} {
				l.ly0, l.ly1, l.label = y-h/2, y+h/2, y
				if l.fits(placed) || u > 4000 {
					return l
				}
			}
		}
	}
}

// extent is how far out the lanes and labels of one side reach.
func extent(placed []lane) float64 {
	e := 0.0
	for _, l := range placed {
		e = max(e, l.u, l.lu1)
	}
	return e
}

// geometry is a laid-out picture as the router sees it, in its frame: the
// visible nodes by name, what a route should not run through, and the
// picture's bounds.
type geometry struct {
	fr        frame
	shapes    map[string]shape
	obstacles []obstacle
	pic       rect
}

// lanePath is a return edge as it is drawn, in layout points: its line as
// cubic Bézier points (Graphviz's form: a start, then three points a
// piece), an arrowhead at either end when it has one, and its label.
type lanePath struct {
	line       []pt
	head, tail *arrowAt
	label      pt
	labelled   bool
}

// arrowAt is an arrowhead: its tip at the node and its base, where the
// line ends.
type arrowAt struct{ tip, base pt }

// pos writes the path as Graphviz's "pos" attribute, and its label's
// place as "lp" (empty when it has no label).
func (p lanePath) pos() (pos, lp string) {
	var parts []string
	if p.tail != nil {
		parts = append(parts, "s,"+ptString(p.tail.tip))
	}
	if p.head != nil {
		parts = append(parts, "e,"+ptString(p.head.tip))
	}
	for _, q := range p.line {
		parts = append(parts, ptString(q))
	}
	if p.labelled {
		lp = ptString(p.label)
	}
	return strings.Join(parts, " "), lp
}

func ptString(p pt) string {
	return strconv.FormatFloat(p.x, 'f', 2, 64) + "," + strconv.FormatFloat(p.y, 'f', 2, 64)
}

// arrowLength is the length of an edge's arrowheads, in points.
func (r returnEdge) arrowLength() float64 { return 10 * atof(r.attr("arrowsize"), 1) }

// planRoutes routes each return edge beside the laid-out picture: on the
// side where it reaches the side soonest and widens the picture least, in
// a lane nearest the picture that is clear of the others. An edge whose
// ends are not both drawn gets no path (a zero lanePath).
func planRoutes(geo geometry, returns []returnEdge) []lanePath {
	fr, shapes, obstacles, pic := geo.fr, geo.shapes, geo.obstacles, geo.pic
	type plan struct {
		side           float64
		tail, head     stub
		lane           lane
		arrowH, arrowT bool
		arrowLen       float64
	}
	plans := make([]plan, len(returns))
	// The shortest first, so that lanes nest and cross as little as they can.
	order := make([]int, 0, len(returns))
	for i, r := range returns {
		if _, ok := shapes[r.tail]; !ok {
			continue
		}
		if _, ok := shapes[r.head]; !ok {
			continue
		}
		order = append(order, i)
	}
	span := func(i int) float64 { return math.Abs(shapes[returns[i].tail].c.y - shapes[returns[i].head].c.y) }
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(span(a), span(b)) })
	placed := map[float64][]lane{}
	used := map[string][]float64{} // stub places taken, by node and side
	key := func(name string, side float64) string { return fmt.Sprint(name, side) }
	for _, i := range order {
		r := returns[i]
		w, h := r.labelSize()
		if fr {
			w, h = h, w
		}
		bestCost := math.Inf(1)
		for _, side := range []float64{1, -1} {
			t := findStub(shapes[r.tail], side, pic, obstacles, used[key(r.tail, side)])
			hd := findStub(shapes[r.head], side, pic, obstacles, used[key(r.head, side)])
			ln := place(t.y, hd.y, w, h, placed[side])
			grow := max(extent(append(placed[side], ln))-extent(placed[side]), 0)
			if c := t.cost + hd.cost + grow; c < bestCost {
				bestCost = c
				plans[i] = plan{side: side, tail: t, head: hd, lane: ln}
			}
		}
		p := &plans[i]
		placed[p.side] = append(placed[p.side], p.lane)
		used[key(r.tail, p.side)] = append(used[key(r.tail, p.side)], p.tail.at.y)
		used[key(r.head, p.side)] = append(used[key(r.head, p.side)], p.head.at.y)
		p.arrowLen = r.arrowLength()
		p.arrowH, p.arrowT = r.arrows()
	}
	out := make([]lanePath, len(returns))
	for i, p := range plans {
		if p.side == 0 {
			continue
		}
		edge := pic.x1
		if p.side < 0 {
			edge = pic.x0
		}
		x := edge + p.side*p.lane.u
		pts := []pt{p.tail.at}
		pts = append(pts, p.tail.via...)
		pts = append(pts, pt{x, p.tail.y}, pt{x, p.head.y})
		for j := len(p.head.via) - 1; j >= 0; j-- {
			pts = append(pts, p.head.via[j])
		}
		pts = append(pts, p.head.at)
		// An arrowhead takes the last stretch of the line, which leaves
		// and enters its node sideways.
		tip, end := pts[len(pts)-1], pts[0]
		if p.arrowT {
			pts[0] = pt{end.x + p.side*p.arrowLen, end.y}
			out[i].tail = &arrowAt{tip: fr.back(end), base: fr.back(pts[0])}
		}
		if p.arrowH {
			pts[len(pts)-1] = pt{tip.x + p.side*p.arrowLen, tip.y}
			out[i].head = &arrowAt{tip: fr.back(tip), base: fr.back(pts[len(pts)-1])}
		}
		for _, q := range bezierPath(pts) {
			out[i].line = append(out[i].line, fr.back(q))
		}
		if p.lane.lu1 > 0 {
			out[i].label = fr.back(pt{edge + p.side*(p.lane.lu0+p.lane.lu1)/2, p.lane.label})
			out[i].labelled = true
		}
	}
	return out
}

// labelSize is the width and height of the edge's label as drawn, in
// points; zero when it has none.
func (r returnEdge) labelSize() (w, h float64) {
	size := r.fontSize()
	lines := labelLines(r.attr("label"))
	for _, ln := range lines {
		w = max(w, textWidth(ln, size))
	}
	return w, float64(len(lines)) * size * 1.2
}

func (r returnEdge) fontSize() float64 { return atof(r.attr("fontsize"), 14) }

// arrows reports whether the edge has an arrowhead at its head and at its
// tail.
func (r returnEdge) arrows() (head, tail bool) {
	dir := r.attr("dir")
	head = (dir == "" || dir == "forward" || dir == "both") && r.attr("arrowhead") != "none"
	tail = (dir == "back" || dir == "both") && r.attr("arrowtail") != "none"
	return head, tail
}

// stub is how a return edge reaches the side from one of its nodes: from
// the point at on the node's outline, through via, out along y.
type stub struct {
	at   pt
	via  []pt
	y    float64
	cost float64
}

// findStub finds the nearest way out sideways from node s: straight out
// from its side when nothing is in the way, or else a step out, up or down
// to a clear line, then out.
func findStub(s shape, side float64, pic rect, obstacles []obstacle, used []float64) stub {
	edge := pic.x1
	if side < 0 {
		edge = pic.x0
	}
	clearH := func(y, from float64) bool {
		for _, o := range obstacles {
			if o.owner != s.name && o.hitsH(y, from, edge) {
				return false
			}
		}
		return true
	}
	clearV := func(x, ya, yb float64) bool {
		for _, o := range obstacles {
			if o.owner != s.name && o.hitsV(x, ya, yb) {
				return false
			}
		}
		return true
	}
	free := func(y float64) bool { // apart from the other stubs at this side
		for _, u := range used {
			if math.Abs(u-y) < 8 {
				return false
			}
		}
		return true
	}
	half := (s.box.y1 - s.box.y0) / 2
	for d := 0.0; d <= min(half*0.7, maxReach); d += 2 {
		for _, y := range []float64{s.c.y + d, s.c.y - d} {
			x := s.edgeAt(y, side)
			if free(y) && clearH(y, x) {
				return stub{at: pt{x, y}, y: y, cost: math.Abs(edge - x)}
			}
		}
	}
	x := s.edgeAt(s.c.y, side)
	out := x + side*jog
	if side > 0 {
		out = max(out, s.box.x1+jog)
	} else {
		out = min(out, s.box.x0-jog)
	}
	for d := half + 2; d <= 400; d += 2 {
		for _, y := range []float64{s.c.y + d, s.c.y - d} {
			if clearV(out, s.c.y, y) && clearH(y, out) {
				return stub{at: pt{x, s.c.y}, via: []pt{{out, s.c.y}, {out, y}}, y: y, cost: math.Abs(edge-x) + 2*d + 40}
			}
		}
	}
	return stub{at: pt{x, s.c.y}, y: s.c.y, cost: math.Abs(edge-x) + 1000}
}

// bezierPath writes a polyline as Graphviz's piecewise cubic Bézier
// points, with its corners rounded.
func bezierPath(pts []pt) []pt {
	// Drop repeated points, which have no direction.
	var p []pt
	for _, q := range pts {
		if len(p) == 0 || math.Hypot(q.x-p[len(p)-1].x, q.y-p[len(p)-1].y) > 0.01 {
			p = append(p, q)
		}
	}
	if len(p) < 2 {
		p = append(p, p[0])
		return []pt{p[0], p[0], p[1], p[1]}
	}
	line := func(a, b pt) []pt {
		return []pt{{a.x + (b.x-a.x)/3, a.y + (b.y-a.y)/3}, {a.x + 2*(b.x-a.x)/3, a.y + 2*(b.y-a.y)/3}, b}
	}
	out := []pt{p[0]}
	cur := p[0]
	for i := 1; i < len(p)-1; i++ {
		a, c, b := p[i-1], p[i], p[i+1]
		la, lb := math.Hypot(c.x-a.x, c.y-a.y), math.Hypot(b.x-c.x, b.y-c.y)
		r := min(cornerR, la/2, lb/2)
		in := pt{c.x - (c.x-a.x)/la*r, c.y - (c.y-a.y)/la*r}
		outp := pt{c.x + (b.x-c.x)/lb*r, c.y + (b.y-c.y)/lb*r}
		out = append(out, line(cur, in)...)
		k := 0.55
		out = append(out, pt{in.x + (c.x-in.x)*k, in.y + (c.y-in.y)*k}, pt{outp.x + (c.x-outp.x)*k, outp.y + (c.y-outp.y)*k}, outp)
		cur = outp
	}
	return append(out, line(cur, p[len(p)-1])...)
}

// obstacle is a box a route should not run through, and the node it is,
// if it is one.
type obstacle struct {
	rect
	owner string
}

// addText adds a line of text as an obstacle: from x0 for width along,
// with its baseline at y, in layout points.
func (g *geometry) addText(x0, y, width, size float64) {
	g.obstacles = append(g.obstacles, obstacle{rect: g.box(g.fr.p(x0, y-0.3*size), g.fr.p(x0+width, y+0.9*size))})
}

// addNode adds a visible node: its outline (closed polygons, in layout
// points) and its centre and size.
func (g *geometry) addNode(name string, outline [][]pt, cx, cy, w, h float64) {
	c := g.fr.p(cx, cy)
	half := g.fr.p(w/2, h/2)
	s := shape{name: name, c: c, box: rect{c.x - half.x, c.y - half.y, c.x + half.x, c.y + half.y}}
	for _, poly := range outline {
		framed := make([]pt, len(poly))
		for i, q := range poly {
			framed[i] = g.fr.p(q.x, q.y)
		}
		s.outline = append(s.outline, framed)
	}
	g.shapes[name] = s
	g.obstacles = append(g.obstacles, obstacle{rect: g.box(pt{s.box.x0, s.box.y0}, pt{s.box.x1, s.box.y1}), owner: name})
}

// setBounds sets the picture's bounds from two corners in layout points.
func (g *geometry) setBounds(x0, y0, x1, y1 float64) {
	a, b := g.fr.p(x0, y0), g.fr.p(x1, y1)
	g.pic = rect{min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)}
}

func (g *geometry) box(a, b pt) rect {
	return rect{min(a.x, b.x) - clearance, min(a.y, b.y) - clearance, max(a.x, b.x) + clearance, max(a.y, b.y) + clearance}
}

func newGeometry(rankdir string) *geometry {
	return &geometry{fr: frame(rankdir == "LR" || rankdir == "RL"), shapes: map[string]shape{}}
}

// ellipse returns an ellipse as a polygon of many points.
func ellipse(cx, cy, rx, ry float64) []pt {
	poly := make([]pt, 48)
	for k := range poly {
		t := 2 * math.Pi * float64(k) / 48
		poly[k] = pt{cx + rx*math.Cos(t), cy + ry*math.Sin(t)}
	}
	return poly
}

// layoutGeometry reads what the router needs from Graphviz's json layout:
// the visible nodes, and every label, with room around them.
func layoutGeometry(l *Layout, rankdir string) (geometry, error) {
	g := newGeometry(rankdir)
	x0, y0, x1, y1, err := l.Bounds()
	if err != nil {
		return geometry{}, err
	}
	g.setBounds(x0, y0, x1, y1)
	texts := func(ops []drawOp) {
		size := 14.0
		for _, op := range ops {
			if op.Op == "F" && op.Size > 0 {
				size = op.Size
			}
			if op.Op != "T" || len(op.Pt) < 2 {
				continue
			}
			x := op.Pt[0]
			switch op.Align {
			case "c":
				x -= op.Width / 2
			case "r":
				x -= op.Width
			}
			g.addText(x, op.Pt[1], op.Width, size)
		}
	}
	texts(l.LDraw)
	for _, o := range l.Objects {
		texts(o.LDraw)
		if o.Nodes != nil || o.Pos == "" || strings.Contains(o.Style, "invis") {
			continue
		}
		w, h := atof(o.Width, 0)*72, atof(o.Height, 0)*72
		if w == 0 || h == 0 {
			continue
		}
		cx, cy, ok := parsePoint(o.Pos)
		if !ok {
			continue
		}
		var outline [][]pt
		for _, op := range o.Draw {
			switch op.Op {
			case "p", "P", "b", "B", "L":
				poly := make([]pt, len(op.Points))
				for i, q := range op.Points {
					poly[i] = pt{q[0], q[1]}
				}
				outline = append(outline, poly)
			case "e", "E":
				if len(op.Rect) == 4 {
					outline = append(outline, ellipse(op.Rect[0], op.Rect[1], op.Rect[2], op.Rect[3]))
				}
			}
		}
		g.addNode(o.Name, outline, cx, cy, w, h)
	}
	for _, e := range l.Edges {
		texts(e.LDraw)
		texts(e.HLDraw)
		texts(e.TLDraw)
	}
	return *g, nil
}

func parsePoint(s string) (float64, float64, bool) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(strings.TrimSuffix(b, "!"), 64)
	return x, y, err1 == nil && err2 == nil
}

func atof(s string, def float64) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return def
	}
	return v
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// laneLabelWidth is the longest line of a return edge's label, in
// characters: it stands beside its lane, where every point of width widens
// the picture.
const laneLabelWidth = 13

// narrow wraps a label written as canonical DOT (lines broken by \n) into
// lines of at most laneLabelWidth characters; a label with other escapes
// is kept as it is.
func narrow(label string) string {
	plain := strings.ReplaceAll(label, `\n`, " ")
	if strings.Contains(plain, `\`) {
		return label
	}
	var lines []string
	line := ""
	for _, w := range strings.Fields(plain) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > laneLabelWidth {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), `\n`)
}

// labelLines splits an escaped DOT label at its line breaks.
func labelLines(s string) []string {
	if s == "" {
		return nil
	}
	r := strings.NewReplacer(`\n`, "\n", `\l`, "\n", `\r`, "\n", `\"`, `"`, `\\`, `\`)
	lines := strings.Split(strings.TrimSuffix(r.Replace(s), "\n"), "\n")
	return lines
}

// textWidth estimates the width of a line of Helvetica text as Graphviz
// measures it, from the widths of Arial's characters.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtfI|!.,:;'()[] -", r):
			w += 0.3
		case strings.ContainsRune("mwMW@", r):
			w += 0.85
		case r >= 'A' && r <= 'Z':
			w += 0.68
		case r < 0x80:
			w += 0.55
		default:
			w += 0.9 // wide scripts and symbols
		}
	}
	return w*size + 2
}
