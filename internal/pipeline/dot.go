package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"
)

// MaxDOTBytes is the largest DOT text ParseDOT reads.
const MaxDOTBytes = 64 << 10

// style is how a node kind is drawn.
type style struct {
	Shape string
	Fill  string
	Line  string
}

// Styles gives the shape and colours of each kind, for the diagram and its legend.
var Styles = map[Kind]style{
	KindSource:       {"cylinder", "#dbeafe", "#1e40af"},
	KindLog:          {"note", "#fef3c7", "#92400e"},
	KindStorage:      {"cylinder", "#e5e7eb", "#374151"},
	KindETL:          {"box", "#dcfce7", "#166534"},
	KindFeatureStore: {"cylinder", "#f3e8ff", "#6b21a8"},
	KindLabel:        {"tab", "#fef9c3", "#854d0e"},
	KindTraining:     {"box3d", "#e0e7ff", "#3730a3"},
	KindRegistry:     {"folder", "#ede9e3", "#57534e"},
	KindCandidateGen: {"invtrapezium", "#cffafe", "#155e75"},
	KindRanker:       {"hexagon", "#fce7f3", "#9d174d"},
	KindPolicy:       {"octagon", "#ffe4e6", "#9f1239"},
	KindServing:      {"box", "#fee2e2", "#991b1b"},
	KindCache:        {"cylinder", "#ecfccb", "#3f6212"},
	KindExperiment:   {"parallelogram", "#ccfbf1", "#115e59"},
	KindMetrics:      {"ellipse", "#fef3c7", "#a16207"},
	KindMonitor:      {"component", "#ede9fe", "#5b21b6"},
	KindClient:       {"oval", "#f3f4f6", "#111827"},
	KindOther:        {"box", "#ffffff", "#4b5563"},
}

// cleanLabel turns line breaks into spaces and drops other control
// characters, as the canonical DOT writes labels.
func cleanLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// quote returns s as a DOT double-quoted string. Backslashes are doubled so
// that Graphviz escapes such as \N or \l stay literal text.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			if r < 0x20 || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// wrapWidth is the longest line of a drawn label, in characters; longer
// labels break at spaces so that diagrams stay compact.
const wrapWidth = 22

// quoteWrapped is quote with the label broken into lines at single spaces,
// each break written as DOT's \n. ParseDOT turns each break back into the
// space it replaced.
func quoteWrapped(s string) string {
	words := strings.Split(s, " ")
	var lines []string
	line := ""
	for i, w := range words {
		switch {
		case i == 0:
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > wrapWidth && line != "" && w != "":
			lines = append(lines, line)
			line = w
		default:
			line += " " + w
		}
	}
	lines = append(lines, line)
	q := make([]string, len(lines))
	for i, l := range lines {
		q[i] = strings.TrimSuffix(strings.TrimPrefix(quote(l), `"`), `"`)
	}
	return `"` + strings.Join(q, `\n`) + `"`
}

// anchorPrefix starts the ids of the invisible nodes that order the stages;
// user ids cannot start with it, and ParseDOT drops such nodes.
const anchorPrefix = "__stage_"

// dotKeywords cannot be bare node ids.
var dotKeywords = map[string]bool{"node": true, "edge": true, "graph": true, "digraph": true, "subgraph": true, "strict": true}

// dotID writes a node id bare when DOT allows it, quoted otherwise.
func dotID(id string) string {
	if ValidID(id) && !dotKeywords[strings.ToLower(id)] {
		return id
	}
	return quote(id)
}

// unquote turns a DOT value as the parser gives it ("a \"b\"", <html>, id)
// into its text.
func unquote(v string) string {
	switch {
	case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"':
		in := v[1 : len(v)-1]
		var b strings.Builder
		for i := 0; i < len(in); i++ {
			if in[i] == '\\' && i+1 < len(in) {
				switch in[i+1] {
				case '"', '\\':
					b.WriteByte(in[i+1])
					i++
					continue
				case 'n', 'l', 'r':
					// A Graphviz line break: the canonical DOT wraps labels
					// at spaces, so a break reads back as a space.
					b.WriteByte(' ')
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			b.WriteByte(in[i])
		}
		return b.String()
	case len(v) >= 2 && v[0] == '<' && v[len(v)-1] == '>':
		// An HTML-like label: keep its text, drop every tag.
		return strings.TrimSpace(htmlTag.ReplaceAllString(v[1:len(v)-1], ""))
	}
	return v
}

// CanonicalDOT writes g as DOT in one fixed form: stages as clusters left to
// right, nodes sorted by id within their stage, edges sorted by their ends,
// shape and colour by kind, and the layout limits always set. The same graph,
// in any order, gives the same bytes. Only attributes written here reach
// Graphviz.
func (g *Graph) CanonicalDOT() []byte {
	var b bytes.Buffer
	b.WriteString("digraph pipeline {\n")
	b.WriteString("  graph [rankdir=LR, nodesep=0.22, ranksep=0.4, mclimit=1, nslimit=2, nslimit1=2, searchsize=30, maxiter=200, fontname=\"Helvetica\", fontsize=12, pad=0.2, bgcolor=\"white\"];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\", penwidth=1.2, margin=\"0.15,0.06\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#4b5563\", fontcolor=\"#374151\", arrowsize=0.7];\n")
	nodes := slices.Clone(g.Nodes)
	slices.SortFunc(nodes, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	writeNode := func(indent string, n Node) {
		st, ok := Styles[n.Kind]
		if !ok {
			st = Styles[KindOther]
		}
		fmt.Fprintf(&b, "%s%s [", indent, dotID(n.ID))
		if n.Label != "" {
			fmt.Fprintf(&b, "label=%s, ", quoteWrapped(n.Label))
		}
		fmt.Fprintf(&b, "kind=%s", quote(string(n.Kind)))
		if n.Stage != "" {
			fmt.Fprintf(&b, ", stage=%s", quote(string(n.Stage)))
		}
		fmt.Fprintf(&b, ", shape=%s, fillcolor=%s, color=%s];\n", st.Shape, quote(st.Fill), quote(st.Line))
	}
	// Each stage is a cluster with an invisible anchor. The anchors are
	// chained, the last nodes of a stage lead to the next stage's anchor,
	// and the anchor leads to its stage's first nodes, so the stages stand
	// in columns, offline, nearline, online, left to right. Edges that flow
	// back to an earlier stage do not constrain the ranks.
	stageOf := map[string]int{}
	var present []Stage
	for i, s := range Stages {
		var in []Node
		for _, n := range nodes {
			if n.Stage == s {
				in = append(in, n)
				stageOf[n.ID] = i + 1
			}
		}
		if len(in) == 0 {
			continue
		}
		present = append(present, s)
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s; style=\"rounded,dashed\"; color=\"#9ca3af\"; fontcolor=\"#4b5563\";\n", s, quote(string(s)))
		fmt.Fprintf(&b, "    %s%s [shape=point, style=invis, width=0, height=0, label=\"\"];\n", anchorPrefix, s)
		for _, n := range in {
			writeNode("    ", n)
		}
		b.WriteString("  }\n")
	}
	for _, n := range nodes {
		if n.Stage == "" {
			writeNode("  ", n)
		}
	}
	// Only the last nodes of a stage need to lead to the next anchor, and
	// only the first nodes of a stage need to follow it: the stage's own
	// edges order the rest. Fewer constraints keep the layout fast.
	ends := g.stageEnds()
	for i := 1; i < len(present); i++ {
		next := anchorPrefix + string(present[i])
		fmt.Fprintf(&b, "  %s%s -> %s [style=invis, weight=10];\n", anchorPrefix, present[i-1], next)
		for _, n := range nodes {
			if n.Stage == present[i-1] && ends.last[n.ID] {
				fmt.Fprintf(&b, "  %s -> %s [style=invis];\n", dotID(n.ID), next)
			}
		}
		for _, n := range nodes {
			if n.Stage == present[i] && ends.first[n.ID] {
				fmt.Fprintf(&b, "  %s -> %s [style=invis];\n", next, dotID(n.ID))
			}
		}
	}
	edges := slices.Clone(g.Edges)
	slices.SortFunc(edges, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		if c := strings.Compare(a.To, b.To); c != 0 {
			return c
		}
		return strings.Compare(a.Label, b.Label)
	})
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s -> %s", dotID(e.From), dotID(e.To))
		var attrs []string
		if e.Label != "" {
			attrs = append(attrs, "label="+quoteWrapped(e.Label))
		}
		if from, to := stageOf[e.From], stageOf[e.To]; from > 0 && to > 0 && from > to {
			attrs = append(attrs, "constraint=false")
		}
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// stageEnds finds, for each node, whether it is a last node of its stage
// (no edge to another node of the stage), a first one (no edge from one), or
// lies on a loop within its stage, where the layout may turn an edge around.
type stageEnds struct {
	last, first map[string]bool
}

func (g *Graph) stageEnds() stageEnds {
	stage := make(map[string]Stage, len(g.Nodes))
	for _, n := range g.Nodes {
		stage[n.ID] = n.Stage
	}
	out := map[string][]string{}
	hasOut, hasIn := map[string]bool{}, map[string]bool{}
	for _, e := range g.Edges {
		if e.From == e.To || stage[e.From] != stage[e.To] {
			continue
		}
		out[e.From] = append(out[e.From], e.To)
		hasOut[e.From], hasIn[e.To] = true, true
	}
	onLoop := func(id string) bool {
		seen := map[string]bool{}
		stack := slices.Clone(out[id])
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if x == id {
				return true
			}
			if !seen[x] {
				seen[x] = true
				stack = append(stack, out[x]...)
			}
		}
		return false
	}
	se := stageEnds{last: map[string]bool{}, first: map[string]bool{}}
	for _, n := range g.Nodes {
		loop := hasOut[n.ID] && hasIn[n.ID] && onLoop(n.ID)
		se.last[n.ID] = !hasOut[n.ID] || loop
		se.first[n.ID] = !hasIn[n.ID] || loop
	}
	return se
}

// Canonical returns g with its nodes sorted by id and edges by their ends.
func (g *Graph) Canonical() Graph {
	out := Graph{Nodes: slices.Clone(g.Nodes), Edges: slices.Clone(g.Edges)}
	slices.SortFunc(out.Nodes, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(out.Edges, func(a, b Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	if out.Nodes == nil {
		out.Nodes = []Node{}
	}
	if out.Edges == nil {
		out.Edges = []Edge{}
	}
	return out
}

var htmlTag = regexp.MustCompile(`<[^>]*>?`)

var syntaxError = regexp.MustCompile(`^(\d+):(\d+): error: (.*)$`)

// ParseDOT reads DOT text into a graph. Node attributes kind, stage and
// label and the edge attribute label are kept; every other attribute is
// dropped, so nothing else of the text reaches Graphviz. Nodes placed in a
// subgraph named after a stage (cluster_online, for example) take that stage
// unless they say otherwise. It returns a *LimitError when the text or the
// graph is too big, or Problems with line numbers, or the graph validated
// against lim.
func ParseDOT(src []byte, lim Limits) (g *Graph, err error) {
	if len(src) > MaxDOTBytes {
		return nil, &LimitError{What: "bytes", Got: len(src), Limit: MaxDOTBytes}
	}
	if !utf8.Valid(src) {
		return nil, Problems{{Where: "graph", Line: 1, Message: "the DOT text is not valid UTF-8"}}
	}
	defer func() {
		// The generated parser is not known to panic, but DOT comes from
		// users: a panic here must never reach the server.
		if r := recover(); r != nil {
			g, err = nil, Problems{{Where: "graph", Line: 1, Message: fmt.Sprintf("the DOT text cannot be read (%v)", r)}}
		}
	}()
	f, err := dot.ParseBytes(src)
	if err != nil {
		msg := err.Error()
		line := 1
		if m := syntaxError.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0]); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[3]
		}
		return nil, Problems{{Where: "graph", Line: line, Message: "syntax error: " + msg}}
	}
	if len(f.Graphs) != 1 {
		return nil, Problems{{Where: "graph", Line: 1, Message: fmt.Sprintf("give exactly one graph; found %d", len(f.Graphs))}}
	}
	gr := f.Graphs[0]
	if !gr.Directed {
		return nil, Problems{{Where: "graph", Line: 1, Message: "a pipeline is a digraph, with -> edges"}}
	}
	p := &dotReader{src: src, lim: lim, index: map[string]int{}, g: &Graph{}}
	p.stmts(gr.Stmts, scope{})
	if len(p.problems) > 0 {
		return nil, p.problems
	}
	p.g.Nodes = slices.Clip(p.g.Nodes)
	if err := p.g.Validate(lim); err != nil {
		if ps, ok := err.(Problems); ok {
			for i := range ps {
				ps[i].Line = p.lineOf(ps[i])
			}
			return nil, ps
		}
		return nil, err
	}
	return p.g, nil
}

// scope holds the defaults that "node [...]" statements and stage subgraphs
// set for the nodes that follow.
type scope struct {
	kind  Kind
	stage Stage
	label string
}

type dotReader struct {
	src      []byte
	lim      Limits
	g        *Graph
	index    map[string]int // node id to its index in g.Nodes
	declared map[string]bool
	problems Problems
}

func (p *dotReader) fail(near, format string, args ...any) {
	if len(p.problems) < 20 {
		p.problems = append(p.problems, Problem{Where: "graph", Line: p.line(near), Message: fmt.Sprintf(format, args...)})
	}
}

// line returns the first line where word appears as a whole token, or 1.
// The parser keeps no positions, so this points at the first mention.
func (p *dotReader) line(word string) int {
	if word == "" {
		return 1
	}
	re, err := regexp.Compile(`(^|[^A-Za-z0-9_])"?` + regexp.QuoteMeta(word) + `"?($|[^A-Za-z0-9_])`)
	if err != nil {
		return 1
	}
	loc := re.FindIndex(p.src)
	if loc == nil {
		return 1
	}
	return 1 + bytes.Count(p.src[:loc[0]], []byte("\n"))
}

// lineOf finds the line of a validation problem from the ids it names.
func (p *dotReader) lineOf(pr Problem) int {
	if m := regexp.MustCompile(`"([^"]+)"`).FindStringSubmatch(pr.Message); m != nil {
		return p.line(m[1])
	}
	return 1
}

func (p *dotReader) tooBig() bool {
	if len(p.g.Nodes) > p.lim.MaxNodes || len(p.g.Edges) > p.lim.MaxEdges {
		return true
	}
	return false
}

func (p *dotReader) stmts(stmts []ast.Stmt, sc scope) {
	for _, st := range stmts {
		if p.tooBig() {
			return
		}
		switch st := st.(type) {
		case *ast.AttrStmt:
			if st.Kind == ast.NodeKind {
				for _, a := range st.Attrs {
					switch unquote(a.Key) {
					case "kind":
						sc.kind = Kind(unquote(a.Val))
					case "stage":
						sc.stage = Stage(unquote(a.Val))
					}
				}
			}
		case *ast.NodeStmt:
			p.node(unquote(st.Node.ID), st.Attrs, sc)
		case *ast.EdgeStmt:
			p.edge(st, sc)
		case *ast.Subgraph:
			inner := sc
			name := strings.TrimPrefix(unquote(st.ID), "cluster_")
			if s := Stage(name); s != "" && ValidStage(s) {
				inner.stage = s
			}
			p.stmts(st.Stmts, inner)
		}
	}
}

// node adds or updates the node id with the known attributes.
func (p *dotReader) node(id string, attrs []*ast.Attr, sc scope) {
	if strings.HasPrefix(id, "__") {
		return // layout helpers of the canonical DOT
	}
	i, ok := p.index[id]
	if !ok {
		i = len(p.g.Nodes)
		p.index[id] = i
		p.g.Nodes = append(p.g.Nodes, Node{ID: id, Kind: sc.kind, Stage: sc.stage})
		if p.g.Nodes[i].Kind == "" {
			p.g.Nodes[i].Kind = KindOther
		}
	}
	if p.declared == nil {
		p.declared = map[string]bool{}
	}
	p.declared[id] = true
	n := &p.g.Nodes[i]
	for _, a := range attrs {
		val := unquote(a.Val)
		switch unquote(a.Key) {
		case "kind":
			n.Kind = Kind(val)
			if !ValidKind(n.Kind) {
				p.fail(val, "node %s: unknown kind %q", id, val)
			}
		case "stage":
			n.Stage = Stage(val)
			if !ValidStage(n.Stage) {
				p.fail(val, "node %s: unknown stage %q (offline, nearline or online)", id, val)
			}
		case "label":
			n.Label = cleanLabel(val)
		}
	}
}

// vertices returns the node ids of an edge end: a node, or every node of a
// subgraph.
func vertices(v ast.Vertex) []string {
	switch v := v.(type) {
	case *ast.Node:
		return []string{unquote(v.ID)}
	case *ast.Subgraph:
		var ids []string
		for _, st := range v.Stmts {
			if ns, ok := st.(*ast.NodeStmt); ok {
				ids = append(ids, unquote(ns.Node.ID))
			}
		}
		return ids
	}
	return nil
}

func (p *dotReader) edge(st *ast.EdgeStmt, sc scope) {
	label := ""
	for _, a := range st.Attrs {
		if unquote(a.Key) == "label" {
			label = cleanLabel(unquote(a.Val))
		}
	}
	from := vertices(st.From)
	for e := st.To; e != nil; e = e.To {
		to := vertices(e.Vertex)
		for _, a := range from {
			for _, b := range to {
				if p.tooBig() {
					return
				}
				if strings.HasPrefix(a, "__") || strings.HasPrefix(b, "__") {
					continue
				}
				for _, id := range []string{a, b} {
					if _, ok := p.index[id]; !ok {
						p.fail(id, "edge %s -> %s: unknown node %q; declare it first, e.g. %s [kind=etl, stage=offline]", a, b, id, id)
					}
				}
				p.g.Edges = append(p.g.Edges, Edge{From: a, To: b, Label: label})
			}
		}
		from = to
	}
}
