package srs

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// State is where a card stands in its schedule.
type State int

// The states of a card.
const (
	New        State = iota // never reviewed
	Learning                // in its first short steps (minutes apart)
	Review                  // scheduled in whole days
	Relearning              // lapsed from Review, back in short steps
)

var stateNames = [...]string{New: "new", Learning: "learning", Review: "review", Relearning: "relearning"}

// String returns the state's name in lower case, or "state(N)" for a value
// that is not a state.
func (s State) String() string {
	if s < New || s > Relearning {
		return fmt.Sprintf("state(%d)", int(s))
	}
	return stateNames[s]
}

// Card is one learner's schedule for one drill. The zero LastReview means
// never reviewed. Stability and Difficulty are zero until the first review.
type Card struct {
	State      State     `json:"state"`
	Step       int       `json:"step"` // index into the (re)learning steps, while Learning or Relearning
	Stability  float64   `json:"stability"`
	Difficulty float64   `json:"difficulty"`
	Due        time.Time `json:"due"`
	LastReview time.Time `json:"last_review"`
	Reps       int       `json:"reps"`   // reviews so far
	Lapses     int       `json:"lapses"` // times rated Again while in Review
	Retired    bool      `json:"retired"`
}

// NewCard returns a card never reviewed, due at now.
func NewCard(now time.Time) Card { return Card{State: New, Due: now} }

// Memory returns the card's stability and difficulty.
func (c Card) Memory() Memory { return Memory{Stability: c.Stability, Difficulty: c.Difficulty} }

// IsDue reports whether the card is waiting for a review at now: it is not
// retired and its due time has come.
func (c Card) IsDue(now time.Time) bool { return !c.Retired && !c.Due.After(now) }

// ErrBadDuration is returned by Snooze for a duration that is not positive.
var ErrBadDuration = errors.New("srs: a snooze must be longer than zero")

// Snooze returns the card pushed back by d: due d after its due time, or d
// after now if it is already due, so a snoozed card is never due at once.
// Its memory does not change. A duration that is not positive is
// ErrBadDuration.
func (c Card) Snooze(now time.Time, d time.Duration) (Card, error) {
	if d <= 0 {
		return c, ErrBadDuration
	}
	from := c.Due
	if from.Before(now) {
		from = now
	}
	c.Due = from.Add(d)
	return c, nil
}

// Retire returns the card taken out of the schedule: never due again until
// Restore. Its memory is kept.
func (c Card) Retire() Card {
	c.Retired = true
	return c
}

// Restore returns a retired card back in the schedule, due at its old due
// time or at now, whichever is later.
func (c Card) Restore(now time.Time) Card {
	c.Retired = false
	if c.Due.Before(now) {
		c.Due = now
	}
	return c
}

// validate returns an error for a card no scheduler could have made, such
// as one read back damaged from storage.
func (c Card) validate() error {
	switch {
	case c.State < New || c.State > Relearning:
		return fmt.Errorf("srs: card has unknown state %d", int(c.State))
	case c.Step < 0 || c.Reps < 0 || c.Lapses < 0:
		return errors.New("srs: card has a negative step, reps or lapses")
	case c.State == New:
		return nil
	case !(c.Stability >= minStability) || math.IsInf(c.Stability, 0):
		return fmt.Errorf("srs: card has stability %v", c.Stability)
	case !(c.Difficulty >= 1 && c.Difficulty <= 10):
		return fmt.Errorf("srs: card has difficulty %v outside 1..10", c.Difficulty)
	case c.LastReview.IsZero():
		return fmt.Errorf("srs: card in state %s was never reviewed", c.State)
	}
	return nil
}
