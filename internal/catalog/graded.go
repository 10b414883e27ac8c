package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

// GradedDir is the folder of a pack that holds the scored answers of its
// drills: <pack>/graded/<drill slug>.yaml.
const GradedDir = "graded"

// MaxGraded is how many scored answers one drill may have.
const MaxGraded = 200

// gradedID is a scored answer's id: the set it was written in and its
// name in that set ("dev4/d01").
var gradedID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$`)

// Graded is an answer to a drill that interviewers scored: an answer a new
// one is read against (see rubric.WithExemplars).
type Graded struct {
	ID     string  `yaml:"id"`
	Score  float64 `yaml:"score"` // the interviewers' mean, 0 to 100
	Grade  string  `yaml:"grade"`
	Why    string  `yaml:"why"` // what the interviewers said of it
	Answer string  `yaml:"answer"`
}

// Set returns the set the answer was written and scored in.
func (g *Graded) Set() string {
	set, _, _ := strings.Cut(g.ID, "/")
	return set
}

// gradedFile returns the file of d's scored answers in pack folder dir.
func gradedFile(dir, slug string) string { return path.Join(dir, GradedDir, slug+".yaml") }

// exemplars returns what d's answers are read against: its reference
// answer, its misconceptions and the scored answers of its graded file,
// if it has one. A SQL drill has none: its query is checked by running it.
func (l *loader) exemplars(dir string, d *Drill) []rubric.Exemplar {
	file := gradedFile(dir, d.Slug)
	_, err := fs.Stat(l.fsys, file)
	exists := err == nil
	if d.Kind == KindSQL {
		if exists {
			l.fail(file, 1, "", "a SQL drill has no scored answers: its query is checked by running it")
		}
		return nil
	}
	answer := func(text string) *design.Design {
		a := drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: text}
		return a.Design()
	}
	out := []rubric.Exemplar{{ID: "reference", Score: rubric.ReferenceScore, Why: "The drill's reference answer.", Design: answer(d.Reference.Answer)}}
	var miscs []string
	for _, m := range d.Misconceptions {
		miscs = append(miscs, m.Answer)
	}
	if len(miscs) > 0 {
		out = append(out, rubric.Exemplar{ID: "misconceptions", Score: rubric.MisconceptionScore, Why: "The drill's misconceptions, stated as an answer would state them.", Design: answer(strings.Join(miscs, "\n\n"))})
	}
	if !exists {
		return out
	}
	var list []Graded
	doc, ok := l.readYAML(file, &list)
	if !ok {
		return nil
	}
	before := len(l.errs)
	fail := func(at, format string, args ...any) { l.fail(file, doc.line(at), fieldName(at), format, args...) }
	if len(list) == 0 || len(list) > MaxGraded {
		fail("$", "give 1 to %d scored answers", MaxGraded)
	}
	seen := map[string]bool{}
	for i := range list {
		g := &list[i]
		at := fmt.Sprintf("$[%d]", i)
		switch {
		case !gradedID.MatchString(g.ID):
			fail(at+".id", "id %q must be a set and a name, lower case, joined by / (dev4/d01)", g.ID)
		case seen[g.ID]:
			fail(at+".id", "id %q is used twice", g.ID)
		}
		seen[g.ID] = true
		if !(g.Score >= 0 && g.Score <= 100) {
			fail(at+".score", "must be between 0 and 100")
		}
		if !slices.Contains([]string{rubric.GradeStrong, rubric.GradeMedium, rubric.GradeWeak}, g.Grade) {
			fail(at+".grade", "grade %q is not strong, medium or weak", g.Grade)
		}
		l.text(fail, at+".why", g.Why, 10, 2000)
		a := drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: g.Answer}
		if err := a.Validate(); err != nil {
			var de *drill.Error
			msg := err.Error()
			if errors.As(err, &de) {
				msg = de.Message
			}
			fail(at+".answer", "%s", msg)
		}
		out = append(out, rubric.Exemplar{ID: g.ID, Set: g.Set(), Score: g.Score, Why: g.Why, Design: a.Design()})
	}
	if len(l.errs) > before {
		return nil
	}
	return out
}

// checkGradedFiles refuses a file of scored answers for a drill the pack
// does not have.
func (l *loader) checkGradedFiles(dir string) {
	entries, err := fs.ReadDir(l.fsys, path.Join(dir, GradedDir))
	if err != nil {
		return // no scored answers
	}
	for _, e := range entries {
		n := e.Name()
		slug := strings.TrimSuffix(n, ".yaml")
		_, err := fs.Stat(l.fsys, path.Join(dir, slug+".yaml"))
		if e.IsDir() || !strings.HasSuffix(n, ".yaml") || err != nil {
			l.fail(path.Join(dir, GradedDir, n), 1, "", "not the scored answers of a drill of this pack (graded/<drill slug>.yaml)")
		}
	}
}
