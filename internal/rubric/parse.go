package rubric

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/design"
)

// parsed is a design's text, read once per check run.
type parsed struct {
	d       *design.Design
	sents   []sentence
	pos     positions      // a term to the words it is, in design order
	buf     *buffers       // working memory, returned by release
	words   map[string]int // section to its credited words of prose
	nwords  int            // words in the design
	notices []Note
	found   map[string][]mention // concept id to its mentions, filled on demand
	// keywords is the share of written words that are keyword runs.
	keywords float64
	graphV   *graphView
	// rel is the design's relevance to the case, once relDone.
	rel     float64
	relDone bool
	// flags is the number of red flags the design raised.
	flags int
}

// mention is one place a concept is named. Its polarity is read on first
// use: a mention in a sentence that is not read needs none.
type mention struct {
	sent       *sentence
	start, end int
	slots      []int
	risk       bool
	// gloss marks a match of a quorum pattern: a plain explanation is
	// evidence that a design does something, never that it refuses it.
	gloss bool
	read  bool
	pol   Polarity
	cue   string
	// prev is the mention of the same concept before this one in its
	// sentence: "I would not split the past at random: a random split
	// puts half a ring on each side" refuses both.
	prev *mention
}

// polarity returns how the mention's sentence holds it.
func (m *mention) polarity() (Polarity, string) {
	if !m.read {
		m.pol, m.cue = spanPolarity(m.sent, span{start: m.start, end: m.end, slots: m.slots}, m.risk)
		if m.pol == Denied && m.sent.row && m.cue != "" {
			// The first cell of a list row names a measure or a signal:
			// "Plays abandoned within two minutes; guardrail" measures
			// abandons, it does not refuse them.
			first, _, _ := strings.Cut(m.sent.text, "; ")
			if end := m.sent.tokens[m.end-1].end; end <= len(first) && strings.Contains(first, m.cue) {
				m.pol, m.cue = Affirmed, ""
			}
		}
		if m.gloss && m.pol != Affirmed && m.cue != "" && strings.Contains(m.words(), m.cue) {
			// A plain explanation's own words: "the same title never
			// appears twice on the first screen" explains de-duplication.
			m.pol, m.cue = Affirmed, ""
		}
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
// carries a number ("split: last 4 weeks held out"), in at least
// terseFigureWords words.
const (
	terseMinWords   = 5
	terseMaxConcept = 0.6
	// terseFigureWords is the fewest words of a note that carries a
	// number: "~150M active profiles/day" states the scale.
	terseFigureWords = 3
)

// Templated sentences: templateMin or more sentences of the design cut from
// one frame of at least templateFrame words ("We use X to improve Y.") are
// a list in disguise.
const (
	templateMin   = 4
	templateFrame = 3
)

// parse reads d. The caller releases the result when done with it.
func (e *Engine) parse(d *design.Design) *parsed {
	p := &parsed{d: d, words: map[string]int{}, buf: getBuffers()}
	p.found = p.buf.found
	p.read(e.template, d)
	if e.technical {
		// A drill answer's list of options is often the answer asked for
		// ("the standard ways to handle missing values are: ...").
		for i := range p.sents {
			if s := &p.sents[i]; s.inOptions {
				s.inOptions, s.later = false, ""
			}
		}
	} else {
		// A design's sentence that defers its choice ("the candidates
		// include ...", "we may also explore ...", "the final choice will
		// depend on ...") names options, not decisions.
		for i := range p.sents {
			if s := &p.sents[i]; !s.inOptions && s.later == "" {
				if cue, ok := defers(s); ok {
					s.inOptions, s.later = true, cue
				}
			}
		}
	}
	p.index(e)
	p.markTemplated()
	e.markPacked(p)
	p.markBuzz(e)
	p.markOverBudget(e)
	p.keywords = p.keywordShare(!e.technical) // a drill's subject is lists of techniques
	if p.keywords >= KeywordDesign {
		for i := range p.sents {
			p.sents[i].weakRow = p.sents[i].row
		}
	}
	return p
}

// release returns p's working memory; p is not used after.
func (p *parsed) release() {
	p.buf.sents = p.sents
	p.buf.release()
	p.buf, p.sents, p.found = nil, nil, nil
}

// read splits the design's fields, in template order, into sentences and
// words. The words of all sentences share one array, so that a design
// costs a few allocations, not one per sentence; the arrays come from the
// buffers, which after the first checks are large enough.
func (p *parsed) read(t *design.Template, d *design.Design) {
	p.sents = p.buf.sents[:0]
	toks := p.buf.toks[:0]
	if cap(toks) == 0 {
		// Fresh buffers: size them from the text rather than grow them.
		n := textSize(t, d)
		p.sents, toks = make([]sentence, 0, n/128+8), make([]token, 0, n/5+8) // sentences run to some 150 bytes, words to 6
	}
	defer func() { p.buf.toks = toks }()
	add := func(sec, field, later string, from int) {
		for i := from; i < len(p.sents); i++ {
			s := &p.sents[i]
			s.section, s.field, s.order = sec, field, i
			if later != "" {
				s.later = later // a field of plans; else the options list it may be in
			}
		}
	}
	for _, sec := range t.Sections {
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			later := ""
			if f.Later {
				later = f.Label
			}
			from := len(p.sents)
			switch f.Type {
			case design.TypeText:
				if txt := d.Sections.Get(sec.ID, f.ID).Text; strings.TrimSpace(txt) != "" {
					p.sents, toks = appendText(p.sents, toks, txt)
				}
			case design.TypeList:
				p.sents, toks = appendRows(p.sents, toks, f, d.Sections.Get(sec.ID, f.ID).Rows)
			}
			add(sec.ID, f.ID, later, from)
		}
	}
	// Follow-up answers, given after submission, are trade-off discussion.
	for _, fu := range d.FollowUps {
		from := len(p.sents)
		p.sents, toks = appendText(p.sents, toks, fu.Answer)
		add("tradeoffs", "follow_ups", "", from)
	}
}

// textSize returns about how many bytes of text the fields of d hold.
func textSize(t *design.Template, d *design.Design) int {
	n := 0
	for _, sec := range t.Sections {
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			switch v := d.Sections.Get(sec.ID, f.ID); f.Type {
			case design.TypeText:
				n += len(v.Text)
			case design.TypeList:
				for _, r := range v.Rows {
					for _, c := range f.Columns {
						n += len(r[c.ID]) + 2
					}
				}
			}
		}
	}
	for _, fu := range d.FollowUps {
		n += len(fu.Answer)
	}
	return n
}

// index gives every word of the design its concept terms and the word
// lists it is on, and lists where each term occurs. A design's distinct
// words are looked up once each.
func (p *parsed) index(e *Engine) {
	n := 0
	for i := range p.sents {
		p.sents[i].first = n
		n += len(p.sents[i].tokens)
	}
	p.nwords = n
	b := p.buf
	lex := &b.words
	lex.reset(e, n)
	b.terms = grown(b.terms, n)[:n]
	terms := b.terms
	hashes := b.hashes
	b.counts = zeroed(b.counts, int(e.vocab.next)+1)
	counts := b.counts
	for i := range p.sents {
		s := &p.sents[i]
		s.index = i
		s.terms, terms = terms[:len(s.tokens):len(s.tokens)], terms[len(s.tokens):]
		hashes = hashes[:0]
		for ti := range s.tokens {
			t := &s.tokens[ti]
			w := lex.of(t.word)
			t.kinds = w.kinds
			if t.quoted {
				t.kinds &^= cueKinds
			}
			s.terms[ti] = w.terms
			for _, id := range w.terms {
				counts[id+1]++
			}
			hashes = append(hashes, w.hash)
		}
		if !s.row {
			s.prose = s.readsAsProse() || e.terse(s)
		}
		s.copied = e.copies.copiedShareOf(hashes) >= copiedShare
	}
	b.hashes = hashes
	b.next = p.pos.fill(p.sents, counts, b.pos.at, b.next)
	b.pos = p.pos
}

// terse reports whether a sentence without many function words is still a
// written note rather than a run of keywords.
func (e *Engine) terse(s *sentence) bool {
	n := len(s.tokens)
	if n < terseFigureWords || listLike(s.text, s.tokens) {
		return false
	}
	if hasNumber(s) {
		return true
	}
	if n < terseMinWords {
		return false
	}
	if conditional(s) {
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
	if toks[k].is(kBuzz) {
		return true
	}
	w := toks[k].word
	if toks[k].joined {
		for j := k; j > 0 && toks[j].joined; j-- {
			w = toks[j-1].word + "-" + w
		}
		if buzzWords[w] {
			return true
		}
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
// tables (table fields and tables written in text), that are keyword runs: lists, templated or packed sentences,
// options left to circumstance, and text copied from the case.
func (p *parsed) keywordShare(enums bool) float64 {
	all, kw := 0, 0
	for i := range p.sents {
		s := &p.sents[i]
		if s.row || s.over || tableLine(s.text) {
			continue
		}
		n := len(s.tokens)
		all += n
		switch {
		case !s.prose || s.templated || s.copied || s.packed || s.inOptions:
			kw += n
		case s.optN > 0:
			kw += s.optTo - s.optFrom
		default:
			w := altWords(s)
			if enums {
				w = max(w, enumRunWords(s))
			}
			if at, ok := undecidedUntil(s.tokens); ok {
				// The options a sentence leaves to circumstance.
				w = max(w, at+1)
			}
			kw += w
		}
	}
	if all == 0 {
		return 0
	}
	return float64(kw) / float64(all)
}

// tableLine reports whether a sentence is a line of a table written in a
// text field ("generator | evidence | compute |", its first mark cut
// off with the list marks): its cells are not
// sentences, so they earn nothing as prose, and they are not a run of
// keywords either.
func tableLine(text string) bool {
	return strings.HasSuffix(text, "|") && strings.Count(text, "|") >= 2
}

// Packed sentences: a sentence naming packedConcepts or more of the
// rubric's concepts, with no number and no reason, is a run of keywords
// however it is punctuated ("We use bandits, Thompson sampling, replay and
// canaries for robust results").
const packedConcepts = 4

func (e *Engine) markPacked(p *parsed) {
	// owner[w] is one more than the group of concepts that claimed word w
	// of the design (0: none); concepts matched on shared words are one
	// group, whatever their order. A group is one concept in one sentence.
	b := p.buf
	b.owner = zeroed(b.owner, p.nwords)
	owner := b.owner
	parent, sentOf := b.groups[:0], b.sentOf[:0]
	defer func() { b.groups, b.sentOf = parent, sentOf }()
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, id := range e.conceptIDs {
		last := -1 // the sentence of the concept's last group: its mentions are in design order
		var g int32
		for _, m := range e.mentionsOf(id, p) {
			words := false
			for j := m.start; j < m.end && !words; j++ {
				words = m.sent.terms[j] != nil
			}
			if !words {
				continue
			}
			si := m.sent.index
			if si != last {
				last, g = si, int32(len(parent))
				parent, sentOf = append(parent, g), append(sentOf, int32(si))
			}
			// The words of the match that are concept words; the words a
			// pattern's slots leave between them are not.
			for j := m.start; j < m.end; j++ {
				if m.sent.terms[j] == nil {
					continue
				}
				if w := m.sent.first + j; owner[w] != 0 {
					parent[find(owner[w]-1)] = find(g)
				} else {
					owner[w] = g + 1
				}
			}
		}
	}
	// The groups of a sentence that are their own root are its distinct
	// groups: unions never cross sentences.
	b.packed = zeroed(b.packed, len(p.sents))
	counts := b.packed
	for g := range parent {
		if find(int32(g)) == int32(g) {
			counts[sentOf[g]]++
		}
	}
	for si, n := range counts {
		s := &p.sents[si]
		s.optN = 0
		if n >= enumConcepts {
			markOptions(s, owner, find)
		}
		if n == 0 || s.row || !s.prose || hasReason(s) || hasNumber(s) {
			continue
		}
		concept, other, filler := 0, 0, 0
		for j, t := range s.tokens {
			switch {
			case owner[s.first+j] != 0:
				concept++
			case t.is(kFunction):
			case t.is(kFiller):
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

// frame appends to buf a sentence's frame: its function words, with each
// run of other words written "_". It returns the frame, how many function
// words and how many words it has, and whether it has a claim verb.
func frame(buf []byte, s *sentence) (f []byte, fn, words int, claim bool) {
	gap := false
	for _, t := range s.tokens {
		v := ""
		if t.is(kClaim) {
			v = claimVerbs[t.word]
		}
		if t.is(kFunction) && !t.joined || v != "" {
			if len(buf) > 0 {
				buf = append(buf, ' ')
			}
			if v != "" {
				buf = append(buf, v...) // "X provides Y", "Z ensures W": one frame
				claim = true
			} else {
				buf = append(buf, t.word...)
			}
			fn++
			words++
			gap = false
		} else if !gap {
			if len(buf) > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, '_')
			words++
			gap = true
		}
	}
	return buf, fn, words, claim
}

// markTemplated marks the sentences of frames used templateMin times or
// more, when the frame is a pattern ("we _ to _") rather than a sentence
// with many of its own words.
func (p *parsed) markTemplated() {
	// Most frames are used once: the frames are first told apart by their
	// hashes, and only those whose hash comes up templateMin times are
	// kept as strings.
	b := p.buf
	hashed, buf := b.frames[:0], b.frameText[:0]
	for i := range p.sents {
		if f, ok := templateFrameOf(buf[:0], &p.sents[i]); ok {
			buf = f
			hashed = append(hashed, framedSentence{maphash.Bytes(shingleSeed, f), i})
		}
	}
	slices.SortFunc(hashed, func(a, b framedSentence) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return a.sent - b.sent
	})
	var frames []string
	var uses [][]int
	for lo := 0; lo < len(hashed); {
		hi := lo + 1
		for hi < len(hashed) && hashed[hi].hash == hashed[lo].hash {
			hi++
		}
		if hi-lo >= templateMin {
			// Sentences in design order, grouped by their frame.
			byFrame := map[string]int{}
			for _, h := range hashed[lo:hi] {
				f, _ := templateFrameOf(buf[:0], &p.sents[h.sent])
				buf = f
				k, ok := byFrame[string(f)]
				if !ok {
					k = len(frames)
					byFrame[string(f)] = k
					frames, uses = append(frames, string(f)), append(uses, nil)
				}
				uses[k] = append(uses[k], h.sent)
			}
		}
		lo = hi
	}
	b.frames, b.frameText = hashed, buf
	// Notices in the order the frames first appear, so that the same
	// design always gets them in the same order.
	order := make([]int, len(frames))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return uses[a][0] - uses[b][0] })
	for _, k := range order {
		idx := uses[k]
		if len(idx) < templateMin {
			continue
		}
		for _, i := range idx {
			p.sents[i].templated = true
		}
		s := &p.sents[idx[0]]
		p.notices = append(p.notices, Note{Kind: NoteTemplated, Section: s.section, Field: s.field, Excerpt: s.text,
			Message: fmt.Sprintf("%d sentences are cut from one frame (“%s”); they read as a list of keywords and earn nothing. Say what you decide and why, in your own sentences.", len(idx), strings.ReplaceAll(frames[k], "_", "…"))})
	}
}

// framedSentence is a sentence by the hash of its frame.
type framedSentence struct {
	hash uint64
	sent int
}

// templateFrameOf appends to buf the frame of s, when s is written prose
// whose frame is a pattern ("we _ to _") rather than a sentence with many
// of its own words.
func templateFrameOf(buf []byte, s *sentence) ([]byte, bool) {
	if s.row || !s.prose {
		return buf, false
	}
	f, fn, words, claim := frame(buf, s)
	return f, !(fn < 2 && !claim || words < templateFrame)
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

// appendRows appends to out each row of a list whose first column is
// filled, as one structured sentence ("Take fraction; offline; +2%"): a
// row is a statement of the design, not prose, and counts as written. Its
// words are appended to toks.
func appendRows(out []sentence, toks []token, f *design.Field, rows []design.Row) ([]sentence, []token) {
	var b strings.Builder
	for _, r := range rows {
		if strings.TrimSpace(r[f.Columns[0].ID]) == "" {
			continue
		}
		b.Reset()
		for _, c := range f.Columns {
			if v := strings.TrimSpace(r[c.ID]); v != "" {
				if b.Len() > 0 {
					b.WriteString("; ")
				}
				b.WriteString(v)
			}
		}
		text := b.String()
		n := len(toks)
		toks = appendTokens(toks, text)
		out = append(out, sentence{text: text, tokens: toks[n:len(toks):len(toks)], prose: true, row: true})
	}
	return out, toks
}

// mentionsOf returns every mention of concept id in the design, with its
// polarity, in design order. Where two forms match at the same word, the
// first form's match is kept.
func (e *Engine) mentionsOf(id string, p *parsed) []mention {
	if ms, ok := p.found[id]; ok {
		return ms
	}
	// The mentions of one concept go to the end of the buffer of mentions.
	b := p.buf
	all := b.ments
	from := len(all)
	if c := e.concepts[id]; c != nil {
		taken := b.match.startSet(p.nwords)
		for fi := range c.forms {
			f := &c.forms[fi]
			if f.isPhrase() {
				for _, a := range f.alts {
					for _, at := range p.pos.of(a.first) {
						s := &p.sents[at.sent]
						i := int(at.tok)
						if !followsAt(a.q, s.terms, i) || !taken.add(s.first+i) {
							continue
						}
						all = append(all, mention{sent: s, start: i, end: i + len(a.q), risk: c.risk}) // a phrase has one slot, at its start
					}
				}
				continue
			}
			for _, sent := range p.patternSents(f) {
				s := &p.sents[sent]
				if sp, ok := f.tightest(p.occsIn(sent), b.ints(len(f.slots))); ok && taken.add(s.first+sp.start) {
					all = append(all, mention{sent: s, start: sp.start, end: sp.end, slots: sp.slots, risk: c.risk, gloss: f.quorum > 0})
				}
			}
		}
	}
	b.ments = all
	out := all[from:len(all):len(all)]
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
