package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/store"
)

// appError is an error with the status and the plain message a user sees.
type appError struct {
	Status  int
	Message string
	Fields  map[string]string
}

func (e *appError) Error() string { return fmt.Sprintf("%d: %s", e.Status, e.Message) }

func notFound(what string) error {
	return &appError{Status: http.StatusNotFound, Message: what + " does not exist, or is not yours to see."}
}

func badRequest(format string, args ...any) error {
	return &appError{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// isAPI reports whether the request is for the JSON API or asks for JSON.
func isAPI(c echo.Context) bool {
	r := c.Request()
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// classify maps any error to what the user is told. Errors it does not know
// are internal: logged in full, shown as a plain 500 message.
func classify(err error) (*appError, bool) {
	var ae *appError
	var he *echo.HTTPError
	var fe design.FieldErrors
	var ps pipeline.Problems
	var le *pipeline.LimitError
	var se *json.SyntaxError
	var mbe *http.MaxBytesError
	var ie *input.Error
	switch {
	case errors.As(err, &ae):
		return ae, true
	case errors.As(err, &ie):
		return textError(ie), true
	case errors.Is(err, store.ErrNotFound):
		return &appError{Status: http.StatusNotFound, Message: "This does not exist, or is not yours to see."}, true
	case errors.Is(err, store.ErrConflict):
		return &appError{Status: http.StatusConflict, Message: "This design was changed elsewhere (another tab or device) since you loaded it. Reload to get the latest version; nothing was overwritten."}, true
	case errors.As(err, &fe):
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Some fields need attention.", Fields: fe}, true
	case errors.As(err, &le):
		return &appError{Status: http.StatusUnprocessableEntity, Message: "The pipeline is too large: " + le.Error() + "."}, true
	case errors.As(err, &ps):
		return &appError{Status: http.StatusUnprocessableEntity, Message: "The pipeline has problems: " + ps.Error()}, true
	case errors.As(err, &se):
		return &appError{Status: http.StatusBadRequest, Message: fmt.Sprintf("The JSON is malformed at byte %d: %v.", se.Offset, se)}, true
	case errors.As(err, &mbe), errors.Is(err, design.ErrTooLarge):
		return &appError{Status: http.StatusRequestEntityTooLarge, Message: "The request is too large."}, true
	case store.Unavailable(err):
		return unavailable(), true
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		switch he.Code {
		case http.StatusNotFound:
			msg = "There is no page here."
		case http.StatusMethodNotAllowed:
			msg = "This address does not accept that method."
		case http.StatusRequestEntityTooLarge:
			msg = "The request is too large."
		case http.StatusServiceUnavailable:
			msg = "The server is busy or timed out. Try again in a moment."
		}
		return &appError{Status: he.Code, Message: msg}, he.Code < 500
	}
	return &appError{Status: http.StatusInternalServerError, Message: "Something went wrong on our side. It has been logged; try again in a moment."}, false
}

// handleError is the one place where errors become responses: JSON for the
// API, an error page otherwise. The page needs no session, so that errors
// outside the session middleware (a missing static file) render too; and a
// panic here still ends in a plain 500.
func (s *Server) handleError(err error, c echo.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in the error handler", "err", fmt.Sprint(r), "path", c.Request().URL.Path, "stack", string(debug.Stack()))
			if !c.Response().Committed {
				http.Error(c.Response(), "Something went wrong on our side. Try again in a moment.", http.StatusInternalServerError)
			}
		}
	}()
	if c.Response().Committed {
		return
	}
	ae, known := classify(err)
	switch {
	case store.Unavailable(err):
		s.outage.failed(err)
	case !known:
		s.log.Error("internal error", "err", err, "method", c.Request().Method, "path", c.Request().URL.Path,
			"id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	switch ae.Status {
	case http.StatusTooManyRequests:
		if c.Response().Header().Get("Retry-After") == "" {
			c.Response().Header().Set("Retry-After", "60")
		}
	case http.StatusServiceUnavailable:
		c.Response().Header().Set("Retry-After", retryAfter)
	}
	if isAPI(c) {
		if err := c.JSON(ae.Status, errorBody(ae)); err != nil {
			s.log.Error("write error response", "err", err)
		}
		return
	}
	data := layoutData{Title: http.StatusText(ae.Status), Page: errorPage{Status: ae.Status, Message: ae.Message}}
	if ae.Status != http.StatusServiceUnavailable {
		data.User = currentUser(c)
		data.CSRF, _ = c.Get("csrf").(string)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := s.writePage(c, ae.Status, "error", data); err != nil {
		s.log.Error("render error page", "err", err)
		c.String(ae.Status, ae.Message)
	}
}

func errorBody(ae *appError) map[string]any {
	body := map[string]any{"error": ae.Message}
	if len(ae.Fields) > 0 {
		body["fields"] = ae.Fields
	}
	return body
}

// writeJSONError writes ae as the API's JSON error, for code outside Echo.
func writeJSONError(w http.ResponseWriter, ae *appError) {
	_ = json.NewEncoder(w).Encode(errorBody(ae))
}

// writeErrorPage writes ae as the plain error page, without a user, for
// code outside Echo.
func (s *Server) writeErrorPage(w http.ResponseWriter, ae *appError) {
	var b bytes.Buffer
	data := layoutData{Title: http.StatusText(ae.Status), Page: errorPage{Status: ae.Status, Message: ae.Message}}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	if err := s.views.Render(&b, "error", data, nil); err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(ae.Status)
		io.WriteString(w, ae.Message)
		return
	}
	w.WriteHeader(ae.Status)
	w.Write(b.Bytes())
}

type errorPage struct {
	Status  int
	Message string
}

// formValidator puts go-playground/validator behind echo.Validator and
// turns its errors into a message per form field.
type formValidator struct{ v *validator.Validate }

func (fv *formValidator) Validate(i any) error {
	err := fv.v.Struct(i)
	var ve validator.ValidationErrors
	if !errors.As(err, &ve) {
		return err
	}
	fe := design.FieldErrors{}
	for _, e := range ve {
		name := strings.ToLower(e.Field())
		switch e.Tag() {
		case "required":
			fe[name] = "Fill this in."
		case "max":
			fe[name] = fmt.Sprintf("Use at most %s characters.", e.Param())
		case "min":
			fe[name] = fmt.Sprintf("Use at least %s characters.", e.Param())
		case "oneof":
			fe[name] = "Choose one of: " + strings.ReplaceAll(e.Param(), " ", ", ") + "."
		default:
			fe[name] = "This value is not valid."
		}
	}
	return fe
}
