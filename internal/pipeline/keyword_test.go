package pipeline

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestKeywordAsNodeID: a DOT keyword (graph, node, edge, digraph, subgraph,
// strict, in any case) written bare where a node id goes is refused with
// its own line and column and the quoted id as the fix; the text with the
// fix in place imports, with the node named as written. Graphviz's dot,
// when installed, refuses the text as written and reads the mended one.
func TestKeywordAsNodeID(t *testing.T) {
	dot, _ := exec.LookPath("dot")
	for _, tc := range []struct {
		src       string
		line, col int
		kw        string
	}{
		{"digraph {\n  a -> node;\n}", 2, 8, "node"},
		{"digraph {\n  node -> a\n}", 2, 3, "node"},
		{"digraph {\n  a;\n  Graph;\n}", 3, 3, "Graph"},
		{"digraph {\n  a -> b -> EDGE [label=x]\n}", 2, 13, "EDGE"},
		{"digraph {\n  a -> subgraph\n}", 2, 8, "subgraph"},
		{"digraph {\n  subgraph -> a\n}", 2, 3, "subgraph"},
		{"digraph {\n  strict -> a\n}", 2, 3, "strict"},
		{"digraph {\n  a; Digraph\n}", 2, 6, "Digraph"},
		{"digraph {\n  {a node} -> b\n}", 2, 6, "node"},
		{"digraph {\n  a, Node -> b\n}", 2, 6, "Node"},
		{"digraph {\n  édge -> node\n}", 2, 11, "node"},
		{"graph {\n  a -- gRaPh\n}", 2, 8, "gRaPh"},
	} {
		_, err := ParseDOT([]byte(tc.src), DefaultLimits)
		var ps Problems
		if !errors.As(err, &ps) || len(ps) != 1 {
			t.Errorf("%q: got %v, want one problem", tc.src, err)
			continue
		}
		p := ps[0]
		if p.Line != tc.line || p.Column != tc.col {
			t.Errorf("%q: problem at %d:%d, want %d:%d", tc.src, p.Line, p.Column, tc.line, tc.col)
		}
		if want := fmt.Sprintf("line %d:%d: ", tc.line, tc.col); !strings.HasPrefix(p.Error(), want) {
			t.Errorf("%q: %q does not start with %q", tc.src, p.Error(), want)
		}
		if !strings.Contains(p.Message, tc.kw+" is a DOT keyword") || !strings.Contains(p.Message, "quote") {
			t.Errorf("%q: message %q does not name the keyword and say to quote it", tc.src, p.Message)
		}
		if p.Fix != `"`+tc.kw+`"` {
			t.Errorf("%q: fix %q, want the quoted id", tc.src, p.Fix)
			continue
		}
		// Put the fix where the problem is.
		lines := strings.Split(tc.src, "\n")
		l := []rune(lines[p.Line-1])
		at := p.Column - 1
		if string(l[at:at+len([]rune(tc.kw))]) != tc.kw {
			t.Errorf("%q: %d:%d is not where %s is", tc.src, p.Line, p.Column, tc.kw)
			continue
		}
		lines[p.Line-1] = string(l[:at]) + p.Fix + string(l[at+len([]rune(tc.kw)):])
		mended := strings.Join(lines, "\n")
		g, notes, err := ImportDOT([]byte(mended), DefaultLimits)
		if err != nil {
			t.Errorf("%q mended as %q: %v", tc.src, mended, err)
			continue
		}
		for _, n := range notes {
			if !strings.Contains(n.Message, "undirected") {
				t.Errorf("%q mended: note %v", tc.src, n)
			}
		}
		found := false
		for _, n := range g.Nodes {
			found = found || n.Title() == tc.kw
		}
		if !found {
			t.Errorf("%q mended: no node shown as %s in %+v", tc.src, tc.kw, g.Nodes)
		}
		if dot != "" {
			if runDot(dot, tc.src) == nil {
				t.Errorf("%q: dot reads it, but the importer refuses it", tc.src)
			}
			if err := runDot(dot, mended); err != nil {
				t.Errorf("%q: dot refuses the mended text: %v", mended, err)
			}
		}
	}
	// A keyword followed by what follows the keyword is still the keyword.
	for _, src := range []string{"digraph { node [shape=box]; Edge [color=red]; graph [rankdir=LR]; a -> b }", "digraph { subgraph s { a } -> b }", "digraph { { a } -> subgraph { b } }"} {
		if _, err := ParseDOT([]byte(src), DefaultLimits); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

func runDot(dot, src string) error {
	cmd := exec.Command(dot, "-Tcanon")
	cmd.Stdin = strings.NewReader(src)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}
