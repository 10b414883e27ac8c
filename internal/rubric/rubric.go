// Package rubric defines a case's published rubric (items, levels and
// automatic checks) and the engine that scores a design against it.
package rubric

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
)

// Dimensions are the axes a rubric scores, in display order.
var Dimensions = []string{"framing", "data", "features", "model", "evaluation", "deployment", "monitoring", "communication"}

// Check kinds.
const (
	CheckPresent    = "present"
	CheckMentions   = "mentions"
	CheckListHas    = "list_has"
	CheckNumber     = "number"
	CheckGraphHas   = "graph_has"
	CheckGraphPath  = "graph_path"
	CheckGraphCycle = "graph_cycle"
	// CheckDecision credits a decision taken in a choice field (with its
	// "why" field) or asserted in a sentence.
	CheckDecision = "decision"

	// Red-flag triggers: a choice made, a concept asserted, a concept refused.
	CheckChooses = "chooses"
	CheckAsserts = "asserts"
	CheckRefuses = "refuses"
	// CheckReasons counts the design's own sentences that decide with a
	// reason (or, with Numbers, with a number) and name something of the
	// rubric: at least Min of them, spread over at least MinSections
	// sections that hold PerSection each.
	CheckReasons = "reasons"
)

// CheckKinds lists every check kind items may use.
var CheckKinds = []string{CheckPresent, CheckMentions, CheckListHas, CheckNumber, CheckGraphHas, CheckGraphPath, CheckGraphCycle, CheckDecision, CheckReasons, CheckStory, CheckSQLResult}

// TriggerKinds lists the check kinds that raise red flags.
var TriggerKinds = []string{CheckChooses, CheckAsserts, CheckRefuses, CheckClaims, CheckStoryLacks, CheckBlames, CheckSQLTrap}

// MinRedFlags is how many red flags a rubric must have.
const MinRedFlags = 5

// Rubric is a versioned list of items.
type Rubric struct {
	Version int `yaml:"version" json:"version"`
	// StrongFrom is the score from which a design grades strong in this
	// case, when it is not StrongFrom: chosen on the blind set's
	// development parts by TestGradeBands (see README.md, "How grades are
	// set"). The medium band is the same in every case.
	StrongFrom float64 `yaml:"strong_from,omitempty" json:"strong_from,omitempty"`
	Items      []Item  `yaml:"items" json:"items"`
}

// Bands returns the score from which a design grades strong, and medium,
// under this rubric.
func (r *Rubric) Bands() (strong, medium float64) {
	if r.StrongFrom > 0 {
		return r.StrongFrom, MediumFrom
	}
	return StrongFrom, MediumFrom
}

// Item is one thing the rubric scores, on levels 0 to 3, or a red flag: a
// choice an expert marks down for this case, which costs its points when
// the design makes it.
type Item struct {
	ID        string `yaml:"id" json:"id"`
	Dimension string `yaml:"dimension" json:"dimension"`
	Points    int    `yaml:"points" json:"points"`
	Title     string `yaml:"title" json:"title"`
	// Decision is the decision or reasoning the item assesses, in words.
	Decision string   `yaml:"decision,omitempty" json:"decision,omitempty"`
	Levels   []string `yaml:"levels,omitempty" json:"levels,omitempty"` // what levels 0, 1, 2 and 3 look like, for reviewers
	Hint     string   `yaml:"hint,omitempty" json:"hint,omitempty"`
	Checks   []Check  `yaml:"checks,omitempty" json:"checks,omitempty"`
	// OverriddenBy names red flags that, when raised, cancel this item:
	// the design used the words but decided against them.
	OverriddenBy []string `yaml:"overridden_by,omitempty" json:"overridden_by,omitempty"`

	// RedFlag marks a red flag; its Checks are triggers, any of which
	// raises it, and Reason says why an expert marks it down.
	RedFlag bool   `yaml:"red_flag,omitempty" json:"red_flag,omitempty"`
	Reason  string `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Shortcut marks a red flag for a shortcut an interviewer marks down
	// (a reward with no bar on quality), not a key decision gone wrong: it
	// costs its points but does not count towards FlagsForWeak.
	Shortcut bool `yaml:"shortcut,omitempty" json:"shortcut,omitempty"`
}

// Automatic reports whether the item has automatic checks and earns points.
func (it *Item) Automatic() bool { return len(it.Checks) > 0 && !it.RedFlag }

// Check is one automatic test of a design. Which fields matter depends on
// Check (the kind).
type Check struct {
	Check string `yaml:"check" json:"check"`

	// present, list_has, number: the field; mentions: the sections to read.
	Section  string   `yaml:"section,omitempty" json:"section,omitempty"`
	Field    string   `yaml:"field,omitempty" json:"field,omitempty"`
	Sections []string `yaml:"sections,omitempty" json:"sections,omitempty"`

	// present: the minimum words of a text field, or rows of a list.
	MinWords int `yaml:"min_words,omitempty" json:"min_words,omitempty"`

	// mentions: concept ids from concepts.yaml; at least Min of them (default 1).
	Concepts []string `yaml:"concepts,omitempty" json:"concepts,omitempty"`
	// asserts: concepts that, named in the same sentence, qualify a
	// mention so that it no longer commits to the concept ("precompute
	// each member's likely titles" is not "precompute every title").
	Unless []string `yaml:"unless,omitempty" json:"unless,omitempty"`
	// asserts: concepts that, affirmed anywhere in the design, clear the
	// trigger: a design that defines a qualified play elsewhere does not
	// reward any play.
	ClearedBy []string `yaml:"cleared_by,omitempty" json:"cleared_by,omitempty"`

	// list_has: rows whose cells equal Where; at least Min of them (default 1).
	Where map[string]string `yaml:"where,omitempty" json:"where,omitempty"`
	// list_has: a column whose cell must hold a number (a threshold, a target).
	Numeric string `yaml:"numeric,omitempty" json:"numeric,omitempty"`
	Min     int    `yaml:"min,omitempty" json:"min,omitempty"`

	// number: the range the value must fall in.
	AtLeast *float64 `yaml:"at_least,omitempty" json:"at_least,omitempty"`
	AtMost  *float64 `yaml:"at_most,omitempty" json:"at_most,omitempty"`

	// graph_has: a node of kind Node, in Stage when set.
	Node  string `yaml:"node,omitempty" json:"node,omitempty"`
	Stage string `yaml:"stage,omitempty" json:"stage,omitempty"`

	// graph_path: a directed path from a node of kind From to one of kind To.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
	To   string `yaml:"to,omitempty" json:"to,omitempty"`

	// graph_cycle: a feedback loop through nodes of these kinds, in order.
	Through []string `yaml:"through,omitempty" json:"through,omitempty"`

	// decision, chooses: the options of the choice field Section.Field
	// that commit to the decision (decision) or raise the flag (chooses).
	Options []string `yaml:"options,omitempty" json:"options,omitempty"`

	// reasons: how many sections must each hold PerSection (default 3) of
	// the sentences; Numbers counts sentences with a number instead of a
	// reason.
	MinSections int  `yaml:"min_sections,omitempty" json:"min_sections,omitempty"`
	PerSection  int  `yaml:"per_section,omitempty" json:"per_section,omitempty"`
	Numbers     bool `yaml:"numbers,omitempty" json:"numbers,omitempty"`

	// story, story_lacks: the part of a story (see StoryParts).
	Part string `yaml:"part,omitempty" json:"part,omitempty"`

	// sql_trap: the mistaken query whose result the trap recognises.
	Query string `yaml:"query,omitempty" json:"query,omitempty"`

	// Hint says what to add when the check is missed.
	Hint string `yaml:"hint,omitempty" json:"hint,omitempty"`
}

// IsGraph reports whether the check reads the pipeline.
func (c *Check) IsGraph() bool {
	return c.Check == CheckGraphHas || c.Check == CheckGraphPath || c.Check == CheckGraphCycle
}

// Problem is one thing wrong in a rubric, with the YAML path it concerns
// ("$.items[2].checks[0].concepts[1]") so that callers can name a line.
type Problem struct {
	Path    string
	Message string
}

// Concepts maps a concept id to its phrases (the first is its name).
type Concepts map[string][]string

// Validate checks r against the template and concepts and returns every problem.
func (r *Rubric) Validate(t *design.Template, concepts Concepts) []Problem {
	return r.validate(t, concepts, MinRedFlags)
}

func (r *Rubric) validate(t *design.Template, concepts Concepts, minFlags int) []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if r.Version < 1 {
		add("$.version", "version must be a positive integer")
	}
	if r.StrongFrom != 0 && (r.StrongFrom < MediumFrom+10 || r.StrongFrom > 90) {
		add("$.strong_from", "strong_from: %g is outside %g to 90 (the medium band starts at %g)", r.StrongFrom, MediumFrom+10, MediumFrom)
	}
	if len(r.Items) == 0 {
		add("$.items", "a rubric needs items")
	}
	ids := map[string]bool{}
	for i, it := range r.Items {
		p := fmt.Sprintf("$.items[%d]", i)
		if it.ID == "" {
			add(p, "id: an item needs an id")
		} else if ids[it.ID] {
			add(p+".id", "id: %q is used twice", it.ID)
		}
		ids[it.ID] = true
		if !slices.Contains(Dimensions, it.Dimension) {
			add(p+".dimension", "dimension: unknown dimension %q (one of %v)", it.Dimension, Dimensions)
		}
		if it.Points < 1 || it.Points > 20 {
			add(p+".points", "points: must be between 1 and 20")
		}
		if it.Title == "" {
			add(p, "title: an item needs a title")
		}
		switch {
		case it.RedFlag:
			if it.Reason == "" {
				add(p, "reason: a red flag needs the reason an expert marks it down")
			}
			if len(it.Checks) == 0 {
				add(p, "checks: a red flag needs at least one trigger (%v)", TriggerKinds)
			}
			if len(it.OverriddenBy) > 0 {
				add(p+".overridden_by", "overridden_by: a red flag cannot be overridden")
			}
		default:
			if len(it.Levels) != 4 {
				add(p+".levels", "levels: give exactly 4 descriptors, for levels 0 to 3")
			}
			if len(it.Checks) > 0 && it.Decision == "" {
				add(p, "decision: an item with checks names the decision or reasoning it assesses")
			}
		}
		for j, c := range it.Checks {
			cp := fmt.Sprintf("%s.checks[%d]", p, j)
			trigger := slices.Contains(TriggerKinds, c.Check)
			switch {
			case it.RedFlag && !trigger && c.Check != CheckNumber:
				add(cp+".check", "check: a red flag is raised only by what the design says or chooses (%v, or number), not %q", TriggerKinds, c.Check)
				continue
			case !it.RedFlag && trigger:
				add(cp+".check", "check: %q raises red flags; mark the item red_flag: true", c.Check)
				continue
			}
			for _, m := range c.validate(t, concepts) {
				ps = append(ps, Problem{Path: cp + m.Path, Message: m.Message})
			}
		}
	}
	flags := 0
	for i, it := range r.Items {
		if it.RedFlag {
			flags++
		}
		for j, id := range it.OverriddenBy {
			if o, ok := r.Item(id); !ok || !o.RedFlag {
				add(fmt.Sprintf("$.items[%d].overridden_by[%d]", i, j), "overridden_by: %q is not a red flag of this rubric", id)
			}
		}
	}
	if len(r.Items) > 0 && flags < minFlags {
		add("$.items", "items: a rubric needs at least %d red flags (red_flag: true), the choices an expert marks down for this case; it has %d", minFlags, flags)
	}
	return ps
}

func (c *Check) validate(t *design.Template, concepts Concepts) []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	field := func(want ...design.FieldType) *design.Field {
		s, ok := t.Section(c.Section)
		if !ok {
			add(".section", "section: unknown section %q", c.Section)
			return nil
		}
		f, ok := s.Field(c.Field)
		if !ok {
			add(".field", "field: section %s has no field %q", c.Section, c.Field)
			return nil
		}
		if !slices.Contains(want, f.Type) {
			add(".field", "field: %s.%s is a %s field; %s needs %v", c.Section, c.Field, f.Type, c.Check, want)
			return nil
		}
		return f
	}
	kind := func(path, k string) {
		if !pipeline.ValidKind(pipeline.Kind(k)) {
			add(path, "%s: unknown node kind %q", path[1:], k)
		}
	}
	switch c.Check {
	case CheckPresent:
		field(design.TypeText, design.TypeList, design.TypeNumber, design.TypeChoice)
	case CheckMentions:
		ps = append(ps, c.validateConcepts(t, concepts, true)...)
	case CheckListHas:
		if f := field(design.TypeList); f != nil {
			for col, want := range c.Where {
				cc, ok := f.Column(col)
				if !ok {
					add(".where", "where: list %s.%s has no column %q", c.Section, c.Field, col)
				} else if len(cc.Options) > 0 && !slices.Contains(cc.Options, want) {
					add(".where", "where: %q is not an option of column %s", want, col)
				}
			}
			if c.Numeric != "" {
				if _, ok := f.Column(c.Numeric); !ok {
					add(".numeric", "numeric: list %s.%s has no column %q", c.Section, c.Field, c.Numeric)
				}
			}
		}
	case CheckNumber:
		field(design.TypeNumber)
		if c.AtLeast == nil && c.AtMost == nil {
			add("", "number: give at_least, at_most or both")
		}
	case CheckDecision:
		if c.Section != "" || c.Field != "" {
			if f := field(design.TypeChoice); f != nil {
				if len(c.Options) == 0 {
					add(".options", "options: give the options of %s.%s that commit to the decision", c.Section, c.Field)
				}
				for i, o := range c.Options {
					if !slices.Contains(f.Options, o) {
						add(fmt.Sprintf(".options[%d]", i), "options: %q is not an option of %s.%s (%v)", o, c.Section, c.Field, f.Options)
					}
				}
			}
		} else if len(c.Concepts) == 0 {
			add("", "a decision needs a choice field (section, field, options), concepts, or both")
		}
		ps = append(ps, c.validateConcepts(t, concepts, len(c.Concepts) > 0)...)
	case CheckChooses:
		if f := field(design.TypeChoice); f != nil {
			if len(c.Options) == 0 {
				add(".options", "options: give the options of %s.%s that raise the flag", c.Section, c.Field)
			}
			for i, o := range c.Options {
				if !slices.Contains(f.Options, o) {
					add(fmt.Sprintf(".options[%d]", i), "options: %q is not an option of %s.%s (%v)", o, c.Section, c.Field, f.Options)
				}
			}
		}
	case CheckAsserts, CheckRefuses, CheckClaims:
		ps = append(ps, c.validateConcepts(t, concepts, true)...)
	case CheckReasons:
		if c.Min < 1 || c.MinSections < 1 {
			add("", "reasons: give min (sentences) and min_sections")
		}
	case CheckStory, CheckStoryLacks, CheckBlames:
		ps = append(ps, c.validateStory()...)
	case CheckSQLResult, CheckSQLTrap:
		field(design.TypeCode)
		ps = append(ps, validateSQLCheck(c)...)
	case CheckGraphHas:
		kind(".node", c.Node)
		if !pipeline.ValidStage(pipeline.Stage(c.Stage)) {
			add(".stage", "stage: unknown stage %q", c.Stage)
		}
	case CheckGraphPath:
		kind(".from", c.From)
		kind(".to", c.To)
	case CheckGraphCycle:
		if len(c.Through) < 2 {
			add(".through", "through: a cycle needs at least 2 node kinds")
		}
		for i, k := range c.Through {
			kind(fmt.Sprintf(".through[%d]", i), k)
		}
	default:
		add(".check", "check: unknown check %q (one of %v)", c.Check, CheckKinds)
	}
	return ps
}

// validateConcepts checks the sections and concepts a check reads.
func (c *Check) validateConcepts(t *design.Template, concepts Concepts, need bool) []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if !need {
		return nil
	}
	if len(c.Sections) == 0 {
		add("", "sections: %s needs the sections it reads", c.Check)
	}
	for i, s := range c.Sections {
		if _, ok := t.Section(s); !ok {
			add(fmt.Sprintf(".sections[%d]", i), "sections: unknown section %q", s)
		}
	}
	if len(c.Concepts) == 0 {
		add("", "concepts: %s needs at least one concept", c.Check)
	}
	for i, k := range c.Concepts {
		if _, ok := concepts[k]; !ok {
			add(fmt.Sprintf(".concepts[%d]", i), "concepts: unknown concept %q (define it in concepts.yaml)", k)
		}
	}
	if len(c.Unless) > 0 && c.Check != CheckAsserts {
		add(".unless", "unless: only an asserts check takes it")
	}
	for i, k := range c.Unless {
		if _, ok := concepts[k]; !ok {
			add(fmt.Sprintf(".unless[%d]", i), "unless: unknown concept %q (define it in concepts.yaml)", k)
		}
	}
	if len(c.ClearedBy) > 0 && c.Check != CheckAsserts {
		add(".cleared_by", "cleared_by: only an asserts check takes it")
	}
	for i, k := range c.ClearedBy {
		if _, ok := concepts[k]; !ok {
			add(fmt.Sprintf(".cleared_by[%d]", i), "cleared_by: unknown concept %q (define it in concepts.yaml)", k)
		}
	}
	if c.Min > len(c.Concepts) {
		add(".min", "min: %d is more than the %d concepts listed", c.Min, len(c.Concepts))
	}
	return ps
}

// ValidateConcepts checks every form of every concept and returns a
// problem per bad one, with the concept id as its path.
func ValidateConcepts(concepts Concepts) []Problem {
	var ps []Problem
	for id, forms := range concepts {
		named := false
		for i, f := range forms {
			if strings.HasPrefix(f, "!") {
				if f != DirectiveRisk && !strings.HasPrefix(f, DirectiveName) {
					ps = append(ps, Problem{Path: fmt.Sprintf("%s[%d]", id, i), Message: fmt.Sprintf("unknown directive %q (%s or %sNAME)", f, DirectiveRisk, DirectiveName)})
				}
				continue
			}
			named = true
			if err := ValidateForm(f); err != nil {
				ps = append(ps, Problem{Path: fmt.Sprintf("%s[%d]", id, i), Message: err.Error()})
			}
		}
		if !named {
			ps = append(ps, Problem{Path: id, Message: "a concept needs at least one phrase"})
		}
	}
	return ps
}

// DirectiveRisk, in a concept's list, marks it as a risk to handle: "no
// leakage" or "avoid position bias" address it rather than refuse it.
const DirectiveRisk = "!risk"

// DirectiveName, "!name=Readable name", names a concept in reports; by
// default its name is its first phrase.
const DirectiveName = "!name="

// AutomaticShare returns the share of points, 0 to 1, in items with checks.
func (r *Rubric) AutomaticShare() float64 {
	var auto, all int
	for _, it := range r.Items {
		if it.RedFlag {
			continue // red flags cost points; they are not points to earn
		}
		all += it.Points
		if it.Automatic() {
			auto += it.Points
		}
	}
	if all == 0 {
		return 0
	}
	return float64(auto) / float64(all)
}

// Item returns the item with the given id and whether it exists.
func (r *Rubric) Item(id string) (*Item, bool) {
	for i := range r.Items {
		if r.Items[i].ID == id {
			return &r.Items[i], true
		}
	}
	return nil, false
}

// Scored returns the items that earn points (reviewers score them 0-3),
// leaving out red flags.
func (r *Rubric) Scored() []Item {
	out := make([]Item, 0, len(r.Items))
	for _, it := range r.Items {
		if !it.RedFlag {
			out = append(out, it)
		}
	}
	return out
}

// RedFlags returns the rubric's red flags.
func (r *Rubric) RedFlags() []Item {
	var out []Item
	for _, it := range r.Items {
		if it.RedFlag {
			out = append(out, it)
		}
	}
	return out
}
