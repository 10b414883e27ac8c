package rubric_test

import (
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

func drillAnswer(text string) *design.Design {
	a := &drill.Answer{Format: drill.Format, Drill: "d", Answer: text}
	return a.Design()
}

// exemplarEngine is a drill engine with one item, read against three
// scored answers on different subjects.
func exemplarEngine(t *testing.T) *rubric.Engine {
	t.Helper()
	concepts := rubric.Concepts{"shrink": {"shrink* + weight* @6"}, "wrong": {"exactly zero + ridge @6"}}
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "shrink", Dimension: "model", Points: 3, Title: "Shrinkage", Decision: "ridge shrinks weights", Levels: []string{"", "", "", ""},
			Checks: []rubric.Check{{Check: rubric.CheckMentions, Concepts: []string{"shrink"}, Sections: []string{"answer"}}}},
		{ID: "rf-zero", RedFlag: true, Dimension: "model", Points: 3, Title: "Ridge zeroes weights", Reason: "It shrinks them.",
			Checks: []rubric.Check{{Check: rubric.CheckClaims, Concepts: []string{"wrong"}, Sections: []string{"answer"}}}},
		{ID: "rf-other", RedFlag: true, Dimension: "model", Points: 1, Title: "Other", Reason: "r",
			Checks: []rubric.Check{{Check: rubric.CheckClaims, Concepts: []string{"wrong"}, Sections: []string{"answer"}}}},
	}}
	ex := []rubric.Exemplar{
		{ID: "reference", Score: rubric.ReferenceScore, Design: drillAnswer("Ridge regression adds the squared norm of the weights to the loss, so it shrinks every weight towards zero without setting any to exactly zero, and it keeps correlated features together.")},
		{ID: "a/strong", Set: "a", Score: 92, Why: "Right about ridge and correlated features.", Design: drillAnswer("In our churn model the correlated tenure features kept flipping sign until I added an L2 penalty; the penalty shrank them together and the coefficients settled.")},
		{ID: "b/weak", Set: "b", Score: 25, Why: "Confuses the penalties.", Design: drillAnswer("Ridge sets the small weights to exactly zero, so it picks the features for you and you can drop the rest before you ship the model.")},
	}
	return rubric.NewEngine(r, concepts, drill.Template(), rubric.WithTechnicalTerms(), rubric.WithExemplars(ex...))
}

// TestReadingAgainstScoredAnswers checks that a drill answer takes most of
// its score from the scored answers whose words are closest to it, says
// which, and that leaving a set out leaves its answers out.
func TestReadingAgainstScoredAnswers(t *testing.T) {
	e := exemplarEngine(t)
	close := drillAnswer("On a churn model the tenure features were correlated and flipped sign between retrains; an L2 penalty shrank the correlated coefficients together and they settled. " +
		"Before the penalty, every retrain told the retention team a different story about tenure, which made the churn coefficients useless for planning. " +
		"After it, the correlated tenure coefficients moved together, the sign stopped flipping, and validation loss on the later month improved a little as well.")
	rep := e.Check("d", close)
	if rep.Reading == nil || len(rep.Reading.Nearest) == 0 {
		t.Fatalf("no reading: %+v", rep)
	}
	if got := rep.Reading.Nearest[0].ID; got != "a/strong" {
		t.Errorf("closest answer %q; want a/strong (%+v)", got, rep.Reading.Nearest)
	}
	if rep.Reading.Score < 80 {
		t.Errorf("read at %.1f; want near the 92 of the answer it is closest to", rep.Reading.Score)
	}
	if rep.Reading.Weight != rubric.ExemplarWeight {
		t.Errorf("an answer of three sentences has its reading weighed %.2f; want %.2f", rep.Reading.Weight, rubric.ExemplarWeight)
	}
	want := 0.3*rep.Reading.Items + 0.7*rep.Reading.Score
	if d := rep.Score - want; d > 0.1 || d < -0.1 {
		t.Errorf("score %.1f; want 30%% of the items' %.1f and 70%% of the reading's %.1f", rep.Score, rep.Reading.Items, rep.Reading.Score)
	}
	short := e.Check("d", drillAnswer("An L2 penalty shrank the correlated tenure coefficients together."))
	if short.Reading == nil || short.Reading.Weight >= rubric.ExemplarWeight/2 {
		t.Errorf("a one-sentence answer has its reading weighed %+v; want well under %.2f", short.Reading, rubric.ExemplarWeight)
	}
	found := false
	for _, n := range rep.Notices {
		if n.Kind == rubric.NoteReading {
			found = strings.Contains(n.Message, "scored 92")
		}
	}
	if !found {
		t.Errorf("no notice says what the closest answers were scored: %+v", rep.Notices)
	}
	if rep.StrongFrom != rubric.ReadStrongFrom || rep.MediumFrom != rubric.ReadMediumFrom {
		t.Errorf("bands %v/%v; want the interviewers' scale", rep.StrongFrom, rep.MediumFrom)
	}

	held := e.CheckWithout("d", close, "a")
	for _, nb := range held.Reading.Nearest {
		if nb.ID == "a/strong" {
			t.Errorf("set a left out, yet its answer is read: %+v", held.Reading.Nearest)
		}
	}
	if held.Reading.Of != rep.Reading.Of-1 {
		t.Errorf("read against %d answers with set a left out; want %d", held.Reading.Of, rep.Reading.Of-1)
	}

	far := e.Check("d", drillAnswer("Ridge puts the small weights at exactly zero, which picks the features for us, so we drop the others before we ship."))
	if far.Reading == nil || len(far.Reading.Nearest) == 0 || far.Reading.Nearest[0].ID != "b/weak" || far.Grade != rubric.GradeWeak {
		t.Errorf("an answer like the weak one reads %+v and grades %s; want closest to b/weak, weak", far.Reading.Nearest, far.Grade)
	}
}

// TestReadingReadsOnlyWrittenSentences checks that a keyword list and text
// copied from nowhere are not read: a list of the strong answer's words
// earns nothing from the reading.
func TestReadingReadsOnlyWrittenSentences(t *testing.T) {
	e := exemplarEngine(t)
	rep := e.Check("d", drillAnswer("churn, tenure, correlated, L2, penalty, shrank, coefficients, settled, retrains, flipped, sign"))
	if rep.Reading == nil {
		t.Fatal("no reading")
	}
	if rep.Reading.Score != 0 || len(rep.Reading.Nearest) != 0 {
		t.Errorf("a keyword list reads as %.1f, closest to %+v; want 0 and none", rep.Reading.Score, rep.Reading.Nearest)
	}
	if rep.Grade != rubric.GradeWeak {
		t.Errorf("a keyword list grades %s (%.1f); want weak", rep.Grade, rep.Score)
	}
}

// TestNoExemplarsNoReading checks that an engine without scored answers
// (a case, a SQL drill) scores as before.
func TestNoExemplarsNoReading(t *testing.T) {
	e := engine(t)
	rep := e.Check("c", &design.Design{Sections: design.Answers{}})
	if rep.Reading != nil || rep.MediumFrom != 0 {
		t.Errorf("a case's report has a reading: %+v", rep.Reading)
	}
}

// TestReadingOfAnswersThatSayNothing checks every drill that is read
// against scored answers with answers an interviewer gives nothing for: a
// reply that could answer any question, and the drill's own prompt sent
// back. Close to no scored answer, they read as like none of them.
func TestReadingOfAnswersThatSayNothing(t *testing.T) {
	cat := loadCases(t)
	n := 0
	for _, d := range cat.Drills {
		for _, text := range []string{
			"It depends on the situation. I would look at the data, talk to the team, and choose what works best, then measure it and iterate.",
			"Honestly I have not worked on this, so I would read up on it first and ask a colleague who knows it well before I decided anything.",
			d.Prompt,
		} {
			rep := d.Engine.Check(d.Slug, drillAnswer(text))
			if rep.Reading == nil {
				continue // a SQL drill: its query is run, not read
			}
			n++
			if rep.Grade != rubric.GradeWeak {
				t.Errorf("%s: %q grades %s (%.1f; read %.1f, closest %+v); want weak", d.Slug, excerpt(text), rep.Grade, rep.Score, rep.Reading.Score, rep.Reading.Nearest)
			}
		}
	}
	if n == 0 {
		t.Fatal("no drill is read against scored answers")
	}
}

func excerpt(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// TestReadingIndexMatchesDirectReading checks that the index an engine
// reads answers with gives the similarities the direct computation gives,
// for every drill read against scored answers and a spread of answers.
func TestReadingIndexMatchesDirectReading(t *testing.T) {
	cat := loadCases(t)
	n := 0
	for _, d := range cat.Drills {
		texts := []string{d.Reference.Answer, "It depends on the situation; I would look at the data and iterate."}
		for _, m := range d.Misconceptions {
			texts = append(texts, m.Answer)
		}
		for _, text := range texts {
			indexed, direct := d.Engine.ReadBothWays(drillAnswer(text))
			if len(indexed) != len(direct) {
				t.Fatalf("%s: %d similarities indexed, %d direct", d.Slug, len(indexed), len(direct))
			}
			for i := range indexed {
				if diff := indexed[i] - direct[i]; diff > 1e-9 || diff < -1e-9 {
					t.Errorf("%s, exemplar %d: indexed %.12f, direct %.12f", d.Slug, i, indexed[i], direct[i])
				}
			}
			n += len(indexed)
		}
	}
	if n == 0 {
		t.Fatal("no similarities compared")
	}
}
