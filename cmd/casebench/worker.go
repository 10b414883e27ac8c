package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/diagram"
)

// workerBinary is the diagram render worker, built from ./cmd/casebench-render.
// casebench itself does not link Graphviz: go-graphviz compiles its
// WebAssembly when a process that links it starts, which would slow every
// start of the server and add to its memory.
const workerBinary = "casebench-render"

// workerCommand returns how the render pool starts a worker; the tests of
// this package start themselves instead.
var workerCommand = lookupWorker

// lookupWorker returns a command that starts the render worker found by
// findWorker, looked up at each start, so that a worker built after the
// server started is found. When there is none, the command's Err says how
// to build it, and the render that needed the worker fails with it.
func lookupWorker(cfg config.Config) func() *exec.Cmd {
	return func() *exec.Cmd {
		path, err := findWorker(cfg.RenderBin, os.Executable, exec.LookPath)
		if err != nil {
			return &exec.Cmd{Path: workerBinary, Err: err}
		}
		return exec.Command(path)
	}
}

// findWorker returns the path of the render worker: the configured one
// (--render-bin, CASEBENCH_RENDER_BIN), else casebench-render in the folder
// of this executable, else casebench-render on PATH.
func findWorker(configured string, executable func() (string, error), lookPath func(string) (string, error)) (string, error) {
	setting := "--render-bin (" + config.EnvName("render-bin") + ")"
	if configured != "" {
		path, err := lookPath(configured)
		if err != nil {
			return "", fmt.Errorf("%w: %s is %q, which is not an executable file: %v; build it with 'go build -o DIR/ ./cmd/casebench-render' and give that path", diagram.ErrNoWorker, setting, configured, unwrapExec(err))
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return path, nil
	}
	if exe, err := executable(); err == nil {
		beside := filepath.Join(filepath.Dir(exe), workerBinary)
		if path, err := lookPath(beside); err == nil {
			return path, nil
		}
	}
	if path, err := lookPath(workerBinary); err == nil {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return path, nil
	}
	return "", fmt.Errorf("%w: %s is neither beside casebench nor on PATH. Build both with 'make build' (into bin/), 'go build -o DIR/ ./cmd/casebench ./cmd/casebench-render' or 'go install ./cmd/...', or set %s to its path", diagram.ErrNoWorker, workerBinary, setting)
}

// unwrapExec drops exec's "exec: NAME:" prefix, which repeats the path.
func unwrapExec(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}
