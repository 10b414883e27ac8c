package rubric_test

import (
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

var storyRubric = &rubric.Rubric{Version: 1, Items: []rubric.Item{
	{ID: "situation", Dimension: "communication", Points: 2, Title: "Situation", Decision: "the scene", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartSituation, Sections: []string{"answer"}}}},
	{ID: "task", Dimension: "communication", Points: 2, Title: "Task", Decision: "the task", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartTask, Sections: []string{"answer"}}}},
	{ID: "actions", Dimension: "communication", Points: 4, Title: "Actions", Decision: "own actions", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartActions, Sections: []string{"answer"}}}},
	{ID: "decision", Dimension: "communication", Points: 4, Title: "Decision", Decision: "a decision", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartDecision, Sections: []string{"answer"}}}},
	{ID: "result", Dimension: "communication", Points: 4, Title: "Result", Decision: "a measured result", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartResult, Sections: []string{"answer"}}}},
	{ID: "lesson", Dimension: "communication", Points: 2, Title: "Lesson", Decision: "a lesson", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartLesson, Sections: []string{"answer"}}}},
	{ID: "rf-no-result", RedFlag: true, Dimension: "communication", Points: 4, Title: "No result", Reason: "A story without an outcome.", Checks: []rubric.Check{{Check: rubric.CheckStoryLacks, Part: rubric.PartResult, Sections: []string{"answer"}}}},
	{ID: "rf-only-we", RedFlag: true, Dimension: "communication", Points: 4, Title: "Only we", Reason: "The interviewer cannot tell what you did.", Checks: []rubric.Check{{Check: rubric.CheckStoryLacks, Part: rubric.PartActions, Sections: []string{"answer"}}}},
	{ID: "rf-no-decision", RedFlag: true, Dimension: "communication", Points: 4, Title: "No decision", Reason: "Nothing was decided.", Checks: []rubric.Check{{Check: rubric.CheckStoryLacks, Part: rubric.PartDecision, Sections: []string{"answer"}}}},
	{ID: "rf-blames", RedFlag: true, Dimension: "communication", Points: 4, Title: "Blames others", Reason: "Owning the outcome is the point.", Checks: []rubric.Check{{Check: rubric.CheckBlames, Sections: []string{"answer"}}}},
}}

const fullStory = `Last year I was the only ML engineer on a team of six building a churn model for a subscription app. My task was to decide, within two weeks, whether we could ship a retention offer with only one month of labelled data.
I looked at what we had and found that 400 cancellations were enough for a simple baseline but not for the gradient-boosted model the team wanted. I decided to ship the logistic regression with a holdout group of 10% of members, because it would tell us the offer's real effect even if the model was weak. I wrote down the metric and the stopping rule before launch, and I walked the product manager through why.
After six weeks, the offer cut cancellations by 3.1% in the treated group against the holdout, and the holdout showed the model's top decile was right twice as often as chance.
I learned that a small, honest test beats a better model you cannot evaluate, and I now agree the stopping rule before any launch.`

func checkStory(t *testing.T, text string) *rubric.Report {
	t.Helper()
	tmpl := drill.Template()
	if ps := storyRubric.ValidateDrill(tmpl, rubric.Concepts{}); len(ps) > 0 {
		t.Fatalf("story rubric invalid: %+v", ps)
	}
	e := rubric.NewEngine(storyRubric, rubric.Concepts{}, tmpl)
	a := &drill.Answer{Format: drill.Format, Drill: "story", Answer: text}
	return e.Check("story", a.Design())
}

func storyItem(t *testing.T, r *rubric.Report, id string) rubric.ItemResult {
	t.Helper()
	for _, it := range r.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return rubric.ItemResult{}
}

func notes(it rubric.ItemResult) string {
	var b []string
	for _, c := range it.Checks {
		for _, n := range c.Notes {
			b = append(b, n.Message)
		}
	}
	return strings.Join(b, " | ")
}

func TestStoryWithEveryPart(t *testing.T) {
	rep := checkStory(t, fullStory)
	for _, id := range []string{"situation", "task", "actions", "decision", "result", "lesson"} {
		if it := storyItem(t, rep, id); *it.Level != 3 {
			t.Errorf("%s: level %d, notes %s", id, *it.Level, notes(it))
		}
	}
	if f := rep.RaisedFlags(); len(f) > 0 {
		t.Errorf("a full story raises %v", f[0].ID)
	}
	if ev := storyItem(t, rep, "result").Checks[0].Evidence; len(ev) == 0 || !strings.Contains(ev[0].Excerpt, "3.1%") {
		t.Errorf("result evidence %+v; want the sentence with 3.1%%", ev)
	}
}

// TestStoryMissingParts removes one part of the story at a time: the
// report names the missing part and quotes the answer where it should be.
func TestStoryMissingParts(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		item, flag string
		quote      string // the words of the answer the report quotes
	}{
		{"no result", `Last year I was the only ML engineer on a churn project. My task was to choose a model in two weeks. I decided to ship a logistic regression because we had little data. I wrote the metric down and I presented it to the product manager. We rolled it out and moved on to other work.`,
			"result", "rf-no-result", "We rolled it out and moved on to other work."},
		{"only we", `Last year our team had a churn problem at a subscription app. We needed to choose a model. We looked at the data and we decided on a logistic regression. We shipped it with a holdout of 10% and we cut cancellations by 3%. We learned a lot.`,
			"actions", "rf-only-we", "We needed to choose a model."},
		{"no decision", `In 2022 I worked on a search team of five at a retailer. My job was to improve the ranking model. I read the logs, I built features and I trained a new model over several weeks. The new model lifted clicks by 4% in the test. I learned to start from the logs.`,
			"decision", "rf-no-decision", "I learned to start from the logs."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := checkStory(t, tc.text)
			it := storyItem(t, rep, tc.item)
			if *it.Level == 3 {
				t.Fatalf("%s scores level 3 without it", tc.item)
			}
			if n := notes(it); !strings.Contains(n, tc.quote) {
				t.Errorf("the %s note does not quote %q: %s", tc.item, tc.quote, n)
			}
			flagged := false
			for _, f := range rep.Flags {
				if f.Item == tc.flag {
					flagged = true
					if !strings.Contains(f.Message, tc.quote) {
						t.Errorf("flag %s does not quote %q: %s", tc.flag, tc.quote, f.Message)
					}
				}
			}
			if !flagged {
				t.Errorf("flag %s not raised; raised %v", tc.flag, rep.RaisedFlags())
			}
		})
	}
}

func TestStoryResultWithoutMeasure(t *testing.T) {
	text := strings.Replace(fullStory, "After six weeks, the offer cut cancellations by 3.1% in the treated group against the holdout, and the holdout showed the model's top decile was right twice as often as chance.",
		"In the end the offer improved retention and everyone was happy.", 1)
	it := storyItem(t, checkStory(t, text), "result")
	if *it.Level != 2 || !strings.Contains(notes(it), "In the end the offer improved retention and everyone was happy.") {
		t.Errorf("an unmeasured result: level %d, notes %s; want part credit quoting it", *it.Level, notes(it))
	}
}

// TestStoryDecision reads who decided: the teller's own call earns the
// decision, a call told as the team's earns part of it and raises no "no
// decision" flag, and agreeing with a point is no decision at all.
func TestStoryDecision(t *testing.T) {
	const scene = "Last year I worked on a search team of five at a retailer. My job was to improve the ranking model. I read the logs and I built the features over several weeks. "
	const end = " The new model lifted clicks by 4% in the test. I learned to start from the logs."
	for _, tc := range []struct {
		sentence string
		level    int
		flagged  bool
	}{
		{"I decided to ship the simpler model first.", 3, false},
		{"I rebuilt the label on plays of ten minutes instead, and ran it as a third arm.", 3, false},
		{"I offered a cheap way to settle it: a two-week test.", 3, false},
		{"I didn't try to debug it live; I opened an incident channel first.", 3, false},
		{"I rolled back the feature job within the hour.", 3, false},
		{"We discussed it as a team and decided to go ahead, but carefully.", 2, false},
		{"In the end we agreed on a compromise of two boosted slots.", 2, false},
		{"We discussed it and we agreed that some points were fair.", 0, true},
		{"He said I had split the data randomly rather than by time.", 0, true},
		{"I thought we could do it rather than wait.", 0, true},
	} {
		rep := checkStory(t, scene+tc.sentence+end)
		it := storyItem(t, rep, "decision")
		flagged := false
		for _, f := range rep.RaisedFlags() {
			flagged = flagged || f.ID == "rf-no-decision"
		}
		if *it.Level != tc.level || flagged != tc.flagged {
			t.Errorf("%q: decision level %d, flagged %v; want %d, %v (%s)", tc.sentence, *it.Level, flagged, tc.level, tc.flagged, notes(it))
		}
	}
}

// TestStoryOutcomes reads results told without a verb of change: what
// came of the work counts as a result, with or without a measure.
func TestStoryOutcomes(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		result   bool
	}{
		{"The model went into production and was used for planning retention campaigns.", true},
		{"Over time he got a lot more confident and needed less help.", true},
		{"The final version was cleaner, and the team found it easier to work with.", true},
		{"We would roll it out to everyone if it went well.", false},
		{"Then I moved on to the next request in the queue.", false},
	} {
		text := "Last year I was the only ML engineer on a churn project. My task was to choose a model in two weeks. I decided to ship a logistic regression because we had little data. I wrote the metric down and I presented it to the product manager. " + tc.sentence
		rep := checkStory(t, text)
		flagged := false
		for _, f := range rep.RaisedFlags() {
			flagged = flagged || f.ID == "rf-no-result"
		}
		if flagged == tc.result {
			t.Errorf("%q: no-result flag %v; want a result read: %v", tc.sentence, flagged, tc.result)
		}
	}
}

func TestStoryBlame(t *testing.T) {
	for _, tc := range []struct {
		sentence string
		blames   bool
	}{
		{"The launch slipped because the data team dropped the ball on the backfill.", true},
		{"It was the platform team's fault that the features arrived late.", true},
		{"We missed the date because of them and their late reviews.", true},
		{"I blamed the vendor for the outage in the retro.", true},
		{"It was my fault: I had not checked the backfill myself.", false},
		{"I blame myself for not asking sooner.", false},
		{"They disagreed at first, so I showed them the numbers.", false},
		{"Nobody was to blame; the spec was ambiguous and I had not asked.", false},
		{"Then things went wrong, mostly outside my control.", true},
		{"I had flagged that I needed clean logs, but they didn't prioritise it.", true},
		{"So I'm not left holding the results of someone else's delays.", true},
		{"The delay was not outside my control: I had not asked for the logs early.", false},
		{"I escalated, but there was a limit to what I could do about another team's roadmap.", true},
		{"There was little I could do about the weather, so I moved the launch a week.", false},
		{"They had a release freeze they hadn't flagged, and they were slow to pick up our changes.", true},
		{"I was slow to see it, and they were patient with me.", false},
		{"I presented it, the lead was enthusiastic, and we integrated it into their planning tool.", false},
		{"It beat the heuristic by about 6%, within the noise of their planning.", false},
		{"I read his failure analysis before the review.", false},
		{"The outage was their mess to clean up.", true},
		{"The slip was a consequence of their planning, not ours.", true},
		{"They didn't agree at first, so I ran a small test with them.", false},
		{"Honestly, the product managers didn't really understand ML.", true},
		{"Their PM had honestly never understood what building a model involves.", true},
		{"That was really a consequence of their planning, not ours.", true},
		{"I told him it wasn't my decision and pointed him to my manager.", true},
		{"I helped them fix their planning for the next quarter.", false},
		{"I didn't really understand the billing data at first, so I asked.", false},
		{"I kept it about the changes, not about him being careless, and asked how it looked from his side.", false},
		{"I said Marco's notebooks were the main reason our readouts were late.", true},
		{"My own estimate was the main reason we slipped, so I rewrote the plan.", false},
	} {
		rep := checkStory(t, fullStory+"\n"+tc.sentence)
		got := false
		for _, f := range rep.RaisedFlags() {
			got = got || f.ID == "rf-blames"
		}
		if got != tc.blames {
			t.Errorf("%q: blames %v, want %v", tc.sentence, got, tc.blames)
		}
	}
}

func TestStoryChecksValidate(t *testing.T) {
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "a", Dimension: "communication", Points: 2, Title: "A", Decision: "d", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckStory, Part: "plot"}}},
		{ID: "rf-a", RedFlag: true, Dimension: "communication", Points: 2, Title: "F", Reason: "r", Checks: []rubric.Check{{Check: rubric.CheckStoryLacks, Part: rubric.PartTask}}},
		{ID: "rf-b", RedFlag: true, Dimension: "communication", Points: 2, Title: "G", Reason: "r", Checks: []rubric.Check{{Check: rubric.CheckStory, Part: rubric.PartResult}}},
	}}
	ps := r.ValidateDrill(drill.Template(), rubric.Concepts{})
	var got []string
	for _, p := range ps {
		got = append(got, p.Path+" "+p.Message)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{`$.items[0].checks[0].part part: unknown part "plot"`, "$.items[1].checks[0].part part: a missing task", `$.items[2].checks[0].check check: a red flag is raised only by`} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem %q in:\n%s", want, all)
		}
	}
}
