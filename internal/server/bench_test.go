package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"
)

// Renders per second at 16 concurrent clients on POST /api/v1/render,
// against a baseline server that spawns `dot -Tsvg` per request:
//
//	go test ./internal/server -run '^$' -bench RenderEndpoint

func typicalDOT(b *testing.B) []byte {
	src, err := os.ReadFile("../diagram/testdata/typical15.dot")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// hammer posts bodies from 16 goroutines and reports renders per second.
func hammer(b *testing.B, url string, body func(i int64) []byte) {
	var n atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	b.SetParallelism(16 / max(1, runtimeProcs()))
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Post(url, "text/vnd.graphviz", bytes.NewReader(body(n.Add(1))))
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "renders/s")
}

func runtimeProcs() int { return testingProcs }

func BenchmarkRenderEndpoint(b *testing.B) {
	src := typicalDOT(b)
	a := newBenchApp(b)
	b.Run("casebench-cached", func(b *testing.B) {
		hammer(b, a.URL+"/api/v1/render?format=svg", func(int64) []byte { return src })
	})
	b.Run("casebench-uncached", func(b *testing.B) {
		// A different label each time: every request is laid out.
		hammer(b, a.URL+"/api/v1/render?format=svg", func(i int64) []byte {
			return bytes.Replace(src, []byte(`"Page builder"`), fmt.Appendf(nil, `"Page builder %d"`, i), 1)
		})
	})
	b.Run("dot-process-per-request", func(b *testing.B) {
		path, err := exec.LookPath("dot")
		if err != nil {
			b.Skip("Graphviz's dot is not installed (Debian package graphviz)")
		}
		base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cmd := exec.Command(path, "-Tsvg")
			cmd.Stdin = r.Body
			out, err := cmd.Output()
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnprocessableEntity)
				return
			}
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write(out)
		}))
		defer base.Close()
		hammer(b, base.URL, func(int64) []byte { return src })
	})
}
