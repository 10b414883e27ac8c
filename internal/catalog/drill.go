package catalog

import (
	"github.com/casebench/casebench/internal/rubric"
)

// Drill kinds: what a pack of drills practises.
const (
	KindML         = "ml"         // ML fundamentals
	KindStats      = "stats"      // experimentation and statistics
	KindSQL        = "sql"        // SQL and data
	KindBehavioral = "behavioral" // stories tied to the culture's values
)

// DrillKinds lists the kinds a pack may have, in display order.
var DrillKinds = []string{KindML, KindStats, KindSQL, KindBehavioral}

// DrillsDir is the folder of the case tree that holds the drill packs.
const DrillsDir = "drills"

// Value is one of the company's published culture values, in the pack's
// own words, that behavioural drills are tied to.
type Value struct {
	ID      string   `yaml:"id" json:"id"`
	Name    string   `yaml:"name" json:"name"`
	Meaning string   `yaml:"meaning" json:"meaning"`
	Sources []string `yaml:"sources" json:"sources"`
}

// Pack is a folder of drills of one kind (cases/drills/<slug>/pack.yaml).
type Pack struct {
	Slug    string   `yaml:"slug" json:"slug"`
	Title   string   `yaml:"title" json:"title"`
	Kind    string   `yaml:"kind" json:"kind"`
	Summary string   `yaml:"summary" json:"summary"`
	Values  []Value  `yaml:"values,omitempty" json:"values,omitempty"`
	Sources []Source `yaml:"sources,omitempty" json:"sources,omitempty"`

	Drills []*Drill `yaml:"-" json:"-"` // in file order
	// Calibration is the pack's calibration answer (calibration.yaml): a
	// reviewer's first review in the pack is of it.
	Calibration *Calibration `yaml:"-" json:"-"`
}

// CalibrationFile is the file of a drill pack that holds its calibration
// answer.
const CalibrationFile = "calibration.yaml"

// Calibration is an answer of mixed quality to one drill of a pack, with
// its known level on every scored item of that drill's rubric and the
// reason for each. Reviewers calibrate on it before their first review of
// an answer in the pack.
type Calibration struct {
	Drill  string                `yaml:"drill" json:"drill"`
	Answer string                `yaml:"answer" json:"answer"`
	SQL    string                `yaml:"sql,omitempty" json:"sql,omitempty"`
	Levels map[string]KnownLevel `yaml:"levels" json:"levels"`
}

// Value returns the pack's value with the given id and whether it exists.
func (p *Pack) Value(id string) (Value, bool) {
	for _, v := range p.Values {
		if v.ID == id {
			return v, true
		}
	}
	return Value{}, false
}

// Reference is a drill's reference answer, with its sources.
type Reference struct {
	Answer  string   `yaml:"answer" json:"answer"`
	SQL     string   `yaml:"sql,omitempty" json:"sql,omitempty"`
	Sources []string `yaml:"sources" json:"sources"`
}

// SQLSpec is how a SQL drill compares results: whether row order
// matters, and when it does, the columns the rows are ordered by (rows
// equal in all of them may come in any order).
type SQLSpec struct {
	Ordered  bool     `yaml:"ordered" json:"ordered"`
	OrderKey []string `yaml:"order_key,omitempty" json:"order_key,omitempty"`
}

// Misconception is an answer an expert marks down, and the red flags it
// raises; the tests hold every drill to raising them.
type Misconception struct {
	Answer string   `yaml:"answer" json:"answer"`
	SQL    string   `yaml:"sql,omitempty" json:"sql,omitempty"`
	Raises []string `yaml:"raises" json:"raises"`
}

// Drill is one short question with its rubric (cases/drills/<pack>/<slug>.yaml).
type Drill struct {
	Slug string `yaml:"-" json:"slug"` // the file name without .yaml
	Pack string `yaml:"-" json:"pack"`
	Kind string `yaml:"-" json:"kind"`

	Title          string          `yaml:"title" json:"title"`
	Difficulty     string          `yaml:"difficulty" json:"difficulty"`
	Minutes        int             `yaml:"minutes" json:"minutes"`
	Tags           []string        `yaml:"tags" json:"tags"`
	Prompt         string          `yaml:"prompt" json:"prompt"` // Markdown
	Values         []string        `yaml:"values,omitempty" json:"values,omitempty"`
	FollowUps      []FollowUp      `yaml:"follow_ups" json:"follow_ups"`
	Rubric         *rubric.Rubric  `yaml:"rubric" json:"-"`
	Reference      Reference       `yaml:"reference" json:"-"`
	SQL            *SQLSpec        `yaml:"sql,omitempty" json:"sql,omitempty"`
	Misconceptions []Misconception `yaml:"misconceptions" json:"-"`
	Sources        []Source        `yaml:"sources,omitempty" json:"sources,omitempty"`

	Concepts rubric.Concepts `yaml:"-" json:"-"` // shared concepts and the pack's own
	Engine   *rubric.Engine  `yaml:"-" json:"-"`
	// File is the drill's file in the case tree ("drills/ml/l1-vs-l2.yaml").
	File string `yaml:"-" json:"-"`
}

// Texts returns what a user reads before answering: the title, the prompt
// and the follow-up questions. The engine treats answers that copy them as
// copied, not written.
func (d *Drill) Texts() []string {
	out := []string{d.Title, d.Prompt}
	for _, f := range d.FollowUps {
		out = append(out, f.Question)
	}
	return out
}

// Pack returns the drill pack with the given slug and whether it exists.
func (c *Catalog) Pack(slug string) (*Pack, bool) {
	for _, p := range c.Packs {
		if p.Slug == slug {
			return p, true
		}
	}
	return nil, false
}

// Drill returns the drill with the given slug and whether it exists.
func (c *Catalog) Drill(slug string) (*Drill, bool) {
	d, ok := c.drillBySlug[slug]
	return d, ok
}

// DrillCounts returns how many drills the catalog holds of each kind.
func (c *Catalog) DrillCounts() map[string]int {
	n := map[string]int{}
	for _, d := range c.Drills {
		n[d.Kind]++
	}
	return n
}
