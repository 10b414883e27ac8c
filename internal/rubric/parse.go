package rubric

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/design"
)

// parsed is a design's text, read once per check run.
type parsed struct {
	d       *design.Design
	sents   []sentence
	pos     [][]tokAt   // a term to the words it is, in design order
	bySent  [][]slotOcc // a pattern's slot occurrences in each sentence, while it is matched
	touched []int32
	words   map[string]int // section to its credited words of prose
	notices []Note
	found   map[string][]mention // concept id to its mentions, filled on demand
	// keywords is the share of written words that are keyword runs.
	keywords float64
	graphV   *graphView
}

// mention is one place a concept is named. Its polarity is read on first
// use: a mention in a sentence that is not read needs none.
type mention struct {
	sent       *sentence
	start, end int
	slots      []int
	risk       bool
	read       bool
	pol        Polarity
	cue        string
	// prev is the mention of the same concept before this one in its
	// sentence: "I would not split the past at random: a random split
	// puts half a ring on each side" refuses both.
	prev *mention
}

// polarity returns how the mention's sentence holds it.
func (m *mention) polarity() (Polarity, string) {
	if !m.read {
		m.pol, m.cue = spanPolarity(m.sent, span{start: m.start, end: m.end, slots: m.slots}, m.risk)
		if m.prev != nil && m.pol == Affirmed {
			if pol, cue := m.prev.polarity(); pol == Denied {
				m.pol, m.cue = pol, cue
			}
		}
		if m.pol == Affirmed && m.sent.later != "" {
			m.pol, m.cue = Hedged, m.sent.later // a plan for later
		}
		m.read = true
	}
	return m.pol, m.cue
}

func (m *mention) words() string {
	t := m.sent.tokens
	return m.sent.text[t[m.start].start:t[m.end-1].end]
}

// Terse notes: a sentence with few function words still counts as written
// when it has at least terseMinWords words, is not a comma list, and at most
// terseMaxConcept of its words are words of concept phrases ("A/B test
// randomised by account, 2-4 weeks (covers weekly patterns)"), or when it
// carries a number ("split: last 4 weeks held out").
const (
	terseMinWords   = 5
	terseMaxConcept = 0.6
)

// Templated sentences: templateMin or more sentences of the design cut from
// one frame of at least templateFrame words ("We use X to improve Y.") are
// a list in disguise.
const (
	templateMin   = 4
	templateFrame = 3
)

func (e *Engine) parse(d *design.Design) *parsed {
	p := &parsed{d: d, pos: make([][]tokAt, e.vocab.next), words: map[string]int{}, found: map[string][]mention{}}
	order := 0
	add := func(sec, field, later string, sents []sentence) {
		for i := range sents {
			s := &sents[i]
			s.section, s.field, s.order, s.later = sec, field, order, later
			order++
			p.sents = append(p.sents, *s)
		}
	}
	for _, sec := range e.template.Sections {
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			later := ""
			if f.Later {
				later = f.Label
			}
			switch f.Type {
			case design.TypeText:
				if txt := d.Sections.Get(sec.ID, f.ID).Text; strings.TrimSpace(txt) != "" {
					add(sec.ID, f.ID, later, parseText(txt))
				}
			case design.TypeList:
				add(sec.ID, f.ID, later, rowSentences(f, d.Sections.Get(sec.ID, f.ID).Rows))
			}
		}
	}
	// Follow-up answers, given after submission, are trade-off discussion.
	for _, fu := range d.FollowUps {
		add("tradeoffs", "follow_ups", "", parseText(fu.Answer))
	}
	type word struct {
		terms      []termID
		fn, filler bool
	}
	memo := map[string]word{}
	var buf []termID
	for i := range p.sents {
		s := &p.sents[i]
		s.index = i
		s.terms = make([][]termID, len(s.tokens))
		for ti := range s.tokens {
			t := &s.tokens[ti]
			w, ok := memo[t.word]
			if !ok {
				buf = e.vocab.termsOf(t.word, buf)
				if len(buf) > 0 {
					w.terms = append([]termID(nil), buf...)
				}
				w.fn, w.filler = functionWords[t.word], fillerWords[t.word]
				memo[t.word] = w
			}
			t.fn, t.filler = w.fn, w.filler
			ts := w.terms
			s.terms[ti] = ts
			for _, id := range ts {
				p.pos[id] = append(p.pos[id], tokAt{int32(i), int32(ti)})
			}
		}
		if !s.prose && !s.row && e.terse(s) {
			s.prose = true
		}
		s.copied = e.copies.copiedShareOf(s.tokens) >= copiedShare
	}
	p.markTemplated()
	e.markPacked(p)
	p.markBuzz(e)
	p.markOverBudget(e)
	p.keywords = p.keywordShare()
	if p.keywords >= KeywordDesign {
		for i := range p.sents {
			p.sents[i].weakRow = p.sents[i].row
		}
	}
	return p
}

// terse reports whether a sentence without many function words is still a
// written note rather than a run of keywords.
func (e *Engine) terse(s *sentence) bool {
	n := len(s.tokens)
	if n < terseMinWords || listLike(s.text, s.tokens) {
		return false
	}
	if hasNumber(s) || conditional(s) {
		return true
	}
	covered := 0
	for _, ts := range s.terms {
		for _, id := range ts {
			if int(id) < len(e.phraseTerm) && e.phraseTerm[id] {
				covered++
				break
			}
		}
	}
	return float64(covered)/float64(n) <= terseMaxConcept
}

// conditional reports whether a note states a rule, "if this, then that":
// "If model fails, dashboard shows yesterday's numbers", "feature job down
// → last good forecast".
func conditional(s *sentence) bool {
	if strings.Contains(s.text, "→") || strings.Contains(s.text, "->") || strings.Contains(s.text, "=>") {
		return true
	}
	for _, t := range s.tokens {
		switch t.word {
		case "if", "when", "unless", "otherwise", "because", "whenever":
			return true
		}
	}
	return false
}

// BuzzDesign is the share of a design's written words that are marketing
// words ("robust", "seamless", "cutting-edge", "context-aware") from which
// on its sentences that use them read as keyword runs. Designs written to
// be read by an interviewer stay far below it (at most 0.7% in the blind
// set, 1.5% for weak ones); designs written to game a grader start at 2.6%.
const BuzzDesign = 0.02

// buzzWords are the words of marketing prose.
var buzzWords = setOf(`robust robustness scalable scalability seamless seamlessly holistic holistically comprehensive
cutting-edge state-of-the-art world-class best-in-class next-generation next-gen end-to-end innovative advanced powerful
modern optimal optimally efficient efficiently effective effectively reliable leverage leverages leveraging leveraged
utilize utilizes utilizing utilise utilises utilising embrace embraces embracing enhance enhances enhancing enhanced
boost boosts boosting empower empowers empowering unlock unlocks unlocking intelligent intelligence future-proof
industry-standard production-grade enterprise-grade extensible modular synergy synergies paradigm paradigms
transformative revolutionary sophisticated rigorous rigorously principled trustworthy agile dynamic dynamically
proactive proactively adaptive adaptively continuous continuously cohesive unified ecosystem frictionless
best-practice granular actionable impactful mission-critical high-fidelity rich richly`)

// buzzSuffixes end compound marketing words: "network-aware", "data-driven".
var buzzSuffixes = []string{"-aware", "-driven", "-agnostic", "-grade", "-native", "-centric", "-first", "-ready", "-optimal", "-enabled", "-powered"}

// buzzAt reports whether the word ending at token k, read with the words
// hyphens join to it, is a marketing word.
func buzzAt(toks []token, k int) bool {
	if k+1 < len(toks) && toks[k+1].joined {
		return false // a compound is read at its last part
	}
	w := toks[k].word
	if buzzWords[w] {
		return true
	}
	for j := k; j > 0 && toks[j].joined; j-- {
		w = toks[j-1].word + "-" + w
	}
	if buzzWords[w] {
		return true
	}
	if strings.IndexByte(w, '-') > 0 {
		for _, suf := range buzzSuffixes {
			if strings.HasSuffix(w, suf) {
				return true
			}
		}
	}
	return false
}

// markBuzz reads the sentences that use marketing words as keyword runs,
// in a design that uses them as a grader-gaming one does.
func (p *parsed) markBuzz(e *Engine) {
	words, buzz := 0, 0
	has := make([]bool, len(p.sents))
	for i := range p.sents {
		s := &p.sents[i]
		if s.row {
			continue
		}
		for k := range s.tokens {
			words++
			if buzzAt(s.tokens, k) && !e.technicalTerm(s, k) {
				buzz++
				has[i] = true
			}
		}
	}
	if words == 0 || float64(buzz)/float64(words) < BuzzDesign {
		return
	}
	n := 0
	for i := range p.sents {
		if has[i] && p.sents[i].prose {
			p.sents[i].prose, p.sents[i].buzz = false, true
			n++
		}
	}
	p.notices = append(p.notices, Note{Kind: NoteKeywordList,
		Message: fmt.Sprintf("%.1f%% of this design's words are marketing words (robust, seamless, cutting-edge, context-aware ...), so its %d sentences that use them read as keyword runs. Say what you decide, in plain terms, and why.", 100*float64(buzz)/float64(words), n)})
}

// keywordShare returns the share of the design's written words, outside
// tables, that are keyword runs: lists, templated or packed sentences, and
// text copied from the case.
func (p *parsed) keywordShare() float64 {
	all, kw := 0, 0
	for i := range p.sents {
		s := &p.sents[i]
		if s.row || s.over {
			continue
		}
		n := len(s.tokens)
		all += n
		if !s.prose || s.templated || s.copied || s.packed {
			kw += n
		}
	}
	if all == 0 {
		return 0
	}
	return float64(kw) / float64(all)
}

// Packed sentences: a sentence naming packedConcepts or more of the
// rubric's concepts, with no number and no reason, is a run of keywords
// however it is punctuated ("We use bandits, Thompson sampling, replay and
// canaries for robust results").
const packedConcepts = 4

func (e *Engine) markPacked(p *parsed) {
	counts := make([]int, len(p.sents))
	inMention := make([][]bool, len(p.sents))
	// owner[si][j] is the group of concepts that claimed word j; concepts
	// matched on shared words are one group, whatever their order.
	owner := make([][]int, len(p.sents))
	var parent []int
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	groupOf := map[[2]int]int{} // (sentence, concept) to its group
	for i, id := range e.conceptIDs {
		for _, m := range e.mentionsOf(id, p) {
			si := m.sent.index
			if inMention[si] == nil {
				inMention[si] = make([]bool, len(m.sent.tokens))
				owner[si] = make([]int, len(m.sent.tokens))
			}
			words := false
			for j := m.start; j < m.end && !words; j++ {
				words = m.sent.terms[j] != nil
			}
			if !words {
				continue
			}
			key := [2]int{si, i}
			g, ok := groupOf[key]
			if !ok {
				g = len(parent)
				parent = append(parent, g)
				groupOf[key] = g
			}
			// The words of the match that are concept words; the words a
			// pattern's slots leave between them are not.
			for j := m.start; j < m.end; j++ {
				if m.sent.terms[j] == nil {
					continue
				}
				if inMention[si][j] {
					parent[find(owner[si][j])] = find(g)
				} else {
					inMention[si][j] = true
					owner[si][j] = g
				}
			}
		}
	}
	roots := map[[2]int]bool{}
	for key, g := range groupOf {
		if r := [2]int{key[0], find(g)}; !roots[r] {
			roots[r] = true
			counts[key[0]]++
		}
	}
	for si, n := range counts {
		s := &p.sents[si]
		if n == 0 || s.row || !s.prose || hasReason(s) || hasNumber(s) {
			continue
		}
		concept, other, filler := 0, 0, 0
		for j, t := range s.tokens {
			switch {
			case inMention[si][j]:
				concept++
			case t.fn:
			case t.filler:
				filler++
			default:
				other++
			}
		}
		// A concept in filler says nothing ("In production, we use
		// canaries to improve results"), though a concept and function
		// words can ("The A/B test randomises by account."); a sentence
		// that names many concepts and little else decides none of them.
		if other == 0 && filler >= 2 || n >= packedConcepts && concept > 2*other {
			s.prose = false
			s.packed = true
		}
	}
}

func hasNumber(s *sentence) bool {
	for _, t := range s.tokens {
		if isDigit(t.word[0]) {
			return true
		}
	}
	return false
}

// fillerWords are the words of buzzword prose: a sentence made of a
// concept, function words and these says nothing about the design.
var fillerWords = setOf(`use uses using used apply applies applied adopt adopts leverage leverages leveraging utilize
utilise employ employs rely relies build builds include includes including add adds keep keeps run runs get gets
choose chooses plan make makes ensure ensures ensuring enable enables improve improves improving improved boost
optimize optimise maximize maximise enhance enhances guarantee guarantees deliver delivers handle handles support
supports integrate integrated embrace embraces tune tuned carefully good better best great high higher quality
robust robustness scalable scalability reliable reliability efficient efficiency effective accurate accuracy fast
faster seamless seamlessly optimal holistic comprehensive modern advanced powerful innovative cutting-edge world-class
state-of-the-art end-to-end data-driven industry-standard production-grade practice practices approach approaches
results result outcome outcomes performance value values goals goal
system systems platform pipeline pipelines stage stages team teams design designs architecture solution solutions
framework frameworks process processes production everywhere everything whole entire across key important core
part matter course conditions compromise ownership clear risk risks industry
delight start practice time stack layer layers level levels way ways well strong stronger
techniques technique methods method tools tool cost costs lower reduce reduces fair`)

// claimVerbs are the verbs of a claimed benefit ("CUPED ensures
// sensitivity", "Leveraging bandits enables personalisation"), kept in a
// sentence's frame as if they were function words, each under one form.
var claimVerbs = func() map[string]string {
	m := map[string]string{}
	for _, v := range strings.Fields(`provide ensure enable guarantee deliver drive improve unlock empower mitigate
boost maximize maximise optimize optimise facilitate streamline enhance`) {
		for _, f := range []string{v, v + "s", strings.TrimSuffix(v, "e") + "es"} {
			m[f] = v
		}
	}
	return m
}()

// frame returns a sentence's frame: its function words, with each run of
// other words written "_".
func frame(s *sentence) (string, int) {
	var b strings.Builder
	fn, gap := 0, false
	for _, t := range s.tokens {
		w := t.word
		if v, ok := claimVerbs[w]; ok {
			w = v // "X provides Y", "Z ensures W": one frame
		}
		if t.fn && !t.joined || claimVerbs[t.word] != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			fn++
			gap = false
		} else if !gap {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte('_')
			gap = true
		}
	}
	return b.String(), fn
}

// markTemplated marks the sentences of frames used templateMin times or
// more, when the frame is a pattern ("we _ to _") rather than a sentence
// with many of its own words.
func (p *parsed) markTemplated() {
	byFrame := map[string][]int{}
	for i := range p.sents {
		s := &p.sents[i]
		if s.row || !s.prose {
			continue
		}
		f, fn := frame(s)
		claim := slices.ContainsFunc(strings.Fields(f), func(w string) bool { return claimVerbs[w] == w })
		if fn < 2 && !claim || len(strings.Fields(f)) < templateFrame {
			continue
		}
		byFrame[f] = append(byFrame[f], i)
	}
	for f, idx := range byFrame {
		if len(idx) < templateMin {
			continue
		}
		for _, i := range idx {
			p.sents[i].templated = true
		}
		s := &p.sents[idx[0]]
		p.notices = append(p.notices, Note{Kind: NoteTemplated, Section: s.section, Field: s.field, Excerpt: s.text,
			Message: fmt.Sprintf("%d sentences are cut from one frame (“%s”); they read as a list of keywords and earn nothing. Say what you decide and why, in your own sentences.", len(idx), strings.ReplaceAll(f, "_", "…"))})
	}
}

// markOverBudget marks the written sentences of each section beyond its
// budget of words.
func (p *parsed) markOverBudget(e *Engine) {
	seen := map[string]int{}
	over := map[string]bool{}
	for i := range p.sents {
		s := &p.sents[i]
		if !s.prose || s.copied || s.templated {
			continue
		}
		if seen[s.section] >= SectionBudget {
			s.over = true
			over[s.section] = true
			continue
		}
		seen[s.section] += len(s.tokens)
	}
	p.words = seen
	for _, sec := range e.template.Sections {
		if over[sec.ID] {
			p.notices = append(p.notices, Note{Kind: NoteOverBudget, Section: sec.ID,
				Message: fmt.Sprintf("Only the first %d words of %s were read: a 45-minute answer is shorter, and a longer section earns no more than a concise one.", SectionBudget, e.sectionTitle(sec.ID))})
		}
	}
}

// copiedExamples returns up to three copied sentences, for the flags.
func (p *parsed) copiedExamples() []*sentence {
	var out []*sentence
	for i := range p.sents {
		if p.sents[i].copied && len(out) < 3 {
			out = append(out, &p.sents[i])
		}
	}
	return out
}

// rowSentences turns each row of a list, whose first column is filled,
// into one structured sentence ("Take fraction; offline; +2%"): a row is a
// statement of the design, not prose, and counts as written.
func rowSentences(f *design.Field, rows []design.Row) []sentence {
	var out []sentence
	for _, r := range rows {
		if strings.TrimSpace(r[f.Columns[0].ID]) == "" {
			continue
		}
		cells := make([]string, 0, len(f.Columns))
		for _, c := range f.Columns {
			if v := strings.TrimSpace(r[c.ID]); v != "" {
				cells = append(cells, v)
			}
		}
		text := strings.Join(cells, "; ")
		out = append(out, sentence{text: text, tokens: tokenize(text), prose: true, row: true})
	}
	return out
}

// mentionsOf returns every mention of concept id in the design, with its
// polarity, in design order. Where two forms match at the same word, the
// first form's match is kept.
func (e *Engine) mentionsOf(id string, p *parsed) []mention {
	if ms, ok := p.found[id]; ok {
		return ms
	}
	c := e.concepts[id]
	var out []mention
	if c != nil {
		for fi := range c.forms {
			f := &c.forms[fi]
			if f.isPhrase() {
				from := len(out)
				for _, q := range f.slots[0] {
					for _, at := range p.pos[q[0]] {
						s := &p.sents[at.sent]
						i := int(at.tok)
						if !seqAt(q, s.terms, i) || dup(out[from:], s, i) || dup(out[:from], s, i) {
							continue
						}
						out = append(out, mention{sent: s, start: i, end: i + len(q), risk: c.risk}) // a phrase has one slot, at its start
					}
				}
				continue
			}
			// A pattern: the occurrences of its slots, by sentence.
			if len(p.bySent) < len(p.sents) {
				p.bySent = make([][]slotOcc, len(p.sents))
			}
			touched := p.touched[:0]
			for si, slot := range f.slots {
				for _, q := range slot {
					for _, at := range p.pos[q[0]] {
						if seqAt(q, p.sents[at.sent].terms, int(at.tok)) {
							if len(p.bySent[at.sent]) == 0 {
								touched = append(touched, at.sent)
							}
							p.bySent[at.sent] = append(p.bySent[at.sent], slotOcc{si, int(at.tok), int(at.tok) + len(q)})
						}
					}
				}
			}
			slices.Sort(touched)
			for _, sent := range touched {
				s := &p.sents[sent]
				if sp, ok := f.tightest(p.bySent[sent]); ok && !dup(out, s, sp.start) {
					out = append(out, mention{sent: s, start: sp.start, end: sp.end, slots: sp.slots, risk: c.risk})
				}
				p.bySent[sent] = p.bySent[sent][:0]
			}
			p.touched = touched[:0]
		}
	}
	// Design order, so that evidence is the first place a concept is named.
	slicesSortMentions(out)
	for i := 1; i < len(out); i++ {
		if out[i].sent == out[i-1].sent {
			out[i].prev = &out[i-1]
		}
	}
	p.found[id] = out
	return out
}

// tokAt is one word of the design: its sentence and its place there.
type tokAt struct{ sent, tok int32 }

// dup reports whether ms already holds a mention at this sentence and word.
func dup(ms []mention, s *sentence, start int) bool {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].sent == s && ms[i].start == start {
			return true
		}
	}
	return false
}
