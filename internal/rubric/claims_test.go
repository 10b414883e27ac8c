package rubric_test

import (
	"testing"

	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

// TestClaimsReadTheClaimNotItsNeighbour: a claims trigger raises its flag
// when the answer states the claim, and not when the words of the claim
// sit on both sides of a contrast or the claim is denied.
func TestClaimsReadTheClaimNotItsNeighbour(t *testing.T) {
	concepts := rubric.Concepts{
		"l2_zeroes": {"l2|ridge + exactly zero|sparse @10"},
		"l1_sparse": {"l1|lasso + exactly zero|sparse @10"},
	}
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "sparse", Dimension: "model", Points: 3, Title: "Sparsity", Decision: "which penalty zeroes weights", Levels: []string{"", "", "", ""},
			Checks: []rubric.Check{{Check: rubric.CheckMentions, Concepts: []string{"l1_sparse"}, Sections: []string{"answer"}}}},
		{ID: "rf-l2-zero", RedFlag: true, Dimension: "model", Points: 3, Title: "L2 zeroes weights", Reason: "It shrinks them.",
			Checks: []rubric.Check{{Check: rubric.CheckClaims, Concepts: []string{"l2_zeroes"}, Sections: []string{"answer"}}}},
		{ID: "rf-other", RedFlag: true, Dimension: "model", Points: 3, Title: "Other", Reason: "r",
			Checks: []rubric.Check{{Check: rubric.CheckClaims, Concepts: []string{"l1_sparse"}, Sections: []string{"nowhere"}}}},
	}}
	tmpl := drill.Template()
	if ps := r.ValidateDrill(tmpl, concepts); len(ps) != 1 || ps[0].Path != "$.items[2].checks[0].sections[0]" {
		t.Fatalf("validation: %+v; want only the unknown section", ps)
	}
	r.Items = r.Items[:2]
	r.Items = append(r.Items, rubric.Item{ID: "rf-x", RedFlag: true, Dimension: "model", Points: 1, Title: "X", Reason: "r",
		Checks: []rubric.Check{{Check: rubric.CheckClaims, Concepts: []string{"l1_sparse"}, Sections: []string{"answer"}}}})
	e := rubric.NewEngine(r, concepts, tmpl)
	for _, tc := range []struct {
		text  string
		flags bool
	}{
		{"L2 regularisation makes the weights exactly zero, which selects features.", true},
		{"With ridge, many weights end up exactly zero.", true},
		{"L1 gives sparse models because it pushes weights to exactly zero, while L2 only makes them smaller.", false},
		{"L2 never makes a weight exactly zero.", false},
		{"Lasso zeroes weights; ridge only shrinks them.", false},
		{"A common mistake is to think that ridge makes weights exactly zero.", false},
		{"If you use ridge to get weights exactly zero, you lose the chance to select features.", false},
		{"If the data is wide, ridge makes the weights exactly zero, so you get a sparse model.", true},
		{"If they count on ridge making the weights exactly zero, they keep every feature and never notice.", false},
		{"One option: ridge, to make the weights exactly zero. I would not do it here, since it only shrinks them.", false},
		{"Ridge makes the weights exactly zero. That is why I use it.", true},
		{"A common trap: ridge makes the weights exactly zero, people think, so they drop features.", false},
		{"My plan: ridge makes the weights exactly zero, so it selects features.", true},
		{"People often say ridge makes the weights exactly zero, but it only shrinks them.", false},
		{"The obvious approach uses ridge to make the weights exactly zero; it only shrinks them.", false},
		{"The approach I use: ridge, which makes the weights exactly zero.", true},
	} {
		a := &drill.Answer{Format: drill.Format, Drill: "d", Answer: tc.text}
		rep := e.Check("d", a.Design())
		got := false
		for _, f := range rep.RaisedFlags() {
			got = got || f.ID == "rf-l2-zero"
		}
		if got != tc.flags {
			t.Errorf("%q: flag raised %v, want %v", tc.text, got, tc.flags)
		}
	}
}

// TestTechnicalTermsAreNotMarketing: "boosting" is a marketing word in a
// design, but the subject itself in a drill about gradient boosting.
func TestTechnicalTermsAreNotMarketing(t *testing.T) {
	concepts := rubric.Concepts{"boosting": {"boost* + sequential*|residual* @10"}}
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "boost", Dimension: "model", Points: 3, Title: "Boosting", Decision: "what boosting fits", Levels: []string{"", "", "", ""},
			Checks: []rubric.Check{{Check: rubric.CheckMentions, Concepts: []string{"boosting"}, Sections: []string{"answer"}}}},
	}}
	text := "Boosting adds trees sequentially, and each new tree fits the residuals of the ones before it. " +
		"Boosting keeps going until the validation loss stops falling. Boosting with shallow trees is the usual choice for tables."
	a := &drill.Answer{Format: drill.Format, Drill: "d", Answer: text}
	tmpl := drill.Template()
	plain := rubric.NewEngine(r, concepts, tmpl).Check("d", a.Design())
	technical := rubric.NewEngine(r, concepts, tmpl, rubric.WithTechnicalTerms()).Check("d", a.Design())
	if plain.Score >= 100 {
		t.Errorf("without the option, a text full of \"boosting\" scores %.1f; its sentences should read as marketing", plain.Score)
	}
	if technical.Score < 100 {
		t.Errorf("with technical terms, the text scores %.1f; want 100: %+v", technical.Score, technical.Notices)
	}
}
