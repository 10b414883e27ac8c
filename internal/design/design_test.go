package design

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/pipeline"
)

func testTemplate() *Template {
	lo, hi := 0.0, 1000.0
	return &Template{Sections: []Section{{ID: "framing", Fields: []Field{
		{ID: "objective", Type: TypeText, Max: 20},
		{ID: "task", Type: TypeChoice, Options: []string{"ranking", "other"}},
		{ID: "rps", Type: TypeNumber, Min: &lo, MaxValue: &hi},
		{ID: "metrics", Type: TypeList, Max: 2, Columns: []Column{{ID: "name"}, {ID: "kind", Options: []string{"online", "guardrail"}}}},
	}}}}
}

func num(x float64) *float64 { return &x }

func TestValidateAnswers(t *testing.T) {
	tm := testTemplate()
	for _, tc := range []struct {
		name string
		a    Answers
		key  string
	}{
		{"ok", Answers{"framing": {"objective": {Text: "short"}, "task": {Text: "ranking"}, "rps": {Number: num(5)}}}, ""},
		{"unknown section", Answers{"astrology": {"x": {Text: "y"}}}, "astrology"},
		{"unknown field", Answers{"framing": {"vibe": {Text: "y"}}}, "framing.vibe"},
		{"too long", Answers{"framing": {"objective": {Text: strings.Repeat("x", 21)}}}, "framing.objective"},
		{"bad choice", Answers{"framing": {"task": {Text: "magic"}}}, "framing.task"},
		{"number as text", Answers{"framing": {"rps": {Text: "many"}}}, "framing.rps"},
		{"number too big", Answers{"framing": {"rps": {Number: num(1001)}}}, "framing.rps"},
		{"too many rows", Answers{"framing": {"metrics": {Rows: []Row{{"name": "a"}, {"name": "b"}, {"name": "c"}}}}}, "framing.metrics"},
		{"bad cell", Answers{"framing": {"metrics": {Rows: []Row{{"name": "a", "kind": "vibes"}}}}}, "framing.metrics.0.kind"},
		{"unknown column", Answers{"framing": {"metrics": {Rows: []Row{{"colour": "red"}}}}}, "framing.metrics.0.colour"},
		{"text as list", Answers{"framing": {"objective": {Rows: []Row{}}}}, "framing.objective"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate(tm)
			if tc.key == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			var fe FieldErrors
			if !errors.As(err, &fe) || fe[tc.key] == "" {
				t.Fatalf("want an error on %s, got %v", tc.key, err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	a := Answers{"framing": {
		"objective": {Text: "a\r\nb"},
		"task":      {Text: "   "},
		"metrics":   {Rows: []Row{{"name": " ", "kind": ""}, {"name": " x "}}},
	}, "empty": {"x": {}}}
	a.Normalize()
	if a.Get("framing", "objective").Text != "a\nb" {
		t.Error("CRLF not turned into LF")
	}
	if _, ok := a["framing"]["task"]; ok {
		t.Error("blank text kept")
	}
	if rows := a.Get("framing", "metrics").Rows; len(rows) != 1 || rows[0]["name"] != "x" {
		t.Errorf("rows = %v", rows)
	}
	if _, ok := a["empty"]; ok {
		t.Error("empty section kept")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d := &Design{Case: "c", Title: "T", Status: StatusDraft, Mode: ModePractice, Version: 3,
		Sections: Answers{"framing": {"objective": {Text: "x <b> & y"}, "rps": {Number: num(1.5)}, "metrics": {Rows: []Row{{"name": "m"}}}}},
		Pipeline: pipeline.Graph{Nodes: []pipeline.Node{{ID: "a", Kind: pipeline.KindLog}}}}
	var b1 bytes.Buffer
	if err := Encode(&b1, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b1.String(), `"x <b> & y"`) {
		t.Errorf("HTML characters were escaped: %s", b1.String())
	}
	d2, err := Decode(bytes.NewReader(b1.Bytes()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	Encode(&b2, d2)
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatalf("not byte-identical:\n%s\n%s", b1.String(), b2.String())
	}
	for _, bad := range []string{``, `{`, `{"format":"other"}`, `{"format":"casebench.design/v1","owner":1}`, `{"format":"casebench.design/v1"} {}`, `{"format":"casebench.design/v1","sections":{"a":{"b":{}}}}`} {
		if _, err := Decode(strings.NewReader(bad), 1<<20); err == nil {
			t.Errorf("Decode(%q) accepted it", bad)
		}
	}
	if _, err := Decode(strings.NewReader(b1.String()), 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
}
