package sqldrill

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// statement is a learner's answer once its text has passed the checks
// that need no database: its SQL with surrounding blanks, comments and the
// final semicolon cut off, and its first keyword in upper case.
type statement struct {
	sql   string
	first string
}

// refusal is why an answer is not run, in plain words.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{fmt.Sprintf(format, args...)} }

// parseStatement checks that text is at most maxBytes long, valid UTF-8
// without NUL bytes, and holds exactly one statement that begins with
// SELECT or WITH. It splits statements the way SQLite's tokenizer does:
// semicolons inside 'strings', "identifiers", [identifiers],
// `identifiers`, -- line comments and /* block comments */ do not count.
// SQLite itself then has the last word on what the statement does (see
// the authorizer in sandbox.go); this only gives clear reasons early.
func parseStatement(text string, maxBytes int) (statement, error) {
	switch {
	case len(text) > maxBytes:
		return statement{}, refuse("Your query is %d bytes long; the limit is %d.", len(text), maxBytes)
	case strings.IndexByte(text, 0) >= 0:
		return statement{}, refuse("Your query contains a NUL byte.")
	case !utf8.ValidString(text):
		return statement{}, refuse("Your query is not valid UTF-8 text.")
	}
	start, end, count := -1, -1, 0
	inStmt := false
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			nl := strings.IndexByte(text[i:], '\n')
			if nl < 0 {
				i = len(text)
			} else {
				i += nl + 1
			}
			continue
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			close := strings.Index(text[i+2:], "*/")
			if close < 0 {
				return statement{}, refuse("Your query has a /* comment that is never closed.")
			}
			i += close + 4
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == ';':
			inStmt = false
			i++
			continue
		}
		if !inStmt {
			inStmt = true
			count++
			if count > 1 {
				return statement{}, refuse("Your answer holds more than one statement; write a single SELECT.")
			}
			start = i
		}
		n, err := tokenLen(text[i:])
		if err != nil {
			return statement{}, err
		}
		i += n
		end = i
	}
	if count == 0 {
		return statement{}, refuse("Your answer is empty.")
	}
	sql := text[start:end]
	first := strings.ToUpper(leadingWord(sql))
	if first != "SELECT" && first != "WITH" {
		if first == "" {
			first = sql[:min(len(sql), 12)]
		}
		return statement{}, refuse("Only a SELECT statement (or WITH ... SELECT) is run; yours begins with %s.", first)
	}
	return statement{sql: sql, first: first}, nil
}

// tokenLen returns the length of the token at the start of s: a quoted
// string or identifier, or a run of anything up to the next quote,
// comment, blank or semicolon.
func tokenLen(s string) (int, error) {
	closer := map[byte]byte{'\'': '\'', '"': '"', '`': '`', '[': ']'}[s[0]]
	if closer == 0 {
		for i := 0; i < len(s); i++ {
			switch c := s[i]; c {
			case '\'', '"', '`', '[', ';', ' ', '\t', '\n', '\r', '\f', '\v':
				return max(i, 1), nil
			case '-', '/':
				if i+1 < len(s) && (s[i:i+2] == "--" || s[i:i+2] == "/*") {
					return max(i, 1), nil
				}
			}
		}
		return len(s), nil
	}
	for i := 1; i < len(s); i++ {
		if s[i] != closer {
			continue
		}
		if closer != ']' && i+1 < len(s) && s[i+1] == closer { // doubled quote
			i++
			continue
		}
		return i + 1, nil
	}
	if closer == '\'' {
		return 0, refuse("Your query has a string that is never closed (a ' is missing).")
	}
	return 0, refuse("Your query has a quoted name that is never closed (a %c is missing).", closer)
}

func leadingWord(s string) string {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return s[:i]
		}
	}
	return s
}
