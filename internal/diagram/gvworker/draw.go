package gvworker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// Layout is Graphviz's layout of a graph as drawing operations (its "json"
// output, which carries xdot operations).
type Layout struct {
	BB      string   `json:"bb"`
	Draw    []drawOp `json:"_draw_"`
	LDraw   []drawOp `json:"_ldraw_"`
	Objects []object `json:"objects"`
	Edges   []object `json:"edges"`
}

type object struct {
	Gvid   int      `json:"_gvid"`
	Name   string   `json:"name,omitempty"`
	Tail   int      `json:"tail"`
	Head   int      `json:"head"`
	Nodes  []int    `json:"nodes,omitempty"` // set on subgraphs (clusters)
	Draw   []drawOp `json:"_draw_,omitempty"`
	LDraw  []drawOp `json:"_ldraw_,omitempty"`
	HDraw  []drawOp `json:"_hdraw_,omitempty"`
	TDraw  []drawOp `json:"_tdraw_,omitempty"`
	HLDraw []drawOp `json:"_hldraw_,omitempty"`
	TLDraw []drawOp `json:"_tldraw_,omitempty"`
	Pos    string   `json:"pos,omitempty"`
	Width  string   `json:"width,omitempty"`
	Height string   `json:"height,omitempty"`
	Style  string   `json:"style,omitempty"`
	Class  string   `json:"class,omitempty"`
}

type drawOp struct {
	Op     string       `json:"op"`
	Color  string       `json:"color,omitempty"`
	Grad   string       `json:"grad,omitempty"`
	Stops  []gradStop   `json:"stops,omitempty"`
	Style  string       `json:"style,omitempty"`
	Size   float64      `json:"size,omitempty"`
	Pt     []float64    `json:"pt,omitempty"`
	Align  string       `json:"align,omitempty"`
	Text   string       `json:"text,omitempty"`
	Width  float64      `json:"width,omitempty"`
	Rect   []float64    `json:"rect,omitempty"`
	Points [][2]float64 `json:"points,omitempty"`
}

type gradStop struct {
	Color string `json:"color"`
}

// ParseLayout reads Graphviz's json output.
func ParseLayout(b []byte) (*Layout, error) {
	var l Layout
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("read graphviz layout: %w", err)
	}
	return &l, nil
}

// Bounds returns the layout's bounding box in points.
func (l *Layout) Bounds() (x0, y0, x1, y1 float64, err error) {
	parts := strings.Split(l.BB, ",")
	if len(parts) != 4 {
		return 0, 0, 0, 0, fmt.Errorf("bad bounding box %q", l.BB)
	}
	var v [4]float64
	for i, p := range parts {
		if v[i], err = strconv.ParseFloat(p, 64); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	return v[0], v[1], v[2], v[3], nil
}

// PNG drawing parameters.
const (
	pngScale   = 1.5    // pixels per point
	pngPad     = 20.0   // pixels around the drawing, room for text drawn wider than Graphviz measured it
	pngMaxSide = 6000.0 // pixels; larger layouts are scaled down
)

// Transform maps layout points (y up) to PNG pixels (y down).
type Transform struct {
	Scale, X0, Y1, Pad float64
}

// Apply returns the pixel of the layout point (x, y).
func (t Transform) Apply(x, y float64) (float64, float64) {
	return (x-t.X0)*t.Scale + t.Pad, (t.Y1-y)*t.Scale + t.Pad
}

// TransformFor returns the transform drawPNG uses for a layout.
func TransformFor(l *Layout) (Transform, int, int, error) {
	x0, y0, x1, y1, err := l.Bounds()
	if err != nil {
		return Transform{}, 0, 0, err
	}
	w, h := x1-x0, y1-y0
	if math.IsNaN(w+h) || math.IsInf(w+h, 0) || w < 0 || h < 0 {
		return Transform{}, 0, 0, fmt.Errorf("bad bounding box %q", l.BB)
	}
	// An empty graph is a small blank picture.
	w, h = max(w, 1), max(h, 1)
	s := pngScale
	if side := math.Max(w, h) * s; side > pngMaxSide {
		s = pngMaxSide / math.Max(w, h)
	}
	t := Transform{Scale: s, X0: x0, Y1: y1, Pad: pngPad}
	return t, int(math.Ceil(w*s + 2*pngPad)), int(math.Ceil(h*s + 2*pngPad)), nil
}

// fontFiles are the fonts PNG text is drawn with, in order of preference
// for each character: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew,
// symbols such as ✓), Lohit Devanagari, and Droid Sans Fallback (Chinese,
// Japanese, Korean), from Debian's fonts-dejavu-core, fonts-lohit-deva and
// fonts-droid-fallback. The embedded Go font stands in for any that is
// missing.
var fontFiles = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
}

var (
	fontOnce sync.Once
	fonts    []*opentype.Font
	fontErr  error
	faces    sync.Map // faceKey -> font.Face
)

type faceKey struct {
	font int
	size int // tenths of a pixel
}

// loadFonts reads the fonts that exist, then the embedded Go font.
func loadFonts() {
	for _, path := range fontFiles {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if f, err := opentype.Parse(b); err == nil {
			fonts = append(fonts, f)
		}
	}
	var goFont *opentype.Font
	if goFont, fontErr = opentype.Parse(goregular.TTF); fontErr == nil {
		fonts = append(fonts, goFont)
	}
}

func face(index int, px float64) (font.Face, error) {
	key := faceKey{index, int(px*10 + 0.5)}
	if f, ok := faces.Load(key); ok {
		return f.(font.Face), nil
	}
	f, err := opentype.NewFace(fonts[index], &opentype.FaceOptions{Size: float64(key.size) / 10, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	faces.Store(key, f)
	return f, nil
}

// textRun is a stretch of text drawn with one font.
type textRun struct {
	font int
	text string
}

// runs splits text into runs, each character in the first font that has
// it, and puts right-to-left stretches (Arabic, Hebrew) in display order.
func runs(text string) []textRun {
	var out []textRun
	var buf sfnt.Buffer
	for _, r := range visualOrder(text) {
		pick := len(fonts) - 1
		for i, f := range fonts {
			if gi, err := f.GlyphIndex(&buf, r); err == nil && gi != 0 {
				pick = i
				break
			}
		}
		if n := len(out); n > 0 && (out[n-1].font == pick || r == ' ') {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, textRun{font: pick, text: string(r)})
	}
	return out
}

func isRTL(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

// visualOrder reverses each stretch of right-to-left characters (with the
// spaces between them), a simple reading of the bidirectional algorithm
// that is right for labels of one direction or of whole words.
func visualOrder(text string) []rune {
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if !isRTL(rs[i]) {
			i++
			continue
		}
		j := i
		for k := i; k < len(rs) && (isRTL(rs[k]) || rs[k] == ' '); k++ {
			if isRTL(rs[k]) {
				j = k
			}
		}
		slices.Reverse(rs[i : j+1])
		i = j + 1
	}
	return rs
}

// drawPNG draws Graphviz's layout, given as its json output, into a PNG:
// clusters, edges with their arrowheads, nodes with their outlines, and all
// labels.
func drawPNG(layoutJSON []byte) ([]byte, error) {
	l, err := ParseLayout(layoutJSON)
	if err != nil {
		return nil, err
	}
	return drawLayout(l)
}

// drawLayout draws a layout into a PNG.
func drawLayout(l *Layout) ([]byte, error) {
	t, w, h, err := TransformFor(l)
	if err != nil {
		return nil, err
	}
	dc := gg.NewContext(w, h)
	dc.SetColor(color.White)
	dc.Clear()
	p := &painter{dc: dc, t: t}
	p.ops(l.Draw)
	// Clusters first, then edges, then nodes on top, then labels.
	for _, o := range l.Objects {
		if o.Nodes != nil || strings.HasPrefix(o.Name, "cluster") {
			p.ops(o.Draw)
			p.ops(o.LDraw)
		}
	}
	for _, e := range l.Edges {
		p.ops(e.Draw)
		p.ops(e.HDraw)
		p.ops(e.TDraw)
	}
	for _, o := range l.Objects {
		if o.Nodes == nil && !strings.HasPrefix(o.Name, "cluster") {
			p.ops(o.Draw)
			p.ops(o.LDraw)
		}
	}
	for _, e := range l.Edges {
		p.ops(e.LDraw)
		p.ops(e.HLDraw)
		p.ops(e.TLDraw)
	}
	p.ops(l.LDraw) // the graph's label
	if p.err != nil {
		return nil, p.err
	}
	if rgba, ok := dc.Image().(*image.RGBA); ok {
		return encodePNG(rgba)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, dc.Image()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// painter draws xdot operations with the state they carry.
type painter struct {
	dc       *gg.Context
	t        Transform
	pen      color.Color
	fill     color.Color
	fontSize float64
	err      error
}

func (p *painter) ops(ops []drawOp) {
	// Each object's operations start from Graphviz's defaults.
	p.pen, p.fill, p.fontSize = color.Black, color.Black, 14
	p.dc.SetLineWidth(1 * p.t.Scale)
	p.dc.SetDash()
	for _, op := range ops {
		p.op(op)
	}
}

func (p *painter) path(pts [][2]float64, closed bool) {
	for i, pt := range pts {
		x, y := p.t.Apply(pt[0], pt[1])
		if i == 0 {
			p.dc.MoveTo(x, y)
		} else {
			p.dc.LineTo(x, y)
		}
	}
	if closed {
		p.dc.ClosePath()
	}
}

func (p *painter) bezier(pts [][2]float64, closed bool) {
	if len(pts) == 0 {
		return
	}
	x, y := p.t.Apply(pts[0][0], pts[0][1])
	p.dc.MoveTo(x, y)
	for i := 1; i+2 < len(pts); i += 3 {
		x1, y1 := p.t.Apply(pts[i][0], pts[i][1])
		x2, y2 := p.t.Apply(pts[i+1][0], pts[i+1][1])
		x3, y3 := p.t.Apply(pts[i+2][0], pts[i+2][1])
		p.dc.CubicTo(x1, y1, x2, y2, x3, y3)
	}
	if closed {
		p.dc.ClosePath()
	}
}

// fillAndStroke fills the current path with the fill colour when filled,
// then strokes it with the pen colour.
// Nothing is painted in a transparent colour.
func (p *painter) fillAndStroke(filled bool) {
	if filled && !transparent(p.fill) {
		p.dc.SetColor(p.fill)
		p.dc.FillPreserve()
	}
	if transparent(p.pen) {
		p.dc.ClearPath()
		return
	}
	p.dc.SetColor(p.pen)
	p.dc.Stroke()
}

func opaque(c color.Color) bool {
	_, _, _, a := c.RGBA()
	return a == 0xffff
}

func transparent(c color.Color) bool {
	_, _, _, a := c.RGBA()
	return a == 0
}

// coversCanvas reports whether the polygon pts is a rectangle that covers
// the whole picture, as the graph's background does.
func (p *painter) coversCanvas(pts [][2]float64) bool {
	if len(pts) != 4 {
		return false
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for i, pt := range pts {
		x, y := p.t.Apply(pt[0], pt[1])
		// Each side runs along an axis.
		next := pts[(i+1)%4]
		if pt[0] != next[0] && pt[1] != next[1] {
			return false
		}
		minX, maxX = min(minX, x), max(maxX, x)
		minY, maxY = min(minY, y), max(maxY, y)
	}
	w, h := p.dc.Width(), p.dc.Height()
	return minX <= 0 && minY <= 0 && maxX >= float64(w) && maxY >= float64(h)
}

func (p *painter) op(op drawOp) {
	s := p.t.Scale
	switch op.Op {
	case "c":
		p.pen = parseColor(op.Color, op.Stops)
	case "C":
		p.fill = parseColor(op.Color, op.Stops)
	case "S":
		p.style(op.Style)
	case "F":
		if op.Size > 0 {
			p.fontSize = op.Size
		}
	case "E", "e":
		if len(op.Rect) == 4 {
			x, y := p.t.Apply(op.Rect[0], op.Rect[1])
			p.dc.NewSubPath()
			p.dc.DrawEllipse(x, y, op.Rect[2]*s, op.Rect[3]*s)
			p.fillAndStroke(op.Op == "E")
		}
	case "P", "p":
		if op.Op == "P" && p.coversCanvas(op.Points) && opaque(p.fill) && transparent(p.pen) {
			// The background: every pixel is covered in full.
			p.dc.SetColor(p.fill)
			p.dc.Clear()
			return
		}
		if len(op.Points) > 1 {
			p.dc.NewSubPath()
			p.path(op.Points, true)
			p.fillAndStroke(op.Op == "P")
		}
	case "L":
		if len(op.Points) > 1 {
			p.dc.NewSubPath()
			p.path(op.Points, false)
			p.fillAndStroke(false)
		}
	case "B", "b":
		// Graphviz's json output swaps xdot's letters: there "b" is the
		// unfilled spline of an edge and "B" a filled one.
		if len(op.Points) > 3 {
			p.dc.NewSubPath()
			p.bezier(op.Points, op.Op == "B")
			p.fillAndStroke(op.Op == "B")
		}
	case "T":
		if len(op.Pt) == 2 && op.Text != "" {
			p.text(op)
		}
	}
}

func (p *painter) style(st string) {
	s := p.t.Scale
	switch {
	case st == "dashed":
		p.dc.SetDash(5*s, 3*s)
	case st == "dotted":
		p.dc.SetDash(1*s, 2.5*s)
	case st == "solid":
		p.dc.SetDash()
	case st == "bold":
		p.dc.SetLineWidth(2 * s)
	case strings.HasPrefix(st, "setlinewidth(") && strings.HasSuffix(st, ")"):
		if w, err := strconv.ParseFloat(st[len("setlinewidth("):len(st)-1], 64); err == nil && w >= 0 && w < 50 {
			p.dc.SetLineWidth(w * s)
		}
	}
}

// parseColor reads "#rrggbb" or "#rrggbbaa" (or a gradient's first stop).
func parseColor(c string, stops []gradStop) color.Color {
	if c == "" && len(stops) > 0 {
		c = stops[0].Color
	}
	switch strings.ToLower(c) {
	case "", "black":
		return color.Black
	case "white":
		return color.White
	case "none", "transparent":
		return color.Transparent
	}
	if len(c) != 7 && len(c) != 9 || c[0] != '#' {
		return color.Black
	}
	v, err := strconv.ParseUint(c[1:], 16, 32)
	if err != nil {
		return color.Black
	}
	if len(c) == 7 {
		return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
	}
	return color.NRGBA{R: uint8(v >> 24), G: uint8(v >> 16), B: uint8(v >> 8), A: uint8(v)}
}

// text draws a label run by run, each in a font that has its characters.
func (p *painter) text(op drawOp) {
	fontOnce.Do(loadFonts)
	if fontErr != nil {
		p.err = fontErr
		return
	}
	px := p.fontSize * p.t.Scale
	rs := runs(op.Text)
	widths := make([]float64, len(rs))
	total := 0.0
	for i, r := range rs {
		f, err := face(r.font, px)
		if err != nil {
			p.err = err
			return
		}
		p.dc.SetFontFace(f)
		widths[i], _ = p.dc.MeasureString(r.text)
		total += widths[i]
	}
	x, y := p.t.Apply(op.Pt[0], op.Pt[1])
	switch op.Align {
	case "l":
	case "r":
		x -= total
	default:
		x -= total / 2
	}
	p.dc.SetColor(p.pen)
	for i, r := range rs {
		f, _ := face(r.font, px)
		p.dc.SetFontFace(f)
		p.dc.DrawString(r.text, x, y)
		x += widths[i]
	}
}
