package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func reviewAt(r srs.Rating, at time.Time) store.CardReview {
	return func(before srs.Card) (srs.Card, error) { return srs.NewScheduler().Review(before, r, at) }
}

func newAttempt(userID int64, slug string, score float64, r srs.Rating, at time.Time) *store.DrillAttempt {
	return &store.DrillAttempt{UserID: userID, Drill: slug, Kind: "ml", Answer: "L1 pushes weights to zero.", Score: score, Grade: "medium",
		Report: &rubric.Report{Case: slug, Score: score}, Proposed: r, Rating: r, CreatedAt: at}
}

func TestDrillAttemptsAndCards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob := mustUser(t, s, "ann"), mustUser(t, s, "bob")
		a := newAttempt(ann.ID, "l1-vs-l2", 80, srs.Good, t0)
		card, err := s.AddDrillAttempt(ctx, a, reviewAt(srs.Good, t0))
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.Before.State != srs.New || card.Reps != 1 || !card.Due.After(t0) {
			t.Fatalf("first attempt: id %d, before %+v, card %+v", a.ID, a.Before, card)
		}
		got, err := s.DrillAttempt(ctx, ann.ID, a.ID)
		if err != nil || got.Answer != a.Answer || got.Report.Score != 80 || got.Rating != srs.Good || !got.CreatedAt.Equal(t0) {
			t.Fatalf("read back %+v, %v", got, err)
		}
		if _, err := s.DrillAttempt(ctx, bob.ID, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob reads ann's attempt: %v, want ErrNotFound", err)
		}
		// A failing review stores nothing.
		boom := errors.New("boom")
		if _, err := s.AddDrillAttempt(ctx, newAttempt(ann.ID, "l1-vs-l2", 10, srs.Again, t0), func(srs.Card) (srs.Card, error) { return srs.Card{}, boom }); !errors.Is(err, boom) {
			t.Fatalf("failing review: %v", err)
		}
		if list, _ := s.DrillAttempts(ctx, ann.ID, "l1-vs-l2"); len(list) != 1 {
			t.Fatalf("after a failed save: %d attempts, want 1", len(list))
		}

		// Re-rating replaces the review: the card is what one Again review
		// of the card before would give, with one rep, not two.
		card, err = s.RerateDrillAttempt(ctx, ann.ID, a.ID, srs.Again, reviewAt(srs.Again, t0))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := srs.NewScheduler().Review(srs.NewCard(t0), srs.Again, t0)
		if card.Reps != 1 || !card.Due.Equal(want.Due) || card.State != want.State {
			t.Fatalf("re-rated card %+v, want %+v", card.Card, want)
		}
		if got, _ := s.DrillAttempt(ctx, ann.ID, a.ID); got.Rating != srs.Again || got.Proposed != srs.Good {
			t.Fatalf("re-rated attempt: rating %v, proposed %v", got.Rating, got.Proposed)
		}
		if _, err := s.RerateDrillAttempt(ctx, bob.ID, a.ID, srs.Easy, reviewAt(srs.Easy, t0)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob re-rates: %v", err)
		}

		// A second attempt builds on the card; the first can no longer be re-rated.
		later := t0.Add(2 * time.Hour)
		b := newAttempt(ann.ID, "l1-vs-l2", 96, srs.Easy, later)
		card, err = s.AddDrillAttempt(ctx, b, reviewAt(srs.Easy, later))
		if err != nil || card.Reps != 2 || b.Before.Reps != 1 {
			t.Fatalf("second attempt: card %+v, before %+v, %v", card, b.Before, err)
		}
		if _, err := s.RerateDrillAttempt(ctx, ann.ID, a.ID, srs.Good, reviewAt(srs.Good, t0)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("re-rate an older attempt: %v, want ErrConflict", err)
		}
		list, err := s.DrillAttempts(ctx, ann.ID, "l1-vs-l2")
		if err != nil || len(list) != 2 || list[0].ID != b.ID {
			t.Fatalf("attempts newest first: %+v, %v", list, err)
		}
		hist, err := s.DrillHistory(ctx, ann.ID)
		if err != nil || len(hist) != 2 || hist[0].ID != a.ID || hist[0].Answer != "" || hist[1].Score != 96 {
			t.Fatalf("history: %+v, %v", hist, err)
		}

		// Due counts, snooze, retire, restore.
		cards, err := s.DrillCards(ctx, ann.ID)
		if err != nil || len(cards) != 1 {
			t.Fatalf("cards %+v, %v", cards, err)
		}
		due := cards["l1-vs-l2"].Due
		if n, _ := s.DueCount(ctx, ann.ID, due.Add(-time.Second)); n != 0 {
			t.Fatalf("due before its time: %d", n)
		}
		if n, _ := s.DueCount(ctx, ann.ID, due); n != 1 {
			t.Fatalf("due at its time: %d, want 1", n)
		}
		if n, _ := s.DueCount(ctx, bob.ID, due); n != 0 {
			t.Fatalf("bob's due count: %d", n)
		}
		until := due.Add(3 * srs.Day)
		_, err = s.ChangeDrillCard(ctx, ann.ID, "l1-vs-l2", func(c store.DrillCard) (store.DrillCard, error) {
			c.Card, _ = c.Snooze(due, 3*srs.Day)
			c.SnoozedUntil = &until
			return c, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := s.DueCount(ctx, ann.ID, due.Add(srs.Day)); n != 0 {
			t.Fatalf("snoozed drill is due: %d", n)
		}
		c, _ := s.DrillCard(ctx, ann.ID, "l1-vs-l2")
		if c.SnoozedUntil == nil || !c.SnoozedUntil.Equal(until) || !c.Due.Equal(until) {
			t.Fatalf("snoozed card %+v", c)
		}
		s.ChangeDrillCard(ctx, ann.ID, "l1-vs-l2", func(c store.DrillCard) (store.DrillCard, error) { return store.DrillCard{Card: c.Retire()}, nil })
		if n, _ := s.DueCount(ctx, ann.ID, until.Add(100*srs.Day)); n != 0 {
			t.Fatalf("retired drill is due: %d", n)
		}
		s.ChangeDrillCard(ctx, ann.ID, "l1-vs-l2", func(c store.DrillCard) (store.DrillCard, error) {
			return store.DrillCard{Card: c.Restore(until)}, nil
		})
		if n, _ := s.DueCount(ctx, ann.ID, until); n != 1 {
			t.Fatalf("restored drill: due %d, want 1", n)
		}
		if _, err := s.ChangeDrillCard(ctx, bob.ID, "l1-vs-l2", func(c store.DrillCard) (store.DrillCard, error) { return c, nil }); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob changes a card he has not: %v", err)
		}
		s.SetClock(func() time.Time { return until.Add(-time.Hour) })
		if _, nav, err := s.UserWithCounts(ctx, ann.ID); err != nil || nav.Due != 0 {
			t.Fatalf("nav counts %+v, %v", nav, err)
		}
		s.SetClock(func() time.Time { return until.Add(time.Hour) })
		if _, nav, err := s.UserWithCounts(ctx, ann.ID); err != nil || nav.Due != 1 {
			t.Fatalf("nav counts after the clock moves: %+v, %v", nav, err)
		}
	})
}

func TestDrillSets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob := mustUser(t, s, "ann"), mustUser(t, s, "bob")
		set, err := s.CreateDrillSet(ctx, ann.ID, []string{"a", "b", "c", "d", "e"}, t0, t0.Add(25*time.Minute))
		if err != nil || set.ID == 0 {
			t.Fatalf("create set: %+v, %v", set, err)
		}
		got, err := s.DrillSet(ctx, ann.ID, set.ID)
		if err != nil || len(got.Drills) != 5 || got.Drills[4] != "e" || !got.Deadline.Equal(t0.Add(25*time.Minute)) || got.FinishedAt != nil {
			t.Fatalf("read set %+v, %v", got, err)
		}
		if _, err := s.DrillSet(ctx, bob.ID, set.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob reads ann's set: %v", err)
		}
		a := newAttempt(ann.ID, "a", 50, srs.Hard, t0.Add(30*time.Minute))
		a.SetID, a.Late = &set.ID, true
		if _, err := s.AddDrillAttempt(ctx, a, reviewAt(srs.Hard, a.CreatedAt)); err != nil {
			t.Fatal(err)
		}
		in, err := s.SetAttempts(ctx, ann.ID, set.ID)
		if err != nil || len(in) != 1 || !in[0].Late || in[0].SetID == nil || *in[0].SetID != set.ID {
			t.Fatalf("set attempts %+v, %v", in, err)
		}
		if in, _ := s.SetAttempts(ctx, bob.ID, set.ID); len(in) != 0 {
			t.Fatalf("bob sees %d of ann's set attempts", len(in))
		}
		if err := s.FinishDrillSet(ctx, bob.ID, set.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob finishes ann's set: %v", err)
		}
		end := t0.Add(20 * time.Minute)
		if err := s.FinishDrillSet(ctx, ann.ID, set.ID, end); err != nil {
			t.Fatal(err)
		}
		s.FinishDrillSet(ctx, ann.ID, set.ID, end.Add(time.Hour))
		if got, _ := s.DrillSet(ctx, ann.ID, set.ID); got.FinishedAt == nil || !got.FinishedAt.Equal(end) {
			t.Fatalf("finished at %v, want %v (the first finish)", got.FinishedAt, end)
		}
		if list, _ := s.DrillSets(ctx, ann.ID); len(list) != 1 {
			t.Fatalf("sets: %d", len(list))
		}

		// A loop: its case, and its design linked once.
		loop, err := s.CreateLoop(ctx, ann.ID, []string{"a", "b"}, "artwork-personalization", t0, t0.Add(time.Hour))
		if err != nil || loop.Kind != store.SetLoop {
			t.Fatalf("create loop %+v, %v", loop, err)
		}
		d := newDesign(ann.ID)
		if err := s.CreateDesign(ctx, d); err != nil {
			t.Fatal(err)
		}
		bd := newDesign(bob.ID)
		s.CreateDesign(ctx, bd)
		if err := s.SetLoopDesign(ctx, ann.ID, loop.ID, bd.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("link bob's design: %v", err)
		}
		if err := s.SetLoopDesign(ctx, bob.ID, loop.ID, bd.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob links to ann's loop: %v", err)
		}
		if err := s.SetLoopDesign(ctx, ann.ID, set.ID, d.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("link a design to a timed set: %v", err)
		}
		if err := s.SetLoopDesign(ctx, ann.ID, loop.ID, d.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetLoopDesign(ctx, ann.ID, loop.ID, d.ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("link twice: %v", err)
		}
		got, _ = s.DrillSet(ctx, ann.ID, loop.ID)
		if got.Case != "artwork-personalization" || got.DesignID == nil || *got.DesignID != d.ID || got.Kind != store.SetLoop {
			t.Fatalf("loop read back %+v", got)
		}
		if got, _ := s.DrillSet(ctx, ann.ID, set.ID); got.Kind != store.SetTimed || got.DesignID != nil {
			t.Fatalf("timed set read back %+v", got)
		}
	})
}
