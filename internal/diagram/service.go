package diagram

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// MaxDOT is the largest DOT a Service renders, in bytes.
const MaxDOT = 256 << 10

// Service renders DOT through a worker pool, with an LRU cache in front,
// fairly between clients. Identical renders in flight at once share one
// worker call. A layout that runs out of time is tried once more with
// cheaper settings; a graph whose cheaper layout also runs out of time is
// remembered, and fails at once when asked again.
type Service struct {
	pool  renderer
	cache *lru
	group singleflight.Group
	queue *fairQueue
	log   *slog.Logger

	mu        sync.Mutex
	slow      *lru                 // canonical hashes of graphs that timed out
	penalties map[string]time.Time // clients whose renders timed out, until when
	penalty   time.Duration
}

// renderer is what the service needs of a Pool.
type renderer interface {
	render(ctx context.Context, f Format, dot []byte, cheap bool) ([]byte, error)
	size() int
	Stats() PoolStats
	Close() error
}

// Request is one render: the DOT, its format, and who asks (a user, or an
// address), for fairness. An empty client is one client of its own.
type Request struct {
	Client string
	Format Format
	DOT    []byte
}

// Result is a drawn graph, and whether it was laid out with the cheaper
// settings (straight edges, fewer iterations) because the full layout ran
// out of time.
type Result struct {
	Image    []byte
	Fallback bool
}

// ServiceOptions tune a Service; zero values take the defaults.
type ServiceOptions struct {
	CacheBytes int64         // images kept, in bytes (default 64 MiB)
	PerClient  int           // renders one client may have waiting (default 4)
	MaxWaiting int           // renders waiting in all (default 64)
	Logger     *slog.Logger  // timeouts and kills are logged at warn
	Penalty    time.Duration // how long a client whose render timed out counts as heavy (default 10 min)
}

// Heavy graphs, by the size of their DOT: they share at most all workers
// but one.
const (
	heavyBytes = 48 << 10
	heavyEdges = 200
)

// NewService returns a service over pool, caching up to cacheBytes of images.
func NewService(pool *Pool, cacheBytes int64) *Service {
	return NewServiceWith(pool, ServiceOptions{CacheBytes: cacheBytes})
}

// NewServiceWith returns a service over pool with the given options.
func NewServiceWith(pool *Pool, o ServiceOptions) *Service {
	return newService(pool, o)
}

func newService(pool renderer, o ServiceOptions) *Service {
	if o.PerClient <= 0 {
		o.PerClient = 4
	}
	if o.MaxWaiting <= 0 {
		o.MaxWaiting = 64
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Penalty <= 0 {
		o.Penalty = 10 * time.Minute
	}
	return &Service{pool: pool, cache: newLRU(o.CacheBytes), queue: newFairQueue(pool.size(), o.PerClient, o.MaxWaiting),
		log: o.Logger, slow: newLRU(4096), penalties: map[string]time.Time{}, penalty: o.Penalty}
}

// Render returns dot drawn in format f for an anonymous client, from the
// cache when it can.
func (s *Service) Render(ctx context.Context, f Format, dot []byte) ([]byte, error) {
	res, err := s.Draw(ctx, Request{Format: f, DOT: dot})
	return res.Image, err
}

// Draw renders a request, from the cache when it can. It returns
// ErrTimeout at once for a graph that timed out before, ErrBusy when too
// many renders wait, a *RenderError when Graphviz refuses the DOT.
func (s *Service) Draw(ctx context.Context, req Request) (Result, error) {
	dot := req.DOT
	if len(dot) > MaxDOT {
		return Result{}, &RenderError{Msg: fmt.Sprintf("the DOT text has %d bytes; the limit is %d", len(dot), MaxDOT)}
	}
	sum := sha256.Sum256(dot)
	key := string(req.Format) + string(sum[:])
	if img, ok := s.cache.get(key); ok {
		return Result{Image: img, Fallback: img[len(img)-1] == fallbackMark}.trim(), nil
	}
	if _, slow := s.slow.get(string(sum[:])); slow {
		return Result{}, ErrTimeout
	}
	v, err, _ := s.group.Do(key, func() (any, error) {
		release, err := s.queue.acquire(ctx, req.Client, s.heavy(req.Client, dot))
		if err != nil {
			return nil, err
		}
		defer release()
		res, err := s.layout(ctx, req, sum)
		if err != nil {
			return nil, err
		}
		mark := byte(0)
		if res.Fallback {
			mark = fallbackMark
		}
		s.cache.add(key, append(res.Image, mark))
		return res, nil
	})
	if err != nil {
		return Result{}, err
	}
	return v.(Result), nil
}

// fallbackMark ends a cached image laid out with the cheaper settings; 0
// ends the others.
const fallbackMark = 1

func (r Result) trim() Result {
	r.Image = r.Image[:len(r.Image)-1]
	return r
}

// layout renders with the full settings, then once with the cheaper ones
// when the first runs out of time.
func (s *Service) layout(ctx context.Context, req Request, sum [32]byte) (Result, error) {
	ctx = context.WithoutCancel(ctx)
	img, err := s.pool.render(ctx, req.Format, req.DOT, false)
	if !errors.Is(err, ErrTimeout) {
		return Result{Image: img}, err
	}
	s.log.Warn("diagram layout timed out; retrying with straight edges", "client", req.Client, "bytes", len(req.DOT), "edges", edgeCount(req.DOT))
	img, err = s.pool.render(ctx, req.Format, req.DOT, true)
	if errors.Is(err, ErrTimeout) {
		s.log.Warn("diagram layout timed out again and its worker was killed; the graph is remembered as too slow", "client", req.Client, "bytes", len(req.DOT), "edges", edgeCount(req.DOT))
		s.slow.add(string(sum[:]), []byte{1})
		s.mu.Lock()
		s.penalties[req.Client] = time.Now().Add(s.penalty)
		s.mu.Unlock()
		return Result{}, err
	}
	return Result{Image: img, Fallback: true}, err
}

// heavy reports whether a render counts against the heavy share: a large
// graph, or a client whose render timed out lately.
func (s *Service) heavy(client string, dot []byte) bool {
	if len(dot) > heavyBytes || edgeCount(dot) > heavyEdges {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	until, ok := s.penalties[client]
	if ok && time.Now().After(until) {
		delete(s.penalties, client)
		return false
	}
	return ok
}

// edgeCount estimates the edges of DOT text by its edge operators.
func edgeCount(dot []byte) int {
	return bytes.Count(dot, []byte("->")) + bytes.Count(dot, []byte("--"))
}

// Stats returns the pool's counters and the cache's hits and misses.
func (s *Service) Stats() (PoolStats, int64, int64) {
	h, m := s.cache.counts()
	return s.pool.Stats(), h, m
}

// Warm starts one worker in the background (see Pool.Warm).
func (s *Service) Warm() {
	if p, ok := s.pool.(*Pool); ok {
		p.Warm()
	}
}

// Close stops the workers.
func (s *Service) Close() error { return s.pool.Close() }

// lru is a byte-bounded least-recently-used cache.
type lru struct {
	mu           sync.Mutex
	max, size    int64
	ll           *list.List
	items        map[string]*list.Element
	hits, misses int64
}

type entry struct {
	key string
	val []byte
}

func newLRU(max int64) *lru {
	return &lru{max: max, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		c.hits++
		return e.Value.(*entry).val, true
	}
	c.misses++
	return nil, false
}

func (c *lru) add(key string, val []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int64(len(val)) > c.max/4 {
		return
	}
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return
	}
	c.items[key] = c.ll.PushFront(&entry{key: key, val: val})
	c.size += int64(len(val))
	for c.size > c.max {
		last := c.ll.Back()
		en := last.Value.(*entry)
		c.ll.Remove(last)
		delete(c.items, en.key)
		c.size -= int64(len(en.val))
	}
}

func (c *lru) counts() (int64, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}
