package rubric

import (
	"fmt"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/lexicon"
)

// Story check kinds read a behavioural answer for its structure: the
// situation and the task, actions told in the first person, a decision, a
// result with a measure and a lesson. story scores one part; story_lacks
// and blames are red-flag triggers.
const (
	// CheckStory credits one part of a story (Check.Part).
	CheckStory = "story"
	// CheckStoryLacks raises a red flag when a part is missing: no
	// result, only "we", no decision, no lesson.
	CheckStoryLacks = "story_lacks"
	// CheckBlames raises a red flag when the story puts its failure on
	// other people.
	CheckBlames = "blames"
)

// The parts of a story.
const (
	PartSituation = "situation"
	PartTask      = "task"
	PartActions   = "actions"
	PartDecision  = "decision"
	PartResult    = "result"
	PartLesson    = "lesson"
)

// StoryParts lists the parts a story check may name, in telling order.
var StoryParts = []string{PartSituation, PartTask, PartActions, PartDecision, PartResult, PartLesson}

// Thresholds of first-person telling: actions are the teller's own when at
// least storyMinI sentences say "I" and at least storyIShare of the
// sentences with an actor say "I" rather than "we"; below storyOnlyWe the
// story is told only as "we".
const (
	storyMinI   = 3
	storyIShare = 0.5
	storyOnlyWe = 0.25
)

func (c *Check) validateStory() []Problem {
	var ps []Problem
	switch c.Check {
	case CheckStory, CheckStoryLacks:
		if !slices.Contains(StoryParts, c.Part) {
			ps = append(ps, Problem{Path: ".part", Message: fmt.Sprintf("part: unknown part %q (one of %v)", c.Part, StoryParts)})
		}
		if c.Check == CheckStoryLacks && (c.Part == PartSituation || c.Part == PartTask) {
			ps = append(ps, Problem{Path: ".part", Message: fmt.Sprintf("part: a missing %s is scored by a story item, not raised as a red flag (one of actions, decision, result, lesson)", c.Part)})
		}
	case CheckBlames:
		if c.Part != "" {
			ps = append(ps, Problem{Path: ".part", Message: "part: blames takes no part"})
		}
	}
	return ps
}

// storyLine is one sentence of a story, with its words.
type storyLine struct {
	s     *sentence
	words []string
}

// storyLines returns the sentences a story check reads: written text (not
// table rows, not copied from the prompt) of its sections, in order.
func storyLines(c *Check, p *parsed) []storyLine {
	var out []storyLine
	for i := range p.sents {
		s := &p.sents[i]
		if s.row || s.copied || s.over || len(c.Sections) > 0 && !slices.Contains(c.Sections, s.section) {
			continue
		}
		ws := make([]string, len(s.tokens))
		for k, t := range s.tokens {
			ws[k] = t.word
		}
		out = append(out, storyLine{s: s, words: ws})
	}
	return out
}

var (
	firstSingular = setOf(`i i'm i've i'd i'll me myself`)
	firstPlural   = setOf(`we we're we've we'd we'll us ourselves`)
	// Other people a story may blame.
	others = setOf(`they them he she him his her their theirs team teams manager managers pm pms product management
leadership engineers engineering qa vendor vendors contractor contractors stakeholders marketing sales ops
colleague colleagues coworker coworkers peer peers boss client clients analyst analysts designers`)
	numberWords = setOf(`one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
hundred hundreds thousand thousands million millions billion half third quarter twice double doubled tripled
halved quadrupled tenfold`)
	decisionLemmas = setOf(`decide choose pick opt propose recommend commit settle prioritise prioritize
select bet drop cut kill pause stop cancel scrap shelve escalate veto approve greenlight insist defer
offer suggest argue advocate switch scope`)
	resultLemmas = setOf(`reduce cut raise increase grow rise fall drop lift improve save ship launch deliver lower
shorten double halve triple recover win gain lose finish complete catch prevent reach hit beat exceed miss affect
speed shrink boost land adopt retain convert result lead end`)
	resultNouns = setOf(`result results outcome outcomes impact effect gain gains lift uplift improvement improvements
saving savings reduction reductions increase decrease drop growth win`)
)

// lemmaIn reports whether word is, or inflects, a lemma of set.
func lemmaIn(set map[string]bool, word string) bool {
	if set[word] {
		return true
	}
	for _, l := range lexicon.Default().Lemmas(word) {
		if set[l] {
			return true
		}
	}
	return false
}

// phraseAt reports whether the words from i read as phrase.
func phraseAt(ws []string, i int, phrase []string) bool {
	if i+len(phrase) > len(ws) {
		return false
	}
	for k, w := range phrase {
		if ws[i+k] != w {
			return false
		}
	}
	return true
}

// hasPhrase reports whether ws holds any of phrases, each words separated
// by spaces.
func hasPhrase(ws []string, phrases []string) bool {
	for _, ph := range phrases {
		p := strings.Fields(ph)
		for i := range ws {
			if phraseAt(ws, i, p) {
				return true
			}
		}
	}
	return false
}

func (l storyLine) says(set map[string]bool) bool {
	return slices.ContainsFunc(l.words, func(w string) bool { return set[w] })
}

// iSubject reports whether the sentence says what "I" did: "I" (or "I'm",
// "I'd") as a word, not only "me".
func (l storyLine) iSubject() bool {
	return slices.ContainsFunc(l.words, func(w string) bool { return firstSingular[w] && w != "me" && w != "myself" })
}

// decides reports whether the sentence states a decision of the teller's:
// "I decided", "I chose", "I pushed for", "my call was", "I made the call".
func (l storyLine) decides() bool {
	ws := l.words
	for i, w := range ws {
		if w == "my" && i+1 < len(ws) {
			switch ws[i+1] {
			case "decision", "call", "recommendation", "proposal", "choice", "bet":
				return true
			}
		}
		if !firstSingular[w] || w == "me" || w == "myself" {
			continue
		}
		for k := i + 1; k < len(ws) && k <= i+6; k++ {
			if firstSingular[ws[k]] || ws[k] == "and" && k > i+4 {
				break
			}
			if decisionPhrase(ws, k) || lemmaIn(decisionLemmas, ws[k]) && !planned(ws, k) {
				return true
			}
		}
		// "I retrained the model on plays instead", "I kept the rule
		// rather than the model": a choice between options, told as what
		// the teller did, not as what someone said or what was learned.
		if choseOver(ws, i) && !l.conditional(i) && !l.lesson() {
			return true
		}
	}
	return false
}

// teamDecides reports whether the sentence states a decision taken as a
// team: "we decided", "we chose", "the team agreed to". It is a decision
// in the story, though not the teller's own.
func (l storyLine) teamDecides() bool {
	ws := l.words
	for i, w := range ws {
		if !firstPlural[w] && w != "team" {
			continue
		}
		for k := i + 1; k < len(ws) && k <= i+3; k++ {
			if decisionPhrase(ws, k) || (lemmaIn(decisionLemmas, ws[k]) || agreedOn(ws, k)) && !planned(ws, k) {
				return true
			}
		}
	}
	return false
}

// choicePast are past forms, beyond the result verbs', that tell what the
// teller did in place of something else.
var choicePast = setOf(`built rebuilt wrote rewrote chose took sent spent gave held drew`)

// agreedOn reports whether word k states a decision taken together:
// "we agreed on a compromise", "we settled on", "agreed to pause"; not
// "we agreed that the points were fair".
func agreedOn(ws []string, k int) bool {
	if k+1 >= len(ws) || !lemmaIn(agreeLemmas, ws[k]) {
		return false
	}
	switch ws[k+1] {
	case "on", "to", "upon":
		return true
	}
	return false
}

var agreeLemmas = setOf(`agree settle`)

// choseOver reports whether "I" at i is followed by a verb in the past
// and then "instead" or "rather than", in a sentence that does not report
// what others said: "I rebuilt the label on qualified plays instead".
func choseOver(ws []string, i int) bool {
	for k := 0; k < i; k++ {
		switch ws[k] {
		case "because", "said", "told", "thought", "felt", "if", "when":
			return false
		}
	}
	v := i + 1
	if v < len(ws) && (ws[v] == "then" || ws[v] == "also" || ws[v] == "deliberately" || ws[v] == "instead") {
		v++
	}
	if v >= len(ws) || !(len(ws[v]) > 3 && strings.HasSuffix(ws[v], "ed") || irregularPast[ws[v]] || choicePast[ws[v]]) {
		return false
	}
	return hasPhrase(ws[v:], []string{"instead", "rather than"})
}

// decisionPhrase reports whether a phrase of deciding starts at word k:
// "went with", "made the call", "pushed for", "called it off".
func decisionPhrase(ws []string, k int) bool {
	for _, ph := range [][]string{{"went", "with"}, {"go", "with"}, {"pushed", "for"}, {"push", "for"}, {"called", "it"}, {"called", "off"},
		{"made", "the", "call"}, {"made", "a", "call"}, {"went", "back", "and"}, {"made", "the", "decision"}, {"made", "a", "decision"}, {"made", "the", "choice"},
		// A choice not to: "I didn't try to debug it live."
		{"didn't", "try", "to"}, {"did", "not", "try", "to"}, {"rolled", "back"}, {"roll", "back"}} {
		if phraseAt(ws, k, ph) {
			return true
		}
	}
	return false
}

// measure reports whether the sentence carries a measure: a number, a
// percentage, or a number word ("half", "doubled", "three weeks").
func (l storyLine) measure() bool {
	for _, w := range l.words {
		if w != "" && isDigit(w[0]) || numberWords[w] {
			return true
		}
	}
	return false
}

// resultSaid reports whether the sentence reports an outcome: "cut
// latency by 40%", "the result was", "it shipped", "in the end". A plan
// ("to ship", "could cut") is not one, nor the task or a decision.
func (l storyLine) resultSaid() bool {
	if l.task() || l.decides() {
		return false
	}
	if hasPhrase(l.words, outcomePhrases) && !l.says(conditionalWords) {
		return true
	}
	for i, w := range l.words {
		if resultNouns[w] {
			return true
		}
		if len(w) > 2 && (strings.HasSuffix(w, "ed") || irregularPast[w]) && !l.s.tokens[i].joined && lemmaIn(resultLemmas, w) && !planned(l.words, i) && !l.conditional(i) && !raisedPoint(l.words, i) {
			return true
		}
	}
	return false
}

var conditionalWords = setOf(`if unless would could might`)

// outcomePhrases say what came of the work, with or without a measure.
var outcomePhrases = []string{"in the end", "as a result", "ended up", "went from", "by the end", "which meant", "that meant",
	"went into production", "went live", "went out", "into production", "worked out", "paid off", "was adopted", "were adopted",
	"was used", "were used", "is used", "is now used", "now uses", "now use", "was rolled out", "were rolled out", "got rolled out",
	"got more", "got better", "became more", "grew more", "more confident", "less help", "on their own", "on his own", "on her own",
	"was promoted", "got promoted", "were happy", "was happy", "the outcome", "stopped asking", "no longer",
	"the final version", "found it easier", "went well", "went fine", "went smoothly"}

// raisedPoint reports whether the verb at i raises a point rather than
// moving a number: "raised a fair worry", not "raised eleven questions,
// against two".
func raisedPoint(ws []string, i int) bool {
	for k := i + 1; k < len(ws) && k <= i+3; k++ {
		if ws[k] != "" && isDigit(ws[k][0]) || numberWords[ws[k]] {
			return false
		}
		if pointWords[ws[k]] {
			return true
		}
	}
	return false
}

// conditional reports whether the verb at i is in an "if" or "unless"
// clause: "if hours fell more than 1%, we would roll back" is a plan.
func (l storyLine) conditional(i int) bool {
	t := l.s.tokens
	for k := i - 1; k >= 0 && t[k].clause == t[i].clause; k-- {
		switch t[k].word {
		case "if", "unless", "whether", "should", "would", "could":
			return true
		}
	}
	return false
}

var pointWords = setOf(`concern concerns worry worries question questions issue issues point points objection objections
doubt doubts alarm flag flags idea ideas hand`)

// irregularPast are past forms of result verbs that do not end in -ed.
var irregularPast = setOf(`cut rose fell grew won lost hit beat led caught brought took went made kept sped shrank shrunk
set put ran came became`)

// planned reports whether the verb at i is a plan rather than an outcome:
// "to cut", "would cut", "could have cut".
func planned(ws []string, i int) bool {
	for k := max(0, i-2); k < i; k++ {
		switch ws[k] {
		case "to", "could", "would", "will", "should", "can", "might", "must", "may", "if", "whether":
			return true
		}
	}
	return false
}

var lessonPhrases = []string{"lesson", "lessons", "taught me", "next time", "since then", "now i", "i now", "these days i",
	"ever since", "in hindsight", "looking back", "do differently", "would do it differently", "takeaway", "i realised",
	"i realized", "showed me", "i came away", "i changed how", "i have kept", "i've kept", "i still", "from then on",
	"i learned", "i learnt", "i've learned", "i have learned", "what i learned", "what i learnt", "it taught", "i now ask",
	"my rule", "i always", "i make sure", "today i", "took away", "what i took", "i took from", "my own habit", "habit changed",
	"for me personally", "the lesson for me"}

// lesson reports whether the sentence states what the teller learned or
// does differently now.
func (l storyLine) lesson() bool { return hasPhrase(l.words, lessonPhrases) }

var taskPhrases = []string{"my goal", "my task", "my job", "my role", "my responsibility", "i was asked", "i was tasked",
	"i owned", "i was responsible", "i needed to", "i had to", "the goal was", "the task was", "the ask was",
	"i set out to", "i was supposed to", "i was given", "i was in charge", "i was leading", "i led", "the problem was",
	"the challenge was", "we needed to", "i wanted to", "i was hired to", "my mandate", "it fell to me", "i took on",
	"i volunteered", "i agreed to", "i was the", "i had two", "i had three", "i had a week", "i had one",
	"so i took it", "it was mine", "it was my pipeline", "it was my change", "it was my service", "it was my model",
	"request was", "asked me to", "my manager asked", "was asked to", "once had to"}

// task reports whether the sentence states what the teller had to achieve.
func (l storyLine) task() bool { return hasPhrase(l.words, taskPhrases) }

var sceneWords = setOf(`was were had team company project role joined worked working ago last year years month
months quarter when while at previous former startup product launch`)

// scene reports whether the sentence sets the scene: where, when, what.
func (l storyLine) scene() bool {
	if len(l.words) < 6 {
		return false
	}
	for _, w := range l.words {
		if sceneWords[w] || len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) && isDigit(w[2]) && isDigit(w[3]) {
			return true
		}
	}
	return false
}

// letDown are what others failed to do in a story that blames them: "they
// didn't prioritise it", "he never delivered".
var letDown = setOf(`prioritise prioritize prioritised prioritized deliver delivered to listen follow care bother respond reply flag flagged mention mentioned warn warned tell told`)

// othersFailings follow "someone else('s)" in a story that blames: the
// possessive is not among a sentence's words.
var othersFailings = setOf(`delays delay mistakes mistake failure failures fault errors error bugs bug problems problem mess slip slips`)

// namedBefore reports whether someone else's work comes before word i:
// "his notebooks were", "Marco's changes were", "the vendor's API was".
func (l storyLine) namedBefore(i int) bool {
	toks, text := l.s.tokens, l.s.text
	for k := max(0, i-5); k < i; k++ {
		w := toks[k].word
		if w == "his" || w == "her" || w == "their" {
			return true
		}
		// A possessive's "'s" is not part of the word: read it in the text.
		raw := text[toks[k].start:toks[k].end]
		if (strings.HasSuffix(raw, "'s") || strings.HasSuffix(raw, "’s")) && !firstSingular[w] && !firstPlural[w] && w != "it" && w != "that" && w != "what" && w != "there" && w != "here" && w != "he" && w != "she" {
			return true
		}
	}
	return false
}

// theirFailings follow "their" in a story that blames: "their mess",
// "their negligence".
var theirFailings = setOf(`mess fault incompetence delays negligence sloppiness failure`)

// compoundHeads end a noun phrase that a failing word only describes:
// "his failure analysis", "their delays spreadsheet".
var compoundHeads = setOf(`tool tools team teams process processes system systems doc docs document meeting meetings cycle cycles calendar board analysis review reviews software sheet spreadsheet`)

// notGetting reports whether the words from i say that others did not
// understand or care: "never understood", "didn't really get", "doesn't
// care".
func notGetting(ws []string, i int) bool {
	for n := 0; n < 2 && i+1 < len(ws); n++ {
		switch ws[i] {
		case "had", "has", "have", "honestly", "just", "simply", "clearly", "still":
			i++
		}
	}
	if i+1 >= len(ws) {
		return false
	}
	switch ws[i] {
	case "didn't", "never", "don't", "doesn't", "couldn't", "wouldn't":
	default:
		return false
	}
	k := i + 1
	if k+1 < len(ws) && (ws[k] == "really" || ws[k] == "even" || ws[k] == "fully") {
		k++
	}
	switch ws[k] {
	case "understand", "understood", "get", "got", "care", "cared", "listen", "listened", "bother", "bothered":
		return true
	}
	return false
}

var blameWords = setOf(`fault blame blamed blaming incompetent lazy sloppy careless useless clueless`)

// blames reports whether the sentence puts a failure on others: "it was
// the data team's fault", "they dropped the ball", "because of them".
func (l storyLine) blames() bool {
	ws := l.words
	mine := func(i int) bool {
		for k := max(0, i-4); k < i; k++ {
			if ws[k] == "my" || ws[k] == "i" || ws[k] == "own" || ws[k] == "not" || ws[k] == "no" || ws[k] == "nobody's" || ws[k] == "no-one" {
				return true
			}
		}
		return false
	}
	for i, w := range ws {
		switch {
		case blameWords[w]:
			if w == "blame" || w == "blamed" || w == "blaming" {
				// "I blamed the vendor" blames; "I blame myself", "no one to blame" do not.
				if i+1 < len(ws) && (ws[i+1] == "myself" || ws[i+1] == "me") || i > 0 && (ws[i-1] == "to" || ws[i-1] == "no" || ws[i-1] == "not") {
					continue
				}
				return true
			}
			if !mine(i) {
				return true
			}
		case phraseAt(ws, i, []string{"dropped", "the", "ball"}) || phraseAt(ws, i, []string{"let", "us", "down"}) ||
			phraseAt(ws, i, []string{"let", "me", "down"}) || phraseAt(ws, i, []string{"screwed", "up"}) ||
			phraseAt(ws, i, []string{"messed", "up"}) || phraseAt(ws, i, []string{"under", "the", "bus"}):
			if i > 0 && !firstSingular[ws[i-1]] && !mine(i) {
				return true
			}
		case phraseAt(ws, i, []string{"outside", "my", "control"}) || phraseAt(ws, i, []string{"out", "of", "my", "control"}) ||
			phraseAt(ws, i, []string{"beyond", "my", "control"}) ||
			(w == "someone" || w == "somebody") && i+2 < len(ws) && ws[i+1] == "else" && othersFailings[ws[i+2]]:
			// "Things went wrong, mostly outside my control", "the
			// results of someone else's delays".
			if !(i > 0 && (ws[i-1] == "not" || ws[i-1] == "nothing")) {
				return true
			}
		case (w == "they" || w == "he" || w == "she") && i+2 < len(ws) && (ws[i+1] == "didn't" || ws[i+1] == "never" || ws[i+1] == "failed" || ws[i+1] == "hadn't") && letDown[ws[i+2]]:
			// "I had flagged it, but they didn't prioritise it", "a
			// freeze they hadn't flagged".
			return true
		case (w == "they" || w == "he" || w == "she") && i+2 < len(ws) && (ws[i+1] == "were" || ws[i+1] == "was") && (ws[i+2] == "slow" || ws[i+2] == "late"):
			// "They were slow to pick up our changes."
			return true
		case others[w] && notGetting(ws, i+1):
			// "the product managers didn't really understand ML", "their
			// PM had never understood what a model involves".
			return true
		case (w == "their" || w == "his" || w == "her") && i+1 < len(ws) && theirFailings[ws[i+1]] && !(i > 0 && ws[i-1] == "fix") &&
			!(i+2 < len(ws) && compoundHeads[ws[i+2]]):
			// "it was their mess"; "his failure analysis" names a thing,
			// not a failing. ("Their planning" is left out: "the noise of
			// their planning" blames no one.)
			return true
		case (w == "not" || w == "wasn't" || w == "isn't") && i+2 < len(ws) && ws[i+1] == "my" && (ws[i+2] == "decision" || ws[i+2] == "call" || ws[i+2] == "problem" || ws[i+2] == "job"):
			// "I told him it wasn't my decision."
			return true
		case phraseAt(ws, i, []string{"stuck", "in", "their", "ways"}) || phraseAt(ws, i, []string{"not", "ours"}):
			return true
		case (phraseAt(ws, i, []string{"limit", "to", "what", "i", "could", "do"}) || phraseAt(ws, i, []string{"nothing", "i", "could", "do"}) ||
			phraseAt(ws, i, []string{"little", "i", "could", "do"}) || phraseAt(ws, i, []string{"not", "much", "i", "could", "do"})) &&
			slices.ContainsFunc(ws[i:], func(w string) bool { return w == "another" || w == "other" || w == "their" || w == "they" || others[w] }):
			// "There was a limit to what I could do about another team's
			// roadmap."
			return true
		case w == "the" && i+2 < len(ws) && (ws[i+1] == "main" || ws[i+1] == "real" || ws[i+1] == "whole") && (ws[i+2] == "reason" || ws[i+2] == "cause" || ws[i+2] == "problem") && l.namedBefore(i):
			// "Marco's notebooks were the main reason our readouts were late."
			return true
		case w == "because" && i+2 < len(ws) && ws[i+1] == "of" && others[ws[i+2]],
			(w == "thanks" || w == "due") && i+2 < len(ws) && ws[i+1] == "to" && others[ws[i+2]] && !slices.Contains(ws, "help"):
			return true
		}
	}
	return false
}

// sentences says how many sentences: "1 sentence", "3 sentences".
func sentences(n int) string {
	if n == 1 {
		return "1 sentence"
	}
	return fmt.Sprintf("%d sentences", n)
}

// quoteOf returns the text of a sentence to quote in a report.
func quoteOf(l storyLine) string { return excerpt(l.s.text) }

// story scores one part of a story and quotes the answer when it is missing.
func (e *Engine) story(c *Check, p *parsed, cr *CheckResult) {
	lines := storyLines(c, p)
	cr.Label = storyLabel(c.Part)
	if len(c.Sections) > 0 {
		cr.Section = c.Sections[0]
	}
	miss := func(credit float64, msg string) {
		cr.Credit = credit
		cr.Notes = append(cr.Notes, Note{Kind: "missing_part", Message: msg})
	}
	found := func(l storyLine, words string) {
		cr.Credit = 1
		cr.Evidence = append(cr.Evidence, Evidence{Section: l.s.section, Field: l.s.field, Words: words, Excerpt: quoteOf(l)})
	}
	if len(lines) == 0 {
		miss(0, "Missing: "+storyLabel(c.Part)+". The answer tells no story yet.")
		cr.Hint = storyHint(c.Part)
		return
	}
	last := lines[len(lines)-1]
	switch c.Part {
	case PartSituation:
		for _, l := range lines[:min(3, len(lines))] {
			if l.scene() {
				found(l, "the scene")
				return
			}
		}
		miss(0, fmt.Sprintf("Missing: the situation. The story opens “%s” without saying where, when or what was at stake.", quoteOf(lines[0])))
	case PartTask:
		for _, l := range lines {
			if l.task() {
				found(l, "the task")
				return
			}
		}
		miss(0, fmt.Sprintf("Missing: the task. No sentence says what you had to achieve or own; the story opens “%s”.", quoteOf(lines[0])))
	case PartActions:
		e.actions(lines, cr)
	case PartDecision:
		for _, l := range lines {
			if l.decides() {
				found(l, "a decision")
				return
			}
		}
		if i := slices.IndexFunc(lines, storyLine.teamDecides); i >= 0 {
			miss(0.5, fmt.Sprintf("Part: a decision told as the team's: “%s”. Say which call was yours, and the options you weighed.", quoteOf(lines[i])))
			break
		}
		miss(0, fmt.Sprintf("Missing: a decision. No sentence says what you decided (“I decided…”, “I chose…”, “my call was…”); the story ends “%s”.", quoteOf(last)))
	case PartResult:
		var unmeasured *storyLine
		for i := range lines {
			l := lines[i]
			if l.resultSaid() && l.measure() {
				found(l, "a result with a measure")
				return
			}
			if l.resultSaid() && unmeasured == nil {
				unmeasured = &lines[i]
			}
		}
		if unmeasured != nil {
			miss(0.5, fmt.Sprintf("Part: a result without a measure: “%s”. Say how much changed: a number, a percentage, a time.", quoteOf(*unmeasured)))
		} else {
			miss(0, fmt.Sprintf("Missing: the result. The story ends “%s” without saying what came of it, or by how much.", quoteOf(last)))
		}
	case PartLesson:
		for _, l := range lines {
			if l.lesson() {
				found(l, "a lesson")
				return
			}
		}
		miss(0, fmt.Sprintf("Missing: what you learned. Nothing says what you took from it or do differently now; the story ends “%s”.", quoteOf(last)))
	}
	if cr.Credit < 0.999 {
		cr.Hint = storyHint(c.Part)
	}
}

// actions credits actions told in the first person: enough sentences say
// "I", and more of them than say "we".
func (e *Engine) actions(lines []storyLine, cr *CheckResult) {
	var is, wes []storyLine
	for _, l := range lines {
		switch {
		case l.iSubject():
			is = append(is, l)
		case l.says(firstPlural):
			wes = append(wes, l)
		}
	}
	share := 0.0
	if len(is)+len(wes) > 0 {
		share = float64(len(is)) / float64(len(is)+len(wes))
	}
	cr.Credit = min(1, float64(len(is))/storyMinI) * min(1, share/storyIShare)
	if len(is) > 0 {
		cr.Evidence = append(cr.Evidence, Evidence{Section: is[0].s.section, Field: is[0].s.field,
			Words: fmt.Sprintf("“I” in %s, only “we” in %d", sentences(len(is)), len(wes)), Excerpt: quoteOf(is[0])})
	}
	switch {
	case cr.Credit >= 0.999:
	case len(wes) > len(is):
		cr.Notes = append(cr.Notes, Note{Kind: "missing_part", Section: wes[0].s.section, Field: wes[0].s.field, Excerpt: quoteOf(wes[0]),
			Message: fmt.Sprintf("Part: the actions are told as “we”: “we” in %s, “I” in %d, such as “%s”. Say what you yourself did.", sentences(len(wes)), len(is), quoteOf(wes[0]))})
	default:
		cr.Notes = append(cr.Notes, Note{Kind: "missing_part",
			Message: fmt.Sprintf("Part: few actions of your own: what you did is told in %s; tell at least %d steps you took, as “I …”.", sentences(len(is)), storyMinI)})
	}
}

// storyLacks raises a flag when the story has no such part, and quotes
// the answer where it should be.
func (e *Engine) storyLacks(c *Check, p *parsed, cr *CheckResult) {
	lines := storyLines(c, p)
	cr.Label = "the story has no " + strings.TrimPrefix(storyLabel(c.Part), "a ")
	if len(lines) == 0 {
		return // nothing written: nothing to mark down
	}
	last := lines[len(lines)-1]
	raise := func(words string, l storyLine) {
		cr.Credit = 1
		cr.Evidence = []Evidence{{Section: l.s.section, Field: l.s.field, Words: words, Excerpt: quoteOf(l)}}
	}
	switch c.Part {
	case PartActions:
		var is, wes []storyLine
		for _, l := range lines {
			switch {
			case l.iSubject():
				is = append(is, l)
			case l.says(firstPlural):
				wes = append(wes, l)
			}
		}
		if len(is) == 0 && len(wes) > 0 || len(wes) >= 2 && float64(len(is))/float64(len(is)+len(wes)) < storyOnlyWe {
			raise(fmt.Sprintf("only “we”: “we” in %s, “I” in %d", sentences(len(wes)), len(is)), wes[0])
		}
	case PartDecision:
		if !slices.ContainsFunc(lines, func(l storyLine) bool { return l.decides() || l.teamDecides() }) {
			raise("no decision; it ends", last)
		}
	case PartResult:
		if !slices.ContainsFunc(lines, storyLine.resultSaid) {
			raise("no result; it ends", last)
		}
	case PartLesson:
		if !slices.ContainsFunc(lines, storyLine.lesson) {
			raise("no lesson; it ends", last)
		}
	}
}

// blames raises a flag when a sentence puts the failure on others.
func (e *Engine) blames(c *Check, p *parsed, cr *CheckResult) {
	cr.Label = "the story blames others"
	for _, l := range storyLines(c, p) {
		if l.blames() {
			cr.Credit = 1
			cr.Evidence = []Evidence{{Section: l.s.section, Field: l.s.field, Words: "blames others", Excerpt: quoteOf(l)}}
			return
		}
	}
}

func storyLabel(part string) string {
	switch part {
	case PartSituation:
		return "the situation: where, when and what was at stake"
	case PartTask:
		return "the task: what you had to achieve"
	case PartActions:
		return "actions in the first person: what you did, as “I”"
	case PartDecision:
		return "a decision you made"
	case PartResult:
		return "a result with a measure"
	case PartLesson:
		return "what you learned"
	}
	return part
}

func storyHint(part string) string {
	switch part {
	case PartSituation:
		return "Open with the situation in a sentence or two: the team, the product, when, and what was at stake."
	case PartTask:
		return "Say what you had to achieve or own, in one sentence: “My job was to…”."
	case PartActions:
		return "Tell the steps you took yourself, as “I …”; say “we” only for what the team did."
	case PartDecision:
		return "Name the decision you made and the options you weighed: “I decided to…, because…”."
	case PartResult:
		return "End with the result and its measure: what changed, by how much, by when."
	case PartLesson:
		return "Close with what you learned and what you do differently since."
	}
	return ""
}
