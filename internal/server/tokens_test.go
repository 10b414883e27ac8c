package server_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// twoStores opens the same database twice, as two servers would.
func twoStores(t *testing.T, dialect string) (*store.Store, *store.Store) {
	t.Helper()
	dsn := filepath.Join(t.TempDir(), "shared.db")
	if dialect == "postgres" {
		dsn = storetest.PostgresDSN(t)
	}
	open := func() *store.Store {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return st
	}
	return open(), open()
}

// TestTokensOnProfile: a user makes a named token on the profile page,
// sees it listed with when it was last used, and revokes it; the revoked
// token gets 401 at once on the other server sharing the database, and so
// does an expired one.
func TestTokensOnProfile(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			st1, st2 := twoStores(t, dialect)
			a, b := newAppOn(t, st1), newAppOn(t, st2)
			ann := a.signup("ann")
			p := ann.get("/profile")
			if !strings.Contains(string(p.body), "You have no API tokens") {
				t.Fatalf("profile without tokens: %.500s", p.body)
			}
			r := ann.post("/profile/tokens", url.Values{"name": {"laptop script"}, "days": {"30"}})
			wantStatus(t, r, http.StatusOK)
			tok := r.doc(t).Find("#new-token").Text()
			if !strings.HasPrefix(tok, "cb_") {
				t.Fatalf("no new token shown: %.500s", r.body)
			}
			wantStatus(t, b.api("GET", "/api/v1/designs", tok, nil), http.StatusOK)

			doc := ann.get("/profile").doc(t)
			rows := doc.Find("#token-list tbody tr")
			if rows.Length() != 1 || !strings.Contains(rows.Text(), "laptop script") || strings.Contains(rows.Text(), "never") {
				t.Fatalf("token list: %q, want laptop script, used", rows.Text())
			}
			if got := doc.Find("#new-token").Length(); got != 0 {
				t.Error("the token is shown again after it was made")
			}
			action, _ := rows.Find("form").Attr("action")

			// Without the CSRF token, nothing is revoked.
			req, _ := http.NewRequest("POST", a.srv.URL+action, nil)
			wantStatus(t, ann.do(req), http.StatusForbidden)
			// Nor by someone else.
			bob := a.signup("bob")
			wantStatus(t, bob.post(action, nil), http.StatusNotFound)
			wantStatus(t, b.api("GET", "/api/v1/designs", tok, nil), http.StatusOK)

			r = ann.post(action, nil)
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(string(r.body), "revoked") {
				t.Errorf("no word that the token is revoked: %.300s", r.body)
			}
			r = b.api("GET", "/api/v1/designs", tok, nil)
			wantStatus(t, r, http.StatusUnauthorized)

			u, _ := st1.UserByName(t.Context(), "ann")
			old, _, err := st1.NewToken(t.Context(), u.ID, "old", -time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			r = b.api("GET", "/api/v1/designs", old, nil)
			wantStatus(t, r, http.StatusUnauthorized)
			if !strings.Contains(string(r.body), "expired") {
				t.Errorf("expired token: %s", r.body)
			}
			if !strings.Contains(ann.get("/profile").doc(t).Find("#token-list").Text(), "expired") {
				t.Error("the profile does not show the expired token as expired")
			}

			for _, bad := range []url.Values{{"name": {"x"}, "days": {"0"}}, {"name": {"x"}, "days": {"99999999999999999"}}, {"name": {strings.Repeat("n", 65)}, "days": {"7"}}} {
				wantStatus(t, ann.post("/profile/tokens", bad), http.StatusUnprocessableEntity)
			}
		})
	}
}
