package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/rubric"
)

// Minimums a case must meet.
const (
	MinFacts     = 5
	MinQuestions = 5
	MinFollowUps = 3
	MaxFileBytes = 1 << 20
)

// Error is one problem in a case pack, with the file and line it is on and
// the field it concerns.
type Error struct {
	File    string
	Line    int
	Field   string
	Message string
}

func (e Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Message)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
}

// Errors is every problem found in a set of case packs.
type Errors []Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	tagPattern  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// loader collects errors while it reads files under one root.
type loader struct {
	fsys fs.FS
	root string // shown before file names in errors
	errs Errors

	deep bool      // lint: also run what is costly, such as the SQL drills' queries
	sql  *sqlShare // the SQL drills' dataset, once a SQL drill is read

	files []string // the drill files read (before their checks), in order
}

// sub returns a loader of the same tree with errors of its own, for one
// pack read alongside others.
func (l *loader) sub() *loader { return &loader{fsys: l.fsys, root: l.root, deep: l.deep, sql: l.sql} }

// parallel runs f(0) to f(n-1), at most GOMAXPROCS at once, and returns
// when all have.
func parallel(n int, f func(i int)) {
	sem := make(chan struct{}, max(runtime.GOMAXPROCS(0), 1))
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}

func (l *loader) name(file string) string {
	if l.root == "" {
		return file
	}
	return path.Join(l.root, file)
}

func (l *loader) fail(file string, line int, field, format string, args ...any) {
	l.errs = append(l.errs, Error{File: l.name(file), Line: max(line, 1), Field: field, Message: fmt.Sprintf(format, args...)})
}

// yamlDoc is a parsed YAML file kept for finding the line of a path.
type yamlDoc struct {
	file string
	ast  *ast.File
}

// line returns the line of the node at path, or of its nearest ancestor.
func (d yamlDoc) line(p string) int {
	for p != "" && d.ast != nil {
		if yp, err := yaml.PathString(p); err == nil {
			if n, err := yp.FilterFile(d.ast); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		p = parentPath(p)
	}
	return 1
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// fieldName turns "$.items[2].checks[0]" into "items[2].checks[0]".
func fieldName(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, "$"), ".") }

// readYAML decodes file strictly into v and returns the parsed document for
// line lookups, recording decoding errors with their lines.
func (l *loader) readYAML(file string, v any) (yamlDoc, bool) {
	b, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.fail(file, 1, "", "cannot read: %v", errors.Unwrap(err))
		return yamlDoc{}, false
	}
	return l.decodeYAML(file, b, v)
}

// decodeYAML decodes the YAML text b of file strictly into v. The YAML
// library has panicked on malformed input: that is reported as an error.
func (l *loader) decodeYAML(file string, b []byte, v any) (doc yamlDoc, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			l.fail(file, 1, "", "the YAML cannot be read (the parser failed: %v)", r)
			doc, ok = yamlDoc{file: file}, false
		}
	}()
	if len(b) > MaxFileBytes {
		l.fail(file, 1, "", "file is larger than %d bytes", MaxFileBytes)
		return yamlDoc{}, false
	}
	if line, _, msg := input.Scan(b, false); line != 0 {
		l.fail(file, line, "", "%s", msg)
		return yamlDoc{}, false
	}
	doc = yamlDoc{file: file}
	var err error
	if f, perr := parser.ParseBytes(b, 0); perr == nil && len(f.Docs) == 1 && f.Docs[0].Body != nil {
		// The text is parsed once: the tree serves both the decoding and
		// the line lookups.
		doc.ast = f
		err = yaml.NodeToValue(f.Docs[0].Body, v, yaml.Strict())
	} else {
		// Empty, several documents, or a syntax error: the decoder reads
		// the text itself and says what is wrong.
		if perr == nil {
			doc.ast = f
		}
		err = yaml.UnmarshalWithOptions(b, v, yaml.Strict())
	}
	if err != nil {
		line, field, msg := 1, "", err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil {
				line = tk.Position.Line
				field = tk.Value
			}
		}
		l.fail(file, line, field, "%s", strings.TrimSpace(msg))
		return doc, false
	}
	return doc, true
}

// Load reads the template, the concepts, every case folder of fsys and
// the drill packs of drills/. root names fsys in error messages ("cases").
// It returns the catalog, or Errors listing every problem with its file
// and line. The SQL drills' dataset is opened when a check first needs it.
func Load(fsys fs.FS, root string) (*Catalog, error) { return load(fsys, root, false) }

// Lint reads the case tree as Load does, and also runs what Load leaves
// for later: the SQL drills' dataset is loaded, and every reference query
// and trap is run on it.
func Lint(fsys fs.FS, root string) (*Catalog, error) { return load(fsys, root, true) }

func load(fsys fs.FS, root string, deep bool) (*Catalog, error) {
	l := &loader{fsys: fsys, root: root, deep: deep, sql: &sqlShare{}}
	cat := &Catalog{bySlug: map[string]*Case{}, drillBySlug: map[string]*Drill{}}
	cat.Template = l.template()
	cat.Concepts = l.concepts()
	if cat.Template == nil || cat.Concepts == nil {
		return nil, l.errs
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Errors{{File: l.name("."), Line: 1, Message: err.Error()}}
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || e.Name() == DrillsDir {
			continue
		}
		dirs = append(dirs, e.Name())
	}
	packDirs := l.packDirs()
	// Every case folder and drill pack is read on its own loader, several
	// at once; their errors are then put in the order of the folders.
	subs := make([]*loader, len(dirs)+len(packDirs))
	cases := make([]*Case, len(dirs))
	packs := make([]*Pack, len(packDirs))
	parallel(len(subs), func(i int) {
		subs[i] = l.sub()
		if i < len(dirs) {
			cases[i] = subs[i].casePack(dirs[i], cat)
		} else {
			packs[i-len(dirs)] = subs[i].pack(packDirs[i-len(dirs)], cat)
		}
	})
	for i, c := range cases {
		l.errs = append(l.errs, subs[i].errs...)
		if c != nil {
			cat.Cases = append(cat.Cases, c)
			cat.bySlug[c.Slug] = c
		}
	}
	if len(cat.Cases) == 0 && len(l.errs) == 0 {
		l.fail(".", 1, "", "no case folders (each holds case.yaml, rubric.yaml and reference.json)")
	}
	l.addPacks(cat, packs, subs[len(dirs):])
	if len(l.errs) > 0 {
		l.sql.data.close()
		return nil, l.errs
	}
	cat.sqlData = l.sql.data
	for _, c := range cat.Cases {
		var own []string
		for id := range c.Concepts {
			if _, shared := cat.Concepts[id]; !shared {
				own = append(own, id)
			}
		}
		c.Engine = rubric.NewEngine(c.Rubric, c.Concepts, cat.Template, rubric.WithCaseText(c.Texts()...), rubric.WithOwnConcepts(own...), rubric.Deferred())
	}
	sort.Slice(cat.Cases, func(i, j int) bool { return cat.Cases[i].Title < cat.Cases[j].Title })
	return cat, nil
}

// Compile compiles the rubric of every case and drill that is not compiled
// yet; each is otherwise compiled when it is first used. The server calls
// it in the background as it starts, so that no first check waits.
func (c *Catalog) Compile() {
	if c == nil {
		return
	}
	for _, k := range c.Cases {
		k.Engine.Compile()
	}
	for _, d := range c.Drills {
		d.Engine.Compile()
	}
}

func (l *loader) template() *design.Template {
	var t design.Template
	if _, ok := l.readYAML("template.yaml", &t); !ok {
		return nil
	}
	if err := t.Check(); err != nil {
		l.fail("template.yaml", 1, "sections", "%v", err)
		return nil
	}
	return &t
}

func (l *loader) concepts() rubric.Concepts { return l.conceptFile("concepts.yaml") }

// caseConcepts returns the shared concepts merged with those of the case
// folder's own concepts.yaml, when it has one.
func (l *loader) caseConcepts(dir string, shared rubric.Concepts) rubric.Concepts {
	file := path.Join(dir, "concepts.yaml")
	if _, err := fs.Stat(l.fsys, file); err != nil {
		return shared
	}
	own := l.conceptFile(file)
	merged := make(rubric.Concepts, len(shared)+len(own))
	for k, v := range shared {
		merged[k] = v
	}
	for k, v := range own {
		if _, ok := shared[k]; ok {
			l.fail(file, 1, k, "concept %q is already defined in the shared concepts.yaml", k)
		}
		merged[k] = v
	}
	return merged
}

func (l *loader) conceptFile(file string) rubric.Concepts {
	var c rubric.Concepts
	doc, ok := l.readYAML(file, &c)
	if !ok {
		return nil
	}
	idPattern := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	bad := false
	for _, k := range keys {
		p := "$." + k
		if !idPattern.MatchString(k) {
			l.fail(file, doc.line(p), k, "a concept id is lower case letters, digits and _")
			bad = true
		}
		if len(c[k]) == 0 {
			l.fail(file, doc.line(p), k, "a concept needs at least one phrase")
			bad = true
		}
		named := false
		for i, ph := range c[k] {
			line := doc.line(fmt.Sprintf("%s[%d]", p, i))
			switch {
			case strings.TrimSpace(ph) == "" || !utf8.ValidString(ph):
				l.fail(file, line, k, "empty phrase")
				bad = true
			case strings.HasPrefix(ph, "!"):
				if ph != rubric.DirectiveRisk && !strings.HasPrefix(ph, rubric.DirectiveName) {
					l.fail(file, line, k, "unknown directive %q (%s, or %sNAME to name it in reports)", ph, rubric.DirectiveRisk, rubric.DirectiveName)
					bad = true
				}
			default:
				named = true
				if err := rubric.ValidateForm(ph); err != nil {
					l.fail(file, line, k, "%v", err)
					bad = true
				}
			}
		}
		if len(c[k]) > 0 && !named {
			l.fail(file, doc.line(p), k, "a concept needs at least one phrase besides directives")
			bad = true
		}
	}
	if bad {
		return nil
	}
	return c
}

// casePack loads one case folder, or records its errors and returns nil.
func (l *loader) casePack(dir string, cat *Catalog) *Case {
	before := len(l.errs)
	file := path.Join(dir, "case.yaml")
	var c Case
	doc, ok := l.readYAML(file, &c)
	if ok {
		l.checkCase(doc, dir, &c, cat.Template)
	}
	concepts := l.caseConcepts(dir, cat.Concepts)
	rfile := path.Join(dir, "rubric.yaml")
	var r rubric.Rubric
	if rdoc, ok := l.readYAML(rfile, &r); ok {
		for _, p := range r.Validate(cat.Template, concepts) {
			l.fail(rfile, rdoc.line(p.Path), fieldName(p.Path), "%s", trimFieldPrefix(p.Message))
		}
		c.Rubric = &r
	}
	c.Concepts = concepts
	c.Reference = l.reference(path.Join(dir, "reference.json"), c.Slug, cat.Template)
	c.Calibration = l.reference(path.Join(dir, "calibration.json"), c.Slug, cat.Template)
	if c.Rubric != nil {
		c.CalibrationLevels = l.calibrationLevels(path.Join(dir, "calibration.yaml"), c.Rubric)
	}
	if len(l.errs) > before {
		return nil
	}
	return &c
}

// trimFieldPrefix drops a leading "field: " that rubric messages carry,
// since the error already names the field.
func trimFieldPrefix(msg string) string {
	if i := strings.Index(msg, ": "); i > 0 && !strings.ContainsAny(msg[:i], " \"") {
		return msg[i+2:]
	}
	return msg
}

func (l *loader) checkCase(doc yamlDoc, dir string, c *Case, t *design.Template) {
	fail := func(p, format string, args ...any) {
		l.fail(doc.file, doc.line(p), fieldName(p), format, args...)
	}
	if !slugPattern.MatchString(c.Slug) {
		fail("$.slug", "slug must be lower case words joined by -")
	} else if c.Slug != dir {
		fail("$.slug", "slug %q must equal the folder name %q", c.Slug, dir)
	}
	text := func(p, v string, min, max int) {
		n := utf8.RuneCountInString(strings.TrimSpace(v))
		switch {
		case n < min:
			fail(p, "is missing or shorter than %d characters", min)
		case n > max:
			fail(p, "is longer than %d characters", max)
		}
	}
	text("$.title", c.Title, 3, 100)
	text("$.summary", c.Summary, 10, 300)
	text("$.prompt", c.Prompt, 50, 10000)
	if len(c.Tags) == 0 || len(c.Tags) > 8 {
		fail("$.tags", "give 1 to 8 tags")
	}
	for i, tag := range c.Tags {
		if !tagPattern.MatchString(tag) {
			fail(fmt.Sprintf("$.tags[%d]", i), "tag %q must be lower case words joined by -", tag)
		}
	}
	if !slices.Contains(Difficulties, c.Difficulty) {
		fail("$.difficulty", "must be one of %v", Difficulties)
	}
	if c.Minutes < 10 || c.Minutes > 180 {
		fail("$.minutes", "must be between 10 and 180")
	}
	sources := map[string]bool{}
	for i, s := range c.Sources {
		p := fmt.Sprintf("$.sources[%d]", i)
		switch {
		case !slugPattern.MatchString(strings.ReplaceAll(s.ID, "_", "-")):
			fail(p+".id", "source id %q must be lower case letters, digits, - or _", s.ID)
		case sources[s.ID]:
			fail(p+".id", "source id %q is used twice", s.ID)
		}
		sources[s.ID] = true
		text(p+".title", s.Title, 3, 300)
		if !strings.HasPrefix(s.URL, "https://") && !strings.HasPrefix(s.URL, "http://") {
			fail(p+".url", "must be an http(s) URL")
		}
	}
	if len(c.Sources) == 0 {
		fail("$.sources", "a case needs sources for its facts")
	}
	cite := func(p string, ids []string, required bool) {
		if required && len(ids) == 0 {
			fail(p, "name the sources this comes from")
		}
		for i, id := range ids {
			if !sources[id] {
				fail(fmt.Sprintf("%s[%d]", p, i), "unknown source %q (list it under sources)", id)
			}
		}
	}
	if len(c.Facts) < MinFacts {
		fail("$.facts", "give at least %d facts", MinFacts)
	}
	for i, f := range c.Facts {
		p := fmt.Sprintf("$.facts[%d]", i)
		text(p+".label", f.Label, 3, 200)
		text(p+".value", f.Value, 1, 300)
		if !strings.ContainsFunc(f.Value, unicode.IsDigit) {
			fail(p+".value", "a fact needs a number")
		}
		cite(p+".sources", f.Sources, true)
	}
	if len(c.Constraints) == 0 {
		fail("$.constraints", "give at least one constraint")
	}
	for i, s := range c.Constraints {
		text(fmt.Sprintf("$.constraints[%d]", i), s, 5, 500)
	}
	if len(c.Questions) < MinQuestions {
		fail("$.questions", "give at least %d clarifying questions", MinQuestions)
	}
	for i, q := range c.Questions {
		p := fmt.Sprintf("$.questions[%d]", i)
		text(p+".question", q.Question, 5, 500)
		text(p+".answer", q.Answer, 5, 2000)
		cite(p+".sources", q.Sources, false)
	}
	for _, s := range append(sectionIDs(t), "pipeline") {
		if strings.TrimSpace(c.Hints[s]) == "" {
			fail("$.hints", "no hint for section %q", s)
		}
	}
	for k := range c.Hints {
		if _, ok := t.Section(k); !ok && k != "pipeline" {
			fail("$.hints."+k, "unknown section %q", k)
		}
	}
	if len(c.FollowUps) < MinFollowUps {
		fail("$.follow_ups", "give at least %d follow-ups", MinFollowUps)
	}
	for i, f := range c.FollowUps {
		p := fmt.Sprintf("$.follow_ups[%d]", i)
		text(p+".question", f.Question, 5, 500)
		text(p+".expect", f.Expect, 5, 2000)
	}
}

func sectionIDs(t *design.Template) []string {
	ids := make([]string, len(t.Sections))
	for i, s := range t.Sections {
		ids[i] = s.ID
	}
	return ids
}

// reference loads and validates a case's reference design.
func (l *loader) reference(file, slug string, t *design.Template) *design.Design {
	b, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.fail(file, 1, "", "cannot read: %v", errors.Unwrap(err))
		return nil
	}
	d, err := design.Decode(bytes.NewReader(b), int64(MaxFileBytes))
	if err != nil {
		line := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		}
		l.fail(file, line, "", "%v", err)
		return nil
	}
	if d.Case != slug {
		l.fail(file, lineOfKey(b, "case"), "case", "is %q; the reference must be for %q", d.Case, slug)
	}
	if err := d.Validate(t, pipeline.DefaultLimits); err != nil {
		var fe design.FieldErrors
		var ps pipeline.Problems
		switch {
		case errors.As(err, &fe):
			for k, msg := range fe {
				parts := strings.Split(k, ".")
				l.fail(file, lineOfKey(b, parts[min(1, len(parts)-1)]), k, "%s", msg)
			}
		case errors.As(err, &ps):
			for _, p := range ps {
				l.fail(file, lineOfKey(b, "pipeline"), "pipeline", "%s: %s", p.Where, p.Message)
			}
		default:
			l.fail(file, lineOfKey(b, "pipeline"), "pipeline", "%v", err)
		}
	}
	return d
}

// calibrationLevels reads the known levels of a case's calibration design:
// one per scored item, from 0 to 3, with a reason, spread so that a
// reviewer who answers the same level everywhere cannot pass.
func (l *loader) calibrationLevels(file string, r *rubric.Rubric) map[string]KnownLevel {
	var f struct {
		Levels map[string]KnownLevel `yaml:"levels"`
	}
	doc, ok := l.readYAML(file, &f)
	if !ok {
		return nil
	}
	l.checkKnownLevels(doc, f.Levels, r)
	return f.Levels
}

// KnownWhyMax is the longest reason for a known level, in characters: one
// sentence.
const KnownWhyMax = 400

// checkKnownLevels checks the known levels ($.levels of doc) of a
// calibration against rubric r: a level from 0 to 3 and a reason for
// every scored item and for no other, spread so that a reviewer who
// answers 0 everywhere, or 3 everywhere, scores below half.
func (l *loader) checkKnownLevels(doc yamlDoc, levels map[string]KnownLevel, r *rubric.Rubric) {
	file := doc.file
	scored := r.Scored()
	known := map[string]bool{}
	for _, it := range scored {
		known[it.ID] = true
		kl, ok := levels[it.ID]
		switch {
		case !ok:
			l.fail(file, doc.line("$.levels"), "levels", "no level for item %q", it.ID)
		case kl.Level < 0 || kl.Level > 3:
			l.fail(file, doc.line("$.levels."+it.ID), it.ID, "level %d is not from 0 to 3", kl.Level)
		case strings.TrimSpace(kl.Why) == "":
			l.fail(file, doc.line("$.levels."+it.ID), it.ID, "give the reason for the level (why)")
		case utf8.RuneCountInString(kl.Why) > KnownWhyMax:
			l.fail(file, doc.line("$.levels."+it.ID), it.ID, "the reason is longer than %d characters: say it in one sentence", KnownWhyMax)
		}
	}
	for id := range levels {
		if !known[id] {
			l.fail(file, doc.line("$.levels."+id), id, "%q is not a scored item of the rubric", id)
		}
	}
	// A reviewer's accuracy credits 1 for the known level and ½ for one
	// level off (see review.Calibrate); a constant answer must score below
	// half.
	for _, constant := range []int{0, 3} {
		credit := 0.0
		for _, it := range scored {
			switch d := levels[it.ID].Level - constant; {
			case d == 0:
				credit++
			case d == 1 || d == -1:
				credit += 0.5
			}
		}
		if acc := credit / float64(max(len(scored), 1)); acc >= 0.5 {
			l.fail(file, doc.line("$.levels"), "levels", "a reviewer who answers %d everywhere scores %.0f%%: spread the known levels so that a constant answer scores below 50%%", constant, 100*acc)
		}
	}
}

// lineOfKey returns the line of the first "key": in a JSON text, or 1.
func lineOfKey(b []byte, key string) int {
	i := bytes.Index(b, []byte(`"`+key+`"`))
	if i < 0 {
		return 1
	}
	return 1 + bytes.Count(b[:i], []byte("\n"))
}

// LoadTemplate reads only template.yaml of fsys.
func LoadTemplate(fsys fs.FS, root string) (*design.Template, error) {
	l := &loader{fsys: fsys, root: root}
	t := l.template()
	if t == nil {
		return nil, l.errs
	}
	return t, nil
}

// ParseRubric reads and validates the rubric YAML text b (named file in
// errors) against the template and concepts. It returns the rubric, or
// Errors with lines.
func ParseRubric(file string, b []byte, t *design.Template, concepts rubric.Concepts) (*rubric.Rubric, error) {
	l := &loader{}
	var r rubric.Rubric
	doc, ok := l.decodeYAML(file, b, &r)
	if ok {
		for _, p := range r.Validate(t, concepts) {
			l.fail(file, doc.line(p.Path), fieldName(p.Path), "%s", trimFieldPrefix(p.Message))
		}
	}
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	return &r, nil
}
