// Package diagram turns canonical DOT into SVG and PNG. Graphviz (compiled to
// WebAssembly by go-graphviz) runs only in worker processes, one render at a
// time each, behind a pool that enforces deadlines and recycles workers, and
// an LRU cache. The package takes DOT bytes and knows nothing of designs.
package diagram

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing/fstest"

	"github.com/goccy/go-graphviz"
)

// Format is an output format.
type Format byte

// The formats a worker renders.
const (
	SVG Format = 's'
	PNG Format = 'p'
	// layoutFormat is Graphviz's layout as json, for tests of the drawing.
	layoutFormat Format = 'j'
)

// String returns the format's file extension.
func (f Format) String() string {
	switch f {
	case SVG:
		return "svg"
	case PNG:
		return "png"
	}
	return fmt.Sprintf("format(%d)", byte(f))
}

// ParseFormat returns the format named by ext ("svg" or "png").
func ParseFormat(ext string) (Format, bool) {
	switch ext {
	case "svg":
		return SVG, true
	case "png":
		return PNG, true
	}
	return 0, false
}

// Protocol, on the worker's stdin and stdout. The worker, once started,
// writes a response frame with statusOK. A request is the format byte,
// the length of the DOT as 4 big-endian bytes, and the DOT. A response is a
// status byte (statusOK or statusError), a 4-byte length, and the image or
// the error message.
const (
	statusOK    byte = 0
	statusError byte = 1
	maxFrame         = 64 << 20
)

func writeFrame(w io.Writer, head byte, payload []byte) error {
	var h [5]byte
	h[0] = head
	binary.BigEndian.PutUint32(h[1:], uint32(len(payload)))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes is too large", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return 0, nil, err
	}
	return h[0], b, nil
}

// RunWorker serves render requests from r to w until r ends. Graphviz sees
// an empty file system, so no attribute can make it read a host file.
func RunWorker(r io.Reader, w io.Writer) error {
	graphviz.SetFileSystem(fstest.MapFS{})
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		return fmt.Errorf("start graphviz: %w", err)
	}
	defer gv.Close()
	var gc collector
	gc.start()
	in := bufio.NewReader(r)
	out := bufio.NewWriter(w)
	// Warm up, then say so: the pool hands a worker out once it is ready.
	if _, err := render(ctx, gv, SVG, []byte("digraph { a -> b }"), false); err != nil {
		return fmt.Errorf("graphviz: %w", err)
	}
	if err := writeFrame(out, statusOK, []byte("ready")); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	for {
		format, dot, err := readFrame(in)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		img, rerr := render(ctx, gv, Format(format&^cheapFlag), dot, format&cheapFlag != 0)
		if rerr != nil {
			err = writeFrame(out, statusError, []byte(rerr.Error()))
		} else {
			err = writeFrame(out, statusOK, img)
		}
		if err == nil {
			err = out.Flush()
		}
		if err != nil {
			return err
		}
		gc.between()
	}
}

// cheapFlag, set in a request's format byte, asks for the cheaper layout.
const cheapFlag = 0x80

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
func render(ctx context.Context, gv *graphviz.Graphviz, f Format, dot []byte, cheap bool) ([]byte, error) {
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
	case SVG:
		if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
			return nil, fmt.Errorf("graphviz: %v", err)
		}
		return buf.Bytes(), nil
	case PNG:
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

// The worker's garbage is collected between renders, not during them: the
// collector runs on its own only past gcLimit of heap (a render of a huge
// graph; GOMEMLIMIT, when set, instead), and between renders once gcEvery
// bytes were allocated since the last collection.
const (
	gcEvery = 16 << 20
	gcLimit = 512 << 20
)

type collector struct {
	sample [1]metrics.Sample
	last   uint64
}

// start turns the collector's own pacing off, but for the memory limit.
func (c *collector) start() {
	debug.SetGCPercent(-1)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(gcLimit)
	}
	c.sample[0].Name = "/gc/heap/allocs:bytes"
	c.last = c.allocated()
}

func (c *collector) allocated() uint64 {
	metrics.Read(c.sample[:])
	if c.sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return c.sample[0].Value.Uint64()
}

// between collects when enough was allocated since the last collection.
func (c *collector) between() {
	if n := c.allocated(); n-c.last >= gcEvery {
		runtime.GC()
		c.last = n
	}
}
