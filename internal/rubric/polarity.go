package rubric

import (
	"slices"
	"strings"
)

// Polarity is how a sentence holds a concept it names: it affirms it ("we
// run an A/B test"), denies or refuses it ("no A/B test is needed", "we
// decided against exploration", "rather than a random split"), or hedges
// it ("we could add a bandit later", "should we cache?").
type Polarity uint8

// The polarities of a mention.
const (
	Affirmed Polarity = iota
	Hedged
	Denied
)

func (p Polarity) String() string {
	switch p {
	case Hedged:
		return "hedged"
	case Denied:
		return "denied"
	}
	return "affirmed"
}

// Windows of the cues around a mention, in words.
const (
	preWindow  = 6
	postWindow = 8
	// riskReach is how close a bare negation must sit to a risk to mean
	// the design handles it ("no leakage"); further away it refuses to
	// handle it ("none of the fixes for class imbalance made it in").
	riskReach = 2
)

var (
	// Cues before a mention that refuse it. For a risk ("leakage",
	// "position bias"), most of them mean the design addresses it instead.
	denyBefore = setOf(`no not never without none neither nor cannot can't won't don't doesn't didn't
isn't aren't wasn't weren't shouldn't wouldn't couldn't mustn't needn't haven't hasn't hadn't nobody nothing
skip skips skipping skipped omit omits omitting omitted drop drops dropping dropped forgo forgoes forgoing
avoid avoids avoiding avoided exclude excludes excluding disable disables disabling abandon abandons abandoning
reject rejects rejecting rejected ditch ditches ditching prevent prevents preventing eliminate eliminates eliminating
lack lacks lacking unlike sans ignore ignores ignoring replace replaces replacing replaced remove removes removing
removed retire retires retiring retired disabled abandoned scrap scrapped kill killed deprecate deprecated
stop stops stopped stopping block blocks blocked blocking ban bans banned banning forbid forbids forbidden
forbidding bar bars barred barring`)
	// Of those, the ones that also refuse a risk ("we ignore position bias").
	refuseRisk = setOf(`ignore ignores ignoring`)
	// Cues that are bare negations: next to a risk they handle it ("no
	// leakage"), further away they refuse to ("nobody checked for leakage").
	bareNegations = setOf(`no not never none nobody neither nor cannot can't won't don't doesn't didn't isn't
aren't wasn't weren't shouldn't wouldn't couldn't haven't hasn't hadn't`)
	// Words after a cue that make it something else: "not only", "no more
	// than", "not every member".
	notDenying = setOf(`only just merely simply necessarily always more less fewer later sooner matter
worse better earlier larger higher lower greater bigger smaller doubt question exception surprise than all every
everyone everything sure certain yet against`)
	// Words after "not", "without" or "avoid" that make the clause about
	// a harm avoided: "without hurting retention", "avoid exceeding the budget".
	harmVerbs = setOf(`hurting hurt harming harm breaking break losing lose degrading degrade affecting affect
impacting impact compromising compromise sacrificing sacrifice increasing slowing exceeding exceed exceeds
blowing missing miss violating violate breaching breach overrunning overshooting raising waiting regress regressing
worsen worsening dropping fall falling turning turn annoying`)
	// Cues before a mention that hedge it.
	hedgeBefore = setOf(`might may could possibly perhaps maybe potentially optionally ideally eventually
consider considering hopefully tbd unsure whether`)
	// Words after a negation that make a risk refused, not handled: "we
	// haven't done anything about skew", "we don't correct position bias".
	handlingWords = setOf(`do does did done doing anything handle handled handling address addressed addressing
correct corrected correcting fix fixed deal dealt worry worried care special treat treated track tracked
monitor monitored check checked checking model modelled modeled log logged plan spend bother consider considered
see saw look looked penalize penalise penalizes penalises mitigate mitigated`)
	// Cues after a mention that refuse it.
	denyAfter = setOf(`unnecessary unneeded overkill pointless needless skipped dropped omitted ignored excluded
avoided abandoned disabled rejected wrong mistake flawed misleading harmful inappropriate unsuitable unsafe
unreliable invalid naive replaced removed retired dismissed scrapped deprecated hurts harms waste noise
uninformative useless worthless dissolved descoped impossible forbidden wasteful wastes infeasible poor leaks leak
inflates overstates flatters misleads unfair unlabelled unlabeled fallacy fallacies myth illusion`)
	// Cues after a mention that refuse a risk ("position bias is negligible").
	refuseRiskAfter = setOf(`ignored negligible irrelevant dismissed rejected overkill waste descoped`)
	// Predicates a negation after a mention refuses: "is not tracked",
	// "isn't needed", "won't be logged", "doesn't work here".
	refusedPredicates = setOf(`needed need needs required require requires necessary worth tracked track logged log
monitored monitor measured measure used use done do included include considered consider planned plan built
build deployed deploy run ran performed perform applied apply stored store kept keep computed compute trained
train retrained updated enabled implemented supported part scope recorded record captured capture collected
saved maintained tested checked evaluated added useful helpful important priority justified warranted feasible
possible available allowed something corrected correct handled addressed concern issue problem relevant worry
work works fit fits apply applies justify buy help helps matter real risk defined bother objective goal target
metric priority option enough sufficient`)
	negators = setOf(`not never no isn't aren't wasn't weren't won't don't doesn't didn't can't cannot
shouldn't wouldn't couldn't needn't haven't hasn't nobody none`)
	// Cues after a mention that hedge it: "a random split could leak",
	// "we add a bandit later".
	hedgeAfter = setOf(`could might may would optional eventually tbd revisit`)
	// Words that end the reach of a cue after a mention.
	postStops = setOf(`and or but because since so if when whenever while whereas although though unless until
once where whose then`)
	// Of the post stops, those that end a mention's reach even right after
	// it: "a random split because the forward split leaks" keeps the
	// random split.
	reasonStop  = setOf(`because since so if when whenever while whereas although though unless until once then`)
	determiners = setOf(`a an the any each every this that these those our their its some`)
	copulas     = setOf(`is are was were be will stays remains`)
	// Words that open an aside after a mention, read past to the predicate.
	parentheticals = setOf(`which who while though although albeit`)
	goWithout      = setOf(`go goes going went do does doing did ship ships launch launches live manage managed proceed run runs work`)
	subjects       = setOf(`we i it they you he she this that there`)
	// Subordinators a cue before a mention does not reach across: "no
	// experiment ships unless every guardrail holds".
	subordinators = setOf(`unless until if`)
	// Verbs of weighing an option: "we considered shadow mode but ...".
	weighed = setOf(`considered discussed explored evaluated weighed debated proposed`)
	// Words after a "without" or "no" that turn the clause around: "without
	// a rollback plan nothing ships".
	laterNegations = setOf(`nothing never nobody cannot can't won't`)
)

// Multi-word cues.
var (
	denyBeforePhrases = [][]string{
		{"instead", "of"}, {"rather", "than"}, {"in", "place", "of"}, {"as", "opposed", "to"}, {"in", "lieu", "of"},
		{"decided", "against"}, {"decide", "against"}, {"opted", "against"}, {"opt", "against"}, {"chose", "against"},
		{"argue", "against"}, {"recommend", "against"}, {"guard", "against"}, {"guards", "against"}, {"guarding", "against"},
		{"protect", "against"}, {"protects", "against"}, {"protecting", "against"}, {"safeguard", "against"},
		{"no", "need", "for"}, {"no", "need", "to"}, {"do", "away", "with"}, {"rule", "out"}, {"ruled", "out"}, {"rules", "out"}, {"ruling", "out"},
		{"leave", "out"}, {"left", "out"}, {"steer", "clear", "of"}, {"get", "rid", "of"}, {"got", "rid", "of"},
		{"no", "longer"}, {"turned", "off"}, {"turn", "off"}, {"switched", "off"}, {"switch", "off"}, {"shut", "off"},
		{"no", "one"}, {"none", "of"}, {"better", "than"}, {"don't", "think"}, {"don't", "believe"}, {"do", "not", "think"},
		{"do", "not", "believe"}, {"doesn't", "think"}, {"doubt", "that"},
	}
	// Negations that reach far ahead: "I don't think we need to keep a holdout".
	negRaising = [][]string{{"don't", "think"}, {"don't", "believe"}, {"do", "not", "think"}, {"do", "not", "believe"},
		{"doesn't", "think"}, {"doubt", "that"}}
	// Of those, the ones that keep refusing a risk.
	refuseRiskPhrases = [][]string{{"no", "need", "to"}, {"do", "away", "with"}, {"no", "longer"}, {"no", "one"}, {"none", "of"},
		{"don't", "think"}, {"don't", "believe"}, {"do", "not", "think"}, {"do", "not", "believe"}, {"doesn't", "think"}, {"doubt", "that"}}
	hedgeBeforePhrases = [][]string{
		{"would", "like", "to"}, {"look", "into"}, {"explore", "whether"}, {"investigate", "whether"},
		{"not", "sure"}, {"open", "question"}, {"if", "time", "permits"}, {"not", "against"}, {"would", "be", "nice"},
		{"nice", "to", "have"}, {"not", "yet", "decided"}, {"still", "deciding"}, {"we'd", "like"}, {"i'd", "like"},
		{"want", "to", "try"}, {"like", "to", "try"},
	}
	denyAfterPhrases = [][]string{
		{"out", "of", "scope"}, {"decided", "against"}, {"opted", "against"}, {"left", "out"}, {"a", "bad", "idea"},
		{"not", "appropriate"}, {"not", "suitable"}, {"we", "skip"}, {"we", "drop"}, {"we", "ignore"}, {"we", "avoid"},
		{"no", "longer"}, {"a", "trap"}, {"off", "the", "table"}, {"is", "out"}, {"out", "of", "the", "question"},
		{"needs", "no"}, {"need", "no"}, {"too", "much"}, {"too", "costly"}, {"too", "expensive"}, {"too", "complex"},
		{"turned", "off"}, {"switched", "off"}, {"are", "out"}, {"little", "value"}, {"buys", "us", "nothing"},
		{"buys", "nothing"}, {"we", "leave"}, {"not", "part", "of"}, {"too", "risky"}, {"too", "slow"},
	}
	refuseRiskAfterPhrases = [][]string{
		{"not", "a", "concern"}, {"not", "an", "issue"}, {"not", "a", "problem"}, {"doesn't", "matter"}, {"does", "not", "matter"},
		{"can", "be", "ignored"}, {"we", "ignore"}, {"not", "relevant"}, {"not", "a", "real"}, {"not", "a", "risk"},
		{"as", "is"}, {"needs", "no"}, {"need", "no"}, {"no", "treatment"}, {"doesn't", "justify"}, {"does", "not", "justify"},
		{"we", "accept"}, {"is", "overkill"}, {"not", "worth"}, {"no", "longer"}, {"out", "of", "scope"},
		{"not", "addressed"}, {"not", "handled"}, {"we", "leave"}, {"leave", "alone"}, {"left", "alone"}, {"is", "a", "waste"},
		{"warrants", "no"},
	}
	// Cues before a risk that refuse to handle it.
	refuseRiskBeforePhrases = [][]string{
		{"not", "worried", "about"}, {"not", "too", "worried", "about"}, {"don't", "worry", "about"}, {"no", "need", "to", "worry", "about"},
		{"wouldn't", "spend", "any", "time", "on"}, {"won't", "spend", "time", "on"}, {"not", "spend", "any", "time", "on"},
		{"rather", "than", "correcting", "for"}, {"rather", "than", "correct", "for"},
	}
	hedgeAfterPhrases = [][]string{
		{"in", "the", "future"}, {"if", "time", "permits"}, {"if", "needed"}, {"if", "necessary"}, {"if", "there", "is", "time"},
		{"nice", "to", "have"}, {"stretch", "goal"}, {"down", "the", "line"}, {"future", "work"}, {"in", "v2"},
		{"in", "phase", "2"}, {"phase", "two"}, {"to", "be", "decided"}, {"later", "on"}, {"would", "be", "nice"},
		{"open", "question"}, {"depends", "on"}, {"not", "scoped"}, {"not", "decided"}, {"stretch", "goal"},
		{"at", "some", "point"}, {"on", "the", "roadmap"}, {"to", "be", "determined"}, {"being", "discussed"},
		{"still", "open"}, {"not", "sure"}, {"we'll", "revisit"}, {"is", "something", "we'll"}, {"is", "still", "being"},
		{"something", "we'd"}, {"like", "to", "try"}, {"is", "tbd"}, {"are", "tbd"}, {"pending"},
		{"an", "option", "we"}, {"possible", "improvement"}, {"we", "could", "try"}, {"we", "might"}, {"we", "could"},
		{"to", "be", "written"}, {"may", "be", "considered"}, {"could", "be", "added"}, {"might", "be", "added"},
	}
	// Two cues in a row that cancel: "it's not as if we ignore", "not that
	// we don't want".
	doubleOpeners = [][]string{{"not", "as", "if"}, {"not", "that"}, {"not", "like"}}
)

// phraseSet indexes phrases by their first and last words, so that a cue
// is looked up, not searched for.
type phraseSet struct {
	byLast, byFirst map[string][][]string
}

func indexPhrases(phrases [][]string) *phraseSet {
	ps := &phraseSet{byLast: map[string][][]string{}, byFirst: map[string][][]string{}}
	for _, p := range phrases {
		ps.byLast[p[len(p)-1]] = append(ps.byLast[p[len(p)-1]], p)
		ps.byFirst[p[0]] = append(ps.byFirst[p[0]], p)
	}
	return ps
}

// The phrase lists, indexed once.
var (
	denyBeforeSet        = indexPhrases(denyBeforePhrases)
	negRaisingSet        = indexPhrases(negRaising)
	refuseRiskSet        = indexPhrases(refuseRiskPhrases)
	hedgeBeforeSet       = indexPhrases(hedgeBeforePhrases)
	denyAfterSet         = indexPhrases(denyAfterPhrases)
	refuseRiskAfterSet   = indexPhrases(refuseRiskAfterPhrases)
	refuseRiskBeforeSet  = indexPhrases(refuseRiskBeforePhrases)
	hedgeAfterSet        = indexPhrases(hedgeAfterPhrases)
	doubleOpenersSet     = indexPhrases(doubleOpeners)
	leadingHedgesSet     = indexPhrases(leadingHedges)
	rhetoricalOpenersSet = indexPhrases([][]string{{"who", "needs"}, {"why", "bother"}, {"why", "fight"}, {"why", "would", "we"}})
)

// phraseEndsAt reports whether one of phrases ends at toks[i], within clause cl.
func phraseEndsAt(phrases *phraseSet, toks []token, i, cl int) (int, bool) {
	for _, p := range phrases.byLast[toks[i].word] {
		start := i - len(p) + 1
		if start < 0 {
			continue
		}
		ok := true
		for k, w := range p {
			if toks[start+k].word != w || toks[start+k].clause != cl {
				ok = false
				break
			}
		}
		if ok {
			return start, true
		}
	}
	return 0, false
}

// phraseStartsAt reports whether one of phrases starts at toks[i].
func phraseStartsAt(phrases *phraseSet, toks []token, i int) bool {
	return phraseLenAt(phrases, toks, i) > 0
}

// phraseLenAt returns the length of a phrase of phrases that starts at
// word i, or 0.
func phraseLenAt(phrases *phraseSet, toks []token, i int) int {
	if i >= len(toks) {
		return 0
	}
	for _, p := range phrases.byFirst[toks[i].word] {
		if i+len(p) > len(toks) {
			continue
		}
		ok := true
		for k, w := range p {
			if toks[i+k].word != w {
				ok = false
				break
			}
		}
		if ok {
			return len(p)
		}
	}
	return 0
}

// denyCueAt reports whether toks[j] ends a cue that refuses what follows,
// returning where the cue starts and whether it also refuses a risk.
func denyCueAt(toks []token, j, cl int) (start int, ok, risk bool) {
	if s, ok := refuseRiskPhraseAt(toks, j, cl); ok {
		return s, true, true
	}
	if s, ok := phraseEndsAt(denyBeforeSet, toks, j, cl); ok {
		if toks[j].word == "longer" && j+1 < len(toks) && toks[j+1].word == "than" {
			return 0, false, false // "no longer than two weeks"
		}
		_, r := phraseEndsAt(refuseRiskSet, toks, j, cl)
		return s, true, r
	}
	w := toks[j].word
	if !toks[j].is(kDenyBefore) {
		// "prefer X over Y", "chose X over Y"
		if w == "over" {
			for k := j - 1; k >= 0 && k >= j-4 && toks[k].clause == cl; k-- {
				switch toks[k].word {
				case "prefer", "prefers", "preferred", "chose", "choose", "chosen", "pick", "picked", "favour", "favor":
					return j, true, false
				}
			}
		}
		return 0, false, false
	}
	if j+1 < len(toks) && toks[j+1].is(kNotDenying|kHarmVerb) && !modalNotMerely(toks, j) {
		return 0, false, false
	}
	if !toks[j].is(kBareNegation) && j > 0 && toks[j-1].is(kDeterminer) && w != "without" {
		return 0, false, false // a noun: "tolerate a drop of 0.05 points", "the stop rule"
	}
	if w == "not" && j > 0 && toks[j-1].word == "or" { // "whether or not"
		return 0, false, false
	}
	// "no chargeback within 120 days" defines a label; it refuses nothing.
	if w == "no" && followedBy(toks, j+1, 4, "within", "after", "until", "before") {
		return 0, false, false
	}
	if toks[j].is(kBareNegation) && j > 0 {
		// "the gain versus no offer", "compared with no message": the
		// other arm of a comparison, not a refusal.
		switch prev := toks[j-1].word; {
		case prev == "versus" || prev == "vs" || prev == "against" || prev == "than" || prev == "over":
			return 0, false, false
		case (prev == "with" || prev == "to") && j > 1 && (toks[j-2].word == "compared" || toks[j-2].word == "relative"):
			return 0, false, false
		}
	}
	if toks[j].is(kBareNegation) && defines(toks, j) {
		return 0, false, false // "'Left' = not paying 60 days after the decision"
	}
	// "replace X" refuses X only when something takes its place: "we
	// replace the A/B test with an offline gate", not "a file is replaced
	// when ...".
	if strings.HasPrefix(w, "replac") && !followedBy(toks, j+1, 8, "with", "by") {
		return 0, false, false
	}
	r := toks[j].is(kRefuseRisk)
	if toks[j].is(kNegator) {
		for k := j + 1; k < len(toks) && k <= j+3; k++ {
			if toks[k].is(kHandling) {
				r = true
			}
		}
	}
	return j, true, r
}

// defines reports whether the negation at toks[j] is the body of a
// definition: "churned = not paying on day 60", "a miss means no copy in
// the cluster".
func defines(toks []token, j int) bool {
	if toks[j].eq {
		return true
	}
	if j == 0 {
		return false
	}
	switch toks[j-1].word {
	case "means", "mean", "meaning":
		return true
	case "as":
		return j > 1 && (toks[j-2].word == "defined" || toks[j-2].word == "counts" || toks[j-2].word == "count")
	}
	return false
}

// refuseRiskPhraseAt reports whether a whole refusal of a risk ends at
// toks[j]: "not worried about", "wouldn't spend any time on".
func refuseRiskPhraseAt(toks []token, j, cl int) (int, bool) {
	return phraseEndsAt(refuseRiskBeforeSet, toks, j, cl)
}

// polarity reads how the sentence holds the mention at tokens [s, e).
// risk marks concepts that are problems to handle: "no leakage" and "avoid
// position bias" address them, while "position bias is negligible" or "we
// ignore position bias" refuse them.
func polarity(sent *sentence, s, e int, risk bool) (Polarity, string) {
	toks := sent.tokens
	if s < 0 || e > len(toks) || s >= e {
		return Affirmed, ""
	}
	cue := func(a, b int) string {
		if a < 0 || b > len(toks) || a >= b {
			return ""
		}
		return sent.text[toks[a].start:toks[b-1].end]
	}
	cl := toks[s].clause
	deniedBy, hedgedBy, addressed := -1, -1, false
	var deniedStart int
	for j := s - 1; j >= 0 && j >= s-2*preWindow; j-- {
		if toks[j].clause != cl {
			break
		}
		if toks[j].is(kSubordinator) && deniedBy < 0 {
			// A cue before "unless" or "if" governs the main clause, not
			// this one; only a hedge at the head still reaches.
			for k := j - 1; k >= 0 && toks[k].clause == cl; k-- {
				_, hp := phraseEndsAt(hedgeBeforeSet, toks, k, cl)
				if (toks[k].is(kHedgeBefore) || hp) && hedgedBy < 0 {
					hedgedBy = k
				}
			}
			if toks[j].word == "if" && laterModal(toks, e, "could", "might", "may") {
				hedgedBy = j // "if a loop shows up, we could add ..."
			}
			break
		}
		if j < s-preWindow {
			// Beyond the window only a hedge at the head of the clause, or
			// "I don't think", reaches: "Ideally we'd log served features
			// to ...", "I don't think we need to keep a holdout".
			if toks[j].is(kHedgeBefore) && hedgedBy < 0 {
				hedgedBy = j
			}
			if st, ok := phraseEndsAt(negRaisingSet, toks, j, cl); ok && deniedBy < 0 {
				return Denied, cue(st, j+1)
			}
			continue
		}
		if start, ok := refuseRiskPhraseAt(toks, j, cl); ok && risk {
			return Denied, cue(start, j+1)
		}
		if start, ok, refusesRisk := denyCueAt(toks, j, cl); ok && deniedBy < 0 && !addressed && !subordinateCue(toks, start, cl) && !describesNoun(toks, start, j) {
			// A second refusal right before this one cancels it: "we never
			// skip the canary", "it's not as if we ignore the loop".
			second := -1
			for k := start - 1; k >= 0 && k >= start-2 && toks[k].clause == cl; k-- {
				if s2, ok2, _ := denyCueAt(toks, k, cl); ok2 {
					second = s2
					break
				}
			}
			for k := start - 1; k >= 0 && k >= start-5 && second < 0; k-- {
				if p, ok := phraseEndsAt(doubleOpenersSet, toks, k, cl); ok {
					second = p
				}
				if k >= start-3 && !toks[k].quoted && (toks[k].word == "nobody" || toks[k].word == "never" || toks[k].word == "nothing") {
					second = k // "nobody gets to switch off the guardrails"
				}
			}
			// "Skipping the canary is not an option" keeps the canary.
			if notAnOption(toks, e) {
				return Affirmed, ""
			}
			if risk && !refusesRisk && toks[j].is(kBareNegation) && s-j > riskReach && farRefusal(toks, j, s) {
				refusesRisk = true // "none of the fixes for class imbalance"
			}
			if risk && !refusesRisk {
				// The design handles the risk ("no leakage", "avoid
				// position bias"), unless it refuses to: "rather than
				// guard against leakage".
				if second >= 0 {
					return Denied, cue(second, j+1)
				}
				addressed = true
				j = start
				continue
			}
			if second >= 0 {
				if risk {
					return Affirmed, ""
				}
				break
			}
			// "Without X, the bandit would ..." and "nothing ships
			// without X" keep X.
			if toks[j].word == "without" && (laterModal(toks, e, "would", "could") || negatedBefore(toks, start, cl) || laterNegation(toks, e)) {
				break
			}
			// "We stop the rollout if a guardrail breaks" keeps it, and so
			// does "the canary stops as soon as the sequence excludes zero".
			if strings.HasPrefix(toks[j].word, "stop") && toks[j].word != "stopped" && (conditionAfter(toks, e) || followedBy(toks, j+1, e-j-1, "as", "when", "once", "if", "until")) {
				break
			}
			// A negation after "with" is bound to the phrase it opens: "an
			// app with nothing stored gets the standard product".
			if start == j && j > 0 && toks[j-1].word == "with" && s-j > 2 && (toks[j].word == "nothing" || toks[j].word == "no" || toks[j].word == "none") {
				break
			}
			// A bare negation does not reach past the verb of a relative
			// clause: "a file the cluster did not hold still shows its demand".
			if toks[j].is(kBareNegation) && s-j > 3 && followedBy(toks, j+1, s-j-1, "still", "also", "then", "which", "who") {
				break
			}
			deniedBy, deniedStart = j, start
			j = start
			continue
		}
		if hedgedBy < 0 {
			if _, ok := phraseEndsAt(hedgeBeforeSet, toks, j, cl); ok {
				hedgedBy = j
			} else if toks[j].is(kHedgeBefore) && !(j > 0 && toks[j-1].is(kNegator)) && !checkedWhether(toks, j) {
				// "we did not consider X" refuses; it does not hedge; "we
				// check whether X holds" commits to the check.
				hedgedBy = j
			}
		}
	}
	if deniedBy >= 0 {
		if hedgedBy >= 0 {
			return Hedged, cue(min(hedgedBy, deniedStart), s)
		}
		return Denied, cue(deniedStart, deniedBy+1)
	}
	// "We considered shadow mode but ..." weighs it and turns it down.
	if !risk {
		for j := s - 1; j >= 0 && j >= s-preWindow && toks[j].clause == cl; j-- {
			if toks[j].is(kWeighed) && butAfter(toks, e) {
				return Denied, cue(j, e)
			}
		}
	}
	// Cues after the mention, up to the end of its clause or a new one; a
	// relative clause carries on ("exploration, which we skip"), and so
	// does "but" with no new subject ("caching was considered but rejected").
	end := len(toks)
	postClause := toks[e-1].clause
	for j := e; j < len(toks) && j < e+postWindow; j++ {
		t := toks[j]
		if t.clause != postClause {
			carry := t.word == "which" && j == e ||
				t.word == "but" && j+1 < len(toks) && (toks[j+1].is(kDenyAfter) || toks[j+1].is(kRefuseRiskAfter))
			if !carry && j == e && t.is(kParenthetical) {
				// "Shadow mode, which we used for v1, is not part of the
				// plan": read on after the aside.
				k := j
				for k < len(toks) && toks[k].clause == t.clause {
					k++
				}
				if k < len(toks) {
					j, postClause = k-1, toks[k].clause
					continue
				}
			}
			if !carry {
				end = j
				break
			}
			postClause = t.clause
		}
		// "A device with no settings gets the normal version and is left
		// out": a second predicate belongs to the subject, not to a
		// mention that is the first one's object.
		if t.word == "and" && j+1 < len(toks) && coordAux[toks[j+1].word] && objectPosition(toks, s) {
			end = j
			break
		}
		if t.is(kPostStop) && (j > e || reasonStop[t.word]) && t.word != "but" {
			if phraseStartsAt(hedgeAfterSet, toks, j) {
				return Hedged, cue(j, min(j+3, len(toks)))
			}
			if t.word == "and" || t.word == "or" {
				if j+1 < len(toks) && (toks[j+1].is(kDeterminer) || toks[j+1].is(kSubject)) {
					end = j
					break
				}
				continue
			}
			end = j
			break
		}
	}
	end = min(end, e+postWindow, len(toks))
	if addressed {
		// A handled risk stays handled unless the handling is refused:
		// "guarding against drift is a waste here".
		for j := e; j < end; j++ {
			if (toks[j].is(kDenyAfter) || phraseStartsAt(refuseRiskAfterSet, toks, j)) && !(j > e && toks[j-1].is(kNegator)) {
				return Denied, cue(e, min(j+3, end))
			}
		}
		if hedgedBy >= 0 {
			return Hedged, cue(hedgedBy, s)
		}
		return Affirmed, ""
	}
	if !risk && gainButHarm(toks, e) {
		return Denied, cue(e, min(e+postWindow, len(toks)))
	}
	// Refusals first: "a backtest would be uninformative" refuses it.
	for j := e; j < end; j++ {
		w := toks[j].word
		negated := j > e && toks[j-1].is(kNegator) || j > e+1 && toks[j-2].is(kNegator)
		if (risk && (toks[j].is(kRefuseRiskAfter) || phraseStartsAt(refuseRiskAfterSet, toks, j)) || !risk && (toks[j].is(kDenyAfter) || phraseStartsAt(denyAfterSet, toks, j))) && !negated {
			next := ""
			if j+1 < len(toks) {
				next = toks[j+1].word
			}
			switch {
			case w == "replaced" && next != "by" && next != "with":
				continue // "a file is replaced when ..."
			case (w == "excluded" || w == "removed") && next == "from":
				continue // "holdout members are excluded from every assignment"
			case w == "noise" && !dismissedAs(toks, j):
				continue // "bias squared, variance and irreducible noise"
			}
			return Denied, cue(e, min(j+3, end))
		}
	}
	for j := e; j < end; j++ {
		w := toks[j].word
		if toks[j].is(kNegator) && !(j+1 < len(toks) && toks[j+1].is(kNotDenying) && !modalNotMerely(toks, j)) {
			for k := j + 1; k < end && k <= j+3; k++ {
				if toks[k].is(kRefusedPredicate) || risk && toks[k].is(kHandling) {
					if k+2 < len(toks) && toks[k+1].word == "to" && toks[k+2].is(kHarmVerb) {
						break // "not allowed to regress"
					}
					if k+1 < len(toks) && toks[k].word == "kept" && (toks[k+1].word == "out" || toks[k+1].word == "away" || toks[k+1].word == "apart") {
						break // "regions not kept out" take part
					}
					return Denied, cue(j, k+1)
				}
			}
		}
		if (w == "would" || w == "will") && !risk && j+1 < len(toks) && critiques(toks, j+1) {
			return Denied, cue(e, min(j+3, len(toks))) // "a Gaussian interval would under-cover"
		}
		if (toks[j].is(kHedgeAfter) && (j <= e+1 || j <= e+5 && modalHedges(toks, j)) || phraseStartsAt(hedgeAfterSet, toks, j)) && !(j > e && toks[j-1].is(kNegator)) {
			if w == "would" && (adoptedLater(toks, j) || j > 0 && toks[j-1].word == "otherwise" || followedBy(toks, max(e, j-3), j-max(e, j-3), "than")) {
				break // "CUPED would cut the variance, so we use it", "than it otherwise would"
			}
			return Hedged, cue(j, min(j+3, end))
		}
		if w == "later" && (j == 0 || !toks[j-1].is(kDeterminer)) && !laterAdjective(toks, j) {
			return Hedged, cue(j, j+1)
		}
	}
	if hedgedBy >= 0 {
		return Hedged, cue(hedgedBy, s)
	}
	if sent.question {
		if rhetoricalRefusal(toks) {
			return Denied, sent.text
		}
		return Hedged, "?"
	}
	for j := e; j < len(toks); j++ {
		switch toks[j].word {
		case "undecided", "tbd":
			return Hedged, cue(j, j+1)
		case "decided":
			if j > 0 && (toks[j-1].word == "not" || toks[j-1].word == "yet") {
				return Hedged, cue(j-1, j+1)
			}
		}
	}
	return Affirmed, ""
}

// laterAdjective reports whether the "later" at toks[j] qualifies the word
// after it ("later rows", "later data"), rather than putting something off.
func laterAdjective(toks []token, j int) bool {
	return j+1 < len(toks) && toks[j+1].clause == toks[j].clause && !toks[j+1].is(kFunction) && toks[j+1].word != "on"
}

// critiqueVerbs say what goes wrong with an option: "a random split would
// leak", "a global interval would under-cover new titles".
var critiqueVerbs = setOf(`leak under-cover undercover over-cover overfit overstate understate mislead inflate
deflate bias skew confound undercount overcount double-count contaminate punish penalise penalize starve
fail break hurt miss lose underestimate overestimate distort mask hide ignore backfire lag drown`)

// critiques reports whether the words from j on say, within two words,
// what would go wrong: "would badly under-cover", "will leak".
func critiques(toks []token, j int) bool {
	for k := j; k < len(toks) && k < j+2; k++ {
		w := toks[k].word
		if (w == "under" || w == "over") && k+1 < len(toks) && toks[k+1].joined {
			return true // "under-cover", "over-state"
		}
		if toks[k].is(kCritique) || strings.HasPrefix(w, "under") && len(w) > 7 || strings.HasPrefix(w, "over") && len(w) > 8 && critiqueVerbs[strings.TrimPrefix(w, "over")] {
			return true
		}
		if toks[k].is(kNegator) {
			return false
		}
	}
	// "would let training see later sessions and overstate lift": a verb
	// joined by "and" to the one after "would" says what it would do too.
	for k := j + 1; k+1 < len(toks) && k < j+12 && toks[k].clause == toks[j].clause; k++ {
		if toks[k].is(kNegator) {
			return false
		}
		if toks[k].word == "and" && toks[k+1].is(kCritique) {
			return true
		}
	}
	return false
}

// adoptedLater reports whether a later clause takes up what a "would"
// clause weighed: "..., so we use it", "and we adopt it".
func adoptedLater(toks []token, j int) bool {
	cl := toks[j].clause
	for k := j + 1; k+2 < len(toks); k++ {
		if toks[k].clause == cl || !toks[k].is(kSubject) {
			continue
		}
		switch toks[k+1].word {
		case "use", "adopt", "apply", "run", "take", "pick", "choose", "keep", "add", "do", "go":
			switch toks[k+2].word {
			case "it", "this", "that", "them", "one", "with":
				return true
			}
		}
	}
	return false
}

// modalHedges reports whether the modal at toks[j] leaves the mention
// open: "a fallback could be added", "leakage might be an issue".
func modalHedges(toks []token, j int) bool {
	if j+1 >= len(toks) {
		return true
	}
	switch toks[j+1].word {
	case "be", "become", "help", "leak", "need", "want", "add", "consider", "try", "revisit":
		return true
	}
	return false
}

// notAnOption reports whether the clause after e rules its subject out as
// unthinkable: "skipping the canary is not an option".
func notAnOption(toks []token, e int) bool {
	for j := e; j+2 < len(toks) && j < e+5; j++ {
		if toks[j].word == "not" && (toks[j+1].word == "an" && toks[j+2].word == "option" || toks[j+1].word == "acceptable" || toks[j+1].word == "allowed") {
			return true
		}
	}
	return false
}

// rhetoricalRefusal reports whether a question asks only to dismiss:
// "who needs exploration when ...?", "why bother with a holdout?".
func rhetoricalRefusal(toks []token) bool {
	return phraseStartsAt(rhetoricalOpenersSet, toks, 0)
}

// checkedWhether reports whether the "whether" at toks[j] follows a verb of
// checking: "I check whether members ranked high responded more".
func checkedWhether(toks []token, j int) bool {
	if toks[j].word != "whether" {
		return false
	}
	for k := j - 1; k >= 0 && k >= j-2; k-- {
		switch toks[k].word {
		case "check", "checks", "checked", "verify", "verifies", "test", "tests", "measure", "measures", "see", "ask", "track", "tracks", "monitor", "monitors", "confirm", "confirms",
			"predict", "predicts", "estimate", "estimates", "decide", "decides", "determine", "determines", "classify", "classifies", "tell", "tells", "flag", "flags", "detect", "detects", "learn", "learns",
			// What a design judges or reads by: "judge a picture by whether
			// it leads to a play", "the set-aside group shows whether the
			// programme pays", "we need to know whether members stay".
			"by", "shows", "show", "showing", "know", "knowing", "judge", "judges", "judged", "compare", "compares", "record", "records", "recorded", "kept", "keep", "keeps":
			return true
		}
	}
	return false
}

// subordinateCue reports whether the cue starting at toks[i] sits in a
// condition or a relative clause, where it negates something else: "if
// scoring has not answered after 90 ms, ...", "titles that were not played
// are negatives".
func subordinateCue(toks []token, i, cl int) bool {
	for k := i - 1; k >= 0 && k >= i-6 && toks[k].clause == cl; k-- {
		switch toks[k].word {
		case "if", "when", "whenever", "unless":
			return true
		case "that", "which", "who":
			// "The advantage is that you don't need to X" states a
			// fact: a "that" after "is" opens what is said, not a
			// relative clause.
			if k >= i-2 && !(k > 0 && toks[k-1].word == "not") && !(k > 0 && toks[k].word == "that" && copulas[toks[k-1].word]) {
				return true
			}
		}
	}
	return false
}

// followedBy reports whether one of words comes within n tokens after i.
func followedBy(toks []token, i, n int, words ...string) bool {
	for j := i; j < len(toks) && j < i+n; j++ {
		for _, w := range words {
			if toks[j].word == w {
				return true
			}
		}
	}
	return false
}

// farRefusal reports whether a negation some words before a risk refuses
// to handle it: a quantifier ("none of the fixes for", "no one saw") or a
// handling verb in between ("nobody checked for leakage").
func farRefusal(toks []token, j, s int) bool {
	switch toks[j].word {
	case "none", "nobody":
		return true
	}
	if j > 0 && toks[j-1].word == "no" && toks[j].word == "one" {
		return true
	}
	for k := j + 1; k < s; k++ {
		if toks[k].is(kHandling) || toks[k].word == "fixes" || toks[k].word == "fix" {
			return true
		}
	}
	return false
}

// butAfter reports whether the clause of the mention ending at e is
// followed by "but": "we considered X but the cost was too high".
func butAfter(toks []token, e int) bool {
	for j := e; j < len(toks) && j < e+8; j++ {
		if toks[j].word == "but" {
			return true
		}
		if toks[j].clause != toks[e-1].clause {
			return false
		}
	}
	return false
}

// conditionAfter reports whether a condition follows the mention in its
// sentence: "we stop the rollout if ...".
func conditionAfter(toks []token, e int) bool {
	for j := e; j < len(toks) && j < e+6; j++ {
		switch toks[j].word {
		case "if", "when", "once", "unless", "whenever", "should":
			return true
		}
	}
	return false
}

// laterNegation reports whether a negation follows position e: "without a
// rollback plan nothing ships".
func laterNegation(toks []token, e int) bool {
	for j := e; j < len(toks) && j < e+6; j++ {
		if toks[j].is(kLaterNegation) {
			return true
		}
	}
	return false
}

// spanPolarity reads the polarity of a match, inside the span too.
func spanPolarity(s *sentence, sp span, risk bool) (Polarity, string) {
	if h, ok := refusingHead(s, sp.start); ok {
		return Denied, h
	}
	pol, cue := polarity(s, sp.start, sp.end, risk)
	if s.listCue != "" && pol == Affirmed && !risk && !negatedSpan(s.tokens, sp) {
		// A negative point under a refusing heading says what the heading
		// says: "What it does not mean: - It's not a 97% chance it works".
		return Denied, s.listCue + ":"
	}
	if pol == Affirmed && !risk {
		if at, ok := undecidedUntil(s.tokens); ok && sp.start < at {
			// "batch, near-real-time or real-time, depending on the
			// channel" names the options and leaves the choice open.
			return Hedged, s.text[s.tokens[at].start:s.tokens[min(at+3, len(s.tokens)-1)].end]
		}
	}
	if s.dismissed != "" && pol != Denied {
		return Denied, s.dismissed
	}
	if pol == Affirmed && !risk {
		// A critique inside the match: "a random split would leak next
		// week's hits into training".
		for j := sp.start; j+1 < sp.end; j++ {
			if w := s.tokens[j].word; (w == "would" || w == "will") && critiques(s.tokens, j+1) {
				return Denied, s.text[s.tokens[sp.start].start:s.tokens[min(j+2, len(s.tokens)-1)].end]
			}
		}
	}
	if pol == Affirmed && sp.start < len(s.tokens) && (s.tokens[sp.start].clause > 0 || sp.start > 0) && phraseStartsAt(leadingHedgesSet, s.tokens, 0) && !(s.tokens[0].word == "later" && laterAdjective(s.tokens, 0)) {
		return Hedged, s.text[:s.tokens[min(2, len(s.tokens)-1)].end]
	}
	if pol == Affirmed {
		if j, ok := laterHedge(s.tokens, sp.end); ok {
			return Hedged, s.text[s.tokens[j].start:]
		}
	}
	if pol != Denied {
		if j, ok := laterRefusal(s.tokens, sp.end, risk); ok {
			return Denied, s.text[s.tokens[j].start:]
		}
	}
	if pol == Affirmed {
		if p, c := labelValue(s, sp.end, risk); p != Affirmed {
			return p, c
		}
		if d, inner := innerDenied(s, sp.slots, sp.start, risk); d {
			return Denied, inner
		}
	}
	return pol, cue
}

// leadingHedges open a sentence that leaves everything in it open: "If
// time permits, we'll add CUPED".
var leadingHedges = [][]string{{"if", "time", "permits"}, {"if", "needed"}, {"if", "necessary"}, {"if", "there", "is", "time"},
	{"ideally"}, {"eventually"}, {"maybe"}, {"perhaps"}, {"possibly"}, {"in", "the", "future"}, {"later"}, {"considered"}}

// laterHedge reports whether a later clause leaves what the mention names
// open by a pronoun: "concept drift... we could maybe handle that".
func laterHedge(toks []token, e int) (int, bool) {
	cl := toks[e-1].clause
	for j := e; j+1 < len(toks); j++ {
		if toks[j].clause == cl || !(toks[j].word == "could" || toks[j].word == "might" || toks[j].word == "maybe") {
			continue
		}
		// The pronoun is the modal's own: in "how bad it might get, and
		// uses it to choose" the "it" belongs to the next clause.
		for k := j + 1; k < len(toks) && k <= j+4 && toks[k].clause == toks[j].clause; k++ {
			switch toks[k].word {
			case "it", "that", "this", "them":
				return j, true
			}
		}
	}
	return 0, false
}

// outgoing are the verbs that make "out" a way of shipping: "Go out:",
// "Roll out:", "Send out:".
var outgoing = setOf(`go goes going gone went roll rolls rolled rolling send sends sent carry carried put puts
print printed check checked work worked figure find found branch fan reach ship ships shipped push pushed`)

// givenUp are the words that, ending a heading, head what a trade-off
// gives up.
var givenUp = setOf(`lost lose loses sacrificed forgone foregone`)

// refusingHead reports whether the mention follows a head that refuses the
// list after its colon: "Not doing: X, Y", "Out of scope for v1: X".
func refusingHead(s *sentence, start int) (string, bool) {
	if !s.headRead {
		s.headRead = true
		if i := strings.IndexByte(s.text, ':'); i >= 0 {
			head := s.text[:i]
			// A colon ends a word, so the head's words are the sentence's
			// first words.
			n := 0
			for n < len(s.tokens) && s.tokens[n].start < i {
				n++
			}
			if toks := s.tokens[:n]; len(toks) <= 5 { // a heading, not a clause
				for k, t := range toks {
					// "Out of scope:", "Out:", but not "Out-of-catalog:",
					// and not "Go out:" or "Roll out:", which ship.
					out := t.word == "out" && (k == len(toks)-1 && !(k > 0 && outgoing[toks[k-1].word]) || k+2 < len(toks) && toks[k+1].word == "of" && toks[k+2].word == "scope")
					// "Lost:", "What we give up:" head what a trade-off
					// gives up; "Lost plays:" names a measure.
					gaveUp := k == len(toks)-1 && (givenUp[t.word] || t.word == "up" && k > 0 && (toks[k-1].word == "give" || toks[k-1].word == "gave" || toks[k-1].word == "given"))
					if (t.is(kListCue) || out || gaveUp) && !(k+1 < len(toks) && toks[k+1].is(kNotDenying)) {
						s.head, s.headAt = head+":", i
						break
					}
				}
			}
		}
	}
	if s.head == "" || start >= len(s.tokens) || s.tokens[start].start < s.headAt {
		return "", false
	}
	return s.head, true
}

// negatedBefore reports whether a negation opens the clause before
// position i: "nothing ships without an A/B test".
func negatedBefore(toks []token, i, cl int) bool {
	for k := i - 1; k >= 0 && toks[k].clause == cl; k-- {
		if toks[k].quoted {
			continue
		}
		switch toks[k].word {
		case "nothing", "never", "no", "none", "nobody", "not":
			return true
		}
	}
	return false
}

// labelDeny and labelHedge are the values that refuse or leave open the
// label before them in a note: "exploration: none", "A/B test: TBD".
var (
	labelDeny     = setOf(`no none not never nothing skip skipped n/a dropped omitted excluded removed off disabled ignored rejected unnecessary overkill out`)
	labelRiskDeny = setOf(`ignored negligible irrelevant n/a`)
	labelHedge    = setOf(`tbd maybe later possibly depends optional undecided unclear perhaps`)
)

// labelValue reads a note written "label: value" (or "label — value"),
// where the value says whether the design does what the label names.
func labelValue(s *sentence, e int, risk bool) (Polarity, string) {
	toks := s.tokens
	if e >= len(toks) {
		return Affirmed, ""
	}
	sep := s.text[toks[e-1].end:toks[e].start]
	if !strings.Contains(sep, ":") && !strings.Contains(sep, "—") && !strings.Contains(sep, "–") && !strings.Contains(sep, " - ") {
		return Affirmed, ""
	}
	cl := toks[e].clause
	if phraseStartsAt(hedgeAfterSet, toks, e) {
		return Hedged, s.text[toks[e].start:]
	}
	for j := e; j < len(toks) && toks[j].clause == cl && j < e+4; j++ {
		switch {
		case risk && (toks[j].is(kLabelRiskDeny) || phraseStartsAt(refuseRiskAfterSet, toks, j)):
			return Denied, s.text[toks[e].start:toks[j].end]
		case toks[j].is(kLabelDeny) && !risk:
			return Denied, s.text[toks[e].start:toks[j].end]
		case toks[j].is(kLabelHedge):
			return Hedged, s.text[toks[e].start:toks[j].end]
		}
	}
	return Affirmed, ""
}

// laterModal reports whether one of modals follows position e in the
// sentence: the mark of a counterfactual ("without X, Y would ...").
func laterModal(toks []token, e int, modals ...string) bool {
	for j := e; j < len(toks); j++ {
		for _, m := range modals {
			if toks[j].word == m {
				return true
			}
		}
	}
	return false
}

// laterRefusal reports whether a later clause of the sentence refuses what
// it names by a pronoun: "..., so we don't use one", "..., and we do not
// correct for it".
func laterRefusal(toks []token, e int, risk bool) (int, bool) {
	cl := toks[e-1].clause
	for j := e; j+1 < len(toks); j++ {
		if toks[j].clause == cl {
			continue
		}
		// "... so we go without it", "... so it's out", "we accept it".
		switch w, next := toks[j].word, toks[j+1].word; {
		case w == "without" && (next == "it" || next == "one" || next == "them") && j > 0 && toks[j-1].is(kGoWithout):
			return j, true
		case (w == "it's" || w == "it") && (next == "out" || next == "overkill" || next == "unnecessary"):
			return j, true
		case risk && w == "accept" && next == "it":
			return j, true
		case (w == "can't" || w == "cannot") && next == "afford":
			return j, true
		case (w == "skip" || w == "skipping" || w == "drop" || w == "dropping" || w == "ignore" || w == "leave") && (next == "it" || next == "them" || next == "one"):
			return j, true
		}
		if !toks[j].is(kNegator) {
			continue
		}
		verb := false
		for k := j + 1; k < len(toks) && k <= j+4; k++ {
			w := toks[k].word
			if toks[k].is(kRefusedPredicate | kHandling) {
				verb = true
			}
			switch w {
			case "it", "one", "them", "this", "that":
				if verb {
					return j, true
				}
			}
		}
	}
	return 0, false
}

// innerDenied reports whether a refusal sits in the gap before one of a
// pattern's later slots ("the reward is a quality play, not a click"),
// returning the cue.
var coordAux = setOf(`is are was were gets get goes`)

// objectPosition reports whether the mention starting at s follows a verb
// in its clause, rather than opening it as its subject: "gets the normal
// version", not "the normal version is".
func objectPosition(toks []token, s int) bool {
	cl := toks[s].clause
	for k := s - 1; k >= 0 && toks[k].clause == cl; k-- {
		if coordAux[toks[k].word] || verbLike(toks[k].word) {
			return true
		}
	}
	return false
}

// verbLike reports whether w reads as a finite verb that takes an object.
func verbLike(w string) bool {
	switch w {
	case "use", "uses", "serve", "serves", "show", "shows", "keep", "keeps", "run", "runs", "see", "sees", "receive", "receives", "falls", "fall", "stays", "stay":
		return true
	}
	return false
}

// describesNoun reports whether tokens [from, to] hold a "not" that
// describes the noun before it, as a reduced relative clause does:
// "titles not available in the country", "pictures not approved".
func describesNoun(toks []token, from, to int) bool {
	for k := max(from, 1); k <= to && k+1 < len(toks); k++ {
		if toks[k].word == "not" && !notAux[toks[k-1].word] && notDescribes[toks[k+1].word] {
			return true
		}
	}
	return false
}

var (
	notAux       = setOf(`is are was were be been being do does did will would should must can could may might shall we i you they it this that which`)
	notDescribes = setOf(`available appropriate suitable allowed licensed eligible cleared permitted rated approved shown seen watched played yet offered carried stocked playable streamable`)
)

// dismissedAs reports whether the word at j is said of what comes before
// it, as in "the lift is noise", "that signal was mostly noise", rather
// than naming a thing of its own ("and irreducible noise").
func dismissedAs(toks []token, j int) bool {
	for k := j - 1; k >= 0 && k >= j-2; k-- {
		switch toks[k].word {
		case "is", "are", "was", "were", "be", "as", "just", "pure", "mostly", "only", "merely", "basically":
			return true
		}
	}
	return false
}

func innerDenied(sent *sentence, slots []int, s int, risk bool) (bool, string) {
	if len(slots) < 2 || risk {
		return false, ""
	}
	toks := sent.tokens
	for _, at := range slots {
		if at <= s || toks[at].paren && !toks[s].paren {
			continue // "(no blocked cards)" excludes inside its brackets only
		}
		cl := toks[at].clause
		for j := at - 1; j > s && j >= at-4; j-- {
			if toks[j].clause != cl {
				break
			}
			if slices.Contains(slots, j) {
				continue // the pattern's own word: "noise removed ... half"
			}
			if toks[j].is(kDenyAfter) && !toks[j-1].is(kNegator) && !describesNoun(toks, j, j) {
				if w := toks[j].word; (w == "removed" || w == "excluded") && toks[j+1].word == "from" {
					continue // "noise removed from hours"
				}
				return true, sent.text[toks[j].start:toks[j].end] // "the first month is the wrong target"
			}
			if start, ok, _ := denyCueAt(toks, j, cl); ok {
				if describesNoun(toks, start, j) {
					continue // "titles not available in the country"
				}
				contrast := toks[start].word == "instead" || toks[start].word == "rather" || toks[start].word == "in"
				if !contrast && followedBy(toks, at, 4, "error", "errors", "blank", "empty", "nothing", "spinner") {
					continue // "we never show an error" keeps the fallback
				}
				return true, sent.text[toks[start].start:toks[j].end]
			}
		}
	}
	return false, ""
}

// weighsAlternative reports whether the mention at [s, e) names an option
// the sentence sets aside rather than one the design takes: an option
// headed as the runner-up ("Runner-up: maximise average bitrate", "The
// runner-up, a bandit, lost because ...", "Why not a bandit?"), or the
// subject of a losing predicate ("... came second and lost because",
// "a random split was rejected"). A reason between the mention and the
// predicate keeps the mention ("we split at random because the forward
// split was rejected").
func weighsAlternative(toks []token, s, e int) bool {
	w := func(k int) string {
		if k < 0 || k >= len(toks) {
			return ""
		}
		return toks[k].word
	}
	// Head markers, in the first words of the sentence, before the mention.
	for k := 0; k < len(toks) && k < 6 && k < s; k++ {
		switch {
		case (w(k) == "runner" || w(k) == "runners") && w(k+1) == "up",
			w(k) == "second" && (w(k+1) == "choice" || w(k+1) == "best" || w(k+1) == "option" || w(k+1) == "place"),
			k == 0 && w(k) == "why" && w(k+1) == "not",
			w(k) == "rejected" && (w(k+1) == "alternative" || w(k+1) == "alternatives" || w(k+1) == "option" || w(k+1) == "options"),
			(w(k) == "alternative" || w(k) == "alternatives") && (w(k+1) == "considered" || w(k+1) == "rejected"):
			return true
		}
	}
	// Losing predicates after the mention, within reach and with no reason
	// in between.
	for k := e; k < len(toks) && k < e+12; k++ {
		switch w(k) {
		case "because", "since", "so", "therefore", "while", "whereas", "but":
			return false
		case "came":
			if w(k+1) == "second" || w(k+1) == "in" && w(k+2) == "second" {
				return true
			}
		case "lost":
			if w(k+1) == "because" || w(k+1) == "out" || w(k+1) == "since" {
				return true
			}
		case "rejected", "discarded", "dismissed":
			if p := w(k - 1); p == "was" || p == "were" || p == "is" || p == "are" || p == "we" || p == "i" || p == "been" {
				return true
			}
		}
	}
	return false
}

// gainButHarm reports whether the words after a mention weigh it and find
// it wanting: "bandits would save a little traffic but would break clean
// inference" sets the bandit aside.
func gainButHarm(toks []token, e int) bool {
	modal := -1
	for j := e; j < len(toks) && j < e+14; j++ {
		w := toks[j].word
		switch {
		case modal < 0 && (w == "would" || w == "could"):
			modal = j
		case modal >= 0 && w == "but":
			k := j + 1
			if k < len(toks) && (toks[k].word == "it" || toks[k].word == "this" || toks[k].word == "that" || toks[k].word == "they") {
				k++
			}
			return k+1 < len(toks) && (toks[k].word == "would" || toks[k].word == "will") && critiques(toks, k+1) && !adoptedLater(toks, modal)
		case w == "so" || w == "because" || w == "since" || w == "therefore":
			return false
		}
	}
	return false
}

// negatedSpan reports whether a match holds a negation of its own, as the
// concepts that name what something is not do ("not + chance + no effect").
func negatedSpan(toks []token, sp span) bool {
	for j := sp.start; j < sp.end && j < len(toks); j++ {
		if toks[j].is(kNegator) || toks[j].word == "nothing" {
			return true
		}
	}
	return false
}

// undecidedUntil reports whether a sentence lists alternatives and then
// leaves the choice to circumstance ("batch, near-real-time or real-time,
// depending on the channel"; "A, B and C can be applied depending on the
// budget"; "Depending on the analysis, we use A, B, C and D"), returning
// where the words it leaves open end. A condition on one choice ("we drop
// a rung depending on the buffer") has no "or", modal or list before it.
func undecidedUntil(toks []token) (int, bool) {
	open := false
	for k, t := range toks {
		switch t.word {
		case "or", "either", "can", "could", "may", "might":
			open = true
		case "depending", "dependent":
			if k+1 >= len(toks) || toks[k+1].word != "on" && toks[k+1].word != "upon" {
				continue
			}
			if open {
				return k, true
			}
			if k == 0 {
				// "Depending on X, we use A, B, C and D": a list after it.
				clauses := map[int]bool{}
				for _, u := range toks[k:] {
					clauses[u.clause] = true
				}
				if len(clauses) >= 4 {
					return len(toks) - 1, true
				}
			}
		}
	}
	return 0, false
}

// modalNotMerely reports whether the negation at j is a modal one followed
// by "simply", "just" or "merely": "the objective cannot simply be the
// highest bitrate" refuses it as the objective, where "we do not just log
// plays" adds to them.
func modalNotMerely(toks []token, j int) bool {
	if j+1 >= len(toks) {
		return false
	}
	switch toks[j+1].word {
	case "simply", "just", "merely":
	default:
		return false
	}
	switch toks[j].word {
	case "cannot", "can't", "shouldn't", "mustn't", "won't":
		return true
	case "not":
		return j > 0 && (toks[j-1].word == "must" || toks[j-1].word == "should" || toks[j-1].word == "can")
	}
	return false
}
