package pipeline

import (
	"html"
	"regexp"
	"strings"
)

// labelLine is one line of a Graphviz label and how it ends: 'n' centred,
// 'l' left-justified, 'r' right-justified.
type labelLine struct {
	text string
	term byte
}

// decodeLabel reads a Graphviz label's escapes: \n, \l and \r end a line,
// \N, \G, \E, \T, \H and \L are replaced by subst, \\ is a backslash, and
// any other escaped character stands for itself. A literal line break ends
// a line too.
func decodeLabel(raw string, subst func(c byte) string) []labelLine {
	var lines []labelLine
	var cur strings.Builder
	end := func(term byte) {
		lines = append(lines, labelLine{text: cur.String(), term: term})
		cur.Reset()
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\\' && i+1 < len(raw):
			i++
			switch d := raw[i]; d {
			case 'n', 'l', 'r':
				end(d)
			case 'N', 'G', 'E', 'T', 'H', 'L':
				cur.WriteString(subst(d))
			default:
				cur.WriteByte(d)
			}
		case c == '\n':
			end('n')
		case c == '\r':
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 || len(lines) == 0 {
		end('n')
	}
	return lines
}

// plainLabel is the label's text, lines joined by line breaks.
func plainLabel(lines []labelLine) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.text
	}
	return strings.Join(parts, "\n")
}

// aligned reports whether a line of the label is not centred.
func aligned(lines []labelLine) bool {
	for _, l := range lines {
		if l.term != 'n' {
			return true
		}
	}
	return false
}

// encodeLabel writes the lines back as a Graphviz label with escapes.
func encodeLabel(lines []labelLine) string {
	var b strings.Builder
	for i, l := range lines {
		b.WriteString(strings.ReplaceAll(l.text, `\`, `\\`))
		if l.term != 'n' || i < len(lines)-1 {
			b.WriteByte('\\')
			b.WriteByte(l.term)
		}
	}
	return b.String()
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<br[^>]*>|</tr>|</p>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>?`)
)

// htmlText keeps the text of an HTML-like label: each <br/> or table row
// starts a line, tags are dropped, entities are decoded.
func htmlText(s string) string {
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, " ")
	var lines []string
	for _, l := range strings.Split(html.UnescapeString(s), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// recordText keeps the text of a record label ("{a|<p> b}"): each field on
// a line, ports and braces dropped.
func recordText(s string) string {
	var lines []string
	var cur strings.Builder
	flush := func() {
		if l := strings.Join(strings.Fields(cur.String()), " "); l != "" {
			lines = append(lines, l)
		}
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				if s[i] == 'n' || s[i] == 'l' || s[i] == 'r' {
					flush()
				} else {
					cur.WriteByte(s[i])
				}
			}
		case '|', '{', '}', '\n':
			flush()
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j >= 0 {
				i += j
			}
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return strings.Join(lines, "\n")
}
