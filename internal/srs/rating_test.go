package srs

import (
	"math"
	"testing"
)

func TestRatingForScore(t *testing.T) {
	for _, tc := range []struct {
		score float64
		want  Rating
	}{
		{0, Again}, {49.99, Again}, {50, Hard}, {69.9, Hard}, {70, Good},
		{94.9, Good}, {95, Easy}, {100, Easy},
	} {
		got, err := RatingForScore(tc.score)
		if err != nil || got != tc.want {
			t.Errorf("RatingForScore(%v) = %v, %v; want %v", tc.score, got, err, tc.want)
		}
	}
	for _, bad := range []float64{-1, 100.5, math.NaN(), math.Inf(1)} {
		if r, err := RatingForScore(bad); err == nil {
			t.Errorf("RatingForScore(%v) = %v, want an error", bad, r)
		}
	}
	strict := Bands{Hard: 60, Good: 80, Easy: 100}
	if r, _ := strict.Rating(95); r != Good {
		t.Errorf("stricter bands: 95 is %v, want good", r)
	}
	if _, err := (Bands{Hard: 80, Good: 60, Easy: 90}).Rating(70); err == nil {
		t.Error("bands out of order were accepted")
	}
}

func TestRatingForPassAndLevel(t *testing.T) {
	if RatingForPass(true) != Good || RatingForPass(false) != Again {
		t.Error("pass is good, fail is again")
	}
	for level, want := range []Rating{Again, Hard, Good, Easy} {
		if got, err := RatingForLevel(level); err != nil || got != want {
			t.Errorf("level %d: %v, %v; want %v", level, got, err, want)
		}
	}
	if _, err := RatingForLevel(4); err == nil {
		t.Error("level 4 was accepted")
	}
}

func TestParseRating(t *testing.T) {
	for in, want := range map[string]Rating{"again": Again, " Hard ": Hard, "GOOD": Good, "4": Easy} {
		if got, err := ParseRating(in); err != nil || got != want {
			t.Errorf("ParseRating(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "5", "okay"} {
		if _, err := ParseRating(bad); err == nil {
			t.Errorf("ParseRating(%q) was accepted", bad)
		}
	}
	if Rating(7).String() != "rating(7)" || Good.String() != "good" || Relearning.String() != "relearning" {
		t.Error("names")
	}
}

func TestRatingText(t *testing.T) {
	for r := Again; r <= Easy; r++ {
		b, err := r.MarshalText()
		if err != nil || string(b) != r.String() {
			t.Fatalf("MarshalText(%d) = %q, %v", int(r), b, err)
		}
		var back Rating
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Fatalf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := Rating(0).MarshalText(); err == nil {
		t.Fatal("MarshalText(0) should fail")
	}
	var r Rating
	if err := r.UnmarshalText([]byte("superb")); err == nil {
		t.Fatal("UnmarshalText(superb) should fail")
	}
}
