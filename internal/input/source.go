package input

import (
	"fmt"
	"unicode/utf8"
)

// Scan finds the first place in the text file src that is not text: a
// byte that is not UTF-8, NUL, or a control character other than tab and
// line breaks. When latin1 is set, src is read as Latin-1 (each byte one
// character, so its bytes 0x80 to 0x9F are control characters). It
// returns the line and column (from 1) and a message, or line 0 when src
// is clean.
func Scan(src []byte, latin1 bool) (line, col int, msg string) {
	line, col = 1, 1
	for i := 0; i < len(src); {
		r, size := rune(src[i]), 1
		if !latin1 && r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 {
				return line, col, "it is not valid UTF-8 text"
			}
		}
		bad := r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f || r >= 0x80 && r <= 0x9f
		if r == '\r' && (i+1 >= len(src) || src[i+1] != '\n') {
			bad = true
		}
		if bad {
			if r == 0 {
				return line, col, "it contains a NUL byte, which is not text"
			}
			return line, col, fmt.Sprintf("it contains the control character U+%04X; only tabs and line breaks are allowed", r)
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return 0, 0, ""
}

// DOT returns an *Error for the field "dot", with the line and column,
// when the DOT text src is not text. Text that is not UTF-8 is read as
// Latin-1, as Graphviz reads it.
func DOT(src []byte) error {
	line, col, msg := Scan(src, !utf8.Valid(src))
	if line == 0 {
		return nil
	}
	return &Error{Field: "dot", Message: fmt.Sprintf("Line %d, column %d of the DOT text: %s.", line, col, msg)}
}
