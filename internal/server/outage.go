package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/casebench/casebench/internal/store"
)

// unavailableMessage is what users see while the database cannot serve.
const unavailableMessage = "casebench is briefly unavailable. Try again in a moment; nothing you saved is lost."

// retryAfter is the Retry-After of an outage's 503, in seconds.
const retryAfter = "5"

// outageLog logs failures to reach the database at most once per interval,
// with how many there were, so that an outage under load gives a few lines
// rather than one per request.
type outageLog struct {
	log     *slog.Logger
	every   time.Duration
	now     func() time.Time
	counter interface{ Inc() } // counts every failure, for the metrics; may be nil

	mu     sync.Mutex
	last   time.Time // when the last line was written
	count  int       // failures since then, not yet logged
	total  int       // failures since the outage began
	begins time.Time // when the outage began; zero when there is none
}

func newOutageLog(log *slog.Logger, every time.Duration) *outageLog {
	return &outageLog{log: log, every: every, now: time.Now}
}

// failed counts one failure, and logs when the last line is older than the
// interval.
func (o *outageLog) failed(err error) {
	if o.counter != nil {
		o.counter.Inc()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if o.begins.IsZero() {
		o.begins = now
	}
	o.count++
	o.total++
	if now.Sub(o.last) < o.every {
		return
	}
	o.log.Error("database unavailable: answering 503", "failures", o.count, "since", o.begins.UTC().Format(time.RFC3339), "err", err)
	o.last, o.count = now, 0
}

// answered notes that the database answered; the end of an outage is
// logged with its failures.
func (o *outageLog) answered() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.begins.IsZero() {
		return
	}
	o.log.Info("database answers again", "failures", o.total, "outage", o.now().Sub(o.begins).Round(time.Millisecond))
	o.begins, o.count, o.total, o.last = time.Time{}, 0, 0, time.Time{}
}

// unavailable is the 503 of an outage.
func unavailable() *appError {
	return &appError{Status: http.StatusServiceUnavailable, Message: unavailableMessage}
}

// sessionError answers a request whose session could not be loaded: 503
// while the database is unavailable, 500 otherwise. It writes nothing when
// the session failed to save after the handler started its response.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	if hasSession(r.Context(), s) {
		if store.Unavailable(err) {
			s.outage.failed(err)
		} else {
			s.log.Error("session: not saved", "err", err, "path", r.URL.Path)
		}
		return
	}
	ae := &appError{Status: http.StatusInternalServerError, Message: "The server could not load your session. Try again in a moment."}
	if store.Unavailable(err) {
		s.outage.failed(err)
		ae = unavailable()
		w.Header().Set("Retry-After", retryAfter)
	} else {
		s.log.Error("session", "err", err, "path", r.URL.Path)
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(ae.Status)
		writeJSONError(w, ae)
		return
	}
	s.writeErrorPage(w, ae)
}

// hasSession reports whether ctx carries a loaded session; scs panics when
// asked about a context without one.
func hasSession(ctx context.Context, s *Server) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	s.sessions.Status(ctx)
	return true
}
