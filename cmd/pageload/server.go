package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// server is one casebench process on 127.0.0.1.
type server struct {
	cmd    *exec.Cmd
	addr   string
	db     string
	exited chan struct{}
}

// freeAddr returns a free port on 127.0.0.1.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts bin serving db, with TMPDIR at tmp (where go-graphviz,
// in the render workers, keeps its compile cache), and returns when the
// catalog answers 200.
func startServer(ctx context.Context, bin, db, dir, tmp string) (*server, error) {
	s, _, err := launch(ctx, bin, db, dir, tmp)
	return s, err
}

// launch starts the server and returns how long it took from the start of
// the process to the first page served.
func launch(ctx context.Context, bin, db, dir, tmp string) (*server, time.Duration, error) {
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, 0, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	logf, err := os.OpenFile(filepath.Join(dir, "server.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, 0, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--log-level", "warn",
		"--login-per-minute", "1000", "--render-workers", "1")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stdout, cmd.Stderr = logf, logf
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &server{cmd: cmd, addr: addr, db: db, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(s.exited) }()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-s.exited:
			return nil, 0, fmt.Errorf("the server exited at start (see %s)", filepath.Join(dir, "server.log"))
		case <-ctx.Done():
			s.stop()
			return nil, 0, ctx.Err()
		default:
		}
		if res, err := client.Get(s.url("/")); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, time.Since(start), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

// stop sends SIGTERM and waits up to 15 s, then kills.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// status reads a field of /proc/PID/status in bytes.
func (s *server) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// hwm is the peak resident memory of the server since it started.
func (s *server) hwm() int64 { return s.status("VmHWM") }

// measure runs fn while sampling the server's resident memory, and returns
// fn's result and the highest sample.
func (s *server) measure(fn func() result) (result, int64) {
	done := make(chan struct{})
	var peak int64
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, s.status("VmRSS"))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	res := fn()
	close(done)
	wg.Wait()
	return res, peak
}

// timeStarts times start to first page: once on a new database with an
// empty go-graphviz compile cache (cold), then n times on the migrated
// database with the cache filled (warm).
func timeStarts(ctx context.Context, bin, dir string, n int) error {
	db := filepath.Join(dir, "starts.db")
	cold := filepath.Join(dir, "tmp-cold")
	s, took, err := launch(ctx, bin, db, dir, cold)
	if err != nil {
		return err
	}
	s.stop()
	fmt.Printf("start to first page, new database, cold compile cache: %s\n", ms(took))
	// Fill the warm cache once; this start is not counted.
	warm := filepath.Join(dir, "tmp-warm")
	if s, _, err = launch(ctx, bin, db, dir, warm); err != nil {
		return err
	}
	s.stop()
	var times []time.Duration
	for range n {
		s, took, err := launch(ctx, bin, db, dir, warm)
		if err != nil {
			return err
		}
		s.stop()
		times = append(times, took)
	}
	if len(times) == 0 {
		return nil
	}
	slices.Sort(times)
	fmt.Printf("start to first page, warm compile cache, %d starts: median %s, max %s\n", n, ms(times[len(times)/2]), ms(times[len(times)-1]))
	if ctx.Err() != nil {
		return errors.New("out of time while timing starts")
	}
	return nil
}
