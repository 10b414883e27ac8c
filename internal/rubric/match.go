package rubric

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/lexicon"
)

// A concept is matched by its forms in concepts.yaml. A form is either a
// phrase, whose words must follow one another ("feature store"), or a
// pattern of slots joined by " + ", every slot filled somewhere in one
// sentence, in any order, within a window of words: "random*|lottery +
// member*|account*|slice + compar*|versus|control" reads "keep a random
// slice of members on the old system and compare". A slot lists
// alternatives with "|", each a phrase. A word matches its inflections and
// British spellings ("keep": "kept", "keeping"); a word ending in "*"
// matches any word it begins ("random*": "randomly", "randomised"); a word
// starting with "~" also matches the synonyms of its most frequent sense.
// A pattern may end with "@N" to set its window (default 15 words).

// DefaultWindow is how many words a pattern's slots may spread over.
const DefaultWindow = 15

// minPrefix is the shortest prefix a "word*" may be.
const minPrefix = 3

// termID names one word of the concept vocabulary: a set of forms or a prefix.
type termID int32

// seq is a run of terms that must match consecutive words.
type seq []termID

// form is one compiled way of saying a concept.
type form struct {
	text   string
	slots  [][]seq // a phrase is one slot of one seq
	window int
	// alts are the slots' alternatives in one array, slot by slot: those
	// of slot i are alts[slotAt[i]:slotAt[i+1]]. A design is matched
	// against hundreds of patterns, and reading them from one place is
	// faster than from a slice per slot.
	alts   []slotAlt
	slotAt []int
	// quorum, when above zero, is how many of the slots a sentence must
	// fill: a plain explanation ("3 of: ...") names most of what a method
	// does, in any order, rather than the method.
	quorum int
}

// QuorumWindow is how many words a quorum pattern's slots may spread over.
const QuorumWindow = 30

type slotAlt struct {
	slot, alt int
	first     termID // q[0], kept here to be read without following q
	q         seq
}

func (f *form) index() {
	for si, slot := range f.slots {
		f.slotAt = append(f.slotAt, len(f.alts))
		for ai, q := range slot {
			f.alts = append(f.alts, slotAlt{si, ai, q[0], q})
		}
	}
	f.slotAt = append(f.slotAt, len(f.alts))
}

// altsOf returns the alternatives of slot si.
func (f *form) altsOf(si int) []slotAlt { return f.alts[f.slotAt[si]:f.slotAt[si+1]] }

func (f *form) isPhrase() bool { return len(f.slots) == 1 }

// vocab maps words to the terms they are.
type vocab struct {
	words map[string][]termID // a word as written, lower case, to its terms
	// byHead holds the "word*" prefixes by their first headLen bytes,
	// shortest first, so that a word is looked up once, not once per
	// prefix length; short holds the prefixes shorter than that.
	byHead map[string][]prefixTerm
	short  []prefixTerm
	next   termID
	byKey  map[string]termID // "=keep", "*random", "~keep" to its term
	// syntaxOnly keeps terms without the words they match: enough to
	// check a form, which term never refuses.
	syntaxOnly bool
}

func newVocab() *vocab {
	return &vocab{words: map[string][]termID{}, byHead: map[string][]prefixTerm{}, byKey: map[string]termID{}}
}

// headLen is how many bytes of a prefix index it: minPrefix, the shortest
// a pattern may write.
const headLen = minPrefix

// prefixTerm is one "word*" of the vocabulary.
type prefixTerm struct {
	prefix string
	id     termID
}

// addPrefix files the term of prefix p.
func (v *vocab) addPrefix(p string, id termID) {
	pt := prefixTerm{p, id}
	if len(p) < headLen {
		v.short = insertByLen(v.short, pt)
		return
	}
	v.byHead[p[:headLen]] = insertByLen(v.byHead[p[:headLen]], pt)
}

// insertByLen inserts pt into a list kept shortest first.
func insertByLen(list []prefixTerm, pt prefixTerm) []prefixTerm {
	i := len(list)
	for i > 0 && len(list[i-1].prefix) > len(pt.prefix) {
		i--
	}
	return slices.Insert(list, i, pt)
}

// term returns the term of one pattern word, adding it on first use.
func (v *vocab) term(lx *lexicon.Lexicon, w string) termID {
	key := "=" + w
	switch {
	case w == anyNumber || w == anyPercent:
		key = w
	case strings.HasSuffix(w, "*"):
		key = "*" + strings.TrimSuffix(w, "*")
	case strings.HasPrefix(w, "~"):
		key = w
	}
	if id, ok := v.byKey[key]; ok {
		return id
	}
	id := v.next
	v.next++
	v.byKey[key] = id
	if v.syntaxOnly {
		return id
	}
	addWord := func(s string) {
		if !slices.Contains(v.words[s], id) {
			v.words[s] = append(v.words[s], id)
		}
	}
	switch key[0] {
	case '#':
		// Matched by shape in termsOf.
	case '*':
		p := key[1:]
		v.addPrefix(p, id)
	case '~':
		base := key[1:]
		for _, s := range append([]string{base}, lx.Synonyms(base)...) {
			for _, f := range wordForms(lx, s) {
				addWord(f)
			}
		}
	default:
		for _, f := range wordForms(lx, key[1:]) {
			addWord(f)
		}
	}
	return id
}

// wordForms returns the forms a pattern word matches: function words and
// short words as written, others with their inflections.
func wordForms(lx *lexicon.Lexicon, w string) []string {
	if len(w) <= 2 || functionWords[w] || strings.ContainsAny(w, "0123456789/'") {
		return []string{w}
	}
	return lx.Forms(w)
}

// Special pattern words: any number, any percentage.
const (
	anyNumber  = "#num"
	anyPercent = "#pct"
)

// termsOf returns the terms a word of a design is.
func (v *vocab) termsOf(w string, buf []termID) []termID {
	return v.shapeTerms(w, append(buf[:0], v.words[w]...))
}

// shapeTerms appends to buf the terms w is by its shape: a number, a
// percentage, a word a prefix begins.
func (v *vocab) shapeTerms(w string, buf []termID) []termID {
	if w != "" && isDigit(w[0]) {
		if id, ok := v.byKey[anyNumber]; ok {
			buf = append(buf, id)
		}
		if id, ok := v.byKey[anyPercent]; ok && strings.HasSuffix(w, "%") {
			buf = append(buf, id)
		}
	}
	for _, pt := range v.short {
		if strings.HasPrefix(w, pt.prefix) {
			buf = append(buf, pt.id)
		}
	}
	if len(w) >= headLen {
		for _, pt := range v.byHead[w[:headLen]] {
			if strings.HasPrefix(w, pt.prefix) {
				buf = append(buf, pt.id)
			}
		}
	}
	return buf
}

// compileForm parses one line of a concept's list.
func compileForm(v *vocab, lx *lexicon.Lexicon, s string) (form, error) {
	f := form{text: s, window: DefaultWindow}
	body := strings.TrimSpace(s)
	if n, rest, ok := strings.Cut(body, " of: "); ok && len(n) <= 2 {
		k, err := strconv.Atoi(n)
		if err != nil || k < 2 {
			return f, fmt.Errorf("%q: a quorum pattern starts with how many of its slots must be filled, at least 2 (\"3 of: a + b + c + d\")", s)
		}
		f.quorum, f.window, body = k, QuorumWindow, strings.TrimSpace(rest)
	}
	if i := strings.LastIndex(body, "@"); i >= 0 && strings.Contains(body, " + ") {
		n, err := strconv.Atoi(strings.TrimSpace(body[i+1:]))
		if err != nil || n < 2 || n > 60 {
			return f, fmt.Errorf("%q: the window after @ must be a number of words from 2 to 60", s)
		}
		f.window, body = n, strings.TrimSpace(body[:i])
	}
	parts := []string{body}
	if strings.Contains(body, " + ") {
		parts = strings.Split(body, " + ")
	}
	for _, part := range parts {
		var slot []seq
		for _, alt := range strings.Split(part, "|") {
			words := patternWords(alt)
			if len(words) == 0 {
				return f, fmt.Errorf("%q: an empty alternative", s)
			}
			var q seq
			for _, w := range words {
				if strings.HasSuffix(w, "*") && len(w)-1 < minPrefix {
					return f, fmt.Errorf("%q: %q is too short a prefix (at least %d letters before *)", s, w, minPrefix)
				}
				q = append(q, v.term(lx, w))
			}
			slot = append(slot, q)
		}
		f.slots = append(f.slots, slot)
	}
	if f.quorum > len(f.slots) {
		return f, fmt.Errorf("%q: a quorum of %d needs at least %d slots", s, f.quorum, f.quorum)
	}
	f.index()
	return f, nil
}

// patternWords tokenizes one alternative, keeping "*" and "~" markers.
func patternWords(alt string) []string {
	var out []string
	for _, field := range strings.Fields(alt) {
		if field == anyNumber || field == anyPercent {
			out = append(out, field)
			continue
		}
		star := strings.HasSuffix(field, "*")
		tilde := strings.HasPrefix(field, "~")
		toks := tokenize(strings.Trim(field, "*~"))
		for i, t := range toks {
			w := t.word
			if tilde && i == 0 {
				w = "~" + w
			}
			if star && i == len(toks)-1 {
				w += "*"
			}
			out = append(out, w)
		}
	}
	return out
}

// ValidateForm reports whether s is a well-formed phrase or pattern.
func ValidateForm(s string) error {
	v := newVocab()
	v.syntaxOnly = true
	_, err := compileForm(v, lexicon.Default(), s)
	return err
}

// span is where a form matched in a sentence: tokens [start, end).
type span struct {
	start, end int
	slots      []int // the first token of each slot's match
}

// matchForm returns the matches of f in a sentence whose tokens carry their
// terms: every occurrence of a phrase, or the tightest window of a pattern.
// It reads one sentence as the engine reads a design, word by word; the
// engine finds the same matches from where each term occurs.
func matchForm(f *form, terms [][]termID, out []span) []span {
	out = out[:0]
	var occs []slotOcc
	for i := range terms {
		for _, t := range terms[i] {
			for _, sa := range f.alts {
				q := sa.q
				if sa.first != t || !seqAt(q, terms, i) {
					continue
				}
				if f.isPhrase() {
					if len(out) == 0 || out[len(out)-1].start != i {
						out = append(out, span{start: i, end: i + len(q), slots: []int{i}})
					}
					continue
				}
				occs = append(occs, slotOcc{sa.slot, sa.alt, i, i + len(q)})
			}
		}
	}
	sortByWord(occs)
	if sp, ok := f.tightest(occs, nil); ok {
		out = append(out, sp)
	}
	return out
}

// sortByWord orders occurrences, listed slot by slot, alternative by
// alternative, word by word, by their first word, keeping that order
// among those at one word.
func sortByWord(occs []slotOcc) {
	slices.SortStableFunc(occs, func(a, b slotOcc) int { return a.start - b.start })
}

// slotOcc is one place an alternative of a slot of a pattern matches.
type slotOcc struct{ slot, alt, start, end int }

// tightest returns the smallest window of a sentence holding one occurrence
// of each of f's slots, if there is one within f's reach. occs are the
// slots' occurrences in the sentence, by word (sortByWord); slots is
// memory for the span's slots, allocated when it is too short.
func (f *form) tightest(occs []slotOcc, slots []int) (span, bool) {
	nslots := len(f.slots)
	need := nslots
	if f.quorum > 0 {
		need = f.quorum
	}
	if need < 2 || len(occs) < need {
		return span{}, false
	}
	var seenBuf [16]bool
	seen := seenBuf[:0]
	if nslots <= len(seenBuf) {
		seen = seenBuf[:nslots]
	} else {
		seen = make([]bool, nslots)
	}
	found := 0
	for _, o := range occs {
		if !seen[o.slot] {
			seen[o.slot] = true
			found++
		}
	}
	if found < need || f.quorum > 0 && !seen[0] {
		return span{}, false
	}
	var countBuf [16]int
	count := countBuf[:0]
	if nslots <= len(countBuf) {
		count = countBuf[:nslots]
	} else {
		count = make([]int, nslots)
	}
	have := 0
	best, bestHi, bestLen := -1, -1, 0
	lo := 0
	for hi := range occs {
		if count[occs[hi].slot] == 0 {
			have++
		}
		count[occs[hi].slot]++
		// A quorum pattern's first slot is its anchor: every match holds it.
		for have >= need && (f.quorum == 0 || count[0] > 0) {
			if !distinctWords(occs[lo:hi+1], nslots, need, f.quorum > 0) {
				// One word cannot fill two slots ("our servers answer" is
				// not server + answer + answer), and no window inside this
				// one has more words to give.
				break
			}
			end := 0
			for k := lo; k <= hi; k++ {
				end = max(end, occs[k].end)
			}
			if n := end - occs[lo].start; best < 0 || n < bestLen {
				best, bestHi, bestLen = lo, hi, n
			}
			count[occs[lo].slot]--
			if count[occs[lo].slot] == 0 {
				have--
			}
			lo++
		}
	}
	if best < 0 || bestLen > f.window {
		return span{}, false
	}
	for i := range seen {
		seen[i] = false
	}
	if f.quorum > 0 {
		// The slots the window fills, in word order.
		sp := span{start: occs[best].start, end: occs[best].end, slots: slots[:0]}
		for _, o := range occs[best : bestHi+1] {
			if !seen[o.slot] {
				seen[o.slot] = true
				sp.slots = append(sp.slots, o.start)
			}
			sp.end = max(sp.end, o.end)
		}
		return sp, true
	}
	if cap(slots) < need {
		slots = make([]int, need)
	}
	sp := span{start: occs[best].start, end: occs[best].end, slots: slots[:need:need]}
	for k, left := best, need; k < len(occs) && left > 0; k++ {
		if o := occs[k]; !seen[o.slot] {
			seen[o.slot] = true
			left--
			sp.slots[o.slot] = o.start
			sp.end = max(sp.end, o.end)
		}
	}
	return sp, true
}

// distinctWords reports whether need of the slots occurring in occs (the
// first among them, for an anchored quorum) can each take an occurrence of
// its own, with no word shared between two: the search tries the slots in
// turn, and a window has few occurrences.
func distinctWords(occs []slotOcc, nslots, need int, anchored bool) bool {
	base := occs[0].start
	for _, o := range occs {
		if o.end-base > 64 {
			return true // too wide to mark; the reach check refuses it anyway
		}
	}
	var place func(slot, left int, used uint64) bool
	place = func(slot, left int, used uint64) bool {
		if left == 0 {
			return true
		}
		if nslots-slot < left {
			return false
		}
		for _, o := range occs {
			if o.slot != slot {
				continue
			}
			mask := (uint64(1)<<(o.end-o.start) - 1) << (o.start - base)
			if used&mask == 0 && place(slot+1, left-1, used|mask) {
				return true
			}
		}
		// A slot may go unfilled when the others can make up need, but
		// not an anchor.
		return !(anchored && slot == 0) && place(slot+1, left, used)
	}
	return place(0, need, 0)
}

// followsAt reports whether the rest of q follows word i, whose terms hold
// q's first: most sequences are one word, and then there is nothing to read.
func followsAt(q seq, terms [][]termID, i int) bool {
	return len(q) == 1 || seqAt(q, terms, i)
}

func seqAt(q seq, terms [][]termID, i int) bool {
	if i+len(q) > len(terms) {
		return false
	}
	for j, t := range q {
		if !slices.Contains(terms[i+j], t) {
			return false
		}
	}
	return true
}
