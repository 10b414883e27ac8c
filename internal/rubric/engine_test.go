package rubric_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/rubric"
)

func f(x float64) *float64 { return &x }

var testConcepts = rubric.Concepts{
	"exploration":   {"exploration", "explore"},
	"take_fraction": {"take fraction"},
	"retention":     {"retention", "stay* + subscrib*|member*"},
	"ab_test":       {"a/b test", "random* + account*|member* + compar*|control|current", "3 of: lottery|coin + accounts|households + new|change* + old|usual"},
	"random_split":  {"random split"},
	"leakage":       {"leakage", "!risk"},
	"clicks":        {"optimi*|maximi* + click*"},
}

var testRubric = &rubric.Rubric{Version: 2, Items: []rubric.Item{
	{ID: "explore", Dimension: "model", Points: 6, Title: "Explores", Decision: "How the policy keeps learning", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "mentions", Concepts: []string{"exploration"}, Sections: []string{"model"}},
		{Check: "mentions", Concepts: []string{"take_fraction"}, Sections: []string{"evaluation"}},
		{Check: "present", Section: "model", Field: "approach", MinWords: 12},
	}},
	{ID: "guard", Dimension: "evaluation", Points: 3, Title: "Guardrails", Decision: "What must not get worse", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "list_has", Section: "evaluation", Field: "metrics", Where: map[string]string{"kind": "guardrail"}, Numeric: "target"},
	}},
	{ID: "budget", Dimension: "deployment", Points: 3, Title: "Budget", Decision: "The latency budget", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "number", Section: "deployment", Field: "latency_budget", AtLeast: f(10), AtMost: f(300)},
	}},
	{ID: "graph", Dimension: "monitoring", Points: 3, Title: "Loop", Decision: "How outcomes flow back", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "graph_has", Node: "policy", Stage: "online"},
		{Check: "graph_path", From: "log", To: "training"},
		{Check: "graph_cycle", Through: []string{"serving", "log", "training"}},
	}},
	{ID: "online", Dimension: "evaluation", Points: 6, Title: "Online test", Decision: "The online experiment", OverriddenBy: []string{"rf-offline"}, Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "decision", Section: "evaluation", Field: "online_test", Options: []string{"ab_test"}, Concepts: []string{"ab_test"}, Sections: []string{"evaluation"}},
		{Check: "mentions", Concepts: []string{"ab_test", "retention"}, Sections: []string{"evaluation"}},
	}},
	{ID: "talk", Dimension: "communication", Points: 4, Title: "Clear", Levels: []string{"", "", "", ""}},
	{ID: "rf-split", RedFlag: true, Dimension: "evaluation", Points: 5, Title: "Splits at random", Reason: "Leaks the future.", Checks: []rubric.Check{
		{Check: "chooses", Section: "evaluation", Field: "split", Options: []string{"random_rows"}},
		{Check: "asserts", Concepts: []string{"random_split"}, Sections: []string{"evaluation", "model"}},
	}},
	{ID: "rf-offline", RedFlag: true, Dimension: "evaluation", Points: 5, Title: "Skips the online test", Reason: "Offline gains do not show the effect on members.", Checks: []rubric.Check{
		{Check: "refuses", Concepts: []string{"ab_test"}, Sections: []string{"evaluation"}},
	}},
	{ID: "rf-clicks", RedFlag: true, Dimension: "framing", Points: 4, Title: "Optimises clicks", Reason: "Clicks are not the goal.", Checks: []rubric.Check{
		{Check: "asserts", Concepts: []string{"clicks"}, Sections: []string{"framing"}},
	}},
	{ID: "rf-budget", RedFlag: true, Dimension: "deployment", Points: 3, Title: "Over budget", Reason: "The page allows 300 ms.", Checks: []rubric.Check{
		{Check: "number", Section: "deployment", Field: "latency_budget", AtLeast: f(301)},
	}},
	{ID: "rf-all", RedFlag: true, Dimension: "deployment", Points: 3, Title: "Ships at once", Reason: "No way back.", Checks: []rubric.Check{
		{Check: "chooses", Section: "deployment", Field: "rollout_strategy", Options: []string{"all_at_once"}},
	}},
}}

func loadTemplate(t testing.TB) *design.Template {
	t.Helper()
	tmpl, err := catalog.LoadTemplate(os.DirFS("../../cases"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func engine(t *testing.T, opts ...rubric.Option) *rubric.Engine {
	t.Helper()
	tmpl := loadTemplate(t)
	if ps := testRubric.Validate(tmpl, testConcepts); len(ps) > 0 {
		t.Fatalf("test rubric invalid: %+v", ps)
	}
	return rubric.NewEngine(testRubric, testConcepts, tmpl, opts...)
}

func item(t *testing.T, r *rubric.Report, id string) rubric.ItemResult {
	t.Helper()
	for _, it := range r.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return rubric.ItemResult{}
}

func text(s string) design.Value { return design.Value{Text: s} }

func hasNote(c rubric.CheckResult, kind string) bool {
	for _, n := range c.Notes {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

func TestEngineLevelsAndEvidence(t *testing.T) {
	e := engine(t)
	d := &design.Design{
		Sections: design.Answers{
			"model":      {"approach": text("We use a contextual bandit, and exploration is logged with its propensity for replay.")},
			"evaluation": {"metrics": {Rows: []design.Row{{"name": "Play delay", "kind": "guardrail", "target": "no worse than +2%"}, {"name": "Crashes", "kind": "guardrail", "target": "no worse"}, {"kind": "guardrail", "target": "1%"}}}},
			"deployment": {"latency_budget": {Number: f(120)}},
		},
		Pipeline: pipeline.Graph{
			Nodes: []pipeline.Node{{ID: "srv", Kind: "serving", Stage: "online"}, {ID: "log", Kind: "log"}, {ID: "train", Kind: "training"}, {ID: "pol", Kind: "policy", Stage: "online"}},
			Edges: []pipeline.Edge{{From: "srv", To: "log"}, {From: "log", To: "train"}, {From: "train", To: "srv"}},
		},
	}
	r := e.Check("x", d)
	ex := item(t, r, "explore")
	// Exploration in the model (1), no take fraction (0), 15 of 12 words (1):
	// two thirds of 6 points, level 2.
	if *ex.Level != 2 || ex.Earned != 4 {
		t.Errorf("explore: level %d earned %.1f; want level 2, 4 points", *ex.Level, ex.Earned)
	}
	if ev := ex.Checks[0].Evidence; len(ev) != 1 || ev[0].Section != "model" || ev[0].Field != "approach" || ev[0].Words != "exploration" {
		t.Errorf("mentions evidence = %+v", ev)
	}
	if ex.Checks[1].Met || ex.Checks[1].Hint == "" {
		t.Errorf("take fraction is nowhere, yet met=%v hint=%q", ex.Checks[1].Met, ex.Checks[1].Hint)
	}
	g := item(t, r, "guard")
	if *g.Level != 3 || len(g.Checks[0].Evidence) != 1 || g.Checks[0].Evidence[0].Words != "Play delay" {
		t.Errorf("guard: %+v (a row without a name or a number must not count)", g)
	}
	if b := item(t, r, "budget"); *b.Level != 3 {
		t.Errorf("budget: %+v", b)
	}
	gr := item(t, r, "graph")
	if *gr.Level != 3 {
		t.Fatalf("graph: %+v", gr)
	}
	if walk := gr.Checks[2].Evidence[0].Nodes; len(walk) != 4 || walk[0] != "srv" || walk[3] != "srv" {
		t.Errorf("cycle evidence %v; want srv → log → train → srv", walk)
	}
	talk := item(t, r, "talk")
	if talk.Automatic || talk.Level != nil {
		t.Errorf("a human-only item got an automatic level: %+v", talk)
	}
	// 4 + 3 + 3 + 3 + 0 of 21 automatic points.
	if r.Possible != 21 || r.HumanPoints != 4 || r.Score != 61.9 || r.RubricVersion != 2 {
		t.Errorf("report: possible %d human %d score %.1f version %d", r.Possible, r.HumanPoints, r.Score, r.RubricVersion)
	}
	if r.Dimensions["model"] != 66.7 {
		t.Errorf("dimensions %v", r.Dimensions)
	}
	if _, ok := r.Dimensions["communication"]; ok {
		t.Error("a dimension with no automatic points has an automatic score")
	}
}

// TestPartialCredit: an item earns in proportion to what its checks meet;
// one check of four is a quarter, not zero.
func TestPartialCredit(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{"model": {"approach": text("Exploration is kept on a small random slice of traffic.")}}}
	ex := item(t, e.Check("x", d), "explore")
	// Exploration met; 10 of 12 words written; no take fraction.
	if want := 6 * (1 + 10.0/12) / 3; ex.Earned != float64(int(want*10+0.5))/10 {
		t.Errorf("explore earned %.2f; want %.2f", ex.Earned, want)
	}
}

// TestMentionsElsewhereEarnHalf: a concept found outside a check's sections
// earns half, and the report says where it was found.
func TestMentionsElsewhereEarnHalf(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{
		"framing":    {"objective": text("We rely on exploration with a small random slice of traffic.")},
		"evaluation": {"offline": text("The take fraction is measured on the random slice of logs.")},
	}}
	ex := item(t, e.Check("x", d), "explore")
	c := ex.Checks[0]
	if c.Credit != 0.5 || !hasNote(c, rubric.NoteOtherSection) {
		t.Errorf("exploration in framing, read by a model check: credit %.2f notes %+v; want 0.5 and a note", c.Credit, c.Notes)
	}
	if !ex.Checks[1].Met {
		t.Error("take fraction in evaluation was not credited")
	}
}

func TestKeywordListsEarnNothing(t *testing.T) {
	e := engine(t)
	stuffed := &design.Design{Sections: design.Answers{
		"model":      {"approach": text("exploration, explore, contextual bandit, propensity, replay, take fraction, retention")},
		"evaluation": {"offline": text("take fraction\nreplay\nexploration")},
	}}
	written := &design.Design{Sections: design.Answers{
		"model":      {"approach": text("We choose among candidate images with a bandit, and keep exploration on a small slice of traffic.")},
		"evaluation": {"offline": text("Offline, we estimate the take fraction by replaying the randomly assigned impressions.")},
	}}
	s, w := e.Check("x", stuffed), e.Check("x", written)
	if s.Score >= w.Score || item(t, s, "explore").Earned != 0 {
		t.Fatalf("keyword lists scored %.1f (explore %.1f); the written design %.1f", s.Score, item(t, s, "explore").Earned, w.Score)
	}
	if !hasNote(item(t, s, "explore").Checks[0], rubric.NoteKeywordList) {
		t.Errorf("the report does not say the list was read as keywords: %+v", item(t, s, "explore").Checks[0].Notes)
	}
}

func TestDeniedConceptIsFlagged(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{
		"model": {"approach": text("We serve the best image and there is no exploration at all in this design.")},
	}}
	r := e.Check("x", d)
	c := item(t, r, "explore").Checks[0]
	if c.Met || len(c.Denied) != 1 || c.Denied[0].Words != "exploration" || !hasNote(c, rubric.NoteDenied) {
		t.Fatalf("denied exploration: met=%v denied=%+v notes=%+v", c.Met, c.Denied, c.Notes)
	}
	found := false
	for _, fl := range r.Flags {
		if fl.Item == "explore" && fl.Kind == rubric.NoteDenied {
			found = true
		}
	}
	if !found {
		t.Fatalf("flags = %+v", r.Flags)
	}
}

func TestNumberOutOfRange(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{"deployment": {"latency_budget": {Number: f(5000)}}}}
	r := e.Check("x", d)
	c := item(t, r, "budget").Checks[0]
	if c.Met || c.Hint == "" || c.Evidence[0].Words != "5000 ms" {
		t.Fatalf("5000 ms against 10..300: %+v", c)
	}
	if rf := item(t, r, "rf-budget"); !rf.Raised || rf.Penalty != 3 {
		t.Fatalf("a 5000 ms budget did not raise the red flag: %+v", rf)
	}
}

// TestDecisions: a choice with its why earns more than a bare choice, a
// wrong choice earns nothing and says so, and prose with a reason earns as
// much as the field.
func TestDecisions(t *testing.T) {
	e := engine(t)
	credit := func(ans design.Answers) rubric.CheckResult {
		return item(t, e.Check("x", &design.Design{Sections: ans}), "online").Checks[0]
	}
	bare := credit(design.Answers{"evaluation": {"online_test": text("ab_test")}})
	why := credit(design.Answers{"evaluation": {"online_test": text("ab_test"), "online_test_why": text("Only a live test shows the effect on members.")}})
	wrong := credit(design.Answers{"evaluation": {"online_test": text("switchback")}})
	prose := credit(design.Answers{"evaluation": {"online": text("We keep a random half of accounts on the current ranker and compare, because only members show the effect.")}})
	plain := credit(design.Answers{"evaluation": {"online": text("We keep a random half of accounts on the current ranker and compare.")}})
	if !(why.Credit == 1 && bare.Credit == 0.6 && wrong.Credit == 0 && prose.Credit == 1 && plain.Credit == 0.75) {
		t.Errorf("credits: why %.2f bare %.2f wrong %.2f prose+reason %.2f prose %.2f; want 1, 0.6, 0, 1, 0.75", why.Credit, bare.Credit, wrong.Credit, prose.Credit, plain.Credit)
	}
	if !hasNote(bare, rubric.NoteNoReason) || !hasNote(wrong, rubric.NoteWrongChoice) || !hasNote(plain, rubric.NoteNoReason) {
		t.Errorf("notes: bare %+v wrong %+v plain %+v", bare.Notes, wrong.Notes, plain.Notes)
	}
}

// TestRedFlags: a red flag costs its points, shows its reason and the
// sentence that raised it, and cancels the items it overrides; a denied or
// missing word raises nothing.
func TestRedFlags(t *testing.T) {
	e := engine(t)
	good := &design.Design{Sections: design.Answers{"evaluation": {
		"online":  text("We run an A/B test on retention for four weeks, randomised by account."),
		"offline": text("We avoid a random split because viewing is ordered in time."),
	}}}
	bad := &design.Design{Sections: design.Answers{"evaluation": {
		"online":  text("We run an A/B test on retention for four weeks. On reflection no A/B test is needed: offline gains are enough."),
		"offline": text("We use a random split of the logs, 80/20."),
	}}}
	g, b := e.Check("x", good), e.Check("x", bad)
	if n := len(g.RaisedFlags()); n != 0 {
		t.Fatalf("a sound design raised %d red flags: %+v", n, g.RaisedFlags())
	}
	split := item(t, b, "rf-split")
	if !split.Raised || split.Penalty != 5 || split.Reason == "" || !strings.Contains(split.Checks[1].Evidence[0].Excerpt, "random split") {
		t.Fatalf("random split: %+v", split)
	}
	// "no A/B test is needed" is refused here, but affirmed in the sentence
	// before: a contradiction, not a refusal.
	if item(t, b, "rf-offline").Raised {
		t.Error("a refusal contradicted by an affirmation raised the flag")
	}
	only := &design.Design{Sections: design.Answers{"evaluation": {"online": text("No A/B test is needed: the offline gains are enough.")}}}
	r := e.Check("x", only)
	if !item(t, r, "rf-offline").Raised || item(t, r, "online").OverriddenBy == nil {
		t.Errorf("refusing the online test: flag %+v, online %+v", item(t, r, "rf-offline"), item(t, r, "online"))
	}
	if r.Penalty != 5 || b.Score >= g.Score {
		t.Errorf("penalty %.1f; scores bad %.1f good %.1f", r.Penalty, b.Score, g.Score)
	}
	flagged := false
	for _, fl := range r.Flags {
		if fl.Kind == "red_flag" && strings.Contains(fl.Message, "Offline gains do not show") {
			flagged = true
		}
	}
	if !flagged {
		t.Errorf("the report's flags do not give the reason: %+v", r.Flags)
	}
}

// TestPlainExplanationIsNoRefusal: a plain explanation of the A/B test
// (a quorum pattern) earns it, and one in a denied clause never raises the
// flag for refusing it: only the precise forms can refuse.
func TestPlainExplanationIsNoRefusal(t *testing.T) {
	e := engine(t)
	plain := &design.Design{Sections: design.Answers{"evaluation": {
		"online": text("A lottery puts a few accounts on the new page and leaves the rest on the old one for four weeks, because members differ."),
	}}}
	r := e.Check("x", plain)
	if c := item(t, r, "online").Checks[0]; c.Credit < 0.999 || len(c.Evidence) == 0 || !strings.Contains(c.Evidence[0].Words, "lottery") {
		t.Errorf("the plain explanation did not earn the online test: %+v", c)
	}
	denied := &design.Design{Sections: design.Answers{"evaluation": {
		"online": text("There is no lottery of accounts here: the new page is judged against the old one on last month's logs."),
	}}}
	r = e.Check("x", denied)
	if item(t, r, "rf-offline").Raised {
		t.Errorf("a plain explanation in a denied clause raised the refusal flag: %+v", item(t, r, "rf-offline"))
	}
	if c := item(t, r, "online").Checks[0]; c.Credit > 0 {
		t.Errorf("a denied plain explanation earned the online test: %+v", c)
	}
}

// TestConceptCountsOncePerItem: naming the A/B test in two checks of one
// item earns it once.
func TestConceptCountsOncePerItem(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{"evaluation": {"online": text("We run an A/B test, because only members show the effect. The A/B test, the A/B test and the A/B test again.")}}}
	on := item(t, e.Check("x", d), "online")
	if on.Checks[0].Credit != 1 || on.Checks[1].Credit != 0 {
		t.Errorf("the A/B test counted twice in one item: credits %.2f, %.2f", on.Checks[0].Credit, on.Checks[1].Credit)
	}
}

// TestCopiedFromTheCase: sentences copied from the case earn nothing and
// are flagged, matched by runs of words, not whole fields.
// TestOptionListsEarnNothing: a sentence that names every option of a
// step has chosen none of them, whatever number or reason it carries.
func TestOptionListsEarnNothing(t *testing.T) {
	e := engine(t)
	listed := &design.Design{Sections: design.Answers{"model": {"approach": text(
		"For the images we weigh exploration, a contextual bandit, propensity logging, offline replay, take fraction and retention, because members in 190 countries deserve the best.")}}}
	chosen := &design.Design{Sections: design.Answers{"model": {"approach": text(
		"We choose among each title's images with a contextual bandit, and keep exploration on 2% of showings because new images need views.")}}}
	l, c := e.Check("x", listed), e.Check("x", chosen)
	lc := item(t, l, "explore").Checks[0]
	if lc.Credit != 0 || !hasNote(lc, rubric.NoteKeywordList) {
		t.Fatalf("listed options: credit %.2f, notes %+v", lc.Credit, lc.Notes)
	}
	found := false
	for _, n := range lc.Notes {
		found = found || strings.Contains(n.Message, "list of 6 options")
	}
	if !found {
		t.Errorf("the report does not say the options were listed: %+v", lc.Notes)
	}
	if item(t, c, "explore").Checks[0].Credit != 1 {
		t.Errorf("the chosen bandit earns %.2f, want 1", item(t, c, "explore").Checks[0].Credit)
	}
}

// TestOptionLeadsLeaveBulletsOpen: bullets under "Candidate approaches
// include:" are options, not decisions, unless one says it is the choice.
func TestOptionLeadsLeaveBulletsOpen(t *testing.T) {
	e := engine(t)
	prose := "We log every showing with the image shown and whether the member played the title, because the logs are what the next model learns from. " +
		"A play counts when it lasts fifteen minutes, since a click alone says little about enjoyment. " +
		"The logs land in the warehouse within the hour and are kept for ninety days. " +
		"Members who opt out of personalisation get the title's default image and are left out of training."
	listed := &design.Design{Sections: design.Answers{"data": {"notes": text(prose)}, "model": {"approach": text(
		"Candidate approaches include:\n- a contextual bandit with exploration on a small share of showings;\n- a ranking model per title;\n- rules set by hand.")}}}
	chosen := &design.Design{Sections: design.Answers{"data": {"notes": text(prose)}, "model": {"approach": text(
		"Candidate approaches include:\n- a contextual bandit with exploration on a small share of showings (chosen: new images need views);\n- a ranking model per title;\n- rules set by hand.")}}}
	l, c := e.Check("x", listed), e.Check("x", chosen)
	lc := item(t, l, "explore").Checks[0]
	if lc.Credit >= 1 || !hasNote(lc, rubric.NoteHedged) {
		t.Fatalf("exploration among the candidates: credit %.2f, notes %+v; want it left open", lc.Credit, lc.Notes)
	}
	if got := item(t, c, "explore").Checks[0].Credit; got != 1 {
		t.Errorf("the candidate marked chosen earns %.2f, want 1", got)
	}
}

// TestDeferredChoicesAreOpen: a sentence that lists candidates or puts
// the choice off ("we may also explore", "the final choice will depend
// on") leaves open what it names, and a design made of them reads as a
// keyword list.
func TestDeferredChoicesAreOpen(t *testing.T) {
	e := engine(t)
	deferred := &design.Design{Sections: design.Answers{"model": {"approach": text(
		"For the images, the candidates include a contextual bandit with exploration on a small share of showings, a ranking model per title and rules set by hand. " +
			"We may also explore a slate policy for the whole row. The final choice will depend on the offline results and the latency we see.")}}}
	decided := &design.Design{Sections: design.Answers{"model": {"approach": text(
		"We choose each title's image with a contextual bandit, with exploration on 2% of showings because new images need views. " +
			"A slate policy for the whole row waits until the bandit has run a quarter. The bandit is retrained every night.")}}}
	d, c := e.Check("x", deferred), e.Check("x", decided)
	if cr := item(t, d, "explore").Checks[0]; cr.Credit >= 1 || !hasNote(cr, rubric.NoteHedged) {
		t.Errorf("exploration among the candidates: credit %.2f, notes %+v; want it left open", cr.Credit, cr.Notes)
	}
	if d.KeywordShare < rubric.KeywordDesign {
		t.Errorf("a design of deferred choices: keyword share %.2f, want at least %.2f", d.KeywordShare, rubric.KeywordDesign)
	}
	if cr := item(t, c, "explore").Checks[0]; cr.Credit != 1 || c.KeywordShare >= rubric.KeywordDesign {
		t.Errorf("the decided design: exploration credit %.2f, keyword share %.2f", cr.Credit, c.KeywordShare)
	}
}

// TestRunsOfToolsReadAsKeywords: a fluent sentence that strings tools
// together counts as a keyword run, whatever the tools, and a design made
// of such sentences is read as a keyword list; a sentence naming one
// choice and its reason is not.
func TestRunsOfToolsReadAsKeywords(t *testing.T) {
	e := engine(t)
	runs := "For the data we can use the Kafka queue, the Flink jobs, the Spark batch, the Airflow graphs, the Feast store or the Tecton service, as the team sees fit over time. " +
		"On the serving side there is the gRPC layer, the Envoy proxy, the Istio mesh, the Nginx edge, the Memcached tier or the Cassandra ring, for the members in each of the regions. " +
		"To watch it all we have the Prometheus metrics, the Grafana boards, the Datadog agents, the PagerDuty rota or the Sentry traces, in the mix for the team. "
	plain := "We rank with gradient-boosted trees on the viewing history, because they train in minutes and the features are a table. " +
		"The label is a play of fifteen minutes or more within a day of the showing. " +
		"Training runs every night on the last four weeks, and a model ships only if it beats yesterday's on held-out days. " +
		"Members who joined this week get the popular titles of their country until they have three plays. " +
		"We keep the previous model warm, so a bad release rolls back in a minute. " +
		"Scores are precomputed for each member each night, which keeps the page within its budget. "
	stuffed := &design.Design{Sections: design.Answers{"model": {"approach": text(runs + "We rank with gradient-boosted trees, because they train in minutes.")}}}
	written := &design.Design{Sections: design.Answers{"model": {"approach": text(plain + "Logs flow through Kafka, Flink, Spark and Airflow into the warehouse.")}}}
	if r := e.Check("x", stuffed); r.KeywordShare < rubric.KeywordDesign {
		t.Errorf("three runs of tools and one plain sentence: keyword share %.2f, want at least %.2f", r.KeywordShare, rubric.KeywordDesign)
	}
	if r := e.Check("x", written); r.KeywordShare >= rubric.KeywordDesign {
		t.Errorf("six plain sentences and one run of tools: keyword share %.2f, want below %.2f", r.KeywordShare, rubric.KeywordDesign)
	}
}

func TestCopiedFromTheCase(t *testing.T) {
	prompt := "Each title has a pool of images, and the exploration of new images must stay below two percent of impressions at all times."
	e := engine(t, rubric.WithCaseText(prompt))
	copied := &design.Design{Sections: design.Answers{"model": {"approach": text("Our plan. Each title has a pool of images, and the exploration of new images must stay below two percent of impressions.")}}}
	own := &design.Design{Sections: design.Answers{"model": {"approach": text("Our plan. We keep exploration of new images on a small random share of showings.")}}}
	c, o := e.Check("x", copied), e.Check("x", own)
	cc := item(t, c, "explore").Checks[0]
	if cc.Credit != 0 || !hasNote(cc, rubric.NoteCopied) {
		t.Fatalf("copied exploration: credit %.2f notes %+v", cc.Credit, cc.Notes)
	}
	if item(t, o, "explore").Checks[0].Credit != 1 {
		t.Fatal("the design's own sentence was not credited")
	}
	flagged := false
	for _, fl := range c.Flags {
		flagged = flagged || fl.Kind == rubric.NoteCopied
	}
	if !flagged {
		t.Errorf("copying is not flagged: %+v", c.Flags)
	}
}

// TestFloodEarnsNoMore: a section beyond the words a 45-minute answer
// holds earns no more than its concise version, and the report says so.
func TestFloodEarnsNoMore(t *testing.T) {
	e := engine(t)
	concise := "We keep exploration on a small random slice of traffic, because the policy must keep learning."
	// Sentences of many different frames, so that only the budget cuts them.
	var b strings.Builder
	words := []string{"design", "choices", "model", "traffic", "members", "titles", "pages"}
	for _, glue := range [][2]string{{"the", "of"}, {"to", "with"}, {"for", "and"}} {
		for i := 0; i < 64; i++ {
			b.WriteString("Our")
			for k, w := range words {
				b.WriteString(" " + w)
				if k < 6 {
					b.WriteString(" " + glue[(i>>k)&1])
				}
			}
			b.WriteString(". ")
		}
	}
	b.WriteString(concise)
	flood := e.Check("x", &design.Design{Sections: design.Answers{"model": {"approach": text(b.String())}}})
	short := e.Check("x", &design.Design{Sections: design.Answers{"model": {"approach": text(concise)}}})
	if flood.Score > short.Score {
		t.Errorf("the flood scores %.1f, the concise section %.1f", flood.Score, short.Score)
	}
	said := false
	for _, n := range flood.Notices {
		said = said || n.Kind == rubric.NoteOverBudget
	}
	if !said {
		t.Errorf("the report does not say the section was cut: %+v", flood.Notices)
	}
}

// TestTemplatedSentencesEarnNothing: sentences cut from one frame read as
// a list.
func TestTemplatedSentencesEarnNothing(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{"model": {"approach": text("We use exploration to improve learning. We use replay to improve evaluation. We use retention to improve value. We use caching to improve latency. We use bandits to improve choice.")}}}
	c := item(t, e.Check("x", d), "explore").Checks[0]
	if c.Credit != 0 || !hasNote(c, rubric.NoteTemplated) {
		t.Errorf("templated sentences: credit %.2f notes %+v", c.Credit, c.Notes)
	}
}

// TestHubGraphProvesNothing: a node wired to every other node does not
// satisfy a path or a loop, and the report names it.
func TestHubGraphProvesNothing(t *testing.T) {
	e := engine(t)
	g := pipeline.Graph{Nodes: []pipeline.Node{{ID: "hub", Kind: "other"}, {ID: "pol", Kind: "policy", Stage: "online"}}}
	for i, k := range []pipeline.Kind{"serving", "log", "training", "source", "storage", "etl", "feature_store", "ranker", "cache", "metrics"} {
		id := fmt.Sprintf("n%d", i)
		g.Nodes = append(g.Nodes, pipeline.Node{ID: id, Kind: k})
		g.Edges = append(g.Edges, pipeline.Edge{From: "hub", To: id}, pipeline.Edge{From: id, To: "hub"})
	}
	gr := item(t, e.Check("x", &design.Design{Sections: design.Answers{}, Pipeline: g}), "graph")
	path, loop := gr.Checks[1], gr.Checks[2]
	if path.Met || loop.Met || !hasNote(path, rubric.NoteHub) || !strings.Contains(path.Notes[0].Excerpt, "hub") {
		t.Errorf("hub graph: path %+v, loop %+v", path, loop)
	}
}

// TestEndpointIsNoHub: a device that many parts feed and that reports to
// one log is where the pipeline ends, not a hub: the loop through it counts.
func TestEndpointIsNoHub(t *testing.T) {
	e := engine(t)
	g := pipeline.Graph{Nodes: []pipeline.Node{{ID: "dev", Kind: "client", Stage: "online"}, {ID: "log", Kind: "log"}, {ID: "train", Kind: "training"},
		{ID: "serve", Kind: "serving"}, {ID: "pol", Kind: "policy", Stage: "online"}}}
	g.Edges = []pipeline.Edge{{From: "dev", To: "log"}, {From: "log", To: "train"}, {From: "train", To: "serve"}, {From: "serve", To: "dev"}, {From: "pol", To: "dev"}}
	for i, k := range []pipeline.Kind{"registry", "cache", "experiment", "source"} {
		id := fmt.Sprintf("n%d", i)
		g.Nodes = append(g.Nodes, pipeline.Node{ID: id, Kind: k})
		g.Edges = append(g.Edges, pipeline.Edge{From: id, To: "dev"})
	}
	gr := item(t, e.Check("x", &design.Design{Sections: design.Answers{}, Pipeline: g}), "graph")
	if loop := gr.Checks[2]; !loop.Met || hasNote(loop, rubric.NoteHub) {
		t.Errorf("a device fed by six nodes broke the loop: %+v", loop)
	}
}

// TestLabelsSpeakPlainly checks that what the report says of every check
// of every bundled case, before and after an attempt, holds no pattern
// syntax or internal id: no "|", "*", "~", "_", "@" or "!name".
func TestLabelsSpeakPlainly(t *testing.T) {
	cat := loadCases(t)
	for _, k := range cat.Cases {
		rep := k.Engine.Check(k.Slug, k.Reference)
		for _, it := range rep.Items {
			for _, c := range it.Checks {
				for _, text := range []string{c.Label, c.Hint} {
					if strings.ContainsAny(text, "|*~_@") || strings.Contains(text, "!name") {
						t.Errorf("%s %s: %q shows pattern syntax or an internal name", k.Slug, it.ID, text)
					}
				}
			}
		}
		for _, it := range k.Rubric.Items {
			for i := range it.Checks {
				if l := k.Engine.Describe(&it.Checks[i]); strings.ContainsAny(l, "|*~_@") {
					t.Errorf("%s %s: the rubric page shows %q", k.Slug, it.ID, l)
				}
			}
		}
	}
}

// TestCheckConcurrent checks the references, the calibration designs and
// the keyword-stuffed blind designs of every case from several goroutines
// at once, each in its own order, as the server does: every report is the
// one a single goroutine gets. Designs of every size pass through the same
// working memory, so a report that kept anything of the design before it
// would differ; and so would one that depended on the order of a map.
func TestCheckConcurrent(t *testing.T) {
	cat := loadCases(t)
	type job struct {
		k    *catalog.Case
		d    *design.Design
		want []byte
	}
	var jobs []job
	for _, k := range cat.Cases {
		ds := []*design.Design{k.Reference}
		for _, name := range []string{"medium", "weak", "stuffed"} {
			ds = append(ds, readDesign(t, filepath.Join("testdata", "calibration", k.Slug, name+".json")))
		}
		ds = append(ds, blindDesigns(t, cat, k.Slug, "stuffed")...)
		for _, d := range ds {
			want, err := json.Marshal(k.Engine.Check(k.Slug, d))
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job{k, d, want})
		}
	}
	const workers = 4
	errs := make(chan string, workers*len(jobs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range jobs {
				k := (i + w*len(jobs)/workers) % len(jobs) // each worker in another order
				if w%2 == 1 {
					k = len(jobs) - 1 - k
				}
				j := jobs[k]
				got, err := json.Marshal(j.k.Engine.Check(j.k.Slug, j.d))
				if err != nil || !bytes.Equal(got, j.want) {
					errs <- fmt.Sprintf("%s (%s): a concurrent check differs from a single one (%v)", j.k.Slug, j.d.Title, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// blindDesigns returns the blind designs of a case that their authors set
// out to write as kind.
func blindDesigns(t *testing.T, cat *catalog.Catalog, slug, kind string) []*design.Design {
	t.Helper()
	dir := filepath.Join("testdata", "blind", slug)
	es := readExperts(t, filepath.Join(dir, "experts.yaml"))
	var out []*design.Design
	for _, e := range es {
		if e.Kind != kind {
			continue
		}
		d, err := readMarkdownDesign(filepath.Join(dir, e.ID+".md"), cat.Template)
		if err != nil {
			t.Fatal(err)
		}
		d.Case, d.Title = slug, e.ID
		out = append(out, d)
	}
	return out
}

// TestBaselineRaisesNoFlag: the baseline the design sets out to beat, and a
// general claim about a kind of system, are not the design's own choices.
func TestBaselineRaisesNoFlag(t *testing.T) {
	e := engine(t)
	for _, d := range []*design.Design{
		{Sections: design.Answers{"model": {"baseline": text("Today the team uses a random split of the logs, 80/20, and we replace it.")}}},
		{Sections: design.Answers{"framing": {"objective": text("A click abandoned after 20 s is a miss, and click-optimised rankers reward eye-catching art over the right title.")}}},
	} {
		if r := e.Check("x", d); len(r.RaisedFlags()) != 0 {
			t.Errorf("%v raised %+v", d.Sections, r.RaisedFlags())
		}
	}
	// The same words as the design's own choice raise the flags.
	for id, d := range map[string]*design.Design{
		"rf-split":  {Sections: design.Answers{"model": {"approach": text("We use a random split of the logs, 80/20.")}}},
		"rf-clicks": {Sections: design.Answers{"framing": {"objective": text("We train click-optimised rankers for the home row.")}}},
	} {
		if !item(t, e.Check("x", d), id).Raised {
			t.Errorf("%s not raised by %v", id, d.Sections)
		}
	}
}

// TestDeferredEngineCompilesOnceOnFirstUse checks that an engine made with
// Deferred, first used by many goroutines at once, scores as an engine
// compiled at once does (run it with -race).
func TestDeferredEngineCompilesOnceOnFirstUse(t *testing.T) {
	d := &design.Design{Sections: design.Answers{
		"model": {"approach": text("We use a contextual bandit, and exploration is logged with its propensity for replay.")},
	}}
	want, err := json.Marshal(engine(t).Check("x", d))
	if err != nil {
		t.Fatal(err)
	}
	lazy := engine(t, rubric.Deferred())
	if lazy.Rubric() != testRubric {
		t.Error("a deferred engine does not give its rubric before it is compiled")
	}
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%3 == 0 {
				lazy.Compile()
			}
			got[i], _ = json.Marshal(lazy.Check("x", d))
		}()
	}
	wg.Wait()
	for i, g := range got {
		if !bytes.Equal(g, want) {
			t.Errorf("goroutine %d: the deferred engine's report differs:\n%s\nwant\n%s", i, g, want)
		}
	}
}

// TestRowNamesAreNotRefusals: the first cell of a list row names what is
// measured. "Plays abandoned within two minutes" as a guardrail measures
// quick abandons; a sentence that says the same is read as it is written.
func TestRowNamesAreNotRefusals(t *testing.T) {
	concepts := rubric.Concepts{"quick_abandon": {"plays|starts + two minutes|#num minutes"}}
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "abandons", Dimension: "evaluation", Points: 4, Title: "Abandons", Decision: "Whether quick abandons are measured", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
			{Check: "mentions", Concepts: []string{"quick_abandon"}, Sections: []string{"evaluation"}},
		}},
	}}
	tmpl := loadTemplate(t)
	e := rubric.NewEngine(r, concepts, tmpl)
	row := &design.Design{Sections: design.Answers{"evaluation": {
		"metrics": {Rows: []design.Row{{"name": "Plays abandoned within two minutes", "kind": "guardrail", "target": "no more than 1% higher"}}},
	}}}
	if c := item(t, e.Check("x", row), "abandons").Checks[0]; c.Credit < 0.999 {
		t.Errorf("a guardrail row naming abandoned plays was not read as measuring them: %+v", c)
	}
	prose := &design.Design{Sections: design.Answers{"evaluation": {
		"offline": text("Plays abandoned within two minutes are not tracked, since they are noise."),
	}}}
	if c := item(t, e.Check("x", prose), "abandons").Checks[0]; c.Credit > 0 {
		t.Errorf("a sentence that refuses to track abandoned plays earned the check: %+v", c)
	}
}

// TestManyFlagsHoldTheScore: a strong design that chooses three wrong
// decisions of its case is held below medium and told why; with two it is
// only marked down.
func TestManyFlagsHoldTheScore(t *testing.T) {
	cat := loadCases(t)
	k, ok := cat.Case("homepage-recommendations")
	if !ok {
		t.Fatal("no homepage case")
	}
	wrong := [][3]string{
		{"evaluation", "split", "random_rows"},
		{"deployment", "rollout_strategy", "all_at_once"},
		{"deployment", "fallback", "error"},
	}
	with := func(n int) *rubric.Report {
		d := *k.Reference
		d.Sections = design.Answers{}
		for sec, fields := range k.Reference.Sections {
			for f, v := range fields {
				d.Sections.Set(sec, f, v)
			}
		}
		for _, w := range wrong[:n] {
			d.Sections.Set(w[0], w[1], design.Value{Text: w[2]})
		}
		return k.Engine.Check(k.Slug, &d)
	}
	notice := func(r *rubric.Report) *rubric.Note {
		for i, n := range r.Notices {
			if n.Kind == rubric.NoteManyFlags {
				return &r.Notices[i]
			}
		}
		return nil
	}
	two, three := with(2), with(3)
	if n := len(two.RaisedFlags()); n != 2 || notice(two) != nil || two.Score <= rubric.FlaggedCeiling {
		t.Errorf("two wrong choices: %d flags, score %.1f, notice %+v", n, two.Score, notice(two))
	}
	n := notice(three)
	if len(three.RaisedFlags()) != 3 || three.Score != rubric.FlaggedCeiling || three.Grade != rubric.GradeWeak || n == nil {
		t.Fatalf("three wrong choices: %d flags, score %.1f (%s), notice %+v", len(three.RaisedFlags()), three.Score, three.Grade, n)
	}
	if !strings.Contains(n.Message, "3 red flags") || !strings.Contains(n.Message, fmt.Sprintf("held at %.0f", rubric.FlaggedCeiling)) {
		t.Errorf("the notice does not say why: %q", n.Message)
	}
}

// TestRunnerUpRaisesNoFlag: a wrong option named as the runner-up the
// design set aside raises no red flag; chosen, it does.
func TestRunnerUpRaisesNoFlag(t *testing.T) {
	e := engine(t)
	for _, tt := range []struct {
		text string
		flag bool
	}{
		{"Runner-up: a random split of the logs, which is simpler.", false},
		{"The runner-up, a random split, lost because viewing is ordered in time.", false},
		{"A random split came second and lost because it leaks the future.", false},
		{"Why not a random split? It leaks the future.", false},
		{"A random split was rejected: it leaks the future.", false},
		{"We use a random split, and the runner-up was a forward split.", true},
		{"We use a random split because it is simple and the time split was rejected.", true},
		{"We use a random split of the logs.", true},
		// A general claim about such a choice is not the design's.
		{"A random split of the logs will always look better offline than it is.", false},
		{"A random split of the logs will be what we evaluate on.", true},
		{"A random split of the logs is used for evaluation.", true},
	} {
		d := &design.Design{Sections: design.Answers{"evaluation": {"offline": text(tt.text)}}}
		if got := item(t, e.Check("x", d), "rf-split").Raised; got != tt.flag {
			t.Errorf("%q: flag raised %v, want %v", tt.text, got, tt.flag)
		}
	}
}

// TestCaseBands: a case's own strong band grades its designs, the report
// says where it starts, and a band outside the scale is refused. A churn
// design the interviewers call borderline (64.5) scores between the usual
// band and churn's own.
func TestCaseBands(t *testing.T) {
	cat := loadCases(t)
	k, _ := cat.Case("churn-retention")
	d, err := readMarkdownDesign(filepath.Join("testdata", "blind", "churn-retention", "l06.md"), cat.Template)
	if err != nil {
		t.Fatal(err)
	}
	own := k.Engine.Check(k.Slug, d)
	if own.StrongFrom != k.Rubric.StrongFrom || own.StrongFrom <= rubric.StrongFrom {
		t.Fatalf("churn's report: strong from %.0f; its rubric says %.0f, above the usual %.0f", own.StrongFrom, k.Rubric.StrongFrom, rubric.StrongFrom)
	}
	if own.Score < rubric.StrongFrom || own.Score >= own.StrongFrom {
		t.Fatalf("l06 scores %.1f, not between %.0f and %.0f: pick another design for this test", own.Score, rubric.StrongFrom, own.StrongFrom)
	}
	if own.Grade != rubric.GradeMedium || !strings.Contains(own.BandsLine(), fmt.Sprintf("strong from %.0f", own.StrongFrom)) {
		t.Errorf("under churn's band: %.1f grades %s; report says %q", own.Score, own.Grade, own.BandsLine())
	}
	// The same case with its band left out: the engine grades by the rubric
	// it was built on.
	k2, _ := loadCases(t).Case(k.Slug)
	k2.Rubric.StrongFrom = 0
	rep := k2.Engine.Check(k2.Slug, d)
	if rep.Score != own.Score || rep.Grade != rubric.GradeStrong || rep.StrongFrom != rubric.StrongFrom {
		t.Errorf("under the usual band: %.1f grades %s, strong from %.0f; want %.1f, strong from %.0f", rep.Score, rep.Grade, rep.StrongFrom, own.Score, rubric.StrongFrom)
	}
	for _, bad := range []float64{20, 44, 91} {
		r := *k.Rubric
		r.StrongFrom = bad
		if ps := r.Validate(cat.Template, k.Concepts); len(ps) != 1 || ps[0].Path != "$.strong_from" {
			t.Errorf("strong_from %.0f: problems %+v; want one at $.strong_from", bad, ps)
		}
	}
}
