package gvworker

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Graphviz's SVG draws the layout with y negated (SVG's y runs down) inside
// the group "graph0", whose transform moves the picture onto the page. The
// return edges are drawn into that group in the same coordinates, and the
// page, the group's translation and the background grow to hold them.

// svgPage is where Graphviz's SVG puts the picture: the painted rectangle
// in the group's coordinates (the background, the bounding box with the
// pad around it).
type svgPage struct {
	x0, y0, x1, y1 float64 // SVG coordinates, y down
}

// routeSVG draws the return edges into Graphviz's SVG of the graph laid
// out without them.
func routeSVG(svg []byte, returns []returnEdge, rankdir string, pad float64) ([]byte, error) {
	geo, page, err := svgGeometry(svg, rankdir, pad)
	if err != nil {
		return nil, err
	}
	paths := planRoutes(geo, returns)
	bb := geo.layoutBounds()
	var edges bytes.Buffer
	id := maxEdgeID(svg)
	for i, r := range returns {
		if len(paths[i].line) == 0 {
			continue
		}
		id++
		writeSVGEdge(&edges, id, r, paths[i])
		bb = bb.union(paths[i].extent(r))
	}
	// The picture's new bounds with the pad around them, in SVG coordinates.
	grown := svgPage{min(page.x0, bb.x0-pad), min(page.y0, -bb.y1-pad), max(page.x1, bb.x1+pad), max(page.y1, -bb.y0+pad)}
	end := bytes.LastIndex(svg, []byte("</g>"))
	if end < 0 {
		return nil, errors.New("graphviz's SVG has no picture")
	}
	out := make([]byte, 0, len(svg)+edges.Len()+64)
	out = append(out, svg[:end]...)
	out = append(out, edges.Bytes()...)
	out = append(out, svg[end:]...)
	if grown != page {
		return resizeSVG(out, grown)
	}
	return out, nil
}

// svgGeometry reads what the router needs from Graphviz's SVG: the visible
// nodes (their outlines), every text as an obstacle, and the picture's
// bounds, from the page less its pad.
func svgGeometry(svg []byte, rankdir string, pad float64) (geometry, svgPage, error) {
	g := newGeometry(rankdir)
	var page svgPage
	var vw, vh, tx, ty float64
	haveBox, haveMove := false, false
	type group struct {
		node    bool
		title   string
		outline [][]pt
	}
	var groups []*group
	node := func() *group {
		for i := len(groups) - 1; i >= 0; i-- {
			if groups[i].node {
				return groups[i]
			}
		}
		return nil
	}
	sc := svgScanner{src: svg}
	for {
		el, ok := sc.next()
		if !ok {
			break
		}
		if el.end {
			if el.name == "g" && len(groups) > 0 {
				gr := groups[len(groups)-1]
				groups = groups[:len(groups)-1]
				if gr.node && len(gr.outline) > 0 {
					b := outlineBox(gr.outline)
					g.addNode(gr.title, gr.outline, (b.x0+b.x1)/2, (b.y0+b.y1)/2, b.x1-b.x0, b.y1-b.y0)
				}
			}
			continue
		}
		switch el.name {
		case "svg":
			if v := strings.Fields(el.attr("viewBox")); len(v) == 4 {
				vw, vh = atof(v[2], math.NaN()), atof(v[3], math.NaN())
				haveBox = !math.IsNaN(vw + vh)
			}
		case "g":
			class := el.attr("class")
			if hasClass(class, "graph") {
				tx, ty, haveMove = translation(el.attr("transform"))
			}
			if !el.empty {
				groups = append(groups, &group{node: hasClass(class, "node")})
			}
		case "title":
			if len(groups) > 0 {
				groups[len(groups)-1].title = sc.text()
			}
		case "text":
			size := atof(el.attr("font-size"), 14)
			x, y := atof(el.attr("x"), 0), -atof(el.attr("y"), 0)
			w := textWidth(sc.text(), size)
			switch el.attr("text-anchor") {
			case "middle":
				x -= w / 2
			case "end":
				x -= w
			}
			g.addText(x, y, w, size)
		case "polygon", "polyline":
			if n := node(); n != nil {
				n.outline = append(n.outline, svgPoints(el.attr("points")))
			}
		case "path":
			if n := node(); n != nil {
				n.outline = append(n.outline, svgPoints(el.attr("d")))
			}
		case "ellipse":
			if n := node(); n != nil {
				cx, cy := atof(el.attr("cx"), 0), -atof(el.attr("cy"), 0)
				n.outline = append(n.outline, ellipse(cx, cy, atof(el.attr("rx"), 0), atof(el.attr("ry"), 0)))
			}
		}
	}
	if sc.err != nil {
		return geometry{}, page, sc.err
	}
	if !haveBox || !haveMove {
		return geometry{}, page, errors.New("graphviz's SVG has no page size or translation")
	}
	page = svgPage{-tx, -ty, vw - tx, vh - ty}
	g.setBounds(page.x0+pad, -(page.y1 - pad), page.x1-pad, -(page.y0 + pad))
	return *g, page, nil
}

// svgScanner reads the elements of Graphviz's SVG: start and end tags with
// their attributes, and the text of an element just read. It knows only
// what Graphviz writes (no CDATA, no entities but character references and
// XML's five), and is several times faster than encoding/xml.
type svgScanner struct {
	src []byte
	at  int
	err error
}

// element is a start tag (with its attributes as written, and whether it
// closes itself) or an end tag.
type element struct {
	name       string
	attrs      []byte
	end, empty bool
}

func (e element) attr(name string) string {
	a := e.attrs
	for {
		i := bytes.Index(a, []byte(name+`="`))
		if i < 0 {
			return ""
		}
		if i == 0 || (a[i-1] != ' ' && a[i-1] != '\n' && a[i-1] != '\t') {
			a = a[i+len(name):]
			continue
		}
		v := a[i+len(name)+2:]
		j := bytes.IndexByte(v, '"')
		if j < 0 {
			return ""
		}
		if bytes.IndexByte(v[:j], '&') < 0 {
			return string(v[:j])
		}
		return html.UnescapeString(string(v[:j]))
	}
}

// next returns the next tag, skipping comments, declarations and text.
func (s *svgScanner) next() (element, bool) {
	for {
		i := bytes.IndexByte(s.src[s.at:], '<')
		if i < 0 {
			return element{}, false
		}
		s.at += i
		rest := s.src[s.at:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			j := bytes.Index(rest, []byte("-->"))
			if j < 0 {
				s.err = errors.New("read graphviz's SVG: a comment does not end")
				return element{}, false
			}
			s.at += j + 3
			continue
		case bytes.HasPrefix(rest, []byte("<?")), bytes.HasPrefix(rest, []byte("<!")):
			j := bytes.IndexByte(rest, '>')
			if j < 0 {
				s.err = errors.New("read graphviz's SVG: a declaration does not end")
				return element{}, false
			}
			s.at += j + 1
			continue
		}
		j := bytes.IndexByte(rest, '>')
		if j < 0 {
			s.err = errors.New("read graphviz's SVG: a tag does not end")
			return element{}, false
		}
		tag := rest[1:j]
		s.at += j + 1
		var e element
		if len(tag) > 0 && tag[0] == '/' {
			e.end = true
			tag = tag[1:]
		}
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			e.empty = true
			tag = tag[:len(tag)-1]
		}
		k := bytes.IndexAny(tag, " \n\t")
		if k < 0 {
			k = len(tag)
		}
		e.name, e.attrs = string(tag[:k]), tag[k:]
		return e, true
	}
}

// text returns the text from here to the next tag, unescaped.
func (s *svgScanner) text() string {
	i := bytes.IndexByte(s.src[s.at:], '<')
	if i < 0 {
		i = len(s.src) - s.at
	}
	t := s.src[s.at : s.at+i]
	if bytes.IndexByte(t, '&') < 0 {
		return string(t)
	}
	return html.UnescapeString(string(t))
}

func hasClass(class, name string) bool {
	for _, c := range strings.Fields(class) {
		if c == name {
			return true
		}
	}
	return false
}

// translation reads the translate(x y) of a transform.
func translation(tr string) (float64, float64, bool) {
	_, rest, ok := strings.Cut(tr, "translate(")
	if !ok {
		return 0, 0, false
	}
	args, _, ok := strings.Cut(rest, ")")
	f := strings.FieldsFunc(args, func(r rune) bool { return r == ' ' || r == ',' })
	if !ok || len(f) != 2 {
		return 0, 0, false
	}
	x, err1 := strconv.ParseFloat(f[0], 64)
	y, err2 := strconv.ParseFloat(f[1], 64)
	return x, y, err1 == nil && err2 == nil
}

// svgPoints reads the numbers of a points list or a path of Graphviz's
// (M, C and L commands of absolute points) as layout points (y up).
func svgPoints(s string) []pt {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == '\n' || r == 'M' || r == 'C' || r == 'L' || r == 'Z' || r == 'z'
	})
	out := make([]pt, 0, len(f)/2)
	for i := 0; i+1 < len(f); i += 2 {
		x, err1 := strconv.ParseFloat(f[i], 64)
		y, err2 := strconv.ParseFloat(f[i+1], 64)
		if err1 == nil && err2 == nil && !math.IsInf(x+y, 0) && !math.IsNaN(x+y) {
			out = append(out, pt{x, -y})
		}
	}
	return out
}

func outlineBox(outline [][]pt) box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, poly := range outline {
		for _, q := range poly {
			b = box{min(b.x0, q.x), min(b.y0, q.y), max(b.x1, q.x), max(b.y1, q.y)}
		}
	}
	return b
}

// maxEdgeID returns the largest n of the ids "edgen" in svg.
func maxEdgeID(svg []byte) int {
	n := 0
	for rest := svg; ; {
		i := bytes.Index(rest, []byte(`id="edge`))
		if i < 0 {
			return n
		}
		rest = rest[i+len(`id="edge`):]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			return n
		}
		if v, err := strconv.Atoi(string(rest[:j])); err == nil {
			n = max(n, v)
		}
	}
}

// svgNumber writes a coordinate as Graphviz does: two decimals at most.
func svgNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func svgPoint(b *bytes.Buffer, p pt) {
	b.WriteString(svgNumber(p.x))
	b.WriteByte(',')
	b.WriteString(svgNumber(-p.y))
}

// xmlText escapes s for SVG text and attributes, and '-' as Graphviz does,
// so that no "--" ends a comment.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), "-", "&#45;")
}

// paint writes the fill or stroke of a colour, with its opacity when it
// has one.
func paint(b *bytes.Buffer, what string, c colour) {
	fmt.Fprintf(b, ` %s="%s"`, what, c.svg)
	if c.alpha < 1 {
		fmt.Fprintf(b, ` %s-opacity="%s"`, what, strconv.FormatFloat(c.alpha, 'f', 6, 64))
	}
}

// writeSVGEdge writes a return edge as Graphviz writes an edge: a group
// with its title, its line, its arrowheads and its label.
func writeSVGEdge(b *bytes.Buffer, id int, r returnEdge, p lanePath) {
	lk := r.look()
	class := "edge"
	if c := r.attr("class"); c != "" {
		class += " " + c
	}
	fmt.Fprintf(b, "<!-- %s&#45;&gt;%s -->\n", xmlText(r.tail), xmlText(r.head))
	fmt.Fprintf(b, "<g id=\"edge%d\" class=\"%s\">\n<title>%s&#45;&gt;%s</title>\n", id, xmlText(class), xmlText(r.tail), xmlText(r.head))
	if lk.invisible {
		b.WriteString("</g>\n")
		return
	}
	width := ""
	if lk.width != 1 {
		width = fmt.Sprintf(` stroke-width="%s"`, svgNumber(lk.width))
	}
	b.WriteString(`<path fill="none"`)
	paint(b, "stroke", lk.pen)
	b.WriteString(width)
	if lk.dash != "" {
		fmt.Fprintf(b, ` stroke-dasharray="%s"`, lk.dash)
	}
	b.WriteString(` d="M`)
	for i, q := range p.line {
		switch {
		case i == 1:
			b.WriteByte('C')
		case i > 1:
			b.WriteByte(' ')
		}
		svgPoint(b, q)
	}
	b.WriteString("\"/>\n")
	for _, a := range []struct {
		at   *arrowAt
		open bool
	}{{p.head, lk.headOpen}, {p.tail, lk.tailOpen}} {
		if a.at == nil {
			continue
		}
		b.WriteString("<polygon")
		if a.open {
			b.WriteString(` fill="none"`)
		} else {
			paint(b, "fill", lk.pen)
		}
		paint(b, "stroke", lk.pen)
		b.WriteString(width)
		b.WriteString(` points="`)
		for i, q := range arrowPolygon(*a.at, lk.width) {
			if i > 0 {
				b.WriteByte(' ')
			}
			svgPoint(b, q)
		}
		b.WriteString("\"/>\n")
	}
	if p.labelled {
		for i, at := range labelBaselines(p.label, len(lk.lines), lk.fontSize) {
			fmt.Fprintf(b, `<text text-anchor="middle" x="%s" y="%s" font-family="Helvetica,sans-Serif" font-size="%.2f"`, svgNumber(at.x), svgNumber(-at.y), lk.fontSize)
			paint(b, "fill", lk.font)
			fmt.Fprintf(b, ">%s</text>\n", xmlText(lk.lines[i]))
		}
	}
	b.WriteString("</g>\n")
}

// resizeSVG sets the page of Graphviz's SVG to p: its size and viewBox,
// the picture's translation and its background.
func resizeSVG(svg []byte, p svgPage) ([]byte, error) {
	w, h := p.x1-p.x0, p.y1-p.y0
	svg, ok := setAttr(svg, []byte("<svg "), "width", fmt.Sprintf("%.0fpt", w))
	if ok {
		svg, ok = setAttr(svg, []byte("<svg "), "height", fmt.Sprintf("%.0fpt", h))
	}
	if ok {
		svg, ok = setAttr(svg, []byte("<svg "), "viewBox", fmt.Sprintf("0.00 0.00 %.2f %.2f", w, h))
	}
	if ok {
		svg, ok = setAttr(svg, []byte(`class="graph"`), "transform", fmt.Sprintf("scale(1 1) rotate(0) translate(%s %s)", svgNumber(-p.x0), svgNumber(-p.y0)))
	}
	if !ok {
		return nil, errors.New("graphviz's SVG has no page to resize")
	}
	// The background is the graph's first polygon, drawn without a line.
	g := bytes.Index(svg, []byte(`class="graph"`))
	if g < 0 {
		return svg, nil
	}
	if i := bytes.Index(svg[g:], []byte("<polygon ")); i >= 0 {
		at := g + i
		end := bytes.IndexByte(svg[at:], '>')
		if end > 0 && bytes.Contains(svg[at:at+end], []byte(`stroke="none"`)) {
			c := func(x, y float64) string { return svgNumber(x) + "," + svgNumber(y) }
			pts := strings.Join([]string{c(p.x0, p.y1), c(p.x0, p.y0), c(p.x1, p.y0), c(p.x1, p.y1), c(p.x0, p.y1)}, " ")
			svg, _ = setAttrAt(svg, at, "points", pts)
		}
	}
	return svg, nil
}

// setAttr sets attribute name of the first element whose start tag holds
// marker to value.
func setAttr(svg, marker []byte, name, value string) ([]byte, bool) {
	m := bytes.Index(svg, marker)
	if m < 0 {
		return svg, false
	}
	return setAttrAt(svg, bytes.LastIndexByte(svg[:m+1], '<'), name, value)
}

// setAttrAt sets attribute name of the element starting at start.
func setAttrAt(svg []byte, start int, name, value string) ([]byte, bool) {
	if start < 0 {
		return svg, false
	}
	end := bytes.IndexByte(svg[start:], '>')
	if end < 0 {
		return svg, false
	}
	tag := svg[start : start+end]
	i := -1
	for _, sep := range []string{" ", "\n"} {
		if i = bytes.Index(tag, []byte(sep+name+`="`)); i >= 0 {
			break
		}
	}
	if i < 0 {
		return svg, false
	}
	v0 := start + i + len(name) + 3
	v1 := bytes.IndexByte(svg[v0:], '"')
	if v1 < 0 {
		return svg, false
	}
	out := make([]byte, 0, len(svg)+len(value))
	out = append(out, svg[:v0]...)
	out = append(out, value...)
	return append(out, svg[v0+v1:]...), true
}
