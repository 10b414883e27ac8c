package input

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// JSON returns an *Error naming the first string of the JSON document raw,
// key or value, that is not valid multi-line text: invalid UTF-8 (which a
// JSON decoder would silently replace), a lone surrogate escape such as
// \ud800, NUL or another control character, escaped or not. The field is
// the value's path, such as "sections.framing.objective" or
// "pipeline.nodes[2].label". Malformed JSON is left for the decoder to
// report, and gives nil.
func JSON(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []*frame
	prev := int64(0)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		end := dec.InputOffset()
		span := raw[prev:end]
		prev = end
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				path := pathOf(stack)
				if top != nil {
					top.next()
				}
				stack = append(stack, &frame{path: path, array: t == '['})
			default:
				stack = stack[:len(stack)-1]
			}
			continue
		case string:
			field := pathOf(stack)
			isKey := top != nil && !top.array && !top.haveKey
			if isKey {
				field = join(top.path, t)
			}
			if msg := stringProblem(span, t); msg != "" {
				if isKey {
					return &Error{Field: field, Message: "The name of this field is not valid: " + msg}
				}
				return &Error{Field: field, Message: msg}
			}
			if isKey {
				top.key, top.haveKey = t, true
				continue
			}
		}
		if top != nil {
			top.next()
		}
	}
}

// frame is an object or array being read, and where in it the reader is.
type frame struct {
	path    string
	array   bool
	index   int
	key     string
	haveKey bool
}

// next moves past one value of the frame.
func (f *frame) next() {
	if f.array {
		f.index++
	} else {
		f.haveKey = false
	}
}

// pathOf is the path of the value about to be read.
func pathOf(stack []*frame) string {
	if len(stack) == 0 {
		return "the body"
	}
	f := stack[len(stack)-1]
	if f.array {
		return f.path + "[" + strconv.Itoa(f.index) + "]"
	}
	return join(f.path, f.key)
}

func join(path, key string) string {
	if path == "" || path == "the body" {
		return key
	}
	return path + "." + key
}

// stringProblem checks the raw bytes of a JSON string token and its
// decoded value.
func stringProblem(span []byte, decoded string) string {
	if !utf8.Valid(span) {
		return "It is not valid UTF-8 text."
	}
	if loneSurrogate(span) {
		return "It holds a lone surrogate escape (\\uD800 to \\uDFFF), which is not text."
	}
	return Text(decoded)
}

// loneSurrogate reports whether the JSON text b holds a \u escape of a
// surrogate that is not part of a high-low pair.
func loneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		if b[i+1] != 'u' {
			i++ // skip the escaped character, which may be a backslash
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok {
			continue
		}
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if i+11 < len(b) && b[i+6] == '\\' && b[i+7] == 'u' {
				if lo, ok := hex4(b, i+8); ok && lo >= 0xDC00 && lo <= 0xDFFF {
					i += 11
					continue
				}
			}
			return true
		}
		i += 5
	}
	return false
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return rune(n), err == nil
}

// TypeName describes a Go type as a user of the JSON API knows it: "an
// object", "a list", "text", "a number", "true or false".
func TypeName(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a value"
}
