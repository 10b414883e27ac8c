package rubric

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/lexicon"
)

// Weights of a mention by where and how it is written.
const (
	weightOtherSection = 0.5  // found outside the check's sections
	weightHedged       = 0.25 // "we could", "maybe later"
)

// FlagsForWeak red flags or more (shortcuts not counted) hold a design's
// score at FlaggedCeiling,
// below the medium band. On the blind set's parts, every design its
// authors wrote to decide wrongly raises three or more once the flags
// read it; at the looks at the ninth and tenth held-out parts, the designs
// the interviewers call strong raised at most two, and the wrong designs
// that still scored medium had raised three or four flags whose points
// the rest of their coverage made up; one design they call medium raised
// three. Over all parts the rule grades three more designs as the
// interviewers do than no rule, and one more than a bar of four.
const (
	FlagsForWeak   = 3
	FlaggedCeiling = MediumFrom - 5
	// FlagStep lowers the ceiling for each red flag beyond FlagsForWeak:
	// a design that gets five key decisions wrong ranks below one that
	// gets three wrong, however fluent both are.
	FlagStep = 3
)

// flaggedCeiling is the score a design with n >= FlagsForWeak red flags
// is held at.
func flaggedCeiling(n int) float64 {
	return max(0, FlaggedCeiling-FlagStep*float64(n-FlagsForWeak))
}

// Credit of a decision by how it is stated.
const (
	creditBareChoice = 0.6  // a choice without its why
	creditBareProse  = 0.75 // a sentence that commits, without a reason
)

// KeywordDesign is the share of a design's written words that, read as
// keyword runs, makes the whole design one: its tables, choices, numbers
// and pipeline then count only for keywordWeight of what they would.
// Keyword runs include the lists of options a sentence names without
// choosing, and the brackets and slash runs that name tools to pick from.
// Runs of four or more short named items count too, whether or not the
// rubric knows the items: fluent stuffing strings tools together in long
// sentences ("XGBoost, LightGBM, CatBoost, factorisation machines, Wide &
// Deep, DCN ..."). On the blind set's development parts (nineteen authors
// per case), every keyword-stuffed design sits at 0.28 or more and every
// other design at 0.25 or less; the bar is between the two.
const KeywordDesign = 0.27

// keywordWeight is what the rest of a keyword design counts for: the
// share of its words that were written, and at most 45%. A design with a
// fifth or more of keyword runs is not saved by the rest being prose: the
// prose around lists of tools is weak evidence of decisions however short
// the lists are.
func keywordWeight(share float64) float64 {
	return min(1-share, 0.45)
}

// OnTopic is the share of the case's own concepts below which a design is
// taken as an answer to another question: its credit is scaled down in
// proportion. On the blind set, designs for the case take up 0.43 or more
// (medium ones) and 0.75 or more (strong ones); the other cases' reference
// designs take up 0.09 to 0.30.
const OnTopic = 0.35

// ReasonsOnTopic is the relevance below which a design's reasons count in
// proportion: reasons given in a design about another case are not
// reasons for this one's decisions. On the blind set's development parts
// the strong designs take up at least 0.46 of their case's concerns.
const ReasonsOnTopic = 0.5

// SectionBudget is how many written words of one section are read: a
// 45-minute answer holds fewer, so a longer section earns no more than a
// concise one.
const SectionBudget = 800

// Engine scores designs against one rubric. Build it once with NewEngine;
// Check is safe for concurrent use.
type Engine struct {
	rubric     *Rubric
	template   *design.Template
	vocab      *vocab
	concepts   map[string]*concept
	conceptIDs []string            // the concepts, sorted
	own        []string            // the case's own concepts the rubric uses
	ownSecs    map[string][]string // a concept to the sections its scored checks read ("" for all)
	// phraseTerm marks the terms of phrases (not of pattern slots): the
	// words a run of keywords is made of.
	phraseTerm []bool
	copies     shingles
	known      map[string]wordInfo // read-only once built
	technical  bool                // words of concept phrases are never marketing words
	sql        *sqlSpec
	// labels says in words what each check of the rubric looks for: the
	// same for every design, so written once (run leaves a label it is
	// given as it is).
	labels map[*Check]string
	// exemplars are the scored answers a drill answer is read against.
	exemplars []exemplarDoc
	exIndex   *exemplarIndex

	// compile builds everything above but rubric, once, before the first
	// Check or Describe, for an engine made with Deferred.
	once    sync.Once
	compile func()
}

// concept is one compiled concept.
type concept struct {
	id, name string
	risk     bool
	forms    []form
}

type options struct {
	caseText  []string
	own       []string
	technical bool
	sql       *sqlSpec
	deferred  bool
	exemplars []Exemplar
}

// Deferred makes NewEngine return at once and compile the rubric on first
// use (Check, Describe or Compile), once, however many goroutines ask.
func Deferred() Option { return func(o *options) { o.deferred = true } }

// Option configures an Engine.
type Option func(*options)

// WithCaseText gives the texts of the case (prompt, facts, hints, ...): a
// design that copies them earns nothing for those sentences.
func WithCaseText(texts ...string) Option {
	return func(o *options) { o.caseText = append(o.caseText, texts...) }
}

// WithOwnConcepts names the concepts of the case itself (not the shared
// ones): how many of them a design takes up says whether it answers this
// case at all.
func WithOwnConcepts(ids ...string) Option {
	return func(o *options) { o.own = append(o.own, ids...) }
}

// NewEngine compiles r with its concepts and the template (on first use,
// with Deferred).
func NewEngine(r *Rubric, concepts Concepts, t *design.Template, opts ...Option) *Engine {
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := &Engine{rubric: r}
	e.compile = func() { e.build(concepts, t, o) }
	if !o.deferred {
		e.Compile()
	}
	return e
}

// Compile compiles the rubric now, if it is not compiled yet. It is safe to
// call from several goroutines; all return once it is compiled.
func (e *Engine) Compile() {
	e.once.Do(func() {
		e.compile()
		e.compile = nil
	})
}

func (e *Engine) build(concepts Concepts, t *design.Template, o options) {
	r := e.rubric
	lx := lexicon.Default()
	e.template, e.vocab, e.concepts, e.technical, e.sql = t, newVocab(), map[string]*concept{}, o.technical, o.sql
	used, scored := map[string]bool{}, map[string]bool{}
	e.ownSecs = map[string][]string{}
	for _, it := range r.Items {
		for _, c := range it.Checks {
			for _, id := range c.Concepts {
				used[id] = true
				scored[id] = scored[id] || !it.RedFlag
				if !it.RedFlag {
					secs := c.Sections
					if len(secs) == 0 {
						secs = []string{""}
					}
					for _, sec := range secs {
						if !slices.Contains(e.ownSecs[id], sec) {
							e.ownSecs[id] = append(e.ownSecs[id], sec)
						}
					}
				}
			}
			for _, id := range slices.Concat(c.Unless, c.ClearedBy) {
				used[id] = true
			}
		}
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	slices.Sort(ids) // term ids do not depend on map order
	for _, id := range ids {
		c := &concept{id: id}
		for _, s := range concepts[id] {
			if s == DirectiveRisk {
				c.risk = true
				continue
			}
			if name, ok := strings.CutPrefix(s, DirectiveName); ok {
				c.name = strings.TrimSpace(name)
				continue
			}
			f, err := compileForm(e.vocab, lx, s)
			if err != nil {
				continue // the catalog reports it
			}
			if c.name == "" && f.isPhrase() {
				// A phrase with alternatives is named by its first one.
				alt, _, _ := strings.Cut(s, "|")
				c.name = strings.TrimSpace(strings.NewReplacer("*", "", "~", "", `"`, "").Replace(alt))
			}
			c.forms = append(c.forms, f)
			if f.isPhrase() {
				for _, q := range f.slots[0] {
					for _, t := range q {
						e.markPhraseTerm(t)
					}
				}
			}
		}
		if c.name == "" {
			c.name = strings.ReplaceAll(id, "_", " ")
		}
		e.concepts[id] = c
		e.conceptIDs = append(e.conceptIDs, id)
	}
	for _, id := range o.own {
		if scored[id] {
			e.own = append(e.own, id)
		}
	}
	slices.Sort(e.own)
	for len(e.phraseTerm) < int(e.vocab.next) {
		e.phraseTerm = append(e.phraseTerm, false)
	}
	e.known = knownWords(e.vocab) // the vocabulary is complete
	e.labels = e.checkLabels()
	for _, s := range o.caseText {
		e.copies.add(s)
	}
	for _, s := range e.rubricTexts() {
		e.copies.add(s)
	}
	e.buildExemplars(o.exemplars)
}

func (e *Engine) markPhraseTerm(t termID) {
	for len(e.phraseTerm) <= int(t) {
		e.phraseTerm = append(e.phraseTerm, false)
	}
	e.phraseTerm[t] = true
}

// checkLabels returns the label of every check of the rubric.
func (e *Engine) checkLabels() map[*Check]string {
	labels := map[*Check]string{}
	empty := e.parse(&design.Design{Sections: design.Answers{}})
	defer empty.release()
	for i := range e.rubric.Items {
		for j := range e.rubric.Items[i].Checks {
			c := &e.rubric.Items[i].Checks[j]
			labels[c] = e.run(c, empty, nil).Label
		}
	}
	return labels
}

// rubricTexts returns every text of the rubric and of the report the
// engine writes, so that pasting them back earns nothing.
func (e *Engine) rubricTexts() []string {
	var out []string
	empty := e.parse(&design.Design{Sections: design.Answers{}})
	defer empty.release()
	for _, it := range e.rubric.Items {
		out = append(out, it.Title, it.Decision, it.Hint, it.Reason)
		out = append(out, it.Levels...)
		for i := range it.Checks {
			c := &it.Checks[i]
			cr := e.run(c, empty, nil)
			out = append(out, c.Hint, cr.Label, cr.Hint)
		}
	}
	return out
}

// Rubric returns the rubric the engine scores against.
func (e *Engine) Rubric() *Rubric { return e.rubric }

// Describe says in words what check c looks for, as the rubric page shows it
// before an attempt.
func (e *Engine) Describe(c *Check) string {
	e.Compile()
	p := e.parse(&design.Design{Sections: design.Answers{}})
	defer p.release()
	return e.run(c, p, nil).Label
}

// Check scores d and explains every point given or withheld.
func (e *Engine) Check(caseSlug string, d *design.Design) *Report {
	return e.check(caseSlug, d, "")
}

// CheckWithout checks d as Check does, but reads it against the scored
// answers of every set but set: how the blind tests measure a drill's
// reading on answers it was not given.
func (e *Engine) CheckWithout(caseSlug string, d *design.Design, set string) *Report {
	return e.check(caseSlug, d, set)
}

func (e *Engine) check(caseSlug string, d *design.Design, without string) *Report {
	e.Compile()
	p := e.parse(d)
	defer p.release()
	var flagged map[string]bool // refused sentences already flagged for a reviewer
	rep := &Report{Case: caseSlug, RubricVersion: e.rubric.Version, Dimensions: map[string]float64{}, Notices: p.notices, KeywordShare: round2(p.keywords)}
	if n := len(e.rubric.Items); n > 0 {
		rep.Items = make([]ItemResult, 0, n) // the report of an empty rubric has no items, not an empty list
	}
	if p.keywords >= KeywordDesign {
		rep.Notices = append(rep.Notices, Note{Kind: NoteKeywordList,
			Message: fmt.Sprintf("%.0f%% of this design's written words read as keyword runs - lists of techniques, sentences cut from one frame, or text copied from the case - so it is read as a keyword list: everything in it counts for only %.0f%% of its worth. Write what you decide and why.", 100*p.keywords, 100*keywordWeight(p.keywords))})
	}
	dimEarned := map[string]float64{}
	dimPossible := map[string]int{}

	// Red flags first: items they override earn nothing.
	raised := map[string]bool{}
	keyFlags := 0 // raised flags that are not shortcuts
	flagResults := map[string]ItemResult{}
	for _, it := range e.rubric.Items {
		if !it.RedFlag {
			continue
		}
		ir := e.redFlag(&it, p)
		flagResults[it.ID] = ir
		if ir.Raised {
			raised[it.ID] = true
			if !it.Shortcut {
				keyFlags++
			}
			rep.Penalty += ir.Penalty
			dimEarned[it.Dimension] -= ir.Penalty
			msg := "Red flag: " + it.Title + ". " + it.Reason
			if len(ir.Checks) > 0 {
				for _, cr := range ir.Checks {
					if cr.Met && len(cr.Evidence) > 0 {
						ev := cr.Evidence[0]
						msg += fmt.Sprintf(" (%s: “%s”)", e.where(ev.Section, ev.Field), firstNonEmpty(ev.Excerpt, ev.Words))
						break
					}
				}
			}
			rep.Flags = append(rep.Flags, Flag{Item: it.ID, Kind: "red_flag", Message: msg})
		}
	}
	p.flags = keyFlags
	for _, it := range e.rubric.Items {
		if it.RedFlag {
			rep.Items = append(rep.Items, flagResults[it.ID])
			continue
		}
		ir := ItemResult{ID: it.ID, Dimension: it.Dimension, Title: it.Title, Decision: it.Decision, Points: it.Points, Automatic: it.Automatic()}
		if !it.Automatic() {
			rep.HumanPoints += it.Points
			ir.Checks = []CheckResult{}
			rep.Items = append(rep.Items, ir)
			continue
		}
		used := map[string]bool{} // concepts already counted for this item
		if flagged == nil {
			flagged = map[string]bool{}
		}
		ir.Checks = make([]CheckResult, 0, len(it.Checks))
		total := 0.0
		for i := range it.Checks {
			cr := e.run(&it.Checks[i], p, used)
			for _, dn := range cr.Denied {
				// One flag per refused sentence, however many checks read it.
				key := dn.Section + "." + dn.Field + "\x00" + dn.Excerpt
				if flagged[key] {
					continue
				}
				flagged[key] = true
				msg := fmt.Sprintf("%s: “%s” is refused by its own sentence: “%s”", e.where(dn.Section, dn.Field), dn.Words, dn.Excerpt)
				if strings.TrimSpace(dn.Words) == "" {
					msg = fmt.Sprintf("%s: a sentence refuses what it names: “%s”", e.where(dn.Section, dn.Field), dn.Excerpt)
				}
				rep.Flags = append(rep.Flags, Flag{Item: it.ID, Kind: NoteDenied, Message: msg})
			}
			total += cr.Credit
			ir.Checks = append(ir.Checks, cr)
		}
		frac := total / float64(len(it.Checks))
		for _, id := range it.OverriddenBy {
			if raised[id] {
				ir.OverriddenBy = append(ir.OverriddenBy, id)
			}
		}
		if len(ir.OverriddenBy) > 0 && frac > 0 {
			var titles []string
			for _, id := range ir.OverriddenBy {
				if f, ok := e.rubric.Item(id); ok {
					titles = append(titles, f.Title)
				}
			}
			for ci := range ir.Checks {
				if ir.Checks[ci].Credit > 0 {
					ir.Checks[ci].Notes = append(ir.Checks[ci].Notes, Note{Kind: NoteOverridden, Message: "Not counted: the design also " + lowerFirst(strings.Join(titles, "; ")) + ", which undoes this decision."})
				}
			}
			frac = 0
		}
		level := int(math.Round(3 * frac))
		ir.Level = &level
		ir.Earned = round1(float64(it.Points) * frac)
		if frac < 0.999 {
			ir.Hint = it.Hint
		}
		rep.Earned += float64(it.Points) * frac
		rep.Possible += it.Points
		dimEarned[it.Dimension] += float64(it.Points) * frac
		dimPossible[it.Dimension] += it.Points
		rep.Items = append(rep.Items, ir)
	}
	rep.Relevance = e.relevance(p)
	if rep.Relevance < OnTopic {
		factor := rep.Relevance / OnTopic
		msg := "This design takes up few of this case's own concerns (%.0f%% of them), so it reads as an answer to another question: its points count for %.0f%%. Address what is particular to this case."
		if e.technical {
			msg = "This answer takes up few of this question's own concerns (%.0f%% of them), so it reads as an answer to another question: its items count for %.0f%%. Address what this question asks."
		}
		rep.Notices = append(rep.Notices, Note{Kind: "off_topic", Message: fmt.Sprintf(msg, 100*rep.Relevance, 100*factor)})
		rep.Earned *= factor
		for dim := range dimEarned {
			dimEarned[dim] *= factor
		}
	}
	if rep.Possible > 0 {
		rep.Score = round1(max(0, 100*(rep.Earned-rep.Penalty)/float64(rep.Possible)))
	}
	if n := keyFlags; n >= FlagsForWeak && rep.Score > flaggedCeiling(n) {
		rep.Notices = append(rep.Notices, Note{Kind: NoteManyFlags,
			Message: fmt.Sprintf("%d red flags: this many of the case's key decisions go the wrong way, and an interviewer does not call such a design borderline however much else it covers, so its score is held at %.0f (it would be %.1f). Fix the flagged decisions first.", n, flaggedCeiling(n), rep.Score)})
		rep.Score = flaggedCeiling(n)
	}
	if r := e.read(p, without); r != nil {
		rep.weighReading(r)
	}
	for dim, poss := range dimPossible {
		rep.Dimensions[dim] = round1(max(0, 100*dimEarned[dim]/float64(poss)))
	}
	rep.Earned = round1(rep.Earned)
	rep.Penalty = round1(rep.Penalty)
	strong, medium := e.rubric.Bands()
	if rep.Reading != nil {
		strong, medium = ReadStrongFrom, ReadMediumFrom
		rep.MediumFrom = medium
	}
	rep.StrongFrom = strong
	rep.Grade = GradeIn(rep.Score, strong, medium)
	for _, s := range p.copiedExamples() {
		rep.Flags = append(rep.Flags, Flag{Kind: NoteCopied, Message: fmt.Sprintf("%s: copied from the case or the rubric, not counted: “%s”", e.where(s.section, s.field), excerpt(s.text))})
	}
	return rep
}

// structured reports whether a check reads tables, choices, numbers or the
// pipeline rather than sentences.
func structured(kind string) bool {
	switch kind {
	case CheckListHas, CheckNumber, CheckGraphHas, CheckGraphPath, CheckGraphCycle:
		return true
	}
	return false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// relevance returns the share of the case's own concepts the design takes
// up, affirmed in a sentence that is read.
func (e *Engine) relevance(p *parsed) float64 {
	if len(e.own) == 0 {
		return 1
	}
	if p.relDone {
		return p.rel
	}
	p.rel, p.relDone = e.relevanceOf(p), true
	return p.rel
}

func (e *Engine) relevanceOf(p *parsed) float64 {
	// Only the concerns of the sections written so far count: a draft
	// that has framed the problem and nothing else is not off topic.
	written := map[string]bool{"": true}
	for i := range p.sents {
		if p.sents[i].credited() || p.sents[i].row {
			written[p.sents[i].section] = true
		}
	}
	n, of := 0, 0
	for _, id := range e.own {
		if !slices.ContainsFunc(e.ownSecs[id], func(s string) bool { return written[s] }) {
			continue
		}
		of++
		ms := e.mentionsOf(id, p)
		for i := range ms {
			if ms[i].sent.credited() {
				if pol, _ := ms[i].polarity(); pol == Affirmed {
					n++
					break
				}
			}
		}
	}
	if of == 0 {
		return 0
	}
	return round2(float64(n) / float64(of))
}

// redFlag evaluates a red flag's triggers.
func (e *Engine) redFlag(it *Item, p *parsed) ItemResult {
	ir := ItemResult{ID: it.ID, Dimension: it.Dimension, Title: it.Title, Points: it.Points, RedFlag: true, Reason: it.Reason, Checks: make([]CheckResult, 0, len(it.Checks))}
	for i := range it.Checks {
		cr := e.run(&it.Checks[i], p, nil)
		ir.Checks = append(ir.Checks, cr)
		if cr.Met {
			ir.Raised = true
		}
	}
	if ir.Raised {
		ir.Penalty = float64(it.Points)
		ir.Hint = it.Hint
	}
	return ir
}

func (e *Engine) sectionTitle(id string) string {
	if id == "tradeoffs" || id == "" {
		if s, ok := e.template.Section(id); ok {
			return s.Title
		}
	}
	if s, ok := e.template.Section(id); ok {
		return s.Title
	}
	return id
}

// where names a field as the editor shows it: "Evaluation › Online experiment".
func (e *Engine) where(sec, field string) string {
	if f, ok := e.template.Field(sec, field); ok {
		return e.sectionTitle(sec) + " › " + f.Label
	}
	if field == "follow_ups" {
		return "Follow-up answers"
	}
	if sec != "" {
		return e.sectionTitle(sec)
	}
	return "the design"
}

func (e *Engine) conceptName(id string) string {
	if c, ok := e.concepts[id]; ok {
		return c.name
	}
	return strings.ReplaceAll(id, "_", " ")
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

// run evaluates one check. used holds the concepts already counted for the
// item; a check credits a concept only once per item.
func (e *Engine) run(c *Check, p *parsed, used map[string]bool) CheckResult {
	cr := CheckResult{Check: c.Check, Section: c.Section, Field: c.Field, Label: e.labels[c]}
	switch c.Check {
	case CheckPresent:
		e.present(c, p, &cr)
	case CheckMentions:
		e.mentions(c, p, &cr, used)
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
	case CheckDecision:
		e.decision(c, p, &cr, used)
	case CheckChooses:
		e.chooses(c, p, &cr)
	case CheckAsserts:
		e.asserts(c, p, &cr, Affirmed)
	case CheckRefuses:
		e.asserts(c, p, &cr, Denied)
	case CheckReasons:
		e.reasons(c, p, &cr)
	case CheckClaims:
		e.claims(c, p, &cr)
	case CheckSQLResult:
		e.sqlResult(c, p, &cr)
	case CheckSQLTrap:
		e.sqlTrap(c, p, &cr)
	case CheckStory:
		e.story(c, p, &cr)
	case CheckStoryLacks:
		e.storyLacks(c, p, &cr)
	case CheckBlames:
		e.blames(c, p, &cr)
	}
	cr.Credit = math.Min(1, math.Max(0, cr.Credit))
	if p.keywords >= KeywordDesign && cr.Credit > 0 && used != nil && c.Check != CheckSQLResult {
		// In a design that mostly reads as keyword runs, what else it says
		// is weak evidence of decisions too. (Items only: a red flag's
		// trigger is not weakened; nor is a query's result, which is
		// checked by running it.)
		cr.Credit *= keywordWeight(p.keywords)
		cr.Notes = append(cr.Notes, Note{Kind: NoteKeywordList,
			Message: fmt.Sprintf("Counts for %.0f%%: %.0f%% of this design's written words read as keyword runs, so the rest of it is weak evidence of decisions.", 100*keywordWeight(p.keywords), 100*p.keywords)})
	}
	cr.Met = cr.Credit >= 0.999
	if cr.Met {
		cr.Hint = ""
	} else if c.Hint != "" && !slices.Contains(TriggerKinds, c.Check) {
		cr.Hint = c.Hint
	}
	return cr
}
