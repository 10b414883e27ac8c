package drill_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/drill"
)

func encode(t testing.TB, a *drill.Answer) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := drill.Encode(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTripIsLossless(t *testing.T) {
	at := time.Date(2026, 11, 26, 10, 0, 0, 123000000, time.FixedZone("CET", 3600))
	for _, a := range []*drill.Answer{
		{Drill: "l1-vs-l2", Answer: "L1 zeroes weights; L2 shrinks them.\n\nA second paragraph with “quotes”, <tags> & tabs\t."},
		{Drill: "retention-cohorts", Answer: "One row per cohort.", SQL: "SELECT plan, COUNT(*)\nFROM members\nGROUP BY plan;",
			FollowUp: &drill.FollowUp{Question: "What if the dataset is 100 times larger?", Answer: "Index signup_date."}, AnsweredAt: &at, Seconds: 312},
		{Drill: "persuading-others", Answer: strings.Repeat("é", drill.AnswerMax)},
	} {
		first := encode(t, a)
		got, err := drill.Decode(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("%s: the exported answer does not import: %v\n%s", a.Drill, err, first)
		}
		if second := encode(t, got); !bytes.Equal(first, second) {
			t.Errorf("%s: export, import, export differs:\n%s\n---\n%s", a.Drill, first, second)
		}
		want := *a
		want.Format = drill.Format
		if want.AnsweredAt != nil {
			u := want.AnsweredAt.UTC()
			want.AnsweredAt = &u
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("%s: imported %+v; want %+v", a.Drill, got, &want)
		}
	}
}

func TestDecodeRefusesBadFiles(t *testing.T) {
	valid := func(edit func(*drill.Answer)) string {
		a := &drill.Answer{Drill: "l1-vs-l2", Answer: "An answer."}
		edit(a)
		return string(encode(t, a))
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty", "", "the file is empty"},
		{"not JSON", "L1 zeroes weights", "invalid character"},
		{"cut short", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2"`, "ends too early"},
		{"an array", `[1, 2]`, "must be an object"},
		{"trailing data", valid(func(*drill.Answer) {}) + `{"format": "x"}`, "unexpected data after the answer"},
		{"unknown key", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "x", "anwser": "y"}`, `unknown key "anwser"`},
		{"no format", `{"drill": "l1-vs-l2", "answer": "x"}`, `format: is ""`},
		{"a design", `{"format": "casebench.design/v1", "case": "artwork-personalization"}`, "this is a design"},
		{"no drill", `{"format": "casebench.drill-answer/v1", "answer": "x"}`, "drill: name the drill"},
		{"bad slug", valid(func(a *drill.Answer) { a.Drill = "../etc/passwd" }), "is not a drill slug"},
		{"answer of the wrong type", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": 42}`, "answer: must be text"},
		{"empty answer", valid(func(a *drill.Answer) { a.Answer = "   " }), "the answer is empty"},
		{"answer over the limit", valid(func(a *drill.Answer) { a.Answer = strings.Repeat("a", drill.AnswerMax+1) }), "answer: is 6001 characters long; the limit is 6000"},
		{"query over the limit", valid(func(a *drill.Answer) { a.SQL = strings.Repeat("s", drill.SQLMax+1) }), "sql: is 4001 characters long; the limit is 4000"},
		{"NUL in the answer", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "a\u0000b"}`, "NUL"},
		{"control character", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "a\u001bb"}`, "control character U+001B"},
		{"follow-up without its question", valid(func(a *drill.Answer) { a.FollowUp = &drill.FollowUp{Answer: "x"} }), "follow_up.question: give the question"},
		{"negative seconds", valid(func(a *drill.Answer) { a.Seconds = -1 }), "seconds: must be from 0"},
		{"file over the limit", `{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "` + strings.Repeat("a", drill.FileMax) + `"}`, "larger than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := drill.Decode(strings.NewReader(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v; want an error with %q", err, tc.want)
			}
			if a != nil {
				t.Errorf("an answer came back with the error: %+v", a)
			}
		})
	}
}

func TestAnswerAsDesign(t *testing.T) {
	a := &drill.Answer{Drill: "retention-cohorts", Answer: "Why.", SQL: "SELECT 1", FollowUp: &drill.FollowUp{Question: "Q?", Answer: "A."}}
	d := a.Design()
	if got := d.Sections.Get(drill.Section, drill.FieldText).Text; got != "Why." {
		t.Errorf("answer.text = %q", got)
	}
	if got := d.Sections.Get(drill.Section, drill.FieldSQL).Text; got != "SELECT 1" {
		t.Errorf("answer.sql = %q", got)
	}
	if d.Case != "retention-cohorts" || len(d.FollowUps) != 1 || d.FollowUps[0].Answer != "A." {
		t.Errorf("design %+v", d)
	}
	if err := d.Sections.Validate(drill.Template()); err != nil {
		t.Errorf("the design does not fit the drill template: %v", err)
	}
	if err := drill.Template().Check(); err != nil {
		t.Errorf("template: %v", err)
	}
}

// FuzzDecode feeds arbitrary bytes to the importer: it never panics, and
// what it accepts exports and imports back to the same bytes.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"format": "casebench.drill-answer/v1", "drill": "a", "answer": "x", "seconds": 3}`))
	f.Add([]byte(`{"format": "casebench.drill-answer/v1", "drill": "a", "sql": "SELECT 1", "follow_up": {"question": "q", "answer": ""}, "answered_at": "2026-01-01T00:00:00+02:00"}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := drill.Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		first := encode(t, a)
		back, err := drill.Decode(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("an accepted answer does not import again: %v\n%s", err, first)
		}
		if second := encode(t, back); !bytes.Equal(first, second) {
			t.Fatalf("export, import, export differs:\n%s\n---\n%s", first, second)
		}
	})
}
