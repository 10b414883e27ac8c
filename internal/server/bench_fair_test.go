package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/server"
	"github.com/casebench/casebench/internal/store"
)

// The fairness load test: eight ordinary clients each draw a 15-node
// pipeline over and over (a new label each time, so every render is laid
// out), on loopback, for a fixed time: first alone, then while two other
// clients send graphs within every limit whose layout runs out of time
// (300 nodes, 1,000 edges, long labels, no stages, each one new, so the
// memory of slow graphs does not spare them). Every client has its own
// address, as anonymous users do. The server runs as `serve` does: one
// worker per CPU, the 5 s render timeout. It prints the ordinary clients'
// median and p90 render time in both phases, and what the bad clients got;
// it asserts nothing about speed:
//
//	go test ./internal/server -run '^$' -bench RenderFairness -benchtime 1x
//
// CASEBENCH_FAIR_PHASE sets the length of each phase (default 20s).
func BenchmarkRenderFairness(b *testing.B) {
	phase := 20 * time.Second
	if v := os.Getenv("CASEBENCH_FAIR_PHASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("CASEBENCH_FAIR_PHASE: %v", err)
		}
		phase = d
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := diagram.NewServiceWith(diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: runtime.NumCPU(), Timeout: 5 * time.Second, Logger: quiet}),
		diagram.ServiceOptions{CacheBytes: 32 << 20, Logger: quiet})
	defer svc.Close()
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "fair.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	s, err := server.New(server.Options{Catalog: bundled(b), Store: st, Sessions: st.SessionStore(0), Logger: quiet, Diagrams: svc, RenderPerMin: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	ordinary := typicalDOT(b)
	// Start the workers, so that neither phase pays for it.
	for range runtime.NumCPU() {
		loadClient(0).post(srv.URL, ordinary)
	}
	for i := 0; i < b.N; i++ {
		alone := runLoad(srv.URL, phase, ordinary, 8, 0)
		crowded := runLoad(srv.URL, phase, ordinary, 8, 2)
		b.Logf("workers %d, render timeout 5s, %s per phase", runtime.NumCPU(), phase)
		b.Logf("ordinary clients alone:             %s", alone.ordinary)
		b.Logf("ordinary clients with 2 bad clients: %s", crowded.ordinary)
		b.Logf("bad clients:                         %s", crowded.bad)
		b.ReportMetric(alone.ordinary.quantile(0.5).Seconds()*1000, "alone-median-ms")
		b.ReportMetric(alone.ordinary.quantile(0.9).Seconds()*1000, "alone-p90-ms")
		b.ReportMetric(crowded.ordinary.quantile(0.5).Seconds()*1000, "crowded-median-ms")
		b.ReportMetric(crowded.ordinary.quantile(0.9).Seconds()*1000, "crowded-p90-ms")
	}
}

// tally is what a group of clients got: the times of their successful
// renders, and the count of each status.
type tally struct {
	mu       sync.Mutex
	times    []time.Duration
	statuses map[int]int
	errors   int
}

func (t *tally) add(d time.Duration, status int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.statuses == nil {
		t.statuses = map[int]int{}
	}
	switch {
	case err != nil:
		t.errors++
	case status == http.StatusOK:
		t.times = append(t.times, d)
		t.statuses[status]++
	default:
		t.statuses[status]++
	}
}

func (t *tally) quantile(q float64) time.Duration {
	if len(t.times) == 0 {
		return 0
	}
	s := slices.Clone(t.times)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func (t *tally) String() string {
	var codes []string
	for _, c := range []int{200, 422, 429, 503} {
		if n := t.statuses[c]; n > 0 {
			codes = append(codes, fmt.Sprintf("%d×%d", n, c))
		}
	}
	if t.errors > 0 {
		codes = append(codes, fmt.Sprintf("%d failed", t.errors))
	}
	return fmt.Sprintf("%4d renders, median %v, p90 %v (%s)", len(t.times), t.quantile(0.5).Round(time.Millisecond), t.quantile(0.9).Round(time.Millisecond), strings.Join(codes, ", "))
}

type loadResult struct{ ordinary, bad *tally }

// loadClient is an HTTP client that connects from its own loopback
// address, 127.0.0.(10+n), so that the server sees a client of its own.
type loadClientT struct{ http *http.Client }

func loadClient(n int) loadClientT {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+n))}, Timeout: 10 * time.Second}
	return loadClientT{&http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2}}}
}

func (c loadClientT) post(base string, dot []byte) (time.Duration, int, error) {
	start := time.Now()
	res, err := c.http.Post(base+"/api/v1/render?format=svg", "text/vnd.graphviz", bytes.NewReader(dot))
	if err != nil {
		return 0, 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return time.Since(start), res.StatusCode, err
}

// runLoad runs good ordinary clients and bad ones for the time given, each
// sending one render after another, with a bounded count, and returns
// what each group got. A render still running at the end is waited for.
func runLoad(base string, d time.Duration, ordinary []byte, good, bad int) loadResult {
	res := loadResult{ordinary: &tally{}, bad: &tally{}}
	end := time.Now().Add(d)
	const maxPerClient = 2000
	var wg sync.WaitGroup
	for i := range good + bad {
		c := loadClient(1 + i)
		isBad := i >= good
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano()))) // new graphs in every phase
			for n := 0; n < maxPerClient && time.Now().Before(end); n++ {
				if isBad {
					took, status, err := c.post(base, slowDOT(rng))
					res.bad.add(took, status, err)
					if status != http.StatusOK && took < 50*time.Millisecond {
						time.Sleep(50 * time.Millisecond) // refused at once: do not spin
					}
					continue
				}
				dot := bytes.Replace(ordinary, []byte(`"Page builder"`), fmt.Appendf(nil, `"Page builder %d-%d-%d"`, i, n, rng.Uint32()), 1)
				took, status, err := c.post(base, dot)
				res.ordinary.add(took, status, err)
			}
		})
	}
	wg.Wait()
	return res
}

// slowDOT is a new graph within every limit whose layout runs out of time:
// 300 nodes with long labels, 1,000 random edges, no stages.
func slowDOT(rng *rand.Rand) []byte {
	words := strings.Fields("load train serve score rank filter join window feature label model registry cache stream event batch")
	var b bytes.Buffer
	b.WriteString("digraph G {\n")
	const nodes, edges = 300, 1000
	for i := range nodes {
		var label []string
		for len(strings.Join(label, " ")) < 180 {
			label = append(label, words[rng.IntN(len(words))])
		}
		fmt.Fprintf(&b, "  n%d [label=%q, kind=etl];\n", i, strings.Join(label, " "))
	}
	seen := map[[2]int]bool{}
	for len(seen) < edges {
		x, y := rng.IntN(nodes), rng.IntN(nodes)
		if x == y || seen[[2]int{x, y}] {
			continue
		}
		seen[[2]int{x, y}] = true
		fmt.Fprintf(&b, "  n%d -> n%d;\n", x, y)
	}
	b.WriteString("}\n")
	return b.Bytes()
}
