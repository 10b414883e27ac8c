package server

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/store"
)

// metrics are what /metrics serves, in a registry of the server's own.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	saves       prometheus.Counter
	conflicts   prometheus.Counter
	unavailable prometheus.Counter
	logins      *prometheus.CounterVec
}

// renderStats is what the metrics read of the diagram service.
type renderStats interface {
	Stats() (diagram.PoolStats, int64, int64)
	Waiting() int
}

func newMetrics(st Store, diagrams Renderer) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "casebench_http_requests_total",
			Help: "HTTP requests by route, method and status."}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "casebench_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route", "method"}),
		saves: prometheus.NewCounter(prometheus.CounterOpts{Name: "casebench_design_saves_total",
			Help: "Design saves stored (editor, autosave and API)."}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{Name: "casebench_design_save_conflicts_total",
			Help: "Design saves refused with 409 because the version was stale."}),
		unavailable: prometheus.NewCounter(prometheus.CounterOpts{Name: "casebench_database_unavailable_total",
			Help: "Requests answered 503 because the database could not serve."}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "casebench_logins_total",
			Help: "Login attempts by result: ok, failed, throttled."}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.saves, m.conflicts, m.unavailable, m.logins,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db, ok := st.(interface{ DB() *sql.DB }); ok {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db.DB(), "casebench"))
	}
	if rs, ok := diagrams.(renderStats); ok {
		m.reg.MustRegister(renderCollector{rs})
	}
	return m
}

// methods are the request methods counted by name; others are OTHER, so
// that odd requests cannot grow the metrics.
var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true, "OPTIONS": true}

// observe counts one answered request.
func (m *metrics) observe(c echo.Context, took time.Duration) {
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	method := c.Request().Method
	if !methods[method] {
		method = "OTHER"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

var (
	renderDescs = map[string]*prometheus.Desc{
		"renders":  prometheus.NewDesc("casebench_renders_total", "Diagrams laid out by the render workers.", nil, nil),
		"started":  prometheus.NewDesc("casebench_render_workers_started_total", "Render worker processes started.", nil, nil),
		"restarts": prometheus.NewDesc("casebench_render_worker_restarts_total", "Render workers replaced: recycled, crashed or killed past their deadline.", []string{"reason"}, nil),
		"timeouts": prometheus.NewDesc("casebench_render_timeouts_total", "Renders past their deadline (their worker is killed).", nil, nil),
		"hits":     prometheus.NewDesc("casebench_render_cache_hits_total", "Diagrams served from the render cache.", nil, nil),
		"misses":   prometheus.NewDesc("casebench_render_cache_misses_total", "Diagrams not in the render cache.", nil, nil),
		"queue":    prometheus.NewDesc("casebench_render_queue_length", "Renders waiting for a worker.", nil, nil),
	}
)

// renderCollector reads the diagram service's counters at each scrape.
type renderCollector struct{ src renderStats }

func (renderCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range renderDescs {
		ch <- d
	}
}

func (r renderCollector) Collect(ch chan<- prometheus.Metric) {
	st, hits, misses := r.src.Stats()
	counter := func(name string, v int64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(renderDescs[name], prometheus.CounterValue, float64(v), labels...)
	}
	counter("renders", st.Renders)
	counter("started", st.Started)
	counter("restarts", st.Recycled, "recycled")
	counter("restarts", st.Crashed, "crashed")
	counter("restarts", st.Timeouts, "timeout")
	counter("timeouts", st.Timeouts)
	counter("hits", hits)
	counter("misses", misses)
	ch <- prometheus.MustNewConstMetric(renderDescs["queue"], prometheus.GaugeValue, float64(r.src.Waiting()))
}

// handleMetrics serves the metrics to the allowed addresses, or to anyone
// with the metrics token. A request that came through a proxy (it carries
// X-Forwarded-For or Forwarded) is judged as coming from the proxy's
// client: it needs the token.
func (s *Server) handleMetrics() echo.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return func(c echo.Context) error {
		if !s.metricsAllowed(c.Request()) {
			return &appError{Status: http.StatusForbidden, Message: "Metrics are served only to the addresses of --metrics-allow, or with the --metrics-token as a bearer token."}
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.metricsToken != "" {
		if tok := bearer(r); tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.metricsToken)) == 1 {
			return true
		}
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	ip := net.ParseIP(s.e.IPExtractor(r))
	for _, n := range s.metricsAllow {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// countSaves counts design saves and their conflicts for the metrics.
type countSaves struct {
	Store
	m *metrics
}

func (cs countSaves) UpdateDesign(ctx context.Context, userID, id int64, u store.Update) (*design.Design, error) {
	d, err := cs.Store.UpdateDesign(ctx, userID, id, u)
	switch {
	case err == nil:
		cs.m.saves.Inc()
	case errors.Is(err, store.ErrConflict):
		cs.m.conflicts.Inc()
	}
	return d, err
}
