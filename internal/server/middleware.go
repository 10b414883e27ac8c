package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
)

// pageCSP allows only our own scripts, styles and images: no inline script.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. Handlers that
// serve user-derived files may replace the CSP with a stricter one. HSTS is
// sent over TLS, and always when secure is set (behind a TLS proxy).
func securityHeaders(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", pageCSP)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if secure || c.IsTLS() {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	}
}

// recoverPanics turns a panic in a handler into a logged 500, so that one
// bad request never takes the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", "err", fmt.Sprint(r), "path", c.Request().URL.Path, "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		r := c.Request()
		took := time.Since(start)
		s.metrics.observe(c, took)
		// A 503 is an outage or a full render queue, each logged once
		// per interval where it is found, not once per request.
		level := slog.LevelDebug
		if st := c.Response().Status; st >= 500 && st != http.StatusServiceUnavailable {
			level = slog.LevelError
		}
		if s.log.Enabled(r.Context(), level) {
			s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path,
				"status", c.Response().Status, "duration", took, "ip", c.RealIP(),
				"id", c.Response().Header().Get(echo.HeaderXRequestID))
		}
		return nil
	}
}

// bearer returns the token of an "Authorization: Bearer" header, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get(echo.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// csrf checks every state-changing request that a browser could send with
// the session cookie: same-origin by Sec-Fetch-Site, or a token from the
// form or the X-CSRF-Token header matching the _csrf cookie. Requests that
// carry a bearer token, and API calls without the session cookie, do not
// use the cookie and are not checked. Page forms (login included) always are.
func (s *Server) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			r := c.Request()
			if r.Header.Get(echo.HeaderAuthorization) != "" {
				return true
			}
			// An API call without the session cookie acts as nobody, so
			// there is nothing to forge; it is refused as unauthenticated.
			_, err := r.Cookie(s.sessions.Cookie.Name)
			return strings.HasPrefix(r.URL.Path, "/api/") && err != nil
		},
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		CookieSecure:   s.secure,
		ErrorHandler: func(err error, c echo.Context) error {
			return &appError{Status: http.StatusForbidden, Message: "This form has expired or did not come from casebench. Reload the page and try again."}
		},
	})
}

const userKey = "user"

// sessionKey is set on requests whose session is loaded.
const sessionKey = "session"

// loadUser finds who is asking: the owner of a bearer token, or the user
// of the session. An invalid token is refused outright.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(sessionKey, true)
		r := c.Request()
		if r.Header.Get(echo.HeaderAuthorization) != "" {
			token := bearer(r)
			if token == "" {
				return &appError{Status: http.StatusUnauthorized, Message: "Use 'Authorization: Bearer TOKEN'."}
			}
			u, err := s.store.UserByToken(r.Context(), token)
			switch {
			case isNotFound(err):
				return &appError{Status: http.StatusUnauthorized, Message: "This API token is not valid: it is wrong or was revoked."}
			case errors.Is(err, store.ErrTokenExpired):
				return &appError{Status: http.StatusUnauthorized, Message: "This API token has expired. Make a new one on your profile page or with 'casebench user token'."}
			case err != nil:
				return err
			}
			c.Set(userKey, u)
			return next(c)
		}
		id := s.sessions.GetInt64(r.Context(), "user_id")
		if id == 0 || !s.sessionActive(r.Context()) {
			return next(c)
		}
		var u *auth.User
		var err error
		if isAPI(c) {
			u, err = s.store.UserByID(r.Context(), id)
		} else {
			// Pages show the review counts in the navigation bar: the
			// user and the counts come in one query.
			var nav store.NavCounts
			u, nav, err = s.store.UserWithCounts(r.Context(), id)
			c.Set(countsKey, &reviewCounts{Waiting: nav.Waiting, Unread: nav.Unread, Due: nav.Due})
		}
		switch {
		case err == nil:
			c.Set(userKey, u)
		case isNotFound(err):
			s.sessions.Remove(r.Context(), "user_id")
		default:
			return err
		}
		return next(c)
	}
}

// countsKey holds the navigation bar's counts, read with the user.
const countsKey = "counts"

// seenKey holds when a signed-in session was last seen, in Unix seconds,
// recorded at most once per sessionRefresh.
const seenKey = "seen"

// sessionRefresh is how stale a session's last-seen time may get before a
// request records it again: most requests write nothing to the session
// store, and an idle session ends within this much of sessionIdle.
const sessionRefresh = 10 * time.Minute

// sessionActive ends a signed-in session idle for longer than sessionIdle
// (the user is signed out) and notes the visit when the last note is older
// than sessionRefresh. It reports whether the session is still signed in.
func (s *Server) sessionActive(ctx context.Context) bool {
	now := time.Now().Unix()
	seen := s.sessions.GetInt64(ctx, seenKey)
	switch {
	case seen != 0 && now-seen > int64(sessionIdle/time.Second):
		s.sessions.Remove(ctx, "user_id")
		s.sessions.Remove(ctx, seenKey)
		return false
	case now-seen >= int64(sessionRefresh/time.Second):
		s.sessions.Put(ctx, seenKey, now)
	}
	return true
}

// currentUser returns the signed-in user, or nil.
func currentUser(c echo.Context) *auth.User {
	u, _ := c.Get(userKey).(*auth.User)
	return u
}

// requireUser sends anonymous page requests to the login page and answers
// anonymous API requests with 401.
func (s *Server) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) != nil {
			return next(c)
		}
		if isAPI(c) || c.Request().Method != http.MethodGet {
			return &appError{Status: http.StatusUnauthorized, Message: "Log in first."}
		}
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
	}
}

// limiter allows a number of events per period for each key, such as login
// attempts per address.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	keys  map[string]*rate.Limiter
	swept time.Time
}

func newLimiter(n int, per time.Duration) *limiter {
	return &limiter{every: rate.Every(per / time.Duration(n)), burst: n, keys: map[string]*rate.Limiter{}}
}

// allow reports whether key may act now, and counts the attempt.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > 10*time.Minute {
		for k, lim := range l.keys {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(l.keys, k)
			}
		}
		l.swept = now
	}
	lim, ok := l.keys[key]
	if !ok {
		lim = rate.NewLimiter(l.every, l.burst)
		l.keys[key] = lim
	}
	return lim.AllowN(now, 1)
}
