package rubric

import (
	"fmt"
	"math"
)

// Grades, from the overall automatic score.
const (
	GradeStrong = "strong"
	GradeMedium = "medium"
	GradeWeak   = "weak"
)

// Grade bands, chosen on the development parts of the blind set
// (testdata/blind) by TestGradeBands: of all pairs of whole numbers, the
// one whose grades differ least often from the interviewers' (a wrong or
// stuffed design should grade weak), the highest among equals. See
// README.md, "How grades are set".
const (
	StrongFrom = 65.0
	MediumFrom = 35.0
)

// Grade returns the grade of a score from 0 to 100 under the usual bands.
func Grade(score float64) string { return GradeIn(score, StrongFrom, MediumFrom) }

// GradeIn returns the grade of a score from 0 to 100 under the bands that
// start at strong and medium.
func GradeIn(score, strong, medium float64) string {
	switch {
	case score >= strong:
		return GradeStrong
	case score >= medium:
		return GradeMedium
	}
	return GradeWeak
}

// GradeMeaning says in words what a grade means.
func GradeMeaning(grade string) string {
	switch grade {
	case GradeStrong:
		return "Strong: an interviewer would expect this design to pass the round, with sound decisions for this case and the reasons for them."
	case GradeMedium:
		return "Medium: reasonable in places, but important decisions of this case are missing, vague or questionable; an interviewer would call it borderline."
	}
	return "Weak: most of what this case needs is missing or decided wrongly; an interviewer would not pass it yet."
}

// Evidence is what a check found: where, the words it matched, the nodes.
type Evidence struct {
	Section string   `json:"section,omitempty"`
	Field   string   `json:"field,omitempty"`
	Words   string   `json:"words,omitempty"`   // the matched words as written, or the choice made
	Excerpt string   `json:"excerpt,omitempty"` // the sentence they are in
	Nodes   []string `json:"nodes,omitempty"`
	// Weight is the share of credit this evidence earns: 1 in the check's
	// own sections, less elsewhere or when hedged.
	Weight float64 `json:"weight,omitempty"`
}

// Note kinds: why something present was not credited, or what the report
// noticed about the design as a whole.
const (
	NoteDenied       = "denied"        // its own sentence refuses it
	NoteHedged       = "hedged"        // "could", "maybe later": not a commitment
	NoteCopied       = "copied"        // copied from the case, the rubric or a report
	NoteKeywordList  = "keyword_list"  // a run of keywords, not a sentence
	NoteTemplated    = "templated"     // one of many sentences cut from one frame
	NoteOtherSection = "other_section" // found only outside the check's sections
	NoteManyFlags    = "many_flags"    // enough red flags to hold the score below medium
	NoteReading      = "reading"       // a drill answer read against scored answers
	NoteOverBudget   = "over_budget"   // beyond what a 45-minute answer holds
	NoteOverridden   = "overridden"    // cancelled by a red flag
	NoteRepeated     = "repeated"      // already counted for this item
	NoteWrongChoice  = "wrong_choice"  // a choice that does not commit to the decision
	NoteNoReason     = "no_reason"     // a decision without its why
	NoteHub          = "hub"           // a path or loop only through a hub node
)

// Note explains a credit withheld or reduced, or something about the design.
type Note struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Section string `json:"section,omitempty"`
	Field   string `json:"field,omitempty"`
	Excerpt string `json:"excerpt,omitempty"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Check    string     `json:"check"`
	Label    string     `json:"label"` // what the check looks for, in words
	Met      bool       `json:"met"`
	Credit   float64    `json:"credit"` // 0 to 1
	Evidence []Evidence `json:"evidence,omitempty"`
	Denied   []Evidence `json:"denied,omitempty"` // mentions their own sentence denies
	Notes    []Note     `json:"notes,omitempty"`  // why credit was withheld
	Hint     string     `json:"hint,omitempty"`   // what to add, when missed
	Section  string     `json:"section,omitempty"`
	Field    string     `json:"field,omitempty"`
}

// ItemResult is the outcome of one rubric item.
type ItemResult struct {
	ID        string        `json:"id"`
	Dimension string        `json:"dimension"`
	Title     string        `json:"title"`
	Decision  string        `json:"decision,omitempty"`
	Points    int           `json:"points"`
	Automatic bool          `json:"automatic"`
	Level     *int          `json:"level"` // nil for items that need human judgment
	Earned    float64       `json:"earned"`
	Checks    []CheckResult `json:"checks"`
	Hint      string        `json:"hint,omitempty"`
	// OverriddenBy names the raised red flags that cancelled this item.
	OverriddenBy []string `json:"overridden_by,omitempty"`

	// Red flags: whether the design raised it, why it costs, and what it cost.
	RedFlag bool    `json:"red_flag,omitempty"`
	Raised  bool    `json:"raised,omitempty"`
	Reason  string  `json:"reason,omitempty"`
	Penalty float64 `json:"penalty,omitempty"`
}

// Flag is something a reviewer should look at: a red flag raised, a denied
// concept, copied text.
type Flag struct {
	Item    string `json:"item"`
	Kind    string `json:"kind,omitempty"`
	Message string `json:"message"`
}

// Report is the automatic assessment of a design against a rubric.
type Report struct {
	Case          string             `json:"case"`
	RubricVersion int                `json:"rubric_version"`
	Score         float64            `json:"score"` // 0-100, over the automatic points, after red flags
	Grade         string             `json:"grade"`
	StrongFrom    float64            `json:"strong_from,omitempty"` // the score from which this case grades strong
	MediumFrom    float64            `json:"medium_from,omitempty"` // the score from which it grades medium, when not MediumFrom
	Earned        float64            `json:"earned"`
	Penalty       float64            `json:"penalty,omitempty"` // points lost to red flags
	Possible      int                `json:"possible"`          // automatic points
	HumanPoints   int                `json:"human_points"`
	Dimensions    map[string]float64 `json:"dimensions"` // 0-100 per dimension with automatic points
	Items         []ItemResult       `json:"items"`
	Flags         []Flag             `json:"flags,omitempty"`
	Notices       []Note             `json:"notices,omitempty"` // about the design as a whole
	// KeywordShare is the share of the written words, outside tables, read
	// as keyword runs (lists, templated or packed sentences, copied text).
	KeywordShare float64 `json:"keyword_share"`
	// Relevance is the share of the case's own concepts the design takes up.
	Relevance float64 `json:"relevance"`
	// Reading is what the scored answers closest to a drill answer say of
	// it, for a drill that has them.
	Reading *Reading `json:"reading,omitempty"`
}

// BandsLine says where this case's grades start, for reports that carry
// it (reports stored before bands were set per case do not).
func (r *Report) BandsLine() string {
	if r.StrongFrom == 0 {
		return ""
	}
	if r.Reading != nil {
		return fmt.Sprintf("Read against scored answers, an answer is graded on the interviewers' scale: strong from %.0f, medium from %.0f.", r.StrongFrom, r.MediumFrom)
	}
	return fmt.Sprintf("In this case a score grades strong from %.0f and medium from %.0f.", r.StrongFrom, MediumFrom)
}

// RaisedFlags returns the red flags the design raised.
func (r *Report) RaisedFlags() []ItemResult {
	var out []ItemResult
	for _, it := range r.Items {
		if it.RedFlag && it.Raised {
			out = append(out, it)
		}
	}
	return out
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
