package rubric_test

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/casebench/casebench/cases"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/sqldrill"
)

// datasetJudge runs queries on the bundled sample dataset.
type datasetJudge struct{ d *sqldrill.Dataset }

func (j datasetJudge) Compare(answer, query string) (rubric.SQLVerdict, error) {
	res, err := j.d.Check(context.Background(), answer, query, sqldrill.Options{Ordered: true})
	if err != nil {
		return rubric.SQLVerdict{}, err
	}
	return rubric.SQLVerdict{Same: res.Pass, Ran: res.Got != nil, Closeness: res.Closeness, Explanation: res.Explanation}, nil
}

const (
	plansRef  = "SELECT plan, COUNT(*) AS members FROM members WHERE cancel_date IS NULL GROUP BY plan ORDER BY plan"
	plansTrap = "SELECT plan, COUNT(*) AS members FROM members GROUP BY plan ORDER BY plan"
)

var sqlRubric = &rubric.Rubric{Version: 1, Items: []rubric.Item{
	{ID: "result", Dimension: "data", Points: 10, Title: "Right rows", Decision: "the members per plan", Levels: []string{"", "", "", ""},
		Checks: []rubric.Check{{Check: rubric.CheckSQLResult, Section: "answer", Field: "sql"}}},
	{ID: "rf-cancelled", RedFlag: true, Dimension: "data", Points: 4, Title: "Counts cancelled members", Reason: "They are not members any more.",
		Checks: []rubric.Check{{Check: rubric.CheckSQLTrap, Section: "answer", Field: "sql", Query: plansTrap}}},
	{ID: "rf-other", RedFlag: true, Dimension: "data", Points: 4, Title: "Other", Reason: "r",
		Checks: []rubric.Check{{Check: rubric.CheckSQLTrap, Section: "answer", Field: "sql", Query: "SELECT 'x' AS plan, 0 AS members"}}},
}}

func sqlEngine(t *testing.T, opts ...rubric.Option) *rubric.Engine {
	t.Helper()
	if ps := sqlRubric.ValidateDrill(drill.Template(), rubric.Concepts{}); len(ps) > 0 {
		t.Fatalf("rubric: %+v", ps)
	}
	return rubric.NewEngine(sqlRubric, rubric.Concepts{}, drill.Template(), opts...)
}

func TestSQLChecksRunTheQuery(t *testing.T) {
	d, err := sqldrill.Open(cases.FS, sqldrill.SampleFile, sqldrill.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	e := sqlEngine(t, rubric.WithSQL(datasetJudge{d}, plansRef))
	for _, tc := range []struct {
		name, query string
		met         bool
		credit      float64 // a third for the asked-for columns, two for a close result
		note, flag  string
	}{
		{"the reference, written differently", "select plan, count(*) as members\nfrom members where cancel_date is null\ngroup by 1 order by 1", true, 1, "", ""},
		{"the right rows in the wrong order", "SELECT plan, COUNT(*) AS members FROM members WHERE cancel_date IS NULL GROUP BY plan ORDER BY plan DESC", false, 2.0 / 3, "The result differs from the reference", ""},
		{"the mistake the trap knows", plansTrap, false, 1.0 / 3, "The result differs from the reference", "rf-cancelled"},
		{"another mistake", "SELECT plan, COUNT(*) AS members FROM members WHERE cancel_date IS NOT NULL GROUP BY plan ORDER BY plan", false, 1.0 / 3, "The result differs from the reference", ""},
		{"other columns", "SELECT plan FROM members GROUP BY plan ORDER BY plan", false, 0, "The result differs from the reference", ""},
		{"a query that is refused", "DELETE FROM members", false, 0, "The query did not run", ""},
		{"a typo", "SELECT plan, COUNT(*) AS members FROM memberz GROUP BY plan", false, 0, "no such table", ""},
		{"no query", "", false, 0, "No query yet.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := e.Check("d", (&drill.Answer{Format: drill.Format, Drill: "d", Answer: "x", SQL: tc.query}).Design())
			c := rep.Items[0].Checks[0]
			if c.Met != tc.met {
				t.Errorf("met %v, want %v (notes %+v)", c.Met, tc.met, c.Notes)
			}
			if math.Abs(c.Credit-tc.credit) > 0.01 {
				t.Errorf("credit %.2f, want %.2f", c.Credit, tc.credit)
			}
			if tc.note != "" && (len(c.Notes) == 0 || !strings.Contains(c.Notes[0].Message, tc.note)) {
				t.Errorf("notes %+v; want %q", c.Notes, tc.note)
			}
			var got []string
			for _, f := range rep.RaisedFlags() {
				got = append(got, f.ID)
			}
			if want := tc.flag; (want == "") != (len(got) == 0) || want != "" && got[0] != want {
				t.Errorf("raised %v, want %q", got, want)
			}
		})
	}
}

// TestSQLChecksRememberNothingWrong: a second check of the same answer,
// served from what the engine remembers, reports the same.
func TestSQLChecksRememberNothingWrong(t *testing.T) {
	d, err := sqldrill.Open(cases.FS, sqldrill.SampleFile, sqldrill.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	e := sqlEngine(t, rubric.WithSQL(datasetJudge{d}, plansRef))
	for _, q := range []string{plansRef, plansTrap, "SELECT nonsense FROM members"} {
		a := &drill.Answer{Format: drill.Format, Drill: "d", Answer: "x", SQL: q}
		first, second := e.Check("d", a.Design()), e.Check("d", a.Design())
		if !reflect.DeepEqual(first, second) {
			t.Errorf("%q: the second check differs:\n%+v\n%+v", q, first, second)
		}
	}
}

func TestSQLChecksWithoutADataset(t *testing.T) {
	rep := sqlEngine(t).Check("d", (&drill.Answer{Format: drill.Format, Drill: "d", Answer: "x", SQL: plansRef}).Design())
	if c := rep.Items[0].Checks[0]; c.Met || len(c.Notes) == 0 || !strings.Contains(c.Notes[0].Message, "not loaded") {
		t.Errorf("without a dataset: %+v", c)
	}
	if len(rep.RaisedFlags()) > 0 {
		t.Errorf("a trap was raised without a dataset")
	}
}

func TestSQLChecksValidate(t *testing.T) {
	r := &rubric.Rubric{Version: 1, Items: []rubric.Item{
		{ID: "a", Dimension: "data", Points: 2, Title: "A", Decision: "d", Levels: []string{"", "", "", ""}, Checks: []rubric.Check{{Check: rubric.CheckSQLResult, Section: "answer", Field: "text"}}},
		{ID: "rf-a", RedFlag: true, Dimension: "data", Points: 2, Title: "F", Reason: "r", Checks: []rubric.Check{{Check: rubric.CheckSQLTrap, Section: "answer", Field: "sql"}}},
		{ID: "rf-b", RedFlag: true, Dimension: "data", Points: 2, Title: "G", Reason: "r", Checks: []rubric.Check{{Check: rubric.CheckSQLResult, Section: "answer", Field: "sql"}}},
	}}
	var all []string
	for _, p := range r.ValidateDrill(drill.Template(), rubric.Concepts{}) {
		all = append(all, p.Path+" "+p.Message)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"$.items[0].checks[0].field field: answer.text is a text field; sql_result needs [code]", "$.items[1].checks[0].query query: give the mistaken query", "$.items[2].checks[0].check check: a red flag is raised only by"} {
		if !strings.Contains(got, want) {
			t.Errorf("no problem %q in:\n%s", want, got)
		}
	}
}
