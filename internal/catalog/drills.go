package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/rubric"
)

// Words of a reference answer: long enough to hold the reasoning, short
// enough to say aloud in a few minutes. A SQL drill's reference is its
// query, with a shorter explanation.
const (
	ReferenceMinWords    = 120
	ReferenceMaxWords    = 350
	SQLReferenceMinWords = 40
)

// drillDataDir is the folder of drills/ that holds the SQL drills' dataset.
const drillDataDir = "data"

// packDirs returns the pack folders of drills/, when the folder exists.
func (l *loader) packDirs() []string {
	if st, err := fs.Stat(l.fsys, DrillsDir); err != nil || !st.IsDir() {
		return nil
	}
	entries, err := fs.ReadDir(l.fsys, DrillsDir)
	if err != nil {
		l.fail(DrillsDir, 1, "", "cannot read: %v", err)
		return nil
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == drillDataDir {
			continue
		}
		dirs = append(dirs, e.Name())
	}
	return dirs
}

// addPacks adds the packs read (nil for one with errors) by their loaders
// subs, in order, with their errors, and refuses a drill slug that two
// packs use.
func (l *loader) addPacks(cat *Catalog, packs []*Pack, subs []*loader) {
	files := map[string]string{} // drill slug to its file, across packs
	for i, p := range packs {
		l.errs = append(l.errs, subs[i].errs...)
		for _, f := range subs[i].files {
			slug := strings.TrimSuffix(path.Base(f), ".yaml")
			if other, dup := files[slug]; dup && slugPattern.MatchString(slug) {
				l.fail(f, 1, "", "drill slug %q is already used by %s", slug, l.name(other))
				p = nil
			}
			files[slug] = f
		}
		if p != nil {
			cat.Packs = append(cat.Packs, p)
			cat.Drills = append(cat.Drills, p.Drills...)
		}
	}
	for _, d := range cat.Drills {
		cat.drillBySlug[d.Slug] = d
	}
}

// pack loads one pack folder and its drills, or records its errors and
// returns nil.
func (l *loader) pack(name string, cat *Catalog) *Pack {
	before := len(l.errs)
	dir := path.Join(DrillsDir, name)
	file := path.Join(dir, "pack.yaml")
	var p Pack
	doc, ok := l.readYAML(file, &p)
	if !ok {
		return nil
	}
	fail := func(at, format string, args ...any) { l.fail(file, doc.line(at), fieldName(at), format, args...) }
	if !slugPattern.MatchString(p.Slug) {
		fail("$.slug", "slug must be lower case words joined by -")
	} else if p.Slug != name {
		fail("$.slug", "slug %q must equal the folder name %q", p.Slug, name)
	}
	l.text(fail, "$.title", p.Title, 3, 100)
	l.text(fail, "$.summary", p.Summary, 10, 300)
	if !slices.Contains(DrillKinds, p.Kind) {
		fail("$.kind", "kind %q is not one of %v", p.Kind, DrillKinds)
	}
	sources := l.sources(fail, p.Sources, false)
	if p.Kind == KindBehavioral && len(p.Values) == 0 {
		fail("$.values", "a behavioral pack names the culture values its drills are tied to")
	}
	seen := map[string]bool{}
	for i, v := range p.Values {
		at := fmt.Sprintf("$.values[%d]", i)
		switch {
		case !slugPattern.MatchString(v.ID):
			fail(at+".id", "value id %q must be lower case words joined by -", v.ID)
		case seen[v.ID]:
			fail(at+".id", "value id %q is used twice", v.ID)
		}
		seen[v.ID] = true
		l.text(fail, at+".name", v.Name, 3, 100)
		l.text(fail, at+".meaning", v.Meaning, 20, 600)
		l.cite(fail, at+".sources", v.Sources, sources, true)
	}
	concepts := l.caseConcepts(dir, cat.Concepts)
	if len(l.errs) > before {
		return nil
	}
	var own []string
	for id := range concepts {
		if _, shared := cat.Concepts[id]; !shared {
			own = append(own, id)
		}
	}
	slices.Sort(own)
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		l.fail(dir, 1, "", "cannot read: %v", err)
		return nil
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".yaml") || n == "pack.yaml" || n == "concepts.yaml" || n == CalibrationFile {
			continue
		}
		if d := l.drill(path.Join(dir, n), &p, sources, concepts, own); d != nil {
			p.Drills = append(p.Drills, d)
		}
	}
	l.checkGradedFiles(dir)
	if len(p.Drills) == 0 && len(l.errs) == before {
		l.fail(dir, 1, "", "the pack has no drills (one <slug>.yaml file each)")
	}
	if len(l.errs) > before {
		return nil
	}
	p.Calibration = l.packCalibration(path.Join(dir, CalibrationFile), &p)
	if len(l.errs) > before {
		return nil
	}
	return &p
}

// packCalibration reads and checks a pack's calibration answer: an answer
// to one of its drills, within a drill answer's limits (a query only in a
// SQL pack, one that runs on the dataset when the loader lints), with the
// known level of every scored item of that drill's rubric.
func (l *loader) packCalibration(file string, p *Pack) *Calibration {
	var c Calibration
	doc, ok := l.readYAML(file, &c)
	if !ok {
		return nil
	}
	fail := func(at, format string, args ...any) { l.fail(file, doc.line(at), fieldName(at), format, args...) }
	var d *Drill
	for _, pd := range p.Drills {
		if pd.Slug == c.Drill {
			d = pd
		}
	}
	if d == nil {
		fail("$.drill", "%q is not a drill of this pack: name the drill the calibration answer answers", c.Drill)
		return nil
	}
	a := drill.Answer{Format: drill.Format, Drill: d.Slug, Answer: c.Answer, SQL: c.SQL}
	if err := a.Validate(); err != nil {
		var de *drill.Error
		if errors.As(err, &de) && de.Field == "sql" {
			fail("$.sql", "%s", de.Message)
		} else {
			fail("$.answer", "%s", strings.TrimPrefix(err.Error(), "answer: "))
		}
	}
	switch {
	case d.Kind != KindSQL && c.SQL != "":
		fail("$.sql", "only drills of a sql pack have a query")
	case d.Kind == KindSQL && strings.TrimSpace(c.SQL) == "":
		fail("$.sql", "a SQL drill's calibration answer needs its query")
	case d.Kind == KindSQL && l.deep:
		judge := sqlJudge{data: l.dataset(), opts: d.SQL.options()}
		if v, err := judge.Compare(c.SQL, d.Reference.SQL); err != nil || !v.Ran {
			fail("$.sql", "the calibration query does not run on the dataset: %s", firstOf(v.Explanation, err))
		}
	}
	l.checkKnownLevels(doc, c.Levels, d.Rubric)
	return &c
}

// firstOf returns why, or the error's text when why is empty.
func firstOf(why string, err error) string {
	if why == "" && err != nil {
		return err.Error()
	}
	return why
}

// text records a problem when v, trimmed, is shorter than min or longer
// than max characters.
func (l *loader) text(fail func(at, format string, args ...any), at, v string, min, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	switch {
	case n < min:
		fail(at, "is missing or shorter than %d characters", min)
	case n > max:
		fail(at, "is longer than %d characters", max)
	}
}

// sources checks a list of sources and returns their ids.
func (l *loader) sources(fail func(at, format string, args ...any), list []Source, required bool) map[string]bool {
	ids := map[string]bool{}
	for i, s := range list {
		at := fmt.Sprintf("$.sources[%d]", i)
		switch {
		case !slugPattern.MatchString(strings.ReplaceAll(s.ID, "_", "-")):
			fail(at+".id", "source id %q must be lower case letters, digits, - or _", s.ID)
		case ids[s.ID]:
			fail(at+".id", "source id %q is used twice", s.ID)
		}
		ids[s.ID] = true
		l.text(fail, at+".title", s.Title, 3, 300)
		if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
			fail(at+".url", "must be an http(s) URL")
		}
	}
	if required && len(list) == 0 {
		fail("$.sources", "give the sources of what this says")
	}
	return ids
}

// cite checks that ids name known sources.
func (l *loader) cite(fail func(at, format string, args ...any), at string, ids []string, known map[string]bool, required bool) {
	if required && len(ids) == 0 {
		fail(at, "name the sources this comes from")
	}
	for i, id := range ids {
		if !known[id] {
			fail(fmt.Sprintf("%s[%d]", at, i), "unknown source %q (list it under sources, here or in pack.yaml)", id)
		}
	}
}

// drill loads one drill file of pack p, or records its errors and returns nil.
func (l *loader) drill(file string, p *Pack, packSources map[string]bool, concepts rubric.Concepts, own []string) *Drill {
	before := len(l.errs)
	var d Drill
	doc, ok := l.readYAML(file, &d)
	if !ok {
		return nil
	}
	fail := func(at, format string, args ...any) { l.fail(file, doc.line(at), fieldName(at), format, args...) }
	d.Slug = strings.TrimSuffix(path.Base(file), ".yaml")
	d.Pack, d.Kind, d.File = p.Slug, p.Kind, file
	if !slugPattern.MatchString(d.Slug) {
		l.fail(file, 1, "", "the file name %q must be the drill's slug: lower case words joined by -", path.Base(file))
	}
	l.files = append(l.files, file)
	l.text(fail, "$.title", d.Title, 3, 100)
	l.text(fail, "$.prompt", d.Prompt, 20, 3000)
	if !slices.Contains(Difficulties, d.Difficulty) {
		fail("$.difficulty", "must be one of %v", Difficulties)
	}
	if d.Minutes < 1 || d.Minutes > 30 {
		fail("$.minutes", "must be between 1 and 30")
	}
	if len(d.Tags) == 0 || len(d.Tags) > 6 {
		fail("$.tags", "give 1 to 6 tags")
	}
	for i, tag := range d.Tags {
		if !tagPattern.MatchString(tag) {
			fail(fmt.Sprintf("$.tags[%d]", i), "tag %q must be lower case words joined by -", tag)
		}
	}
	if len(d.FollowUps) == 0 {
		fail("$.follow_ups", "give at least one follow-up question")
	}
	for i, f := range d.FollowUps {
		at := fmt.Sprintf("$.follow_ups[%d]", i)
		l.text(fail, at+".question", f.Question, 5, 500)
		l.text(fail, at+".expect", f.Expect, 5, 2000)
	}
	known := l.sources(fail, d.Sources, false)
	for id := range packSources {
		known[id] = true
	}
	l.checkValues(fail, &d, p)
	l.checkReference(fail, &d, known)
	tmpl := drill.Template()
	if d.Rubric == nil {
		fail("$.rubric", "a drill needs a rubric (version and items)")
	} else {
		for _, pr := range d.Rubric.ValidateDrill(tmpl, concepts) {
			at := "$.rubric" + strings.TrimPrefix(pr.Path, "$")
			fail(at, "%s", trimFieldPrefix(pr.Message))
		}
		l.checkDrillRubric(fail, &d)
		checkSQLKinds(fail, &d)
	}
	if len(l.errs) > before {
		return nil
	}
	opts := []rubric.Option{rubric.WithCaseText(d.Texts()...), rubric.WithTechnicalTerms()}
	if d.Kind != KindSQL {
		// A SQL drill's answer is its query, checked by running it; how
		// many of the explanation's concepts it takes up says nothing of
		// whether it answers this drill.
		opts = append(opts, rubric.WithOwnConcepts(own...))
	}
	if d.Kind == KindSQL {
		judge := l.checkSQL(fail, &d)
		if len(l.errs) > before {
			return nil
		}
		opts = append(opts, rubric.WithSQL(judge, d.Reference.SQL))
	}
	if ex := l.exemplars(path.Dir(file), &d); len(ex) > 0 {
		opts = append(opts, rubric.WithExemplars(ex...))
	}
	if len(l.errs) > before {
		return nil
	}
	d.Concepts = concepts
	d.Engine = rubric.NewEngine(d.Rubric, concepts, tmpl, append(opts, rubric.Deferred())...)
	return &d
}

func (l *loader) checkValues(fail func(at, format string, args ...any), d *Drill, p *Pack) {
	if d.Kind == KindBehavioral && len(d.Values) == 0 {
		fail("$.values", "a behavioral drill names the culture values it probes (ids from pack.yaml)")
	}
	for i, id := range d.Values {
		if _, ok := p.Value(id); !ok {
			fail(fmt.Sprintf("$.values[%d]", i), "unknown value %q (list it under values in pack.yaml)", id)
		}
	}
}

func (l *loader) checkReference(fail func(at, format string, args ...any), d *Drill, known map[string]bool) {
	ref := d.Reference
	words := design.WordCount(ref.Answer)
	min := ReferenceMinWords
	if d.Kind == KindSQL {
		min = SQLReferenceMinWords
	}
	switch {
	case words < min:
		fail("$.reference.answer", "the reference answer has %d words; write at least %d", words, min)
	case words > ReferenceMaxWords:
		fail("$.reference.answer", "the reference answer has %d words; keep it to %d", words, ReferenceMaxWords)
	}
	if n := utf8.RuneCountInString(ref.Answer); n > drill.AnswerMax {
		fail("$.reference.answer", "is %d characters long; an answer may hold %d", n, drill.AnswerMax)
	}
	l.cite(fail, "$.reference.sources", ref.Sources, known, true)
	switch {
	case d.Kind == KindSQL && d.SQL == nil:
		fail("$.sql", "a SQL drill says whether row order matters (sql: {ordered: true|false})")
	case d.Kind == KindSQL && strings.TrimSpace(ref.SQL) == "":
		fail("$.reference.sql", "a SQL drill needs its reference query")
	case d.Kind != KindSQL && d.SQL != nil:
		fail("$.sql", "only drills of a sql pack have a query")
	case d.Kind != KindSQL && ref.SQL != "":
		fail("$.reference.sql", "only drills of a sql pack have a query")
	}
	if n := utf8.RuneCountInString(ref.SQL); n > drill.SQLMax {
		fail("$.reference.sql", "is %d characters long; a query may hold %d", n, drill.SQLMax)
	}
}

// checkDrillRubric checks what a drill's rubric must hold beyond a valid
// rubric: scored automatic items, story checks for a behavioral drill, and
// misconceptions that raise every red flag.
func (l *loader) checkDrillRubric(fail func(at, format string, args ...any), d *Drill) {
	r := d.Rubric
	auto, story, storyFlag := 0, false, false
	for _, it := range r.Items {
		if it.Automatic() {
			auto++
		}
		for _, c := range it.Checks {
			story = story || c.Check == rubric.CheckStory
			storyFlag = storyFlag || c.Check == rubric.CheckStoryLacks || c.Check == rubric.CheckBlames
		}
	}
	if auto == 0 && len(r.Items) > 0 {
		fail("$.rubric.items", "a drill needs at least one scored item with checks")
	}
	if d.Kind == KindBehavioral && (!story || !storyFlag) {
		fail("$.rubric.items", "a behavioral drill reads the story's structure: give story checks and a story_lacks or blames red flag")
	}
	if len(d.Misconceptions) == 0 {
		fail("$.misconceptions", "give at least one answer with the misconceptions an expert marks down, and the red flags it raises")
	}
	named := map[string]bool{}
	for i, m := range d.Misconceptions {
		at := fmt.Sprintf("$.misconceptions[%d]", i)
		if strings.TrimSpace(m.Answer) == "" && strings.TrimSpace(m.SQL) == "" {
			fail(at+".answer", "write the answer that holds the misconception")
		}
		if m.SQL != "" && d.Kind != KindSQL {
			fail(at+".sql", "only drills of a sql pack have a query")
		}
		if len(m.Raises) == 0 {
			fail(at+".raises", "name the red flags this answer raises")
		}
		for j, id := range m.Raises {
			named[id] = true
			if it, ok := r.Item(id); !ok || !it.RedFlag {
				fail(fmt.Sprintf("%s.raises[%d]", at, j), "%q is not a red flag of this drill's rubric", id)
			}
		}
	}
	for i, it := range r.Items {
		if it.RedFlag && !named[it.ID] && len(d.Misconceptions) > 0 {
			fail(fmt.Sprintf("$.rubric.items[%d]", i), "no misconception raises red flag %q: give an answer that does", it.ID)
		}
	}
}
