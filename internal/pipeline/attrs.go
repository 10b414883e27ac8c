package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/colornames"
)

// Presentational attributes: the only ones of a user's DOT that reach
// Graphviz, each value checked. Links, images, fonts, files and stylesheets
// are never among them.
var (
	nodeAttrs  = []string{"shape", "color", "fillcolor", "fontcolor", "style", "penwidth", "xlabel"}
	edgeAttrs  = []string{"color", "fontcolor", "style", "penwidth", "arrowhead", "arrowtail", "dir", "xlabel"}
	graphAttrs = []string{"label", "rankdir"}
)

var x11 = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(x11Colors) {
		m[n] = true
	}
	for n := range colornames.Map {
		m[n] = true
	}
	return m
}()

var shapes = func() map[string]string {
	m := map[string]string{}
	for _, s := range strings.Fields(`box polygon ellipse oval circle point egg triangle plaintext plain diamond
		trapezium parallelogram house pentagon hexagon septagon octagon doublecircle doubleoctagon
		tripleoctagon invtriangle invtrapezium invhouse Mdiamond Msquare Mcircle rect rectangle square
		star none underline cylinder note tab folder box3d component promoter cds terminator utr
		primersite restrictionsite fivepoverhang threepoverhang noverhang assembly signature insulator
		ribosite rnastab proteasesite proteinstab rpromoter rarrow larrow lpromoter`) {
		m[strings.ToLower(s)] = s
	}
	return m
}()

var (
	nodeStyles = map[string]bool{"solid": true, "dashed": true, "dotted": true, "bold": true, "rounded": true, "diagonals": true, "filled": true, "striped": true, "wedged": true, "invis": true, "radial": true}
	edgeStyles = map[string]bool{"solid": true, "dashed": true, "dotted": true, "bold": true, "invis": true, "tapered": true}
	arrowRE    = regexp.MustCompile(`^(o?(l|r)?(box|crow|curve|icurve|diamond|dot|inv|none|normal|tee|vee)){1,4}$`)
	oldArrows  = map[string]bool{"ediamond": true, "open": true, "halfopen": true, "empty": true, "invempty": true, "invdot": true, "invodot": true}
	hexColorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$`)
)

// checkColor returns the colour as Graphviz reads it, or an error: #rrggbb,
// #rrggbbaa, "H S V" with numbers from 0 to 1, an X11 or SVG name, or a
// list of up to 8 of them joined by ':' (each may carry ";fraction").
func checkColor(v string) (string, error) {
	parts := strings.Split(v, ":")
	if len(parts) > 8 {
		return "", fmt.Errorf("more than 8 colours")
	}
	for i, p := range parts {
		c, frac, hasFrac := strings.Cut(strings.TrimSpace(p), ";")
		if hasFrac {
			if f, err := strconv.ParseFloat(frac, 64); err != nil || f < 0 || f > 1 {
				return "", fmt.Errorf("%q is not a fraction from 0 to 1", frac)
			}
		}
		switch {
		case c == "" && len(parts) > 1:
		case hexColorRE.MatchString(c):
		case x11[strings.ToLower(strings.ReplaceAll(c, " ", ""))]:
			c = strings.ToLower(strings.ReplaceAll(c, " ", ""))
		case isHSV(c):
		default:
			return "", fmt.Errorf("%q is not a colour (use a name such as red, #rrggbb or \"H S V\")", c)
		}
		if hasFrac {
			c += ";" + frac
		}
		parts[i] = c
	}
	return strings.Join(parts, ":"), nil
}

func isHSV(s string) bool {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(f) != 3 {
		return false
	}
	for _, x := range f {
		n, err := strconv.ParseFloat(x, 64)
		if err != nil || n < 0 || n > 1 {
			return false
		}
	}
	return true
}

// checkStyle returns the style list, each item known, or an error.
func checkStyle(v string, known map[string]bool) (string, error) {
	var out []string
	for _, s := range strings.Split(v, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "invisible" {
			s = "invis"
		}
		if s == "" {
			continue
		}
		if !known[s] {
			return "", fmt.Errorf("%q is not a style here", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ","), nil
}

// checkAttr validates one presentational attribute's value and returns it
// as it is written to Graphviz. An error says why the value is refused.
func checkAttr(key, val string, edge bool) (string, error) {
	switch key {
	case "shape":
		if s, ok := shapes[strings.ToLower(val)]; ok {
			return s, nil
		}
		return "", fmt.Errorf("%q is not a Graphviz shape", val)
	case "color", "fillcolor", "fontcolor":
		return checkColor(val)
	case "style":
		if edge {
			return checkStyle(val, edgeStyles)
		}
		return checkStyle(val, nodeStyles)
	case "penwidth":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 || f > 10 {
			return "", fmt.Errorf("%q is not a width from 0 to 10", val)
		}
		return strconv.FormatFloat(f, 'g', 4, 64), nil
	case "arrowhead", "arrowtail":
		v := strings.ToLower(val)
		if arrowRE.MatchString(v) || oldArrows[v] {
			return v, nil
		}
		return "", fmt.Errorf("%q is not an arrow shape", val)
	case "dir":
		switch v := strings.ToLower(val); v {
		case "forward", "back", "both", "none":
			return v, nil
		}
		return "", fmt.Errorf("%q is not forward, back, both or none", val)
	case "rankdir":
		switch v := strings.ToUpper(val); v {
		case "TB", "LR", "BT", "RL":
			return v, nil
		}
		return "", fmt.Errorf("%q is not TB, LR, BT or RL", val)
	case "label", "xlabel":
		if n := utf8.RuneCountInString(val); n > DefaultLimits.MaxLabel {
			return "", fmt.Errorf("it has %d characters; the limit is %d", n, DefaultLimits.MaxLabel)
		}
		return val, nil
	}
	return "", fmt.Errorf("not kept")
}

// Attrs are presentational attributes, by name, as kept in the model.
type Attrs map[string]string

// ParseAttrs reads a list written by Attrs.String ("k=v, k=v") and checks
// every key and value against the allowlist of kind ("node", "edge" or
// "graph").
func ParseAttrs(s, kind string) (Attrs, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := &parser{lx: newLexer(s)}
	if err := p.next(); err != nil {
		return nil, err
	}
	out := Attrs{}
	for p.tok.kind != tEOF {
		key, err := p.atom()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tEqual, "'='"); err != nil {
			return nil, err
		}
		val, err := p.atom()
		if err != nil {
			return nil, err
		}
		if !allowed(kind, key.text) {
			return nil, fmt.Errorf("attribute %s is not kept on a %s", key.text, kind)
		}
		text := val.text
		if !isEscString(key.text) {
			text = unescapeQuoted(text)
		}
		v, err := checkAttr(key.text, text, kind == "edge")
		if err != nil {
			return nil, fmt.Errorf("%s: %v", key.text, err)
		}
		out[key.text] = v
		if p.tok.kind == tComma || p.tok.kind == tSemi {
			if err := p.next(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// isEscString reports whether the attribute's value keeps Graphviz's label
// escapes (\n, \l, \r) as written.
func isEscString(key string) bool { return key == "label" || key == "xlabel" }

// unescapeQuoted reads \\ as a backslash, as Attrs.String writes it.
func unescapeQuoted(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func allowed(kind, key string) bool {
	switch kind {
	case "node":
		return slices.Contains(nodeAttrs, key) || key == "label"
	case "edge":
		return slices.Contains(edgeAttrs, key) || key == "label"
	}
	return slices.Contains(graphAttrs, key)
}

// String writes the attributes sorted by name, as DOT: k=v, k="v w".
// Labels keep their Graphviz escapes (\n, \l, \r) as they are; other
// values are quoted.
func (a Attrs) String() string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		if isEscString(k) {
			parts[i] = k + "=" + quoteEsc(a[k])
		} else {
			parts[i] = k + "=" + quoteValue(a[k])
		}
	}
	return strings.Join(parts, ", ")
}

var bareValue = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*|-?([0-9]+(\.[0-9]*)?|\.[0-9]+))$`)

// quoteValue writes a plain value bare when DOT allows it, quoted otherwise,
// with backslashes doubled and line breaks as \n.
func quoteValue(v string) string {
	if bareValue.MatchString(v) && !isKeyword(v) {
		return v
	}
	return quote(v)
}

// quoteEsc quotes a value whose backslash escapes are Graphviz's and kept.
func quoteEsc(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
