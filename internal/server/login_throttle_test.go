package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// fromAddr makes the server read the client's address from X-Test-Addr,
// as it would read X-Forwarded-For behind a trusted proxy.
func fromAddr(o *serverOptions) {
	o.ExtractIP = func(r *http.Request) string {
		if a := r.Header.Get("X-Test-Addr"); a != "" {
			return a
		}
		return echo.ExtractIPDirect()(r)
	}
}

// TestLoginThrottleHTTP: failures from one address slow that address for
// that name, and never lock the owner out from another address.
func TestLoginThrottleHTTP(t *testing.T) {
	a := newApp(t, fromAddr, func(o *serverOptions) { o.LoginPerMin, o.LoginDelay = 3, time.Hour })
	a.signup("ann").post("/logout", nil)
	a.signup("bob").post("/logout", nil)
	login := func(addr, name, password string) *response {
		t.Helper()
		c := a.client()
		c.get("/login")
		form := url.Values{"name": {name}, "password": {password}, "_csrf": {c.csrf}}
		req, _ := http.NewRequest("POST", a.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Test-Addr", addr)
		return c.do(req)
	}
	const attacker, owner = "198.51.100.7", "203.0.113.9"
	for i := range 20 {
		r := login(attacker, "ann", "wrong password")
		want := http.StatusUnauthorized
		if i >= 3 {
			want = http.StatusTooManyRequests
		}
		wantStatus(t, r, want)
		if want == http.StatusTooManyRequests && r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	// The attacker's address waits even with the right password...
	wantStatus(t, login(attacker, "ann", "correct horse battery"), http.StatusTooManyRequests)
	// ...but the owner, from an address that has not been failing, logs in.
	r := login(owner, "ann", "correct horse battery")
	wantStatus(t, r, http.StatusOK)
	if r.Request.URL.Path != "/designs" {
		t.Fatalf("the owner's login ended at %s", r.Request.URL.Path)
	}
	// The attacker's address may still log in to another name it knows.
	wantStatus(t, login(attacker, "bob", "correct horse battery"), http.StatusOK)
	// An address that sprays names is slowed across names.
	sprayer := "192.0.2.50"
	for i := range 9 {
		wantStatus(t, login(sprayer, "user"+string(rune('a'+i)), "wrong password"), http.StatusUnauthorized)
	}
	wantStatus(t, login(sprayer, "userz", "wrong password"), http.StatusTooManyRequests)
	wantStatus(t, login(owner, "bob", "correct horse battery"), http.StatusOK)
}
