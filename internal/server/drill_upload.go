package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/store"
)

// drillUploadPage is the form to upload a drill answer file, with why the
// last upload was refused.
type drillUploadPage struct {
	Error   string
	Format  string
	FileKiB int
}

func (drillUploadPage) PageTitle() string { return "Upload a drill answer" }

func newDrillUploadPage() drillUploadPage {
	return drillUploadPage{Format: drill.Format, FileKiB: drill.FileMax >> 10}
}

func (s *Server) handleDrillUploadForm(c echo.Context) error {
	return s.renderPage(c, http.StatusOK, "drill_upload", newDrillUploadPage())
}

// refuseUpload shows the upload form again with status and why nothing
// was saved.
func (s *Server) refuseUpload(c echo.Context, status int, format string, args ...any) error {
	p := newDrillUploadPage()
	p.Error = "Nothing was saved: " + fmt.Sprintf(format, args...)
	return s.renderPage(c, status, "drill_upload", p)
}

// handleDrillUpload reads a drill answer file (casebench.drill-answer/v1,
// as exported or as casebench check reads it), and stores a valid one as
// the user's attempt at its drill, checked by the drill's engine, going on
// to its report. A refused file changes nothing.
func (s *Server) handleDrillUpload(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.refuseUpload(c, http.StatusBadRequest, "choose a drill answer file (JSON, as exported from a drill's report) to upload.")
	}
	tooLarge := func(size int64) error {
		return s.refuseUpload(c, http.StatusRequestEntityTooLarge, "the file holds %s; a drill answer file holds at most %d KiB.", sizeWords(size), drill.FileMax>>10)
	}
	if fh.Size > drill.FileMax {
		return tooLarge(fh.Size)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, drill.FileMax+1))
	if err != nil {
		return err
	}
	if len(b) > drill.FileMax {
		return tooLarge(fh.Size)
	}
	ans, err := drill.Decode(bytes.NewReader(b))
	if err != nil {
		status, msg := uploadRefusal(b, err)
		return s.refuseUpload(c, status, "%s", msg)
	}
	d, ok := s.cat.Drill(ans.Drill)
	if !ok {
		return s.refuseUpload(c, http.StatusUnprocessableEntity, "there is no drill %q; the file's \"drill\" must be the slug of a drill of the bank, such as l1-vs-l2.", ans.Drill)
	}
	if d.Kind != catalog.KindSQL && ans.SQL != "" {
		return s.refuseUpload(c, http.StatusUnprocessableEntity, "“%s” is not a SQL drill, so the file's \"sql\" must be left out.", d.Title)
	}
	ctx := c.Request().Context()
	if strings.TrimSpace(ans.SQL) != "" {
		res, err := s.cat.RunSQL(ctx, d, ans.SQL)
		if err != nil {
			return err
		}
		if runRefusal(res) {
			return s.refuseUpload(c, http.StatusUnprocessableEntity, "the query was stopped or refused. %s", res.Explanation)
		}
	}
	saved, err := s.storeAnswer(ctx, currentUser(c).ID, d, ans, nil)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Uploaded and checked. The drill comes back "+dueWords(saved.card.Due, s.now())+".")
	return c.Redirect(http.StatusSeeOther, "/drills/"+d.Slug+"/attempts/"+itoa(saved.ID))
}

// uploadRefusal says why the drill answer file b cannot be read (err from
// drill.Decode), with the status: 400 for a file that is not a drill
// answer document (malformed JSON, an unknown key), 422 for a document
// whose content is refused (the format's version, a key's value).
func uploadRefusal(b []byte, err error) (int, string) {
	var se *json.SyntaxError
	var de *drill.Error
	var ie *input.Error
	switch {
	case errors.As(err, &se):
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return http.StatusBadRequest, fmt.Sprintf("the file is not valid JSON (line %d: %s).", line, se)
	case errors.As(err, &ie):
		return http.StatusUnprocessableEntity, fmt.Sprintf("the file's %q is not plain text: %s", ie.Field, lowerFirst(ie.Message))
	case errors.As(err, &de) && de.Field == "":
		return http.StatusBadRequest, sentence(de.Message)
	case errors.As(err, &de):
		sep := ": "
		if strings.HasPrefix(de.Message, "is ") || strings.HasPrefix(de.Message, "must ") {
			sep = " "
		}
		return http.StatusUnprocessableEntity, sentence(fmt.Sprintf("the file's %q%s%s", de.Field, sep, de.Message))
	}
	return http.StatusBadRequest, sentence(err.Error())
}

// lowerFirst puts the first letter of msg in lower case, for a message
// that goes on a sentence.
func lowerFirst(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToLower(msg[:1]) + msg[1:]
}

// sentence ends msg with a full stop.
func sentence(msg string) string {
	if strings.HasSuffix(msg, ".") {
		return msg
	}
	return msg + "."
}

// sizeWords says a file size in bytes as people read it.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// attemptAnswer returns an attempt as a drill answer document: what an
// export writes and an upload reads back, losslessly.
func attemptAnswer(a *store.DrillAttempt) *drill.Answer {
	at := a.CreatedAt
	if a.AnsweredAt != nil {
		at = *a.AnsweredAt
	}
	out := &drill.Answer{Format: drill.Format, Drill: a.Drill, Answer: a.Answer, SQL: a.SQL, AnsweredAt: &at, Seconds: a.Seconds}
	if a.FollowUpQuestion != "" {
		out.FollowUp = &drill.FollowUp{Question: a.FollowUpQuestion, Answer: a.FollowUp}
	}
	return out
}

// handleDrillAttemptExport serves one of the user's attempts as a drill
// answer file.
func (s *Server) handleDrillAttemptExport(c echo.Context) error {
	d, err := s.drillOf(c)
	if err != nil {
		return err
	}
	a, err := s.attemptOf(c, d)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := drill.Encode(&b, attemptAnswer(a)); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d.json"`, d.Slug, a.ID))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, b.Bytes())
}
