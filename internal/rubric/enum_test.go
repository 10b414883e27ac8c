package rubric

import "testing"

// TestOptionRun: the runs of short listed items a sentence holds, as a
// list of options is read.
func TestOptionRun(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int    // items in the longest run; 0 for none
		run  string // its words, from the first to the last
	}{
		{"Placement layers integer linear programming, knapsack heuristics, Lagrangian relaxation, submodular maximisation and greedy replica placement.", 5,
			"Placement layers integer linear programming, knapsack heuristics, Lagrangian relaxation, submodular maximisation and greedy replica placement"},
		{"Our objective spans churn reduction, incremental retention, lifetime value maximisation, net revenue, ROI on the $20M discount budget (versus the $18M spent today), member satisfaction, fairness and trust.", 8, ""},
		{"We log impressions, plays and pauses.", 0, ""},
		{"We compare the new ranker with the old one on a random tenth of members, for two weeks, because clicks alone mislead.", 0, ""},
		{"Rows come from rules, a ranker, a bandit, editors or search, in that order.", 5, ""},
		{"A, B, C and D.", 0, ""},
		{"In one sentence we weigh many things at once, because the case is hard: first the thing that costs most in a week of work, then the second.", 0, ""},
	} {
		s := parseText(tc.text)[0]
		from, to, n := optionRun(&s)
		if n != tc.want {
			t.Errorf("%q: a run of %d items, want %d", tc.text, n, tc.want)
			continue
		}
		if tc.run != "" {
			if got := s.text[s.tokens[from].start:s.tokens[to-1].end]; got != tc.run {
				t.Errorf("%q: run %q, want %q", tc.text, got, tc.run)
			}
		}
	}
}
