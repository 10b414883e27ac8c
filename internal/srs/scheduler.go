package srs

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Day is the length of one day of interval.
const Day = 24 * time.Hour

// Scheduler turns reviews into the next due time. Its zero value is not
// usable; start from NewScheduler and change fields as needed.
type Scheduler struct {
	Params           Params
	DesiredRetention float64         // probability of recall aimed for when a card comes due, in (0, 1)
	LearningSteps    []time.Duration // short steps of a new card before it is scheduled in days; none skips them
	RelearningSteps  []time.Duration // short steps after a lapse; none keeps a lapsed card in Review
	MaximumInterval  int             // longest interval, in days

	// Fuzz, when not nil, returns a number in [0, 1) used to spread an
	// interval of 3 days or more over a few nearby days (py-fsrs's fuzz
	// ranges), so that cards learnt together do not stay together. Nil,
	// the default, schedules deterministically.
	Fuzz func() float64
}

// NewScheduler returns FSRS-6 with its default weights, a desired retention
// of 0.9, learning steps of 1 and 10 minutes, a relearning step of 10
// minutes, a maximum interval of 36500 days and no fuzz: the defaults of
// py-fsrs, except that fuzz is off.
func NewScheduler() Scheduler {
	return Scheduler{
		Params:           DefaultParams,
		DesiredRetention: 0.9,
		LearningSteps:    []time.Duration{time.Minute, 10 * time.Minute},
		RelearningSteps:  []time.Duration{10 * time.Minute},
		MaximumInterval:  36500,
	}
}

// Validate returns an error for weights out of bounds, a desired retention
// outside (0, 1), a step that is not positive, or a maximum interval below
// one day.
func (s Scheduler) Validate() error {
	if err := s.Params.Validate(); err != nil {
		return err
	}
	if !(s.DesiredRetention > 0 && s.DesiredRetention < 1) {
		return fmt.Errorf("srs: desired retention %v is outside (0, 1)", s.DesiredRetention)
	}
	for _, st := range append(append([]time.Duration(nil), s.LearningSteps...), s.RelearningSteps...) {
		if st <= 0 {
			return fmt.Errorf("srs: step %v is not positive", st)
		}
	}
	if s.MaximumInterval < 1 {
		return fmt.Errorf("srs: maximum interval %d is below one day", s.MaximumInterval)
	}
	return nil
}

// IntervalDays returns the whole number of days after which a memory of
// the given stability falls to the desired retention: rounded, at least 1,
// at most the maximum interval.
func (s Scheduler) IntervalDays(stability float64) int {
	days := math.Round(s.Params.Interval(stability, s.DesiredRetention))
	return int(math.Min(math.Max(days, 1), float64(s.MaximumInterval)))
}

// Retrievability returns the probability that the card is recalled at now,
// counting whole days since its last review; 0 for a card never reviewed.
func (s Scheduler) Retrievability(c Card, now time.Time) float64 {
	if c.State == New || c.LastReview.IsZero() {
		return 0
	}
	return s.Params.Retrievability(float64(elapsedDays(c.LastReview, now)), c.Stability)
}

// ErrBadRating is returned by Review for a rating that is not one of the four.
var ErrBadRating = errors.New("srs: rating must be again, hard, good or easy")

// Review returns the card after a review with rating r at now: its new
// memory, state, step, due time and counts. The card passed in is not
// changed. A retired card may be reviewed and stays retired. It returns
// ErrBadRating for an unknown rating, and an error for a scheduler that
// does not validate or a damaged card. A now before the last review is
// counted as the same day.
func (s Scheduler) Review(c Card, r Rating, now time.Time) (Card, error) {
	if !r.Valid() {
		return c, ErrBadRating
	}
	if err := s.Validate(); err != nil {
		return c, err
	}
	if err := c.validate(); err != nil {
		return c, err
	}
	elapsed := elapsedDays(c.LastReview, now)
	if c.State == New {
		m := s.Params.First(r)
		c.Stability, c.Difficulty = m.Stability, m.Difficulty
		c.State, c.Step = Learning, 0
	} else {
		m := s.Params.Next(c.Memory(), elapsed, r, true)
		c.Stability, c.Difficulty = m.Stability, m.Difficulty
	}

	var wait time.Duration
	switch c.State {
	case Learning:
		wait = s.step(&c, r, s.LearningSteps)
	case Relearning:
		wait = s.step(&c, r, s.RelearningSteps)
	case Review:
		if r == Again {
			c.Lapses++
			if len(s.RelearningSteps) > 0 {
				c.State, c.Step = Relearning, 0
				wait = s.RelearningSteps[0]
				break
			}
		}
		wait = s.days(c.Stability)
	}
	c.Reps++
	c.LastReview = now
	c.Due = now.Add(wait)
	return c, nil
}

// Preview returns the card as each rating would leave it, indexed by
// rating (element 0 is unused), or the error Review would return.
func (s Scheduler) Preview(c Card, now time.Time) ([5]Card, error) {
	var out [5]Card
	for r := Again; r <= Easy; r++ {
		next, err := s.Review(c, r, now)
		if err != nil {
			return out, err
		}
		out[r] = next
	}
	return out, nil
}

// step moves a Learning or Relearning card along its steps and returns the
// wait until it is due; past the last step, or on Easy, it graduates to
// Review with an interval in days.
func (s Scheduler) step(c *Card, r Rating, steps []time.Duration) time.Duration {
	graduate := len(steps) == 0 || r == Easy ||
		(c.Step >= len(steps) && r != Again) ||
		(r == Good && c.Step+1 >= len(steps))
	if graduate {
		c.State, c.Step = Review, 0
		return s.days(c.Stability)
	}
	switch r {
	case Again:
		c.Step = 0
		return steps[0]
	case Hard:
		switch {
		case c.Step == 0 && len(steps) == 1:
			return steps[0] * 3 / 2
		case c.Step == 0:
			return (steps[0] + steps[1]) / 2
		}
		return steps[c.Step]
	}
	c.Step++
	return steps[c.Step]
}

// days returns the wait of a Review card: its interval in days, fuzzed if
// the scheduler has a random source.
func (s Scheduler) days(stability float64) time.Duration {
	ivl := s.IntervalDays(stability)
	if s.Fuzz != nil {
		ivl = s.fuzz(ivl)
	}
	return time.Duration(ivl) * Day
}

// fuzzRanges are py-fsrs's FUZZ_RANGES: the share of each stretch of an
// interval by which it may move.
var fuzzRanges = []struct{ start, end, factor float64 }{
	{2.5, 7, 0.15},
	{7, 20, 0.1},
	{20, math.Inf(1), 0.05},
}

func (s Scheduler) fuzz(ivl int) int {
	if float64(ivl) < 2.5 {
		return ivl
	}
	delta := 1.0
	for _, fr := range fuzzRanges {
		delta += fr.factor * math.Max(math.Min(float64(ivl), fr.end)-fr.start, 0)
	}
	lo := max(2, int(math.Round(float64(ivl)-delta)))
	hi := min(int(math.Round(float64(ivl)+delta)), s.MaximumInterval)
	lo = min(lo, hi)
	u := s.Fuzz()
	if !(u >= 0 && u < 1) {
		u = 0.5
	}
	return min(lo+int(u*float64(hi-lo+1)), hi)
}

// elapsedDays returns the whole days from last to now, 0 if last is zero
// or after now.
func elapsedDays(last, now time.Time) int {
	if last.IsZero() || !now.After(last) {
		return 0
	}
	return int(now.Sub(last) / Day)
}
