package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePool is a renderer whose renders wait until the test lets them end,
// so that what the scheduler does is checked without depending on speed.
type fakePool struct {
	workers int
	mu      sync.Mutex
	started []string // the DOT of each render, in the order they started
	calls   map[string]int
	release map[string]chan error // per DOT: send an error (or nil) to end its renders
	cheap   []bool
}

func newFakePool(workers int) *fakePool {
	return &fakePool{workers: workers, calls: map[string]int{}, release: map[string]chan error{}}
}

func (f *fakePool) gate(dot string) chan error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.release[dot] == nil {
		f.release[dot] = make(chan error, 16)
	}
	return f.release[dot]
}

func (f *fakePool) render(ctx context.Context, _ Format, dot []byte, cheap bool) ([]byte, error) {
	f.mu.Lock()
	f.started = append(f.started, string(dot))
	f.calls[string(dot)]++
	f.cheap = append(f.cheap, cheap)
	f.mu.Unlock()
	if err := <-f.gate(string(dot)); err != nil {
		return nil, err
	}
	return []byte("<svg>" + string(dot) + "</svg>"), nil
}

func (f *fakePool) size() int        { return f.workers }
func (f *fakePool) Stats() PoolStats { return PoolStats{} }
func (f *fakePool) Close() error     { return nil }

func (f *fakePool) startedList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.started...)
}

// waitFor polls until cond holds; the deadline is generous, for a busy
// machine, and only ends a test that is broken anyway.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

func quietService(p renderer) *Service {
	return newService(p, ServiceOptions{CacheBytes: 1 << 20, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// TestOneRenderInFlightPerClient: a client's second render waits for its
// first, while another client's render goes ahead on the free worker.
func TestOneRenderInFlightPerClient(t *testing.T) {
	p := newFakePool(2)
	s := quietService(p)
	done := make(chan string, 8)
	draw := func(client, dot string) {
		_, err := s.Draw(context.Background(), Request{Client: client, Format: SVG, DOT: []byte(dot)})
		if err != nil {
			done <- "error " + err.Error()
			return
		}
		done <- dot
	}
	go draw("a", "a1")
	waitFor(t, "a1 to start", func() bool { return len(p.startedList()) == 1 })
	go draw("a", "a2")
	go draw("b", "b1")
	waitFor(t, "b1 to start", func() bool { return len(p.startedList()) == 2 })
	if got := p.startedList(); got[1] != "b1" {
		t.Fatalf("started %v: a's second render went before b's first", got)
	}
	p.gate("a1") <- nil
	if got := <-done; got != "a1" {
		t.Fatalf("got %q", got)
	}
	waitFor(t, "a2 to start", func() bool { return len(p.startedList()) == 3 })
	p.gate("a2") <- nil
	p.gate("b1") <- nil
	<-done
	<-done
}

// TestClientsAreServedInTurn: with one worker, clients waiting are served
// in turn, not a greedy client's whole queue first.
func TestClientsAreServedInTurn(t *testing.T) {
	p := newFakePool(1)
	s := quietService(p)
	var wg sync.WaitGroup
	draw := func(client, dot string) {
		defer wg.Done()
		s.Draw(context.Background(), Request{Client: client, Format: SVG, DOT: []byte(dot)})
	}
	wg.Add(1)
	go draw("x", "x0") // holds the worker
	waitFor(t, "x0", func() bool { return len(p.startedList()) == 1 })
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go draw("greedy", fmt.Sprintf("g%d", i))
		waitFor(t, "the greedy render to wait", func() bool { return s.queue.waitingNow() == i })
	}
	wg.Add(2)
	go draw("y", "y1")
	waitFor(t, "y1 to wait", func() bool { return s.queue.waitingNow() == 4 })
	go draw("z", "z1")
	waitFor(t, "z1 to wait", func() bool { return s.queue.waitingNow() == 5 })
	for _, dot := range []string{"x0", "g1", "y1", "z1", "g2", "g3"} {
		waitFor(t, dot+" to start", func() bool {
			st := p.startedList()
			return st[len(st)-1] == dot
		})
		p.gate(dot) <- nil
	}
	wg.Wait()
	if got := strings.Join(p.startedList(), " "); got != "x0 g1 y1 z1 g2 g3" {
		t.Errorf("order %q, want clients in turn", got)
	}
}

// TestHeavyRendersLeaveAWorker: large graphs, and clients whose renders
// timed out, hold at most all workers but one, so that an ordinary render
// is drawn while two heavy ones are in flight or waiting.
func TestHeavyRendersLeaveAWorker(t *testing.T) {
	p := newFakePool(2)
	s := quietService(p)
	big := func(name string) string { return name + strings.Repeat("->", heavyEdges+1) }
	done := make(chan string, 4)
	for _, c := range []string{"h1", "h2"} {
		go func() {
			s.Draw(context.Background(), Request{Client: c, Format: SVG, DOT: []byte(big(c))})
			done <- c
		}()
	}
	waitFor(t, "one heavy render to start and one to wait", func() bool { return len(p.startedList()) == 1 && s.queue.waitingNow() == 1 })
	go func() {
		s.Draw(context.Background(), Request{Client: "ordinary", Format: SVG, DOT: []byte("small")})
		done <- "ordinary"
	}()
	waitFor(t, "the ordinary render to start", func() bool { return len(p.startedList()) == 2 })
	p.gate("small") <- nil
	if got := <-done; got != "ordinary" {
		t.Fatalf("%s finished first", got)
	}
	first := p.startedList()[0]
	p.gate(first) <- nil
	<-done
	waitFor(t, "the second heavy render", func() bool { return len(p.startedList()) == 3 })
	p.gate(p.startedList()[2]) <- nil
	<-done
}

// TestTimeoutRetriedCheaperThenRemembered: a layout that times out is
// tried once with the cheaper settings; when that times out too the graph
// fails at once next time, and its client counts as heavy.
func TestTimeoutRetriedCheaperThenRemembered(t *testing.T) {
	p := newFakePool(2)
	var logs bytes.Buffer
	s := newService(p, ServiceOptions{CacheBytes: 1 << 20, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	g := p.gate("slow")
	g <- ErrTimeout
	g <- ErrTimeout
	_, err := s.Draw(context.Background(), Request{Client: "c", Format: SVG, DOT: []byte("slow")})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if len(p.cheap) != 2 || p.cheap[0] || !p.cheap[1] {
		t.Fatalf("tries %v: want the full layout, then the cheaper one", p.cheap)
	}
	_, err = s.Draw(context.Background(), Request{Client: "other", Format: PNG, DOT: []byte("slow")})
	if !errors.Is(err, ErrTimeout) || p.calls["slow"] != 2 {
		t.Fatalf("repeat: %v after %d renders; want ErrTimeout without a render", err, p.calls["slow"])
	}
	if !s.heavy("c", []byte("small")) || s.heavy("other", []byte("small")) {
		t.Error("the client whose graph timed out does not count as heavy")
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "bytes=4") {
		t.Errorf("timeouts not logged at warn with the size:\n%s", logs.String())
	}
	// A layout that times out but succeeds cheaper says so, and is cached
	// saying so.
	g = p.gate("medium")
	g <- ErrTimeout
	g <- nil
	for range 2 {
		res, err := s.Draw(context.Background(), Request{Client: "c2", Format: SVG, DOT: []byte("medium")})
		if err != nil || !res.Fallback || string(res.Image) != "<svg>medium</svg>" {
			t.Fatalf("got %+v, %v: want the cheaper layout, marked", res, err)
		}
	}
	if p.calls["medium"] != 2 {
		t.Errorf("%d renders; the second draw should come from the cache", p.calls["medium"])
	}
}

// TestWaitingIsBounded: past its waiting limit a client is told to wait,
// and a render whose request ends stops waiting.
func TestWaitingIsBounded(t *testing.T) {
	p := newFakePool(1)
	s := newService(p, ServiceOptions{CacheBytes: 1 << 20, PerClient: 2, MaxWaiting: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	go s.Draw(context.Background(), Request{Client: "x", Format: SVG, DOT: []byte("hold")})
	waitFor(t, "hold", func() bool { return len(p.startedList()) == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 4)
	for i := range 2 {
		go func() {
			_, err := s.Draw(ctx, Request{Client: "a", Format: SVG, DOT: []byte(fmt.Sprint("a", i))})
			errs <- err
		}()
	}
	waitFor(t, "two waiting", func() bool { return s.queue.waitingNow() == 2 })
	if _, err := s.Draw(context.Background(), Request{Client: "a", Format: SVG, DOT: []byte("a9")}); !errors.Is(err, ErrBusy) {
		t.Fatalf("a third waiting render of one client: %v, want ErrBusy", err)
	}
	cancel()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled wait: %v", err)
		}
	}
	if n := s.queue.waitingNow(); n != 0 {
		t.Fatalf("%d still waiting", n)
	}
	p.gate("hold") <- nil
}
