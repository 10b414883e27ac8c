package rubric

import (
	"strings"
	"testing"
)

// TestQuorumPatterns reads plain explanations with a quorum pattern: its
// first slot and enough of the others, in one sentence, in any order.
func TestQuorumPatterns(t *testing.T) {
	const form = "3 of: random*|lottery|coin + households|accounts|group* + new|change* + old|today's|usual|compar*"
	tests := []struct {
		text string
		want string // the words matched, or "" for no match
	}{
		{"Households are picked at random: a few in a hundred get the new way, as many stay on the old.",
			"Households are picked at random: a few in a hundred get the new"},
		{"A lottery decides which accounts see the change.", "lottery decides which accounts see the change"},
		{"We flip a coin for each group and compare.", "coin for each group and compare"},
		// Two of the slots and no anchor: not a plain explanation.
		{"New households get the old page.", ""},
		// The anchor alone with one other slot: short of the quorum.
		{"Titles are shuffled at random for new members.", ""},
		// Beyond the window.
		{"Households " + strings.Repeat("and more words ", 12) + "at random get the new way.", ""},
	}
	for _, tt := range tests {
		s, sp, ok := firstMention(t, form, tt.text)
		got := ""
		if ok {
			got = s.text[s.tokens[sp.start].start:s.tokens[sp.end-1].end]
		}
		if got != tt.want {
			t.Errorf("%q: matched %q, want %q", tt.text, got, tt.want)
		}
	}
	for _, bad := range []string{"1 of: a + b + c", "4 of: a + b + c", "x of: a + b + c"} {
		if err := ValidateForm(bad); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

// TestOneWordFillsOneSlot: a word that two slots of a pattern both accept
// fills only one of them, in plain patterns and quorums alike.
func TestOneWordFillsOneSlot(t *testing.T) {
	tests := []struct {
		form, text string
		want       string
	}{
		{"server|service + return*|answer* + rung|answer @6", "That start-up call is all our servers answer.", ""},
		{"server|service + return*|answer* + rung|answer @6", "Our servers return the answer.", "servers return the answer"},
		{"3 of: novel*|curious + new|just because it is new + days|weeks + fade*", "They click just because it is new.", ""},
		{"3 of: novel*|curious + new|just because it is new + days|weeks + fade*", "Curious members click just because it is new, for days.", "Curious members click just because it is new, for days"},
		{"3 of: quick test*|mixed row + big test*|full test + before", "The quick test runs before the full test.", "quick test runs before the full test"},
		{"quick*|fast + test|round + before|ahead of @6", "A quick test before launch.", "quick test before"},
		{"quick*|fast + quick test + before @6", "A quick test before launch.", ""},
	}
	for _, tt := range tests {
		s, sp, ok := firstMention(t, tt.form, tt.text)
		got := ""
		if ok {
			got = s.text[s.tokens[sp.start].start:s.tokens[sp.end-1].end]
		}
		if got != tt.want {
			t.Errorf("%s in %q: matched %q, want %q", tt.form, tt.text, got, tt.want)
		}
	}
}
