package gvworker

import (
	"context"
	"testing"

	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/diagram"
)

func BenchmarkInProcess(b *testing.B) {
	dot := typical(b).CanonicalDOT()
	ctx := context.Background()
	gv, _ := graphviz.New(ctx)
	for b.Loop() {
		if _, err := render(ctx, gv, diagram.SVG, dot, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInProcessNoStages(b *testing.B) {
	g := typical(b)
	for i := range g.Nodes {
		g.Nodes[i].Stage = ""
	}
	dot := g.CanonicalDOT()
	ctx := context.Background()
	gv, _ := graphviz.New(ctx)
	for b.Loop() {
		if _, err := render(ctx, gv, diagram.SVG, dot, false); err != nil {
			b.Fatal(err)
		}
	}
}
