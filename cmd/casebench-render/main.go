// Command casebench-render is casebench's diagram render worker: it lays
// out DOT with Graphviz (go-graphviz, compiled to WebAssembly) and draws SVG
// and PNG, one render at a time, speaking the render pool's protocol on its
// standard input and output. casebench starts it and it is not run by hand:
// build it beside casebench (make build puts both in bin/), put it on PATH,
// or give its path with --render-bin (CASEBENCH_RENDER_BIN).
//
// It is a binary of its own so that casebench does not link go-graphviz,
// whose start compiles Graphviz's WebAssembly in every process that links it.
package main

import (
	"fmt"
	"os"

	"github.com/casebench/casebench/internal/diagram/gvworker"
)

const usage = `casebench-render is casebench's diagram render worker. casebench starts it
and speaks to it on its standard input and output; it takes no arguments.
Keep it beside the casebench binary or on PATH, or give its path to
casebench with --render-bin (CASEBENCH_RENDER_BIN).
`

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "-h", "-help", "--help", "help":
			fmt.Print(usage)
			return
		}
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := gvworker.RunWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "casebench-render:", err)
		os.Exit(1)
	}
}
