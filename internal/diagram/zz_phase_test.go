package diagram

import (
	"bytes"
	"context"
	"testing"

	"github.com/goccy/go-graphviz"
)

func BenchmarkPhaseParse(b *testing.B) {
	dot, _ := splitReturns(typical(b).CanonicalDOT())
	for b.Loop() {
		g, _ := parseForLayout(dot, false)
		g.Close()
	}
}

func benchFormat(b *testing.B, f graphviz.Format, strip bool) {
	dot := typical(b).CanonicalDOT()
	if strip {
		dot, _ = splitReturns(dot)
	}
	ctx := context.Background()
	gv, _ := graphviz.New(ctx)
	for b.Loop() {
		g, _ := parseForLayout(dot, false)
		var buf bytes.Buffer
		if err := gv.Render(ctx, g, f, &buf); err != nil {
			b.Fatal(err)
		}
		g.Close()
	}
}
func BenchmarkPhaseJSONStripped(b *testing.B) { benchFormat(b, graphviz.Format("json"), true) }
func BenchmarkPhaseSVGStripped(b *testing.B)  { benchFormat(b, graphviz.SVG, true) }
func BenchmarkPhaseXdotStripped(b *testing.B) { benchFormat(b, graphviz.XDOT, true) }
func BenchmarkPhaseDotStripped(b *testing.B)  { benchFormat(b, graphviz.Format("dot"), true) }
func BenchmarkPhaseSVGFull(b *testing.B)      { benchFormat(b, graphviz.SVG, false) }
