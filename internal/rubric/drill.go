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
