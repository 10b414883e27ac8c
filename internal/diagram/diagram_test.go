package diagram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/diagram/gvworker"
	"github.com/casebench/casebench/internal/pipeline"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testTimeout is the render deadline of the tests: far above what a render
// needs under the race detector on a busy 2-core machine, so that no test
// depends on speed (the production default is 5s).
const testTimeout = 3 * time.Minute

func testPool(t testing.TB, size int, timeout time.Duration) *diagram.Pool {
	t.Helper()
	p := diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: size, Timeout: timeout})
	t.Cleanup(func() { p.Close() })
	return p
}

func typical(t testing.TB) *pipeline.Graph {
	t.Helper()
	src, err := os.ReadFile("testdata/typical15.dot")
	if err != nil {
		t.Fatal(err)
	}
	g, err := pipeline.ParseDOT(src, pipeline.DefaultLimits)
	if err != nil {
		t.Fatalf("parse typical15.dot: %v", err)
	}
	if len(g.Nodes) != 15 {
		t.Fatalf("typical15.dot has %d nodes", len(g.Nodes))
	}
	return g
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file (run with -update after checking the change)", name)
	}
}

// TestGoldenShuffled checks that the same graph in any order gives the same
// canonical DOT and the same SVG.
func TestGoldenShuffled(t *testing.T) {
	g := typical(t)
	svc := diagram.NewService(testPool(t, 1, testTimeout), 0)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 4 {
		h := pipeline.Graph{Nodes: append([]pipeline.Node(nil), g.Nodes...), Edges: append([]pipeline.Edge(nil), g.Edges...)}
		rng.Shuffle(len(h.Nodes), func(a, b int) { h.Nodes[a], h.Nodes[b] = h.Nodes[b], h.Nodes[a] })
		rng.Shuffle(len(h.Edges), func(a, b int) { h.Edges[a], h.Edges[b] = h.Edges[b], h.Edges[a] })
		dot := h.CanonicalDOT()
		golden(t, "typical15.canonical.dot", dot)
		svg, err := svc.Render(context.Background(), diagram.SVG, dot)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "typical15.svg", svg)
		if i == 0 {
			// The canonical DOT reads back as the same graph.
			back, err := pipeline.ParseDOT(dot, pipeline.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back.CanonicalDOT(), dot) {
				t.Fatal("canonical DOT does not read back to itself")
			}
		}
	}
}

func TestSVGShowsLabelsAndClusters(t *testing.T) {
	svc := diagram.NewService(testPool(t, 1, testTimeout), 1<<20)
	svg, err := svc.Render(context.Background(), diagram.SVG, typical(t).CanonicalDOT())
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, want := range []string{"Page builder", "Nightly training", ">offline<", ">nearline<", ">online<", "class=\"cluster\""} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Stages are lanes from top to bottom: offline's label is above
	// nearline's, which is above online's.
	yOf := func(label string) float64 {
		i := strings.Index(s, label)
		j := strings.LastIndex(s[:i], ` y="`)
		var y float64
		fmt.Sscanf(s[j+4:], "%g", &y)
		return y
	}
	if off, near, on := yOf(">offline<"), yOf(">nearline<"), yOf(">online<"); !(off < near && near < on) {
		t.Errorf("lane labels at y=%.0f, %.0f, %.0f: not offline, nearline, online from the top", off, near, on)
	}
}

// TestConcurrentRenders renders from 64 goroutines of 16 clients at once:
// every render succeeds and the process survives (run under -race).
func TestConcurrentRenders(t *testing.T) {
	svc := diagram.NewService(testPool(t, 2, testTimeout), 1<<20)
	g := typical(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := *g
			h.Nodes = append([]pipeline.Node(nil), g.Nodes...)
			h.Nodes[0].Label = fmt.Sprintf("Apps %d", i%16) // 16 distinct graphs, some shared
			f := diagram.SVG
			if i%4 == 0 {
				f = diagram.PNG
			}
			// 16 clients, 4 renders each at once: within what one client
			// may have waiting.
			res, err := svc.Draw(context.Background(), diagram.Request{Client: fmt.Sprint("client", i%16), Format: f, DOT: h.CanonicalDOT()})
			if err == nil && len(res.Image) < 100 {
				err = fmt.Errorf("render %d: %d bytes", i, len(res.Image))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st, hits, misses := svc.Stats()
	t.Logf("pool %+v, cache hits %d misses %d", st, hits, misses)
}

func randomGraph(n, m int, seed uint64) *pipeline.Graph {
	rng := rand.New(rand.NewPCG(seed, seed))
	g := &pipeline.Graph{}
	for i := range n {
		g.Nodes = append(g.Nodes, pipeline.Node{ID: fmt.Sprintf("n%d", i), Kind: pipeline.Kinds[rng.IntN(len(pipeline.Kinds))], Stage: pipeline.Stages[rng.IntN(3)]})
	}
	seen := map[[2]int]bool{}
	for len(g.Edges) < m {
		a, b := rng.IntN(n), rng.IntN(n)
		if a == b || seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		g.Edges = append(g.Edges, pipeline.Edge{From: fmt.Sprintf("n%d", a), To: fmt.Sprintf("n%d", b)})
	}
	return g
}

// TestHugeGraph: a random 400-node, 800-edge graph is refused by the limits
// before layout; forced past them, it is stopped at the deadline or
// finishes; either way the next ordinary render succeeds.
func TestHugeGraph(t *testing.T) {
	big := randomGraph(400, 800, 7)
	var b strings.Builder
	b.WriteString("digraph {\n")
	for _, n := range big.Nodes {
		fmt.Fprintf(&b, "  %s [kind=%s, stage=%s];\n", n.ID, n.Kind, n.Stage)
	}
	for _, e := range big.Edges {
		fmt.Fprintf(&b, "  %s -> %s;\n", e.From, e.To)
	}
	b.WriteString("}\n")
	_, err := pipeline.ParseDOT([]byte(b.String()), pipeline.DefaultLimits)
	var le *pipeline.LimitError
	if !errors.As(err, &le) || le.What != "nodes" {
		t.Fatalf("400 nodes: want the node limit, got %v", err)
	}
	t.Logf("refused before layout: %v", err)

	pool := testPool(t, 1, 1500*time.Millisecond)
	svc := diagram.NewService(pool, 1<<20)
	start := time.Now()
	_, err = svc.Render(context.Background(), diagram.SVG, big.CanonicalDOT())
	t.Logf("forced past the limits: %v after %v", err, time.Since(start).Round(time.Millisecond))
	if err != nil && !errors.Is(err, diagram.ErrTimeout) {
		t.Fatalf("want success or ErrTimeout, got %v", err)
	}
	pool.SetTimeout(testTimeout)
	start = time.Now()
	svg, err := svc.Render(context.Background(), diagram.SVG, typical(t).CanonicalDOT())
	if err != nil || !bytes.Contains(svg, []byte("Page builder")) {
		t.Fatalf("the next ordinary render failed: %v", err)
	}
	t.Logf("next ordinary render: %v; pool %+v", time.Since(start).Round(time.Millisecond), pool.Stats())
}

// TestDeadlineKillsWorker: a render past its deadline kills its worker,
// reports ErrTimeout, and a new worker serves the next render.
func TestDeadlineKillsWorker(t *testing.T) {
	pool := testPool(t, 1, time.Millisecond)
	if _, err := pool.Render(context.Background(), diagram.SVG, typical(t).CanonicalDOT()); !errors.Is(err, diagram.ErrTimeout) {
		t.Fatalf("1 ms deadline: %v, want ErrTimeout", err)
	}
	pool.SetTimeout(testTimeout)
	if _, err := pool.Render(context.Background(), diagram.SVG, typical(t).CanonicalDOT()); err != nil {
		t.Fatal(err)
	}
	if st := pool.Stats(); st.Timeouts != 1 || st.Started != 2 {
		t.Fatalf("stats %+v: want one timeout and a second worker", st)
	}
}

// TestWorkersAreRecycled: a worker near its last render starts its
// successor, which takes over, ready, once the old one has done
// MaxRenders; only the first render waits for a worker to start.
func TestWorkersAreRecycled(t *testing.T) {
	p := diagram.NewPool(diagram.PoolOptions{Command: diagram.SelfCommand, Size: 1, Timeout: testTimeout, MaxRenders: 2})
	defer p.Close()
	var pids []int
	for range 5 {
		if _, err := p.Render(context.Background(), diagram.SVG, []byte("digraph { a -> b }")); err != nil {
			t.Fatal(err)
		}
		// Renders come at a user's pace: the successor has time to start.
		pids = append(pids, p.HeldWorker(true))
	}
	if st := p.Stats(); st.Recycled != 2 || st.Started != 4 || st.ColdStarts != 1 {
		t.Fatalf("stats %+v: want a new worker every 2 renders, each started ahead, and one cold start", st)
	}
	// The worker holding the slot after each render: the second and the
	// fourth renders retire theirs.
	if pids[0] == pids[1] || pids[1] != pids[2] || pids[2] == pids[3] || pids[3] != pids[4] {
		t.Fatalf("worker after each render %v: want a new one every 2 renders", pids)
	}
}

// TestBusyWorkerOutlivesItsLimitUntilTheSuccessorIsReady: while the
// successor starts, the old worker serves on, up to twice MaxRenders.
func TestBusyWorkerOutlivesItsLimitUntilTheSuccessorIsReady(t *testing.T) {
	started := 0
	slow := func() *exec.Cmd {
		started++
		if started == 1 {
			return diagram.SelfCommand()
		}
		// Later workers take two seconds to start.
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", "-c", `sleep 2; exec "$0" render-worker`, exe)
		cmd.Env = append(os.Environ(), diagram.WorkerEnv+"=1")
		return cmd
	}
	p := diagram.NewPool(diagram.PoolOptions{Command: slow, Size: 1, Timeout: testTimeout, MaxRenders: 2})
	defer p.Close()
	var pids []int
	for range 5 {
		if _, err := p.Render(context.Background(), diagram.SVG, []byte("digraph { a -> b }")); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, p.HeldWorker(false))
	}
	st := p.Stats()
	// The successor takes over after the fourth render, ready or not, and
	// starts its own after the fifth.
	if st.Started != 3 || st.Recycled != 1 || st.ColdStarts != 2 {
		t.Fatalf("stats %+v: want one successor, taking over at twice MaxRenders", st)
	}
	if pids[0] != pids[1] || pids[1] != pids[2] || pids[3] == pids[2] || pids[4] != pids[3] {
		t.Fatalf("worker after each render %v: want the first until the fourth render", pids)
	}
}

func TestGraphvizErrorIsARenderError(t *testing.T) {
	p := testPool(t, 1, testTimeout)
	_, err := p.Render(context.Background(), diagram.SVG, []byte("this is not dot {"))
	var re *diagram.RenderError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a RenderError", err)
	}
	if _, err := p.Render(context.Background(), diagram.SVG, []byte("digraph { a -> b }")); err != nil {
		t.Fatalf("the worker did not survive a bad input: %v", err)
	}
}

// TestHostileAttributes: attributes that could reach the network, the disk
// or a browser never make it past the DOT import into the output.
func TestHostileAttributes(t *testing.T) {
	src := `digraph {
  a [kind=serving, label="Serve", URL="javascript:alert(1)", href="javascript:alert(2)", target="_top"];
  b [kind=log, image="/etc/passwd", shapefile="/etc/shadow", fontname="/dev/zero", fontpath="/"];
  c [kind=other, label=<<script>alert(3)</script><img src=x onerror=alert(4)>>];
  d [kind=other, label="\N \G \l"];
  graph [fontpath="/", imagepath="/", stylesheet="http://evil.example/x.css"];
  a -> b [URL="javascript:alert(5)", labelhref="x", edgeURL="y"];
  b -> c;
}`
	g, err := pipeline.ParseDOT([]byte(src), pipeline.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	dot := g.CanonicalDOT()
	svc := diagram.NewService(testPool(t, 1, testTimeout), 1<<20)
	svg, err := svc.Render(context.Background(), diagram.SVG, dot)
	if err != nil {
		t.Fatal(err)
	}
	pngb, err := svc.Render(context.Background(), diagram.PNG, dot)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string][]byte{"DOT": dot, "SVG": svg} {
		low := strings.ToLower(string(out))
		for _, bad := range []string{"javascript:", "href", "/etc/", "/dev/zero", "fontpath", "imagepath", "stylesheet", "evil.example", "script", "<img", "onerror", "<image", "xlink:href"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
	}
	if !bytes.Contains(svg, []byte(">alert(3)<")) {
		t.Error("the HTML-like label's text is not shown")
	}
	if len(pngb) < 100 {
		t.Error("no PNG")
	}
}

// TestTimedOutGraphFailsAtOnce: a graph whose layout and cheaper retry
// both pass the deadline is remembered; asking again costs no render.
func TestTimedOutGraphFailsAtOnce(t *testing.T) {
	pool := testPool(t, 1, time.Millisecond)
	svc := diagram.NewService(pool, 1<<20)
	dot := typical(t).CanonicalDOT()
	if _, err := svc.Draw(context.Background(), diagram.Request{Client: "a", Format: diagram.SVG, DOT: dot}); !errors.Is(err, diagram.ErrTimeout) {
		t.Fatalf("1 ms deadline: %v, want ErrTimeout", err)
	}
	st := pool.Stats()
	if st.Timeouts != 2 {
		t.Fatalf("stats %+v: want the layout and its cheaper retry to time out", st)
	}
	if _, err := svc.Draw(context.Background(), diagram.Request{Client: "b", Format: diagram.PNG, DOT: dot}); !errors.Is(err, diagram.ErrTimeout) {
		t.Fatalf("repeat: %v, want ErrTimeout", err)
	}
	if got := pool.Stats(); got != st {
		t.Fatalf("the repeat rendered again: %+v, then %+v", st, got)
	}
}

// TestCheapLayoutSettings: the retry lays out with straight edges.
func TestCheapLayoutSettings(t *testing.T) {
	pool := testPool(t, 1, testTimeout)
	full, err := pool.RenderWith(context.Background(), gvworker.LayoutFormat, typical(t).CanonicalDOT(), false)
	if err != nil {
		t.Fatal(err)
	}
	cheap, err := pool.RenderWith(context.Background(), gvworker.LayoutFormat, typical(t).CanonicalDOT(), true)
	if err != nil {
		t.Fatal(err)
	}
	var fullAttrs, cheapAttrs map[string]any
	if err := json.Unmarshal(full, &fullAttrs); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cheap, &cheapAttrs); err != nil {
		t.Fatal(err)
	}
	if fullAttrs["splines"] == "line" || cheapAttrs["splines"] != "line" || cheapAttrs["mclimit"] != "0.1" {
		t.Errorf("the cheaper layout does not set straight edges and a lower mclimit: full %v, %v; cheap %v, %v", fullAttrs["splines"], fullAttrs["mclimit"], cheapAttrs["splines"], cheapAttrs["mclimit"])
	}
}

// TestEmptyAndTinyGraphs: an empty or one-node pipeline draws as a valid
// SVG and PNG, so that exports never fail on them.
func TestEmptyAndTinyGraphs(t *testing.T) {
	svc := diagram.NewService(testPool(t, 1, testTimeout), 1<<20)
	for name, g := range map[string]*pipeline.Graph{
		"empty": {},
		"one":   {Nodes: []pipeline.Node{{ID: "a", Kind: pipeline.KindOther}}},
	} {
		svg, err := svc.Render(context.Background(), diagram.SVG, g.CanonicalDOT())
		if err != nil || !bytes.Contains(svg, []byte("<svg")) {
			t.Errorf("%s: SVG %v", name, err)
		}
		b, err := svc.Render(context.Background(), diagram.PNG, g.CanonicalDOT())
		if err != nil {
			t.Errorf("%s: PNG %v", name, err)
			continue
		}
		if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() < 1 {
			t.Errorf("%s: not a PNG: %v", name, err)
		}
	}
}

// TestMissingWorkerFailsEachRender: a pool whose worker command cannot be
// found fails each render with the command's error, unwrapped, and starts
// none; the service survives it.
func TestMissingWorkerFailsEachRender(t *testing.T) {
	missing := func() *exec.Cmd {
		return &exec.Cmd{Path: "no-such-worker", Err: fmt.Errorf("%w: build it with 'make build'", diagram.ErrNoWorker)}
	}
	pool := diagram.NewPool(diagram.PoolOptions{Command: missing, Size: 2, Timeout: testTimeout})
	svc := diagram.NewService(pool, 1<<20)
	defer svc.Close()
	for range 3 {
		_, err := svc.Render(context.Background(), diagram.SVG, []byte("digraph { a -> b }"))
		if !errors.Is(err, diagram.ErrNoWorker) || err.Error() != "the diagram render worker is missing: build it with 'make build'" {
			t.Fatalf("got %v, want the command's error", err)
		}
	}
	if st := pool.Stats(); st.Started != 0 || st.Crashed != 0 || st.Renders != 0 {
		t.Fatalf("stats %+v: want nothing started", st)
	}
}

// TestWarmStartsOneWorker: Warm starts one worker ahead of the first
// render, which takes it instead of starting another, though the pool has
// other slots without a worker; Warm again starts none but puts the worker
// first again; on a closed pool Warm starts none.
func TestWarmStartsOneWorker(t *testing.T) {
	pool := testPool(t, 3, testTimeout)
	pool.Warm()
	for deadline := time.Now().Add(time.Minute); pool.Stats().Started != 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v: Warm started no worker", pool.Stats())
		}
	}
	for i := range 2 {
		pool.WarmNow() // after Warm's own, which holds the slots until done
		if _, err := pool.Render(context.Background(), diagram.SVG, []byte("digraph { a -> b }")); err != nil {
			t.Fatal(err)
		}
		if st := pool.Stats(); st.Started != 1 || st.Renders != int64(i+1) {
			t.Fatalf("stats %+v: want every render on the warmed worker", st)
		}
	}
	closed := testPool(t, 1, testTimeout)
	closed.Close()
	closed.Warm()
	time.Sleep(10 * time.Millisecond)
	if st := closed.Stats(); st.Started != 0 {
		t.Fatalf("stats %+v: Warm started a worker on a closed pool", st)
	}
}
