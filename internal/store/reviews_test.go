package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

func submitted(t *testing.T, s *store.Store, owner int64) *design.Design {
	t.Helper()
	ctx := context.Background()
	d := newDesign(owner)
	if err := s.CreateDesign(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitDesign(ctx, owner, d.ID, d.Version, &rubric.Report{RubricVersion: 1, Score: 50}); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestReviewRulesInTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob, cat, eve := mustUser(t, s, "ann"), mustUser(t, s, "bob"), mustUser(t, s, "cat"), mustUser(t, s, "eve")
		mentor := mustUser(t, s, "mo")
		s.SetRole(ctx, mentor.ID, auth.RoleMentor)
		draft := newDesign(ann.ID)
		s.CreateDesign(ctx, draft)
		d := submitted(t, s, ann.ID)

		// The queue: others' submitted designs only.
		if q, _ := s.ReviewQueue(ctx, ann.ID); len(q) != 0 {
			t.Fatalf("ann's queue holds her own design: %+v", q)
		}
		if q, _ := s.ReviewQueue(ctx, bob.ID); len(q) != 1 || q[0].DesignID != d.ID {
			t.Fatalf("bob's queue: %+v", q)
		}
		// Blind: bob gets no owner and no title; a draft is not found.
		bd, role, err := s.DesignForReview(ctx, bob.ID, d.ID)
		if err != nil || role != review.ReviewerBefore || bd.OwnerID != 0 || bd.Title != "" {
			t.Fatalf("bob's view: %+v %v %v", bd, role, err)
		}
		if _, _, err := s.DesignForReview(ctx, bob.ID, draft.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob reads ann's draft: %v", err)
		}
		if md, role, _ := s.DesignForReview(ctx, mentor.ID, d.ID); role != review.Mentor || md.OwnerID != ann.ID {
			t.Fatalf("mentor's view: %+v %v", md, role)
		}
		// A mentor reads no draft but their own.
		if _, _, err := s.DesignForReview(ctx, mentor.ID, draft.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the mentor reads ann's draft: %v", err)
		}
		if _, _, err := s.ReviewsFor(ctx, mentor.ID, draft.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the mentor reads the reviews of ann's draft: %v", err)
		}
		if err := s.SettleItem(ctx, mentor.ID, draft.ID, "b", 1, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the mentor settles on ann's draft: %v", err)
		}
		own := newDesign(mentor.ID)
		s.CreateDesign(ctx, own)
		if od, role, err := s.DesignForReview(ctx, mentor.ID, own.ID); err != nil || role != review.Author || od.Title == "" {
			t.Fatalf("the mentor's own draft: %+v %v %v", od, role, err)
		}

		levels := review.Levels{"a": 3, "b": 0}
		if _, err := s.SubmitReview(ctx, bob.ID, d.ID, levels, nil, "x"); !errors.Is(err, store.ErrNotCalibrated) {
			t.Fatalf("uncalibrated review: %v", err)
		}
		if _, err := s.SubmitReview(ctx, ann.ID, d.ID, levels, nil, "x"); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("ann reviews her own design: %v", err)
		}
		for _, u := range []*auth.User{bob, cat} {
			if err := s.SaveCalibration(ctx, u.ID, d.Case, levels, levels, review.Calibrate([]string{"a", "b"}, levels, levels)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveCalibration(ctx, bob.ID, d.Case, levels, levels, review.Calibration{}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second calibration: %v", err)
		}
		if _, err := s.SubmitReview(ctx, bob.ID, draft.ID, levels, nil, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("review of a draft: %v", err)
		}
		// Before submitting, bob sees no reviews.
		if _, _, err := s.ReviewsFor(ctx, bob.ID, d.ID); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("bob sees reviews before his own: %v", err)
		}
		rid, err := s.SubmitReview(ctx, bob.ID, d.ID, levels, map[string]string{"a": "good"}, "bob's overall")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitReview(ctx, bob.ID, d.ID, levels, nil, "again"); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second review: %v", err)
		}
		s.SubmitReview(ctx, cat.ID, d.ID, review.Levels{"a": 1, "b": 2}, nil, "cat's overall")

		revs, role, err := s.ReviewsFor(ctx, bob.ID, d.ID)
		if err != nil || role != review.ReviewerAfter || len(revs) != 2 || !revs[0].Own || revs[1].ReviewerName != "" || revs[0].Comments["a"] != "good" {
			t.Fatalf("bob after: %+v %v %v", revs, role, err)
		}
		revs, role, _ = s.ReviewsFor(ctx, ann.ID, d.ID)
		if role != review.Author || len(revs) != 2 || revs[0].ReviewerName != "" || revs[0].ReviewerID != 0 {
			t.Fatalf("the author sees reviewers: %+v", revs)
		}
		revs, _, _ = s.ReviewsFor(ctx, mentor.ID, d.ID)
		if revs[0].ReviewerName != "bob" {
			t.Fatalf("the mentor does not see names: %+v", revs)
		}
		if _, _, err := s.ReviewsFor(ctx, eve.ID, d.ID); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("eve sees reviews: %v", err)
		}

		// Counts, seen, helpfulness, rulings.
		if w, u, _ := s.ReviewCounts(ctx, ann.ID); w != 0 || u != 2 {
			t.Fatalf("ann's counts: waiting %d unread %d", w, u)
		}
		if w, _, _ := s.ReviewCounts(ctx, eve.ID); w != 1 {
			t.Fatalf("eve's waiting %d", w)
		}
		// The navigation bar's user and counts come in one query.
		before := s.Statements()
		u, nav, err := s.UserWithCounts(ctx, ann.ID)
		if err != nil || u.Name != "ann" || nav.Waiting != 0 || nav.Unread != 2 {
			t.Fatalf("ann with counts: %+v %+v %v", u, nav, err)
		}
		if n := s.Statements() - before; n != 1 {
			t.Fatalf("UserWithCounts ran %d statements, want 1", n)
		}
		if u, nav, _ := s.UserWithCounts(ctx, eve.ID); u.Name != "eve" || nav.Waiting != 1 || nav.Unread != 0 {
			t.Fatalf("eve with counts: %+v %+v", u, nav)
		}
		if _, _, err := s.UserWithCounts(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("UserWithCounts of nobody: %v", err)
		}
		s.MarkReviewsSeen(ctx, ann.ID, d.ID)
		if _, u, _ := s.ReviewCounts(ctx, ann.ID); u != 0 {
			t.Fatalf("unread after reading: %d", u)
		}
		if err := s.RateReview(ctx, bob.ID, rid, 5); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("bob rates his own review: %v", err)
		}
		if err := s.RateReview(ctx, ann.ID, rid, 4); err != nil {
			t.Fatal(err)
		}
		if err := s.SettleItem(ctx, bob.ID, d.ID, "b", 2, "x"); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("bob settles: %v", err)
		}
		if err := s.SettleItem(ctx, mentor.ID, d.ID, "b", 1, "The guardrail lacks a threshold."); err != nil {
			t.Fatal(err)
		}
		if rs, _ := s.Rulings(ctx, d.ID); len(rs) != 1 || rs[0].Level != 1 || rs[0].MentorName != "mo" {
			t.Fatalf("rulings %+v", rs)
		}
		// The overview counts disputed items: "a" (bob 3, cat 1) is open,
		// "b" (0 and 2) is settled.
		if list, err := s.DesignsWithReviews(ctx); err != nil || len(list) != 1 || list[0].Reviews != 2 || list[0].Disputed != 1 || list[0].Settled != 1 {
			t.Fatalf("mentor overview %+v %v", list, err)
		}
		// On their own submitted design a mentor is its author: no names,
		// and no rulings.
		mine := submitted(t, s, mentor.ID)
		if err := s.SaveCalibration(ctx, eve.ID, mine.Case, levels, levels, review.Calibrate([]string{"a", "b"}, levels, levels)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitReview(ctx, eve.ID, mine.ID, review.Levels{"a": 0, "b": 0}, nil, "eve's"); err != nil {
			t.Fatal(err)
		}
		revs, role, err = s.ReviewsFor(ctx, mentor.ID, mine.ID)
		if err != nil || role != review.Author || len(revs) != 1 || revs[0].ReviewerName != "" {
			t.Fatalf("the mentor's own reviews: %+v %v %v", revs, role, err)
		}
		if err := s.SettleItem(ctx, mentor.ID, mine.ID, "a", 1, "x"); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("the mentor settles on their own design: %v", err)
		}
		revs, _, _ = s.ReviewsFor(ctx, ann.ID, d.ID)
		if *revs[0].Helpfulness != 4 {
			t.Fatal("helpfulness not kept")
		}
	})
}
