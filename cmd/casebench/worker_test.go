package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/diagram"
)

const typicalDOT = "../../internal/diagram/testdata/typical15.dot"

// goTool returns the go command the tests run under.
func goTool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	return path
}

// TestCasebenchDoesNotLinkGraphviz: the casebench binary leaves go-graphviz,
// whose start compiles Graphviz's WebAssembly, to the worker binary.
func TestCasebenchDoesNotLinkGraphviz(t *testing.T) {
	deps := func(pkg string) string {
		cmd := exec.Command(goTool(t), "list", "-deps", pkg)
		cmd.Dir = "../.."
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return string(out)
	}
	const gv = "github.com/goccy/go-graphviz"
	if d := deps("./cmd/casebench-render"); !strings.Contains(d, gv+"\n") {
		t.Fatalf("the worker binary does not link %s: this check would not see it either", gv)
	}
	for line := range strings.Lines(deps("./cmd/casebench")) {
		if strings.HasPrefix(line, gv) || strings.Contains(line, "/diagram/gvworker") {
			t.Errorf("casebench links %s: the server would compile Graphviz's WebAssembly at every start", strings.TrimSpace(line))
		}
	}
}

// executable writes an empty executable file.
func executable(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestFindWorker: the configured worker, else the one beside casebench,
// else the one on PATH; none is an ErrNoWorker that says how to build it.
func TestFindWorker(t *testing.T) {
	exeDir, pathDir, other := t.TempDir(), t.TempDir(), t.TempDir()
	exe := func() (string, error) { return filepath.Join(exeDir, "casebench"), nil }
	t.Setenv("PATH", pathDir)
	missing := func(configured string, want ...string) {
		t.Helper()
		_, err := findWorker(configured, exe, exec.LookPath)
		if !errors.Is(err, diagram.ErrNoWorker) {
			t.Fatalf("configured %q: %v, want ErrNoWorker", configured, err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("configured %q: %q does not say %q", configured, err, w)
			}
		}
	}
	found := func(configured, want string) {
		t.Helper()
		got, err := findWorker(configured, exe, exec.LookPath)
		if err != nil || got != want {
			t.Fatalf("configured %q: %q, %v; want %q", configured, got, err, want)
		}
	}
	missing("", "make build", "./cmd/casebench-render", "CASEBENCH_RENDER_BIN")
	executable(t, filepath.Join(pathDir, workerBinary))
	found("", filepath.Join(pathDir, workerBinary))
	executable(t, filepath.Join(exeDir, workerBinary))
	found("", filepath.Join(exeDir, workerBinary))
	executable(t, filepath.Join(other, "my-render"))
	found(filepath.Join(other, "my-render"), filepath.Join(other, "my-render"))
	// A configured worker that is not there is an error, not a fallback.
	missing(filepath.Join(other, "nothing"), "CASEBENCH_RENDER_BIN", "nothing")
	os.WriteFile(filepath.Join(other, "plain"), []byte("x"), 0o644)
	missing(filepath.Join(other, "plain"), "permission denied")
	// A worker beside casebench that is not executable is passed over.
	os.Chmod(filepath.Join(exeDir, workerBinary), 0o644)
	found("", filepath.Join(pathDir, workerBinary))
}

var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// builtBinaries builds casebench and casebench-render, as make build does,
// once for the tests of this package, and returns their folder.
func builtBinaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		builtDir, buildErr = os.MkdirTemp("", "casebench-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command(goTool(t), "build", "-o", builtDir+string(filepath.Separator), "./cmd/casebench", "./cmd/casebench-render")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtDir
}

// childEnv is this process's environment without the CASEBENCH_ variables,
// for the built binaries, and with a render deadline far above what a
// render needs on a busy machine.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.EnvPrefix) {
			env = append(env, kv)
		}
	}
	return append(append(env, "CASEBENCH_RENDER_TIMEOUT=3m"), extra...)
}

// copyFile copies an executable.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestRenderThroughTheBuiltWorker renders in this process through the real
// worker binary, found by the lookup from --render-bin.
func TestRenderThroughTheBuiltWorker(t *testing.T) {
	bin := builtBinaries(t)
	cfg := config.Default()
	cfg.RenderTimeout = 3 * time.Minute
	cfg.RenderWorkers = 1
	cfg.RenderBin = filepath.Join(bin, workerBinary)
	pool := diagram.NewPool(diagram.PoolOptions{Command: lookupWorker(cfg), Size: 1, Timeout: cfg.RenderTimeout})
	svc := diagram.NewService(pool, 1<<20)
	defer svc.Close()
	src, err := os.ReadFile(typicalDOT)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []diagram.Format{diagram.SVG, diagram.PNG} {
		img, err := svc.Render(context.Background(), f, src)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if want := map[diagram.Format]string{diagram.SVG: "<svg", diagram.PNG: "\x89PNG"}[f]; !strings.Contains(string(img[:min(len(img), 400)]), want) {
			t.Errorf("%s: %q", f, img[:min(len(img), 40)])
		}
	}
}

// TestBuiltRenderCommand runs the built casebench render: with the worker
// beside it, with the worker given by CASEBENCH_RENDER_BIN, with it on
// PATH, and with none, when it fails with how to build it.
func TestBuiltRenderCommand(t *testing.T) {
	bin := builtBinaries(t)
	dir, elsewhere, empty := t.TempDir(), t.TempDir(), t.TempDir()
	copyFile(t, filepath.Join(bin, "casebench"), filepath.Join(dir, "casebench"))
	copyFile(t, filepath.Join(bin, workerBinary), filepath.Join(elsewhere, workerBinary))
	render := func(out string, env ...string) (string, error) {
		cmd := exec.Command(filepath.Join(dir, "casebench"), "render", typicalDOT, "-o", filepath.Join(dir, out))
		cmd.Env = childEnv(append([]string{"PATH=" + empty}, env...)...)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if out, err := render("none.svg"); err == nil || !strings.Contains(out, "make build") || strings.Contains(out, "panic") {
		t.Fatalf("no worker: %v, %q; want an error that says how to build it", err, out)
	} else {
		t.Logf("no worker: %s", out)
	}
	for name, env := range map[string][]string{
		"configured": {"CASEBENCH_RENDER_BIN=" + filepath.Join(elsewhere, workerBinary)},
		"on PATH":    {"PATH=" + elsewhere},
	} {
		if out, err := render("p.svg", env...); err != nil || !strings.Contains(out, "15 nodes") {
			t.Fatalf("%s: %v, %q", name, err, out)
		}
	}
	copyFile(t, filepath.Join(bin, workerBinary), filepath.Join(dir, workerBinary))
	for _, out := range []string{"p.svg", "p.png"} {
		if o, err := render(out); err != nil {
			t.Fatalf("worker beside casebench, %s: %v, %q", out, err, o)
		}
		b, _ := os.ReadFile(filepath.Join(dir, out))
		if want := map[string]string{"p.svg": "<svg", "p.png": "\x89PNG"}[out]; !strings.Contains(string(b[:min(len(b), 400)]), want) {
			t.Errorf("%s: %q", out, b[:min(len(b), 40)])
		}
	}
}

// TestBuiltServerWithoutWorker: the built server with no worker starts and
// serves pages, a render fails with how to build the worker, and once the
// worker is put beside casebench the next render works, without a restart.
func TestBuiltServerWithoutWorker(t *testing.T) {
	bin := builtBinaries(t)
	dir, empty := t.TempDir(), t.TempDir()
	copyFile(t, filepath.Join(bin, "casebench"), filepath.Join(dir, "casebench"))
	cmd := exec.Command(filepath.Join(dir, "casebench"), "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "cb.db"), "--log-format", "json", "--render-workers", "1")
	cmd.Env = childEnv("PATH=" + empty)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var logMu sync.Mutex
	var logs strings.Builder
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			logs.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			var rec struct {
				Msg string `json:"msg"`
				URL string `json:"url"`
			}
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "casebench is serving" {
				urls <- rec.URL
			}
		}
		exited <- cmd.Wait()
	}()
	logText := func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.String()
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("the server exited with %v after SIGTERM, want 0:\n%s", err, logText())
			}
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			t.Error("the server did not stop after SIGTERM")
		}
		if strings.Contains(logText(), "panic") {
			t.Errorf("the server panicked:\n%s", logText())
		}
	}()
	var url string
	select {
	case url = <-urls:
	case err := <-exited:
		t.Fatalf("the server exited at start: %v\n%s", err, logText())
	case <-time.After(2 * time.Minute):
		t.Fatalf("the server did not start:\n%s", logText())
	}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	renderDOT := func() (int, string) {
		t.Helper()
		res, err := http.Post(url+"/api/v1/render?format=svg", "text/vnd.graphviz", strings.NewReader("digraph { a -> b }"))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/"); code != http.StatusOK || !strings.Contains(body, "<html") {
		t.Fatalf("the catalog without a worker: %d", code)
	}
	if code, body := renderDOT(); code != http.StatusServiceUnavailable || !strings.Contains(body, "make build") {
		t.Fatalf("a render without a worker: %d %q, want 503 saying how to build it", code, body)
	}
	// The server said so in its log too, when it tried to start a worker
	// ahead of the first render.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logText(), "casebench-render is neither beside casebench nor on PATH"); {
		if time.Now().After(deadline) {
			t.Fatalf("the log does not say the worker is missing:\n%s", logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	copyFile(t, filepath.Join(bin, workerBinary), filepath.Join(dir, workerBinary))
	if code, body := renderDOT(); code != http.StatusOK || !strings.Contains(body, "<svg") {
		t.Fatalf("a render once the worker is beside casebench: %d %q", code, body[:min(len(body), 200)])
	}
	if code, _ := get("/"); code != http.StatusOK {
		t.Fatalf("the catalog after the renders: %d", code)
	}
}
