package pipeline

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseDOT(t *testing.T) {
	src := `digraph g {
  node [kind=etl];
  subgraph cluster_online { app [kind=client, label="TV \"apps\""]; srv [kind=serving] }
  log [kind=log, stage=nearline, color=red, URL="x"];
  app -> srv -> log [label="events"];
  {app} -> log;
}`
	g, err := ParseDOT([]byte(src), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Node{
		"app": {ID: "app", Label: `TV "apps"`, Kind: KindClient, Stage: StageOnline},
		"srv": {ID: "srv", Kind: KindServing, Stage: StageOnline},
		"log": {ID: "log", Kind: KindLog, Stage: StageNearline},
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
}

func TestParseDOTErrorsHaveLines(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		want string
	}{
		{"digraph {\n  a [kind=log];\n  a -> \n}", 4, "syntax error"},
		{"digraph {\n  a [kind=log];\n  a -> b;\n}", 3, `unknown node "b"`},
		{"digraph {\n  a [kind=log];\n  b [kind=wizard];\n}", 3, `unknown kind "wizard"`},
		{"digraph {\n  a [kind=log, stage=later];\n}", 2, `unknown stage "later"`},
		{"digraph {\n  a [kind=log];\n  \"x y\" [kind=log];\n}", 3, "must start with a letter"},
		{"graph { a -- b }", 1, "digraph"},
		{"digraph {} digraph {}", 1, "exactly one graph"},
		{"\xff\xfe", 1, "UTF-8"},
	} {
		_, err := ParseDOT([]byte(tc.src), DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) {
			t.Errorf("%q: got %v, want problems", tc.src, err)
			continue
		}
		if ps[0].Line != tc.line || !strings.Contains(ps[0].Message, tc.want) {
			t.Errorf("%q: got line %d %q; want line %d %q", tc.src, ps[0].Line, ps[0].Message, tc.line, tc.want)
		}
	}
	if _, err := ParseDOT(bytes.Repeat([]byte(" "), MaxDOTBytes+1), DefaultLimits); err == nil {
		t.Error("oversized DOT accepted")
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	g := &Graph{
		Nodes: []Node{{ID: "b", Label: `quote " back\slash \N`, Kind: KindRanker, Stage: StageOnline}, {ID: "a", Kind: KindLog}, {ID: "node", Kind: KindOther}},
		Edges: []Edge{{From: "b", To: "a", Label: "x"}, {From: "a", To: "b"}, {From: "node", To: "a"}},
	}
	dot := g.CanonicalDOT()
	back, err := ParseDOT(dot, DefaultLimits)
	if err != nil {
		t.Fatalf("%v\n%s", err, dot)
	}
	c1, c2 := g.Canonical(), back.Canonical()
	if len(c1.Nodes) != len(c2.Nodes) || len(c1.Edges) != len(c2.Edges) {
		t.Fatalf("round trip changed the graph:\n%+v\n%+v", c1, c2)
	}
	for i := range c1.Nodes {
		if c1.Nodes[i] != c2.Nodes[i] {
			t.Errorf("node %+v came back as %+v", c1.Nodes[i], c2.Nodes[i])
		}
	}
	for i := range c1.Edges {
		if c1.Edges[i] != c2.Edges[i] {
			t.Errorf("edge %+v came back as %+v", c1.Edges[i], c2.Edges[i])
		}
	}
}

// FuzzParseDOT feeds arbitrary text to the DOT import: it never panics, and
// whatever it accepts is a valid graph whose canonical DOT reads back to
// the same canonical DOT.
func FuzzParseDOT(f *testing.F) {
	for _, s := range []string{
		"digraph { a [kind=log]; b [kind=training]; a -> b }",
		"digraph g { subgraph cluster_online { x [label=\"X\"] } x -> x }",
		"digraph { a [label=<<b>bold</b>>]; }",
		"strict digraph { node [kind=etl]; a; b; a -> b -> a; {a b} -> a }",
		"digraph { \"q\\\"uote\" }",
		"digraph { a [kind=\"log\", stage=\"online\", URL=\"javascript:x\"] }",
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
				if p.Line < 1 || p.Message == "" {
					t.Fatalf("problem without a line or message: %+v", p)
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
