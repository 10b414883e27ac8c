package rubric

import "testing"

func TestSplitSentences(t *testing.T) {
	got := splitSentences("We log impressions. The p99 is 0.5 s!\n- Replay on the explore slice; then an A/B test\n\n  Rules (e.g. win-back) apply. **Titles we never show never get a chance.** To fix that we explore (a little.) Then \"we stop.\" Done")
	want := []string{"We log impressions.", "The p99 is 0.5 s!", "Replay on the explore slice;", "then an A/B test", "Rules (e.g. win-back) apply.",
		"**Titles we never show never get a chance.**", "To fix that we explore (a little.)", "Then \"we stop.\"", "Done"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestIsProse(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"We evaluate offline by replay on the random explore slice.", true},
		{"Because the budget is tight, we cache the page for each member.", true},
		{"retention, engagement, cold start, A/B test, interleaving, CUPED", false},
		{"take fraction propensity replay contextual bandit exploration", false},
		{"cold start", false},
		{"About 250 million accounts, 190 countries, about 300 tests at once, over 1,000 a year.", true},
		{"CUPED, CUPAC, sequential tests, interleaving, 2 weeks", false},
		{"Use CUPED.", false},
		{"retention and engagement and interleaving and CUPED and guardrails and power", false},
		{"We re-check eligibility (cancelled, opted out, holdout, cap) just before sending.", true},
	} {
		toks := tokenize(tc.text)
		markKinds(toks)
		if got := isProse(tc.text, toks); got != tc.want {
			t.Errorf("isProse(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"An A/B test on 0.5% of traffic, 20,000 members.", []string{"an", "a/b", "test", "on", "0.5%", "of", "traffic", "20,000", "members"}},
		{"The no-contact group and non-personalized ranks.", []string{"the", "no-contact", "group", "and", "non-personalized", "ranks"}},
		{"postcode/city and n/a", []string{"postcode", "city", "and", "n/a"}},
		{"The member's history", []string{"the", "member", "history"}},
	} {
		var got []string
		for _, tk := range tokenize(tc.text) {
			got = append(got, tk.word)
		}
		if len(got) != len(tc.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("tokenize(%q) = %q, want %q", tc.text, got, tc.want)
				break
			}
		}
	}
}

// TestEverydayReasons: a reason given in everyday words counts as one.
func TestEverydayReasons(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"We keep the old rules ready in case the model stops answering.", true},
		{"Every page is checked twice; that way no child sees an adult title.", true},
		{"The list must be ready by six, or else the shops open without it.", true},
		{"We store the answer for fear of losing a day's work.", true},
		{"We keep the old rules in a folder.", false},
		{"In case study three we used the old rules.", false},
	} {
		ss := parseText(tt.text)
		got := false
		for i := range ss {
			got = got || hasReason(&ss[i])
		}
		if got != tt.want {
			t.Errorf("%q: reason %v, want %v", tt.text, got, tt.want)
		}
	}
}
