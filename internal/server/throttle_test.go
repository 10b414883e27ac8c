package server

import (
	"testing"
	"time"
)

func TestLoginThrottleDelays(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newLoginThrottle(3, 2*time.Second)
	th.now = func() time.Time { return now }
	var waits []time.Duration
	for range 14 {
		th.failed("ann", "192.0.2.1")
		w := th.wait("ann", "192.0.2.1")
		waits = append(waits, w)
		now = now.Add(w) // the attacker waits exactly as long as told
	}
	want := []time.Duration{0, 0, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second,
		64 * time.Second, 128 * time.Second, 256 * time.Second, 512 * time.Second, 15 * time.Minute, 15 * time.Minute, 15 * time.Minute}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("delays %v, want %v", waits, want)
		}
	}
	if w := th.wait("ann", "192.0.2.2"); w != 0 {
		t.Errorf("another address waits %v for the same name", w)
	}
	if w := th.wait("bob", "192.0.2.1"); w != 0 {
		t.Errorf("another name from the failing address waits %v (the address is under its own limit)", w)
	}

	// Failures are forgotten after a quiet quarter of an hour.
	now = now.Add(16 * time.Minute)
	th.failed("ann", "192.0.2.1")
	if w := th.wait("ann", "192.0.2.1"); w != 0 {
		t.Errorf("after 16 quiet minutes, one failure waits %v", w)
	}
	// A success forgets the name's failures from that address.
	th.failed("ann", "192.0.2.1")
	th.succeeded("ann", "192.0.2.1")
	th.failed("ann", "192.0.2.1")
	if w := th.wait("ann", "192.0.2.1"); w != 0 {
		t.Errorf("after a success, one failure waits %v", w)
	}
}

func TestLoginThrottlePerAddress(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newLoginThrottle(3, time.Hour)
	th.now = func() time.Time { return now }
	for i := range 9 {
		if w := th.wait(string(rune('a'+i))+"name", "2001:db8::1"); w != 0 {
			t.Fatalf("name %d waits %v", i, w)
		}
		th.failed(string(rune('a'+i))+"name", "2001:db8::1")
	}
	// Nine names from one address reach its limit; the next address in the
	// same /64 is the same client.
	if w := th.wait("fresh", "2001:db8::2"); w == 0 {
		t.Error("a spraying address is not slowed")
	}
	if w := th.wait("fresh", "2001:db8:0:1::1"); w != 0 {
		t.Errorf("another /64 waits %v", w)
	}
}
