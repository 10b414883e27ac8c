package rubric_test

import (
	"os"
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
	"retention":     {"retention"},
}

var testRubric = &rubric.Rubric{Version: 2, Items: []rubric.Item{
	{ID: "explore", Dimension: "model", Points: 6, Title: "Explores", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "mentions", Concepts: []string{"exploration"}, Sections: []string{"model"}},
		{Check: "mentions", Concepts: []string{"take_fraction"}, Sections: []string{"evaluation"}},
		{Check: "present", Section: "model", Field: "approach", MinWords: 12},
	}},
	{ID: "guard", Dimension: "evaluation", Points: 3, Title: "Guardrails", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "list_has", Section: "evaluation", Field: "metrics", Where: map[string]string{"kind": "guardrail"}},
	}},
	{ID: "budget", Dimension: "deployment", Points: 3, Title: "Budget", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "number", Section: "deployment", Field: "latency_budget", AtLeast: f(10), AtMost: f(300)},
	}},
	{ID: "graph", Dimension: "monitoring", Points: 3, Title: "Loop", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
		{Check: "graph_has", Node: "policy", Stage: "online"},
		{Check: "graph_path", From: "log", To: "training"},
		{Check: "graph_cycle", Through: []string{"serving", "log", "training"}},
	}},
	{ID: "talk", Dimension: "communication", Points: 4, Title: "Clear", Levels: []string{"", "", "", ""}},
}}

func engine(t *testing.T) *rubric.Engine {
	t.Helper()
	tmpl, err := catalog.LoadTemplate(os.DirFS("../../cases"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	if ps := testRubric.Validate(tmpl, testConcepts); len(ps) > 0 {
		t.Fatalf("test rubric invalid: %+v", ps)
	}
	return rubric.NewEngine(testRubric, testConcepts, tmpl)
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

func TestEngineLevelsAndEvidence(t *testing.T) {
	e := engine(t)
	d := &design.Design{
		Sections: design.Answers{
			"model":      {"approach": text("We use a contextual bandit, and exploration is logged with its propensity for replay.")},
			"evaluation": {"metrics": {Rows: []design.Row{{"name": "Play delay", "kind": "guardrail"}, {"kind": "guardrail"}}}},
			"deployment": {"latency_budget": {Number: f(120)}},
		},
		Pipeline: pipeline.Graph{
			Nodes: []pipeline.Node{{ID: "srv", Kind: "serving", Stage: "online"}, {ID: "log", Kind: "log"}, {ID: "train", Kind: "training"}, {ID: "pol", Kind: "policy", Stage: "online"}},
			Edges: []pipeline.Edge{{From: "srv", To: "log"}, {From: "log", To: "train"}, {From: "train", To: "srv"}},
		},
	}
	r := e.Check("x", d)
	ex := item(t, r, "explore")
	if *ex.Level != 2 || ex.Earned != 4 {
		t.Errorf("explore: level %d earned %.1f; want 2 of 3 checks met: level 2, 4 points", *ex.Level, ex.Earned)
	}
	if ev := ex.Checks[0].Evidence; len(ev) != 1 || ev[0].Section != "model" || ev[0].Field != "approach" || ev[0].Words != "exploration" {
		t.Errorf("mentions evidence = %+v", ev)
	}
	if ex.Checks[1].Met || ex.Checks[1].Hint == "" {
		t.Errorf("take fraction is nowhere, yet met=%v hint=%q", ex.Checks[1].Met, ex.Checks[1].Hint)
	}
	g := item(t, r, "guard")
	if *g.Level != 3 || len(g.Checks[0].Evidence) != 1 || g.Checks[0].Evidence[0].Words != "Play delay" {
		t.Errorf("guard: %+v (a row without a name must not count)", g)
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
	// 4 + 3 + 3 + 3 of 15 automatic points.
	if r.Possible != 15 || r.HumanPoints != 4 || r.Score != 86.7 || r.RubricVersion != 2 {
		t.Errorf("report: possible %d human %d score %.1f version %d", r.Possible, r.HumanPoints, r.Score, r.RubricVersion)
	}
	if r.Dimensions["model"] != 66.7 || r.Dimensions["evaluation"] != 100 {
		t.Errorf("dimensions %v", r.Dimensions)
	}
	if _, ok := r.Dimensions["communication"]; ok {
		t.Error("a dimension with no automatic points has an automatic score")
	}
}

func TestMentionsOnlyInItsSections(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{
		"framing":    {"objective": text("We rely on exploration with a small random slice of traffic.")},
		"evaluation": {"offline": text("The take fraction is measured on the random slice of logs.")},
	}}
	r := e.Check("x", d)
	ex := item(t, r, "explore")
	if ex.Checks[0].Met {
		t.Error("exploration written in framing was credited to a check that reads only the model section")
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
}

func TestDeniedConceptIsFlagged(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{
		"model": {"approach": text("We serve the best image and there is no exploration at all in this design.")},
	}}
	r := e.Check("x", d)
	c := item(t, r, "explore").Checks[0]
	if c.Met || len(c.Denied) != 1 || c.Denied[0].Words != "exploration" {
		t.Fatalf("denied exploration: met=%v denied=%+v", c.Met, c.Denied)
	}
	if len(r.Flags) != 1 || r.Flags[0].Item != "explore" {
		t.Fatalf("flags = %+v", r.Flags)
	}
}

func TestNumberOutOfRange(t *testing.T) {
	e := engine(t)
	d := &design.Design{Sections: design.Answers{"deployment": {"latency_budget": {Number: f(5000)}}}}
	c := item(t, e.Check("x", d), "budget").Checks[0]
	if c.Met || c.Hint == "" || c.Evidence[0].Words != "5000 ms" {
		t.Fatalf("5000 ms against 10..300: %+v", c)
	}
}
