package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustImport(t *testing.T, src string) (*Graph, []Note) {
	t.Helper()
	g, notes, err := ImportDOT([]byte(src), DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return g, notes
}

func noteSays(notes []Note, want string) bool {
	for _, n := range notes {
		if strings.Contains(n.Message, want) {
			return true
		}
	}
	return false
}

func TestParseDOT(t *testing.T) {
	src := `digraph g {
  node [kind=etl];
  subgraph cluster_online { app [kind=client, label="TV \"apps\""]; srv [kind=serving] }
  log [kind=log, stage=nearline, color=red, URL="x"];
  app -> srv -> log [label="events"];
  {app} -> log;
}`
	g, notes := mustImport(t, src)
	want := map[string]Node{
		"app": {ID: "app", Label: `TV "apps"`, Kind: KindClient, Stage: StageOnline},
		"srv": {ID: "srv", Kind: KindServing, Stage: StageOnline},
		"log": {ID: "log", Kind: KindLog, Stage: StageNearline, Attrs: "color=red"},
	}
	if len(g.Nodes) != 3 {
		t.Fatalf("nodes %+v", g.Nodes)
	}
	for _, n := range g.Nodes {
		if n != want[n.ID] {
			t.Errorf("node %+v, want %+v", n, want[n.ID])
		}
	}
	if len(g.Edges) != 3 || g.Edges[0] != (Edge{From: "app", To: "srv", Label: "events"}) || g.Edges[1] != (Edge{From: "srv", To: "log", Label: "events"}) {
		t.Errorf("edges %+v", g.Edges)
	}
	if !noteSays(notes, "URL is left out") {
		t.Errorf("notes %v do not say URL was left out", notes)
	}
	if g.DOT != src {
		t.Error("the graph does not keep the text as written")
	}
}

// TestRefusedBefore: what the old importer refused or changed, with the
// nodes and edges dot gives.
func TestRefusedBefore(t *testing.T) {
	for _, tc := range []struct{ src, nodes, edges string }{
		{`digraph G { a -> b; b -> c; }`, "a b c", "a>b b>c"},
		{`digraph G { a -> b; a [label="Load"]; b [label="Train"]; }`, "a b", "a>b"},
		{`digraph G { "web-server"; "db.primary"; "web-server" -> "db.primary"; }`, "web-server db.primary", "web-server>db.primary"},
		{`graph G { a; b; a -- b; }`, "a b", "a>b"},
		{`strict digraph G { a; b; a -> b; a -> b; }`, "a b", "a>b"},
		{`digraph G { a; b; c; a -> {b -> c}; }`, "a b c", "b>c a>b a>c"},
	} {
		g, _ := mustImport(t, tc.src)
		if n, e := names(g); n != tc.nodes || e != tc.edges {
			t.Errorf("%s: nodes %q edges %q, want %q %q", tc.src, n, e, tc.nodes, tc.edges)
		}
	}
	g, _ := mustImport(t, `digraph G { "web-server" -> "db.primary" }`)
	if g.Nodes[0].ID != "web_server" || g.Nodes[0].Title() != "web-server" {
		t.Errorf("node %+v: want the stable id web_server showing web-server", g.Nodes[0])
	}
}

func TestIDsAreStableAndUnique(t *testing.T) {
	g, _ := mustImport(t, `digraph { "a-b" -> a_b -> "a b" -> 1 -> "数据" -> "__x" }`)
	var ids []string
	for _, n := range g.Nodes {
		if !ValidID(n.ID) {
			t.Errorf("id %q is not valid", n.ID)
		}
		ids = append(ids, n.ID+"="+n.Title())
	}
	if got, want := strings.Join(ids, " "), "a_b=a-b a_b_2=a_b a_b_3=a b n1=1 n5=数据 n__x=__x"; got != want {
		t.Errorf("ids %q, want %q", got, want)
	}
}

func TestLabels(t *testing.T) {
	g, _ := mustImport(t, `digraph G { a [label="Load\nData"]; b [label="\N is \G"]; c [label="left\lright\r"]; d [label=<<b>Bold</b><br/>next>] }`)
	byID := map[string]Node{}
	for _, n := range g.Nodes {
		byID[n.ID] = n
	}
	if l := byID["a"].Label; l != "Load\nData" {
		t.Errorf(`\n gave %q, want two lines`, l)
	}
	if l := byID["b"].Label; l != "b is G" {
		t.Errorf(`\N and \G gave %q`, l)
	}
	if n := byID["c"]; n.Label != "left\nright" || !strings.Contains(n.Attrs, `label="left\lright\r"`) {
		t.Errorf(`\l and \r gave %+v`, n)
	}
	if l := byID["d"].Label; l != "Bold\nnext" {
		t.Errorf("HTML label gave %q", l)
	}
	dot := string(g.CanonicalDOT())
	for _, want := range []string{`label="Load\nData"`, `label="left\lright\r"`, `label="b is G"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("canonical DOT lacks %s:\n%s", want, dot)
		}
	}
}

func TestStagesFromClusters(t *testing.T) {
	g, notes := mustImport(t, `digraph {
  subgraph cluster_0 { label="Online serving"; a }
  subgraph cluster_offline { b }
  subgraph cluster_x { label="Near-line features"; c }
  subgraph cluster_misc { label="Misc"; d }
  subgraph online { e }
  a -> f; subgraph cluster_1 { label=online; f }
  g [stage=offline]; subgraph cluster_on { label=online; g }
}`)
	want := map[string]Stage{"a": StageOnline, "b": StageOffline, "c": StageNearline, "d": "", "e": StageOnline, "f": StageOnline, "g": StageOffline}
	for _, n := range g.Nodes {
		if n.Stage != want[n.ID] {
			t.Errorf("%s: stage %q, want %q", n.ID, n.Stage, want[n.ID])
		}
	}
	if !noteSays(notes, `cluster_misc ("Misc") names no stage`) {
		t.Errorf("no note about the cluster that names no stage: %v", notes)
	}
}

func TestErrorsHaveLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		want      string
	}{
		{"digraph {\n  a [kind=log];\n  a -> \n}", 4, 1, "syntax error"},
		{"digraph {\n  a -- b\n}", 2, 5, "undirected edge"},
		{"graph {\n a -> b }", 2, 4, "directed edge"},
		{"digraph { a [label=\"x] }", 1, 20, "never closed"},
		{"digraph {\n  a [color] }", 2, 11, "needs a value"},
		{"digraph { a; ", 1, 9, "never closed"},
		{"", 1, 1, "empty"},
		{"digraph { /* open", 1, 11, "comment"},
		{"digraph { a -> @ }", 1, 16, "unexpected character"},
	} {
		_, err := ParseDOT([]byte(tc.src), DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%q: got %v, want problems", tc.src, err)
			continue
		}
		if ps[0].Line != tc.line || ps[0].Column != tc.col || !strings.Contains(ps[0].Message, tc.want) {
			t.Errorf("%q: got %d:%d %q; want %d:%d %q", tc.src, ps[0].Line, ps[0].Column, ps[0].Message, tc.line, tc.col, tc.want)
		}
	}
}

// TestRepeatedEdgeNote: a repeated edge is kept once, and the note names
// the real lines of both.
func TestRepeatedEdgeNote(t *testing.T) {
	g, notes := mustImport(t, "digraph {\n  a -> b;\n  c;\n  a -> b [label=x];\n}")
	if len(g.Edges) != 1 {
		t.Fatalf("edges %+v", g.Edges)
	}
	if len(notes) != 1 || notes[0].Line != 4 || notes[0].Column != 5 || !strings.Contains(notes[0].Message, "repeats the one at 2:5") {
		t.Errorf("notes %v: want one at 4:5 naming 2:5", notes)
	}
}

// TestSuggestionsParse: every suggested fix, of a problem or of a note,
// is DOT the importer accepts.
func TestSuggestionsParse(t *testing.T) {
	fixes := 0
	check := func(src, fix string, directed bool) {
		t.Helper()
		if fix == "" {
			t.Errorf("%s: no fix", src)
			return
		}
		fixes++
		wrap := "digraph {\n" + fix + "\n}"
		if !directed {
			wrap = "graph {\n" + fix + "\n}"
		}
		_, notes, err := ImportDOT([]byte(wrap), DefaultLimits)
		if !directed && len(notes) == 1 && strings.Contains(notes[0].Message, "undirected graph") {
			notes = nil
		}
		if err != nil || len(notes) > 0 {
			t.Errorf("%s: the fix %q does not read cleanly: %v %v", src, fix, err, notes)
		}
	}
	for _, src := range []string{
		`digraph { "5th Edition" [kind=etl2] }`,
		`digraph { a [kind=Trainer] }`,
		`digraph { "x\"y" [kind=wizard] }`,
		`digraph { node [kind="feature-store"]; a }`,
		`digraph { a [stage=realtime] }`,
		`digraph { "node" [stage=near] }`,
		`digraph { 12 [kind=modle] }`,
		`digraph { "数据" [kind=store] }`,
	} {
		_, notes, err := ImportDOT([]byte(src), DefaultLimits)
		if err != nil || len(notes) == 0 {
			t.Errorf("%s: %v, %v: want a note", src, err, notes)
			continue
		}
		for _, n := range notes {
			check(src, n.Fix, true)
		}
	}
	for _, src := range []string{"digraph { a -- b }", `digraph { "web-server" -- {db cache} }`, "graph { a -> b }", `graph { "x y" -> 2 }`, "digraph { a -> Node }", "graph { strict -- a }"} {
		_, err := ParseDOT([]byte(src), DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%s: got %v, want problems", src, err)
			continue
		}
		for _, p := range ps {
			check(src, p.Fix, strings.HasPrefix(src, "digraph"))
		}
	}
	if fixes < 12 {
		t.Errorf("only %d fixes checked", fixes)
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString("digraph {\n")
	for i := range 213 {
		fmt.Fprintf(&b, "  n%d;\n", i)
	}
	b.WriteString("}\n")
	if _, err := ParseDOT([]byte(b.String()), DefaultLimits); err != nil {
		t.Errorf("213 nodes: %v", err)
	}
	small := Limits{MaxNodes: 100, MaxEdges: 300, MaxLabel: 200, MaxIDLength: 64}
	_, err := ParseDOT([]byte(b.String()), small)
	var le *LimitError
	if !errors.As(err, &le) || le.Got != 213 || le.Pos.Line != 102 {
		t.Errorf("213 nodes over a limit of 100: %v, want the exact count at line 102", err)
	}
	b.Reset()
	b.WriteString("digraph {\n")
	for k := range 1000 {
		fmt.Fprintf(&b, "n%d -> n%d;\n", k%300, (k%300+k/300+1)%300)
	}
	b.WriteString("}")
	if g, err := ParseDOT([]byte(b.String()), DefaultLimits); err != nil || len(g.Nodes) != 300 || len(g.Edges) != 1000 {
		t.Errorf("300 nodes and 1000 edges are within the limits: %v", err)
	}
	// A tiny text asking for a million edges is counted, not built.
	var ids []string
	for i := range 1000 {
		ids = append(ids, fmt.Sprintf("n%d", i))
	}
	set := "{" + strings.Join(ids, " ") + "}"
	_, err = ParseDOT([]byte("digraph {"+set+" -> "+set+"}"), Limits{MaxNodes: 2000, MaxEdges: 1000, MaxLabel: 200, MaxIDLength: 64})
	if !errors.As(err, &le) || le.What != "edges" || !le.AtLeast || !strings.Contains(le.Error(), "more than 100000 edges") {
		t.Errorf("a million edges: %v", err)
	}
	long := strings.Repeat("é", 201)
	g, notes, err := ImportDOT([]byte("digraph {\n a [label=\""+long+"\"] }"), DefaultLimits)
	if err != nil || utf8.RuneCountInString(g.Nodes[0].Label) != 200 || len(notes) != 1 || notes[0].Line != 2 || notes[0].Column != 11 || !strings.Contains(notes[0].Message, "201 characters is cut to 200") {
		t.Errorf("a 201-character label: %v %v", err, notes)
	}
	if _, err := ParseDOT([]byte("digraph { a [label=\""+strings.Repeat("é", 200)+"\"] }"), DefaultLimits); err != nil {
		t.Errorf("a 200-character label: %v", err)
	}
	if _, err := ParseDOT(bytes.Repeat([]byte(" "), MaxDOTBytes+1), DefaultLimits); !errors.As(err, &le) || le.What != "bytes" {
		t.Errorf("oversized DOT: %v", err)
	}
}

func TestLatin1(t *testing.T) {
	src := []byte("digraph { graph [charset=latin1]; a [label=\"Caf\xe9 cr\xe8me\"] }")
	g, notes, err := ImportDOT(src, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if g.Nodes[0].Label != "Café crème" || !utf8.ValidString(g.DOT) {
		t.Errorf("label %q", g.Nodes[0].Label)
	}
	if !noteSays(notes, "Latin-1") {
		t.Errorf("notes %v", notes)
	}
	// The kept text reads the same again.
	back, err := ParseDOT([]byte(g.DOT), DefaultLimits)
	if err != nil || back.Nodes[0].Label != "Café crème" {
		t.Errorf("kept text reads as %v, %v", back, err)
	}
}

// TestAllowlist: each presentational attribute with a valid value reaches
// the canonical DOT; invalid values are left out with a note.
func TestAllowlist(t *testing.T) {
	g, notes := mustImport(t, `digraph {
  graph [label="My pipeline", rankdir=LR, fontname="x"];
  a [shape=hexagon, color="#112233", fillcolor="0.5 0.5 0.5", fontcolor=crimson, style="dashed,rounded", penwidth=2, xlabel="side"];
  a -> b [color="red:blue", fontcolor=navy, style=dotted, penwidth=3, arrowhead=odiamond, arrowtail=inv, dir=both, xlabel="x"];
  c [shape=wobbly, color="not a colour", style="javascript", penwidth=99];
  a -> c [arrowhead="<svg>", dir=sideways];
}`)
	dot := string(g.CanonicalDOT())
	for _, want := range []string{"rankdir=LR", `label="My pipeline"`, "shape=hexagon", `color="#112233"`, `fillcolor="0.5 0.5 0.5"`, "fontcolor=crimson", `style="dashed,rounded,filled"`, "penwidth=2", `xlabel="side"`,
		`color="red:blue"`, "fontcolor=navy", "style=dotted", "penwidth=3", "arrowhead=odiamond", "arrowtail=inv", "dir=both", `xlabel="x"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("canonical DOT lacks %s", want)
		}
	}
	for _, bad := range []string{"wobbly", "not a colour", "javascript", "99", "<svg>", "sideways", `fontname="x"`} {
		if strings.Contains(dot, bad) {
			t.Errorf("canonical DOT has %s", bad)
		}
	}
	for _, want := range []string{"node shape left out", "node color left out", "node style left out", "node penwidth left out", "edge arrowhead left out", "edge dir left out", "graph attribute fontname is left out"} {
		if !noteSays(notes, want) {
			t.Errorf("no note says %q: %v", want, notes)
		}
	}
}

// TestHostileAttributesNeverReachGraphviz: links, images, fonts, files and
// stylesheets are left out of the canonical DOT, wherever they are written.
func TestHostileAttributesNeverReachGraphviz(t *testing.T) {
	src := `digraph {
  graph [fontpath="/", imagepath="/", stylesheet="http://evil.example/x.css", href="javascript:alert(0)"];
  node [fontname="/dev/zero", image="/etc/passwd"];
  edge [URL="javascript:alert(1)"];
  a [kind=serving, label="Serve", URL="javascript:alert(1)", href="javascript:alert(2)", target="_top", tooltip="t"];
  b [kind=log, image="/etc/passwd", shapefile="/etc/shadow", shape=epsf, fontname="/dev/zero", fontpath="/"];
  c [kind=other, label=<<script>alert(3)</script><img src="x" onerror="alert(4)"/>>];
  d [color="/etc/passwd", fillcolor="url(#x)", style="setlinewidth(1)"];
  subgraph cluster_online { stylesheet="x.css"; URL="y"; e }
  a -> b [URL="javascript:alert(5)", labelhref="x", edgeURL="y", headURL="z", labelfontname="/dev/zero"];
  b -> c;
}`
	g, notes := mustImport(t, src)
	dot := strings.ToLower(string(g.CanonicalDOT()))
	for _, bad := range []string{"javascript:", "href", "url", "/etc/", "/dev/zero", "fontpath", "imagepath", "stylesheet", "evil.example", "script", "<img", "onerror", "image", "shapefile", "epsf", "tooltip", "target", "fontname=\"/"} {
		if strings.Contains(dot, bad) {
			t.Errorf("canonical DOT contains %q", bad)
		}
	}
	if len(notes) < 10 {
		t.Errorf("only %d notes for the left-out attributes: %v", len(notes), notes)
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	g := &Graph{
		Nodes: []Node{{ID: "b", Label: `quote " back\slash \N`, Kind: KindRanker, Stage: StageOnline, Attrs: "color=red"}, {ID: "a", Kind: KindLog, Stage: StageOffline}, {ID: "node", Kind: KindOther}},
		Edges: []Edge{{From: "b", To: "a", Label: "x"}, {From: "a", To: "b"}, {From: "node", To: "a", Attrs: "style=dotted"}},
		Attrs: `label="All", rankdir=LR`,
	}
	if err := g.Validate(DefaultLimits); err != nil {
		t.Fatal(err)
	}
	dot := g.CanonicalDOT()
	back, err := ParseDOT(dot, DefaultLimits)
	if err != nil {
		t.Fatalf("%v\n%s", err, dot)
	}
	if !bytes.Equal(back.CanonicalDOT(), dot) {
		t.Errorf("canonical DOT does not read back to itself:\n%s\n%s", dot, back.CanonicalDOT())
	}
	src := g.SourceDOT()
	for _, bad := range []string{"__stage", "nslimit", "constraint"} {
		if strings.Contains(src, bad) {
			t.Errorf("the DOT shown to the user has %s:\n%s", bad, src)
		}
	}
	again, err := ParseDOT([]byte(src), DefaultLimits)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	again.DOT = ""
	if !bytes.Equal(again.CanonicalDOT(), dot) {
		t.Errorf("the user's DOT does not draw the same:\n%s\n%s", dot, again.CanonicalDOT())
	}
}

// TestReturnEdges: an edge back to an earlier stage does not constrain the
// layout and is drawn in its own style.
func TestReturnEdges(t *testing.T) {
	g, _ := mustImport(t, `digraph { a [stage=offline]; b [stage=online]; a -> b; b -> a }`)
	dot := string(g.CanonicalDOT())
	if !strings.Contains(dot, `b -> a [constraint=false, class="return"`) || strings.Contains(dot, `a -> b [constraint`) {
		t.Errorf("return edge not marked:\n%s", dot)
	}
}

func TestValidateKeepsTextAndGraphTogether(t *testing.T) {
	g, _ := mustImport(t, `digraph { a -> b }`)
	if err := g.Validate(DefaultLimits); err != nil {
		t.Fatal(err)
	}
	g.Edges = nil
	if err := g.Validate(DefaultLimits); err == nil || !strings.Contains(err.Error(), "not what the DOT text reads as") {
		t.Errorf("a graph whose edges differ from its text: %v", err)
	}
}

// FuzzParseDOT feeds arbitrary text to the DOT import: it never panics,
// every problem has a line and a column, and whatever it accepts is a
// valid graph whose canonical DOT reads back to the same canonical DOT.
func FuzzParseDOT(f *testing.F) {
	for _, s := range []string{
		"digraph { a [kind=log]; b [kind=training]; a -> b }",
		"digraph g { subgraph cluster_online { x [label=\"X\"] } x -> x }",
		"digraph { a [label=<<b>bold</b>>]; }",
		"strict digraph { node [kind=etl]; a; b; a -> b -> a; {a b} -> a }",
		"digraph { \"q\\\"uote\" }",
		"digraph { a [kind=\"log\", stage=\"online\", URL=\"javascript:x\"] }",
		"graph { a -- {b c} -- d; a:n -- e }",
		"digraph { a [label=\"x\\ly\\r\\N\", shape=record, color=\"red:blue;0.5\"] }",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := ParseDOT(src, DefaultLimits)
		if err != nil {
			var ps Problems
			var le *LimitError
			if !errors.As(err, &ps) && !errors.As(err, &le) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			for _, p := range ps {
				if p.Line < 1 || p.Column < 1 || p.Message == "" {
					t.Fatalf("problem without a line, column or message: %+v", p)
				}
			}
			return
		}
		if err := g.Validate(DefaultLimits); err != nil {
			t.Fatalf("accepted an invalid graph: %v", err)
		}
		dot := g.CanonicalDOT()
		if !utf8.Valid(dot) {
			t.Fatal("canonical DOT is not UTF-8")
		}
		back, err := ParseDOT(dot, DefaultLimits)
		if err != nil {
			t.Fatalf("canonical DOT does not parse: %v\n%s", err, dot)
		}
		if !bytes.Equal(back.CanonicalDOT(), dot) {
			t.Fatalf("canonical DOT is not stable:\n%s\n%s", dot, back.CanonicalDOT())
		}
	})
}
