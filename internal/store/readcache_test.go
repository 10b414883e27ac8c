package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// TestKeptReadsEndAtAWrite checks what a signed-in page reads on SQLite
// (the session and the user with their counts): read again with no write
// between, it comes from memory; after any write it comes from the
// database, so a changed role or a deleted session shows at once. On
// PostgreSQL it is always read from the database. The clock stands still,
// so that only writes count.
func TestKeptReadsEndAtAWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Now()
		s.SetClock(func() time.Time { return at })
		ann := mustUser(t, s, "ann")
		ss := s.SessionStore(0).(scs.CtxStore)
		if err := ss.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		kept := s.Dialect() == store.SQLite
		read := func(what string, f func()) {
			t.Helper()
			before := s.Statements()
			f()
			n := s.Statements() - before
			if kept && n != 0 || !kept && n != 1 {
				t.Errorf("%s ran %d statements (kept %v)", what, n, kept)
			}
		}
		for range 2 {
			s.UserWithCounts(ctx, ann.ID)
			ss.FindCtx(ctx, "tok")
		}
		read("the user again", func() { s.UserWithCounts(ctx, ann.ID) })
		read("the session again", func() { ss.FindCtx(ctx, "tok") })
		if err := s.SetRole(ctx, ann.ID, auth.RoleMentor); err != nil {
			t.Fatal(err)
		}
		if u, _, err := s.UserWithCounts(ctx, ann.ID); err != nil || u.Role != auth.RoleMentor {
			t.Errorf("after the role change: %+v, %v", u, err)
		}
		if err := ss.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, err := ss.FindCtx(ctx, "tok"); found || err != nil {
			t.Errorf("the deleted session is still found (%v)", err)
		}
		// A kept user is a copy: changing it changes nothing kept.
		u, _, _ := s.UserWithCounts(ctx, ann.ID)
		u.Name = "changed"
		if u, _, _ := s.UserWithCounts(ctx, ann.ID); u.Name != "ann" {
			t.Errorf("the kept user was changed through a copy: %q", u.Name)
		}
	})
}
