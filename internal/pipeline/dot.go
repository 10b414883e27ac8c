package pipeline

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

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

// cleanLabel keeps line breaks, turns tabs into spaces and drops other
// control characters, as the canonical DOT writes labels.
func cleanLabel(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
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
		case '\n':
			b.WriteString(`\n`)
		case '\r':
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
const wrapWidth = 28

// quoteWrapped is quote with each line of the label broken at spaces into
// lines of at most wrapWidth characters, each break written as DOT's \n.
func quoteWrapped(s string) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for i, w := range strings.Split(para, " ") {
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
	}
	return quote(strings.Join(lines, "\n"))
}

// anchorPrefix starts the ids of the invisible nodes that order the stages;
// internal ids cannot start with "__", and ParseDOT drops such nodes.
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

// returnStyle is how an edge back to an earlier stage is drawn: dashed and
// in its own colour, leaving and entering its nodes on the side, so that
// it runs along the picture's edge instead of across it.
var returnStyle = Attrs{"style": "dashed", "color": "#b45309", "fontcolor": "#92400e"}

// edgeDefaults are the colours of every other edge, set in the canonical
// DOT's edge defaults.
var edgeDefaults = Attrs{"color": "#4b5563", "fontcolor": "#374151"}

func stageIndex(s Stage) int {
	for i, x := range Stages {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// isReturn reports whether an edge from stage a to stage b flows back to
// an earlier stage.
func isReturn(a, b Stage) bool {
	i, j := stageIndex(a), stageIndex(b)
	return i > 0 && j > 0 && i > j
}

// graphLayout is the layout every canonical DOT sets: ranks of the stages'
// lanes top to bottom, and the limits that keep layout time bounded.
const graphLayout = "newrank=true, nodesep=0.25, ranksep=0.35, mclimit=1, nslimit=2, nslimit1=2, searchsize=30, maxiter=200, fontname=\"Helvetica\", fontsize=12, pad=0.2, bgcolor=\"white\""

// returnPorts are the sides return edges leave and enter by, per rankdir:
// the side along which the lanes do not follow each other.
var returnPorts = map[string]string{"TB": "e", "BT": "e", "LR": "s", "RL": "s"}

// CanonicalDOT writes g as DOT in one fixed form: stages as lanes in order
// (offline, nearline, online), nodes sorted by id within their stage, edges
// sorted by their ends, shape and colour by kind (a node's own presentational
// attributes win), edges back to an earlier stage not constraining the
// layout, and the layout limits always set. The same graph, in any order,
// gives the same bytes. Only what is written here reaches Graphviz.
func (g *Graph) CanonicalDOT() []byte {
	var b bytes.Buffer
	gattrs, _ := ParseAttrs(g.Attrs, "graph")
	rankdir := gattrs["rankdir"]
	if rankdir == "" {
		rankdir = "TB"
	}
	b.WriteString("digraph pipeline {\n")
	fmt.Fprintf(&b, "  graph [rankdir=%s, %s", rankdir, graphLayout)
	if l := gattrs["label"]; l != "" {
		fmt.Fprintf(&b, ", label=%s, labelloc=t, fontsize=14", quoteWrapped(l))
	}
	b.WriteString("];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\", penwidth=1.2, margin=\"0.15,0.06\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=10, color=\"#4b5563\", fontcolor=\"#374151\", arrowsize=0.7];\n")
	nodes := slices.Clone(g.Nodes)
	slices.SortFunc(nodes, func(a, b Node) int { return strings.Compare(a.ID, b.ID) })
	writeNode := func(indent string, n Node) {
		st, ok := Styles[n.Kind]
		if !ok {
			st = Styles[KindOther]
		}
		attrs, _ := ParseAttrs(n.Attrs, "node")
		draw := Attrs{"shape": st.Shape, "fillcolor": st.Fill, "color": st.Line}
		for k, v := range attrs {
			draw[k] = v
		}
		label := quoteWrapped(n.Title())
		if raw, ok := draw["label"]; ok {
			if plainLabel(decodeLabel(raw, func(byte) string { return "" })) == n.Label {
				label = quoteEsc(raw)
			}
			delete(draw, "label")
		}
		if s := draw["style"]; s != "" && !strings.Contains(s, "filled") {
			draw["style"] = s + ",filled"
		}
		fmt.Fprintf(&b, "%s%s [label=%s, kind=%s", indent, dotID(n.ID), label, quote(string(n.Kind)))
		if n.Stage != "" {
			fmt.Fprintf(&b, ", stage=%s", quote(string(n.Stage)))
		}
		fmt.Fprintf(&b, ", %s];\n", draw.String())
	}
	// Each stage is a cluster with an invisible anchor. The anchors are
	// chained, the last nodes of a stage lead to the next stage's anchor,
	// and the anchor leads to its stage's first nodes, so the stages stand
	// in lanes, offline, nearline, online, one after the other.
	stageOf := map[string]Stage{}
	var present []Stage
	for _, s := range Stages {
		var in []Node
		for _, n := range nodes {
			if n.Stage == s {
				in = append(in, n)
				stageOf[n.ID] = s
			}
		}
		if len(in) == 0 {
			continue
		}
		present = append(present, s)
		fmt.Fprintf(&b, "  subgraph cluster_%s {\n    label=%s; labeljust=l; style=\"rounded,dashed\"; color=\"#9ca3af\"; fontcolor=\"#4b5563\";\n", s, quote(string(s)))
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
				fmt.Fprintf(&b, "  %s -> %s [style=invis, minlen=0];\n", next, dotID(n.ID))
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
		draw, _ := ParseAttrs(e.Attrs, "edge")
		if draw == nil {
			draw = Attrs{}
		}
		var extra []string
		if e.Label != "" {
			extra = append(extra, "label="+quoteWrapped(e.Label))
		}
		if isReturn(stageOf[e.From], stageOf[e.To]) {
			for k, v := range returnStyle {
				if _, ok := draw[k]; !ok {
					draw[k] = v
				}
			}
			port := returnPorts[rankdir]
			extra = append(extra, "constraint=false", `class="return"`, "tailport="+port, "headport="+port)
		}
		if s := draw.String(); s != "" {
			extra = append(extra, s)
		}
		if len(extra) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(extra, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// SourceDOT returns the DOT the editor shows and pipeline.dot exports: the
// user's own text when the pipeline was written as DOT, or else DOT written
// from the graph, with only what a person writes: stages as clusters, the
// kind, stage, label and presentational attributes of each node.
func (g *Graph) SourceDOT() string {
	if g.DOT != "" {
		return g.DOT
	}
	var b strings.Builder
	b.WriteString("digraph pipeline {\n")
	if gattrs, _ := ParseAttrs(g.Attrs, "graph"); len(gattrs) > 0 {
		fmt.Fprintf(&b, "  graph [%s];\n", gattrs.String())
	}
	writeNode := func(indent string, n Node) {
		fmt.Fprintf(&b, "%s%s [", indent, dotID(n.ID))
		if n.Label != "" || n.Name != "" {
			fmt.Fprintf(&b, "label=%s, ", quote(n.Title()))
		}
		fmt.Fprintf(&b, "kind=%s", n.Kind)
		if a := n.Attrs; a != "" {
			b.WriteString(", " + a)
		}
		b.WriteString("];\n")
	}
	for _, s := range Stages {
		first := true
		for _, n := range g.Nodes {
			if n.Stage != s {
				continue
			}
			if first {
				fmt.Fprintf(&b, "  subgraph cluster_%s {\n", s)
				first = false
			}
			writeNode("    ", n)
		}
		if !first {
			b.WriteString("  }\n")
		}
	}
	for _, n := range g.Nodes {
		if n.Stage == "" || !ValidStage(n.Stage) {
			writeNode("  ", n)
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s", dotID(e.From), dotID(e.To))
		var attrs []string
		if e.Label != "" {
			attrs = append(attrs, "label="+quote(e.Label))
		}
		if e.Attrs != "" {
			attrs = append(attrs, e.Attrs)
		}
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
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
