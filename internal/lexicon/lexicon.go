// Package lexicon knows enough English to match a concept however it is
// inflected or spelled: the parts of speech of every WordNet lemma, the
// irregular forms of its exception lists, and the synonyms of each word's
// most frequent sense. The table is generated from Debian's wordnet-base by
// gen_wordnet.go and embedded; see LICENSE.wordnet.
package lexicon

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

//go:generate go run gen_wordnet.go

//go:embed wordnet.txt.gz
var table []byte

// POS is a set of parts of speech.
type POS uint8

// The parts of speech.
const (
	Noun POS = 1 << iota
	Verb
	Adj
	Adv
)

// Lexicon is the loaded table. Its methods are safe for concurrent use.
type Lexicon struct {
	words     []string            // "lemma HEXBITS", sorted
	irregular map[string][]string // lemma to its irregular forms
	lemmas    map[string][]string // irregular form to its lemmas
	adjForm   map[string]bool     // forms from the adjective exceptions

	synsetLines []string // "TAG word word ...", read on first use
	synOnce     sync.Once
	synonyms    map[string][]string // word to the other words of its first senses

	forms  sync.Map     // lemma to its forms, as Forms worked them out
	nforms atomic.Int64 // entries of forms, at most maxForms
}

// maxForms bounds the lemmas whose forms are kept: rubrics use a few
// thousand words.
const maxForms = 1 << 16

var (
	once sync.Once
	def  *Lexicon
)

// Default returns the embedded lexicon, loading it on first use.
func Default() *Lexicon {
	once.Do(func() {
		l, err := load(table)
		if err != nil {
			panic("lexicon: the embedded table is corrupt: " + err.Error())
		}
		def = l
	})
	return def
}

var tags = map[string]POS{"n": Noun, "v": Verb, "a": Adj, "r": Adv}

func load(gz []byte) (*Lexicon, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	text := string(raw)
	l := &Lexicon{words: make([]string, 0, 90000), irregular: map[string][]string{}, lemmas: map[string][]string{}, adjForm: map[string]bool{}}
	part := ""
	for len(text) > 0 {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '@' {
			part = line[1:]
			continue
		}
		switch part {
		case "lemmas":
			l.words = append(l.words, line)
		case "exceptions":
			// "v ran run": the form, then its lemmas.
			f := strings.Fields(line)
			if len(f) >= 3 {
				form := f[1]
				if f[0] == "a" {
					l.adjForm[form] = true
				}
				for _, lemma := range f[2:] {
					l.irregular[lemma] = appendNew(l.irregular[lemma], form)
					l.lemmas[form] = appendNew(l.lemmas[form], lemma)
				}
			}
		case "synsets":
			l.synsetLines = append(l.synsetLines, line)
		}
	}
	if !slices.IsSortedFunc(l.words, compareLemma) {
		return nil, errors.New("lemmas are not sorted")
	}
	return l, nil
}

func compareLemma(a, b string) int {
	a, _, _ = strings.Cut(a, " ")
	b, _, _ = strings.Cut(b, " ")
	return strings.Compare(a, b)
}

func appendNew(s []string, x string) []string {
	if slices.Contains(s, x) {
		return s
	}
	return append(s, x)
}

// PartsOfSpeech returns the parts of speech WordNet gives word (0 when it
// is not a lemma).
func (l *Lexicon) PartsOfSpeech(word string) POS {
	i, ok := slices.BinarySearchFunc(l.words, word, func(line, w string) int {
		lemma, _, _ := strings.Cut(line, " ")
		return strings.Compare(lemma, w)
	})
	if !ok {
		return 0
	}
	line := l.words[i]
	return POS(strings.IndexByte("0123456789abcdef", line[len(line)-1]))
}

// Synonyms returns the other words of the most frequent sense of word in
// each of its parts of speech, or nil.
func (l *Lexicon) Synonyms(word string) []string {
	l.synOnce.Do(func() {
		l.synonyms = make(map[string][]string, 40000)
		for _, line := range l.synsetLines {
			f := strings.Fields(line)[1:]
			for _, w := range f {
				for _, o := range f {
					if o != w {
						l.synonyms[w] = appendNew(l.synonyms[w], o)
					}
				}
			}
		}
	})
	return l.synonyms[word]
}

// Lemmas returns the lemmas form may be an inflection of, by WordNet's
// morphy rules: the exception lists, then the regular endings, keeping only
// candidates that are lemmas of the part of speech the ending belongs to.
// A form that is a lemma itself is returned first.
func (l *Lexicon) Lemmas(form string) []string {
	var out []string
	if l.PartsOfSpeech(form) != 0 {
		out = append(out, form)
	}
	for _, x := range l.lemmas[form] {
		out = appendNew(out, x)
	}
	for _, r := range detach {
		if base, ok := strings.CutSuffix(form, r.suffix); ok && len(base) > 1 {
			base += r.repl
			if l.PartsOfSpeech(base)&r.pos != 0 {
				out = appendNew(out, base)
			}
		}
	}
	return out
}

var detach = []struct {
	suffix, repl string
	pos          POS
}{
	{"s", "", Noun | Verb}, {"ses", "s", Noun}, {"xes", "x", Noun}, {"zes", "z", Noun},
	{"ches", "ch", Noun}, {"shes", "sh", Noun}, {"men", "man", Noun}, {"ies", "y", Noun | Verb},
	{"es", "e", Verb}, {"es", "", Verb}, {"ed", "e", Verb}, {"ed", "", Verb},
	{"ing", "e", Verb}, {"ing", "", Verb},
	{"er", "", Adj}, {"est", "", Adj}, {"er", "e", Adj}, {"est", "e", Adj},
}

// Forms returns lemma and the forms it may take in text: plurals and verb
// forms (regular and irregular) for the parts of speech WordNet gives it,
// comparatives of adjectives, and British spellings of American ones
// ("optimize": "optimise", "optimised", ...). A word WordNet does not
// know gets plural and verb forms, since case packs name new words.
func (l *Lexicon) Forms(lemma string) []string {
	if f, ok := l.forms.Load(lemma); ok {
		return slices.Clone(f.([]string))
	}
	out := l.forms1(lemma)
	if l.nforms.Load() < maxForms {
		if _, had := l.forms.LoadOrStore(lemma, slices.Clone(out)); !had {
			l.nforms.Add(1)
		}
	}
	return out
}

// forms1 works out what Forms returns.
func (l *Lexicon) forms1(lemma string) []string {
	out := []string{lemma}
	add := func(s string) { out = appendNew(out, s) }
	p := l.PartsOfSpeech(lemma)
	if p == 0 {
		p = Noun | Verb
	}
	n := len(lemma)
	if n < 2 || strings.ContainsAny(lemma, "/'") {
		return out
	}
	last := lemma[n-1]
	consY := last == 'y' && !isVowel(lemma[n-2])
	if p&(Noun|Verb) != 0 {
		switch {
		case consY:
			add(lemma[:n-1] + "ies")
		case strings.HasSuffix(lemma, "s") || strings.HasSuffix(lemma, "x") || strings.HasSuffix(lemma, "z") ||
			strings.HasSuffix(lemma, "ch") || strings.HasSuffix(lemma, "sh"):
			add(lemma + "es")
		default:
			add(lemma + "s")
		}
	}
	if p&Verb != 0 {
		switch {
		case last == 'e':
			add(lemma + "d")
			add(lemma[:n-1] + "ing")
		case consY:
			add(lemma[:n-1] + "ied")
			add(lemma + "ing")
		default:
			add(lemma + "ed")
			add(lemma + "ing")
			if !isVowel(last) && last != 'w' && last != 'x' && last != 'y' && isVowel(lemma[n-2]) {
				// Doubled final consonants: "stopped", "modelling".
				add(lemma + string(last) + "ed")
				add(lemma + string(last) + "ing")
			}
		}
	}
	if p&Adj != 0 && n <= 7 {
		// A comparative that is a word of its own and no adjective is that
		// word: "offer" is not more "off", nor "longer" more "long".
		addAdj := func(s string) {
			if q := l.PartsOfSpeech(s); q == 0 || q&Adj != 0 {
				add(s)
			}
		}
		switch {
		case last == 'e':
			addAdj(lemma + "r")
			addAdj(lemma + "st")
		case consY:
			addAdj(lemma[:n-1] + "ier")
			addAdj(lemma[:n-1] + "iest")
		default:
			addAdj(lemma + "er")
			addAdj(lemma + "est")
		}
	}
	for _, f := range l.irregular[lemma] {
		if q := l.PartsOfSpeech(f); l.adjForm[f] && q != 0 && q&Adj == 0 {
			continue // WordNet lists "offer" as a comparative of "off"
		}
		add(f)
	}
	for _, f := range slices.Clone(out) {
		if b := british(f); b != "" {
			add(b)
		}
	}
	return out
}

// british returns the British spelling of an American form, or "".
func british(w string) string {
	for _, r := range [][2]string{{"ization", "isation"}, {"izations", "isations"}, {"ize", "ise"}, {"izes", "ises"},
		{"ized", "ised"}, {"izing", "ising"}, {"izer", "iser"}, {"izers", "isers"}, {"yze", "yse"}, {"yzed", "ysed"}, {"yzes", "yses"}, {"yzing", "ysing"}} {
		if stem, ok := strings.CutSuffix(w, r[0]); ok && len(stem) >= 2 {
			return stem + r[1]
		}
	}
	for _, r := range [][2]string{{"avior", "aviour"}, {"olor", "olour"}, {"avor", "avour"}, {"eighbor", "eighbour"}, {"abor", "abour"}, {"onor", "onour"}, {"umor", "umour"}} {
		if i := strings.Index(w, r[0]); i >= 0 {
			return w[:i] + r[1] + w[i+len(r[0]):]
		}
	}
	return ""
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }
