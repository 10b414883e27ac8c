package diagram

import (
	"context"
	"time"
)

// What the tests of package diagram_test, which start real workers, see
// of the pool.

// SetTimeout changes the deadline of the renders to come.
func (p *Pool) SetTimeout(d time.Duration) { p.opts.Timeout = d }

// RenderWith is Render, with the cheaper layout settings when cheap is set.
func (p *Pool) RenderWith(ctx context.Context, f Format, dot []byte, cheap bool) ([]byte, error) {
	return p.render(ctx, f, dot, cheap)
}

// WarmNow is Warm, returning once done.
func (p *Pool) WarmNow() { p.warm() }

// HeldWorker returns the process id of the worker that holds the pool's
// first free slot, having waited, when waitSuccessor is set, for that
// worker's successor (if it started one) to be ready.
func (p *Pool) HeldWorker(waitSuccessor bool) int {
	w := <-p.slots
	defer func() { p.slots <- w }()
	if waitSuccessor && w.next != nil {
		<-w.next.ready
	}
	return w.cmd.Process.Pid
}
