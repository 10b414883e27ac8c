package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// tcpProxy forwards connections to a database, and can be cut: while it is
// down its port refuses connections and every open one is closed, as when
// PostgreSQL stops.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *tcpProxy) pipe(c net.Conn) {
	d, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.ln == nil {
		p.mu.Unlock()
		c.Close()
		d.Close()
		return
	}
	p.conns[c], p.conns[d] = true, true
	p.mu.Unlock()
	go func() { io.Copy(d, c); d.Close() }()
	io.Copy(c, d)
	c.Close()
}

// down refuses new connections and closes the open ones.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// up listens again on the same address.
func (p *tcpProxy) up() {
	var ln net.Listener
	var err error
	// The port was ours a moment ago; the system may take a moment to
	// release it.
	for range 100 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// TestDatabaseOutage cuts PostgreSQL from under a running server: the API
// answers 503 with Retry-After and a JSON error, pages show the plain
// "briefly unavailable" page, the log says so a few times with counts
// rather than once per request; and everything works again when the
// database is back.
func TestDatabaseOutage(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	ctx := t.Context()
	st, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	a := newAppOn(t, st, withLog(&log))
	ann := a.signup("ann")
	tok := a.tokenFor("ann")
	wantStatus(t, a.api("GET", "/api/v1/designs", tok, nil), http.StatusOK)

	proxy.down()
	start := time.Now()
	const requests = 60
	for i := range requests {
		switch i % 3 {
		case 0:
			r := a.api("GET", "/api/v1/designs", tok, nil)
			wantStatus(t, r, http.StatusServiceUnavailable)
			var e struct{ Error string }
			if json.Unmarshal(r.body, &e) != nil || !strings.Contains(e.Error, "briefly unavailable") {
				t.Fatalf("API during the outage: %s", r.body)
			}
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("API 503 without Retry-After")
			}
		case 1:
			r := ann.get("/designs")
			wantStatus(t, r, http.StatusServiceUnavailable)
			if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "casebench is briefly unavailable") {
				t.Fatalf("page during the outage: %s %.300s", r.Header.Get("Content-Type"), r.body)
			}
		case 2:
			wantStatus(t, a.api("GET", "/healthz", "", nil), http.StatusServiceUnavailable)
		}
	}
	elapsed := time.Since(start)
	lines := strings.Count(log.String(), "database unavailable")
	if lines == 0 || lines > 2+int(elapsed/(10*time.Second)) {
		t.Errorf("%d requests in %v gave %d outage lines, want one per 10 s:\n%s", requests, elapsed.Round(time.Millisecond), lines, log.String())
	}
	if strings.Contains(log.String(), "level=ERROR msg=request") || strings.Contains(log.String(), "internal error") {
		t.Errorf("the outage is logged per request:\n%s", log.String())
	}

	proxy.up()
	deadline, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		r := a.api("GET", "/api/v1/designs", tok, nil)
		if r.StatusCode == http.StatusOK {
			break
		}
		if deadline.Err() != nil {
			t.Fatalf("the API did not recover: %d %s", r.StatusCode, r.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantStatus(t, ann.get("/designs"), http.StatusOK)
	wantStatus(t, a.api("GET", "/healthz", "", nil), http.StatusOK)
	if !strings.Contains(log.String(), "database answers again") {
		t.Errorf("the end of the outage is not logged:\n%s", log.String())
	}
	t.Logf("%d requests during the outage (%v), %d outage log lines", requests, elapsed.Round(time.Millisecond), lines)
}
