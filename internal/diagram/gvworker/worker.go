// Package gvworker is the render worker of package diagram: it lays out DOT
// with Graphviz (go-graphviz, compiled to WebAssembly) and draws SVG and
// PNG, one render at a time, on its standard input and output. go-graphviz
// compiles its WebAssembly when a process that links it starts, so only the
// worker binary (cmd/casebench-render) and test binaries link this package;
// the server starts workers as processes and does not.
package gvworker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing/fstest"

	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/diagram"
)

// LayoutFormat is Graphviz's layout as json, a format for tests of the
// drawing.
const LayoutFormat diagram.Format = 'j'

const layoutFormat = LayoutFormat

// RunWorker serves render requests from r to w until r ends. Graphviz sees
// an empty file system, so no attribute can make it read a host file.
func RunWorker(r io.Reader, w io.Writer) error {
	return diagram.ServeWorker(r, w, func() (diagram.Renderer, error) {
		graphviz.SetFileSystem(fstest.MapFS{})
		gv, err := graphviz.New(context.Background())
		if err != nil {
			return nil, fmt.Errorf("start graphviz: %w", err)
		}
		return renderer{gv}, nil
	})
}

// MaybeRunWorker runs the render worker and exits when diagram.WorkerEnv is
// set to "1"; otherwise it returns at once. A test binary calls it first in
// TestMain, so that diagram.SelfCommand can start it as a worker.
func MaybeRunWorker() {
	if os.Getenv(diagram.WorkerEnv) != "1" {
		return
	}
	if err := RunWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "render worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// renderer is one Graphviz, as diagram.ServeWorker uses it.
type renderer struct{ gv *graphviz.Graphviz }

func (r renderer) Render(ctx context.Context, f diagram.Format, dot []byte, cheap bool) ([]byte, error) {
	return render(ctx, r.gv, f, dot, cheap)
}

func (r renderer) Close() error { return r.gv.Close() }

// cheapLayout are the settings of the second try at a layout that ran out
// of time: straight edges and fewer iterations of ordering and ranking.
var cheapLayout = [][2]string{{"splines", "line"}, {"mclimit", "0.1"}, {"nslimit", "0.5"}, {"nslimit1", "0.5"}, {"searchsize", "10"}, {"maxiter", "50"}, {"remincross", "false"}}

// parseForLayout reads dot into Graphviz, with the cheaper settings when
// cheap is set.
func parseForLayout(dot []byte, cheap bool) (*graphviz.Graph, error) {
	g, err := readDOT(dot, readFast())
	if err != nil {
		return nil, err
	}
	if cheap {
		for _, kv := range cheapLayout {
			if err := g.SafeSet(kv[0], kv[1], ""); err != nil {
				g.Close()
				return nil, fmt.Errorf("graphviz: %v", err)
			}
		}
	}
	return g, nil
}

// render lays out dot with Graphviz and returns the image.
func render(ctx context.Context, gv *graphviz.Graphviz, f diagram.Format, dot []byte, cheap bool) ([]byte, error) {
	if bytes.Contains(dot, returnMark) {
		return renderRouted(ctx, gv, dot, f, cheap)
	}
	g, err := parseForLayout(dot, cheap)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	var buf bytes.Buffer
	switch f {
	case diagram.SVG:
		if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		return buf.Bytes(), nil
	case diagram.PNG:
		// Graphviz's own PNG output in WebAssembly draws no outlines and no
		// edges, so take its layout as drawing operations and draw them here.
		if err := gv.Render(ctx, g, graphviz.Format("json"), &buf); err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		return drawPNG(buf.Bytes())
	case layoutFormat:
		if err := gv.Render(ctx, g, graphviz.Format("json"), &buf); err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("unknown format %q", byte(f))
}
