package sqldrill

import (
	"context"
	"sync"
	"time"
)

// watchdog stops queries that make the process's memory grow too far.
// SQLite has no per-connection heap limit (sqlite3_hard_heap_limit64 is
// process-wide and would fail casebench's own database too), and its
// sorter and the temporary b-trees behind DISTINCT, GROUP BY and window
// functions are not bounded by cache_size. So while checks run, the
// watchdog samples the resident memory every few milliseconds and, when it
// has grown more than the limit since the first of them began, cancels the
// longest-running one: SQLite then interrupts it.
type watchdog struct {
	limit    int64
	interval time.Duration

	mu      sync.Mutex
	jobs    map[*job]struct{}
	base    int64
	looping bool
}

type job struct {
	began   time.Time
	cancel  context.CancelFunc
	tripped bool
}

func newWatchdog(limit int64) *watchdog {
	return &watchdog{limit: limit, interval: 2 * time.Millisecond, jobs: map[*job]struct{}{}}
}

// start registers a running query, cancelled by cancel if it trips.
func (w *watchdog) start(cancel context.CancelFunc) *job {
	j := &job{began: time.Now(), cancel: cancel}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.jobs) == 0 {
		w.base = residentBytes()
	}
	w.jobs[j] = struct{}{}
	if !w.looping && w.base > 0 {
		w.looping = true
		go w.loop()
	}
	return j
}

// finish unregisters a query and reports whether the watchdog stopped it.
// After a stopped query the others are measured from the memory left then,
// since the allocator may keep what SQLite freed.
func (w *watchdog) finish(j *job) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.jobs, j)
	if j.tripped && len(w.jobs) > 0 {
		w.base = residentBytes()
	}
	return j.tripped
}

func (w *watchdog) loop() {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for range t.C {
		rss := residentBytes()
		w.mu.Lock()
		if len(w.jobs) == 0 {
			w.looping = false
			w.mu.Unlock()
			return
		}
		w.base = min(w.base, rss)
		if rss-w.base > w.limit {
			w.tripOldest()
		}
		w.mu.Unlock()
	}
}

// tripOldest cancels the longest-running query not yet cancelled, unless
// one is already being stopped (its memory is about to be freed).
func (w *watchdog) tripOldest() {
	var oldest *job
	for j := range w.jobs {
		if j.tripped {
			return
		}
		if oldest == nil || j.began.Before(oldest.began) {
			oldest = j
		}
	}
	oldest.tripped = true
	oldest.cancel()
}
