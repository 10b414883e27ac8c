package rubric

import "strings"

// Option lists: a design that names every option of a step ("integer linear
// programming, knapsack heuristics, Lagrangian relaxation, submodular
// maximisation and greedy replica placement") has chosen none of them,
// however its sentence goes on. A run of at least enumItems short items,
// separated by commas, semicolons or a last "and" or "or", in which at
// least enumConcepts distinct concepts of the rubric are named, is read as
// such a list: the concepts inside it earn nothing, wherever the sentence
// has numbers or reasons.
const (
	enumItems    = 5
	enumConcepts = 3
	enumItemMax  = 6 // words of one item, outside brackets
)

// optionRun returns the first and last-plus-one token of the longest run
// of short listed items in s, and how many items it holds; n is 0 when s
// has no run of enumItems items. Words in brackets do not count towards an
// item's length, and a run may begin with the last words of a longer lead
// ("we estimate heterogeneous treatment effects, ...").
func optionRun(s *sentence) (from, to, n int) {
	if len(s.tokens) < enumItems || !hasSeparators(s.text) {
		return 0, 0, 0
	}
	// Items end at a top-level separator or before an "and" or "or".
	var items [64]struct{ start, end, words int }
	ni := 0
	text := s.text
	k, depth, start, words := 0, 0, 0, 0
	flush := func(end int) {
		if ni < len(items) && end > start {
			items[ni].start, items[ni].end, items[ni].words = start, end, words
			ni++
		}
		start, words = end, 0
	}
	take := func(limit int) { // the tokens before byte limit
		for k < len(s.tokens) && s.tokens[k].start < limit {
			t := s.tokens[k]
			if t.word == "and" || t.word == "or" {
				flush(k)
				start = k + 1
			} else if !t.paren {
				words++
			}
			k++
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '(', '[':
			depth++
		case ')', ']':
			depth = max(0, depth-1)
		case ',', ';', '|':
			if depth == 0 {
				take(i)
				flush(k)
			}
		}
	}
	// The last item runs to the sentence's end, or to where its words stop
	// being a list item.
	for k < len(s.tokens) && words < enumItemMax && !clauseOpener[s.tokens[k].word] {
		take(s.tokens[k].end)
	}
	flush(k)
	best, bestFrom, bestTo := 0, 0, 0
	run, runFrom := 0, 0
	for i := 0; i < ni; i++ {
		it := items[i]
		if it.words == 0 {
			continue
		}
		if it.words > enumItemMax {
			// a lead: its last words may be the run's first item
			run, runFrom = 1, max(it.start, it.end-enumItemMax)
			continue
		}
		if run == 0 {
			runFrom = it.start
		}
		run++
		if run > best {
			best, bestFrom, bestTo = run, runFrom, it.end
		}
	}
	if best < enumItems {
		return 0, 0, 0
	}
	return bestFrom, bestTo, best
}

func hasSeparators(text string) bool {
	n := 0
	for i := 0; i < len(text); i++ {
		if text[i] == ',' || text[i] == ';' || text[i] == '|' {
			n++
		}
	}
	return n >= 2
}

// markOptions marks the run of listed options of s, if it names at least
// enumConcepts distinct concept groups. owner maps a design word to one
// more than its group; find returns a group's root.
func markOptions(s *sentence, owner []int32, find func(int32) int32) {
	if s.row {
		return // a table's cells list what a source holds, not options
	}
	from, to, n := optionRun(s)
	if n == 0 {
		return
	}
	// A list is written with commas; "and" alone joins clauses.
	if span := s.text[s.tokens[from].start:s.tokens[to-1].end]; strings.Count(span, ",")+strings.Count(span, ";") < enumItems-2 {
		return
	}
	// A list after a colon spells out what something holds ("per
	// decision: context snapshot, candidate set, propensity, ...").
	if c := strings.IndexByte(s.text, ':'); c >= 0 && c < s.tokens[from].start {
		return
	}
	// A list that counts things out ("1 in 100 accounts, then 1 in 10,
	// half and all") sets out a plan.
	digits := 0
	for j := from; j < to; j++ {
		if !isDigit(s.tokens[j].word[0]) {
			continue
		}
		// a number that opens an item
		if j == from {
			digits++
			continue
		}
		prev := s.tokens[j-1]
		if prev.word == "and" || prev.word == "or" || prev.word == "then" || strings.ContainsAny(s.text[prev.end:s.tokens[j].start], ",;") {
			digits++
		}
	}
	if digits >= 2 {
		return
	}
	// Most of the items must name a concept: a list of what a step does
	// or reads names a few.
	want := enumConcepts
	var seen [16]int32
	distinct := 0
	for j := from; j < to && distinct < want && distinct < len(seen); j++ {
		o := owner[s.first+j]
		if o == 0 {
			continue
		}
		g := find(o - 1)
		dup := false
		for _, x := range seen[:distinct] {
			dup = dup || x == g
		}
		if !dup {
			seen[distinct] = g
			distinct++
		}
	}
	if distinct >= want {
		s.optFrom, s.optTo, s.optN = from, to, n
	}
}

// listed reports whether m is one of the options its sentence lists
// without choosing.
func (m *mention) listed() bool {
	s := m.sent
	return s.optN > 0 && m.start >= s.optFrom && m.end <= s.optTo
}

// clauseOpener are the words that end a list's last item: what follows is
// a clause of its own ("... and retention, because members ...").
var clauseOpener = setOf(`because since so to for with which that where while when if as across in on at by from`)

// Alternatives: a bracket that lists three or more short names ("(Feast /
// Tecton / in-house)", "(knapsack, integer programming, greedy
// heuristics)"), or a run of three or more names between spaced slashes
// ("Airflow / Kubeflow / Metaflow"), offers tools or methods to pick from
// without picking one. Items with a digit are figures, not names: "(p50,
// p90, p99)" and "1 / 7 / 28 days" are measurements.
const (
	altItems   = 3
	altItemMax = 4 // words of one named alternative
)

// altWords counts the tokens of s that stand in lists of alternatives.
func altWords(s *sentence) int {
	text := s.text
	if !strings.Contains(text, "(") && !strings.Contains(text, " / ") {
		return 0
	}
	n := 0
	count := func(from, to int) { // tokens within bytes [from, to)
		for _, t := range s.tokens {
			if t.start >= from && t.end <= to {
				n++
			}
		}
	}
	// Brackets, innermost first; the text outside them is scanned for
	// slash runs with the brackets' contents left out.
	slashes := strings.Contains(text, " / ")
	var outside []byte
	if slashes {
		outside = []byte(text)
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '(' {
			continue
		}
		j := strings.IndexAny(text[i+1:], "()")
		if j < 0 || text[i+1+j] != ')' {
			continue
		}
		inner := text[i+1 : i+1+j]
		if namesList(inner, ",;/") {
			count(i+1, i+1+j)
		}
		for k := i; slashes && k <= i+1+j; k++ {
			outside[k] = ' '
		}
		i += j + 1
	}
	if !slashes {
		return n
	}
	// Spaced slash runs outside brackets: the items between the slashes,
	// and the one word on the far side of the first and the last.
	rest := string(outside)
	for start := 0; start < len(rest); {
		k := strings.Index(rest[start:], " / ")
		if k < 0 {
			break
		}
		from := start + k
		for from > 0 && rest[from-1] != ' ' && !strings.ContainsRune(",;:.()", rune(rest[from-1])) {
			from--
		}
		items, to := 1, start+k+3
		for {
			e := to
			for e < len(rest) && !strings.ContainsRune(",;:.()", rune(rest[e])) && !strings.HasPrefix(rest[e:], " / ") {
				e++
			}
			if !strings.HasPrefix(rest[e:], " / ") {
				// the last item: its first word
				w := to
				for w < e && rest[w] != ' ' {
					w++
				}
				to = w
				items++
				break
			}
			if !altItem(rest[to:e]) {
				to = e
				break
			}
			items++
			to = e + 3
		}
		if items >= altItems {
			count(from, to)
		}
		start = max(to, start+k+3)
	}
	return n
}

// altProse holds words that make a bracket's items phrases, not names.
var altProse = setOf(`the a an which who that is are was were be been we it its our their this these those to if when then and or not never`)

// namesList reports whether list, split at any of seps, holds at least
// altItems short items, none with a digit.
func namesList(list, seps string) bool {
	items := 0
	for rest := list; ; {
		i := strings.IndexAny(rest, seps)
		it := rest
		if i >= 0 {
			it = rest[:i]
		}
		if strings.TrimSpace(it) != "" {
			if !altItem(it) {
				return false
			}
			items++
		}
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	return items >= altItems
}

// altItem reports whether it reads as one named alternative: a few words,
// no figure, no words of a phrase.
func altItem(it string) bool {
	if strings.ContainsAny(it, "0123456789") {
		return false
	}
	words := 0
	for rest := it; ; {
		rest = strings.TrimLeft(rest, " \t\n")
		if rest == "" {
			break
		}
		e := strings.IndexAny(rest, " \t\n")
		w := rest
		if e >= 0 {
			w = rest[:e]
		}
		words++
		if words > altItemMax || altProseWord(w) {
			return false
		}
		if e < 0 {
			break
		}
		rest = rest[e:]
	}
	return words > 0
}

// altProseWord reports whether w, in any letter case, is in altProse.
func altProseWord(w string) bool {
	if len(w) > 6 {
		return false // every word of altProse is short
	}
	var buf [6]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return altProse[string(buf[:len(w)])]
}

// Runs of named items: a sentence that strings together enumRunItems or
// more short items (enumItemWords words or fewer each) between commas,
// brackets and "and"/"or" lists techniques rather than deciding among
// them ("gradient-boosted trees (XGBoost, LightGBM, CatBoost), factorisation
// machines (FM, FFM, DeepFM), Wide & Deep, DCN ..."), whether or not the
// items are the rubric's concepts.
const (
	enumRunItems  = 4
	enumItemWords = 4
)

// enumRunWords returns how many of the sentence's words are in runs of
// short named items.
func enumRunWords(s *sentence) int {
	toks := s.tokens
	if len(toks) < enumRunItems {
		return 0
	}
	total, run, items, item := 0, 0, 0, 0
	flush := func() {
		// close the current item
		if item >= 1 && item <= enumItemWords {
			items++
			run += item
		} else {
			if items >= enumRunItems {
				total += run
			}
			items, run = 0, 0
			if item >= 1 && item <= enumItemWords {
				items, run = 1, item
			}
		}
		item = 0
	}
	for j, t := range toks {
		if j > 0 {
			gap := s.text[toks[j-1].end:t.start]
			if strings.ContainsAny(gap, ",;()") {
				flush()
			}
		}
		if t.word == "and" || t.word == "or" {
			flush()
			continue
		}
		item++
	}
	flush()
	if items >= enumRunItems {
		total += run
	}
	return total
}

// deferPhrases are the words of a sentence that lists options or puts the
// choice off: on the blind set's development parts, a share of a tenth of
// the words at most in designs that are not keyword-stuffed, and up to
// half in those that hedge everything in fluent prose.
var deferPhrases = [][]string{
	{"options", "include"}, {"candidates", "include"}, {"candidate", "models", "include"}, {"approaches", "include"},
	{"we", "will", "consider"}, {"we", "would", "consider"}, {"we", "may", "explore"}, {"we", "may", "also", "explore"},
	{"we", "could", "use"}, {"we", "could", "explore"}, {"we", "could", "consider"}, {"we", "could", "also", "use"},
	{"we", "could", "also", "explore"}, {"we", "could", "also", "consider"}, {"may", "call", "for"},
	{"will", "depend", "on"}, {"would", "depend", "on"}, {"depending", "on", "results"}, {"depending", "on", "the", "results"},
	{"to", "be", "determined"}, {"to", "be", "decided"}, {"to", "be", "evaluated"}, {"we", "will", "evaluate"},
	{"we", "may", "also"}, {"could", "also", "be"}, {"choice", "will", "be"}, {"to", "be", "chosen"},
	// Glossary-like padding: "X could be applied here", "Y is worth considering".
	{"could", "be", "applied"}, {"worth", "considering"}, {"could", "be", "considered"},
}

var deferSet = indexPhrases(deferPhrases)

// defers reports whether the sentence lists options or puts its choice
// off, and the words that do.
func defers(s *sentence) (string, bool) {
	toks := s.tokens
	for i := range toks {
		if n := phraseLenAt(deferSet, toks, i); n > 0 {
			return s.text[toks[i].start:toks[i+n-1].end], true
		}
	}
	return "", false
}
