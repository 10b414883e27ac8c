package server_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestMetrics: after some traffic /metrics shows requests by route and
// status with latencies, saves and conflicts, the database pool, the
// render service and the Go runtime, in Prometheus text.
func TestMetrics(t *testing.T) {
	a := newApp(t)
	tok := a.token("ann")
	a.client().get("/")
	r := a.api("POST", "/api/v1/designs", tok, map[string]string{"case": "artwork-personalization"})
	var d struct{ ID int64 }
	r.json(t, &d)
	path := "/api/v1/designs/" + strconv.FormatInt(d.ID, 10)
	wantStatus(t, a.api("PUT", path, tok, map[string]any{"version": 1, "title": "One"}), http.StatusOK)
	wantStatus(t, a.api("PUT", path, tok, map[string]any{"version": 1, "title": "Stale"}), http.StatusConflict)
	wantStatus(t, a.postDOT("svg", "digraph { a -> b }"), http.StatusOK)

	m := a.api("GET", "/metrics", "", nil)
	wantStatus(t, m, http.StatusOK)
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(m.body)
	for _, want := range []string{
		`casebench_http_requests_total{method="GET",route="/",status="200"} 1`,
		`casebench_http_requests_total{method="PUT",route="/api/v1/designs/:id",status="409"} 1`,
		`casebench_http_request_duration_seconds_bucket{method="PUT",route="/api/v1/designs/:id",le="+Inf"} 2`,
		"casebench_design_saves_total 1",
		"casebench_design_save_conflicts_total 1",
		`go_sql_open_connections{db_name="casebench"}`,
		"casebench_render_queue_length 0",
		"casebench_render_cache_misses_total",
		`casebench_render_worker_restarts_total{reason="timeout"}`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}

	// Through a proxy, the loopback address is not enough.
	req, _ := http.NewRequest("GET", a.srv.URL+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.5")
	wantStatus(t, a.client().do(req), http.StatusForbidden)
}

func TestMetricsAccess(t *testing.T) {
	a := newApp(t, func(o *serverOptions) { o.MetricsAllow, o.MetricsToken = []*net.IPNet{}, "s3cret-metrics" })
	wantStatus(t, a.api("GET", "/metrics", "", nil), http.StatusForbidden)
	wantStatus(t, a.api("GET", "/metrics", "wrong", nil), http.StatusForbidden)
	wantStatus(t, a.api("GET", "/metrics", "s3cret-metrics", nil), http.StatusOK)
	b := newApp(t, func(o *serverOptions) { _, n, _ := net.ParseCIDR("10.0.0.0/8"); o.MetricsAllow = []*net.IPNet{n} })
	wantStatus(t, b.api("GET", "/metrics", "", nil), http.StatusForbidden)
}

// TestHSTS: HSTS is sent when cookies are secure, that is behind a TLS
// proxy, even though the proxy speaks plain HTTP to casebench.
func TestHSTS(t *testing.T) {
	plain := newApp(t).client().get("/")
	if h := plain.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS without --secure-cookies: %q", h)
	}
	secure := newApp(t, func(o *serverOptions) { o.Secure = true }).client().get("/")
	if h := secure.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Errorf("no HSTS with --secure-cookies: %q", secure.Header)
	}
}
