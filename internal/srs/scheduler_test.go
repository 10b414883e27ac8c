package srs

import (
	"errors"
	"math"
	"testing"
	"time"
)

// start is the fake clock's first reading, the instant the reference
// implementations' tests start from (2022-11-29 12:30).
var start = time.Date(2022, 11, 29, 12, 30, 0, 0, time.UTC)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// wholeDays is the interval the reference tests record: the whole days
// from the last review to the due time (0 for a step of minutes).
func wholeDays(c Card) int { return int(c.Due.Sub(c.LastReview) / Day) }

// TestFirstReview reproduces ts-fsrs __tests__/FSRS-6.test.ts, "first
// repeat": a new card rated Again, Hard, Good or Easy.
func TestFirstReview(t *testing.T) {
	s := NewScheduler()
	next, err := s.Preview(NewCard(start), start)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		stability, difficulty float64
		days                  int
		state                 State
	}{
		Again: {0.212, 6.4133, 0, Learning},
		Hard:  {1.2931, 5.11217071, 0, Learning},
		Good:  {2.3065, 2.11810397, 0, Learning},
		Easy:  {8.2956, 1, 8, Review},
	}
	for r := Again; r <= Easy; r++ {
		c, w := next[r], want[r]
		if !near(c.Stability, w.stability, 1e-9) || !near(c.Difficulty, w.difficulty, 1e-8) {
			t.Errorf("%s: S=%v D=%v, want S=%v D=%v", r, c.Stability, c.Difficulty, w.stability, w.difficulty)
		}
		if got := wholeDays(c); got != w.days || c.State != w.state {
			t.Errorf("%s: %d days in %s, want %d days in %s", r, got, c.State, w.days, w.state)
		}
		if c.Reps != 1 || c.Lapses != 0 || !c.LastReview.Equal(start) {
			t.Errorf("%s: reps %d lapses %d last review %v, want 1, 0, %v", r, c.Reps, c.Lapses, c.LastReview, start)
		}
	}
}

// TestIntervalHistory reproduces ts-fsrs __tests__/FSRS-6.test.ts,
// "ivl_history": each review happens when the card comes due, fuzz off.
func TestIntervalHistory(t *testing.T) {
	ratings := []Rating{Good, Good, Good, Good, Good, Good, Again, Again, Good, Good, Good, Good, Good}
	want := []int{0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21}
	wantStates := []State{Learning, Review, Review, Review, Review, Review, Relearning, Relearning, Review, Review, Review, Review, Review}
	s := NewScheduler()
	c, now := NewCard(start), start
	for i, r := range ratings {
		var err error
		if c, err = s.Review(c, r, now); err != nil {
			t.Fatal(err)
		}
		if got := wholeDays(c); got != want[i] || c.State != wantStates[i] {
			t.Errorf("review %d (%s): %d days in %s, want %d in %s", i+1, r, got, c.State, want[i], wantStates[i])
		}
		now = c.Due
	}
	if c.Reps != len(ratings) || c.Lapses != 1 {
		t.Errorf("reps %d lapses %d, want %d and 1", c.Reps, c.Lapses, len(ratings))
	}
}

// memoryRatings and memoryDays are the history of ts-fsrs
// __tests__/FSRS-6.test.ts, "memory state", which cites fsrs-rs
// src/inference.rs (commit 037345f, lines 836-841): Again, then Good five
// times, 0, 0, 1, 3, 8 and 21 days apart.
var (
	memoryRatings = []Rating{Again, Good, Good, Good, Good, Good}
	memoryDays    = []int{0, 0, 1, 3, 8, 21}
)

// TestMemoryStateScheduler replays that history through the scheduler,
// reviewing at those times whatever the due time: S 53.62691, D 6.3574867.
func TestMemoryStateScheduler(t *testing.T) {
	s := NewScheduler()
	c, now := NewCard(start), start
	for i, r := range memoryRatings {
		now = now.Add(time.Duration(memoryDays[i]) * Day)
		var err error
		if c, err = s.Review(c, r, now); err != nil {
			t.Fatal(err)
		}
	}
	if !near(c.Stability, 53.62691, 1e-4) || !near(c.Difficulty, 6.3574867, 1e-4) {
		t.Errorf("S=%v D=%v, want 53.62691 and 6.3574867", c.Stability, c.Difficulty)
	}
}

// TestMemoryStateNext replays it through Params.Next, with and without the
// same-day formula: ts-fsrs's "memory state using next_state" gives S
// 53.62691 (short-term) and 53.335106 (long-term), D 6.3574867 for both.
func TestMemoryStateNext(t *testing.T) {
	for _, tc := range []struct {
		shortTerm bool
		wantS     float64
	}{{true, 53.62691}, {false, 53.335106}} {
		m := DefaultParams.First(memoryRatings[0])
		for i := 1; i < len(memoryRatings); i++ {
			m = DefaultParams.Next(m, memoryDays[i], memoryRatings[i], tc.shortTerm)
		}
		if !near(m.Stability, tc.wantS, 1e-4) || !near(m.Difficulty, 6.3574867, 1e-4) {
			t.Errorf("short-term %v: S=%v D=%v, want %v and 6.3574867", tc.shortTerm, m.Stability, m.Difficulty, tc.wantS)
		}
	}
}

// TestRetrievabilityAtDue reproduces ts-fsrs __tests__/FSRS-6.test.ts, "get
// retrievability": a card created at 04:00 and first rated at 04:05 has, at
// its due time, R 1 for Again, Hard and Good (due minutes later, same day)
// and 0.9024733 for Easy (due 8 days later with S 8.2956).
func TestRetrievabilityAtDue(t *testing.T) {
	s := NewScheduler()
	created := time.Date(2023, 12, 1, 4, 0, 0, 0, time.UTC)
	next, err := s.Preview(NewCard(created), created.Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{Again: 1, Hard: 1, Good: 1, Easy: 0.9024733}
	for r := Again; r <= Easy; r++ {
		if got := s.Retrievability(next[r], next[r].Due); !near(got, want[r], 1e-7) {
			t.Errorf("%s: R at due = %v, want %v", r, got, want[r])
		}
	}
	if got := s.Retrievability(NewCard(created), created.Add(Day)); got != 0 {
		t.Errorf("new card: R = %v, want 0", got)
	}
}

// TestLearningSteps reproduces py-fsrs tests/test_basic.py, the
// *_learning_steps, test_review_state and test_relearning tests: with the
// default steps of 1 and 10 minutes, and 10 minutes to relearn.
func TestLearningSteps(t *testing.T) {
	s := NewScheduler()
	first := func(r Rating) Card {
		t.Helper()
		c, err := s.Review(NewCard(start), r, start)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		rating Rating
		state  State
		step   int
		wait   time.Duration
	}{
		{Again, Learning, 0, time.Minute},
		{Hard, Learning, 0, 330 * time.Second},
		{Good, Learning, 1, 10 * time.Minute},
		{Easy, Review, 0, 8 * Day},
	} {
		c := first(tc.rating)
		if c.State != tc.state || c.Step != tc.step || c.Due.Sub(start) != tc.wait {
			t.Errorf("%s: %s step %d due in %v, want %s step %d in %v", tc.rating, c.State, c.Step, c.Due.Sub(start), tc.state, tc.step, tc.wait)
		}
	}

	c := first(Good)
	c, _ = s.Review(c, Good, c.Due)
	if c.State != Review || c.Due.Sub(c.LastReview) < Day {
		t.Fatalf("second Good: %s due in %v, want Review in a day or more", c.State, c.Due.Sub(c.LastReview))
	}
	c, _ = s.Review(c, Good, c.Due)
	for i := range 2 {
		c, _ = s.Review(c, Again, c.Due)
		if c.State != Relearning || c.Step != 0 || c.Due.Sub(c.LastReview) != 10*time.Minute {
			t.Errorf("Again %d: %s step %d due in %v, want Relearning step 0 in 10m", i+1, c.State, c.Step, c.Due.Sub(c.LastReview))
		}
	}
	if c.Lapses != 1 {
		t.Errorf("lapses %d, want 1 (only Again in Review is a lapse)", c.Lapses)
	}
}

// TestRepeatedEasy reproduces py-fsrs test_repeated_correct_reviews: ten
// Easy reviews a microsecond apart bring difficulty down to exactly 1.
func TestRepeatedEasy(t *testing.T) {
	s := NewScheduler()
	c := NewCard(start)
	for i := range 10 {
		var err error
		if c, err = s.Review(c, Easy, start.Add(time.Duration(i)*time.Microsecond)); err != nil {
			t.Fatal(err)
		}
	}
	if c.Difficulty != 1 {
		t.Errorf("difficulty %v, want 1", c.Difficulty)
	}
}

func TestNoLearningSteps(t *testing.T) {
	s := NewScheduler()
	s.LearningSteps, s.RelearningSteps = nil, nil
	c, err := s.Review(NewCard(start), Good, start)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != Review || wholeDays(c) != 2 {
		t.Fatalf("Good on a new card: %s in %d days, want Review in 2 (S 2.3065)", c.State, wholeDays(c))
	}
	c, _ = s.Review(c, Again, c.Due)
	if c.State != Review || c.Lapses != 1 || wholeDays(c) < 1 {
		t.Errorf("Again with no relearning steps: %s in %d days, lapses %d; want Review in a day or more, 1 lapse", c.State, wholeDays(c), c.Lapses)
	}
}

// TestDesiredRetention checks the interval formula against the forgetting
// curve: after Interval(S, r) days recall is r, and a lower retention
// waits longer.
func TestDesiredRetention(t *testing.T) {
	p := DefaultParams
	for _, S := range []float64{0.5, 2.3065, 40, 900} {
		if got := p.Interval(S, 0.9); !near(got, S, 1e-9*S) {
			t.Errorf("Interval(%v, 0.9) = %v, want S itself", S, got)
		}
		prev := 0.0
		for _, r := range []float64{0.97, 0.9, 0.8, 0.7} {
			ivl := p.Interval(S, r)
			if got := p.Retrievability(ivl, S); !near(got, r, 1e-12) {
				t.Errorf("R(Interval(%v, %v)) = %v", S, r, got)
			}
			if ivl <= prev {
				t.Errorf("retention %v waits %v days, not longer than %v at a higher retention", r, ivl, prev)
			}
			prev = ivl
		}
	}
	s := NewScheduler()
	s.DesiredRetention = 0.8
	if got, want := s.IntervalDays(46), int(math.Round(p.Interval(46, 0.8))); got != want || got <= 46 {
		t.Errorf("retention 0.8, S 46: %d days, want %d (> 46)", got, want)
	}
	s.MaximumInterval = 30
	if got := s.IntervalDays(46); got != 30 {
		t.Errorf("capped at 30 days: got %d", got)
	}
	if got := s.IntervalDays(0.01); got != 1 {
		t.Errorf("tiny stability: %d days, want at least 1", got)
	}
}

// TestFuzz checks that fuzz stays within py-fsrs's range and is off by
// default: an interval of 100 days has a spread of 1 + 0.15·4.5 + 0.1·13 +
// 0.05·80 = 6.975 days, so it lands within 93..107.
func TestFuzz(t *testing.T) {
	s := NewScheduler()
	if got := s.days(100); got != 100*Day {
		t.Errorf("no fuzz: %v, want 100 days", got)
	}
	for _, tc := range []struct {
		u    float64
		want int
	}{{0, 93}, {0.5, 100}, {0.9999, 107}} {
		s.Fuzz = func() float64 { return tc.u }
		if got := s.fuzz(100); got != tc.want {
			t.Errorf("u=%v: %d days, want %d", tc.u, got, tc.want)
		}
	}
	if got := s.fuzz(2); got != 2 {
		t.Errorf("2 days are never fuzzed: got %d", got)
	}
}

func TestSnoozeRetire(t *testing.T) {
	c := NewCard(start)
	if !c.IsDue(start) || c.IsDue(start.Add(-time.Second)) {
		t.Fatal("a new card is due from its creation on")
	}
	later := start.Add(3 * Day)
	s, err := c.Snooze(later, 2*Day)
	if err != nil || !s.Due.Equal(later.Add(2*Day)) {
		t.Errorf("snoozing an overdue card: due %v (%v), want two days from now", s.Due, err)
	}
	s2, _ := s.Snooze(later, time.Hour)
	if !s2.Due.Equal(s.Due.Add(time.Hour)) {
		t.Errorf("snoozing a card not yet due pushes its due time: %v", s2.Due)
	}
	if _, err := c.Snooze(start, 0); !errors.Is(err, ErrBadDuration) {
		t.Errorf("zero snooze: %v, want ErrBadDuration", err)
	}
	r := c.Retire()
	if r.IsDue(start.Add(100 * 365 * Day)) {
		t.Error("a retired card is never due")
	}
	back := r.Restore(later)
	if !back.IsDue(later) || back.Retired {
		t.Error("a restored card is due again")
	}
	if c.Retired {
		t.Error("Retire changed the card it was called on")
	}
}

func TestReviewErrors(t *testing.T) {
	s := NewScheduler()
	if _, err := s.Review(NewCard(start), Rating(0), start); !errors.Is(err, ErrBadRating) {
		t.Errorf("rating 0: %v", err)
	}
	damaged := []Card{
		{State: State(9)},
		{State: Review, Stability: math.NaN(), Difficulty: 5, LastReview: start},
		{State: Review, Stability: 3, Difficulty: 11, LastReview: start},
		{State: Learning, Stability: 3, Difficulty: 5},
		{State: Learning, Step: -1},
	}
	for _, c := range damaged {
		if _, err := s.Review(c, Good, start); err == nil {
			t.Errorf("damaged card %+v was reviewed", c)
		}
	}
	bad := NewScheduler()
	bad.DesiredRetention = 1
	if _, err := bad.Review(NewCard(start), Good, start); err == nil {
		t.Error("retention 1 was accepted")
	}
	bad = NewScheduler()
	bad.Params[20] = 5
	if err := bad.Validate(); err == nil {
		t.Error("w20 = 5 was accepted")
	}
	bad = NewScheduler()
	bad.LearningSteps = []time.Duration{0}
	if err := bad.Validate(); err == nil {
		t.Error("a zero step was accepted")
	}
}

// TestClockBackwards checks that a review timed before the last one is
// taken as the same day, not as a negative interval.
func TestClockBackwards(t *testing.T) {
	s := NewScheduler()
	c, _ := s.Review(NewCard(start), Easy, start)
	back, err := s.Review(c, Good, start.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	same, _ := s.Review(c, Good, start)
	if back.Stability != same.Stability || back.Difficulty != same.Difficulty {
		t.Errorf("an hour back: S=%v D=%v, same instant: S=%v D=%v", back.Stability, back.Difficulty, same.Stability, same.Difficulty)
	}
}

// TestSameDayNeverLowers checks the same-day rule both reference
// schedulers apply: Good or Easy on the day of the last review never lowers
// stability (without the floor, Good at S 2.3065 would give 2.2938), while
// Again and Hard may.
func TestSameDayNeverLowers(t *testing.T) {
	m := DefaultParams.First(Good)
	for r := Again; r <= Easy; r++ {
		got := DefaultParams.Next(m, 0, r, true).Stability
		if r >= Good && got < m.Stability {
			t.Errorf("%s on the same day: S %v fell below %v", r, got, m.Stability)
		}
		if r == Again && got >= m.Stability {
			t.Errorf("Again on the same day: S %v, want below %v", got, m.Stability)
		}
	}
	if got := DefaultParams.Next(m, 0, Good, true).Stability; got != m.Stability {
		t.Errorf("Good on the same day at S %v: %v, want it unchanged", m.Stability, got)
	}
}
