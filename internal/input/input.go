// Package input checks the text that enters casebench, once, where it
// enters: form fields, JSON bodies, DOT text, imported files, case packs and
// command-line arguments. Text must be valid UTF-8 without NUL; multi-line
// text may hold tabs and line breaks but no other control character; a line
// (a title, a name) holds no control character at all.
package input

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is text that casebench refuses, with the field it came in and what
// is wrong with it.
type Error struct {
	Field   string // the form field, the JSON path ("sections.framing.objective"), or "dot"
	Message string // a sentence for the user, e.g. "It contains a NUL byte."
}

func (e *Error) Error() string { return e.Field + ": " + e.Message }

// Text returns a message when s cannot be stored as multi-line text, ""
// otherwise: s must be valid UTF-8 and hold no control character but tab,
// line feed, and carriage return before a line feed.
func Text(s string) string { return check(s, true) }

// Line returns a message when s cannot be stored as one line of text, such
// as a title or a name, "" otherwise: valid UTF-8 and no control character.
func Line(s string) string { return check(s, false) }

func check(s string, multiline bool) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return "It is not valid UTF-8 text."
		case r == 0:
			return "It contains a NUL byte, which is not text."
		case multiline && (r == '\t' || r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n")):
		case unicode.IsControl(r):
			if multiline {
				return fmt.Sprintf("It contains the control character U+%04X; only tabs and line breaks are allowed.", r)
			}
			return fmt.Sprintf("It contains the control character U+%04X; it must be one line of plain text.", r)
		}
		i += size
	}
	return ""
}

// CheckText returns an *Error for field when s is not valid multi-line text.
func CheckText(field, s string) error {
	if msg := Text(s); msg != "" {
		return &Error{Field: field, Message: msg}
	}
	return nil
}

// CheckLine returns an *Error for field when s is not one valid line of text.
func CheckLine(field, s string) error {
	if msg := Line(s); msg != "" {
		return &Error{Field: field, Message: msg}
	}
	return nil
}
