// Package catalog loads and validates case packs (a case, its rubric and its
// reference design) and the shared template and concepts, from an fs.FS.
package catalog

import (
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// Difficulties a case may have, easiest first.
var Difficulties = []string{"easy", "medium", "hard"}

// Fact is a piece of context with a number, and the sources it comes from.
type Fact struct {
	Label   string   `yaml:"label" json:"label"`
	Value   string   `yaml:"value" json:"value"`
	Sources []string `yaml:"sources" json:"sources"`
}

// Question is a clarifying question a candidate may ask, with its answer.
type Question struct {
	Question string   `yaml:"question" json:"question"`
	Answer   string   `yaml:"answer" json:"answer"`
	Sources  []string `yaml:"sources,omitempty" json:"sources,omitempty"`
}

// FollowUp is a curveball shown after submission, with what a good answer touches.
type FollowUp struct {
	Question string `yaml:"question" json:"question"`
	Expect   string `yaml:"expect" json:"expect"`
}

// Source is a public reference for the facts of a case.
type Source struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Case is one design exercise.
type Case struct {
	Slug        string            `yaml:"slug" json:"slug"`
	Title       string            `yaml:"title" json:"title"`
	Summary     string            `yaml:"summary" json:"summary"`
	Tags        []string          `yaml:"tags" json:"tags"`
	Difficulty  string            `yaml:"difficulty" json:"difficulty"`
	Minutes     int               `yaml:"minutes" json:"minutes"`
	Prompt      string            `yaml:"prompt" json:"prompt"` // Markdown
	Facts       []Fact            `yaml:"facts" json:"facts"`
	Constraints []string          `yaml:"constraints" json:"constraints"`
	Questions   []Question        `yaml:"questions" json:"questions"`
	Hints       map[string]string `yaml:"hints" json:"hints"` // section id (or "pipeline") to hint
	FollowUps   []FollowUp        `yaml:"follow_ups" json:"follow_ups"`
	Sources     []Source          `yaml:"sources" json:"sources"`

	Rubric    *rubric.Rubric  `yaml:"-" json:"-"`
	Concepts  rubric.Concepts `yaml:"-" json:"-"` // shared concepts and the case's own
	Engine    *rubric.Engine  `yaml:"-" json:"-"` // the rubric compiled, to check designs
	Reference *design.Design  `yaml:"-" json:"-"`
	// Calibration is a design of mixed quality whose level on every scored
	// item is known: a reviewer's first review of a case is of it.
	Calibration *design.Design `yaml:"-" json:"-"`
	// CalibrationLevels are its known levels, with the reason for each.
	CalibrationLevels map[string]KnownLevel `yaml:"-" json:"-"`
}

// KnownLevel is the level a calibration design reaches on one item, and why.
type KnownLevel struct {
	Level int    `yaml:"level" json:"level"`
	Why   string `yaml:"why" json:"why"`
}

// Texts returns every text of the case a user can read: the prompt, facts,
// constraints, questions and answers, hints and follow-ups. The rubric
// engine treats designs that copy them as copied, not written.
func (c *Case) Texts() []string {
	out := []string{c.Title, c.Summary, c.Prompt}
	for _, f := range c.Facts {
		out = append(out, f.Label+": "+f.Value+".")
	}
	out = append(out, c.Constraints...)
	for _, q := range c.Questions {
		out = append(out, q.Question, q.Answer)
	}
	for _, h := range c.Hints {
		out = append(out, h)
	}
	for _, f := range c.FollowUps {
		out = append(out, f.Question, f.Expect)
	}
	return out
}

// Source returns the source with the given id and whether it exists.
func (c *Case) Source(id string) (Source, bool) {
	for _, s := range c.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// Catalog is every loaded case with the shared template and concepts.
type Catalog struct {
	Template *design.Template
	Concepts rubric.Concepts
	Cases    []*Case // in title order
	bySlug   map[string]*Case
	// Packs are the drill packs of drills/, in folder order, and Drills
	// their drills, pack by pack.
	Packs       []*Pack
	Drills      []*Drill
	drillBySlug map[string]*Drill
	sqlData     *sqlData // the SQL drills' dataset, when there are SQL drills
}

// Case returns the case with the given slug and whether it exists.
func (c *Catalog) Case(slug string) (*Case, bool) {
	k, ok := c.bySlug[slug]
	return k, ok
}
