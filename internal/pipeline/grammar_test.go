package pipeline

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// grammarCases are DOT texts from the grammar, each with the nodes (by
// name) and the distinct edges dot itself gives. A repeated edge outside a
// strict graph is drawn twice by dot and kept once here; the test compares
// distinct edges.
var grammarCases = []struct {
	name  string
	src   string
	nodes string // names in order of first mention, space-separated
	edges string // "tail>head", space-separated, in the order they are made
}{
	{"implicit nodes", `digraph G { a -> b; b -> c; }`, "a b c", "a>b b>c"},
	{"declared after use", `digraph G { a -> b; a [label="Load"]; b [label="Train"]; }`, "a b", "a>b"},
	{"quoted ids with - and .", `digraph G { "web-server"; "db.primary"; "web-server" -> "db.primary"; }`, "web-server db.primary", "web-server>db.primary"},
	{"undirected", `graph G { a; b; a -- b; }`, "a b", "a>b"},
	{"strict merges", `strict digraph G { a; b; a -> b; a -> b; }`, "a b", "a>b"},
	{"edge to a subgraph with an edge", `digraph G { a; b; c; a -> {b -> c}; }`, "a b c", "b>c a>b a>c"},
	{"subgraph as tail", `digraph { {a b} -> c }`, "a b c", "a>c b>c"},
	{"subgraph in the middle", `digraph { a -> {b c} -> d }`, "a b c d", "a>b a>c b>d c>d"},
	{"chain", `digraph { a -> b -> c -> d }`, "a b c d", "a>b b>c c>d"},
	{"numerals", `digraph { 1 -> 2.5 -> -3 -> .5 }`, "1 2.5 -3 .5", "1>2.5 2.5>-3 -3>.5"},
	{"quoted and bare are one node", `digraph { "a" -> a }`, "a", "a>a"},
	{"keywords in any case", `DiGraph { Node [shape=box]; A -> B }`, "A B", "A>B"},
	{"ports", `digraph { a:p1 -> b:s }`, "a b", "a>b"},
	{"port and compass", `digraph { a:p1:n -> b }`, "a b", "a>b"},
	{"cluster", `digraph { subgraph cluster_x { a; b } a -> b }`, "a b", "a>b"},
	{"anonymous and named subgraphs", `digraph { subgraph { a -> b } c -> subgraph s { d } }`, "a b c d", "a>b c>d"},
	{"node list as tail", `digraph { a, b -> c }`, "a b c", "a>c b>c"},
	{"node list with attributes", `digraph { a, b [color=red] }`, "a b", ""},
	{"escape in a name", `digraph { "multi\nline" -> b }`, `multi\nline b`, `multi\nline>b`},
	{"concatenated strings", `digraph { "a" + "b" -> c }`, "ab c", "ab>c"},
	{"repeated edge with labels", `digraph { a -> b [label="x"]; a -> b [label="y"] }`, "a b", "a>b"},
	{"comments", "digraph { a; b; /* comment */ a -> b // comment\n }", "a b", "a>b"},
	{"preprocessor line", "# 1 \"file.gv\"\ndigraph { a -> b }", "a b", "a>b"},
	{"defaults", `digraph { edge [color=red]; a -> b; node [shape=box]; c }`, "a b c", "a>b"},
	{"cycle", `digraph { a -> b; b -> a }`, "a b", "a>b b>a"},
	{"undirected chain", `graph { a -- b -- c }`, "a b c", "a>b b>c"},
	{"strict undirected", `strict graph { a -- b; b -- a }`, "a b", "a>b"},
	{"HTML label", `digraph { x [label=<<b>bold</b>>] }`, "x", ""},
	{"unicode ids", `digraph { "ünïcödé" -> 数据 }`, "ünïcödé 数据", "ünïcödé>数据"},
	{"cluster with a label", `digraph { subgraph cluster_0 { label="Online"; a } b -> a }`, "a b", "b>a"},
	{"label with \\N", `digraph { a [label="\N!"] }`, "a", ""},
	{"dir", `digraph { a -> b [dir=back] }`, "a b", "a>b"},
	{"graph attribute statement", `digraph { rankdir=LR; a -> b }`, "a b", "a>b"},
	{"graph attribute list without semicolon", `digraph { graph [rankdir=LR] a -> b }`, "a b", "a>b"},
	{"one node named thrice", `digraph { a; a; a }`, "a", ""},
	{"nested subgraphs as head", `digraph { a -> {b; c; {d}} }`, "a b c d", "a>b a>c a>d"},
	{"subgraphs on both sides", `digraph { {a -> b} -> {c -> d} }`, "a b c d", "a>b c>d a>c a>d b>c b>d"},
	{"node default label", `digraph { node [label="x"]; a -> b }`, "a b", "a>b"},
	{"edge defaults in a subgraph", `digraph { edge [label="e"]; subgraph s { edge [label="f"]; a -> b } c -> d }`, "a b c d", "a>b c>d"},
	{"quoted keywords as ids", `digraph "my graph" { "node" -> "edge" }`, "node edge", "node>edge"},
	{"membership by a later mention", `digraph { a -> b; subgraph cluster_online { b } }`, "a b", "a>b"},
	{"negative numerals", `digraph { -1 -> 1 }`, "-1 1", "-1>1"},
	{"undirected to a subgraph", `graph { a -- {b c}; }`, "a b c", "a>b a>c"},
	{"layout attributes", `digraph { a -> b [weight=2, constraint=false] }`, "a b", "a>b"},
	{"escaped quote", `digraph { "a\"quote" -> b }`, `a"quote b`, `a"quote>b`},
	{"no semicolons", "digraph { a -> b\n c -> d }", "a b c d", "a>b c>d"},
	{"badly delimited number", `digraph { ab2 -> 2ab }`, "ab2 2 ab", "ab2>2"},
	{"strict chain back and forth", `strict digraph { a -> b -> a -> b }`, "a b", "a>b b>a"},
	{"attribute lists in a row", `digraph { a [color=red][shape=box]; a -> b [color=blue; style=dashed] }`, "a b", "a>b"},
	{"semicolons in attribute lists", `digraph { a [color=red; shape=box,] }`, "a", ""},
	{"empty graph", `digraph {}`, "", ""},
	{"empty subgraph", `digraph { subgraph cluster_a {} a }`, "a", ""},
	{"line continuation", "digraph { \"long\\\nname\" -> b }", "longname b", "longname>b"},
}

// names returns the graph's nodes by their DOT names, and its edges as
// "tail>head" by name.
func names(g *Graph) (string, string) {
	name := map[string]string{}
	var ns, es []string
	for _, n := range g.Nodes {
		nm := n.ID
		if n.Name != "" {
			nm = n.Name
		}
		name[n.ID] = nm
		ns = append(ns, nm)
	}
	for _, e := range g.Edges {
		es = append(es, name[e.From]+">"+name[e.To])
	}
	return strings.Join(ns, " "), strings.Join(es, " ")
}

func TestGrammar(t *testing.T) {
	if len(grammarCases) < 40 {
		t.Fatalf("only %d grammar cases", len(grammarCases))
	}
	for _, tc := range grammarCases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ParseDOT([]byte(tc.src), DefaultLimits)
			if err != nil {
				t.Fatalf("%s: %v", tc.src, err)
			}
			gotNodes, gotEdges := names(g)
			if gotNodes != tc.nodes || gotEdges != tc.edges {
				t.Errorf("%s\ngot nodes %q edges %q\nwant nodes %q edges %q", tc.src, gotNodes, gotEdges, tc.nodes, tc.edges)
			}
		})
	}
}

// TestGrammarAgainstDot checks every grammar case's expectation against
// Graphviz's own dot (Debian's graphviz package), when it is installed.
func TestGrammarAgainstDot(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dot is not installed (Debian package graphviz); CI installs it")
		}
		t.Skip("dot is not installed (Debian package graphviz)")
	}
	for _, tc := range grammarCases {
		t.Run(tc.name, func(t *testing.T) {
			nodes, edges := dotGives(t, dot, tc.src)
			if !sameSet(nodes, strings.Fields(tc.nodes)) {
				t.Errorf("%s\ndot gives nodes %q, the case says %q", tc.src, nodes, tc.nodes)
			}
			if !sameSet(edges, strings.Fields(tc.edges)) {
				t.Errorf("%s\ndot gives edges %q, the case says %q", tc.src, edges, tc.edges)
			}
		})
	}
}

// dotGives runs dot -Tjson0 on src and returns its node names and its
// distinct edges as "tail>head".
func dotGives(t *testing.T, dot, src string) ([]string, []string) {
	t.Helper()
	cmd := exec.Command(dot, "-Tjson0")
	cmd.Stdin = strings.NewReader(src)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("dot: %v: %s", err, errb.String())
	}
	var doc struct {
		Objects []struct {
			ID    int             `json:"_gvid"`
			Name  string          `json:"name"`
			Nodes json.RawMessage `json:"nodes"`
			Subs  json.RawMessage `json:"subgraphs"`
			Edges json.RawMessage `json:"edges"`
		} `json:"objects"`
		Edges []struct {
			Tail int `json:"tail"`
			Head int `json:"head"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("dot json: %v", err)
	}
	byID := map[int]string{}
	var nodes []string
	for _, o := range doc.Objects {
		if o.Nodes != nil || o.Subs != nil || o.Edges != nil || isSubgraphName(src, o.Name) {
			continue
		}
		byID[o.ID] = o.Name
		nodes = append(nodes, o.Name)
	}
	var edges []string
	for _, e := range doc.Edges {
		s := byID[e.Tail] + ">" + byID[e.Head]
		if !slices.Contains(edges, s) {
			edges = append(edges, s)
		}
	}
	return nodes, edges
}

// isSubgraphName reports whether src names a subgraph name (dot lists empty
// subgraphs among its objects without their members).
func isSubgraphName(src, name string) bool {
	return strings.Contains(src, "subgraph "+name+" ") || strings.HasPrefix(name, "%")
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
