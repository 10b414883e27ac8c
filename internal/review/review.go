// Package review holds the rules of peer review: who may review and see
// what, how peer levels are aggregated and disagreement flagged, and how a
// reviewer's calibration against a reference design is measured.
package review

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxComment is the longest comment, in characters.
const MaxComment = 4000

// DisagreementSpread is the spread of peer levels on an item (highest minus
// lowest) from which the item is flagged as disputed.
const DisagreementSpread = 2

// Role is how a user stands to a design.
type Role int

// The roles, from the least to the most that may be seen.
const (
	Stranger       Role = iota // signed in, has not reviewed the design
	ReviewerBefore             // eligible, has not submitted a review yet
	ReviewerAfter              // has submitted a review of the design
	Author                     // wrote the design
	Mentor                     // sees everything
)

// View is what a role may see of a design's reviews.
type View struct {
	Reviews       bool // the reviews, with levels and comments
	ReviewerNames bool // who wrote each review
	AuthorName    bool // who wrote the design
	AutoLevels    bool // the automatic levels beside the peer levels
}

// ViewFor returns what role may see. A reviewer sees other reviews and the
// automatic levels only after submitting their own, so neither anchors the
// review; the author sees reviews without reviewers' names; only a mentor
// sees names.
func ViewFor(r Role) View {
	switch r {
	case Mentor:
		return View{Reviews: true, ReviewerNames: true, AuthorName: true, AutoLevels: true}
	case Author:
		return View{Reviews: true, AutoLevels: true}
	case ReviewerAfter:
		return View{Reviews: true, AutoLevels: true}
	}
	return View{}
}

// Levels maps a rubric item id to a level from 0 to 3.
type Levels map[string]int

// Validate checks that levels give every item of items a level from 0 to
// 3 and name no other item, and that comments are of items and not too long.
// It returns a message per problem, keyed by item id ("" for the whole).
func Validate(items []string, levels Levels, comments map[string]string) map[string]string {
	errs := map[string]string{}
	for _, id := range items {
		l, ok := levels[id]
		switch {
		case !ok:
			errs[id] = "Give a level from 0 to 3."
		case l < 0 || l > 3:
			errs[id] = "The level must be 0, 1, 2 or 3."
		}
	}
	for id := range levels {
		if !slices.Contains(items, id) {
			errs[""] = fmt.Sprintf("Unknown rubric item %q.", id)
		}
	}
	for id, c := range comments {
		if id != "" && !slices.Contains(items, id) {
			errs[""] = fmt.Sprintf("A comment on an unknown rubric item %q.", id)
		}
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxComment {
			key := id
			errs[key] = fmt.Sprintf("Comments are text of at most %d characters.", MaxComment)
		}
	}
	return errs
}

// Median returns the median of levels; for an even count, the mean of the
// two middle ones. It returns NaN for no levels.
func Median(levels []int) float64 {
	if len(levels) == 0 {
		return math.NaN()
	}
	s := slices.Clone(levels)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// Disputed reports whether peer levels spread by DisagreementSpread or more.
func Disputed(levels []int) bool {
	if len(levels) < MinForAgreement {
		return false
	}
	return slices.Max(levels)-slices.Min(levels) >= DisagreementSpread
}

// MinForAgreement is how many reviews an item needs before its peers can be
// said to agree: one review agrees with nobody.
const MinForAgreement = 2

// Agreement says in words how the peer levels of an item stand: "settled
// by mentor" once a mentor has ruled, "disagreement" when they spread by
// DisagreementSpread or more, "agree" from MinForAgreement reviews, or how
// few reviews there are. When a peer level is DisagreementSpread or more
// from the automatic level auto, it says so.
func Agreement(levels []int, auto *int, settled bool) string {
	far := ""
	if auto != nil {
		for _, l := range levels {
			if abs(l-*auto) >= DisagreementSpread {
				far = fmt.Sprintf(", %d or more levels from the automatic level", DisagreementSpread)
				break
			}
		}
	}
	switch {
	case settled:
		return "settled by mentor"
	case Disputed(levels):
		return "disagreement"
	case len(levels) == 0:
		return "no reviews yet"
	case len(levels) < MinForAgreement:
		return "one review" + far
	}
	return "agree" + far
}

// ItemSummary aggregates the peer levels of one rubric item.
type ItemSummary struct {
	ItemID   string  `json:"item"`
	Levels   []int   `json:"levels"`
	Median   float64 `json:"median"`
	Disputed bool    `json:"disputed"`
	Auto     *int    `json:"auto_level,omitempty"`
}

// Summarize aggregates reviews (each a Levels) per item, in the order of
// items, with the automatic level beside each when auto has it.
func Summarize(items []string, reviews []Levels, auto map[string]int) []ItemSummary {
	out := make([]ItemSummary, 0, len(items))
	for _, id := range items {
		s := ItemSummary{ItemID: id, Levels: []int{}}
		for _, r := range reviews {
			if l, ok := r[id]; ok {
				s.Levels = append(s.Levels, l)
			}
		}
		if len(s.Levels) > 0 {
			s.Median = Median(s.Levels)
		}
		s.Disputed = Disputed(s.Levels)
		if a, ok := auto[id]; ok {
			s.Auto = &a
		}
		out = append(out, s)
	}
	return out
}

// Gap is the difference between a reviewer's level and the known level of
// one item of a reference design.
type Gap struct {
	ItemID string `json:"item"`
	Given  int    `json:"given"`
	Known  int    `json:"known"`
	Gap    int    `json:"gap"` // given minus known
}

// Calibration is how close a reviewer came to a calibration design's
// known levels.
type Calibration struct {
	Gaps []Gap `json:"gaps"`
	// MeanAbsGap is the mean absolute gap, from 0 (exact) to 3.
	MeanAbsGap float64 `json:"mean_abs_gap"`
	// Accuracy credits each item 1 for the known level, ½ for one level
	// off and 0 otherwise, averaged over the items. With known levels that
	// vary by item, a reviewer who answers one level everywhere scores low.
	Accuracy float64 `json:"accuracy"`
}

// Calibrate compares given levels with known ones over items.
func Calibrate(items []string, given, known Levels) Calibration {
	var c Calibration
	total, credit := 0, 0.0
	for _, id := range items {
		g, k := given[id], known[id]
		c.Gaps = append(c.Gaps, Gap{ItemID: id, Given: g, Known: k, Gap: g - k})
		total += abs(g - k)
		switch abs(g - k) {
		case 0:
			credit++
		case 1:
			credit += 0.5
		}
	}
	if len(items) > 0 {
		c.MeanAbsGap = float64(total) / float64(len(items))
		c.Accuracy = credit / float64(len(items))
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Label returns the name a role sees for the n-th review (from 1): the
// reviewer's name when names may be seen, "You" for the viewer's own review,
// "Reviewer n" otherwise.
func Label(v View, n int, reviewerName string, own bool) string {
	switch {
	case own:
		return "You"
	case v.ReviewerNames:
		return reviewerName
	}
	return fmt.Sprintf("Reviewer %d", n)
}

// CleanComment trims a comment and turns CRLF into LF.
func CleanComment(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
