package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxDOTBytes is the largest DOT text ParseDOT reads.
const MaxDOTBytes = 256 << 10

// maxCounted bounds the distinct edges an import counts exactly; subgraph
// edge statements can ask for millions.
const maxCounted = 100_000

// Note is something the import changed or left out, with where it is.
type Note struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Fix is DOT that would mend what the note says, when there is one.
	Fix string `json:"fix,omitempty"`
}

func (n Note) String() string {
	if n.Fix != "" {
		return fmt.Sprintf("%d:%d: %s; for example: %s", n.Line, n.Column, n.Message, n.Fix)
	}
	return fmt.Sprintf("%d:%d: %s", n.Line, n.Column, n.Message)
}

// ParseDOT reads DOT text into a graph, as ImportDOT does, without the notes.
func ParseDOT(src []byte, lim Limits) (*Graph, error) {
	g, _, err := ImportDOT(src, lim)
	return g, err
}

// ImportDOT reads DOT text as Graphviz reads it: nodes may be implicit or
// declared after their edges, ids may be any DOT id (the node keeps a
// stable id of letters, digits and _ and shows the original), undirected
// graphs are read with their edges as written, strict graphs merge
// repeated edges (elsewhere a repeated edge is kept once, with a note),
// subgraphs as edge ends give every edge dot gives, clusters named after a
// stage set the stage of their nodes, and label escapes mean what they mean
// to Graphviz. Text that is not UTF-8 is read as Latin-1, as Graphviz does.
//
// The node attributes kind and stage are read, and the presentational
// attributes of the allowlist (see attrs.go) are kept when their values are
// valid; everything else is left out, and each thing left out or changed is
// a Note. The graph keeps the text, as UTF-8, in its DOT field.
//
// It returns a *LimitError when the text or the graph is too big, or
// Problems with their lines and columns, or the graph validated against lim.
func ImportDOT(src []byte, lim Limits) (g *Graph, notes []Note, err error) {
	if len(src) > MaxDOTBytes {
		return nil, nil, &LimitError{What: "bytes", Got: len(src), Limit: MaxDOTBytes, Pos: Pos{Line: 1, Column: 1}}
	}
	text, latin1 := decodeText(src)
	defer func() {
		// The parser is not known to panic, but DOT comes from users: a
		// panic here must never reach the server.
		if r := recover(); r != nil {
			g, notes, err = nil, nil, Problems{{Where: "graph", Line: 1, Column: 1, Message: fmt.Sprintf("the DOT text cannot be read (%v)", r)}}
		}
	}()
	f, err := parseDOTFile(text)
	if err != nil {
		var le *lexError
		if errors.As(err, &le) {
			return nil, nil, Problems{{Where: "graph", Line: le.pos.Line, Column: le.pos.Column, Message: le.msg, Fix: le.fix}}
		}
		return nil, nil, err
	}
	im := newImporter(f, lim)
	if f.more != nil {
		im.note(*f.more, "a second graph starts here; only the first is read")
	}
	if latin1 {
		im.note(f.pos, "the text is not UTF-8: read as Latin-1, as Graphviz does")
	}
	im.run()
	if len(im.problems) > 0 {
		return nil, nil, im.problems
	}
	if err := im.limits(); err != nil {
		return nil, nil, err
	}
	g = im.g
	if err := g.validate(lim); err != nil {
		return nil, nil, err
	}
	g.DOT = text
	return g, im.notes.list(), nil
}

// decodeText returns src as UTF-8 without a byte-order mark, and whether
// it was read as Latin-1 because it is not UTF-8.
func decodeText(src []byte) (string, bool) {
	s := strings.TrimPrefix(string(src), "\ufeff")
	if utf8.ValidString(s) {
		return s, false
	}
	r := make([]rune, len(src))
	for i, b := range src {
		r[i] = rune(b)
	}
	return string(r), true
}

type nodeInfo struct {
	n         Node
	name      string
	pos       Pos
	label     []labelLine
	labelPos  Pos
	labelHTML bool
	attrs     Attrs
	stage     Stage // from a stage cluster
	explicit  bool  // the stage was given as an attribute
}

type edgeKey struct{ a, b int }

type scope struct {
	nodeDef, edgeDef []dotAttr
	stage            Stage
	members          *[]int // nodes named in this subgraph, when it is one
	seen             map[int]bool
	parent           *scope
}

type importer struct {
	f        *dotFile
	lim      Limits
	g        *Graph
	nodes    map[string]int // original name to index in infos
	infos    []*nodeInfo
	ids      map[string]bool
	edges    map[edgeKey]int // to index in g.Edges, or -1 when only counted
	edgePos  map[edgeKey]Pos
	nEdges   int
	overPos  Pos // where the edge limit was passed
	labelOff *LimitError
	notes    noteSet
	problems Problems
	name     string // the graph's name, for \G
}

func newImporter(f *dotFile, lim Limits) *importer {
	im := &importer{f: f, lim: lim, g: &Graph{}, nodes: map[string]int{}, ids: map[string]bool{}, edges: map[edgeKey]int{}, edgePos: map[edgeKey]Pos{}}
	if f.id != nil {
		im.name = f.id.text
	}
	return im
}

func (im *importer) note(at Pos, format string, args ...any) {
	im.notes.add(at, fmt.Sprintf(format, args...), "")
}

func (im *importer) problem(at Pos, fix, format string, args ...any) {
	if len(im.problems) < 20 {
		im.problems = append(im.problems, Problem{Where: "graph", Line: at.Line, Column: at.Column, Message: fmt.Sprintf(format, args...), Fix: fix})
	}
}

func (im *importer) run() {
	if !im.f.directed {
		im.note(im.f.pos, "an undirected graph: each edge is read as a flow from its first node to its second, as written")
	}
	root := &scope{}
	im.stmts(im.f.stmts, root, true)
	im.finish()
}

func (im *importer) stmts(stmts []dotStmt, sc *scope, root bool) {
	for _, st := range stmts {
		switch st := st.(type) {
		case *dotAttrStmt:
			switch st.kind {
			case "node":
				sc.nodeDef = append(slices.Clip(sc.nodeDef), st.attrs...)
			case "edge":
				sc.edgeDef = append(slices.Clip(sc.edgeDef), st.attrs...)
			case "graph":
				for _, a := range st.attrs {
					im.graphAttr(a, root)
				}
			}
		case *dotAssign:
			im.graphAttr(st.attr, root)
		case *dotNodeStmt:
			for _, ref := range st.nodes {
				i := im.ref(ref, sc)
				if i < 0 {
					continue
				}
				for _, a := range st.attrs {
					im.nodeAttr(i, a)
				}
			}
		case *dotEdgeStmt:
			im.edgeStmt(st, sc)
		case *dotSubgraph:
			im.subgraph(st, sc)
		}
	}
}

// graphAttr keeps the root graph's label and rankdir; a subgraph's
// attributes only name its stage (read in subgraph).
func (im *importer) graphAttr(a dotAttr, root bool) {
	key := a.key.text
	switch {
	case !root && key == "label":
	case root && key == "charset":
		switch strings.ToLower(a.val.text) {
		case "utf-8", "utf8", "latin1", "latin-1", "l1", "iso-8859-1", "iso_8859-1", "iso8859-1", "iso-ir-100":
		default:
			im.notes.add(a.key.pos, fmt.Sprintf("charset %q is not known to Graphviz; the text is read as UTF-8 (or Latin-1 where it is not UTF-8)", a.val.text), "")
		}
	case root && (key == "label" || key == "rankdir"):
		val := a.val.text
		if key == "label" {
			if a.val.kind == idHTML {
				val = htmlText(val)
			} else {
				val = plainLabel(decodeLabel(val, func(c byte) string {
					if c == 'G' {
						return im.name
					}
					return ""
				}))
			}
		}
		v, err := checkAttr(key, val, false)
		if err != nil {
			im.notes.add(a.key.pos, fmt.Sprintf("graph %s left out: %v", key, err), "")
			return
		}
		if im.g.Attrs == "" {
			im.g.Attrs = Attrs{}.String()
		}
		m, _ := ParseAttrs(im.g.Attrs, "graph")
		if m == nil {
			m = Attrs{}
		}
		m[key] = v
		im.g.Attrs = m.String()
	default:
		im.dropped(a.key, "graph")
	}
}

func (im *importer) dropped(key ident, on string) {
	im.notes.add(key.pos, fmt.Sprintf("%s attribute %s is left out", on, key.text), on+" "+key.text)
}

// subgraph reads a subgraph's statements in a scope of its own, whose
// stage is the one its name or label names when it is a cluster, and
// returns the nodes named in it.
func (im *importer) subgraph(sub *dotSubgraph, parent *scope) []int {
	var members []int
	sc := &scope{nodeDef: parent.nodeDef, edgeDef: parent.edgeDef, stage: parent.stage, members: &members, seen: map[int]bool{}, parent: parent}
	name := ""
	if sub.id != nil {
		name = sub.id.text
	}
	label := subgraphLabel(sub)
	cluster := strings.HasPrefix(name, "cluster")
	if s := stageNamed(strings.TrimPrefix(name, "cluster")); s != "" && (cluster || Stage(name) == s) {
		sc.stage = s
	} else if s := stageNamed(label); s != "" && cluster {
		sc.stage = s
	} else if cluster {
		what := "cluster " + name
		if label != "" {
			what += fmt.Sprintf(" (%q)", label)
		}
		im.notes.add(sub.pos, what+" names no stage (offline, nearline, online): its nodes are drawn without its box", "cluster")
	}
	im.stmts(sub.stmts, sc, false)
	return members
}

// subgraphLabel returns the label a subgraph gives itself.
func subgraphLabel(sub *dotSubgraph) string {
	label := ""
	for _, st := range sub.stmts {
		switch st := st.(type) {
		case *dotAssign:
			if st.attr.key.text == "label" {
				label = st.attr.val.text
			}
		case *dotAttrStmt:
			if st.kind == "graph" {
				for _, a := range st.attrs {
					if a.key.text == "label" {
						label = a.val.text
					}
				}
			}
		}
	}
	return label
}

// stageNamed returns the stage that s names as a word ("Online serving",
// "cluster_nearline", "near-line"), or "".
func stageNamed(s string) Stage {
	s = strings.ToLower(s)
	s = strings.NewReplacer("near-line", "nearline", "near line", "nearline", "near_line", "nearline", "off-line", "offline", "on-line", "online").Replace(s)
	words := strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	for _, w := range words {
		if st := Stage(w); w != "" && ValidStage(st) {
			return st
		}
	}
	return ""
}

// ref finds or creates the node a reference names, records it as a member
// of every enclosing subgraph, and returns its index.
func (im *importer) ref(ref dotNodeRef, sc *scope) int {
	if ref.port != "" {
		im.notes.add(ref.id.pos, "ports (node:port) are left out", "port")
	}
	name := ref.id.text
	if isAnchor(name) {
		return -1
	}
	i, ok := im.nodes[name]
	if !ok {
		i = len(im.infos)
		im.nodes[name] = i
		info := &nodeInfo{name: name, pos: ref.id.pos, n: Node{ID: im.newID(name, i), Kind: KindOther}, stage: sc.stage, attrs: Attrs{}}
		if ref.id.kind == idHTML {
			info.n.Name = cleanLabel(htmlText(name))
		}
		im.infos = append(im.infos, info)
		for _, a := range sc.nodeDef {
			im.nodeAttr(i, a)
		}
	} else if im.infos[i].stage == "" {
		im.infos[i].stage = sc.stage
	}
	for s := sc; s != nil && s.members != nil; s = s.parent {
		if !s.seen[i] {
			s.seen[i] = true
			*s.members = append(*s.members, i)
		}
	}
	return i
}

// isAnchor reports whether name is one of the canonical DOT's invisible
// stage anchors.
func isAnchor(name string) bool {
	s, ok := strings.CutPrefix(name, anchorPrefix)
	return ok && s != "" && ValidStage(Stage(s))
}

// newID returns a stable id of letters, digits and _ for a DOT name: the
// name itself when it is one, else the name with other characters turned
// to _, made unique in the order names first appear.
func (im *importer) newID(name string, index int) string {
	id := name
	if !ValidID(id) || len(id) > im.lim.MaxIDLength {
		var b strings.Builder
		under := false
		for _, r := range name {
			ok := r < 0x80 && (r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			switch {
			case ok:
				b.WriteRune(r)
				under = r == '_'
			case !under && b.Len() > 0:
				b.WriteByte('_')
				under = true
			}
		}
		id = strings.TrimRight(b.String(), "_")
		if id == "" {
			id = fmt.Sprintf("n%d", index+1)
		}
		if !ValidID(id) {
			id = "n" + id
		}
		if max := im.lim.MaxIDLength - 6; len(id) > max && max > 0 {
			id = id[:max]
		}
	}
	base := id
	for k := 2; im.ids[id]; k++ {
		id = fmt.Sprintf("%s_%d", base, k)
	}
	im.ids[id] = true
	return id
}

func (im *importer) nodeAttr(i int, a dotAttr) {
	info := im.infos[i]
	key, val := a.key.text, a.val.text
	switch key {
	case "kind":
		k := Kind(strings.ToLower(val))
		if !ValidKind(k) {
			fix := fmt.Sprintf("%s [kind=%s]", dotName(info.name), closestKind(val))
			im.notes.addFix(a.val.pos, fmt.Sprintf("node %s: %q is not a pipeline kind, so the node counts as other; the kinds are %s", dotName(info.name), val, kindList()), "kind "+val, fix)
			return
		}
		info.n.Kind = k
	case "stage":
		s := Stage(strings.ToLower(val))
		if s != "" && !ValidStage(s) {
			fix := fmt.Sprintf("%s [stage=%s]", dotName(info.name), closestStage(val))
			im.notes.addFix(a.val.pos, fmt.Sprintf("node %s: %q is not a stage (offline, nearline or online), so the node has none", dotName(info.name), val), "stage "+val, fix)
			return
		}
		info.n.Stage, info.explicit = s, true
	case "label":
		info.labelPos, info.labelHTML = a.val.pos, a.val.kind == idHTML
		if a.val.kind == idHTML {
			info.label = []labelLine{}
			for _, l := range strings.Split(htmlText(val), "\n") {
				info.label = append(info.label, labelLine{text: l, term: 'n'})
			}
			im.notes.add(a.val.pos, "HTML labels keep their text; their formatting is left out", "html label")
			return
		}
		info.label = decodeLabel(val, func(c byte) string {
			switch c {
			case 'N':
				return info.name
			case 'G':
				return im.name
			}
			return ""
		})
	default:
		im.presentational(info.attrs, a, "node", func(c byte) string {
			switch c {
			case 'N':
				return info.name
			case 'G':
				return im.name
			case 'L':
				return plainLabel(info.label)
			}
			return ""
		})
	}
}

// presentational keeps an allowlisted attribute with a valid value in
// attrs, and notes anything else as left out.
func (im *importer) presentational(attrs Attrs, a dotAttr, on string, subst func(byte) string) {
	key, val := a.key.text, a.val.text
	if !slices.Contains(nodeAttrs, key) && on == "node" || !slices.Contains(edgeAttrs, key) && on == "edge" {
		im.dropped(a.key, on)
		return
	}
	if key == "xlabel" {
		if a.val.kind == idHTML {
			val = htmlText(val)
		}
		val = encodeLabel(decodeLabel(val, subst))
	}
	if key == "shape" && (strings.EqualFold(val, "record") || strings.EqualFold(val, "mrecord")) {
		attrs["shape"] = "box"
		if strings.EqualFold(val, "mrecord") {
			attrs["style"] = "rounded"
		}
		attrs[recordKey] = "1"
		im.notes.add(a.val.pos, "record shapes are drawn as boxes, one line per field", "record")
		return
	}
	v, err := checkAttr(key, val, on == "edge")
	if err != nil {
		im.notes.add(a.val.pos, fmt.Sprintf("%s %s left out: %v", on, key, err), "")
		return
	}
	attrs[key] = v
}

// recordKey marks, while importing, a node drawn from a record shape.
const recordKey = "\x00record"

func (im *importer) edgeStmt(st *dotEdgeStmt, sc *scope) {
	ends := make([][]int, len(st.ends))
	for k, e := range st.ends {
		if e.sub != nil {
			ends[k] = im.subgraph(e.sub, sc)
			for _, i := range ends[k] {
				for s := sc; s != nil && s.members != nil; s = s.parent {
					if !s.seen[i] {
						s.seen[i] = true
						*s.members = append(*s.members, i)
					}
				}
			}
		} else {
			for _, ref := range e.nodes {
				if i := im.ref(ref, sc); i >= 0 {
					ends[k] = append(ends[k], i)
				}
			}
		}
	}
	if len(ends) == 1 { // "{a b} [attrs]": the attributes are the nodes'
		for _, i := range ends[0] {
			for _, a := range st.attrs {
				im.nodeAttr(i, a)
			}
		}
		return
	}
	for k, op := range st.ops {
		fix := ""
		if len(ends[k]) > 0 && len(ends[k+1]) > 0 {
			a, b := dotName(im.infos[ends[k][0]].name), dotName(im.infos[ends[k+1][0]].name)
			fix = a + " -> " + b
			if !im.f.directed {
				fix = a + " -- " + b
			}
		}
		if op.kind == tLine && im.f.directed {
			im.problem(op.pos, fix, "'--' is an undirected edge, but this is a digraph: write -> (or start the text with graph instead of digraph)")
			return
		}
		if op.kind == tArrow && !im.f.directed {
			im.problem(op.pos, fix, "'->' is a directed edge, but this is an undirected graph: write -- (or start the text with digraph instead of graph)")
			return
		}
	}
	attrs := append(slices.Clip(sc.edgeDef), st.attrs...)
	for k := 0; k+1 < len(ends); k++ {
		for _, a := range ends[k] {
			for _, b := range ends[k+1] {
				if len(im.edges) >= maxCounted {
					return // counted as far as counting goes
				}
				im.addEdge(a, b, attrs, st.ops[k].pos)
			}
		}
	}
}

func (im *importer) addEdge(a, b int, attrs []dotAttr, at Pos) {
	key := edgeKey{a, b}
	if !im.f.directed && a > b {
		key = edgeKey{b, a}
	}
	if idx, ok := im.edges[key]; ok {
		if im.f.strict {
			if idx >= 0 {
				im.edgeAttrs(&im.g.Edges[idx], a, b, attrs)
			}
			return
		}
		first := im.edgePos[key]
		im.notes.add(at, fmt.Sprintf("edge %s %s %s repeats the one at %s; it is kept once", dotName(im.infos[a].name), im.op(), dotName(im.infos[b].name), first), "repeat")
		return
	}
	if len(im.edges) >= maxCounted {
		return
	}
	im.nEdges++
	if im.nEdges > im.lim.MaxEdges {
		if im.nEdges == im.lim.MaxEdges+1 {
			im.overPos = at
		}
		im.edges[key] = -1
		return
	}
	im.edges[key] = len(im.g.Edges)
	im.edgePos[key] = at
	im.g.Edges = append(im.g.Edges, Edge{From: im.infos[a].n.ID, To: im.infos[b].n.ID})
	im.edgeAttrs(&im.g.Edges[len(im.g.Edges)-1], a, b, attrs)
}

func (im *importer) op() string {
	if im.f.directed {
		return "->"
	}
	return "--"
}

func (im *importer) edgeAttrs(e *Edge, a, b int, attrs []dotAttr) {
	m, _ := ParseAttrs(e.Attrs, "edge")
	if m == nil {
		m = Attrs{}
	}
	tail, head := im.infos[a].name, im.infos[b].name
	subst := func(c byte) string {
		switch c {
		case 'E':
			return tail + im.op() + head
		case 'T':
			return tail
		case 'H':
			return head
		case 'G':
			return im.name
		}
		return ""
	}
	for _, at := range attrs {
		if at.key.text == "label" {
			val := at.val.text
			if at.val.kind == idHTML {
				e.Label = cleanLabel(htmlText(val))
				im.notes.add(at.val.pos, "HTML labels keep their text; their formatting is left out", "html label")
				continue
			}
			e.Label = im.cut(cleanLabel(plainLabel(decodeLabel(val, subst))), at.val.pos)
			continue
		}
		im.presentational(m, at, "edge", subst)
	}
	e.Attrs = m.String()
}

// finish settles each node: its stage, label, name and attributes.
func (im *importer) finish() {
	for _, info := range im.infos {
		n := &info.n
		if !info.explicit {
			n.Stage = info.stage
		}
		if info.name != n.ID && n.Name == "" {
			// Shown as a label is: control characters are not text.
			n.Name = cleanLabel(info.name)
		}
		if info.label != nil {
			if info.attrs[recordKey] != "" && !info.labelHTML {
				rec := recordText(encodeLabel(info.label))
				info.label = nil
				for _, l := range strings.Split(rec, "\n") {
					info.label = append(info.label, labelLine{text: l, term: 'n'})
				}
			}
			n.Label = cleanLabel(plainLabel(info.label))
			if aligned(info.label) && utf8.RuneCountInString(n.Label) <= im.lim.MaxLabel {
				info.attrs["label"] = encodeLabel(info.label)
			}
			n.Label = im.cut(n.Label, info.labelPos)
			if n.Label == info.name && !aligned(info.label) {
				n.Label = ""
			}
		}
		delete(info.attrs, recordKey)
		st := Styles[n.Kind]
		for k, v := range map[string]string{"shape": st.Shape, "fillcolor": st.Fill, "color": st.Line, "style": "filled", "penwidth": "1.2"} {
			if info.attrs[k] == v {
				delete(info.attrs, k)
			}
		}
		n.Attrs = info.attrs.String()
		im.g.Nodes = append(im.g.Nodes, *n)
	}
	stageOf := map[string]Stage{}
	for _, n := range im.g.Nodes {
		stageOf[n.ID] = n.Stage
	}
	for i := range im.g.Edges {
		e := &im.g.Edges[i]
		m, _ := ParseAttrs(e.Attrs, "edge")
		defaults := edgeDefaults
		if isReturn(stageOf[e.From], stageOf[e.To]) {
			defaults = returnStyle
		}
		for k, v := range defaults {
			if m[k] == v {
				delete(m, k)
			}
		}
		e.Attrs = m.String()
	}
}

// cut shortens a label over the limit to the limit, ending it with …,
// with a note.
func (im *importer) cut(label string, at Pos) string {
	r := []rune(label)
	if len(r) <= im.lim.MaxLabel {
		return label
	}
	im.notes.add(at, fmt.Sprintf("a label of %d characters is cut to %d", len(r), im.lim.MaxLabel), "")
	return strings.TrimSpace(string(r[:im.lim.MaxLabel-1])) + "…"
}

// limits reports the first limit the graph passes, where it passes it.
func (im *importer) limits() error {
	if len(im.infos) > im.lim.MaxNodes {
		return &LimitError{What: "nodes", Got: len(im.infos), Limit: im.lim.MaxNodes, Pos: im.infos[im.lim.MaxNodes].pos}
	}
	if im.nEdges > im.lim.MaxEdges {
		le := &LimitError{What: "edges", Got: im.nEdges, Limit: im.lim.MaxEdges, Pos: im.overPos}
		if len(im.edges) >= maxCounted {
			le.AtLeast = true
		}
		return le
	}
	if im.labelOff != nil {
		return im.labelOff
	}
	return nil
}

// dotName writes a DOT name as DOT: bare when it can be, quoted otherwise.
func dotName(name string) string {
	if bareValue.MatchString(name) && !isKeyword(name) {
		return name
	}
	return quote(name)
}

func kindList() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// closestKind returns the kind nearest to s by edit distance, or other.
func closestKind(s string) Kind {
	best, bestD := KindOther, 1<<30
	for _, k := range Kinds {
		if d := editDistance(strings.ToLower(s), string(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD > len(best)/2+1 {
		return KindOther
	}
	return best
}

func closestStage(s string) Stage {
	if st := stageNamed(s); st != "" {
		return st
	}
	best, bestD := StageOffline, 1<<30
	for _, st := range Stages {
		if d := editDistance(strings.ToLower(s), string(st)); d < bestD {
			best, bestD = st, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// noteSet gathers notes, one per message or per group ("node fontname"),
// with how often it came up.
type noteSet struct {
	order []string
	by    map[string]*noteGroup
}

type noteGroup struct {
	first Pos
	msg   string
	fix   string
	count int
}

// addFix adds a note with DOT that would mend what it says.
func (ns *noteSet) addFix(at Pos, msg, group, fix string) {
	ns.add(at, msg, group)
	if g := ns.by[group]; g != nil && g.fix == "" {
		g.fix = fix
	}
}

func (ns *noteSet) add(at Pos, msg, group string) {
	if ns.by == nil {
		ns.by = map[string]*noteGroup{}
	}
	key := group
	if key == "" || group == "repeat" || group == "cluster" {
		key = msg
	}
	if g, ok := ns.by[key]; ok {
		g.count++
		return
	}
	if len(ns.order) >= 50 {
		return
	}
	ns.order = append(ns.order, key)
	ns.by[key] = &noteGroup{first: at, msg: msg, count: 1}
}

func (ns *noteSet) list() []Note {
	out := make([]Note, 0, len(ns.order))
	for _, k := range ns.order {
		g := ns.by[k]
		msg := g.msg
		if g.count > 1 {
			msg = fmt.Sprintf("%s (%d times; the first here)", msg, g.count)
		}
		out = append(out, Note{Line: g.first.Line, Column: g.first.Column, Message: msg, Fix: g.fix})
	}
	return out
}
