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

// TestAltWords: the words of brackets and slash runs that name tools or
// methods to pick from, and the ones that do not.
func TestAltWords(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"We leverage a centralised feature store (Feast / Tecton / in-house) for training.", 4},
		{"Caching via a distributed key-value store (EVCache / Redis / Cassandra).", 3},
		{"Orchestration via Airflow / Kubeflow / Metaflow for the jobs.", 3},
		{"Policy optimisation under the budget (knapsack, integer linear programming, greedy heuristics).", 6},
		// figures, pairs and long items are not alternatives
		{"Latency is tracked at (p50, p90, p99) per device.", 0},
		{"Viewing hours over 1 / 7 / 28 days feed the model.", 0},
		{"The cache key is (country, language) for every prefix.", 0},
		{"We keep a random tenth of members on the old way (the unchanged group, which sees today's row, and is never treated) for a year.", 0},
		{"The ML objective is CATE / ITE / uplift per member.", 3},
		{"Models are refreshed daily and/or weekly.", 0},
	}
	for _, tc := range tests {
		s := parseText(tc.text)[0]
		if got := altWords(&s); got != tc.want {
			t.Errorf("altWords(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
