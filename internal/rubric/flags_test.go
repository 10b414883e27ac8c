package rubric_test

import (
	"testing"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// raised reports whether the report raised the red flag id.
func raised(r *rubric.Report, id string) bool {
	for _, it := range r.Items {
		if it.ID == id {
			return it.Raised
		}
	}
	return false
}

func hasNotice(r *rubric.Report, kind string) bool {
	for _, n := range r.Notices {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// caseChecker returns a function that checks a design of the given
// sections against a bundled case.
func caseChecker(t *testing.T, slug string) func(design.Answers) *rubric.Report {
	t.Helper()
	k, ok := loadCases(t).Case(slug)
	if !ok {
		t.Fatalf("no %s case", slug)
	}
	return func(sections design.Answers) *rubric.Report {
		return k.Engine.Check(k.Slug, &design.Design{Sections: sections})
	}
}

// TestFlagQualifiers: a trigger qualified in its own sentence (unless), or
// cleared by what the design says elsewhere (cleared_by), raises nothing;
// the same trigger unqualified raises its flag.
func TestFlagQualifiers(t *testing.T) {
	check := caseChecker(t, "artwork-personalization")

	every := check(design.Answers{"deployment": {"serving": text("Scores are precomputed in a nightly batch for each member and title, and written to a key-value store.")}})
	likely := check(design.Answers{"deployment": {"serving": text("Scores are precomputed in a nightly batch for each member and title in their likely homepage candidates, about 300 titles each, and written to a key-value store.")}})
	if !raised(every, "rf-precompute-everything") {
		t.Error("precomputing each member and title: want rf-precompute-everything raised")
	}
	if raised(likely, "rf-precompute-everything") {
		t.Error("precomputing each member's likely titles: want no flag")
	}

	past := check(design.Answers{"framing": {"objective": text("I built creative selection at my previous company, where we picked one image per impression to maximise click-through.")}})
	ours := check(design.Answers{"framing": {"objective": text("We pick one image per impression to maximise click-through, because clicks arrive within seconds.")}})
	if raised(past, "rf-click-reward") {
		t.Error("a system built at a previous company: want no flag for this design")
	}
	if !raised(ours, "rf-click-reward") {
		t.Error("the design maximises click-through: want rf-click-reward raised")
	}

	anyPlay := design.Answers{"framing": {"objective": text("The reward is a play of the title from that card, because a play is a better sign of interest than a press on the artwork.")}}
	if r := check(anyPlay); !raised(r, "rf-any-play-reward") {
		t.Error("the reward is a play: want rf-any-play-reward raised")
	}
	defined := design.Answers{
		"framing": anyPlay["framing"],
		"data":    {"labels": text("A showing counts as a success only when the member keeps watching for at least 10 minutes.")},
	}
	if r := check(defined); raised(r, "rf-any-play-reward") {
		t.Error("a play defined elsewhere as at least 10 minutes of watching: want no flag")
	}
}

// TestShortcutFlagsDoNotMakeADesignWeak: three raised flags hold a design
// below medium, but a shortcut flag does not count towards the three.
func TestShortcutFlagsDoNotMakeADesignWeak(t *testing.T) {
	flag := func(id, concept string, shortcut bool) rubric.Item {
		return rubric.Item{ID: id, Dimension: "model", Points: 1, Title: "Flag " + id, Reason: "An interviewer marks it down.", RedFlag: true, Shortcut: shortcut,
			Checks: []rubric.Check{{Check: "asserts", Concepts: []string{concept}, Sections: []string{"model"}}}}
	}
	build := func(shortcut bool) *rubric.Engine {
		r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
			{ID: "explore", Dimension: "model", Points: 20, Title: "Explores", Decision: "How the policy keeps learning", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{
				{Check: "mentions", Concepts: []string{"exploration"}, Sections: []string{"model"}},
			}},
			flag("rf-split", "random_split", false),
			flag("rf-clicks", "clicks", false),
			flag("rf-take", "take_fraction", shortcut),
			flag("rf-ab", "ab_test", false), // not raised
			flag("rf-retention", "retention", false),
		}}
		tmpl := loadTemplate(t)
		if ps := r.Validate(tmpl, testConcepts); len(ps) > 0 {
			t.Fatalf("rubric invalid: %+v", ps)
		}
		return rubric.NewEngine(r, testConcepts, tmpl)
	}
	d := &design.Design{Sections: design.Answers{"model": {"approach": text(
		"We explore on a small share of the showings every day. We train on a random split of the rows we logged. " +
			"We optimise clicks on the artwork for every member. We report the take fraction of the new images to the team.")}}}
	key, short := build(false).Check("x", d), build(true).Check("x", d)
	for _, r := range []*rubric.Report{key, short} {
		if n := len(r.RaisedFlags()); n != 3 {
			t.Fatalf("want 3 flags raised, got %d", n)
		}
	}
	if !hasNotice(key, rubric.NoteManyFlags) || key.Score != rubric.FlaggedCeiling {
		t.Errorf("three key flags: score %.1f; want it held at %.0f with a notice", key.Score, rubric.FlaggedCeiling)
	}
	if hasNotice(short, rubric.NoteManyFlags) || short.Score <= rubric.FlaggedCeiling {
		t.Errorf("two key flags and a shortcut: score %.1f; want it not held", short.Score)
	}
}

// TestModalHedgesOnlyItsOwnClause: "might" followed by a pronoun leaves
// a mention open only when the pronoun is in the modal's own clause.
func TestModalHedgesOnlyItsOwnClause(t *testing.T) {
	e := engine(t)
	own := &design.Design{Sections: design.Answers{"model": {"approach": text("We keep exploration on every day, however much it might cost, and log it with the showing.")}}}
	open := &design.Design{Sections: design.Answers{"model": {"approach": text("We have not settled exploration yet; later we might add it to the showings.")}}}
	if cr := item(t, e.Check("x", own), "explore").Checks[0]; cr.Credit != 1 {
		t.Errorf("exploration kept on, whatever it might cost: credit %.2f, notes %+v; want full", cr.Credit, cr.Notes)
	}
	if cr := item(t, e.Check("x", open), "explore").Checks[0]; cr.Credit >= 1 {
		t.Errorf("exploration we might add later: credit %.2f; want it left open", cr.Credit)
	}
}

// TestHeadingsThatRefuseOrWeigh: a bold "Non-goals" heading refuses what
// follows it, and the bullets under "Alternatives considered" are weighed
// options, not choices; the same words stated plainly raise their flags.
func TestHeadingsThatRefuseOrWeigh(t *testing.T) {
	check := caseChecker(t, "plan-pricing")
	if r := check(design.Answers{"framing": {"objective": text("We optimise this month's sign-ups, because they are the number finance reads first.")}}); !raised(r, "rf-short-window") {
		t.Error("optimising this month's sign-ups: want rf-short-window raised")
	}
	if r := check(design.Answers{"framing": {"objective": text("**Non-goals.** Individual prices for members. Optimising this month's sign-ups or the cancel-flow save rate.")}}); raised(r, "rf-short-window") {
		t.Error("under a Non-goals heading: want no flag")
	}
	if r := check(design.Answers{"tradeoffs": {"tradeoffs": text("We randomise list prices between members, because it is the most precise test.")}}); !raised(r, "rf-member-price-test") {
		t.Error("randomising list prices between members: want rf-member-price-test raised")
	}
	weighed := "**Alternatives considered.**\n- *Randomise list prices between members:* precise, but breaks the same-price rule.\n- *Sub-national splits:* more power, lost to the same rule."
	if r := check(design.Answers{"tradeoffs": {"tradeoffs": text(weighed)}}); raised(r, "rf-member-price-test") {
		t.Error("an alternative considered and set aside: want no flag")
	}
}

// TestCensoredLabels: labels read from a cluster's own appliance logs, or
// training on the files it already held, raise the flag for labels
// censored by past placement, however long the sentence; labels from the
// steering logs, set against the appliance logs, do not.
func TestCensoredLabels(t *testing.T) {
	check := caseChecker(t, "cdn-cache-fill")
	for _, s := range []string{
		"The label is the number of peak-window views of a file at a cluster, using the usual definition (bytes streamed divided by file size), taken from that cluster's own appliance access logs between 19:00 and 23:00 local.",
		"A file the cluster did not hold has no log row, so the model is trained only on rows where the file was resident.",
	} {
		if rep := check(design.Answers{"data": {"labels": text(s)}}); !raised(rep, "rf-served-label") {
			t.Errorf("%q: want rf-served-label raised", s)
		}
	}
	s := "The label is each file's peak-window demand from the steering logs, which see every request by home cluster, not the cluster's own appliance logs, which only see the files it held."
	if rep := check(design.Answers{"data": {"labels": text(s)}}); raised(rep, "rf-served-label") {
		t.Errorf("%q: want no flag", s)
	}
}
