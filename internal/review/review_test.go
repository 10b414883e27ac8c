package review

import (
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want float64
	}{
		{[]int{2}, 2}, {[]int{3, 0, 1}, 1}, {[]int{0, 3}, 1.5}, {[]int{1, 1, 3, 3}, 2}, {[]int{0, 0, 0, 3, 3}, 0},
	} {
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median of nothing is a number")
	}
}

func TestDisputed(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want bool
	}{
		{nil, false}, {[]int{0}, false}, {[]int{1, 2}, false}, {[]int{1, 3}, true}, {[]int{3, 2, 2, 1}, true}, {[]int{2, 2, 3}, false}, {[]int{0, 3}, true},
	} {
		if got := Disputed(tc.in); got != tc.want {
			t.Errorf("Disputed(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	items := []string{"a", "b", "c"}
	reviews := []Levels{{"a": 3, "b": 0, "c": 2}, {"a": 2, "b": 3, "c": 2}, {"a": 3, "b": 1, "c": 2}}
	got := Summarize(items, reviews, map[string]int{"a": 3})
	if got[0].Median != 3 || got[0].Disputed || *got[0].Auto != 3 {
		t.Errorf("a: %+v", got[0])
	}
	if got[1].Median != 1 || !got[1].Disputed || got[1].Auto != nil {
		t.Errorf("b: %+v", got[1])
	}
	if got[2].Median != 2 || got[2].Disputed || len(got[2].Levels) != 3 {
		t.Errorf("c: %+v", got[2])
	}
}

func TestCalibrate(t *testing.T) {
	items := []string{"a", "b", "c"}
	c := Calibrate(items, Levels{"a": 3, "b": 1, "c": 0}, Levels{"a": 3, "b": 3, "c": 1})
	// a exact (1), b two off (0), c one off (½).
	if c.Gaps[1].Gap != -2 || c.Gaps[2].Gap != -1 || c.MeanAbsGap != 1 || math.Abs(c.Accuracy-0.5) > 1e-9 {
		t.Fatalf("%+v", c)
	}
	// Known levels that vary: answering the same level everywhere is poor.
	known := Levels{"a": 0, "b": 1, "c": 2, "d": 3}
	four := []string{"a", "b", "c", "d"}
	for _, l := range []int{0, 3} {
		if acc := Calibrate(four, Levels{"a": l, "b": l, "c": l, "d": l}, known).Accuracy; acc >= 0.5 {
			t.Errorf("answering %d everywhere scores %.2f", l, acc)
		}
	}
	if perfect := Calibrate(items, Levels{"a": 1, "b": 2, "c": 3}, Levels{"a": 1, "b": 2, "c": 3}); perfect.Accuracy != 1 {
		t.Errorf("exact levels: accuracy %v", perfect.Accuracy)
	}
	if worst := Calibrate(items, Levels{"a": 0, "b": 0, "c": 0}, Levels{"a": 3, "b": 3, "c": 3}); worst.Accuracy != 0 {
		t.Errorf("opposite levels: accuracy %v", worst.Accuracy)
	}
}

func TestValidate(t *testing.T) {
	items := []string{"a", "b"}
	if errs := Validate(items, Levels{"a": 1, "b": 3}, map[string]string{"a": "fine", "": "overall"}); len(errs) != 0 {
		t.Errorf("valid review: %v", errs)
	}
	errs := Validate(items, Levels{"a": 4, "x": 1}, map[string]string{"b": strings.Repeat("x", MaxComment+1)})
	if errs["a"] == "" || errs["b"] == "" || errs[""] == "" {
		t.Errorf("errors %v", errs)
	}
}

func TestViewFor(t *testing.T) {
	if v := ViewFor(ReviewerBefore); v.Reviews || v.AutoLevels {
		t.Error("a reviewer sees reviews or automatic levels before submitting")
	}
	if v := ViewFor(Stranger); v.Reviews {
		t.Error("a stranger sees reviews")
	}
	if v := ViewFor(Author); !v.Reviews || v.ReviewerNames {
		t.Error("the author must see reviews without reviewers' names")
	}
	if v := ViewFor(ReviewerAfter); !v.Reviews || v.ReviewerNames || v.AuthorName {
		t.Error("a reviewer after submitting sees reviews, but no names")
	}
	if v := ViewFor(Mentor); !v.ReviewerNames || !v.AuthorName {
		t.Error("a mentor sees everything")
	}
	if Label(ViewFor(Author), 2, "bob", false) != "Reviewer 2" || Label(ViewFor(Mentor), 2, "bob", false) != "bob" || Label(ViewFor(ReviewerAfter), 1, "bob", true) != "You" {
		t.Error("labels")
	}
}

func TestAgreementNeedsTwoReviews(t *testing.T) {
	three, one := 3, 1
	for _, tc := range []struct {
		levels  []int
		auto    *int
		settled bool
		want    string
	}{
		{nil, nil, false, "no reviews yet"},
		{[]int{1}, &three, false, "one review, 2 or more levels from the automatic level"},
		{[]int{3}, &three, false, "one review"},
		{[]int{2, 3}, &three, false, "agree"},
		{[]int{1, 1}, &three, false, "agree, 2 or more levels from the automatic level"},
		{[]int{0, 3}, &one, false, "disagreement"},
		{[]int{0, 3}, &one, true, "settled by mentor"},
	} {
		if got := Agreement(tc.levels, tc.auto, tc.settled); got != tc.want {
			t.Errorf("Agreement(%v, %v, %v) = %q, want %q", tc.levels, tc.auto, tc.settled, got, tc.want)
		}
	}
}
