package diagram

import (
	"context"
	"errors"
	"sync"
)

// ErrBusy means too many renders are waiting, in all or for one client.
var ErrBusy = errors.New("too many diagrams are waiting to be drawn")

// fairQueue hands out the pool's workers: each client has at most one
// render in flight, waiting renders are bounded per client and in all, and
// clients are served in turn. Heavy renders (large graphs, or clients whose
// renders recently timed out) may hold at most heavyMax workers at once, so
// that the others always keep a worker while there is more than one.
type fairQueue struct {
	mu         sync.Mutex
	free       int
	heavyFree  int
	perClient  int
	maxWaiting int
	waiting    int
	clients    map[string]*clientQueue
	ring       []*clientQueue // clients with waiting renders, in turn
}

type clientQueue struct {
	name     string
	inFlight bool
	jobs     []*ticket
}

type ticket struct {
	heavy   bool
	granted chan struct{}
	done    bool // granted, or withdrawn
}

func newFairQueue(workers, perClient, maxWaiting int) *fairQueue {
	heavy := workers - 1
	if heavy < 1 {
		heavy = 1
	}
	return &fairQueue{free: workers, heavyFree: heavy, perClient: perClient, maxWaiting: maxWaiting, clients: map[string]*clientQueue{}}
}

// acquire waits for the client's turn at a worker. The returned release
// gives the worker back; it must be called once.
func (q *fairQueue) acquire(ctx context.Context, client string, heavy bool) (func(), error) {
	q.mu.Lock()
	c := q.clients[client]
	if c == nil {
		c = &clientQueue{name: client}
		q.clients[client] = c
	}
	if len(c.jobs) >= q.perClient || q.waiting >= q.maxWaiting {
		q.forget(c)
		q.mu.Unlock()
		return nil, ErrBusy
	}
	t := &ticket{heavy: heavy, granted: make(chan struct{})}
	c.jobs = append(c.jobs, t)
	q.waiting++
	if len(c.jobs) == 1 {
		q.ring = append(q.ring, c)
	}
	q.dispatch()
	q.mu.Unlock()
	release := func() {
		q.mu.Lock()
		c.inFlight = false
		q.free++
		if t.heavy {
			q.heavyFree++
		}
		q.forget(c)
		q.dispatch()
		q.mu.Unlock()
	}
	select {
	case <-t.granted:
		return release, nil
	case <-ctx.Done():
		q.mu.Lock()
		if t.done { // granted in the meantime: give it back
			q.mu.Unlock()
			release()
			return nil, ctx.Err()
		}
		t.done = true
		for i, x := range c.jobs {
			if x == t {
				c.jobs = append(c.jobs[:i], c.jobs[i+1:]...)
				break
			}
		}
		q.waiting--
		if len(c.jobs) == 0 {
			q.dropFromRing(c)
		}
		q.forget(c)
		q.dispatch()
		q.mu.Unlock()
		return nil, ctx.Err()
	}
}

// dispatch grants workers to waiting clients in turn, skipping clients
// with a render in flight and heavy renders while the heavy share is used.
func (q *fairQueue) dispatch() {
	for q.free > 0 {
		granted := false
		for i := 0; i < len(q.ring); i++ {
			c := q.ring[i]
			if c.inFlight {
				continue
			}
			t := c.jobs[0]
			if t.heavy && q.heavyFree == 0 {
				continue
			}
			c.jobs = c.jobs[1:]
			c.inFlight = true
			q.waiting--
			q.free--
			if t.heavy {
				q.heavyFree--
			}
			t.done = true
			close(t.granted)
			// The client goes to the back of the turn, or leaves it.
			q.ring = append(q.ring[:i], q.ring[i+1:]...)
			if len(c.jobs) > 0 {
				q.ring = append(q.ring, c)
			}
			granted = true
			break
		}
		if !granted {
			return
		}
	}
}

func (q *fairQueue) dropFromRing(c *clientQueue) {
	for i, x := range q.ring {
		if x == c {
			q.ring = append(q.ring[:i], q.ring[i+1:]...)
			return
		}
	}
}

// forget drops an idle client's record.
func (q *fairQueue) forget(c *clientQueue) {
	if !c.inFlight && len(c.jobs) == 0 {
		delete(q.clients, c.name)
	}
}

// waitingNow returns how many renders wait for a worker.
func (q *fairQueue) waitingNow() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting
}
