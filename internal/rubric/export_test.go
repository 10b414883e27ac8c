package rubric

import "github.com/casebench/casebench/internal/design"

// ReadBothWays returns the similarities of d to every exemplar as the
// index gives them and as reading with no set left out by the long way does.
func (e *Engine) ReadBothWays(d *design.Design) (indexed, direct []float64) {
	e.Compile()
	p := e.parse(d)
	defer p.release()
	answer := readTerms(p)
	docs := make([]*exemplarDoc, len(e.exemplars))
	for i := range e.exemplars {
		docs[i] = &e.exemplars[i]
	}
	return e.similarities(answer), similaritiesWithout(answer, docs)
}
