package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

func mustUser(t *testing.T, s *store.Store, name string) *auth.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), name, "hash", auth.RoleMember)
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := mustUser(t, s, "Ann")
		if _, err := s.CreateUser(ctx, "ann", "x", auth.RoleMember); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second ann: got %v, want ErrExists", err)
		}
		got, err := s.UserByName(ctx, "ANN")
		if err != nil || got.ID != ann.ID || got.Name != "Ann" {
			t.Fatalf("UserByName = %+v, %v; want Ann", got, err)
		}
		if _, err := s.UserByName(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UserByName(bob) = %v, want ErrNotFound", err)
		}
		if err := s.SetRole(ctx, ann.ID, auth.RoleMentor); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserByID(ctx, ann.ID); got.Role != auth.RoleMentor {
			t.Fatalf("role = %q, want mentor", got.Role)
		}
		token, err := s.CreateToken(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.UserByToken(ctx, token); err != nil || got.ID != ann.ID {
			t.Fatalf("UserByToken = %+v, %v", got, err)
		}
		if _, err := s.UserByToken(ctx, token+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("wrong token: %v, want ErrNotFound", err)
		}
	})
}

func newDesign(owner int64) *design.Design {
	return &design.Design{
		OwnerID: owner, Case: "homepage-recommendations", Title: "First try",
		Sections: design.Answers{"framing": {"objective": {Text: "Grow retention."}}},
		Pipeline: pipeline.Graph{Nodes: []pipeline.Node{{ID: "log", Kind: pipeline.KindLog, Stage: pipeline.StageOnline}}},
	}
}

func TestDesignLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob := mustUser(t, s, "ann"), mustUser(t, s, "bob")
		d := newDesign(ann.ID)
		if err := s.CreateDesign(ctx, d); err != nil {
			t.Fatal(err)
		}
		if d.ID == 0 || d.Version != 1 || d.Status != design.StatusDraft {
			t.Fatalf("created %+v", d)
		}
		got, err := s.OwnDesign(ctx, ann.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Sections.Get("framing", "objective").Text != "Grow retention." || len(got.Pipeline.Nodes) != 1 {
			t.Fatalf("read back %+v", got)
		}
		if _, err := s.OwnDesign(ctx, bob.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob reads ann's design: %v, want ErrNotFound", err)
		}

		title := "Second try"
		content := design.Content{Sections: design.Answers{"data": {"labels": {Text: "Quality plays."}}}}
		saved, err := s.UpdateDesign(ctx, ann.ID, d.ID, store.Update{Version: 1, Title: &title, Content: &content})
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != 2 || saved.Title != title || saved.Sections.Get("data", "labels").Text != "Quality plays." {
			t.Fatalf("saved %+v", saved)
		}
		// A save based on version 1 is now stale and changes nothing.
		stale := "Stale"
		if _, err := s.UpdateDesign(ctx, ann.ID, d.ID, store.Update{Version: 1, Title: &stale}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale update: %v, want ErrConflict", err)
		}
		if _, err := s.UpdateDesign(ctx, bob.ID, d.ID, store.Update{Version: 2, Title: &stale}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob updates: %v, want ErrNotFound", err)
		}
		got, _ = s.OwnDesign(ctx, ann.ID, d.ID)
		if got.Title != title || got.Version != 2 {
			t.Fatalf("after refused updates: %q v%d", got.Title, got.Version)
		}

		list, err := s.ListDesigns(ctx, ann.ID)
		if err != nil || len(list) != 1 || list[0].Title != title {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if list, _ := s.ListDesigns(ctx, bob.ID); len(list) != 0 {
			t.Fatalf("bob's list = %+v", list)
		}
		if err := s.DeleteDesign(ctx, bob.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob deletes: %v", err)
		}
		if err := s.DeleteDesign(ctx, ann.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.OwnDesign(ctx, ann.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

// TestConcurrentSaves races many saves on one version: exactly one wins,
// the others get ErrConflict, and none fails with a database error.
func TestConcurrentSaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := mustUser(t, s, "ann")
		d := newDesign(ann.ID)
		if err := s.CreateDesign(ctx, d); err != nil {
			t.Fatal(err)
		}
		const n = 16
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				title := fmt.Sprintf("writer %d", i)
				_, errs[i] = s.UpdateDesign(ctx, ann.ID, d.ID, store.Update{Version: 1, Title: &title})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrConflict):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d saves won; want exactly 1", wins)
		}
	})
}

func TestOwnDesignVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob := mustUser(t, s, "ann"), mustUser(t, s, "bob")
		d := newDesign(ann.ID)
		if err := s.CreateDesign(ctx, d); err != nil {
			t.Fatal(err)
		}
		// The version and status, in one statement.
		before := s.Statements()
		v, st, err := s.OwnDesignVersion(ctx, ann.ID, d.ID)
		if err != nil || v != d.Version || st != design.StatusDraft {
			t.Fatalf("version %d status %q err %v; want %d draft", v, st, err, d.Version)
		}
		if n := s.Statements() - before; n != 1 {
			t.Fatalf("OwnDesignVersion ran %d statements, want 1", n)
		}
		title := "Second try"
		if _, err := s.UpdateDesign(ctx, ann.ID, d.ID, store.Update{Version: d.Version, Title: &title}); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := s.OwnDesignVersion(ctx, ann.ID, d.ID); v != d.Version+1 {
			t.Fatalf("after a save: version %d, want %d", v, d.Version+1)
		}
		if _, _, err := s.OwnDesignVersion(ctx, bob.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob reads ann's design's version: %v", err)
		}
	})
}
