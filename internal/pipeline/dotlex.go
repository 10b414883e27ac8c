package pipeline

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a place in DOT text: line and column, both from 1, columns in
// characters.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

type tokKind int

const (
	tEOF tokKind = iota
	tID          // a name, a numeral, a quoted string or an HTML string
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tSemi
	tComma
	tEqual
	tColon
	tArrow // ->
	tLine  // --
	tPlus
)

var tokNames = map[tokKind]string{
	tEOF: "the end of the text", tID: "an id", tLBrace: "'{'", tRBrace: "'}'", tLBrack: "'['", tRBrack: "']'",
	tSemi: "';'", tComma: "','", tEqual: "'='", tColon: "':'", tArrow: "'->'", tLine: "'--'", tPlus: "'+'",
}

// idKind says how an id was written; keywords are plain ids.
type idKind int

const (
	idPlain idKind = iota
	idNumeral
	idQuoted
	idHTML
)

type token struct {
	kind tokKind
	text string // an id's value: a quoted string without its quotes (escapes kept), an HTML string without its outer <>
	id   idKind
	pos  Pos
}

// lexError is a syntax error at a place.
type lexError struct {
	pos Pos
	msg string
	fix string // DOT that mends it, when there is one
}

func (e *lexError) Error() string { return e.pos.String() + ": " + e.msg }

// lexer turns DOT text into tokens as Graphviz's scanner does: C and C++
// comments, lines starting with '#' ignored, ids of letters (any byte from
// 0x80 counts as one), digits and '_', numerals, quoted strings with
// backslash-newline continued, and HTML strings with nested angle brackets.
type lexer struct {
	src       string
	off       int
	line, col int
	lineStart bool
}

func newLexer(src string) *lexer { return &lexer{src: src, line: 1, col: 1, lineStart: true} }

func (l *lexer) pos() Pos { return Pos{Line: l.line, Column: l.col} }

// advance moves past n bytes, counting lines and characters.
func (l *lexer) advance(n int) {
	for i := 0; i < n; i++ {
		c := l.src[l.off]
		l.off++
		switch {
		case c == '\n':
			l.line++
			l.col = 1
			l.lineStart = true
		case c < 0x80 || c >= 0xC0: // not a UTF-8 continuation byte
			l.col++
			if c != ' ' && c != '\t' && c != '\r' {
				l.lineStart = false
			}
		}
	}
}

func isIDStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *lexer) skipSpace() error {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.advance(1)
		case c == '#' && l.lineStart:
			end := strings.IndexByte(l.src[l.off:], '\n')
			if end < 0 {
				end = len(l.src) - l.off
			}
			l.advance(end)
		case c == '/' && strings.HasPrefix(l.src[l.off:], "//"):
			end := strings.IndexByte(l.src[l.off:], '\n')
			if end < 0 {
				end = len(l.src) - l.off
			}
			l.advance(end)
		case c == '/' && strings.HasPrefix(l.src[l.off:], "/*"):
			start := l.pos()
			end := strings.Index(l.src[l.off+2:], "*/")
			if end < 0 {
				return &lexError{pos: start, msg: "a comment /* is never closed with */"}
			}
			l.advance(end + 4)
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: p}, nil
	}
	rest := l.src[l.off:]
	c := rest[0]
	punct := map[byte]tokKind{'{': tLBrace, '}': tRBrace, '[': tLBrack, ']': tRBrack, ';': tSemi, ',': tComma, '=': tEqual, ':': tColon, '+': tPlus}
	switch {
	case strings.HasPrefix(rest, "->"):
		l.advance(2)
		return token{kind: tArrow, pos: p}, nil
	case strings.HasPrefix(rest, "--"):
		l.advance(2)
		return token{kind: tLine, pos: p}, nil
	case punct[c] != 0:
		l.advance(1)
		return token{kind: punct[c], pos: p}, nil
	case c == '"':
		return l.quoted(p)
	case c == '<':
		return l.html(p)
	case isDigit(c) || c == '.' || c == '-' && len(rest) > 1 && (isDigit(rest[1]) || rest[1] == '.'):
		n := numeralLen(rest)
		if n == 0 {
			break
		}
		l.advance(n)
		return token{kind: tID, id: idNumeral, text: rest[:n], pos: p}, nil
	case isIDStart(c):
		n := 1
		for n < len(rest) && (isIDStart(rest[n]) || isDigit(rest[n])) {
			n++
		}
		l.advance(n)
		return token{kind: tID, id: idPlain, text: rest[:n], pos: p}, nil
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return token{}, &lexError{pos: p, msg: fmt.Sprintf("unexpected character %q", r)}
}

// numeralLen returns the length of the DOT numeral at the start of s:
// [-]?(.[0-9]+ | [0-9]+(.[0-9]*)?), or 0.
func numeralLen(s string) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	return i
}

// quoted reads a double-quoted string. Its text keeps every escape but \"
// (which becomes ") and backslash-newline (which is removed), as Graphviz's
// scanner does; label escapes are read later.
func (l *lexer) quoted(p Pos) (token, error) {
	var b strings.Builder
	i := 1
	s := l.src[l.off:]
	for {
		if i >= len(s) {
			return token{}, &lexError{pos: p, msg: "a quoted string is never closed with \""}
		}
		c := s[i]
		switch {
		case c == '"':
			l.advance(i + 1)
			return token{kind: tID, id: idQuoted, text: b.String(), pos: p}, nil
		case c == '\\' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i += 2
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i += 2
		case c == '\\' && i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n':
			i += 3
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// html reads an HTML string: from < to the matching >.
func (l *lexer) html(p Pos) (token, error) {
	s := l.src[l.off:]
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				l.advance(i + 1)
				return token{kind: tID, id: idHTML, text: s[1:i], pos: p}, nil
			}
		}
	}
	return token{}, &lexError{pos: p, msg: "an HTML string <...> is never closed with >"}
}
