package server

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// TestSessionIdle: a signed-in session is ended after sessionIdle without
// a request; otherwise its last visit is noted again only when the last
// note is older than sessionRefresh, so that most pages write nothing.
func TestSessionIdle(t *testing.T) {
	s := &Server{sessions: scs.New()}
	now := time.Now().Unix()
	for _, tc := range []struct {
		name     string
		seen     int64 // 0: never noted (a session from before notes)
		active   bool
		modified bool
	}{
		{"just seen", now - 60, true, false},
		{"seen within the refresh", now - int64(sessionRefresh/time.Second) + 5, true, false},
		{"seen before the refresh", now - int64(sessionRefresh/time.Second) - 5, true, true},
		{"never noted", 0, true, true},
		{"idle a day short of the limit", now - int64(sessionIdle/time.Second) + 86400, true, true},
		{"idle past the limit", now - int64(sessionIdle/time.Second) - 60, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A stored session, loaded as a request loads it: unmodified.
			values := map[string]any{"user_id": int64(7)}
			if tc.seen != 0 {
				values[seenKey] = tc.seen
			}
			b, err := s.sessions.Codec.Encode(time.Now().Add(time.Hour), values)
			if err != nil {
				t.Fatal(err)
			}
			s.sessions.Store.Commit("tok", b, time.Now().Add(time.Hour))
			ctx, err := s.sessions.Load(context.Background(), "tok")
			if err != nil {
				t.Fatal(err)
			}
			got := s.sessionActive(ctx)
			if got != tc.active {
				t.Errorf("active = %v, want %v", got, tc.active)
			}
			if modified := s.sessions.Status(ctx) == scs.Modified; modified != tc.modified {
				t.Errorf("the session is written: %v, want %v", modified, tc.modified)
			}
			if !tc.active && s.sessions.GetInt64(ctx, "user_id") != 0 {
				t.Error("an idle session still names its user")
			}
			if tc.active && tc.modified && s.sessions.GetInt64(ctx, seenKey) < now {
				t.Errorf("the visit is not noted: seen %d", s.sessions.GetInt64(ctx, seenKey))
			}
		})
	}
}
