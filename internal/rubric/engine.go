package rubric

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
)

// Grades, from the overall automatic score.
const (
	GradeStrong = "strong"
	GradeMedium = "medium"
	GradeWeak   = "weak"
)

// Grade returns the grade of a score from 0 to 100.
func Grade(score float64) string {
	switch {
	case score >= 75:
		return GradeStrong
	case score >= 40:
		return GradeMedium
	}
	return GradeWeak
}

// Evidence is what a check found: where, the words it matched, the nodes.
type Evidence struct {
	Section string   `json:"section,omitempty"`
	Field   string   `json:"field,omitempty"`
	Words   string   `json:"words,omitempty"`   // the matched words as written
	Excerpt string   `json:"excerpt,omitempty"` // the sentence they are in
	Nodes   []string `json:"nodes,omitempty"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Check    string     `json:"check"`
	Label    string     `json:"label"` // what the check looks for, in words
	Met      bool       `json:"met"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Denied   []Evidence `json:"denied,omitempty"` // mentions its own sentence denies
	Hint     string     `json:"hint,omitempty"`   // what to add, when missed
	Section  string     `json:"section,omitempty"`
	Field    string     `json:"field,omitempty"`
}

// ItemResult is the outcome of one rubric item.
type ItemResult struct {
	ID        string        `json:"id"`
	Dimension string        `json:"dimension"`
	Title     string        `json:"title"`
	Points    int           `json:"points"`
	Automatic bool          `json:"automatic"`
	Level     *int          `json:"level"` // nil for items that need human judgment
	Earned    float64       `json:"earned"`
	Checks    []CheckResult `json:"checks"`
	Hint      string        `json:"hint,omitempty"`
}

// Flag is something a reviewer should look at, such as a denied concept.
type Flag struct {
	Item    string `json:"item"`
	Message string `json:"message"`
}

// Report is the automatic assessment of a design against a rubric.
type Report struct {
	Case          string             `json:"case"`
	RubricVersion int                `json:"rubric_version"`
	Score         float64            `json:"score"` // 0-100, over the automatic points
	Grade         string             `json:"grade"`
	Earned        float64            `json:"earned"`
	Possible      int                `json:"possible"` // automatic points
	HumanPoints   int                `json:"human_points"`
	Dimensions    map[string]float64 `json:"dimensions"` // 0-100 per dimension with automatic points
	Items         []ItemResult       `json:"items"`
	Flags         []Flag             `json:"flags,omitempty"`
}

// Engine scores designs against one rubric. Build it once with NewEngine;
// Check is safe for concurrent use.
type Engine struct {
	rubric   *Rubric
	template *design.Template
	phrases  map[string][]phrase // concept id to its phrases
	names    map[string]string   // concept id to its name
	// firstWords are the first words of every phrase: the only words a
	// design's index needs.
	firstWords map[string]bool
	byFirst    map[string][]phrase // first word to the phrases it starts
}

// NewEngine compiles r with its concepts and the template.
func NewEngine(r *Rubric, concepts Concepts, t *design.Template) *Engine {
	e := &Engine{rubric: r, template: t, phrases: map[string][]phrase{}, names: map[string]string{}, firstWords: map[string]bool{}, byFirst: map[string][]phrase{}}
	for id, ps := range concepts {
		for _, p := range ps {
			if ph := newPhrase(p); len(ph.words) > 0 {
				e.phrases[id] = append(e.phrases[id], ph)
				e.firstWords[ph.words[0]] = true
				e.byFirst[ph.words[0]] = append(e.byFirst[ph.words[0]], ph)
			}
		}
		if len(ps) > 0 {
			e.names[id] = ps[0]
		}
	}
	return e
}

// Rubric returns the rubric the engine scores against.
func (e *Engine) Rubric() *Rubric { return e.rubric }

// Terse notes: a sentence with few function words still counts as written
// when it has at least terseMinWords words, is not a comma list, and at most
// terseMaxConcept of its words belong to concept phrases: "A/B test
// randomised by account, 2-4 weeks (covers weekly patterns)" is a note; a
// run of rubric words is not.
const (
	terseMinWords   = 6
	terseMaxConcept = 0.4
)

func (e *Engine) terse(s *sentence) bool {
	n := len(s.tokens)
	if n < terseMinWords || listLike(s.text, s.tokens) {
		return false
	}
	covered := make([]bool, n)
	for i, t := range s.tokens {
		cands := e.byFirst[t.word]
		for _, st := range stems(t.word) {
			cands = append(cands, e.byFirst[st]...)
		}
		for _, ph := range cands {
			if ph.at(s.tokens, i) {
				for j := i; j < i+len(ph.words); j++ {
					covered[j] = true
				}
			}
		}
	}
	c := 0
	for _, b := range covered {
		if b {
			c++
		}
	}
	return float64(c)/float64(n) <= terseMaxConcept
}

// parsed is a design's text, split into sentences once per check run.
type parsed struct {
	d      *design.Design
	fields map[string][]sentence // "section.field" to its sentences
	index  map[string][]loc      // word (and its singular) to where it is written in prose
}

// loc is a word of a written sentence.
type loc struct {
	section, field string
	sent           *sentence
	tok            int
	order          int // position in the design, in template order
}

func (e *Engine) parse(d *design.Design) *parsed {
	p := &parsed{d: d, fields: map[string][]sentence{}, index: map[string][]loc{}}
	order := 0
	for _, sec := range e.template.Sections {
		for fi := range sec.Fields {
			f := &sec.Fields[fi]
			var sents []sentence
			switch f.Type {
			case design.TypeText:
				txt := d.Sections.Get(sec.ID, f.ID).Text
				if txt == "" {
					continue
				}
				sents = parseText(txt)
				p.fields[sec.ID+"."+f.ID] = sents
			case design.TypeList:
				sents = rowSentences(f, d.Sections.Get(sec.ID, f.ID).Rows)
			default:
				continue
			}
			p.indexSentences(e, sec.ID, f.ID, sents, &order)
		}
	}
	// Follow-up answers, given after submission, are trade-off discussion.
	for _, fu := range d.FollowUps {
		p.indexSentences(e, "tradeoffs", "follow_ups", parseText(fu.Answer), &order)
	}
	return p
}

// indexSentences adds the words of written sentences to the index.
func (p *parsed) indexSentences(e *Engine, section, field string, sents []sentence, order *int) {
	for si := range sents {
		s := &sents[si]
		if !s.prose && e.terse(s) {
			s.prose = true
		}
		if !s.prose {
			continue
		}
		for ti, t := range s.tokens {
			*order++
			if e.firstWords[t.word] {
				p.index[t.word] = append(p.index[t.word], loc{section: section, field: field, sent: s, tok: ti, order: *order})
			}
			if w := t.word; len(w) > 2 && (w[len(w)-1] == 's' || w[len(w)-1] == 'g' || w[len(w)-1] == 'd') {
				for _, stem := range stems(w) {
					if e.firstWords[stem] {
						p.index[stem] = append(p.index[stem], loc{section: section, field: field, sent: s, tok: ti, order: *order})
					}
				}
			}
		}
	}
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
		out = append(out, sentence{text: text, tokens: tokenize(text), prose: true})
	}
	return out
}

// Check scores d and explains every point given or withheld.
func (e *Engine) Check(caseSlug string, d *design.Design) *Report {
	p := e.parse(d)
	rep := &Report{Case: caseSlug, RubricVersion: e.rubric.Version, Dimensions: map[string]float64{}}
	dimEarned := map[string]float64{}
	dimPossible := map[string]int{}
	for _, it := range e.rubric.Items {
		ir := ItemResult{ID: it.ID, Dimension: it.Dimension, Title: it.Title, Points: it.Points, Automatic: it.Automatic()}
		if !it.Automatic() {
			rep.HumanPoints += it.Points
			ir.Checks = []CheckResult{}
			rep.Items = append(rep.Items, ir)
			continue
		}
		met := 0
		for _, c := range it.Checks {
			cr := e.run(&c, p)
			if cr.Met {
				met++
			}
			for _, dn := range cr.Denied {
				rep.Flags = append(rep.Flags, Flag{Item: it.ID, Message: fmt.Sprintf("%s › %s denies %q: %q", e.sectionTitle(dn.Section), dn.Field, dn.Words, dn.Excerpt)})
			}
			ir.Checks = append(ir.Checks, cr)
		}
		level := 3 * met / len(it.Checks)
		ir.Level = &level
		ir.Earned = float64(it.Points) * float64(level) / 3
		if level < 3 {
			ir.Hint = it.Hint
		}
		rep.Earned += ir.Earned
		rep.Possible += it.Points
		dimEarned[it.Dimension] += ir.Earned
		dimPossible[it.Dimension] += it.Points
		rep.Items = append(rep.Items, ir)
	}
	if rep.Possible > 0 {
		rep.Score = round1(100 * rep.Earned / float64(rep.Possible))
	}
	for dim, poss := range dimPossible {
		rep.Dimensions[dim] = round1(100 * dimEarned[dim] / float64(poss))
	}
	rep.Earned = round1(rep.Earned)
	rep.Grade = Grade(rep.Score)
	return rep
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func (e *Engine) sectionTitle(id string) string {
	if s, ok := e.template.Section(id); ok {
		return s.Title
	}
	return id
}

func (e *Engine) fieldLabel(sec, field string) string {
	if f, ok := e.template.Field(sec, field); ok {
		return e.sectionTitle(sec) + " › " + f.Label
	}
	return sec + "." + field
}

func (e *Engine) conceptName(id string) string {
	if n, ok := e.names[id]; ok {
		return n
	}
	return strings.ReplaceAll(id, "_", " ")
}

// Describe says in words what check c looks for, as the rubric page shows it
// before an attempt.
func (e *Engine) Describe(c *Check) string {
	return e.run(c, &parsed{d: &design.Design{Sections: design.Answers{}}, fields: map[string][]sentence{}}).Label
}

// run evaluates one check.
func (e *Engine) run(c *Check, p *parsed) CheckResult {
	cr := CheckResult{Check: c.Check, Section: c.Section, Field: c.Field}
	switch c.Check {
	case CheckPresent:
		e.present(c, p, &cr)
	case CheckMentions:
		e.mentions(c, p, &cr)
	case CheckListHas:
		e.listHas(c, p, &cr)
	case CheckNumber:
		e.number(c, p, &cr)
	case CheckGraphHas:
		e.graphHas(c, p, &cr)
	case CheckGraphPath:
		e.graphPath(c, p, &cr)
	case CheckGraphCycle:
		e.graphCycle(c, p, &cr)
	}
	if !cr.Met && c.Hint != "" {
		cr.Hint = c.Hint
	}
	return cr
}

func (e *Engine) present(c *Check, p *parsed, cr *CheckResult) {
	f, ok := e.template.Field(c.Section, c.Field)
	if !ok {
		return
	}
	where := e.fieldLabel(c.Section, c.Field)
	v := p.d.Sections.Get(c.Section, c.Field)
	switch f.Type {
	case design.TypeText:
		// Only written sentences count: a list of keywords is not an answer.
		min := max(c.MinWords, 1)
		words := 0
		for _, s := range p.fields[c.Section+"."+c.Field] {
			if s.prose {
				words += len(s.tokens)
			}
		}
		cr.Label = fmt.Sprintf("%s has at least %d words of written sentences", where, min)
		cr.Met = words >= min
		if cr.Met {
			cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: strconv.Itoa(words) + " words"}}
		} else {
			cr.Hint = fmt.Sprintf("Write %s in full sentences: %d of %d words so far.", where, words, min)
		}
	case design.TypeList:
		min := max(c.Min, 1)
		rows := filledRows(f, v.Rows)
		cr.Label = fmt.Sprintf("%s has at least %d row(s)", where, min)
		cr.Met = rows >= min
		if cr.Met {
			cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: strconv.Itoa(rows) + " rows"}}
		} else {
			cr.Hint = fmt.Sprintf("Add rows to %s: %d of %d so far.", where, rows, min)
		}
	default:
		cr.Label = where + " is set"
		cr.Met = !v.IsZero()
		if cr.Met {
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

func (e *Engine) mentions(c *Check, p *parsed, cr *CheckResult) {
	min := max(c.Min, 1)
	names := make([]string, len(c.Concepts))
	for i, id := range c.Concepts {
		names[i] = e.conceptName(id)
	}
	secNames := make([]string, len(c.Sections))
	for i, s := range c.Sections {
		secNames[i] = e.sectionTitle(s)
	}
	if min > 1 {
		cr.Label = fmt.Sprintf("discusses at least %d of: %s, in %s", min, strings.Join(names, ", "), strings.Join(secNames, ", "))
	} else {
		cr.Label = fmt.Sprintf("discusses %s in %s", strings.Join(names, " or "), strings.Join(secNames, ", "))
	}
	if len(c.Sections) > 0 {
		cr.Section = c.Sections[0]
	}
	found := 0
	for _, id := range c.Concepts {
		ev, dn, ok := e.findConcept(id, c.Sections, p)
		if ok {
			found++
			cr.Evidence = append(cr.Evidence, ev)
		} else if dn != nil {
			cr.Denied = append(cr.Denied, *dn)
		}
	}
	cr.Met = found >= min
	if !cr.Met {
		cr.Hint = fmt.Sprintf("Explain, in full sentences in %s, how your design handles %s.", strings.Join(secNames, " or "), strings.Join(names, " / "))
	}
}

// findConcept looks for concept id in the text fields of sections, in
// written sentences, and returns the first credited mention (in the order
// of sections, then of the design), or the first denied one.
func (e *Engine) findConcept(id string, sections []string, p *parsed) (Evidence, *Evidence, bool) {
	rank := make(map[string]int, len(sections))
	for i, sid := range sections {
		if _, ok := rank[sid]; !ok {
			rank[sid] = i
		}
	}
	var best, firstDenied *loc
	var bestN, deniedN int
	before := func(a *loc, b *loc) bool {
		if b == nil {
			return true
		}
		if ra, rb := rank[a.section], rank[b.section]; ra != rb {
			return ra < rb
		}
		return a.order < b.order
	}
	for _, ph := range e.phrases[id] {
		n := len(ph.words)
		cands := p.index[ph.words[0]]
		for ci := range cands {
			l := &cands[ci]
			if _, ok := rank[l.section]; !ok || !ph.at(l.sent.tokens, l.tok) {
				continue
			}
			if denied(l.sent.tokens, l.tok, n) {
				if before(l, firstDenied) {
					firstDenied, deniedN = l, n
				}
				continue
			}
			if before(l, best) {
				best, bestN = l, n
			}
		}
	}
	evidence := func(l *loc, n int) Evidence {
		s := l.sent
		return Evidence{Section: l.section, Field: l.field, Words: s.text[s.tokens[l.tok].start:s.tokens[l.tok+n-1].end], Excerpt: excerpt(s.text)}
	}
	if best != nil {
		return evidence(best, bestN), nil, true
	}
	if firstDenied != nil {
		ev := evidence(firstDenied, deniedN)
		return Evidence{}, &ev, false
	}
	return Evidence{}, nil, false
}

func excerpt(s string) string {
	const max = 160
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndex(s[:max], " ")
	if cut < max/2 {
		cut = max
	}
	return s[:cut] + "…"
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
	where := e.fieldLabel(c.Section, c.Field)
	cr.Label = fmt.Sprintf("%s has at least %d row(s) with %s", where, min, strings.Join(conds, ", "))
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
		if ok {
			n++
			cr.Evidence = append(cr.Evidence, Evidence{Section: c.Section, Field: c.Field, Words: r[f.Columns[0].ID]})
		}
	}
	cr.Met = n >= min
	if !cr.Met {
		cr.Hint = fmt.Sprintf("Add %d more row(s) to %s with %s.", min-n, where, strings.Join(conds, ", "))
	}
}

func (e *Engine) number(c *Check, p *parsed, cr *CheckResult) {
	where := e.fieldLabel(c.Section, c.Field)
	unit := ""
	if f, ok := e.template.Field(c.Section, c.Field); ok && f.Unit != "" {
		unit = " " + f.Unit
	}
	fmtf := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	switch {
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
	cr.Met = (c.AtLeast == nil || x >= *c.AtLeast) && (c.AtMost == nil || x <= *c.AtMost)
	cr.Evidence = []Evidence{{Section: c.Section, Field: c.Field, Words: fmtf(&x) + unit}}
	if !cr.Met {
		cr.Hint = fmt.Sprintf("%s is %s%s; the case calls for a value where %s.", where, fmtf(&x), unit, strings.TrimPrefix(cr.Label, where+" "))
	}
}

func humanKind(k string) string { return strings.ReplaceAll(k, "_", " ") }

func (e *Engine) graphHas(c *Check, p *parsed, cr *CheckResult) {
	stage := ""
	if c.Stage != "" {
		stage = " in the " + c.Stage + " stage"
	}
	cr.Label = fmt.Sprintf("the pipeline has a %s node%s", humanKind(c.Node), stage)
	ids := p.d.Pipeline.NodesOf(pipeline.Kind(c.Node), pipeline.Stage(c.Stage))
	cr.Met = len(ids) > 0
	if cr.Met {
		cr.Evidence = []Evidence{{Nodes: ids}}
	} else {
		cr.Hint = fmt.Sprintf("Add a node of kind %s%s to the pipeline.", c.Node, stage)
	}
}

func (e *Engine) graphPath(c *Check, p *parsed, cr *CheckResult) {
	cr.Label = fmt.Sprintf("the pipeline leads from a %s node to a %s node", humanKind(c.From), humanKind(c.To))
	path := p.d.Pipeline.Path(pipeline.Kind(c.From), pipeline.Kind(c.To))
	cr.Met = path != nil
	if cr.Met {
		cr.Evidence = []Evidence{{Nodes: path}}
	} else {
		cr.Hint = fmt.Sprintf("Connect a %s node to a %s node with edges (directly or through other steps).", c.From, c.To)
	}
}

func (e *Engine) graphCycle(c *Check, p *parsed, cr *CheckResult) {
	kinds := make([]pipeline.Kind, len(c.Through))
	names := make([]string, len(c.Through))
	for i, k := range c.Through {
		kinds[i], names[i] = pipeline.Kind(k), humanKind(k)
	}
	loop := strings.Join(append(names, names[0]), " → ")
	cr.Label = "the pipeline closes the loop " + loop
	walk := p.d.Pipeline.Cycle(kinds...)
	cr.Met = walk != nil
	if cr.Met {
		cr.Evidence = []Evidence{{Nodes: walk}}
	} else {
		cr.Hint = "Close the feedback loop with edges: " + loop + "."
	}
}
