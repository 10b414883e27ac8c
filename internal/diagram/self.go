package diagram

import (
	"errors"
	"os"
	"os/exec"
)

// WorkerEnv, set to "1", makes a test binary whose TestMain calls
// gvworker.MaybeRunWorker first serve renders on stdin and stdout.
const WorkerEnv = "CASEBENCH_RENDER_WORKER"

// ErrNoWorker means the render worker's binary was not found. A Command
// that cannot find it returns a command whose Err wraps it, with a message
// that says how to get one; each render then fails with that error.
var ErrNoWorker = errors.New("the diagram render worker is missing")

// SelfCommand returns a command that starts this same executable as a
// render worker: a test binary that links package gvworker and calls its
// MaybeRunWorker in TestMain.
func SelfCommand() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "render-worker")
	cmd.Env = append(os.Environ(), WorkerEnv+"=1")
	return cmd
}
