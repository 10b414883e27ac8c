package rubric

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text, lower-cased, with where it came from.
type token struct {
	word  string
	start int // byte offsets in the sentence text
	end   int
	// clause counts the clause boundaries (commas, semicolons, "but")
	// before the token, so that a denial only reaches its own clause.
	clause int
	// kinds says which lists the word is on, set when the design is
	// parsed.
	kinds wordKinds
	// joined marks a word joined to the one before by a hyphen: the "in"
	// and "time" of "point-in-time".
	joined bool
	// eq marks a word after an "=": "churned = not paying on day 60".
	eq bool
	// paren marks a word inside brackets.
	paren bool
	// quoted marks a word of a short quotation: a name ("the “nothing
	// changes” tests"), not something the sentence says.
	quoted bool
}

// sentence is one sentence of a field, with its words and what the engine
// found out about it.
type sentence struct {
	text     string
	tokens   []token
	terms    [][]termID // the concept terms of each token
	section  string
	field    string
	order    int  // position in the design
	first    int  // the index of its first word among the design's words
	index    int  // position in the parsed design's sentences
	prose    bool // written as a sentence, not as a list of keywords
	row      bool // a row of a list field
	question bool
	later    string // the label of a field of plans ("Next steps"), read as open
	listCue  string // the refusing header of the list it is in ("Deliberately not")
	// dismissed is the answer that dismisses a short question: "Feedback
	// loops? Not a real issue."
	dismissed string
	// head is a refusing heading before a colon ("Not doing:"), read once.
	head     string
	headAt   int
	headRead bool

	// reason says whether the sentence gives a reason, once reasonRead.
	reason, reasonRead bool

	copied bool // mostly words of the case or the rubric
	packed bool // names many concepts and decides none
	// optFrom and optTo bound a list of options the sentence names
	// without choosing ("A, B, C, D and E"), of optN items; optN is 0
	// when it has none.
	optFrom, optTo, optN int
	buzz                 bool // uses marketing words, in a design full of them
	weakRow              bool // a table row of a design that reads as keyword runs
	templated            bool // one of many sentences cut from the same frame
	over                 bool // beyond the words a 45-minute answer holds in its section
	inOptions            bool // a bullet under a lead of options ("Candidate models include:")
}

// credited reports whether the sentence's words may earn points.
func (s *sentence) credited() bool { return s.prose && !s.copied && !s.templated && !s.over }

// functionWords are the small words ordinary written sentences are full of
// and keyword lists lack. "and" and "or" are left out: lists use them too.
var functionWords = setOf(`the a an of to in on for with by from at as is are was were be been being it its
this that these those we our us they their them which who whom when where while because so if than then
but not no can will would should must may might do does did has have had into each every only also more
most less how what why you your there after before until over under between about any all both one
since once per via such same other than its it's we'll we'd i off up out back down away`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isWordRune reports whether r is part of a word. Slashes and apostrophes
// stay inside words ("a/b", "don't"); hyphens split them, so that
// "cold-start" and "cold start" read the same.
func isWordRune(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '\''
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '\'' || r == '’'
}

// maxQuotedName is the most words a quotation may hold to be read as a
// name rather than as words the sentence says.
const maxQuotedName = 4

// tokenize splits s into lower-case words and counts clause boundaries.
func tokenize(s string) []token {
	return appendTokens(make([]token, 0, len(s)/5+1), s)
}

// appendTokens appends the words of s to toks, as tokenize splits them.
func appendTokens(toks []token, s string) []token {
	clause := 0
	start := -1
	lastEnd := 0
	depth := 0
	quoteFrom := -1 // the first word of an open quotation
	// special marks a word with an upper-case letter, a non-ASCII letter,
	// a slash or an apostrophe: only such a word needs more than slicing.
	special := false
	flush := func(end int) {
		w := s[start:end]
		upper, mark := false, false
		if special {
			upper, mark = scanWord(w)
		}
		if upper {
			w = strings.ToLower(w)
		}
		if mark {
			w = strings.ReplaceAll(w, "’", "'")
			for {
				t := strings.TrimSuffix(strings.Trim(w, "/'"), "'s")
				if t == w {
					break
				}
				w = t
			}
		}
		if w != "" {
			switch w {
			case "but", "whereas", "although", "though", "however":
				clause++
			}
			joined := start > 0 && s[start-1] == '-' && start > 1 && isWordByte(s[start-2])
			eq := false
			for k := lastEnd; k < start && !eq; k++ {
				eq = s[k] == '='
			}
			// "postcode/city" is two words; "a/b" and "n/a" are one.
			i := -1
			if mark {
				i = strings.IndexByte(w, '/')
			}
			if i > 1 && i < len(w)-2 && !strings.Contains(w[i+1:], "/") && end-start == len(w) {
				toks = append(toks, token{word: w[:i], start: start, end: start + i, clause: clause, joined: joined, eq: eq, paren: depth > 0},
					token{word: w[i+1:], start: start + i + 1, end: end, clause: clause, paren: depth > 0})
			} else {
				toks = append(toks, token{word: w, start: start, end: end, clause: clause, joined: joined, eq: eq, paren: depth > 0})
			}
			lastEnd = end
		}
		start = -1
	}
	for i, size := 0, 0; i < len(s); i += size {
		r := rune(s[i])
		size = 1
		if r < utf8.RuneSelf {
			if k := asciiKind[r]; k != 0 {
				if start < 0 {
					start, special = i, false
				}
				// The rest of the word's ASCII letters in one go.
				for i+size < len(s) && asciiKind[s[i+size]] != 0 {
					k |= asciiKind[s[i+size]]
					size++
				}
				special = special || k&asciiSpecial != 0
				continue
			}
			if r == ' ' {
				// Most of what is not a word: it only ends one.
				if start >= 0 {
					flush(i)
				}
				continue
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				if start < 0 {
					start = i
				}
				special = true
				continue
			}
		}
		// "no-contact", "non-personalized" stay one word: the prefix is
		// part of the name, not a negation.
		if r == '-' && start >= 0 && i+1 < len(s) && isLetter(s[i+1]) {
			if w := strings.ToLower(s[start:i]); w == "no" || w == "non" {
				continue
			}
		}
		// Numbers keep their decimal point, thousands and percent sign:
		// "0.5%", "20,000", "99.9".
		if start >= 0 && i > 0 && isDigit(s[i-1]) {
			if r == '%' {
				continue
			}
			if (r == '.' || r == ',') && i+1 < len(s) && isDigit(s[i+1]) {
				continue
			}
		}
		if start >= 0 {
			flush(i)
		}
		if r == ',' || r == ';' || r == ':' || r == '(' || r == ')' || r == '—' || r == '–' {
			clause++
		}
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			depth = max(0, depth-1)
		case '"', '“', '”':
			open := r == '“' || r == '"' && quoteFrom < 0
			if open {
				quoteFrom = len(toks)
				continue
			}
			if quoteFrom >= 0 && len(toks)-quoteFrom <= maxQuotedName {
				for k := quoteFrom; k < len(toks); k++ {
					toks[k].quoted = true
				}
			}
			quoteFrom = -1
		}
	}
	if start >= 0 {
		flush(len(s))
	}
	return toks
}

// asciiKind says of each ASCII character whether isWordRune holds for it,
// and whether a word holding it needs more than slicing. The bytes of
// other characters have no kind: they are decoded first.
var asciiKind = func() (k [256]uint8) {
	for r := range rune(utf8.RuneSelf) {
		switch {
		case r >= 'A' && r <= 'Z' || r == '/' || r == '\'':
			k[r] = asciiSpecial
		case isWordRune(r):
			k[r] = asciiWord
		}
	}
	return k
}()

const (
	asciiWord    = 1
	asciiSpecial = 2
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// scanWord reports whether w may have upper-case letters, and whether it
// may hold a slash or an apostrophe (straight or curly), in one pass.
func scanWord(w string) (upper, mark bool) {
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 0x80:
			upper = true
			mark = mark || c == 0xE2
		case c == '/' || c == '\'':
			mark = true
		}
	}
	return upper, mark
}

// part is one sentence of a text, with the refusal its list inherits: the
// bullets under "Deliberately not:" or "Rejected:" refuse what they name.
type part struct {
	text string
	cue  string
	opt  string // the lead of a list of options it is in ("Options include")
}

// optionWords, in a short line ending with ":", make the bullets under it
// a list of options rather than decisions: "Options include:",
// "Candidate approaches:", "We could use:".
var optionWords = setOf(`options option alternatives alternative candidates candidate possibilities possible choices
could might may consider considered considering explore exploring evaluate evaluated evaluating shortlist`)

// optionsLead reports whether line (ending with ":") leads a list of
// options: a short line with an option word.
func optionsLead(line string) bool {
	toks := tokenize(line)
	if len(toks) > 10 {
		return false
	}
	for _, t := range toks {
		if optionWords[t.word] {
			return true
		}
	}
	return false
}

// chosenOption reports whether a bullet of a list of options says it is
// the one chosen: "A (chosen: ...)", "B - we go with this".
func chosenOption(line string) bool {
	l := strings.ToLower(line)
	for _, w := range []string{"chosen", "choose", "we pick", "picked", "selected", "we use", "we go with", "go with", "decision", "winner", "preferred", "recommended", "✓"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// alternativesHeading reports whether a short bold heading names the
// alternatives a design weighed: "**Alternatives considered.**".
func alternativesHeading(head string) bool {
	toks := tokenize(head)
	if len(toks) > 4 {
		return false
	}
	for _, t := range toks {
		switch t.word {
		case "alternatives", "alternative", "options", "candidates":
			return true
		}
	}
	return false
}

// refusingHeadings open a line, in bold, to name what a design leaves
// out.
var refusingHeadings = []string{"non-goals", "non-goal", "non goals", "out of scope", "not in scope", "not doing", "not goals"}

// refusingHeading returns the heading of a line that opens with a bold
// refusing heading ("**Non-goals.** ..."), and whether text follows it on
// the line.
func refusingHeading(raw string) (string, bool) {
	line := strings.TrimLeft(strings.TrimSpace(raw), "-+#>| ")
	if !strings.HasPrefix(line, "**") {
		return "", false
	}
	end := strings.Index(line[2:], "**")
	if end < 0 {
		return "", false
	}
	h := strings.TrimRight(strings.TrimSpace(line[2:2+end]), ".:")
	for _, r := range refusingHeadings {
		if strings.EqualFold(h, r) {
			return h, strings.TrimSpace(line[2+end+2:]) != ""
		}
	}
	return "", false
}

// listCues are words that, in a line ending with ":", refuse the bullets
// under it.
var listCues = setOf(`not no never avoid avoided rejected reject ruled skip skipped dropped excluded won't don't`)

// sentenceMark holds the bytes that may end a sentence.
var sentenceMark = [256]bool{'.': true, '!': true, '?': true, ';': true}

// abbreviations end in a period that does not end a sentence.
var abbreviations = []string{"e.g.", "i.e.", "vs.", "cf.", "approx."}

// splitSentences cuts Markdown text into sentences: by line, then after
// '.', '!' or '?' followed by a space, and after ';'.
func splitSentences(text string) []string {
	var out []string
	for p := range parts(text) {
		out = append(out, p.text)
	}
	return out
}

// parts yields the sentences of text, each with the refusal its list
// inherits.
func parts(text string) iter.Seq[part] {
	return func(yield func(part) bool) {
		ctxIndent, ctxCue := -1, ""
		optIndent, optLead := -1, ""
		for raw := range strings.SplitSeq(text, "\n") {
			indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
			line := strings.TrimSpace(raw)
			bullet := strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "+ ")
			line = strings.TrimLeft(line, "-*+#>| ")
			if line == "" {
				continue
			}
			// A bullet deeper than a refusing header inherits its refusal.
			cue := ""
			if ctxCue != "" && bullet && indent > ctxIndent {
				cue = ctxCue
			} else {
				ctxIndent, ctxCue = -1, ""
			}
			opt := ""
			if optLead != "" && bullet && indent > optIndent {
				opt = optLead
				if chosenOption(line) {
					opt = ""
				}
			} else {
				optIndent, optLead = -1, ""
			}
			// A heading line that ends in a colon, or is set apart and ends
			// in a period ("**Alternatives considered.**"), leads the list
			// under it.
			head := strings.TrimRight(line, "*_ ")
			lead := strings.HasSuffix(head, ":") && optionsLead(head) || strings.HasSuffix(head, ".") && head != line && !bullet && alternativesHeading(head)
			if lead {
				optIndent, optLead = indent, strings.TrimRight(head, ":.")
				if !bullet {
					optIndent = -1
				}
			}
			// "**Non-goals.** Individual prices. Optimising sign-ups." An
			// opening heading that names what the design leaves out
			// refuses the rest of its line, and the list under it.
			if h, rest := refusingHeading(raw); h != "" {
				if rest {
					cue = h
				} else {
					ctxIndent, ctxCue = indent, h
					if !bullet {
						ctxIndent = -1
					}
				}
			}
			if strings.HasSuffix(line, ":") {
				if toks := tokenize(line); len(toks) <= 6 {
					for k, t := range toks {
						if listCues[t.word] && !(k+1 < len(toks) && notDenying[toks[k+1].word]) {
							ctxIndent, ctxCue = indent, strings.TrimSuffix(line, ":")
							if !bullet {
								ctxIndent = -1
							}
							break
						}
					}
				}
			}
			start := 0
			for i := 0; i < len(line); i++ {
				c := line[i]
				if !sentenceMark[c] {
					continue // most bytes: one load, no switch
				}
				end := false
				switch c {
				case '.', '!', '?':
					// Closing emphasis, brackets and quotes after the mark
					// belong to the sentence it ends: "**No peeking.** Then".
					k := i + 1
					for k < len(line) {
						if b := line[k]; b == '*' || b == '_' || b == ')' || b == '"' || b == '\'' {
							k++
						} else if strings.HasPrefix(line[k:], "”") || strings.HasPrefix(line[k:], "’") {
							k += len("”")
						} else {
							break
						}
					}
					end = k == len(line) || line[k] == ' '
					if end && k > i+1 {
						i = k - 1
					} else if end && c == '.' {
						for _, a := range abbreviations {
							if i+1 >= len(a) && strings.EqualFold(line[i+1-len(a):i+1], a) {
								end = false
							}
						}
					}
				case ';':
					end = true
				}
				if end {
					if s := strings.TrimSpace(line[start : i+1]); s != "" && !yield(part{s, cue, opt}) {
						return
					}
					start = i + 1
				}
			}
			if s := strings.TrimSpace(line[start:]); s != "" && !yield(part{s, cue, opt}) {
				return
			}
		}
	}
}

// Prose thresholds: a written sentence has at least minProseWords words, a
// share of function words of at least minFunctionShare, and is not a run of
// short comma-separated items.
const (
	minProseWords    = 5
	minFunctionShare = 0.15
)

// isProse reports whether a sentence reads as written text rather than a
// list of keywords. Its function words must be marked.
func isProse(text string, toks []token) bool {
	return len(toks) >= minProseWords && !listLike(text, toks) && functionShare(toks) >= minFunctionShare
}

// functionShare returns the share of toks that are function words.
func functionShare(toks []token) float64 {
	if len(toks) == 0 {
		return 0
	}
	fn := 0
	for _, t := range toks {
		if t.is(kFunction) {
			fn++
		}
	}
	return float64(fn) / float64(len(toks))
}

// listLike reports whether a sentence is a run of short comma-separated
// items ("retention, cold start, A/B test, CUPED").
func listLike(text string, toks []token) bool {
	if strings.Count(text, ",")+strings.Count(text, "|") < 3 {
		return false // most sentences: no need to read them byte by byte
	}
	// Commas inside parentheses list examples of one thing, not the
	// sentence's items. (The marks are ASCII, so bytes will do.)
	commas, inside, depth := 0, 0, 0
	// Items that carry a figure state the scale ("250 million accounts,
	// 190 countries, 300 tests at once"): a list of facts, not keywords.
	figures, digit := 0, false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == '(':
			depth++
		case c == ')':
			depth = max(0, depth-1)
		case (c == ',' || c == '|') && !(i > 0 && i+1 < len(text) && isDigit(text[i-1]) && isDigit(text[i+1])):
			if depth == 0 {
				commas++
				if digit {
					figures++
				}
				digit = false
			}
		case c == ' ':
			if depth > 0 {
				inside++
			}
		}
	}
	if digit {
		figures++
	}
	if 2*figures > commas+1 {
		return false
	}
	return commas >= 3 && float64(len(toks)-inside)/float64(commas+1) < 3.5
}

// parseText splits text into sentences with their words.
func parseText(text string) []sentence {
	out, _ := appendText(nil, nil, text)
	for i := range out {
		s := &out[i]
		markKinds(s.tokens)
		s.prose = s.readsAsProse()
	}
	return out
}

// readsAsProse reports whether s, not a row of a list, is written as a
// sentence: it reads as prose, or it is a short question its answer
// dismisses.
func (s *sentence) readsAsProse() bool {
	return s.dismissed != "" || isProse(s.text, s.tokens)
}

// appendText appends the sentences of text to out, and their words to
// toks. Each sentence's words are a slice of toks capped at its end, so
// that nothing appended later can overwrite them. Whether a sentence is
// prose is left to be read once its function words are marked.
func appendText(out []sentence, toks []token, text string) ([]sentence, []token) {
	from := len(out)
	for p := range parts(text) {
		n := len(toks)
		toks = appendTokens(toks, p.text)
		ts := toks[n:len(toks):len(toks)]
		out = append(out, sentence{text: p.text, tokens: ts, question: strings.HasSuffix(p.text, "?"), listCue: p.cue, later: p.opt, inOptions: p.opt != ""})
	}
	for i := from; i+1 < len(out); i++ {
		q, a := &out[i], &out[i+1]
		if q.question && len(q.tokens) <= 5 && len(a.tokens) > 0 {
			switch a.tokens[0].word {
			case "no", "not", "nope", "never", "none":
				q.dismissed = a.text
			}
		}
	}
	return out, toks
}
