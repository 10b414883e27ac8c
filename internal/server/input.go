package server

import (
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/input"
)

// maxFormMemory is how much of a multipart form is kept in memory; the
// body limit keeps forms far smaller.
const maxFormMemory = 8 << 20

// checkInput is the one check of the text a request brings, before any
// handler (or the CSRF check) reads it: the query, and a page's form,
// urlencoded or multipart, which it parses once with its errors told as
// they are. JSON bodies are checked where they are decoded (decodeJSON and
// design.Decode), DOT bodies where they are read.
func (s *Server) checkInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if err := input.Form(c.QueryParams()); err != nil {
			return err
		}
		if strings.HasPrefix(r.URL.Path, "/api/") || r.Method == http.MethodGet || r.Method == http.MethodHead {
			return next(c)
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		switch ct {
		case echo.MIMEApplicationForm:
			if err := r.ParseForm(); err != nil {
				return formError(err, false)
			}
			if err := input.Form(r.PostForm); err != nil {
				return editorFieldName(err)
			}
		case echo.MIMEMultipartForm:
			if err := r.ParseMultipartForm(maxFormMemory); err != nil {
				return formError(err, true)
			}
			if err := input.Multipart(r.MultipartForm); err != nil {
				return editorFieldName(err)
			}
		}
		return next(c)
	}
}

// editorFieldName names an editor field as the editor and the autosave script
// know it: "framing.objective" rather than the form's "f.framing.objective".
func editorFieldName(err error) error {
	var ie *input.Error
	if errors.As(err, &ie) {
		ie.Field = strings.TrimPrefix(ie.Field, fieldPrefix)
	}
	return err
}

// formError says what is wrong with a form that cannot be parsed.
func formError(err error, multi bool) error {
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he), errors.As(err, &mbe):
		return &appError{Status: http.StatusRequestEntityTooLarge, Message: "The form is too large: send at most 2 MB."}
	case strings.Contains(err.Error(), "exceeded limit"), errors.Is(err, multipart.ErrMessageTooLarge):
		return &appError{Status: http.StatusRequestEntityTooLarge, Message: "The form has too many fields: at most 10,000 are read."}
	case multi:
		return &appError{Status: http.StatusBadRequest, Message: fmt.Sprintf("The upload is not a well-formed multipart form (%s). Choose the file again and resend.", plainFormError(err))}
	}
	return &appError{Status: http.StatusBadRequest, Message: fmt.Sprintf("The form is malformed (%s).", plainFormError(err))}
}

// plainFormError is the parser's complaint without its package prefixes.
func plainFormError(err error) string {
	msg := err.Error()
	for _, p := range []string{"multipart: ", "NextPart: ", "http: ", "mime: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// textError is the response to text that is refused: 422 naming the field.
func textError(ie *input.Error) *appError {
	return &appError{
		Status:  http.StatusUnprocessableEntity,
		Message: fmt.Sprintf("The field %q was not saved: %s", ie.Field, ie.Message),
		Fields:  map[string]string{ie.Field: ie.Message},
	}
}
