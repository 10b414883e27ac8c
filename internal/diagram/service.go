package diagram

import (
	"container/list"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"
)

// MaxDOT is the largest DOT a Service renders, in bytes.
const MaxDOT = 256 << 10

// Service renders DOT through a worker pool, with an LRU cache in front.
// Identical renders in flight at once share one worker call.
type Service struct {
	pool  *Pool
	cache *lru
	group singleflight.Group
}

// NewService returns a service over pool, caching up to cacheBytes of images.
func NewService(pool *Pool, cacheBytes int64) *Service {
	return &Service{pool: pool, cache: newLRU(cacheBytes)}
}

// Render returns dot drawn in format f, from the cache when it can.
func (s *Service) Render(ctx context.Context, f Format, dot []byte) ([]byte, error) {
	if len(dot) > MaxDOT {
		return nil, &RenderError{Msg: fmt.Sprintf("the DOT text has %d bytes; the limit is %d", len(dot), MaxDOT)}
	}
	sum := sha256.Sum256(dot)
	key := string(f) + string(sum[:])
	if img, ok := s.cache.get(key); ok {
		return img, nil
	}
	v, err, _ := s.group.Do(key, func() (any, error) {
		img, err := s.pool.Render(context.WithoutCancel(ctx), f, dot)
		if err != nil {
			return nil, err
		}
		s.cache.add(key, img)
		return img, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// Stats returns the pool's counters and the cache's hits and misses.
func (s *Service) Stats() (PoolStats, int64, int64) {
	h, m := s.cache.counts()
	return s.pool.Stats(), h, m
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
