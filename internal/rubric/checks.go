package rubric

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/lexicon"
)

func slicesSortMentions(ms []mention) {
	cmp := func(a, b mention) int {
		if a.sent.order != b.sent.order {
			return a.sent.order - b.sent.order
		}
		return a.start - b.start
	}
	// The mentions of a concept with one form come in order already.
	if !slices.IsSortedFunc(ms, cmp) {
		slices.SortFunc(ms, cmp)
	}
}

// unread returns why a sentence's words are not read, as a note, or nil.
func (e *Engine) unread(s *sentence) *Note {
	n := func(kind, msg string) *Note {
		return &Note{Kind: kind, Section: s.section, Field: s.field, Excerpt: excerpt(s.text), Message: msg}
	}
	switch {
	case s.copied:
		return n(NoteCopied, "Not counted: this sentence is copied from the case or the rubric. Say in your own words what you decide.")
	case s.templated:
		return n(NoteTemplated, "Not counted: one of many sentences cut from the same frame, which read as a list of keywords. Say what you decide and why.")
	case s.buzz:
		return n(NoteKeywordList, "Not counted: in a design this full of marketing words, a sentence that uses them reads as a keyword run. Say what you decide, in plain terms, and why.")
	case s.packed:
		return n(NoteKeywordList, "Not counted: this sentence names many techniques and decides none of them. Say which one you use here, and why.")
	case !s.prose:
		return n(NoteKeywordList, "Not counted: this reads as a list of keywords, not a sentence. Write what you decide, for this case, and why.")
	case s.over:
		return n(NoteOverBudget, fmt.Sprintf("Not counted: beyond the first %d words of %s, more than a 45-minute answer holds.", SectionBudget, e.sectionTitle(s.section)))
	}
	return nil
}

// weigh returns the credit of one mention for a check reading secs, and a
// note when it earns less than full credit.
func (e *Engine) weigh(m *mention, secs []string) (float64, *Note) {
	if n := e.unread(m.sent); n != nil {
		return 0, n
	}
	if m.listed() {
		return 0, &Note{Kind: NoteKeywordList, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text),
			Message: fmt.Sprintf("Not counted: named in a list of %d options without saying which one the design uses. Say which you choose here, and why.", m.sent.optN)}
	}
	if m.sent.weakRow {
		// Table rows of a design that reads as keyword runs are weak
		// evidence too.
		return 0, &Note{Kind: NoteKeywordList, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text),
			Message: "Not counted: most of this design reads as keyword runs, so its table rows are not taken as decisions."}
	}
	in := len(secs) == 0 || slices.Contains(secs, m.sent.section)
	w := 1.0
	var note *Note
	if !in {
		w = weightOtherSection
		note = &Note{Kind: NoteOtherSection, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text),
			Message: fmt.Sprintf("Half credit: found only in %s; this check reads %s.", e.where(m.sent.section, m.sent.field), e.sectionList(secs))}
	}
	pol, cue := m.polarity()
	switch pol {
	case Denied:
		return 0, &Note{Kind: NoteDenied, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text),
			Message: fmt.Sprintf("Not counted: “%s” refuses it. If your design does this, say so plainly.", cue)}
	case Hedged:
		msg := fmt.Sprintf("Little credit: “%s” leaves it open. Say whether your design does it.", cue)
		if cue == m.sent.later {
			msg = fmt.Sprintf("Little credit: it is under “%s”, a plan for later. If the design does it now, say so where it belongs.", cue)
		}
		return w * weightHedged, &Note{Kind: NoteHedged, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text), Message: msg}
	}
	return w, note
}

func (e *Engine) sectionList(secs []string) string {
	names := make([]string, len(secs))
	for i, s := range secs {
		names[i] = e.sectionTitle(s)
	}
	return strings.Join(names, ", ")
}

// best returns the best-credited mention of concept id for sections secs,
// its weight, and the notes that explain a credit below 1.
func (e *Engine) best(id string, secs []string, p *parsed) (float64, *mention, []Note) {
	ms := e.mentionsOf(id, p)
	// Most concepts are met in full: look for that before writing notes.
	for i := range ms {
		m := &ms[i]
		if m.sent.credited() && !m.sent.weakRow && !m.listed() && (len(secs) == 0 || slices.Contains(secs, m.sent.section)) {
			if pol, _ := m.polarity(); pol == Affirmed {
				return 1, m, nil
			}
		}
	}
	bestW := 0.0
	var bestM *mention
	var bestNote *Note
	var notes []Note
	kinds := map[string]bool{}
	for i := range ms {
		m := &ms[i]
		w, n := e.weigh(m, secs)
		if w > bestW {
			bestW, bestM, bestNote = w, m, n
		}
		if n != nil && w < 1 && !kinds[n.Kind] && (n.Kind != NoteOtherSection) {
			kinds[n.Kind] = true
			notes = append(notes, *n)
		}
	}
	if bestW >= 1 {
		return 1, bestM, nil
	}
	if bestNote != nil && bestNote.Kind == NoteOtherSection {
		notes = append([]Note{*bestNote}, notes...)
	}
	return bestW, bestM, notes
}

func (e *Engine) evidence(m *mention, w float64) Evidence {
	return Evidence{Section: m.sent.section, Field: m.sent.field, Words: m.words(), Excerpt: excerpt(m.sent.text), Weight: round2(w)}
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }

func (e *Engine) mentions(c *Check, p *parsed, cr *CheckResult, used map[string]bool) {
	min := max(c.Min, 1)
	if cr.Label == "" {
		names := make([]string, len(c.Concepts))
		for i, id := range c.Concepts {
			names[i] = e.conceptName(id)
		}
		if min > 1 {
			cr.Label = fmt.Sprintf("discusses at least %d of: %s, in %s", min, strings.Join(names, ", "), e.sectionList(c.Sections))
		} else {
			cr.Label = fmt.Sprintf("discusses %s in %s", strings.Join(names, " or "), e.sectionList(c.Sections))
		}
	}
	if len(c.Sections) > 0 {
		cr.Section = c.Sections[0]
	}
	var credits []float64
	for _, id := range c.Concepts {
		if used[id] {
			continue
		}
		w, m, notes := e.best(id, c.Sections, p)
		if w > 0 {
			credits = append(credits, w)
			cr.Evidence = append(cr.Evidence, e.evidence(m, w))
			if used != nil {
				used[id] = true
			}
		}
		for _, n := range notes {
			if n.Kind == NoteDenied {
				cr.Denied = append(cr.Denied, Evidence{Section: n.Section, Field: n.Field, Words: e.conceptName(id), Excerpt: n.Excerpt})
			}
		}
		if w < 1 {
			cr.Notes = append(cr.Notes, notes...)
		}
	}
	slices.SortFunc(credits, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	sum := 0.0
	for i := 0; i < len(credits) && i < min; i++ {
		sum += credits[i]
	}
	cr.Credit = sum / float64(min)
	if cr.Credit < 0.999 {
		cr.Hint = fmt.Sprintf("Say in %s what your design decides here and why, in your own sentences.", e.sectionList(c.Sections))
		if len(cr.Notes) == 0 && len(credits) == 0 {
			cr.Notes = append(cr.Notes, Note{Kind: "missing", Message: "Nothing in " + e.sectionList(c.Sections) + " commits to this yet."})
		}
	}
}

// reasonWords are the words that give a reason.
var reasonWords = setOf(`because since so otherwise therefore thus hence given reason means ensures ensure
avoid avoids prevent prevents protects keeps why lets allows`)

// hasReason reports whether a sentence gives a reason for what it says: a
// reason word followed, in its clause, by a word of its own ("because
// outcomes take a day to settle"), not only filler ("because it is best
// practice").
func hasReason(s *sentence) bool {
	if !s.reasonRead {
		s.reason, s.reasonRead = findReason(s), true
	}
	return s.reason
}

func findReason(s *sentence) bool {
	for i, t := range s.tokens {
		if t.is(kReason) && substantive(s, i+1) {
			return true
		}
		if purpose(s, i) {
			return true
		}
	}
	for i := 0; i+1 < len(s.tokens); i++ {
		// Everyday reasons: "in case the link drops", "that way nobody
		// waits", "or else the page stalls", "for fear of ...".
		a, b := s.tokens[i].word, s.tokens[i+1].word
		inCase := a == "in" && b == "case" && i+2 < len(s.tokens) && (s.tokens[i+2].is(kDeterminer) || s.tokens[i+2].is(kSubject) || s.tokens[i+2].word == "of")
		if (inCase || a == "that" && b == "way" || a == "or" && b == "else" || a == "for" && b == "fear") && substantive(s, i+2) {
			return true
		}
	}
	for _, arrow := range []string{"→", "->", "=>"} {
		if i := strings.Index(s.text, arrow); i >= 0 {
			for k, t := range s.tokens {
				if t.start > i {
					return substantive(s, k)
				}
			}
		}
	}
	return false
}

// purpose reports whether a purpose clause opens at token i: "To keep
// learning about rarely shown offers, ...", "..., to measure real timing
// without touching playback", "so that", "in order to".
func purpose(s *sentence, i int) bool {
	t := s.tokens
	if t[i].word != "to" || i+2 >= len(t) {
		return false
	}
	opens := i == 0 || t[i-1].clause != t[i].clause || i >= 2 && t[i-1].word == "order" && t[i-2].word == "in"
	if !opens || lexicon.Default().PartsOfSpeech(t[i+1].word)&lexicon.Verb == 0 || t[i+1].is(kFiller) {
		return false
	}
	return substantive(s, i+2)
}

// substantive reports whether the clause from token i holds a word that is
// neither a function word nor filler.
func substantive(s *sentence, i int) bool {
	if i >= len(s.tokens) {
		return false
	}
	cl := s.tokens[i].clause
	for k := i; k < len(s.tokens) && s.tokens[k].clause <= cl+1; k++ {
		if s.tokens[k].kinds&(kFunction|kFiller|kReason) == 0 {
			return true
		}
	}
	return false
}

// reasoned reports whether the mention's sentence, or one of the next two
// of its field, gives a reason.
func (p *parsed) reasoned(m *mention) bool {
	if hasReason(m.sent) {
		return true
	}
	for i := m.sent.index + 1; i < len(p.sents) && i <= m.sent.index+2; i++ {
		n := &p.sents[i]
		if n.section != m.sent.section || n.field != m.sent.field {
			break
		}
		if n.credited() && hasReason(n) {
			return true
		}
	}
	return false
}

func (e *Engine) decision(c *Check, p *parsed, cr *CheckResult, used map[string]bool) {
	if cr.Label == "" {
		var parts []string
		if c.Field != "" {
			parts = append(parts, fmt.Sprintf("%s is %s, with its why", e.where(c.Section, c.Field), orList(c.Options)))
		}
		if len(c.Concepts) > 0 {
			names := make([]string, len(c.Concepts))
			for i, id := range c.Concepts {
				names[i] = e.conceptName(id)
			}
			parts = append(parts, fmt.Sprintf("a sentence in %s commits to %s, with a reason", e.sectionList(c.Sections), strings.Join(names, " or ")))
		}
		cr.Label = "decides: " + strings.Join(parts, "; or ")
	}
	if c.Field != "" {
		cr.Section = c.Section
	} else if len(c.Sections) > 0 {
		cr.Section = c.Sections[0]
	}
	choice := 0.0
	if c.Field != "" {
		if v := strings.TrimSpace(p.d.Sections.Get(c.Section, c.Field).Text); v != "" {
			if slices.Contains(c.Options, v) {
				choice = creditBareChoice
				why := 0
				for i := range p.sents {
					s := &p.sents[i]
					if s.section == c.Section && s.field == c.Field+"_why" && s.credited() {
						why += len(s.tokens)
					}
				}
				ev := Evidence{Section: c.Section, Field: c.Field, Words: humanKind(v), Weight: creditBareChoice}
				if why >= 4 {
					choice, ev.Weight = 1, 1
				} else {
					cr.Notes = append(cr.Notes, Note{Kind: NoteNoReason, Section: c.Section, Field: c.Field,
						Message: fmt.Sprintf("Part credit: you chose %s without saying why. A choice with its reason earns more.", humanKind(v))})
				}
				cr.Evidence = append(cr.Evidence, ev)
			} else {
				cr.Notes = append(cr.Notes, Note{Kind: NoteWrongChoice, Section: c.Section, Field: c.Field, Excerpt: humanKind(v),
					Message: fmt.Sprintf("Not counted: %s does not commit to what this case needs here. Weigh the options against the case's constraints.", humanKind(v))})
			}
		}
	}
	// A wrong choice's own "why" argues for the wrong option: it earns
	// nothing as prose either.
	skipWhy := ""
	if choice == 0 && c.Field != "" && strings.TrimSpace(p.d.Sections.Get(c.Section, c.Field).Text) != "" {
		skipWhy = c.Field + "_why"
	}
	prose := 0.0
	var proseEv *Evidence
	var proseNotes []Note
	for _, id := range c.Concepts {
		if used[id] {
			continue
		}
		w, m, notes := e.best(id, c.Sections, p)
		if m != nil && skipWhy != "" && m.sent.section == c.Section && m.sent.field == skipWhy {
			w, m = 0, nil
			for _, alt := range e.mentionsOf(id, p) {
				if alt.sent.field == skipWhy {
					continue
				}
				if aw, _ := e.weigh(&alt, c.Sections); aw > w {
					w, m = aw, &alt
				}
			}
		}
		if w == 0 {
			proseNotes = append(proseNotes, notes...)
			continue
		}
		// Prefer a mention of the same weight that gives its reason.
		if !p.reasoned(m) {
			ms := e.mentionsOf(id, p)
			for i := range ms {
				if ms[i].sent.field == skipWhy && skipWhy != "" {
					continue
				}
				if aw, _ := e.weigh(&ms[i], c.Sections); aw >= w && p.reasoned(&ms[i]) {
					m = &ms[i]
					break
				}
			}
		}
		credit := w
		if !p.reasoned(m) {
			credit = w * creditBareProse
		}
		if credit > prose {
			prose = credit
			ev := e.evidence(m, credit)
			proseEv = &ev
			proseNotes = notes
			if credit < w {
				proseNotes = append(proseNotes, Note{Kind: NoteNoReason, Section: m.sent.section, Field: m.sent.field, Excerpt: excerpt(m.sent.text),
					Message: "Part credit: the decision is stated without its reason. Say why it fits this case."})
			}
		}
		if used != nil {
			used[id] = true
		}
	}
	if proseEv != nil {
		cr.Evidence = append(cr.Evidence, *proseEv)
	}
	cr.Credit = max(choice, prose)
	if cr.Credit < 0.999 && (choice == 0 || prose < choice) {
		cr.Notes = append(cr.Notes, proseNotes...)
	}
	for _, n := range cr.Notes {
		if n.Kind == NoteDenied {
			cr.Denied = append(cr.Denied, Evidence{Section: n.Section, Field: n.Field, Excerpt: n.Excerpt})
		}
	}
	if cr.Credit < 0.999 {
		cr.Hint = "State the decision and the reason it fits this case."
	}
}

func orList(opts []string) string {
	h := make([]string, len(opts))
	for i, o := range opts {
		h[i] = humanKind(o)
	}
	return strings.Join(h, " or ")
}

func (e *Engine) chooses(c *Check, p *parsed, cr *CheckResult) {
	if cr.Label == "" {
		cr.Label = fmt.Sprintf("%s is %s", e.where(c.Section, c.Field), orList(c.Options))
	}
	if v := strings.TrimSpace(p.d.Sections.Get(c.Section, c.Field).Text); slices.Contains(c.Options, v) {
		cr.Credit = 1
		cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: humanKind(v), Excerpt: "chose " + humanKind(v)}}
	}
}

// asserts raises a flag when a concept is named with polarity want (a
// commitment, or a refusal) in the check's sections. A refusal the design
// contradicts elsewhere by committing to the same concept does not count.
func (e *Engine) asserts(c *Check, p *parsed, cr *CheckResult, want Polarity) {
	if cr.Label == "" {
		names := make([]string, len(c.Concepts))
		for i, id := range c.Concepts {
			names[i] = e.conceptName(id)
		}
		verb := "commits to"
		if want == Denied {
			verb = "refuses"
		}
		cr.Label = fmt.Sprintf("the design %s %s in %s", verb, strings.Join(names, " or "), e.sectionList(c.Sections))
	}
	for _, id := range c.ClearedBy {
		if affirmedSomewhere(e.mentionsOf(id, p)) {
			return
		}
	}
	var qualified map[int]bool // sentences that name an Unless concept
	for _, id := range c.Unless {
		ms := e.mentionsOf(id, p)
		for i := range ms {
			if qualified == nil {
				qualified = map[int]bool{}
			}
			qualified[ms[i].sent.index] = true
		}
	}
	for _, id := range c.Concepts {
		ms := e.mentionsOf(id, p)
		if want == Denied && affirmedSomewhere(ms) {
			continue
		}
		for i := range ms {
			m := &ms[i]
			s := m.sent
			if !(s.prose || s.packed) || s.copied || s.over || !slices.Contains(c.Sections, s.section) || want == Denied && m.gloss || qualified[s.index] {
				continue
			}
			if pol, _ := m.polarity(); pol != want {
				continue
			}
			if want == Affirmed && (genericKind(s.tokens, m.start, m.end) || genericClaim(s.tokens, m.start, m.end) || s.section == "model" && s.field == "baseline" || weighsAlternative(s.tokens, m.start, m.end) || elsewhere(s.tokens)) {
				// A general claim, the baseline the design sets out to beat
				// ("today: a fixed-n test re-run every minute"), or the
				// runner-up it set aside is not what the design does.
				continue
			}
			cr.Credit = 1
			cr.Evidence = []Evidence{{Section: s.section, Field: s.field, Words: m.words(), Excerpt: excerpt(s.text)}}
			return
		}
	}
}

// elsewhere reports whether a sentence tells of a system built somewhere
// else ("at my previous company we optimised clicks"): what another
// employer did is not what this design chooses.
func elsewhere(toks []token) bool {
	for k := 0; k+1 < len(toks); k++ {
		switch toks[k].word {
		case "previous", "former", "last", "old":
			switch toks[k+1].word {
			case "company", "employer", "job", "role", "team":
				return true
			}
		}
	}
	return false
}

// genericClaim reports whether the mention at [start, end) sits in the
// subject of a general claim: a sentence that opens with "a", "an" or
// "any", says what such a thing will or would do, and has no first
// person: "A policy trained on clicks will find those images" says what
// any such policy does, not what the design does.
func genericClaim(toks []token, start, end int) bool {
	if len(toks) == 0 || start > 8 {
		return false
	}
	switch toks[0].word {
	case "a", "an", "any":
	default:
		return false
	}
	for _, t := range toks {
		switch t.word {
		case "we", "our", "us", "i", "my", "ours", "we'd", "we'll", "i'd", "i'll", "we're", "i'm":
			return false
		}
	}
	cl := toks[start].clause
	for k := end; k < len(toks) && k < end+6 && toks[k].clause == cl; k++ {
		switch toks[k].word {
		case "will", "would", "can", "tends", "always":
			return true
		}
	}
	return false
}

// genericKind reports whether the mention at [start, end) is a hyphenated
// compound naming a kind of thing as the subject of a general claim, with
// no first person in its clause: "click-optimised rankers reward
// eye-catching art" says what such rankers do, not what the design does.
func genericKind(toks []token, start, end int) bool {
	joined := false
	for k := start + 1; k < end; k++ {
		joined = joined || toks[k].joined
	}
	if !joined || end >= len(toks) || toks[end].joined || !pluralNoun(toks[end].word) {
		return false
	}
	cl := toks[start].clause
	if start > 0 && toks[start-1].clause == cl && toks[start-1].word != "and" && toks[start-1].word != "but" {
		return false
	}
	for k := range toks {
		if toks[k].clause == cl {
			switch toks[k].word {
			case "we", "our", "us", "i", "my", "ours":
				return false
			}
		}
	}
	return true
}

// pluralNoun reports whether w reads as a plural noun: "rankers", not
// "vs", "is" or "does".
func pluralNoun(w string) bool {
	switch w {
	case "vs", "is", "was", "has", "does", "goes", "this", "its", "thus", "plus", "always", "perhaps", "unless", "across":
		return false
	}
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us")
}

// affirmedSomewhere reports whether one of ms is affirmed in a read sentence.
func affirmedSomewhere(ms []mention) bool {
	for i := range ms {
		if ms[i].sent.credited() {
			if pol, _ := ms[i].polarity(); pol == Affirmed {
				return true
			}
		}
	}
	return false
}

func (e *Engine) present(c *Check, p *parsed, cr *CheckResult) {
	f, ok := e.template.Field(c.Section, c.Field)
	if !ok {
		return
	}
	v := p.d.Sections.Get(c.Section, c.Field)
	switch f.Type {
	case design.TypeText:
		// Only written sentences count, anywhere in the section: a list of
		// keywords or copied text is not an answer.
		min := max(c.MinWords, 1)
		where := e.sectionTitle(c.Section)
		words := 0
		for i := range p.sents {
			s := &p.sents[i]
			if s.section == c.Section && !s.row && s.credited() {
				words += len(s.tokens)
			}
		}
		if cr.Label == "" {
			cr.Label = fmt.Sprintf("%s has at least %d words of written sentences", where, min)
		}
		cr.Credit = float64(words) / float64(min)
		if words > 0 {
			cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: strconv.Itoa(words) + " words"}}
		}
		if words < min {
			cr.Hint = fmt.Sprintf("Write %s out in full sentences: %d of %d words so far.", where, words, min)
		}
	case design.TypeList:
		where := e.where(c.Section, c.Field)
		min := max(c.Min, 1)
		rows := filledRows(f, v.Rows)
		if cr.Label == "" {
			cr.Label = fmt.Sprintf("%s has at least %d row(s)", where, min)
		}
		cr.Credit = float64(rows) / float64(min)
		if rows > 0 {
			cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: strconv.Itoa(rows) + " rows"}}
		}
		if rows < min {
			cr.Hint = fmt.Sprintf("Add rows to %s: %d of %d so far.", where, rows, min)
		}
	default:
		where := e.where(c.Section, c.Field)
		if cr.Label == "" {
			cr.Label = where + " is set"
		}
		if !v.IsZero() {
			cr.Credit = 1
			cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: valueText(v)}}
		} else {
			cr.Hint = "Fill in " + where + "."
		}
	}
}

// filledRows counts rows whose first column (the name) is filled.
func filledRows(f *design.Field, rows []design.Row) int {
	n := 0
	for _, r := range rows {
		if strings.TrimSpace(r[f.Columns[0].ID]) != "" {
			n++
		}
	}
	return n
}

func valueText(v design.Value) string {
	if v.Number != nil {
		return strconv.FormatFloat(*v.Number, 'f', -1, 64)
	}
	return v.Text
}

func (e *Engine) listHas(c *Check, p *parsed, cr *CheckResult) {
	f, ok := e.template.Field(c.Section, c.Field)
	if !ok {
		return
	}
	min := max(c.Min, 1)
	var conds []string
	for col, want := range c.Where {
		conds = append(conds, col+" = "+want)
	}
	slices.Sort(conds)
	where := e.where(c.Section, c.Field)
	if c.Numeric != "" {
		if col, ok := f.Column(c.Numeric); ok {
			conds = append(conds, "a number in "+strings.ToLower(col.Label))
		}
	}
	if cr.Label == "" {
		cr.Label = fmt.Sprintf("%s has at least %d row(s) with %s", where, min, strings.Join(conds, ", "))
	}
	n := 0
	for _, r := range p.d.Sections.Get(c.Section, c.Field).Rows {
		if strings.TrimSpace(r[f.Columns[0].ID]) == "" {
			continue
		}
		ok := true
		for col, want := range c.Where {
			if !strings.EqualFold(strings.TrimSpace(r[col]), want) {
				ok = false
				break
			}
		}
		if c.Numeric != "" && !strings.ContainsAny(r[c.Numeric], "0123456789") && !strings.Contains(strings.ToLower(r[c.Numeric]), "zero") {
			ok = false
		}
		if ok {
			n++
			cr.Evidence = append(cr.Evidence, Evidence{Section: c.Section, Field: c.Field, Words: r[f.Columns[0].ID]})
		}
	}
	cr.Credit = float64(n) / float64(min)
	if n < min {
		cr.Hint = fmt.Sprintf("Add %d more row(s) to %s with %s.", min-n, where, strings.Join(conds, ", "))
	}
}

func (e *Engine) number(c *Check, p *parsed, cr *CheckResult) {
	where := e.where(c.Section, c.Field)
	unit := ""
	if f, ok := e.template.Field(c.Section, c.Field); ok && f.Unit != "" {
		unit = " " + f.Unit
	}
	fmtf := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	switch {
	case cr.Label != "":
	case c.AtLeast != nil && c.AtMost != nil:
		cr.Label = fmt.Sprintf("%s is between %s and %s%s", where, fmtf(c.AtLeast), fmtf(c.AtMost), unit)
	case c.AtLeast != nil:
		cr.Label = fmt.Sprintf("%s is at least %s%s", where, fmtf(c.AtLeast), unit)
	default:
		cr.Label = fmt.Sprintf("%s is at most %s%s", where, fmtf(c.AtMost), unit)
	}
	v := p.d.Sections.Get(c.Section, c.Field)
	if v.Number == nil {
		cr.Hint = "Set " + where + "."
		return
	}
	x := *v.Number
	if (c.AtLeast == nil || x >= *c.AtLeast) && (c.AtMost == nil || x <= *c.AtMost) {
		cr.Credit = 1
	}
	cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: fmtf(&x) + unit}}
	if cr.Credit < 1 {
		cr.Hint = fmt.Sprintf("%s is %s%s; check it against the case's facts and constraints.", where, fmtf(&x), unit)
	}
}

func min2(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func humanKind(k string) string { return strings.ReplaceAll(k, "_", " ") }

// reasons credits a design that gives its reasons (or its numbers) across
// its sections: sentences of its own words, read as written, that decide
// with a reason and name something the rubric knows. Half the credit is for
// how many there are, half for how widely they are spread.
func (e *Engine) reasons(c *Check, p *parsed, cr *CheckResult) {
	per := max(c.PerSection, 1)
	what, word := "a reason", "reasons"
	if c.Numbers {
		what, word = "a number", "numbers"
	}
	if cr.Label == "" {
		cr.Label = fmt.Sprintf("gives %s: at least %d sentences that decide with %s, with %d or more in each of %d sections", word, c.Min, what, per, c.MinSections)
	}
	n, bySec := 0, map[string]int{}
	var ev []Evidence
	for i := range p.sents {
		s := &p.sents[i]
		if s.row || !s.credited() || s.packed || !namesSomething(s) {
			continue
		}
		if c.Numbers && !hasFigure(s) || !c.Numbers && !hasReason(s) {
			continue
		}
		n++
		bySec[s.section]++
		if len(ev) < 3 {
			ev = append(ev, Evidence{Section: s.section, Field: s.field, Excerpt: excerpt(s.text)})
		}
	}
	secs := 0
	for _, k := range bySec {
		if k >= per {
			secs++
		}
	}
	cr.Credit = (math.Min(1, float64(n)/float64(c.Min)) + math.Min(1, float64(secs)/float64(c.MinSections))) / 2
	if p.flags >= FlagsForWeak && cr.Credit > 0 {
		// Reasons given for key decisions that go the wrong way are not
		// reasons an interviewer credits.
		cr.Credit = 0
		cr.Notes = append(cr.Notes, Note{Kind: NoteOverridden, Message: fmt.Sprintf("Not counted: %d red flags, so the reasons defend decisions that go the wrong way for this case.", p.flags)})
	}
	if rel := e.relevance(p); len(e.own) > 0 && rel < ReasonsOnTopic && cr.Credit > 0 {
		// Reasons are for this case's decisions: a design that takes up
		// few of its concerns gives its reasons for another problem.
		cr.Credit *= rel / ReasonsOnTopic
		cr.Notes = append(cr.Notes, Note{Kind: "off_topic", Message: fmt.Sprintf("Counts for %.0f%%: the design takes up %.0f%% of this case's own concerns, so most of its reasons are given for other decisions than this case's.", 100*rel/ReasonsOnTopic, 100*rel)})
	}
	if n > 0 {
		cr.Evidence = append([]Evidence{{Words: fmt.Sprintf("%d sentences in %d sections", n, secs)}}, ev...)
	}
	if cr.Credit < 0.999 {
		cr.Hint = fmt.Sprintf("Give %s for your decisions where you make them, section by section: %d sentences so far, %d of %d sections with %d or more.", word, n, secs, c.MinSections, per)
	}
}

// spelledNumbers are the numbers plain writers spell out ("a tenth of
// members", "five minutes", "twice a day"). "One" is left out: it is a
// pronoun as often as a number.
var spelledNumbers = setOf(`two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
fifty sixty ninety hundred hundreds thousand thousands million millions billion billions half halves third thirds
quarter quarters tenth tenths fifth fifths hundredth twice double doubled doubles dozen dozens`)

// hasFigure reports whether a sentence decides with a number, in digits
// or in words.
func hasFigure(s *sentence) bool {
	if hasNumber(s) {
		return true
	}
	for _, t := range s.tokens {
		if spelledNumbers[t.word] {
			return true
		}
	}
	return false
}

// namesSomething reports whether a sentence names a concept of the rubric:
// its reason is about the design, not about nothing in particular.
func namesSomething(s *sentence) bool {
	for _, ts := range s.terms {
		if len(ts) > 0 {
			return true
		}
	}
	return false
}
