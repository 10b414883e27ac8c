// Package srs schedules drills for review with FSRS-6, the Free Spaced
// Repetition Scheduler, version 6.
//
// A Card carries a learner's memory of one drill: its stability (the number
// of days after which recall falls to 90%), its difficulty (1 to 10), its
// state (New, Learning, Review, Relearning), its step among the short
// learning steps, when it is due, when it was last reviewed, and how many
// reviews and lapses it has had. A Scheduler turns a card and a Rating
// (Again, Hard, Good, Easy) given at a time into the next card. Time is
// always passed in; nothing here reads the clock, so the same inputs give
// the same card. Fuzz (a small random spread of long intervals) is off
// unless a Scheduler is given a random source.
//
// Source of the formulas and the default parameters. FSRS is published by
// the open-spaced-repetition project. The formulas below follow its Python
// scheduler, py-fsrs (fsrs/scheduler.py, the FSRS-6 version with 21
// parameters, learning and relearning steps and fuzz ranges), checked
// against its TypeScript scheduler, ts-fsrs (src/fsrs/algorithm_generic.ts).
// The 21 default parameters are py-fsrs's DEFAULT_PARAMETERS, the same that
// ts-fsrs's __tests__/FSRS-6.test.ts uses. In our words:
//
//   - forgetting curve: R(t, S) = (1 + F·t/S)^(-w20), with F chosen so that
//     R(S, S) = 0.9, that is F = 0.9^(-1/w20) - 1;
//   - interval for a desired retention r: I = S/F · (r^(-1/w20) - 1), rounded
//     to whole days, at least 1 and at most the maximum interval;
//   - first review with grade G (1..4): S0 = w[G-1], D0 = w4 - e^(w5·(G-1)) + 1;
//   - difficulty after grade G: step D by -w6·(G-3), damped by (10-D)/9, then
//     pull it towards D0(Easy) by the weight w7; kept within 1..10;
//   - stability after a recall (Hard, Good, Easy) at retrievability R:
//     S·(1 + e^w8·(11-D)·S^(-w9)·(e^(w10·(1-R)) - 1)·h·b), h = w15 for Hard,
//     b = w16 for Easy, 1 otherwise;
//   - stability after a lapse (Again): w11·D^(-w12)·((S+1)^w13 - 1)·e^(w14·(1-R)),
//     but no more than S/e^(w17·w18);
//   - a review on the same day as the last: S·e^(w17·(G-3+w18))·S^(-w19),
//     and for Good and Easy never below S.
//
// Elapsed time is counted in whole days (the floor of the time since the last
// review), as both reference schedulers do.
package srs

import (
	"fmt"
	"math"
)

// Params are the 21 FSRS-6 weights w0..w20.
type Params [21]float64

// DefaultParams are FSRS-6's published default weights (py-fsrs
// DEFAULT_PARAMETERS; ts-fsrs __tests__/FSRS-6.test.ts).
var DefaultParams = Params{
	0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722,
	0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425,
	0.0912, 0.0658, 0.1542,
}

// minStability is the smallest stability a card may have, in days.
const minStability = 0.001

// The bounds within which each weight must lie (py-fsrs
// LOWER_BOUNDS_PARAMETERS and UPPER_BOUNDS_PARAMETERS).
var (
	lowerBounds = Params{
		minStability, minStability, minStability, minStability, 1, 0.001, 0.001, 0.001, 0, 0,
		0.001, 0.001, 0.001, 0.001, 0, 0, 1, 0, 0, 0, 0.1,
	}
	upperBounds = Params{
		100, 100, 100, 100, 10, 4, 4, 0.75, 4.5, 0.8,
		3.5, 5, 0.25, 0.9, 4, 1, 6, 2, 2, 0.8, 0.8,
	}
)

// Validate returns an error naming the first weight that is not a number
// or lies outside FSRS-6's bounds.
func (p Params) Validate() error {
	for i, w := range p {
		if math.IsNaN(w) || w < lowerBounds[i] || w > upperBounds[i] {
			return fmt.Errorf("srs: weight w%d = %v is outside %v..%v", i, w, lowerBounds[i], upperBounds[i])
		}
	}
	return nil
}

func (p Params) decay() float64 { return -p[20] }

// factor is F in R(t, S) = (1 + F·t/S)^decay, chosen so that R(S, S) = 0.9.
func (p Params) factor() float64 { return math.Pow(0.9, 1/p.decay()) - 1 }

// Retrievability returns the probability of recall after elapsedDays days
// for a memory of the given stability: 1 at zero days, 0.9 at stability
// days, falling towards 0. A stability that is not positive gives 0.
func (p Params) Retrievability(elapsedDays, stability float64) float64 {
	if !(stability > 0) {
		return 0
	}
	return math.Pow(1+p.factor()*math.Max(elapsedDays, 0)/stability, p.decay())
}

// Interval returns the number of days, not rounded, after which the
// probability of recall falls to retention for a memory of the given
// stability. Retention must lie in (0, 1).
func (p Params) Interval(stability, retention float64) float64 {
	return stability / p.factor() * (math.Pow(retention, 1/p.decay()) - 1)
}

// Memory is the state FSRS keeps of a learner's memory of an item.
type Memory struct {
	Stability  float64 // days after which recall falls to 90%
	Difficulty float64 // 1 (easiest) to 10 (hardest)
}

// First returns the memory after the first review of an item.
func (p Params) First(r Rating) Memory {
	return Memory{
		Stability:  math.Max(p[r-1], minStability),
		Difficulty: clampDifficulty(p.initialDifficulty(r)),
	}
}

// Next returns the memory after a review with rating r, elapsedDays whole
// days after the previous one. With shortTerm, a review on the same day
// (elapsedDays 0) uses FSRS-6's same-day formula and a lapse is capped by
// it, as the Scheduler does; without it, every review uses the long-term
// formulas, as ts-fsrs does with enable_short_term off.
func (p Params) Next(m Memory, elapsedDays int, r Rating, shortTerm bool) Memory {
	s, d := m.Stability, m.Difficulty
	var next float64
	switch {
	case shortTerm && elapsedDays <= 0:
		next = p.sameDayStability(s, r)
	case r == Again:
		next = p.lapseStability(d, s, p.Retrievability(float64(elapsedDays), s), shortTerm)
	default:
		next = p.recallStability(d, s, p.Retrievability(float64(elapsedDays), s), r)
	}
	return Memory{Stability: math.Max(next, minStability), Difficulty: p.nextDifficulty(d, r)}
}

func (p Params) initialDifficulty(r Rating) float64 {
	return p[4] - math.Exp(p[5]*float64(r-1)) + 1
}

func (p Params) nextDifficulty(d float64, r Rating) float64 {
	delta := -p[6] * float64(r-3)
	damped := d + (10-d)*delta/9
	return clampDifficulty(p[7]*p.initialDifficulty(Easy) + (1-p[7])*damped)
}

func (p Params) recallStability(d, s, retr float64, r Rating) float64 {
	bonus := 1.0
	switch r {
	case Hard:
		bonus = p[15]
	case Easy:
		bonus = p[16]
	}
	return s * (1 + math.Exp(p[8])*(11-d)*math.Pow(s, -p[9])*(math.Exp((1-retr)*p[10])-1)*bonus)
}

func (p Params) lapseStability(d, s, retr float64, capped bool) float64 {
	long := p[11] * math.Pow(d, -p[12]) * (math.Pow(s+1, p[13]) - 1) * math.Exp((1-retr)*p[14])
	if !capped {
		return long
	}
	return math.Min(long, s/math.Exp(p[17]*p[18]))
}

func (p Params) sameDayStability(s float64, r Rating) float64 {
	inc := math.Exp(p[17]*(float64(r)-3+p[18])) * math.Pow(s, -p[19])
	if r >= Good {
		inc = math.Max(inc, 1)
	}
	return s * inc
}

func clampDifficulty(d float64) float64 { return math.Min(math.Max(d, 1), 10) }
