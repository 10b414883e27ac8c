package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
)

// writeAnswer writes a drill answer file and returns its path.
func writeAnswer(t *testing.T, a *drill.Answer) string {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "answer.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := drill.Encode(f, a); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func bundledDrill(t *testing.T, slug string) *catalog.Drill {
	t.Helper()
	cat, err := catalog.Load(os.DirFS("../../cases"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := cat.Drill(slug)
	if !ok {
		t.Fatalf("no drill %s", slug)
	}
	return d
}

func TestCasesLintCountsDrillsByKind(t *testing.T) {
	e, out, errb := testEnv("")
	if err := run(context.Background(), []string{"cases", "lint", "../../cases"}, e); err != nil {
		t.Fatalf("lint: %v\n%s", err, errb)
	}
	m := regexp.MustCompile(`(\d+) drill\(s\) \(([^)]*)\)`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(m[2], "ml ") {
		t.Fatalf("lint does not count drills by kind: %q", out)
	}
}

func TestCheckDrillAnswer(t *testing.T) {
	d := bundledDrill(t, "l1-vs-l2")
	file := writeAnswer(t, &drill.Answer{Drill: d.Slug, Answer: d.Reference.Answer})
	e, out, _ := testEnv("")
	if err := run(context.Background(), []string{"check", file, "--min-score", "75"}, e); err != nil {
		t.Fatalf("the reference answer is below 75: %v\n%s", err, out)
	}
	for _, want := range []string{d.Title + " (" + d.Slug + ")", "strong", "met     ", "Read against scored answers: ", "interviewers scored"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}

	wrong := writeAnswer(t, &drill.Answer{Drill: d.Slug, Answer: d.Misconceptions[0].Answer})
	e, out, _ = testEnv("")
	err := run(context.Background(), []string{"check", wrong, "--format", "json", "--min-score", "40"}, e)
	if err == nil || !strings.Contains(err.Error(), "below the minimum") {
		t.Fatalf("a misconception passed --min-score 40: %v", err)
	}
	var rep struct {
		Case  string
		Flags []struct{ Item, Message string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Case != d.Slug || len(rep.Flags) == 0 {
		t.Fatalf("JSON report: %v, %+v", err, rep)
	}
}

// TestCheckRefusesBadDrillAnswers: a malformed or over-long answer file is
// refused with a message naming the file and what is wrong, and no report
// is printed.
func TestCheckRefusesBadDrillAnswers(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		args       []string
		want       string
	}{
		{"malformed", "{\n\"format\": \"casebench.drill-answer/v1\",\n\"drill\": \"l1-vs-l2\",\n\"answer\": \"x\" oops\n}", nil, "answer.json:4: invalid character"},
		{"over-long", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "` + strings.Repeat("word ", 1300) + `"}`, nil, "answer: is 6500 characters long; the limit is 6000"},
		{"unknown drill", `{"format": "casebench.drill-answer/v1", "drill": "l3-vs-l4", "answer": "x"}`, nil, `unknown drill "l3-vs-l4"`},
		{"unknown key", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "text": "x"}`, nil, `unknown key "text"`},
		{"case flag on a drill answer", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "x"}`, []string{"--case", "plan-pricing"}, "takes --drill SLUG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, "answer.json")
			if err := os.WriteFile(file, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			e, out, _ := testEnv("")
			err := run(context.Background(), append([]string{"check", file}, tc.args...), e)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want %q", err, tc.want)
			}
			if out.Len() > 0 {
				t.Errorf("a report was printed for a refused file:\n%s", out)
			}
		})
	}
}

// TestCheckBehavioralAnswerQuotesTheMissingPart: the text report of a
// story without a result says so and quotes where the story ends.
func TestCheckBehavioralAnswerQuotesTheMissingPart(t *testing.T) {
	story := "Last year I was the ML lead for a new row at a streaming company. My task was to choose a ranking model in two weeks. " +
		"I listed what I knew, I asked two engineers to argue against the model, and I decided to launch it to 10% of members behind a switch. " +
		"I wrote down beforehand when we would roll back. We moved on to the next project after that."
	file := writeAnswer(t, &drill.Answer{Drill: "decision-limited-data", Answer: story})
	e, out, _ := testEnv("")
	if err := run(context.Background(), []string{"check", file}, e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RED FLAG Tells no result", "“We moved on to the next project after that.”", "Missing: the result."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckSQLDrillAnswer: casebench check runs the query of a SQL drill
// answer and says how its result differs from the reference's.
func TestCheckSQLDrillAnswer(t *testing.T) {
	d := bundledDrill(t, "plan-mix")
	file := writeAnswer(t, &drill.Answer{Drill: d.Slug, Answer: "Members per plan, as a share.", SQL: d.Misconceptions[0].SQL})
	e, out, _ := testEnv("")
	if err := run(context.Background(), []string{"check", file}, e); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RED FLAG " + d.Rubric.Items[3].Title, "The result differs from the reference", "part    the query's result equals the reference query's on the drill's dataset (33%)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	file = writeAnswer(t, &drill.Answer{Drill: d.Slug, Answer: d.Reference.Answer, SQL: d.Reference.SQL})
	e, out, _ = testEnv("")
	if err := run(context.Background(), []string{"check", file, "--min-score", "75"}, e); err != nil {
		t.Fatalf("the reference answer: %v\n%s", err, out)
	}
	if !strings.Contains(out.String(), "met     the query's result equals the reference query's") {
		t.Errorf("the report does not show the result met:\n%s", out)
	}
}
