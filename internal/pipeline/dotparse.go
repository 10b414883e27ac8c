package pipeline

import (
	"fmt"
	"strings"
)

// The syntax tree of a DOT file, with the place of everything, following
// Graphviz's own grammar (lib/cgraph/grammar.y): optional semicolons and
// commas, node lists ("a, b -> c"), several attribute lists, ports, and
// subgraphs as edge ends.

type ident struct {
	text string
	kind idKind
	pos  Pos
}

type dotAttr struct {
	key, val ident
}

type dotStmt interface{ stmtPos() Pos }

// dotNodeStmt is "a, b [attrs]": one statement naming one or more nodes.
type dotNodeStmt struct {
	nodes []dotNodeRef
	attrs []dotAttr
}

type dotNodeRef struct {
	id   ident
	port string // ":port" or ":port:compass", as written; dropped
}

// dotEdgeStmt is "x -> y -> z [attrs]", each end a node list or a subgraph.
type dotEdgeStmt struct {
	ends  []dotEnd
	ops   []token // the edge operators, for their places
	attrs []dotAttr
}

type dotEnd struct {
	nodes []dotNodeRef // set when the end is a node list
	sub   *dotSubgraph // set when the end is a subgraph
}

// dotAttrStmt is "graph [..]", "node [..]" or "edge [..]".
type dotAttrStmt struct {
	kind  string // "graph", "node" or "edge"
	pos   Pos
	attrs []dotAttr
}

// dotAssign is "key = value" in a graph body: a graph attribute.
type dotAssign struct{ attr dotAttr }

type dotSubgraph struct {
	id    *ident
	pos   Pos
	stmts []dotStmt
}

type dotFile struct {
	strict, directed bool
	id               *ident
	pos              Pos
	stmts            []dotStmt
	more             *Pos // where a second graph starts, if there is one
}

func (s *dotNodeStmt) stmtPos() Pos { return s.nodes[0].id.pos }
func (s *dotEdgeStmt) stmtPos() Pos {
	if e := s.ends[0]; e.sub != nil {
		return e.sub.pos
	}
	return s.ends[0].nodes[0].id.pos
}
func (s *dotAttrStmt) stmtPos() Pos { return s.pos }
func (s *dotAssign) stmtPos() Pos   { return s.attr.key.pos }
func (s *dotSubgraph) stmtPos() Pos { return s.pos }

type parser struct {
	lx   *lexer
	tok  token
	peek *token
	// depth bounds the nesting of subgraphs so that hostile input cannot
	// exhaust the stack.
	depth int
}

const maxDepth = 100

func (p *parser) fail(at Pos, format string, args ...any) error {
	return &lexError{pos: at, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) next() error {
	if p.peek != nil {
		p.tok, p.peek = *p.peek, nil
		return nil
	}
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) lookahead() (token, error) {
	if p.peek == nil {
		t, err := p.lx.next()
		if err != nil {
			return token{}, err
		}
		p.peek = &t
	}
	return *p.peek, nil
}

// keyword reports whether the current token is the DOT keyword kw, which
// is case-insensitive and only a keyword when unquoted.
func (p *parser) keyword(kw string) bool {
	return p.tok.kind == tID && p.tok.id == idPlain && strings.EqualFold(p.tok.text, kw)
}

func isKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "node", "edge", "graph", "digraph", "subgraph", "strict":
		return true
	}
	return false
}

// keywordAsID is the error for a DOT keyword written, unquoted, where a
// node id goes, with the quoted id as the fix.
func keywordAsID(kw token) error {
	return &lexError{pos: kw.pos, fix: `"` + kw.text + `"`,
		msg: fmt.Sprintf("%s is a DOT keyword (in any letter case), so it cannot be a node id unless it is quoted; quote it", kw.text)}
}

// keywordIsID reports whether the keyword token kw, followed by next, is
// meant as a node id: it is followed by what follows a node id, not by
// what follows the keyword (an attribute list, a '{' or a graph's name).
func keywordIsID(kw string, next tokKind) bool {
	switch strings.ToLower(kw) {
	case "graph", "node", "edge":
		return next != tLBrack && next != tLBrace
	case "subgraph", "digraph", "strict":
		return next != tLBrace && next != tID
	}
	return false
}

func (p *parser) expect(k tokKind, what string) error {
	if p.tok.kind != k {
		return p.unexpected(what)
	}
	return p.next()
}

func (p *parser) unexpected(want string) error {
	got := tokNames[p.tok.kind]
	if p.tok.kind == tID {
		got = fmt.Sprintf("%q", p.tok.text)
	}
	return p.fail(p.tok.pos, "syntax error: expected %s, found %s", want, got)
}

// parseDOTFile reads one graph; text after it is reported as another graph.
func parseDOTFile(src string) (*dotFile, error) {
	p := &parser{lx: newLexer(src)}
	if err := p.next(); err != nil {
		return nil, err
	}
	f := &dotFile{pos: p.tok.pos}
	if p.tok.kind == tEOF {
		return nil, p.fail(p.tok.pos, "the DOT text is empty; start it with digraph { ... }")
	}
	if p.keyword("strict") {
		f.strict = true
		if err := p.next(); err != nil {
			return nil, err
		}
	}
	switch {
	case p.keyword("digraph"):
		f.directed = true
	case p.keyword("graph"):
	default:
		return nil, p.unexpected("digraph or graph")
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tID {
		id, err := p.atom()
		if err != nil {
			return nil, err
		}
		f.id = &id
	}
	if p.tok.kind != tLBrace {
		return nil, p.unexpected("'{'")
	}
	stmts, err := p.body()
	if err != nil {
		return nil, err
	}
	f.stmts = stmts
	if p.tok.kind != tEOF {
		at := p.tok.pos
		f.more = &at
	}
	return f, nil
}

// body reads "{ stmts }" with the current token on '{'.
func (p *parser) body() ([]dotStmt, error) {
	open := p.tok.pos
	if err := p.next(); err != nil {
		return nil, err
	}
	var stmts []dotStmt
	for p.tok.kind != tRBrace {
		if p.tok.kind == tEOF {
			return nil, p.fail(open, "syntax error: this '{' is never closed with '}'")
		}
		st, err := p.stmt()
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, st)
		if p.tok.kind == tSemi {
			if err := p.next(); err != nil {
				return nil, err
			}
		}
	}
	return stmts, p.next()
}

// atom reads an id, joining quoted strings written "a" + "b".
func (p *parser) atom() (ident, error) {
	if p.tok.kind != tID {
		return ident{}, p.unexpected("an id")
	}
	id := ident{text: p.tok.text, kind: p.tok.id, pos: p.tok.pos}
	if err := p.next(); err != nil {
		return ident{}, err
	}
	for id.kind == idQuoted && p.tok.kind == tPlus {
		if err := p.next(); err != nil {
			return ident{}, err
		}
		if p.tok.kind != tID || p.tok.id != idQuoted {
			return ident{}, p.unexpected("a quoted string after '+'")
		}
		id.text += p.tok.text
		if err := p.next(); err != nil {
			return ident{}, err
		}
	}
	return id, nil
}

func (p *parser) stmt() (dotStmt, error) {
	if p.tok.kind == tID && p.tok.id == idPlain && isKeyword(p.tok.text) {
		la, err := p.lookahead()
		if err != nil {
			return nil, err
		}
		if keywordIsID(p.tok.text, la.kind) {
			return nil, keywordAsID(p.tok)
		}
	}
	switch {
	case p.keyword("graph") || p.keyword("node") || p.keyword("edge"):
		st := &dotAttrStmt{kind: strings.ToLower(p.tok.text), pos: p.tok.pos}
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tLBrack {
			return nil, p.unexpected("'[' after " + st.kind)
		}
		attrs, err := p.attrLists()
		if err != nil {
			return nil, err
		}
		st.attrs = attrs
		return st, nil
	case p.keyword("digraph") || p.keyword("strict"):
		return nil, p.fail(p.tok.pos, "syntax error: %q cannot start a statement (a second graph inside the first?)", p.tok.text)
	}
	if p.tok.kind == tID && !p.keyword("subgraph") {
		la, err := p.lookahead()
		if err != nil {
			return nil, err
		}
		if la.kind == tEqual {
			key, err := p.atom()
			if err != nil {
				return nil, err
			}
			if err := p.next(); err != nil { // '='
				return nil, err
			}
			val, err := p.atom()
			if err != nil {
				return nil, err
			}
			return &dotAssign{attr: dotAttr{key: key, val: val}}, nil
		}
	}
	first, err := p.end()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tArrow && p.tok.kind != tLine {
		if first.sub != nil {
			if p.tok.kind == tLBrack {
				return nil, p.fail(p.tok.pos, "syntax error: a subgraph takes no attribute list")
			}
			return first.sub, nil
		}
		st := &dotNodeStmt{nodes: first.nodes}
		if p.tok.kind == tLBrack {
			if st.attrs, err = p.attrLists(); err != nil {
				return nil, err
			}
		}
		return st, nil
	}
	st := &dotEdgeStmt{ends: []dotEnd{first}}
	for p.tok.kind == tArrow || p.tok.kind == tLine {
		st.ops = append(st.ops, p.tok)
		if err := p.next(); err != nil {
			return nil, err
		}
		e, err := p.end()
		if err != nil {
			return nil, err
		}
		st.ends = append(st.ends, e)
	}
	if p.tok.kind == tLBrack {
		if st.attrs, err = p.attrLists(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// end reads a node list "a, b:port" or a subgraph.
func (p *parser) end() (dotEnd, error) {
	if p.keyword("subgraph") {
		la, err := p.lookahead()
		if err != nil {
			return dotEnd{}, err
		}
		if keywordIsID(p.tok.text, la.kind) {
			return dotEnd{}, keywordAsID(p.tok)
		}
	}
	if p.keyword("subgraph") || p.tok.kind == tLBrace {
		sub, err := p.subgraph()
		return dotEnd{sub: sub}, err
	}
	var e dotEnd
	for {
		if p.tok.kind == tID && p.tok.id == idPlain && isKeyword(p.tok.text) {
			return e, keywordAsID(p.tok)
		}
		if p.tok.kind != tID {
			return e, p.unexpected("a node id, a subgraph or a statement")
		}
		id, err := p.atom()
		if err != nil {
			return e, err
		}
		ref := dotNodeRef{id: id}
		for i := 0; i < 2 && p.tok.kind == tColon; i++ {
			if err := p.next(); err != nil {
				return e, err
			}
			port, err := p.atom()
			if err != nil {
				return e, err
			}
			ref.port += ":" + port.text
		}
		e.nodes = append(e.nodes, ref)
		if p.tok.kind != tComma {
			return e, nil
		}
		if err := p.next(); err != nil {
			return e, err
		}
	}
}

func (p *parser) subgraph() (*dotSubgraph, error) {
	sub := &dotSubgraph{pos: p.tok.pos}
	if p.keyword("subgraph") {
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == tID {
			id, err := p.atom()
			if err != nil {
				return nil, err
			}
			sub.id = &id
		}
	}
	if p.tok.kind != tLBrace {
		return nil, p.unexpected("'{' to open the subgraph")
	}
	p.depth++
	if p.depth > maxDepth {
		return nil, p.fail(p.tok.pos, "subgraphs are nested more than %d deep", maxDepth)
	}
	stmts, err := p.body()
	p.depth--
	if err != nil {
		return nil, err
	}
	sub.stmts = stmts
	return sub, nil
}

// attrLists reads one or more "[k=v, k=v; k=v]".
func (p *parser) attrLists() ([]dotAttr, error) {
	var attrs []dotAttr
	for p.tok.kind == tLBrack {
		if err := p.next(); err != nil {
			return nil, err
		}
		for p.tok.kind != tRBrack {
			if p.tok.kind != tID {
				return nil, p.unexpected("an attribute name or ']'")
			}
			key, err := p.atom()
			if err != nil {
				return nil, err
			}
			if p.tok.kind != tEqual {
				return nil, p.fail(p.tok.pos, "syntax error: attribute %s needs a value: %s=...", key.text, key.text)
			}
			if err := p.next(); err != nil {
				return nil, err
			}
			val, err := p.atom()
			if err != nil {
				return nil, err
			}
			attrs = append(attrs, dotAttr{key: key, val: val})
			if p.tok.kind == tComma || p.tok.kind == tSemi {
				if err := p.next(); err != nil {
					return nil, err
				}
			}
		}
		if err := p.next(); err != nil {
			return nil, err
		}
	}
	return attrs, nil
}
