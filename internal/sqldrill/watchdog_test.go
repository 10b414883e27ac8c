package sqldrill

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"
)

// TestWatchdogBlamesTheHog runs a query that eats memory beside short,
// correct checks on a dataset that runs two at a time: the hog is stopped
// for memory, every short check passes.
func TestWatchdogBlamesTheHog(t *testing.T) {
	if residentBytes() == 0 {
		t.Skip("resident memory is not read on this system")
	}
	d, err := Open(os.DirFS("../../cases"), SampleFile, Config{Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	const ref = "SELECT count(*) AS n FROM viewing_events WHERE device = 'tv'"
	if _, err := d.Check(ctx, ref, ref, Options{Timeout: time.Minute}); err != nil { // cache the reference
		t.Fatal(err)
	}
	hog := make(chan Result, 1)
	go func() {
		res, err := d.Check(ctx, `SELECT count(*) AS n FROM (SELECT DISTINCT printf('%.*c', 900000, 'x') || b.impression_id || a.event_id FROM viewing_events a, impressions b)`, ref, Options{Timeout: 2 * time.Minute})
		if err != nil {
			t.Error(err)
		}
		hog <- res
	}()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		d.watch.mu.Lock()
		n := len(d.watch.jobs)
		d.watch.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	short := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			res, err := d.Check(ctx, "SELECT count(*) AS n FROM viewing_events WHERE device = 'tv'", ref, Options{Timeout: time.Minute})
			if err != nil || !res.Pass {
				t.Errorf("a short check beside the hog: %v %v: %s", res.Verdict, err, res.Explanation)
				return
			}
			short++
		}
	}()
	res := <-hog
	close(stop)
	wg.Wait()
	if res.Verdict != TooMuchMemory {
		t.Errorf("the hog: %v, want too much memory: %s", res.Verdict, res.Explanation)
	}
	t.Logf("hog stopped after %v; %d short checks passed beside it", res.Elapsed, short)
}
