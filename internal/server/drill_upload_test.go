package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/store"
	"github.com/casebench/casebench/internal/store/storetest"
)

// upload sends a file to the drill upload form, with the client's CSRF
// token unless csrf is false.
func (c *client) upload(name string, data []byte, csrf bool) *response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	if csrf {
		mw.WriteField("_csrf", c.csrf)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.app.srv.URL+"/drills/upload", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func answerFile(t *testing.T, a *drill.Answer) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := drill.Encode(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestDrillUploadRoundTrip: an attempt exported and uploaded again is the
// same answer with the same score, the score casebench check gives the
// file, and exporting the upload gives the same bytes.
func TestDrillUploadRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := newTestClock()
		a := newDrillAppOn(t, st, clock)
		ann := a.signup("ann")
		d, _ := a.cat.Drill("l1-vs-l2")
		path, _ := answerDrill(t, ann, d.Slug, mediumL1)
		exp := ann.get(path + "/export.json")
		wantStatus(t, exp, http.StatusOK)
		if cd := exp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, d.Slug) {
			t.Errorf("Content-Disposition %q", cd)
		}
		file, err := drill.Decode(bytes.NewReader(exp.body))
		if err != nil || file.Drill != d.Slug || file.Answer != mediumL1 || file.AnsweredAt == nil {
			t.Fatalf("the export is not the answer as a drill answer file: %+v %v\n%s", file, err, exp.body)
		}
		clock.Advance(time.Hour)
		ann.get("/drills")
		r := ann.upload("answer.json", exp.body, true)
		wantStatus(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Request.URL.Path, "/drills/"+d.Slug+"/attempts/") || r.Request.URL.Path == path {
			t.Fatalf("the upload went to %s", r.Request.URL.Path)
		}
		doc := r.doc(t)
		if !strings.Contains(doc.Find(".flash").Text(), "Uploaded and checked") || doc.Find("#report #score").Length() != 1 {
			t.Fatal("the upload does not show its report")
		}
		h := history(t, a, "ann")
		if len(h) != 2 {
			t.Fatalf("%d attempts, want 2", len(h))
		}
		u, _ := a.store.UserByName(t.Context(), "ann")
		first, _ := a.store.DrillAttempt(t.Context(), u.ID, h[0].ID)
		again, _ := a.store.DrillAttempt(t.Context(), u.ID, h[1].ID)
		check := d.Engine.Check(d.Slug, file.Design()) // what casebench check says of the file
		if again.Answer != first.Answer || again.SQL != first.SQL || again.Score != first.Score || again.Score != check.Score {
			t.Fatalf("uploaded: %q scored %.1f; exported: %q scored %.1f; casebench check: %.1f", again.Answer, again.Score, first.Answer, first.Score, check.Score)
		}
		if got := doc.Find("#score").Text(); got != fmt.Sprintf("%.0f", first.Score) {
			t.Errorf("the report shows %s, want %.0f", got, first.Score)
		}
		if !strings.Contains(doc.Find(".meta").Text(), "written") {
			t.Error("an answer written an hour before its upload does not say when it was written")
		}
		exp2 := ann.get(r.Request.URL.Path + "/export.json")
		if !bytes.Equal(exp2.body, exp.body) {
			t.Fatalf("export, upload, export changed the file:\n%s\n---\n%s", exp.body, exp2.body)
		}
		// Another member's export is not found.
		bob := a.signup("bob")
		wantStatus(t, bob.get(path+"/export.json"), http.StatusNotFound)
	})
}

// TestDrillUploadRefusals: every bad file gets a 4xx and a message on the
// upload page, and nothing is stored; a good file with a follow-up and a
// SQL drill's query is stored with them.
func TestDrillUploadRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := newDrillAppOn(t, st, newTestClock())
		ann := a.signup("ann")
		ann.get("/drills/upload")
		ml, _ := a.cat.Drill("l1-vs-l2")
		sq, _ := a.cat.Drill("plan-mix")
		good := func(edit func(*drill.Answer)) []byte {
			an := &drill.Answer{Drill: ml.Slug, Answer: mediumL1}
			edit(an)
			return answerFile(t, an)
		}
		long := strings.Repeat("word ", 1201)[:6001]
		cases := []struct {
			name   string
			file   string
			data   []byte
			status int
			want   string
		}{
			{"no file", "", nil, http.StatusBadRequest, "choose a drill answer file"},
			{"empty", "a.json", nil, http.StatusBadRequest, "empty"},
			{"malformed", "a.json", []byte("{\n  \"format\": \"casebench.drill-answer/v1\",\n  \"drill\": l1\n}"), http.StatusBadRequest, "line 3"},
			{"cut short", "a.json", []byte(`{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2"`), http.StatusBadRequest, "ends too early"},
			{"unknown key", "a.json", []byte(`{"format": "casebench.drill-answer/v1", "drill": "l1-vs-l2", "answer": "x", "score": 100}`), http.StatusBadRequest, `unknown key "score"`},
			{"another version", "a.json", bytes.Replace(good(func(*drill.Answer) {}), []byte("/v1"), []byte("/v2"), 1), http.StatusUnprocessableEntity, `casebench reads "casebench.drill-answer/v1"`},
			{"a design", "a.json", []byte(`{"format": "casebench.design/v1", "case": "homepage-recommendations"}`), http.StatusUnprocessableEntity, "this is a design"},
			{"unknown drill", "a.json", good(func(an *drill.Answer) { an.Drill = "no-such-drill" }), http.StatusUnprocessableEntity, `there is no drill "no-such-drill"`},
			{"over-long answer", "a.json", good(func(an *drill.Answer) { an.Answer = long }), http.StatusUnprocessableEntity, "6001 characters long; the limit is 6000"},
			{"too large", "a.json", append(good(func(*drill.Answer) {}), bytes.Repeat([]byte(" "), 70<<10)...), http.StatusRequestEntityTooLarge, "at most 64 KiB"},
			{"not text", "a.json", []byte("{\"format\": \"casebench.drill-answer/v1\", \"drill\": \"l1-vs-l2\", \"answer\": \"a\xffb\"}"), http.StatusUnprocessableEntity, "UTF-8"},
			{"seconds out of range", "a.json", good(func(an *drill.Answer) { an.Seconds = -5 }), http.StatusUnprocessableEntity, `"seconds" must be from 0`},
			{"a query for a drill without one", "a.json", good(func(an *drill.Answer) { an.SQL = "SELECT 1" }), http.StatusUnprocessableEntity, "not a SQL drill"},
			{"a query that writes", "a.json", answerFile(t, &drill.Answer{Drill: sq.Slug, SQL: "DELETE FROM members"}), http.StatusUnprocessableEntity, "SELECT"},
			{"two statements", "a.json", answerFile(t, &drill.Answer{Drill: sq.Slug, SQL: "SELECT 1; DROP TABLE members"}), http.StatusUnprocessableEntity, "stopped or refused"},
		}
		for _, tc := range cases {
			r := ann.upload(tc.file, tc.data, true)
			if r.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d; %.300s", tc.name, r.StatusCode, tc.status, r.body)
				continue
			}
			msg := r.doc(t).Find("#upload-error").Text()
			if !strings.HasPrefix(msg, "Nothing was saved: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("%s: message %q, want it to contain %q", tc.name, msg, tc.want)
			}
			if r.doc(t).Find("#upload-form input[type=file]").Length() != 1 {
				t.Errorf("%s: the page does not offer the form again", tc.name)
			}
			t.Logf("%s: %d %s", tc.name, r.StatusCode, msg)
		}
		// Over the server's body limit, and without the CSRF token.
		if r := ann.upload("big.json", bytes.Repeat([]byte("x"), 3<<20), true); r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a 3 MiB file: status %d", r.StatusCode)
		}
		wantStatus(t, ann.upload("a.json", good(func(*drill.Answer) {}), false), http.StatusForbidden)
		if r := a.client().upload("a.json", good(func(*drill.Answer) {}), false); r.StatusCode < 400 || r.StatusCode >= 500 {
			t.Errorf("an anonymous upload: status %d", r.StatusCode)
		}
		if n := len(history(t, a, "ann")); n != 0 {
			t.Fatalf("%d attempts stored by refused uploads", n)
		}

		// A good file with a follow-up, and a SQL drill's reference query.
		fu := good(func(an *drill.Answer) {
			an.FollowUp = &drill.FollowUp{Question: ml.FollowUps[0].Question, Answer: "Elastic net, tuned by cross-validation."}
			an.Seconds = 312
		})
		r := ann.upload("a.json", fu, true)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.doc(t).Find("#your-answer").Text(), "Elastic net, tuned by cross-validation.") {
			t.Error("the report does not show the file's follow-up answer")
		}
		if exp := ann.get(r.Request.URL.Path + "/export.json"); !bytes.Contains(exp.body, []byte(`"seconds": 312`)) || !bytes.Contains(exp.body, []byte("Elastic net")) {
			t.Errorf("the export loses the follow-up or the time taken:\n%s", exp.body)
		}
		r = ann.upload("q.json", answerFile(t, &drill.Answer{Drill: sq.Slug, SQL: sq.Reference.SQL}), true)
		wantStatus(t, r, http.StatusOK)
		if r.doc(t).Find("#item-result .chip.status-met").Length() != 1 {
			t.Fatalf("the reference query uploaded is not met (the dataset changed?): %q", r.doc(t).Find("#items").Text())
		}
		if n := len(history(t, a, "ann")); n != 2 {
			t.Fatalf("%d attempts, want 2", n)
		}
	})
}
