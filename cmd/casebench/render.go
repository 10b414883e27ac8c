package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/pipeline"
)

// newDiagrams returns the render service: a pool of worker processes
// (casebench-render, see findWorker), one per CPU unless configured, with a
// cache in front.
func newDiagrams(cfg config.Config, log *slog.Logger) *diagram.Service {
	n := cfg.RenderWorkers
	if n == 0 {
		n = runtime.NumCPU()
	}
	pool := diagram.NewPool(diagram.PoolOptions{Command: workerCommand(cfg), Size: n, Timeout: cfg.RenderTimeout, Logger: log})
	return diagram.NewServiceWith(pool, diagram.ServiceOptions{CacheBytes: 64 << 20, Logger: log})
}

// runRender draws a DOT file offline: casebench render IN.dot -o OUT.svg
// (.png, or .dot for the canonical DOT Graphviz is fed, by extension).
// What the import left out is listed on stderr, one line each.
func runRender(ctx context.Context, args []string, e env) error {
	var out string
	cfg, pos, err := parseCmd(cmdRender, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "the output `FILE`: .svg, .png or .dot (required)")
	})
	if err != nil {
		return err
	}
	in := pos[0]
	if out == "" {
		return fmt.Errorf("give the output file with -o OUT.svg, OUT.png or OUT.dot")
	}
	ext := strings.TrimPrefix(filepath.Ext(out), ".")
	if ext != "svg" && ext != "png" && ext != "dot" {
		return fmt.Errorf("%s: the output must end in .svg, .png or .dot", out)
	}
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	g, notes, err := pipeline.ImportDOT(src, pipeline.DefaultLimits)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "%s:%s\n", in, n)
	}
	dot := g.CanonicalDOT()
	img := dot
	if ext != "dot" {
		cfg.RenderWorkers = 1
		svc := newDiagrams(cfg, newLogger(cfg, e))
		defer svc.Close()
		f, _ := diagram.ParseFormat(ext)
		if img, err = svc.Render(ctx, f, dot); err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
	}
	if err := os.WriteFile(out, img, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d nodes, %d edges, %d bytes)\n", out, len(g.Nodes), len(g.Edges), len(img))
	return nil
}
