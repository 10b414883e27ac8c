// Package diagram turns canonical DOT into SVG and PNG. Graphviz (compiled to
// WebAssembly by go-graphviz) runs only in worker processes, one render at a
// time each, behind a pool that enforces deadlines and recycles workers, and
// an LRU cache. The package takes DOT bytes and knows nothing of designs.
//
// This package holds the pool, the service in front of it and both sides
// of the protocol, and does not link go-graphviz, whose start (compiling
// Graphviz's WebAssembly) costs every process that links it. The worker's
// drawing is package gvworker, linked by the worker binary
// (cmd/casebench-render) and by test binaries, which start themselves as
// workers (SelfCommand).
package diagram

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Format is an output format.
type Format byte

// The formats a worker renders.
const (
	SVG Format = 's'
	PNG Format = 'p'
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
// writes a response frame with statusOK. A request is the format byte
// (with cheapFlag set for the cheaper layout), the length of the DOT as 4
// big-endian bytes, and the DOT. A response is a status byte (statusOK or
// statusError), a 4-byte length, and the image or the error message.
const (
	statusOK    byte = 0
	statusError byte = 1
	maxFrame         = 64 << 20
)

// cheapFlag, set in a request's format byte, asks for the cheaper layout.
const cheapFlag = 0x80

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

// Renderer draws graphs in a worker process, one at a time.
type Renderer interface {
	// Render draws dot in format f, with the cheaper layout settings
	// (straight edges, fewer iterations) when cheap is set. An error is
	// the input refused; the worker goes on.
	Render(ctx context.Context, f Format, dot []byte, cheap bool) ([]byte, error)
	Close() error
}

// warmUpDOT is drawn once before a worker says it is ready.
var warmUpDOT = []byte("digraph { a -> b }")

// ServeWorker is the worker's side of the protocol: it opens its renderer,
// draws one small graph to warm it up, says it is ready, then serves
// requests from r to w until r ends. Its garbage is collected between
// renders, not during them (see collector).
func ServeWorker(r io.Reader, w io.Writer, open func() (Renderer, error)) error {
	var gc collector
	gc.start()
	rd, err := open()
	if err != nil {
		return err
	}
	defer rd.Close()
	ctx := context.Background()
	in := bufio.NewReader(r)
	out := bufio.NewWriter(w)
	// Warm up, then say so: the pool hands a worker out once it is ready.
	if _, err := rd.Render(ctx, SVG, warmUpDOT, false); err != nil {
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
		img, rerr := rd.Render(ctx, Format(format&^cheapFlag), dot, format&cheapFlag != 0)
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

// The worker's garbage is collected between renders, not during them: the
// collector runs on its own only past gcLimit of heap (a render of a huge
// graph; GOMEMLIMIT, when set, instead), and between renders once gcEvery
// bytes were allocated since the last collection. gcLimit stays below the
// pool's default MaxRSS, so that one big render does not retire its worker.
const (
	gcEvery = 16 << 20
	gcLimit = 192 << 20
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
