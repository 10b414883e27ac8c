package rubric

// wordKinds is the set of the engine's word lists a word is on. A design's
// words are looked up once each, when it is parsed, and the many cues read
// around every mention then test a bit rather than a map.
type wordKinds uint32

// The word lists.
const (
	kFunction         wordKinds = 1 << iota // a function word
	kFiller                                 // buzzword filler
	kReason                                 // a word that gives a reason
	kBuzz                                   // a marketing word
	kClaim                                  // a verb of a claimed benefit
	kListCue                                // refuses the list it heads
	kDenyBefore                             // refuses what follows
	kRefuseRisk                             // refuses a risk that follows
	kBareNegation                           // a bare negation
	kNotDenying                             // turns a cue before it into something else
	kHarmVerb                               // a harm avoided
	kHedgeBefore                            // hedges what follows
	kHandling                               // handles a risk
	kDenyAfter                              // refuses what comes before
	kRefuseRiskAfter                        // refuses a risk before it
	kRefusedPredicate                       // a predicate a negation refuses
	kNegator                                // a negation
	kHedgeAfter                             // hedges what comes before
	kPostStop                               // ends the reach of a cue
	kDeterminer                             // a determiner
	kParenthetical                          // opens an aside
	kGoWithout                              // goes without something
	kSubject                                // a subject pronoun
	kSubordinator                           // a subordinator a cue does not cross
	kWeighed                                // weighs an option
	kLaterNegation                          // turns a clause around
	kCritique                               // says what goes wrong
	kLabelDeny                              // a label value that refuses
	kLabelRiskDeny                          // a label value that refuses a risk
	kLabelHedge                             // a label value that hedges
)

// kinds holds every list in one map, so that a word is looked up once.
var kinds = func() map[string]wordKinds {
	m := map[string]wordKinds{}
	for k, words := range map[wordKinds]map[string]bool{
		kFunction:         functionWords,
		kFiller:           fillerWords,
		kReason:           reasonWords,
		kBuzz:             buzzWords,
		kListCue:          listCues,
		kDenyBefore:       denyBefore,
		kRefuseRisk:       refuseRisk,
		kBareNegation:     bareNegations,
		kNotDenying:       notDenying,
		kHarmVerb:         harmVerbs,
		kHedgeBefore:      hedgeBefore,
		kHandling:         handlingWords,
		kDenyAfter:        denyAfter,
		kRefuseRiskAfter:  refuseRiskAfter,
		kRefusedPredicate: refusedPredicates,
		kNegator:          negators,
		kHedgeAfter:       hedgeAfter,
		kPostStop:         postStops,
		kDeterminer:       determiners,
		kParenthetical:    parentheticals,
		kGoWithout:        goWithout,
		kSubject:          subjects,
		kSubordinator:     subordinators,
		kWeighed:          weighed,
		kLaterNegation:    laterNegations,
		kCritique:         critiqueVerbs,
		kLabelDeny:        labelDeny,
		kLabelRiskDeny:    labelRiskDeny,
		kLabelHedge:       labelHedge,
	} {
		for w := range words {
			m[w] |= k
		}
	}
	for w := range claimVerbs {
		m[w] |= kClaim
	}
	return m
}()

// is reports whether the word is on one of the lists k.
func (t *token) is(k wordKinds) bool { return t.kinds&k != 0 }

// markKinds marks which lists the words of toks are on.
func markKinds(toks []token) {
	for i := range toks {
		toks[i].kinds = kinds[toks[i].word]
		if toks[i].quoted {
			toks[i].kinds &^= cueKinds
		}
	}
}

// cueKinds are the lists that make a word a cue of denial or doubt; a
// word of a quoted name is none ("the “nothing changes” tests").
const cueKinds = kListCue | kDenyBefore | kRefuseRisk | kBareNegation | kHedgeBefore | kDenyAfter | kRefuseRiskAfter |
	kNegator | kHedgeAfter | kGoWithout | kLaterNegation | kCritique | kLabelDeny | kLabelRiskDeny | kLabelHedge
