package diagram_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/diagram"
)

// The budget: rendering the typical 15-node pipeline through the service
// takes less than half the time of a `dot -Tsvg` process on the same
// canonical DOT, and a cached render takes microseconds. Compare them in
// one run (make bench runs them with the rest):
//
//	go test ./internal/diagram -run '^$' -bench 'Render|DotProcess'
//
// On a busy machine the two drift apart between runs; BenchmarkRenderVsDot
// alternates them and reports the median ratio.

// BenchmarkRenderService renders through the service with no cache, so
// that every render is laid out by a worker: the service's queue, the
// worker's protocol, the layout and the drawing of the return edges.
func BenchmarkRenderService(b *testing.B) {
	dot := typical(b).CanonicalDOT()
	svc := diagram.NewService(diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 1, Timeout: testTimeout, MaxRenders: 1 << 30}), 0)
	defer svc.Close()
	if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil { // start the worker
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil {
			b.Fatal(err)
		}
	}
	if _, hits, _ := svc.Stats(); hits != 0 {
		b.Fatalf("%d renders came from the cache", hits)
	}
}

func BenchmarkRenderServicePNG(b *testing.B) {
	dot := typical(b).CanonicalDOT()
	pool := diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 1, Timeout: testTimeout, MaxRenders: 1 << 30})
	defer pool.Close()
	if _, err := pool.Render(context.Background(), diagram.PNG, dot); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := pool.Render(context.Background(), diagram.PNG, dot); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderCached(b *testing.B) {
	dot := typical(b).CanonicalDOT()
	svc := diagram.NewService(diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 1, Timeout: testTimeout}), 8<<20)
	defer svc.Close()
	if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil {
			b.Fatal(err)
		}
	}
}

// runDot runs one `dot -Tsvg` process on dot, as a user would.
func runDot(b *testing.B, path string, dot []byte) {
	cmd := exec.Command(path, "-Tsvg")
	cmd.Stdin = bytes.NewReader(dot)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		b.Fatal(err)
	}
	if out.Len() < 1000 {
		b.Fatal(fmt.Sprintf("dot wrote %d bytes", out.Len()))
	}
}

// BenchmarkDotProcess is the baseline: one `dot -Tsvg` process per render,
// from Debian's graphviz, on the same canonical DOT.
func BenchmarkDotProcess(b *testing.B) {
	path, err := exec.LookPath("dot")
	if err != nil {
		b.Skip("Graphviz's dot is not installed (Debian package graphviz)")
	}
	dot := typical(b).CanonicalDOT()
	for b.Loop() {
		runDot(b, path, dot)
	}
}

// BenchmarkRenderVsDot alternates one uncached service render and one `dot
// -Tsvg` process per iteration, so that both see the same load on a busy
// machine, and reports the median of their per-iteration ratio as
// service/dot (the budget: at most 0.5).
func BenchmarkRenderVsDot(b *testing.B) {
	path, err := exec.LookPath("dot")
	if err != nil {
		b.Skip("Graphviz's dot is not installed (Debian package graphviz)")
	}
	dot := typical(b).CanonicalDOT()
	svc := diagram.NewService(diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 1, Timeout: testTimeout, MaxRenders: 1 << 30}), 0)
	defer svc.Close()
	if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil {
		b.Fatal(err)
	}
	var ratios []float64
	for b.Loop() {
		t0 := time.Now()
		if _, err := svc.Render(context.Background(), diagram.SVG, dot); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		runDot(b, path, dot)
		ratios = append(ratios, float64(t1.Sub(t0))/float64(time.Since(t1)))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "service/dot")
}
