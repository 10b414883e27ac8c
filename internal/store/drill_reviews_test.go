package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/srs"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// addAttempt stores an attempt of userID at the drill slug.
func addAttempt(t *testing.T, s *store.Store, userID int64, slug string, at time.Time) *store.DrillAttempt {
	t.Helper()
	level := 2
	a := newAttempt(userID, slug, 70, srs.Good, at)
	a.Report = &rubric.Report{Case: slug, Score: 70, Items: []rubric.ItemResult{{ID: "penalties", Level: &level}}}
	if _, err := s.AddDrillAttempt(context.Background(), a, reviewAt(srs.Good, at)); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestDrillReviewRulesInTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann, bob, cyd := mustUser(t, s, "ann"), mustUser(t, s, "bob"), mustUser(t, s, "cyd")
		mo := mustUser(t, s, "mo")
		if err := s.SetRole(ctx, mo.ID, auth.RoleMentor); err != nil {
			t.Fatal(err)
		}
		old := addAttempt(t, s, ann.ID, "l1-vs-l2", t0)
		a := addAttempt(t, s, ann.ID, "l1-vs-l2", t0.Add(time.Hour))
		other := addAttempt(t, s, ann.ID, "p-values", t0.Add(2*time.Hour))

		// The queue: others' latest answer at each drill, oldest first; never one's own.
		if q, err := s.DrillReviewQueue(ctx, ann.ID); err != nil || len(q) != 0 {
			t.Fatalf("ann's queue holds her own answers: %+v %v", q, err)
		}
		q, err := s.DrillReviewQueue(ctx, bob.ID)
		if err != nil || len(q) != 2 || q[0].AttemptID != a.ID || q[1].AttemptID != other.ID || q[0].Reviews != 0 || !q[0].AnsweredAt.Equal(a.CreatedAt) {
			t.Fatalf("bob's queue: %+v %v", q, err)
		}

		// Blind, and without the report before the review.
		got, role, err := s.DrillAttemptForReview(ctx, bob.ID, a.ID)
		if err != nil || role != review.ReviewerBefore || got.UserID != 0 || got.Report != nil || got.Score != 0 || got.Answer != a.Answer {
			t.Fatalf("bob's view before his review: %+v %v %v", got, role, err)
		}
		if got, role, _ := s.DrillAttemptForReview(ctx, ann.ID, a.ID); role != review.Author || got.UserID != ann.ID || got.Report == nil {
			t.Fatalf("ann's view of her answer: %+v %v", got, role)
		}
		if got, role, _ := s.DrillAttemptForReview(ctx, mo.ID, a.ID); role != review.Mentor || got.UserID != ann.ID || got.Report == nil {
			t.Fatalf("the mentor's view: %+v %v", got, role)
		}
		if _, _, err := s.DrillAttemptForReview(ctx, bob.ID, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown attempt: %v", err)
		}

		levels := review.Levels{"penalties": 3, "effects": 0}
		rejected := []struct {
			name     string
			reviewer int64
			id       int64
			want     error
		}{
			{"before calibrating", bob.ID, a.ID, store.ErrNotCalibrated},
			{"her own answer", ann.ID, a.ID, store.ErrForbidden},
			{"an unknown answer", bob.ID, 1 << 40, store.ErrNotFound},
		}
		for _, r := range rejected {
			if _, err := s.SubmitDrillReview(ctx, r.reviewer, r.id, "ml-fundamentals", levels, nil, "x"); !errors.Is(err, r.want) {
				t.Fatalf("a review of %s: %v, want %v", r.name, err, r.want)
			}
		}
		if _, _, err := s.DrillReviewsFor(ctx, bob.ID, a.ID); !errors.Is(err, store.ErrForbidden) {
			t.Fatalf("bob sees reviews before his own: %v", err)
		}

		// Calibration is per pack, once.
		items := []string{"penalties", "effects"}
		known := review.Levels{"penalties": 3, "effects": 1}
		for _, u := range []int64{bob.ID, cyd.ID} {
			if err := s.SaveDrillCalibration(ctx, u, "ml-fundamentals", "l1-vs-l2", levels, review.Calibrate(items, levels, known)); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveDrillCalibration(ctx, bob.ID, "ml-fundamentals", "l1-vs-l2", levels, review.Calibration{}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("a second calibration: %v", err)
		}
		cals, err := s.DrillCalibrations(ctx, bob.ID)
		if err != nil || len(cals) != 1 || cals["ml-fundamentals"].Drill != "l1-vs-l2" || cals["ml-fundamentals"].Result.Accuracy != 0.75 {
			t.Fatalf("bob's calibrations: %+v %v", cals, err)
		}
		if _, err := s.SubmitDrillReview(ctx, bob.ID, other.ID, "experimentation", levels, nil, ""); !errors.Is(err, store.ErrNotCalibrated) {
			t.Fatalf("a review in a pack bob has not calibrated on: %v", err)
		}

		rid, err := s.SubmitDrillReview(ctx, bob.ID, a.ID, "ml-fundamentals", levels, map[string]string{"effects": "Swapped."}, "bob's overall")
		if err != nil || rid == 0 {
			t.Fatal(err)
		}
		if _, err := s.SubmitDrillReview(ctx, bob.ID, a.ID, "ml-fundamentals", levels, nil, "again"); !errors.Is(err, store.ErrExists) {
			t.Fatalf("a second review: %v", err)
		}
		if _, err := s.SubmitDrillReview(ctx, cyd.ID, a.ID, "ml-fundamentals", review.Levels{"penalties": 1, "effects": 2}, nil, ""); err != nil {
			t.Fatal(err)
		}

		revs, role, err := s.DrillReviewsFor(ctx, bob.ID, a.ID)
		if err != nil || role != review.ReviewerAfter || len(revs) != 2 || !revs[0].Own || revs[0].Levels["penalties"] != 3 ||
			revs[0].Comments["effects"] != "Swapped." || revs[1].ReviewerName != "" || revs[1].ReviewerID != 0 {
			t.Fatalf("bob after his review: %+v %v %v", revs, role, err)
		}
		if got, role, _ := s.DrillAttemptForReview(ctx, bob.ID, a.ID); role != review.ReviewerAfter || got.UserID != 0 || got.Report == nil {
			t.Fatalf("bob's view after his review: %+v %v", got, role)
		}
		revs, role, _ = s.DrillReviewsFor(ctx, ann.ID, a.ID)
		if role != review.Author || len(revs) != 2 || revs[0].ReviewerName != "" || revs[0].ReviewerID != 0 || revs[0].Comment != "bob's overall" {
			t.Fatalf("the author sees reviewers: %+v", revs)
		}
		if revs, _, _ := s.DrillReviewsFor(ctx, mo.ID, a.ID); revs[0].ReviewerName != "bob" || revs[1].ReviewerName != "cyd" {
			t.Fatalf("the mentor does not see names: %+v", revs)
		}
		if counts, err := s.DrillReviewCounts(ctx, ann.ID, "l1-vs-l2"); err != nil || counts[a.ID] != 2 || counts[old.ID] != 0 {
			t.Fatalf("review counts %v %v", counts, err)
		}

		// Reviewed answers leave the reviewer's queue, and the others'
		// queues list them after answers with fewer reviews.
		if q, _ := s.DrillReviewQueue(ctx, bob.ID); len(q) != 1 || q[0].AttemptID != other.ID {
			t.Fatalf("bob's queue after his review: %+v", q)
		}
		if q, _ := s.DrillReviewQueue(ctx, mo.ID); len(q) != 2 || q[0].AttemptID != other.ID || q[1].Reviews != 2 {
			t.Fatalf("the mentor's queue: %+v", q)
		}
	})
}

// TestDrillAttemptKeepsItsFile: what an uploaded answer file says beyond
// its text is stored and read back.
func TestDrillAttemptKeepsItsFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ann := mustUser(t, s, "ann")
		written := t0.Add(-48 * time.Hour)
		a := newAttempt(ann.ID, "l1-vs-l2", 80, srs.Good, t0)
		a.FollowUp, a.FollowUpQuestion, a.AnsweredAt, a.Seconds = "Elastic net.", "Which penalty first?", &written, 312
		if _, err := s.AddDrillAttempt(ctx, a, reviewAt(srs.Good, t0)); err != nil {
			t.Fatal(err)
		}
		got, err := s.DrillAttempt(ctx, ann.ID, a.ID)
		if err != nil || got.FollowUp != "Elastic net." || got.FollowUpQuestion != "Which penalty first?" || got.AnsweredAt == nil ||
			!got.AnsweredAt.Equal(written) || got.Seconds != 312 || !got.CreatedAt.Equal(t0) {
			t.Fatalf("read back %+v, %v", got, err)
		}
		b := newAttempt(ann.ID, "l1-vs-l2", 80, srs.Good, t0.Add(time.Hour))
		if _, err := s.AddDrillAttempt(ctx, b, reviewAt(srs.Good, t0.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.DrillAttempt(ctx, ann.ID, b.ID); got.AnsweredAt != nil || got.Seconds != 0 || got.FollowUpQuestion != "" {
			t.Fatalf("an answer from the form: %+v", got)
		}
	})
}
