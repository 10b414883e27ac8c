package rubric

import (
	"testing"
)

func TestSplitSentences(t *testing.T) {
	got := splitSentences("We log impressions. The p99 is 0.5 s!\n- Replay on the explore slice; then an A/B test\n\n  ")
	want := []string{"We log impressions.", "The p99 is 0.5 s!", "Replay on the explore slice;", "then an A/B test"}
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
		{"Use CUPED.", false},
		{"retention and engagement and interleaving and CUPED and guardrails and power", false},
	} {
		toks := tokenize(tc.text)
		if got := isProse(tc.text, toks); got != tc.want {
			t.Errorf("isProse(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestPhraseFind(t *testing.T) {
	for _, tc := range []struct {
		phrase, text string
		want         int
	}{
		{"cold start", "We handle cold-start members with popular rows.", 1},
		{"cold-start", "New titles have a cold start problem.", 1},
		{"guardrail", "We watch two guardrails during the test.", 1},
		{"policy", "The policies differ per country.", 1},
		{"bandit", "Bandits explore.", 1},
		{"a/b test", "Then an A/B test on retention.", 1},
		{"rank", "The rankings stage orders titles.", 0}, // whole words, one inflection only
		{"cache", "The cacheless path.", 0},
		{"cache", "We cached the rows and keep caching.", 2},
		{"rebuffer", "Rebuffering doubled.", 1},
		{"ndcg", "NDCG@10 rises.", 1},
		{"member", "Each member's history matters.", 1},
	} {
		got := len(newPhrase(tc.phrase).find(tokenize(tc.text)))
		if got != tc.want {
			t.Errorf("find(%q in %q) = %d, want %d", tc.phrase, tc.text, got, tc.want)
		}
	}
}

func TestDenied(t *testing.T) {
	for _, tc := range []struct {
		phrase, text string
		want         bool
	}{
		{"exploration", "There is no exploration in this design.", true},
		{"a/b test", "An A/B test is unnecessary here.", true},
		{"a/b test", "We skip the A/B test to save time.", true},
		{"fallback", "The page renders without a fallback.", true},
		{"a/b test", "An A/B test is not needed for this.", true},
		{"clicks", "We optimise quality plays rather than clicks.", true},
		{"clicks", "We optimise quality plays instead of clicks.", true},
		{"exploration", "We keep exploration small, but never zero.", false},
		{"exploration", "Without logs we are blind, so exploration is logged with propensities.", false},
		{"risk", "Target by uplift, not only risk.", false},
		{"fallback", "If the ranker is late, we serve the fallback list.", false},
		{"a/b test", "The A/B test runs for two weeks with a guardrail on play delay.", false},
	} {
		p := newPhrase(tc.phrase)
		toks := tokenize(tc.text)
		at := p.find(toks)
		if len(at) == 0 {
			t.Fatalf("%q not found in %q", tc.phrase, tc.text)
		}
		if got := denied(toks, at[0], len(p.words)); got != tc.want {
			t.Errorf("denied(%q in %q) = %v, want %v", tc.phrase, tc.text, got, tc.want)
		}
	}
}
