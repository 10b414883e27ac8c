package rubric

import "github.com/casebench/casebench/internal/design"

// MinDrillRedFlags is how many red flags a drill's rubric must have: a
// drill is one question, so it names fewer misconceptions than a case.
const MinDrillRedFlags = 2

// ValidateDrill checks the rubric of a drill against the drill template
// and concepts, as Validate does for a case, with the drill's minimum of
// red flags.
func (r *Rubric) ValidateDrill(t *design.Template, concepts Concepts) []Problem {
	return r.validate(t, concepts, MinDrillRedFlags)
}

// WithTechnicalTerms reads the words the rubric's concepts are written in
// as the terms of the subject, never as marketing words: a drill about
// gradient boosting says "boosting" as often as it needs.
func WithTechnicalTerms() Option {
	return func(o *options) { o.technical = true }
}

// technicalTerm reports whether token k of s is a word of the rubric's
// concepts, for an engine built WithTechnicalTerms.
func (e *Engine) technicalTerm(s *sentence, k int) bool {
	return e.technical && len(s.terms[k]) > 0
}
