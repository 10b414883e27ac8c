package diagram

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Errors of a render.
var (
	// ErrTimeout means the render passed its deadline; its worker was killed.
	ErrTimeout = errors.New("the diagram took too long to lay out and was stopped")
	// ErrClosed means the pool was closed.
	ErrClosed = errors.New("the diagram service is shut down")
)

// RenderError is Graphviz refusing the input; the worker is fine.
type RenderError struct{ Msg string }

func (e *RenderError) Error() string { return e.Msg }

// PoolOptions configure a worker pool.
type PoolOptions struct {
	// Command returns the command that starts one worker, which must run
	// ServeWorker on its stdin and stdout. A command whose Err is set (as
	// exec.Command sets it when the program is not found) fails the render
	// that needed the worker with that error, unwrapped.
	Command func() *exec.Cmd
	// Size is the number of workers (default 1).
	Size int
	// Timeout is the deadline of one render (default 5s).
	Timeout time.Duration
	// MaxRenders recycles a worker after that many renders (default 200).
	MaxRenders int
	// MaxRSS recycles a worker whose resident memory passes it, in bytes
	// (default 256 MiB).
	MaxRSS int64
	// Logger gets the kills, at warn (default slog.Default()).
	Logger *slog.Logger
}

// Pool runs renders in worker processes, one render at a time each. A
// worker near the end of its life (MaxRenders, MaxRSS) starts its
// successor, and is retired once the successor is ready, so that no render
// waits on a worker's start but the first and those after a kill.
type Pool struct {
	opts  PoolOptions
	slots chan *worker // a nil slot is a worker yet to start
	mu    sync.Mutex
	all   map[*worker]bool
	done  chan struct{}
	once  sync.Once

	warmMu sync.Mutex // one Warm at a time

	statsMu sync.Mutex
	stats   PoolStats
}

// PoolStats counts what the pool did.
type PoolStats struct {
	Renders  int64
	Started  int64
	Timeouts int64
	Recycled int64
	Crashed  int64
	// ColdStarts counts renders that waited for their worker to start.
	ColdStarts int64
}

type worker struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stdout   *bufio.Reader
	renders  int
	exited   chan struct{}
	ready    chan struct{} // closed when the worker has said it is ready
	readyErr error         // set before ready is closed
	next     *worker       // the successor, once started
}

// isReady reports whether the worker has started.
func (w *worker) isReady() bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// NewPool returns a pool; workers start on first use.
func NewPool(o PoolOptions) *Pool {
	if o.Size < 1 {
		o.Size = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxRenders <= 0 {
		o.MaxRenders = 200
	}
	if o.MaxRSS <= 0 {
		o.MaxRSS = 256 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &Pool{opts: o, slots: make(chan *worker, o.Size), all: map[*worker]bool{}, done: make(chan struct{})}
	for range o.Size {
		p.slots <- nil
	}
	return p
}

// Stats returns what the pool has done so far.
func (p *Pool) Stats() PoolStats {
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	return p.stats
}

func (p *Pool) count(f func(*PoolStats)) {
	p.statsMu.Lock()
	f(&p.stats)
	p.statsMu.Unlock()
}

func (p *Pool) start() (*worker, error) {
	cmd := p.opts.Command()
	if cmd.Err != nil {
		return nil, cmd.Err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if cmd.Stderr == nil {
		cmd.Stderr = io.Discard
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start render worker: %w", err)
	}
	w := &worker{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), exited: make(chan struct{}), ready: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(w.exited)
	}()
	go func() {
		// The worker's first frame says it is ready.
		status, msg, err := readFrame(w.stdout)
		if err == nil && status != statusOK {
			err = fmt.Errorf("the render worker did not start: %s", msg)
		}
		w.readyErr = err
		close(w.ready)
	}()
	p.mu.Lock()
	p.all[w] = true
	p.mu.Unlock()
	p.count(func(s *PoolStats) { s.Started++ })
	return w, nil
}

// stop ends a worker: it closes its input so it exits, and kills it if it
// does not.
func (p *Pool) stop(w *worker, kill bool) {
	if w == nil {
		return
	}
	p.mu.Lock()
	delete(p.all, w)
	p.mu.Unlock()
	w.stdin.Close()
	if kill {
		w.cmd.Process.Kill()
		<-w.exited
		return
	}
	select {
	case <-w.exited:
	case <-time.After(2 * time.Second):
		w.cmd.Process.Kill()
		<-w.exited
	}
}

// rss returns the worker's resident memory in bytes, or 0 when unknown.
func (w *worker) rss() int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(w.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

type result struct {
	status  byte
	payload []byte
	err     error
}

// Render lays out dot in a worker and returns the image. A render past the
// pool's deadline, or whose ctx ends, kills its worker, which is replaced.
func (p *Pool) Render(ctx context.Context, f Format, dot []byte) ([]byte, error) {
	return p.render(ctx, f, dot, false)
}

func (p *Pool) size() int { return p.opts.Size }

// render is Render, with the cheaper layout settings when cheap is set.
func (p *Pool) render(ctx context.Context, f Format, dot []byte, cheap bool) ([]byte, error) {
	head := byte(f)
	if cheap {
		head |= cheapFlag
	}
	select {
	case <-p.done:
		return nil, ErrClosed
	default:
	}
	var w *worker
	select {
	case w = <-p.slots:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.done:
		return nil, ErrClosed
	}
	if w == nil {
		var err error
		if w, err = p.start(); err != nil {
			p.slots <- nil
			return nil, err
		}
	}
	if !w.isReady() {
		p.count(func(s *PoolStats) { s.ColdStarts++ })
	}
	res := make(chan result, 1)
	go func() {
		var r result
		<-w.ready
		if r.err = w.readyErr; r.err != nil {
			res <- r
			return
		}
		if r.err = writeFrame(w.stdin, head, dot); r.err == nil {
			r.status, r.payload, r.err = readFrame(w.stdout)
		}
		res <- r
	}()
	timer := time.NewTimer(p.opts.Timeout)
	defer timer.Stop()
	select {
	case r := <-res:
		if r.err != nil {
			// The worker died or broke the protocol: replace it.
			p.replace(w)
			p.count(func(s *PoolStats) { s.Crashed++ })
			return nil, fmt.Errorf("the render worker failed: %w", r.err)
		}
		w.renders++
		p.count(func(s *PoolStats) { s.Renders++ })
		p.slots <- p.renew(w)
		if r.status != statusOK {
			return nil, &RenderError{Msg: string(r.payload)}
		}
		return r.payload, nil
	case <-timer.C:
		p.replace(w)
		<-res
		p.count(func(s *PoolStats) { s.Timeouts++ })
		p.opts.Logger.Warn("diagram render passed its deadline; its worker was killed", "timeout", p.opts.Timeout, "bytes", len(dot), "edges", edgeCount(dot), "cheap", cheap)
		return nil, ErrTimeout
	case <-ctx.Done():
		p.replace(w)
		<-res
		return nil, ctx.Err()
	}
}

// replace kills w and puts its successor in its slot: the one it had
// started, or one started now.
func (p *Pool) replace(w *worker) {
	next := w.next
	w.next = nil
	p.stop(w, true)
	if next == nil {
		next = p.successor()
	}
	p.slots <- next
}

// successor starts a worker for a slot, or returns nil (a worker to start
// on first use) when the pool is closed or the start fails.
func (p *Pool) successor() *worker {
	select {
	case <-p.done:
		return nil
	default:
	}
	w, err := p.start()
	if err != nil {
		p.opts.Logger.Warn("a render worker did not start", "err", err)
		return nil
	}
	select {
	case <-p.done:
		// Close may have missed it.
		p.stop(w, true)
		return nil
	default:
	}
	return w
}

// renew returns the worker that takes w's slot after a render: w itself,
// or its successor once w is due to retire (MaxRenders, MaxRSS) and the
// successor is ready. A worker near its end starts its successor; past
// twice its limits it gives way whether the successor is ready or not.
func (p *Pool) renew(w *worker) *worker {
	lead := min(max(p.opts.MaxRenders/4, 1), 20)
	rss := w.rss()
	soon := w.renders >= p.opts.MaxRenders-lead || rss > p.opts.MaxRSS/4*3
	due := w.renders >= p.opts.MaxRenders || rss > p.opts.MaxRSS
	overdue := w.renders >= 2*p.opts.MaxRenders || rss > p.opts.MaxRSS/4*5
	if w.next != nil && w.next.isReady() && w.next.readyErr != nil {
		// The successor did not start; another is tried after a render.
		p.opts.Logger.Warn("a render worker did not start", "err", w.next.readyErr)
		go p.stop(w.next, true)
		w.next = nil
		return w
	}
	if soon && w.next == nil {
		w.next = p.successor()
	}
	if !due || w.next == nil || (!w.next.isReady() && !overdue) {
		return w
	}
	next := w.next
	w.next = nil
	go p.stop(w, false)
	p.count(func(s *PoolStats) { s.Recycled++ })
	return next
}

// Warm starts one worker in the background when no free slot has one, so
// that the first render need not wait for a worker's start: the free
// slots go back with their workers first, where the next render takes
// them. It returns at once. A worker that cannot start is logged at warn,
// and the render that next needs the slot tries again and reports why.
func (p *Pool) Warm() { go p.warm() }

func (p *Pool) warm() {
	p.warmMu.Lock()
	defer p.warmMu.Unlock()
	var free []*worker
take:
	for len(free) < p.opts.Size {
		select {
		case w := <-p.slots:
			free = append(free, w)
		default:
			break take // the other slots are taken by renders
		}
	}
	if len(free) == 0 {
		return
	}
	if !slices.ContainsFunc(free, func(w *worker) bool { return w != nil }) {
		free[0] = p.successor()
	}
	slices.SortStableFunc(free, func(a, b *worker) int {
		return cmp.Compare(b2i(a == nil), b2i(b == nil))
	})
	for _, w := range free {
		p.slots <- w
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Close stops every worker.
func (p *Pool) Close() error {
	p.once.Do(func() {
		close(p.done)
		p.mu.Lock()
		ws := make([]*worker, 0, len(p.all))
		for w := range p.all {
			ws = append(ws, w)
		}
		p.mu.Unlock()
		for _, w := range ws {
			p.stop(w, true)
		}
	})
	return nil
}
