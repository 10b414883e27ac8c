package input

import (
	"mime/multipart"
	"net/url"
	"slices"
)

// Form returns an *Error for the first field, in name order, whose name or
// value is not valid multi-line text.
func Form(v url.Values) error {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if msg := Text(k); msg != "" {
			return &Error{Field: "a field name", Message: msg}
		}
		for _, s := range v[k] {
			if err := CheckText(k, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// Multipart checks the text fields of a multipart form as Form does, and
// the names of its files as lines.
func Multipart(f *multipart.Form) error {
	if f == nil {
		return nil
	}
	if err := Form(f.Value); err != nil {
		return err
	}
	for k, files := range f.File {
		if msg := Text(k); msg != "" {
			return &Error{Field: "a field name", Message: msg}
		}
		for _, fh := range files {
			if msg := Line(fh.Filename); msg != "" {
				return &Error{Field: k, Message: "The file name is not valid: " + msg}
			}
		}
	}
	return nil
}
