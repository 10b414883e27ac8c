package srs

import (
	"fmt"
	"math"
	"strings"
)

// Rating is how well a review went, FSRS's four grades.
type Rating int

// The four ratings, from forgotten to effortless.
const (
	Again Rating = 1 + iota // forgotten, or wrong
	Hard                    // recalled with serious difficulty
	Good                    // recalled
	Easy                    // recalled without effort
)

var ratingNames = [...]string{Again: "again", Hard: "hard", Good: "good", Easy: "easy"}

// Valid reports whether r is one of the four ratings.
func (r Rating) Valid() bool { return r >= Again && r <= Easy }

// String returns the rating's name in lower case ("again", "hard", "good",
// "easy"), or "rating(N)" for a value that is not a rating.
func (r Rating) String() string {
	if !r.Valid() {
		return fmt.Sprintf("rating(%d)", int(r))
	}
	return ratingNames[r]
}

// ParseRating reads a rating by its name (any case) or its number 1..4, and
// returns an error for anything else.
func ParseRating(s string) (Rating, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for r := Again; r <= Easy; r++ {
		if t == ratingNames[r] || t == fmt.Sprint(int(r)) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("srs: %q is not a rating (again, hard, good or easy)", s)
}

// Bands are the lowest automatic scores, out of 100, that earn Hard, Good
// and Easy; a score below Hard earns Again.
type Bands struct {
	Hard, Good, Easy float64
}

// DefaultBands map a score to a rating thus: below 50 Again (most of the
// answer was missing or wrong), 50 to under 70 Hard, 70 to under 95 Good,
// 95 and above Easy. Easy is kept for near-perfect work because FSRS
// multiplies the growth of stability by w16 (about 1.9) for it, so an
// automatic Easy that the learner did not feel would stretch the next
// interval too far.
var DefaultBands = Bands{Hard: 50, Good: 70, Easy: 95}

// RatingForScore maps an automatic score from 0 to 100 to a rating by the
// default bands. It is only a proposal: the caller shows it and lets the
// learner pick another rating before the review is recorded. A score that
// is not a number or lies outside 0..100 is an error.
func RatingForScore(score float64) (Rating, error) { return DefaultBands.Rating(score) }

// Rating maps an automatic score from 0 to 100 to a rating by these bands,
// or returns an error for a score outside 0..100 or bands out of order.
func (b Bands) Rating(score float64) (Rating, error) {
	if math.IsNaN(score) || score < 0 || score > 100 {
		return 0, fmt.Errorf("srs: score %v is outside 0..100", score)
	}
	if !(0 < b.Hard && b.Hard <= b.Good && b.Good <= b.Easy && b.Easy <= 100) {
		return 0, fmt.Errorf("srs: bands %v, %v, %v are not in order within 0..100", b.Hard, b.Good, b.Easy)
	}
	switch {
	case score >= b.Easy:
		return Easy, nil
	case score >= b.Good:
		return Good, nil
	case score >= b.Hard:
		return Hard, nil
	}
	return Again, nil
}

// RatingForPass maps a pass or fail check, such as a SQL answer, to Good or
// Again. Like RatingForScore it is a proposal the learner may change.
func RatingForPass(pass bool) Rating {
	if pass {
		return Good
	}
	return Again
}

// RatingForLevel maps a rubric level 0..3 to the rating in the same place
// (0 Again, 1 Hard, 2 Good, 3 Easy), or returns an error for another level.
func RatingForLevel(level int) (Rating, error) {
	if level < 0 || level > 3 {
		return 0, fmt.Errorf("srs: level %d is outside 0..3", level)
	}
	return Rating(level + 1), nil
}

// MarshalText writes the rating by its name, so that JSON reads "good"
// rather than 3. A value that is not a rating is an error.
func (r Rating) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("srs: %d is not a rating", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads a rating as ParseRating does.
func (r *Rating) UnmarshalText(b []byte) error {
	v, err := ParseRating(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}
