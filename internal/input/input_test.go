package input

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantText  bool // accepted as multi-line text
		wantLine  bool // accepted as a line
		wantWords string
	}{
		{"plain", "Bandit over images", true, true, ""},
		{"unicode", "Empfehlungen für 日本 🎬", true, true, ""},
		{"newline", "a\nb", true, false, "U+000A"},
		{"crlf", "a\r\nb", true, false, "U+000D"},
		{"tab", "a\tb", true, false, "U+0009"},
		{"lone cr", "a\rb", false, false, "U+000D"},
		{"nul", "a\x00b", false, false, "NUL"},
		{"only nul", "\x00", false, false, "NUL"},
		{"escape", "\x1b[31mred", false, false, "U+001B"},
		{"del", "a\x7f", false, false, "U+007F"},
		{"c1", "a\u0085b", false, false, "U+0085"},
		{"invalid utf8", "a\xff\xfeb", false, false, "UTF-8"},
		{"truncated rune", "caf\xc3", false, false, "UTF-8"},
		{"replacement char is text", "a\ufffdb", true, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotText, gotLine := Text(tt.in), Line(tt.in)
			if (gotText == "") != tt.wantText {
				t.Errorf("Text(%q) = %q, want accepted %v", tt.in, gotText, tt.wantText)
			}
			if (gotLine == "") != tt.wantLine {
				t.Errorf("Line(%q) = %q, want accepted %v", tt.in, gotLine, tt.wantLine)
			}
			if msg := gotLine + gotText; tt.wantWords != "" && !strings.Contains(msg, tt.wantWords) {
				t.Errorf("messages %q do not say %q", msg, tt.wantWords)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantField string // "" when accepted
	}{
		{"clean", `{"title":"A","sections":{"framing":{"objective":"x\ny"}}}`, ""},
		{"escaped nul", `{"title":"\u0000"}`, "title"},
		{"nested", `{"sections":{"framing":{"objective":"ok\u001b"}}}`, "sections.framing.objective"},
		{"array", `{"pipeline":{"nodes":[{"id":"a","label":"ok"},{"id":"b","label":"\u0007"}]}}`, "pipeline.nodes[1].label"},
		{"raw invalid utf8", "{\"comment\":\"a\xffb\"}", "comment"},
		{"lone high surrogate", `{"reason":"\ud800"}`, "reason"},
		{"lone low surrogate", `{"reason":"\udc00x"}`, "reason"},
		{"pair is fine", `{"reason":"\ud83c\udfac"}`, ""},
		{"escaped backslash u", `{"reason":"\\ud800"}`, ""},
		{"bad key", `{"a\u0000":1}`, "a\x00"},
		{"after values", `{"n":1,"b":true,"z":null,"l":[1,2,"\u0000"]}`, "l[2]"},
		{"top-level string", `"\u0000"`, "the body"},
		{"malformed is left to the decoder", `{"title":`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := JSON([]byte(tt.in))
			var ie *Error
			switch {
			case tt.wantField == "" && err != nil:
				t.Fatalf("JSON(%s) = %v, want nil", tt.in, err)
			case tt.wantField != "" && !errors.As(err, &ie):
				t.Fatalf("JSON(%s) = %v, want an error for %q", tt.in, err, tt.wantField)
			case tt.wantField != "" && ie.Field != tt.wantField:
				t.Fatalf("JSON(%s) names %q, want %q", tt.in, ie.Field, tt.wantField)
			}
		})
	}
}

func TestForm(t *testing.T) {
	if err := Form(url.Values{"title": {"ok"}, "objective": {"a\r\nb"}}); err != nil {
		t.Fatalf("clean form: %v", err)
	}
	err := Form(url.Values{"title": {"ok"}, "reason": {"x", "\x00"}})
	var ie *Error
	if !errors.As(err, &ie) || ie.Field != "reason" {
		t.Fatalf("got %v, want an error for reason", err)
	}
}

func TestDOT(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" when accepted, else a part of the message
	}{
		{"clean", "digraph {\n\ta -> b\r\n}", ""},
		{"latin1", "digraph { a [label=\"caf\xe9\"] }", ""},
		{"nul", "digraph {\n a\x00 }", "Line 2, column 3"},
		{"latin1 c1", "digraph { a [label=\"\x85\xe9\"] }", "U+0085"},
		{"escape", "digraph { \x1b }", "U+001B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := DOT([]byte(tt.in))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("DOT = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("DOT = %v, want a message with %q", err, tt.want)
			}
		})
	}
}

func TestTypeName(t *testing.T) {
	type put struct{ V int64 }
	for _, tt := range []struct {
		v    any
		want string
	}{{put{}, "an object"}, {&put{}, "an object"}, {[]string{}, "a list"}, {int64(1), "a whole number"}, {"", "text"}, {map[string]string{}, "an object"}} {
		if got := TypeName(reflect.TypeOf(tt.v)); got != tt.want {
			t.Errorf("TypeName(%T) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

// FuzzJSON checks that the walker never panics, and that whatever it
// accepts decodes to strings that are valid text.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `[1,"\u0000",{"x":[]}]`, `{"a":"\ud800"}`, "\"\xff\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if JSON(b) != nil {
			return
		}
		var v any
		if json.Unmarshal(b, &v) != nil {
			return
		}
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if msg := Text(x); msg != "" && !strings.Contains(x, "\ufffd") {
					t.Fatalf("accepted %q: %s", b, msg)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					walk(k)
					walk(e)
				}
			}
		}
		walk(v)
	})
}
