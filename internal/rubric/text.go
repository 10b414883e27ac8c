package rubric

import (
	"strings"
	"unicode"
)

// token is one word of a text, lower-cased, with where it came from.
type token struct {
	word  string
	start int // byte offsets in the sentence text
	end   int
	// clause counts the clause boundaries (commas, semicolons, "but")
	// before the token, so that a denial only reaches its own clause.
	clause int
}

// sentence is one sentence of a field, with its words.
type sentence struct {
	text   string
	tokens []token
	prose  bool // written as a sentence, not as a list of keywords
}

// functionWords are the small words ordinary written sentences are full of
// and keyword lists lack. "and" and "or" are left out: lists use them too.
var functionWords = setOf(`the a an of to in on for with by from at as is are was were be been being it its
this that these those we our us they their them which who whom when where while because so if than then
but not no can will would should must may might do does did has have had into each every only also more
most less how what why you your there after before until over under between about any all both one
since once per via such same other than its it's we'll we'd i`)

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

// tokenize splits s into lower-case words and counts clause boundaries.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	clause := 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if hasUpper(w) {
			w = strings.ToLower(w)
		}
		if hasMark(w) {
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
			if w == "but" {
				clause++
			}
			toks = append(toks, token{word: w, start: start, end: end, clause: clause})
		}
		start = -1
	}
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		if r == ',' || r == ';' || r == ':' || r == '(' || r == ')' {
			clause++
		}
	}
	flush(len(s))
	return toks
}

// hasMark reports whether s holds a slash or an apostrophe (straight or curly).
func hasMark(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' || c == '\'' || c == 0xE2 {
			return true
		}
	}
	return false
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

// splitSentences cuts Markdown text into sentences: by line, then after
// '.', '!' or '?' followed by a space, and after ';'.
func splitSentences(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimLeft(line, "-*+#>| ")
		if line == "" {
			continue
		}
		start := 0
		for i := 0; i < len(line); i++ {
			c := line[i]
			end := false
			switch c {
			case '.', '!', '?':
				end = i+1 == len(line) || line[i+1] == ' '
			case ';':
				end = true
			}
			if end {
				if s := strings.TrimSpace(line[start : i+1]); s != "" {
					out = append(out, s)
				}
				start = i + 1
			}
		}
		if s := strings.TrimSpace(line[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Prose thresholds: a written sentence has at least minProseWords words, a
// share of function words of at least minFunctionShare, and is not a run of
// short comma-separated items.
const (
	minProseWords    = 5
	minFunctionShare = 0.15
)

// isProse reports whether a sentence reads as written text rather than a
// list of keywords.
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
		if functionWords[t.word] {
			fn++
		}
	}
	return float64(fn) / float64(len(toks))
}

// listLike reports whether a sentence is a run of short comma-separated
// items ("retention, cold start, A/B test, CUPED").
func listLike(text string, toks []token) bool {
	commas := strings.Count(text, ",") + strings.Count(text, "|")
	return commas >= 3 && float64(len(toks))/float64(commas+1) < 3.5
}

// parseText splits text into sentences with their words.
func parseText(text string) []sentence {
	parts := splitSentences(text)
	out := make([]sentence, 0, len(parts))
	for _, p := range parts {
		toks := tokenize(p)
		out = append(out, sentence{text: p, tokens: toks, prose: isProse(p, toks)})
	}
	return out
}

// phrase is a concept phrase as words.
type phrase struct {
	text  string
	words []string
}

func newPhrase(s string) phrase {
	toks := tokenize(s)
	p := phrase{text: s, words: make([]string, len(toks))}
	for i, t := range toks {
		p.words[i] = t.word
	}
	return p
}

// wordMatches reports whether a text word matches a phrase word, allowing a
// plural on the phrase's last word.
func wordMatches(text, want string, last bool) bool {
	if text == want {
		return true
	}
	if !last || len(text) <= len(want) {
		return false
	}
	for _, st := range stems(text) {
		if st == want {
			return true
		}
	}
	return false
}

// stems returns the words that text may be an inflection of: a plural
// ("policies", "caches"), a gerund or a past form ("caching", "logged" is
// not handled: doubled consonants are left alone).
func stems(w string) []string {
	n := len(w)
	if n < 3 {
		return nil
	}
	var out []string
	switch w[n-1] {
	case 's':
		out = append(out, w[:n-1])
		if strings.HasSuffix(w, "es") {
			out = append(out, w[:n-2])
		}
		if strings.HasSuffix(w, "ies") {
			out = append(out, w[:n-3]+"y")
		}
	case 'g':
		if strings.HasSuffix(w, "ing") && n > 5 {
			out = append(out, w[:n-3], w[:n-3]+"e")
		}
	case 'd':
		if strings.HasSuffix(w, "ed") && n > 4 {
			out = append(out, w[:n-2], w[:n-1])
		}
	}
	return out
}

// at reports whether p occurs in toks at index i.
func (p phrase) at(toks []token, i int) bool {
	n := len(p.words)
	if n == 0 || i < 0 || i+n > len(toks) {
		return false
	}
	for j := 0; j < n; j++ {
		if !wordMatches(toks[i+j].word, p.words[j], j == n-1) {
			return false
		}
	}
	return true
}

// find returns the token index of every occurrence of p in toks.
func (p phrase) find(toks []token) []int {
	n := len(p.words)
	if n == 0 {
		return nil
	}
	var at []int
	for i := 0; i+n <= len(toks); i++ {
		ok := true
		for j := 0; j < n; j++ {
			if !wordMatches(toks[i+j].word, p.words[j], j == n-1) {
				ok = false
				break
			}
		}
		if ok {
			at = append(at, i)
		}
	}
	return at
}

// Denial cues. A cue before a concept, within denyWindow words and in the
// same clause, denies it ("no exploration", "without a fallback", "we skip
// the A/B test"); a cue right after it does too ("an A/B test is
// unnecessary").
var (
	denyBefore = setOf(`no not without never skip skips skipping skipped don't doesn't
didn't won't isn't aren't wasn't weren't cannot can't nor neither drop dropping omit omitting ignore ignoring
instead lack lacks lacking unnecessary`)
	notDenying = setOf(`only just merely necessarily simply`) // "not only risk", "not just clicks"
	denyAfter  = setOf(`unnecessary unneeded overkill pointless`)
	denyNeeded = setOf(`needed required necessary useful worth`) // "is not needed", "isn't required"
)

const denyWindow = 4

// denied reports whether the phrase at toks[i:i+n] is denied by its sentence.
func denied(toks []token, i, n int) bool {
	cl := toks[i].clause
	for j := i - 1; j >= 0 && j >= i-denyWindow; j-- {
		if toks[j].clause != cl {
			break
		}
		if toks[j].word == "than" && j > 0 && toks[j-1].word == "rather" {
			return true
		}
		if denyBefore[toks[j].word] {
			if j+1 < len(toks) && notDenying[toks[j+1].word] {
				continue
			}
			if toks[j].word == "instead" && (j+1 >= len(toks) || toks[j+1].word != "of") {
				continue
			}
			return true
		}
	}
	end := i + n
	for j := end; j < len(toks) && j < end+denyWindow; j++ {
		if toks[j].clause != cl {
			break
		}
		w := toks[j].word
		if denyAfter[w] {
			return true
		}
		if (w == "not" || w == "isn't" || w == "aren't" || w == "never") && j+1 < len(toks) && denyNeeded[toks[j+1].word] {
			return true
		}
	}
	return false
}
