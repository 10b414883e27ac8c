package gvworker

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/pipeline"
	"github.com/goccy/go-graphviz"

	"github.com/casebench/casebench/internal/diagram"
)

// TestGoGraphvizVersionIsTheCheckedOne holds go.mod to the go-graphviz
// release whose internal reader the worker calls directly: a test binary
// records no dependency versions, so this is where a change shows.
func TestGoGraphvizVersionIsTheCheckedOne(t *testing.T) {
	mod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := graphvizModule + " " + fastReadVersion
	for line := range strings.Lines(string(mod)) {
		if strings.HasPrefix(strings.TrimSpace(line), graphvizModule+" ") && strings.TrimSpace(line) != want {
			t.Fatalf("go.mod requires %q, but the direct reader (parse.go) was checked against %q: check wasmMemRead's declaration against the new release's internal/wasm.MemRead and update fastReadVersion", strings.TrimSpace(line), want)
		}
	}
	if !fastRead() {
		t.Fatal("the direct reader is not used with the checked go-graphviz release")
	}
}

// TestGraphLayoutCheck refuses types that are not go-graphviz's Graph.
func TestGraphLayoutCheck(t *testing.T) {
	type other struct{ p *int }
	for _, ty := range []reflect.Type{reflect.TypeFor[other](), reflect.TypeFor[int](), reflect.TypeFor[struct{ a, b *int }]()} {
		if graphLayoutMatches(ty) {
			t.Errorf("%v taken for go-graphviz's Graph", ty)
		}
	}
}

// TestDirectReadDrawsAsParseBytes draws the typical pipeline and every
// reference pipeline, with both layouts, once read directly and once
// through the public ParseBytes: the SVG and the PNG are the same.
func TestDirectReadDrawsAsParseBytes(t *testing.T) {
	if !fastRead() {
		t.Skip("the direct reader is not usable with this go-graphviz")
	}
	dots := map[string][]byte{"typical": typical(t).CanonicalDOT(), "plain": []byte("digraph G { a -> b; b -> c; a [label=\"Load\"]; }")}
	files, err := filepath.Glob("../../../cases/*/reference.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference pipelines: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ref struct {
			Pipeline pipeline.Graph `json:"pipeline"`
		}
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatal(err)
		}
		dots[filepath.Base(filepath.Dir(f))] = ref.Pipeline.CanonicalDOT()
	}
	ctx := context.Background()
	gv, err := graphviz.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer gv.Close()
	t.Cleanup(func() { readFast = fastRead })
	draw := func(fast bool, f diagram.Format, dot []byte, cheap bool) []byte {
		t.Helper()
		readFast = func() bool { return fast }
		img, err := render(ctx, gv, f, dot, cheap)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	for name, dot := range dots {
		for _, cheap := range []bool{false, true} {
			for _, f := range []diagram.Format{diagram.SVG, diagram.PNG} {
				if f == diagram.PNG && name != "typical" {
					continue // one PNG is enough, and slow
				}
				direct, public := draw(true, f, dot, cheap), draw(false, f, dot, cheap)
				if !bytes.Equal(direct, public) {
					t.Errorf("%s (%s, cheap %v): read directly, %d bytes; through ParseBytes, %d bytes, different", name, f, cheap, len(direct), len(public))
				}
			}
		}
	}
	// A DOT Graphviz refuses gives the same error either way.
	bad := []byte("digraph { a -> }")
	readFast = func() bool { return true }
	_, errDirect := render(ctx, gv, diagram.SVG, bad, false)
	readFast = func() bool { return false }
	_, errPublic := render(ctx, gv, diagram.SVG, bad, false)
	if errDirect == nil || errPublic == nil || errDirect.Error() != errPublic.Error() {
		t.Errorf("refused DOT: read directly %v; through ParseBytes %v", errDirect, errPublic)
	}
}
