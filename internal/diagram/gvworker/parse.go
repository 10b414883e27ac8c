package gvworker

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"unsafe"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/cgraph"
)

// go-graphviz's ParseBytes reads the DOT with Graphviz's agmemread and then
// walks every node, with WebAssembly calls for each, to set an empty label
// to "\N": Graphviz's own default for a node with no label, so the walk
// changes only a label written as "", which Graphviz itself draws empty.
// The worker calls the reader directly and skips that walk. The reader is package-internal,
// so it is reached by go:linkname, and used only with the go-graphviz
// version whose layout was checked (fastReadVersion) and only when
// cgraph.Graph still has the one field that holds the reader's result;
// otherwise the worker reads through the public ParseBytes.

// fastReadVersion is the go-graphviz release whose internal reader
// wasmMemRead's declaration matches.
const fastReadVersion = "v0.2.10"

const graphvizModule = "github.com/goccy/go-graphviz"

// wasmMemRead is go-graphviz's internal/wasm.MemRead, which returns a
// *wasm.Graph: a pointer, declared here as unsafe.Pointer.
//
//go:linkname wasmMemRead github.com/goccy/go-graphviz/internal/wasm.MemRead
func wasmMemRead(ctx context.Context, dot string) (unsafe.Pointer, error)

// fastRead reports, checked once, whether the direct reader may be used.
var fastRead = sync.OnceValue(fastReadUsable)

// readFast chooses the reader of parseForLayout; tests set it.
var readFast = fastRead

// fastReadUsable checks the linked go-graphviz: its version is
// fastReadVersion (a binary built by go test records no dependencies; its
// go.mod is held to that version by a test), cgraph.Graph is a struct of
// one pointer field to internal/wasm's Graph, and a small graph read
// directly is the graph written.
func fastReadUsable() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, m := range info.Deps {
		if m.Path == graphvizModule {
			if m.Replace != nil {
				m = m.Replace
			}
			if m.Version != fastReadVersion {
				return false
			}
		}
	}
	if !graphLayoutMatches(reflect.TypeFor[cgraph.Graph]()) {
		return false
	}
	g, err := readDOT([]byte("digraph probe { a -> b; b -> c }"), true)
	if err != nil {
		return false
	}
	defer g.Close()
	nodes, nerr := g.NodeNum()
	edges, eerr := g.EdgeNum()
	name, _ := g.Name()
	return nerr == nil && eerr == nil && nodes == 3 && edges == 2 && name == "probe"
}

// graphLayoutMatches reports whether t is struct{ wasm *wasm.Graph } as in
// fastReadVersion, so that a reader's result can be stored in its field.
func graphLayoutMatches(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.NumField() != 1 || t.Size() != unsafe.Sizeof(uintptr(0)) {
		return false
	}
	f := t.Field(0)
	return f.Offset == 0 && f.Type.Kind() == reflect.Pointer &&
		f.Type.Elem().Name() == "Graph" && f.Type.Elem().PkgPath() == graphvizModule+"/internal/wasm"
}

// readDOT reads dot into Graphviz: directly when fast is set, else through
// the public ParseBytes. A failed direct read is read again through
// ParseBytes, for Graphviz's own message.
func readDOT(dot []byte, fast bool) (*graphviz.Graph, error) {
	if fast {
		p, err := wasmMemRead(context.Background(), string(dot))
		if err == nil && p != nil {
			g := new(cgraph.Graph)
			*(*unsafe.Pointer)(unsafe.Pointer(g)) = p
			return g, nil
		}
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("graphviz could not read the DOT: %v", err)
	}
	if g == nil {
		// go-graphviz returns no graph and no error when Graphviz's reader
		// fails without saying why (seen after many renders in one process).
		return nil, errors.New("graphviz could not read the DOT")
	}
	return g, nil
}
