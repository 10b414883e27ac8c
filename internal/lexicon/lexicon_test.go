package lexicon

import (
	"slices"
	"testing"
)

func TestForms(t *testing.T) {
	l := Default()
	tests := []struct {
		lemma string
		want  []string
	}{
		{"keep", []string{"keeps", "keeping", "kept"}},
		{"hold", []string{"holds", "held", "holding"}},
		{"choose", []string{"chose", "chosen", "choosing"}},
		{"policy", []string{"policies"}},
		{"cache", []string{"caches", "cached", "caching"}},
		{"stop", []string{"stopped", "stopping"}},
		{"model", []string{"models", "modelled", "modeling"}},
		{"randomize", []string{"randomise", "randomised", "randomizing"}},
		{"split", []string{"splits", "splitting"}},
		{"fall", []string{"fell", "fallen", "falls"}},
		{"slice", []string{"slices"}},
		{"member", []string{"members"}},
	}
	for _, tt := range tests {
		got := l.Forms(tt.lemma)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Forms(%q) = %v; missing %q", tt.lemma, got, w)
			}
		}
	}
	// A comparative that is another word is not a form: "offer" is no
	// form of "off", "longer" none of "long"; "later" is one of "late".
	for lemma, not := range map[string]string{"off": "offer", "long": "longer"} {
		if got := l.Forms(lemma); slices.Contains(got, not) {
			t.Errorf("Forms(%q) = %v; %q is a word of its own", lemma, got, not)
		}
	}
	if got := l.Forms("late"); !slices.Contains(got, "later") {
		t.Errorf("Forms(late) = %v; missing later", got)
	}
}

func TestLemmas(t *testing.T) {
	l := Default()
	tests := []struct{ form, want string }{
		{"kept", "keep"}, {"policies", "policy"}, {"held", "hold"}, {"chose", "choose"},
		{"caching", "cache"}, {"members", "member"}, {"better", "good"},
	}
	for _, tt := range tests {
		if got := l.Lemmas(tt.form); !slices.Contains(got, tt.want) {
			t.Errorf("Lemmas(%q) = %v; want %q among them", tt.form, got, tt.want)
		}
	}
	if got := l.Lemmas("news"); slices.Contains(got, "new") {
		t.Errorf("Lemmas(news) = %v: news is not the plural of new", got)
	}
}

func TestSynonyms(t *testing.T) {
	l := Default()
	if got := l.Synonyms("keep"); !slices.Contains(got, "maintain") {
		t.Errorf("Synonyms(keep) = %v; want maintain among them", got)
	}
	if l.PartsOfSpeech("retention")&Noun == 0 {
		t.Error("retention is not a noun")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := load(table); err != nil {
			b.Fatal(err)
		}
	}
}
