package rubric

import (
	"fmt"
	"slices"
	"strings"
)

// CheckClaims raises a red flag when the answer states a claim an expert
// marks down ("L2 sets weights exactly to zero") as its own: unlike
// asserts, a match that spans a contrast ("L1 reaches exactly zero, while
// L2 only shrinks") is two claims, not this one.
const CheckClaims = "claims"

// critiqueWords judge what a sentence describes: a sentence that uses one
// ("treating page views as independent understates the variance", "the
// naive test would flag false wins") weighs the claim rather than makes it.
var critiqueWords = setOf(`wrong wrongly mistake mistaken naive naively misleading misleads mislead understates
understate understated overstates overstate overstated inflate inflates inflated inflating breaks fails flawed invalid incorrect
incorrectly pitfall trap myth misconception confusing confuses biases biased`)

// judges reports whether a sentence judges what it describes, by a
// critique word outside the words of the claim itself ("I proved them
// wrong" is the claim, not a judgment of it).
func judges(s *sentence, start, end int) bool {
	for j, t := range s.tokens {
		if (j < start || j >= end) && critiqueWords[t.word] {
			return true
		}
		// "the binomial variance can be several times too small"
		if t.word == "too" && j+1 < len(s.tokens) && tooWhat[s.tokens[j+1].word] {
			return true
		}
	}
	return warnsOf(s, start, end) || namesPitfall(s) || othersPractice(s, start) || inCondition(s, end)
}

// inCondition reports whether the mention ending at end lies wholly in
// the opening "if" clause of its sentence: "If they stop as soon as it is
// significant, the false positives go up" supposes the mistake, to warn
// of it; it does not claim it.
func inCondition(s *sentence, end int) bool {
	toks := s.tokens
	if len(toks) == 0 || toks[0].word != "if" {
		return false
	}
	comma := strings.IndexByte(s.text, ',')
	return comma >= 0 && end-1 < len(toks) && toks[end-1].end <= comma
}

// tooWhat follow "too" in a sentence that judges an estimate.
var tooWhat = setOf(`small narrow low optimistic tight confident short high`)

// othersPractice reports whether the claim is what others do, told as
// theirs: "People treat each impression as an independent trial".
func othersPractice(s *sentence, start int) bool {
	toks := s.tokens
	if len(toks) < 2 || start < 1 {
		return false
	}
	// "The obvious approach treats every impression as a trial": what a
	// naive answer would do, set up to be knocked down.
	if len(toks) > 2 && toks[0].word == "the" && (toks[1].word == "obvious" || toks[1].word == "naive" || toks[1].word == "naïve" || toks[1].word == "tempting") {
		return true
	}
	switch toks[0].word {
	case "people", "teams", "analysts", "folks":
		return true
	case "many", "most", "some":
		return toks[1].word == "people" || toks[1].word == "teams" || toks[1].word == "analysts"
	}
	return false
}

// pitfallHeads are what a label before a colon calls a mistake it goes on
// to describe: "Preprocessing leakage: scaling fitted on the whole data".
var pitfallHeads = setOf(`leakage leak leaks pitfall pitfalls trap traps mistake mistakes risk risks bug bugs danger
antipattern anti-pattern error errors problem problems issue issues failure`)

// namesPitfall reports whether the sentence opens with a short label
// naming a mistake, so that what follows describes the mistake.
func namesPitfall(s *sentence) bool {
	i := strings.IndexByte(s.text, ':')
	if i < 0 {
		return false
	}
	for k, t := range s.tokens {
		if t.start >= i || k >= 4 {
			return false
		}
		if pitfallHeads[t.word] {
			return true
		}
	}
	return false
}

// warnsOf reports whether the claim is the condition of a warning
// addressed to anyone: "if you check it every day and stop the first time
// p < 0.05, you give it many chances to cross by luck".
func warnsOf(s *sentence, start, end int) bool {
	toks := s.tokens
	cond := false
	for j := 0; j+1 < start && j+1 < len(toks); j++ {
		if (toks[j].word == "if" || toks[j].word == "when") && toks[j+1].word == "you" {
			cond = true
			break
		}
	}
	if !cond {
		return false
	}
	for j := end; j+1 < len(toks); j++ {
		if toks[j].word == "you" {
			for k := j + 1; k < len(toks) && k <= j+8; k++ {
				if warningWords[toks[k].word] {
					return true
				}
			}
		}
	}
	return false
}

// refusedNext reports whether the sentence after sentence i, in the same
// field, turns down what sentence i names: "Drop the rows with missing
// values. With 20% missing that throws away too much, so I wouldn't do it."
func refusedNext(p *parsed, i int) bool {
	if i+1 >= len(p.sents) {
		return false
	}
	s, n := &p.sents[i], &p.sents[i+1]
	if n.section != s.section || n.field != s.field {
		return false
	}
	ws := n.tokens
	for j := range ws {
		switch ws[j].word {
		case "wouldn't", "won't", "don't", "never", "avoid":
		case "not":
			if j == 0 || ws[j-1].word != "would" && ws[j-1].word != "do" && ws[j-1].word != "will" {
				continue
			}
		default:
			continue
		}
		for k := j + 1; k < len(ws) && k <= j+3; k++ {
			switch ws[k].word {
			case "it", "this", "that", "them":
				return true
			}
		}
	}
	return false
}

// warningWords say what goes wrong in a warning's consequence.
var warningWords = setOf(`chance chances false false-positive error errors luck noise wrong bias risk lose`)

// contrastWords turn a sentence to another subject: a match across one is
// two claims, not one.
var contrastWords = setOf(`while whereas unlike but than however although though instead`)

// clauses returns the runs [a, b) of a sentence's tokens between contrast
// words.
func clauses(s *sentence) [][2]int {
	var out [][2]int
	a := 0
	for j := 1; j <= len(s.tokens); j++ {
		if j == len(s.tokens) || contrastWords[s.tokens[j].word] {
			out = append(out, [2]int{a, j})
			a = j
		}
	}
	return out
}

// claims raises a flag when a concept is affirmed, between contrast words,
// in a written sentence of the check's sections.
func (e *Engine) claims(c *Check, p *parsed, cr *CheckResult) {
	names := make([]string, len(c.Concepts))
	for i, id := range c.Concepts {
		names[i] = e.conceptName(id)
	}
	cr.Label = fmt.Sprintf("the answer claims %s in %s", strings.Join(names, " or "), e.sectionList(c.Sections))
	var spans []span
	for i := range p.sents {
		s := &p.sents[i]
		if !(s.prose || s.packed) || s.copied || s.over || !slices.Contains(c.Sections, s.section) {
			continue
		}
		for _, id := range c.Concepts {
			k := e.concepts[id]
			if k == nil {
				continue
			}
			for _, run := range clauses(s) {
				for fi := range k.forms {
					spans = matchForm(&k.forms[fi], s.terms[run[0]:run[1]], spans)
					for _, sp := range spans {
						m := mention{sent: s, start: run[0] + sp.start, end: run[0] + sp.end, risk: k.risk}
						for _, at := range sp.slots {
							m.slots = append(m.slots, run[0]+at)
						}
						if judges(s, m.start, m.end) || refusedNext(p, i) {
							continue
						}
						if pol, _ := m.polarity(); pol == Affirmed {
							cr.Credit = 1
							cr.Evidence = []Evidence{{Section: s.section, Field: s.field, Words: m.words(), Excerpt: excerpt(s.text)}}
							return
						}
					}
				}
			}
		}
	}
}
