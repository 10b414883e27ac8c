// Command pageload measures how fast casebench serves its pages: the time
// from starting the server to its first page (with a cold and a warm
// Graphviz compile cache), then requests per second, p50 and p99 latency,
// errors and the server's peak memory for the design editor holding the
// largest bundled reference design, a case page and the catalog, signed
// in, and the case page signed out, at 64 connections.
//
//	go run ./cmd/pageload [-for 10s] [-conns 64] [-client auto|go|wrk] [-encoding gzip] [-nginx] [-only-starts] [-starts 5]
//
// It builds casebench and its render worker casebench-render (or runs -bin,
// with its worker beside it or on PATH), serves it on a SQLite file in a
// temporary folder on 127.0.0.1 only, and stops by itself: the whole run is
// bounded by -deadline. It uses wrk when it is on PATH (-client auto) and
// its own Go load generator otherwise. With -nginx it also serves the very
// same bytes of each page from nginx, when nginx is installed, and prints
// the ratio of the two in the same run. Its figures are for notes; nothing
// in it is a timed assertion.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

type options struct {
	bin        string
	dur        time.Duration
	conns      int
	client     string
	encoding   string
	slug       string
	starts     int
	nginx      bool
	onlyStarts bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "", "a casebench binary to measure, with casebench-render beside it or on PATH (default: build ./cmd/casebench and ./cmd/casebench-render)")
	flag.DurationVar(&o.dur, "for", 10*time.Second, "how long each page is loaded")
	flag.IntVar(&o.conns, "conns", 64, "connections at once")
	flag.StringVar(&o.client, "client", "auto", "load generator: wrk, go, or auto (wrk when on PATH)")
	flag.StringVar(&o.encoding, "encoding", "", "Accept-Encoding to send (e.g. gzip or zstd; default none)")
	flag.StringVar(&o.slug, "case", "", "the case whose reference design fills the editor (default: the largest reference)")
	flag.IntVar(&o.starts, "starts", 5, "warm starts to time")
	flag.BoolVar(&o.nginx, "nginx", false, "also load nginx serving the same bytes of each page (needs nginx)")
	flag.BoolVar(&o.onlyStarts, "only-starts", false, "time the cold and warm starts only, then stop")
	deadline := flag.Duration("deadline", 10*time.Minute, "stop everything after this long")
	flag.Parse()
	if o.conns < 1 || o.conns > 1024 || o.dur <= 0 || o.dur > 2*time.Minute {
		fmt.Fprintln(os.Stderr, "pageload: -conns must be 1-1024 and -for at most 2m")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *deadline)
	err := run(ctx, o)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pageload:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "casebench-pageload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.bin == "" {
		o.bin = filepath.Join(dir, "casebench")
		build := exec.CommandContext(ctx, "go", "build", "-o", dir+string(filepath.Separator), "./cmd/casebench", "./cmd/casebench-render")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	if o.slug == "" {
		if o.slug, err = largestReference("cases"); err != nil {
			return err
		}
	}
	if o.onlyStarts {
		fmt.Printf("load average %s\n", loadavg())
		err := timeStarts(ctx, o.bin, dir, o.starts)
		fmt.Printf("load average %s\n", loadavg())
		return err
	}
	gen, err := newGenerator(o.client, o.conns, o.dur)
	if err != nil {
		return err
	}
	fmt.Printf("pageload: %s, %d connections, %s per page, client %s, Accept-Encoding %q\n", o.slug, o.conns, o.dur, gen.name(), o.encoding)
	fmt.Printf("load average %s\n", loadavg())
	if err := timeStarts(ctx, o.bin, dir, o.starts); err != nil {
		return err
	}
	srv, err := startServer(ctx, o.bin, filepath.Join(dir, "load.db"), dir, filepath.Join(dir, "tmp-warm"))
	if err != nil {
		return err
	}
	defer srv.stop()
	pages, err := prepare(ctx, srv, o.bin, o.slug)
	if err != nil {
		return err
	}
	var ng *nginx
	if o.nginx {
		if ng, err = startNginx(ctx, dir, pages); err != nil {
			return err
		}
		defer ng.stop()
	}
	fmt.Printf("\n%-9s %8s %10s %9s %9s %7s %8s\n", "page", "bytes", "req/s", "p50", "p99", "errors", "rss MB")
	for _, p := range pages {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res, peak := srv.measure(func() result { return gen.load(ctx, srv.url(p.path), p.headers(o.encoding)) })
		fmt.Printf("%-9s %8d %10.0f %9s %9s %7d %8d   (load %s)\n", p.name, len(p.body), res.rps, ms(res.p50), ms(res.p99), res.errors, peak>>20, loadavg())
		if ng != nil {
			nres := gen.load(ctx, ng.url(p.name), nil)
			fmt.Printf("%-9s %8d %10.0f %9s %9s %7d %8s   ratio %.2f\n", "  nginx", len(p.body), nres.rps, ms(nres.p50), ms(nres.p99), nres.errors, "-", res.rps/max(nres.rps, 1))
		}
	}
	fmt.Printf("peak RSS of the server over the run: %d MB\n", srv.hwm()>>20)
	fmt.Printf("load average %s\n", loadavg())
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "?"
	}
	var a, b5, c float64
	fmt.Sscan(string(b), &a, &b5, &c)
	return fmt.Sprintf("%.2f %.2f %.2f", a, b5, c)
}
