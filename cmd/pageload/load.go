package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// result is one page's load.
type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64
}

// generator sends GETs to one URL from many connections for a while.
type generator interface {
	name() string
	load(ctx context.Context, url string, headers map[string]string) result
}

func newGenerator(kind string, conns int, dur time.Duration) (generator, error) {
	switch kind {
	case "go":
		return goLoad{conns, dur}, nil
	case "wrk", "auto":
		path, err := exec.LookPath("wrk")
		if err == nil {
			return wrkLoad{path, conns, dur}, nil
		}
		if kind == "wrk" {
			return nil, fmt.Errorf("wrk is not on PATH (Debian package wrk); use -client go")
		}
		return goLoad{conns, dur}, nil
	}
	return nil, fmt.Errorf("-client must be auto, go or wrk, not %q", kind)
}

// goLoad is a load generator in Go: conns goroutines, each with its own
// keep-alive connection, each sending the next request when the last
// answer is read.
type goLoad struct {
	conns int
	dur   time.Duration
}

func (goLoad) name() string { return "go" }

func (g goLoad) load(ctx context.Context, url string, headers map[string]string) result {
	tr := &http.Transport{MaxIdleConnsPerHost: g.conns, MaxConnsPerHost: g.conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, g.dur)
	defer cancel()
	lat := make([][]time.Duration, g.conns)
	errs := make([]int64, g.conns)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range g.conns {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				for k, v := range headers {
					req.Header.Set(k, v)
				}
				t := time.Now()
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if ctx.Err() != nil {
					return // cut by the end of the run: not counted
				}
				if err != nil || res.StatusCode != http.StatusOK {
					errs[i]++
					continue
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	var all []time.Duration
	var r result
	for i := range lat {
		all = append(all, lat[i]...)
		r.errors += errs[i]
	}
	slices.Sort(all)
	if n := len(all); n > 0 {
		r.p50, r.p99 = all[n/2], all[min(n-1, n*99/100)]
	}
	r.rps = float64(len(all)) / took.Seconds()
	return r
}

// wrkLoad runs wrk with two threads and reads its report.
type wrkLoad struct {
	path  string
	conns int
	dur   time.Duration
}

func (wrkLoad) name() string { return "wrk" }

func (w wrkLoad) load(ctx context.Context, url string, headers map[string]string) result {
	args := []string{"-t2", fmt.Sprintf("-c%d", w.conns), fmt.Sprintf("-d%ds", max(1, int(w.dur.Seconds()))), "--latency", "--timeout", "10s"}
	for k, v := range headers {
		args = append(args, "-H", k+": "+v)
	}
	out, err := exec.CommandContext(ctx, w.path, append(args, url)...).Output()
	if err != nil {
		return result{errors: -1}
	}
	return parseWrk(string(out))
}

// parseWrk reads requests per second, the 50% and 99% latencies, non-2xx
// answers and socket errors from wrk's --latency report.
func parseWrk(out string) result {
	var r result
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			r.rps, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "50%":
			r.p50 = wrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			r.p99 = wrkDuration(f[1])
		case len(f) == 5 && f[0] == "Non-2xx":
			n, _ := strconv.ParseInt(f[4], 10, 64)
			r.errors += n
		case len(f) > 2 && f[0] == "Socket" && f[1] == "errors:":
			for _, part := range strings.Split(strings.Join(f[2:], " "), ",") {
				kv := strings.Fields(part)
				if len(kv) == 2 {
					n, _ := strconv.ParseInt(kv[1], 10, 64)
					r.errors += n
				}
			}
		}
	}
	return r
}

// wrkDuration reads wrk's "812.00us", "1.23ms" or "2.01s".
func wrkDuration(s string) time.Duration {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"m", time.Minute}, {"s", time.Second}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0
			}
			return time.Duration(f * float64(u.unit))
		}
	}
	return 0
}
