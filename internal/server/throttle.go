package server

import (
	"net"
	"sync"
	"time"
)

// loginThrottle limits failed logins per name and address together, and
// per address across names, with delays that double after each failure
// past a free allowance. A name is never throttled on its own: failures
// from one address cannot lock its owner out elsewhere.
type loginThrottle struct {
	now    func() time.Time
	pair   int           // failures per name and address before delays start
	addr   int           // failures per address before delays start
	first  time.Duration // the first delay
	max    time.Duration // the longest delay
	forget time.Duration // failures are forgotten after this long without one

	mu    sync.Mutex
	keys  map[string]*failures
	swept time.Time
}

type failures struct {
	n     int
	last  time.Time // the last failure
	until time.Time // no attempt before this
}

// maxThrottleKeys bounds the memory of the throttle.
const maxThrottleKeys = 200_000

func newLoginThrottle(perName int, first time.Duration) *loginThrottle {
	return &loginThrottle{now: time.Now, pair: perName, addr: 3 * perName, first: first, max: 15 * time.Minute,
		forget: 15 * time.Minute, keys: map[string]*failures{}}
}

func pairKey(name, addr string) string { return "p\x00" + name + "\x00" + addrKey(addr) }
func addrOnlyKey(addr string) string   { return "a\x00" + addrKey(addr) }

// addrKey is an address as the throttle counts it: IPv6 addresses by their
// /64, which one client usually holds whole.
func addrKey(addr string) string {
	ip := net.ParseIP(addr)
	if ip == nil || ip.To4() != nil {
		return addr
	}
	return ip.Mask(net.CIDRMask(64, 128)).String()
}

// wait returns how long a login for name from addr must wait, 0 when it
// may try now.
func (t *loginThrottle) wait(name, addr string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var w time.Duration
	for _, k := range []string{pairKey(name, addr), addrOnlyKey(addr)} {
		if f := t.keys[k]; f != nil && f.until.After(now) {
			w = max(w, f.until.Sub(now))
		}
	}
	return w
}

// failed counts a failed login for name from addr.
func (t *loginThrottle) failed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	t.bump(pairKey(name, addr), t.pair, now)
	t.bump(addrOnlyKey(addr), t.addr, now)
}

// succeeded forgets the failures for name from addr (not those of the
// address, which a second account would otherwise reset).
func (t *loginThrottle) succeeded(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, pairKey(name, addr))
}

func (t *loginThrottle) bump(key string, free int, now time.Time) {
	f := t.keys[key]
	if f == nil || now.Sub(f.last) > t.forget && !f.until.After(now) {
		f = &failures{}
		t.keys[key] = f
	}
	f.n++
	f.last = now
	if f.n >= free {
		d := t.first << min(f.n-free, 30)
		if d <= 0 || d > t.max {
			d = t.max
		}
		f.until = now.Add(d)
	}
}

// sweep drops forgotten failures every minute, and when there are too many
// keys, those that delay nobody.
func (t *loginThrottle) sweep(now time.Time) {
	if now.Sub(t.swept) < time.Minute && len(t.keys) < maxThrottleKeys {
		return
	}
	t.swept = now
	for k, f := range t.keys {
		if now.Sub(f.last) > t.forget && !f.until.After(now) || len(t.keys) >= maxThrottleKeys && !f.until.After(now) {
			delete(t.keys, k)
		}
	}
}
