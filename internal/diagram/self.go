package diagram

import (
	"fmt"
	"os"
	"os/exec"
)

// WorkerEnv, set to "1", makes a casebench process (or a test binary that
// calls MaybeRunWorker first) serve renders on stdin and stdout.
const WorkerEnv = "CASEBENCH_RENDER_WORKER"

// MaybeRunWorker runs the render worker and exits when WorkerEnv is set;
// otherwise it returns at once.
func MaybeRunWorker() {
	if os.Getenv(WorkerEnv) != "1" {
		return
	}
	if err := RunWorker(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "render worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// SelfCommand returns a command that starts this same executable as a
// render worker.
func SelfCommand() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "render-worker")
	cmd.Env = append(os.Environ(), WorkerEnv+"=1")
	return cmd
}
