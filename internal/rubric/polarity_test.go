package rubric

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/casebench/casebench/internal/lexicon"
)

// firstMention compiles form, finds its first match in text and returns the
// sentence and span, or false.
func firstMention(t *testing.T, formText, text string) (*sentence, span, bool) {
	t.Helper()
	v := newVocab()
	f, err := compileForm(v, lexicon.Default(), formText)
	if err != nil {
		t.Fatalf("compile %q: %v", formText, err)
	}
	for _, s := range parseText(text) {
		s := s
		s.terms = make([][]termID, len(s.tokens))
		for i, tok := range s.tokens {
			s.terms[i] = v.termsOf(tok.word, nil)
		}
		if sp := matchForm(&f, s.terms, nil); len(sp) > 0 {
			return &s, sp[0], true
		}
	}
	return nil, span{}, false
}

// TestPolarity reads sentences that affirm, deny, refuse, hedge and
// contrast a concept, as candidates write them. It must be at least 95%
// right; every miss is listed.
func TestPolarity(t *testing.T) {
	const A, H, D = Affirmed, Hedged, Denied
	tests := []struct {
		form, text string
		want       Polarity
		risk       bool
	}{
		// Affirmed.
		{"a/b test", "We run an A/B test on retention for four weeks.", A, false},
		{"a/b test", "Then an A/B test randomised by account.", A, false},
		{"a/b test", "I would launch with an A/B test against the current ranker.", A, false},
		{"fallback", "If the ranker is late, we serve the fallback list.", A, false},
		{"assigned by account", "Offers are assigned by account, by lottery, in regions not kept out of tests.", A, false},
		{"a/a test", "We also keep about 10 \"nothing changes\" A/A tests running per area.", A, false},
		{"fallback", "The “no fallback” option was the old app's; ours serves the fallback list.", A, false},
		{"fallback", "We serve \"the fallback list\" only in name: there is no fallback.", D, false},
		{"fallback", "The fallback is the popular row for the member's country.", A, false},
		{"popular row", "Members with no history at all get the popular row for their country.", A, false},
		{"maturity|age rating|age*|parental|kids|children + country|countries|availability|available|rights|licen* @10", "We filter out titles not available in the country and titles not appropriate for the profile's maturity setting.", A, false},
		{"hard filter", "We do not apply a hard filter for maturity.", D, false},
		{"default|normal|control|usual|standard + experience|product|cell|version @4", "A device with no settings gets the normal version and is left out.", A, false},
		{"fallback", "The fallback is slow and is dropped.", D, false},
		{"random split", "A random split would let training see the same member's later sessions and overstate lift.", D, false},
		{"random split", "A random split would let us train faster and measure more often.", H, false},
		{"declin*|block* + label*|treat* + fraud|positive* @8", "Label loop: declines unlabelled → slice fraud rate is the true precision.", D, false},
		{"declin*|block* + label*|treat* + fraud|positive* @8", "Every attempt declined by the rules engine is labelled fraud.", A, false},
		{"fallback", "An app with no fallback shows an error when the service is down.", D, false},
		{"default|normal|control|usual|standard + experience|product|cell|version @4", "An app with nothing stored gets the standard product, recorded as unassigned and left out.", A, false},
		{"exploration", "We keep exploration small, but never zero.", A, false},
		{"exploration", "Without logs we are blind, so exploration is logged with propensities.", A, false},
		{"canary", "We never skip the canary.", A, false},
		{"standardis*", "An advantage of both is that you don't need to standardise features.", D, false},
		{"negative*", "The catch is that unseen tiles are not negatives.", D, false},
		{"primary metric", "Go out: the primary metric has improved beyond reasonable doubt.", A, false},
		{"primary metric", "Out: a primary metric chosen after the test.", D, false},
		{"precompute", "Lost: nightly precompute of every member and title.", D, false},
		{"precompute", "What we give up: a nightly precompute of every pair.", D, false},
		{"precompute", "Lost plays: counted after every precompute.", A, false},
		{"retention", "We judge each picture by whether members keep their retention up over the quarter.", A, false},
		{"retention", "The set-aside group shows whether retention improves across the whole programme.", A, false},
		{"retention", "We have not decided whether retention belongs in the reward at all.", H, false},
		{"forecast* + how fast + arrive @10", "The app makes an honest forecast of how fast the next few pieces will arrive, including how bad it might get, and uses it to choose each piece.", A, false},
		{"maximi* + average bitrate @4", "The objective cannot simply be to maximise average bitrate.", D, false},
		{"maximi* + average bitrate @4", "We can't just maximise average bitrate and hope stalls stay rare.", D, false},
		{"log* + plays @3", "We do not just log plays; we log every impression too.", A, false},
		{"canary", "A 1% canary runs for a day before the ramp.", A, false},
		{"propensity", "Every decision logs its propensity and the candidate set.", A, false},
		{"propensity", "We don't ignore the propensity: every record carries it.", A, false},
		{"latency budget", "Scoring stays inside a 15 ms latency budget without hurting the page.", A, false},
		{"latency budget", "We must avoid exceeding the latency budget of 15 ms.", A, false},
		{"guardrail", "Not only retention: we add a guardrail on early abandonment.", A, false},
		{"guardrail", "No more than two guardrail breaches are tolerated before rollback.", A, false},
		{"time split", "A time split keeps the future out of training.", A, false},
		{"time split", "We use a time split rather than a random split.", A, false},
		{"time split", "Instead of a random split we hold out the last two weeks with a time split.", A, false},
		{"cache", "Results are cached per member and title, so the page reads a lookup.", A, false},
		{"retrain*", "The model is retrained daily on the last 28 days.", A, false},
		{"interleaving", "Interleaving prunes candidates first, then the A/B test decides.", A, false},
		{"shadow", "The new policy runs in shadow for a week, then goes to a canary.", A, false},
		{"holdout", "A 1% holdout stays on the old system for three months.", A, false},
		{"quality play", "The reward is a quality play and not a click.", A, false},
		{"exploration", "Exploration costs at most 2% of impressions, which the case allows.", A, false},
		{"fallback", "Whether or not the model answers, the fallback is ready.", A, false},
		{"monitor* + fallback rate", "We monitor the fallback rate per region.", A, false},
		{"a/b test", "An A/B test, not interleaving, decides the launch.", A, false},
		{"canary", "Ship to a canary first; the full ramp follows.", A, false},
		{"feature store", "Features come from the feature store, which both training and serving read.", A, false},
		// Denied and refused.
		{"exploration", "There is no exploration in this design.", D, false},
		{"exploration", "Exploration is something we decided against.", D, false},
		{"exploration", "Exploration is ignored by design.", D, false},
		{"exploration", "We decided against exploration.", D, false},
		{"exploration", "Exploration, which we skip, would cost plays.", D, false},
		{"a/b test", "An A/B test is unnecessary here.", D, false},
		{"a/b test", "We skip the A/B test to save time.", D, false},
		{"a/b test", "An A/B test is not needed for this.", D, false},
		{"a/b test", "No need for an A/B test: the offline gain is clear.", D, false},
		{"a/b test", "The A/B test is out of scope.", D, false},
		{"a/b test", "We replace the A/B test with an offline AUC gate; an A/B test won't be run.", D, false},
		{"a/b test", "An offline gate instead of an A/B test.", D, false},
		{"a/b test", "We won't run an A/B test.", D, false},
		{"fallback", "The page renders without a fallback.", D, false},
		{"fallback", "There is no fallback; the app shows an error.", D, false},
		{"fallback", "A fallback isn't required because the service never fails.", D, false},
		{"fallback rate", "The fallback rate is not tracked.", D, false},
		{"clicks", "We optimise quality plays rather than clicks.", D, false},
		{"clicks", "We optimise quality plays instead of clicks.", D, false},
		{"clicks", "Not clicks: the reward is a quality play.", D, false},
		{"canary", "We don't do a canary; it ships to everyone on Monday.", D, false},
		{"canary", "Canary releases are overkill for a ranking change.", D, false},
		{"canary", "We drop the canary and ship at once.", D, false},
		{"propensity", "We do not log propensities.", D, false},
		{"propensity", "Propensities are dropped from the log to save space.", D, false},
		{"random split", "We avoid a random split because viewing is ordered in time.", D, false},
		{"random split", "A random split is wrong here: it leaks the future.", D, false},
		{"random split", "We prefer a time split over a random split.", D, false},
		{"shadow", "Shadow mode is pointless for this change.", D, false},
		{"holdout", "We never keep a holdout.", D, false},
		{"interleaving", "Interleaving is left out.", D, false},
		{"cache", "Nothing is cached; every request calls the model.", D, false},
		{"exploration", "We ruled out exploration early.", D, false},
		{"retrain*", "The model is not retrained after launch.", D, false},
		// Hedged.
		{"exploration", "We could add exploration later.", H, false},
		{"exploration", "Maybe exploration on a small slice.", H, false},
		{"bandit", "A bandit might be worth trying in the future.", H, false},
		{"a/b test", "Should we run an A/B test?", H, false},
		{"a/b test", "An A/B test if time permits.", H, false},
		{"canary", "Perhaps a canary, depending on the team.", H, false},
		{"interleaving", "Interleaving would be nice to have.", H, false},
		{"random split", "A random split could leak future plays.", D, false}, // a warning against it
		{"shadow", "We may consider shadow mode eventually.", H, false},
		{"holdout", "Ideally a long-term holdout.", H, false},
		{"propensity", "Logging propensities is future work.", H, false},
		{"feature store", "Possibly a feature store in phase 2.", H, false},
		{"exploration", "Exploration is a stretch goal.", H, false},
		// Risks: handling them is not refusing them.
		{"leakage", "We avoid leakage by computing features as of the decision time.", A, true},
		{"leakage", "There is no leakage: every feature is snapshotted at decision time.", A, true},
		{"leakage", "To prevent leakage, the split is by time.", A, true},
		{"position bias", "We correct for position bias with inverse propensity weights.", A, true},
		{"position bias", "Without correcting position bias, the model learns our old pages.", A, true},
		{"position bias", "We ignore position bias.", D, true},
		{"position bias", "Position bias is negligible here.", D, true},
		{"position bias", "Position bias is not a concern for us.", D, true},
		{"feedback loop", "We guard against the feedback loop with a random slice.", A, true},
		{"cold start", "No cold start problem for new titles thanks to content features.", A, true},
		{"clickbait", "Avoid clickbait images by rewarding long plays.", A, true},
		// Patterns, whose slots may be refused one by one.
		{"optimi*|maximi*|reward + click*|ctr", "The reward is a quality play, not a click.", D, false},
		{"optimi*|maximi*|reward + click*|ctr", "We maximise CTR on the artwork.", A, false},
		{"random*|lot + account*|member* + compar*|today|old|current", "One randomly chosen set of accounts keeps today's system.", A, false},
		{"random*|shuffl* + split*|mix* + day*|row*|data", "I never mix days at random.", D, false},
		{"random*|shuffl* + split*|mix* + day*|row*|data", "We split the rows at random, 80/20.", A, false},
		{"silent*|quiet* + run*|beside|alongside", "First the new version runs silently beside the live one.", A, false},
		{"#pct + first|then", "Try it on 0.5% of members first.", A, false},
		// Sentences of this domain that trip simple readers.
		{"demand", "A file the cluster did not hold still shows its demand, because misses are counted.", A, false},
		{"confidence sequence", "The canary stops as soon as the confidence sequence excludes zero.", A, false},
		{"holdout", "Holdout members are excluded from every assignment.", A, false},
		{"value per gb", "A file already on disk is only replaced when the newcomer's value per GB is at least 20% higher.", A, false},
		{"refilling", "Refilling the whole disk each night is impossible.", D, false},
		{"no-contact group", "We fit one model on the no-contact group and subtract its predictions.", A, false},
		{"responded", "I check whether members ranked high really responded more.", A, false},
		{"fallback", "Showing the offer card is better than a fallback to nothing.", D, false},
		{"stored page", "If scoring has not answered after 90 ms, the service returns the profile's stored page.", A, false},
		{"negatives", "All titles sent in the response that were not played are negatives.", A, false},
		{"cached page", "When the ranker is late we never show an error, because the cached page is served instead.", A, false},
		{"clicks", "Clicks are a poor target because they reward clickbait.", D, false},
		{"show* + error @8", "The page shows the cached row instead of an error.", D, false},
		{"show* + error @6", "On a timeout the page shows an error.", A, false},
		// A critique: what would go wrong with it.
		{"gaussian interval", "A Gaussian interval from training residuals would under-cover new titles.", D, false},
		{"random split", "A random split would leak next week's hits into training.", D, false},
		{"cuped", "CUPED would cut the variance by a third, so we use it.", A, false},
		{"canary", "A canary will catch a bad build within an hour.", A, false},
		{"bandit* + allocat* @4", "Adaptive allocation (bandits) would save a little traffic but would break clean inference on retention.", D, false},
		{"random split", "We use a random split because the forward split leaks.", A, false},
		{"random split", "A random split where rows leak across days.", D, false},
		{"logging propensities", "We stopped logging propensities once the bandit was retired.", D, false},
		{"revers* + on its own + harm @10", "It stops and reverses on its own when a check shows harm.", A, false},
		{"similar + shows @6", "A show not offered becomes the most similar offered shows.", A, false},
		// Options left to circumstance decide nothing; a condition on one choice does.
		{"real-time", "Scoring is batch, near-real-time or real-time, depending on the channel.", H, false},
		{"thompson sampling", "A combination of a random slice, Thompson sampling and UCB can be applied depending on the budget.", H, false},
		{"time-forward splits", "Depending on the analysis, we use time-forward splits, rolling backtests, grouping by account, and replay.", H, false},
		{"lower rung", "The player picks a lower rung depending on the buffer.", A, false},
		{"bandit* + allocat* @4", "Bandit allocation would save traffic, but it will fail on retention, so we use it anyway.", A, false},
		{"bandit* + allocat* @4", "Bandit allocation would save traffic, so we use it, but it will lag at first.", A, false},
		// The other arm of a comparison, a definition, an adjective.
		{"incremental revenue", "It predicts the incremental revenue of each offer versus no offer.", A, false},
		{"incremental revenue", "It predicts the incremental revenue of each offer compared with no offer.", A, false},
		{"churned", "Churned = not paying 60 days after the decision.", A, false},
		{"proxies", "A feature review blocks proxies such as fine postcode.", D, false},
		{"de-duplication", "De-duplication removes titles already visible from later rows.", A, false},
		{"one step", "It picks one step higher than it otherwise would.", A, false},
		{"random split", "Not a random split, because a random split would leak the future.", D, false},
		{"guardrail", "The guardrail tolerates a drop of at most 0.05 points.", A, false},
		{"random pick", "About 1% of borderline attempts (no blocked cards, no bots) get a random pick.", A, false},
		// Contrast across clauses.
		{"random split", "Not a random split but a time split.", D, false},
		{"time split", "Not a random split but a time split.", A, false},
		{"interleaving", "We tried interleaving, but the A/B test decides.", A, false},
		{"a/b test", "Interleaving is cheap, whereas an A/B test is slow.", A, false},
		{"clicks", "Clicks are easy to count, but they are not the goal.", A, false}, // the "not" is in its own clause
	}
	wrong := 0
	for _, tt := range tests {
		s, sp, ok := firstMention(t, tt.form, tt.text)
		if !ok {
			t.Errorf("%q not found in %q", tt.form, tt.text)
			wrong++
			continue
		}
		got, cue := spanPolarity(s, sp, tt.risk)
		if got != tt.want {
			wrong++
			t.Logf("miss: %q in %q: got %s (cue %q), want %s", tt.form, tt.text, got, cue, tt.want)
		}
	}
	share := 1 - float64(wrong)/float64(len(tests))
	t.Logf("%d sentences, %d read wrong: %.1f%% right", len(tests), wrong, 100*share)
	if len(tests) < 80 {
		t.Errorf("only %d sentences; the table needs at least 80", len(tests))
	}
	if share < 0.95 {
		t.Errorf("polarity is right for %.1f%% of sentences; want at least 95%%", 100*share)
	}
}

// blindSentence is one sentence of testdata/polarity.
type blindSentence struct {
	Concept string `yaml:"concept"`
	Risk    bool   `yaml:"risk"`
	Text    string `yaml:"text"`
	Want    string `yaml:"want"`
}

// TestPolarityBlind reads the sentences other authors wrote without
// seeing this reader: dev, dev2 and dev3 were used to find gaps; the test
// half was not looked at while tuning (only its share right was).
func TestPolarityBlind(t *testing.T) {
	for _, half := range []string{"dev", "dev2", "dev3", "test"} {
		b, err := os.ReadFile(filepath.Join("testdata", "polarity", half+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var ss []blindSentence
		if err := yaml.Unmarshal(b, &ss); err != nil {
			t.Fatal(err)
		}
		wrong := 0
		for _, s := range ss {
			sent, sp, ok := firstMention(t, strings.ToLower(s.Concept), s.Text)
			if !ok {
				t.Errorf("%s: %q not found in %q", half, s.Concept, s.Text)
				wrong++
				continue
			}
			got, cue := spanPolarity(sent, sp, s.Risk)
			if got.String() != s.Want {
				wrong++
				if half != "test" {
					t.Logf("%s miss: %q in %q: got %s (cue %q), want %s", half, s.Concept, s.Text, got, cue, s.Want)
				}
			}
		}
		share := 1 - float64(wrong)/float64(len(ss))
		t.Logf("%s half: %d sentences, %d read wrong: %.1f%% right", half, len(ss), wrong, 100*share)
		// The development sets were used to find gaps and must stay read
		// right; the held-out half measures how the reader generalises
		// (88% when it was last measured) and must not fall below 85%.
		want := 0.9
		if half == "test" {
			want = 0.85
		}
		if share < want {
			t.Errorf("%s half: polarity right for %.1f%%; want at least %.0f%%", half, 100*share, 100*want)
		}
	}
}

// TestGenericKind tells a general claim about a kind of system from the
// design's own choice.
func TestGenericKind(t *testing.T) {
	tests := []struct {
		form, text string
		want       bool
	}{
		{"optimi* + click @8", "A click abandoned after 20 s is a miss, and click-optimised rankers reward eye-catching art over the right title.", true},
		{"optimi* + click @8", "Click-optimised rankers reward eye-catching art.", true},
		{"optimi* + click @8", "We train click-optimised rankers on last month's logs.", false},
		{"optimi* + click @8", "The ranker is click-optimised for the first release.", false},
		{"optimi* + click @8", "Our click-optimised rankers go first.", false},
		{"optimi* + click @8", "We optimise clicks on result tiles.", false},
		{"member-level price test*", "Member-level price tests vs geo tests: more statistical power, at the cost of more complex billing.", false},
	}
	for _, tt := range tests {
		s, sp, ok := firstMention(t, tt.form, tt.text)
		if !ok {
			t.Errorf("%q: no mention of %q", tt.text, tt.form)
			continue
		}
		if got := genericKind(s.tokens, sp.start, sp.end); got != tt.want {
			t.Errorf("genericKind(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestNegativePointUnderRefusingHeading: a point that is itself negative,
// under a heading that refuses its list, says what the heading says; a
// plain claim there is still refused.
func TestNegativePointUnderRefusingHeading(t *testing.T) {
	for _, tt := range []struct {
		form, text string
		want       Polarity
	}{
		{"not + chance + works @12", "What it does not mean:\n- It's not a 97% chance that the new ordering works.", Affirmed},
		{"chance + works @12", "What it does not mean:\n- A 97% chance that the new ordering works.", Denied},
		{"random split", "Things we avoided:\n- a random split of the logs", Denied},
	} {
		s, sp, ok := firstMention(t, tt.form, tt.text)
		if !ok {
			t.Errorf("%q: no match", tt.text)
			continue
		}
		if got, cue := spanPolarity(s, sp, false); got != tt.want {
			t.Errorf("%q: %v (cue %q), want %v", tt.text, got, cue, tt.want)
		}
	}
}

// TestPolarityStrict holds rules that each must read their sentences
// exactly, beyond the table's overall bar.
func TestPolarityStrict(t *testing.T) {
	const A, H, D = Affirmed, Hedged, Denied
	for _, tt := range []struct {
		form, text string
		want       Polarity
	}{
		{"precompute", "Lost: nightly precompute of every member and title.", D},
		{"precompute", "What we give up: a nightly precompute of every pair.", D},
		{"precompute", "Lost plays: counted after every precompute.", A},
		{"retention", "We judge each picture by whether members keep their retention up over the quarter.", A},
		{"retention", "The set-aside group shows whether retention improves across the whole programme.", A},
		{"retention", "We have not decided whether retention belongs in the reward at all.", H},
	} {
		s, sp, ok := firstMention(t, tt.form, tt.text)
		if !ok {
			t.Errorf("%q not found in %q", tt.form, tt.text)
			continue
		}
		if got, cue := spanPolarity(s, sp, false); got != tt.want {
			t.Errorf("%q in %q: got %s (cue %q), want %s", tt.form, tt.text, got, cue, tt.want)
		}
	}
}
