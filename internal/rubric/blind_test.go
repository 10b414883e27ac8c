package rubric_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// expertEntry is one blind design with the scores two interviewers gave it.
type expertEntry struct {
	ID             string   `yaml:"id"`
	Author         string   `yaml:"author"`
	Kind           string   `yaml:"kind"` // what its author set out to write
	Half           string   `yaml:"half"` // dev or test
	Scores         []int    `yaml:"scores"`
	Grades         []string `yaml:"grades"`
	Justifications []string `yaml:"justifications"`
}

// readExperts reads the interviewers' scores of one folder of blind
// answers (its experts.yaml).
func readExperts(t testing.TB, file string) []expertEntry {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var es []expertEntry
	if err := yaml.Unmarshal(b, &es); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return es
}

// score is the interviewers' mean.
func (e *expertEntry) score() float64 {
	s := 0.0
	for _, x := range e.Scores {
		s += float64(x)
	}
	return s / float64(len(e.Scores))
}

// grade is the interviewers' grade: the one they agree on, or else the
// grade of their mean on their own scale (75 a solid pass, 60 borderline).
func (e *expertEntry) grade() string {
	if len(e.Grades) > 0 && !slices.ContainsFunc(e.Grades, func(g string) bool { return g != e.Grades[0] }) {
		return e.Grades[0]
	}
	switch s := e.score(); {
	case s >= 72:
		return rubric.GradeStrong
	case s >= 50:
		return rubric.GradeMedium
	}
	return rubric.GradeWeak
}

// blindRow is one scored blind design.
type blindRow struct {
	Case      string
	Entry     expertEntry
	Auto      float64
	Grade     string
	Flags     int
	Expert    float64
	ExpGrade  string
	Keywords  float64
	Relevance float64
}

// scoreBlind scores every blind design of the bundled cases.
func scoreBlind(t *testing.T, cat *catalog.Catalog) []blindRow {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "blind", "*", "experts.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no blind set under testdata/blind: %v", err)
	}
	var rows []blindRow
	for _, f := range dirs {
		dir := filepath.Dir(f)
		slug := filepath.Base(dir)
		k, ok := cat.Case(slug)
		if !ok {
			if os.Getenv("CASEBENCH_DEV_CASES") != "" {
				continue
			}
			t.Fatalf("%s: no such case", dir)
		}
		es := readExperts(t, f)
		for _, e := range es {
			d, err := readMarkdownDesign(filepath.Join(dir, e.ID+".md"), cat.Template)
			if err != nil {
				t.Fatalf("%s/%s: %v", dir, e.ID, err)
			}
			d.Case = slug
			rep := k.Engine.Check(slug, d)
			rows = append(rows, blindRow{Case: slug, Entry: e, Auto: rep.Score, Grade: rep.Grade, Flags: len(rep.RaisedFlags()), Expert: e.score(), ExpGrade: e.grade(), Keywords: rep.KeywordShare, Relevance: rep.Relevance})
		}
	}
	return rows
}

// spearman returns the rank correlation of x and y, ties ranked by their mean.
func spearman(x, y []float64) float64 {
	rx, ry := ranks(x), ranks(y)
	mx, my := mean(rx), mean(ry)
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	if sxx == 0 || syy == 0 {
		return 0
	}
	return sxy / math.Sqrt(sxx*syy)
}

func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// The blind set has parts (see testdata/blind/README.md). "dev" was used
// to tune the rubrics from the start; "seen" to "seen25" were each held out
// until they were scored once, and have been development data since;
// "test", when present, was written and scored after all tuning on the
// others, and is never tuned on.
//
// wrongOpen names the parts whose wrong and stuffed designs the engine
// still scores medium: until it reads them, their shortfall is logged
// instead of failing (see the README). Since the forecasting case reads a
// Gaussian band built from residuals, launch-week exposure as a feature and
// a system meant to replace the analysts' judgement, no part is open:
// every wrong and stuffed design of every part scores below medium.
var wrongOpen = map[string]bool{}
var blindHalves = []string{"dev", "seen", "seen2", "seen3", "seen4", "seen5", "seen6", "seen7", "seen8", "seen9", "seen10", "seen11", "seen12", "seen13", "seen14", "seen15", "seen16", "seen17", "seen18", "seen19", "seen20", "seen21", "seen22", "seen23", "seen24", "seen25"}

// TestBlindSet scores the blind set: designs written by authors who saw
// only each case's prompt and facts, scored 0-100 by two interviewers who
// saw only the prompt. Every part must rank as the interviewers rank and
// grade as they grade, by the bars of the test half.
func TestBlindSet(t *testing.T) {
	cat := loadCases(t)
	rows := scoreBlind(t, cat)
	for _, e := range pipelineErrors {
		t.Logf("pipeline not read: %s", e)
	}
	halves := slices.Clone(blindHalves)
	if os.Getenv("CASEBENCH_DEV_ONLY") == "" && slices.ContainsFunc(rows, func(r blindRow) bool { return r.Entry.Half == "test" }) {
		// While tuning, the test half is not looked at.
		halves = append(halves, "test")
	}
	for _, half := range halves {
		checkBlindHalf(t, half, rows, half == "dev" || half == "test")
	}
}

// checkBlindHalf prints one part's table and holds it to the bars: rank
// correlation at least 0.9 pooled and 0.8 per case; strong grades strong
// and medium medium; wrong and stuffed designs below medium; plain-words
// strong designs strong in all cases but two at most (the issue's own bar
// for them, so a plain-words design graded medium is logged, and counted
// against that bar, rather than failed on its own).
//
// A seen half is held to wrong and stuffed designs scoring below medium
// and to a pooled correlation of 0.85; where it falls short of the other
// bars the shortfall is logged (all must be false for the issue to close).
func checkBlindHalf(t *testing.T, half string, rows []blindRow, all bool) {
	short := t.Errorf
	if !all {
		short = func(format string, args ...any) { t.Logf("short of the bar: "+format, args...) }
	}
	var x, y []float64
	var table strings.Builder
	fmt.Fprintf(&table, "\n%s half\n%-30s %-4s %-8s %7s %-7s %7s %-7s %5s %s\n", half, "case", "id", "kind", "expert", "grade", "auto", "grade", "flags", "keywords relevance")
	perCase := map[string][2][]float64{}
	plainStrong, plainCases := 0, 0
	for _, r := range rows {
		if r.Entry.Half != half {
			continue
		}
		fmt.Fprintf(&table, "%-30s %-4s %-8s %7.1f %-7s %7.1f %-7s %5d %.2f %.2f\n", r.Case, r.Entry.ID, r.Entry.Kind, r.Expert, r.ExpGrade, r.Auto, r.Grade, r.Flags, r.Keywords, r.Relevance)
		x, y = append(x, r.Expert), append(y, r.Auto)
		pc := perCase[r.Case]
		pc[0], pc[1] = append(pc[0], r.Expert), append(pc[1], r.Auto)
		perCase[r.Case] = pc
		id := half + ": " + r.Case + "/" + r.Entry.ID
		switch {
		case r.ExpGrade == rubric.GradeStrong && r.Grade != rubric.GradeStrong && r.Entry.Kind == "plain":
			// The issue holds plain-words designs to a count of their own
			// (strong in all cases but two), below.
			t.Logf("%s (plain): the interviewers call it strong (%.1f); it grades %s (%.1f)", id, r.Expert, r.Grade, r.Auto)
		case r.ExpGrade == rubric.GradeStrong && r.Grade != rubric.GradeStrong:
			short("%s (%s): the interviewers call it strong (%.1f); it grades %s (%.1f)", id, r.Entry.Kind, r.Expert, r.Grade, r.Auto)
		case r.ExpGrade == rubric.GradeMedium && r.Grade != rubric.GradeMedium:
			short("%s (%s): the interviewers call it medium (%.1f); it grades %s (%.1f)", id, r.Entry.Kind, r.Expert, r.Grade, r.Auto)
		}
		if (r.Entry.Kind == "wrong" || r.Entry.Kind == "stuffed") && wrongOpen[half] && r.Auto >= rubric.MediumFrom {
			t.Logf("short of the bar: %s: a %s design scores %.1f, not below medium (%.0f)", id, r.Entry.Kind, r.Auto, rubric.MediumFrom)
		} else if (r.Entry.Kind == "wrong" || r.Entry.Kind == "stuffed") && r.Auto >= rubric.MediumFrom {
			t.Errorf("%s: a %s design scores %.1f, not below medium (%.0f)", id, r.Entry.Kind, r.Auto, rubric.MediumFrom)
		}
		if r.Entry.Kind == "plain" {
			plainCases++
			if r.Grade == rubric.GradeStrong {
				plainStrong++
			}
		}
	}
	if len(x) == 0 {
		t.Errorf("%s half: no designs", half)
		return
	}
	pooled := spearman(x, y)
	fmt.Fprintf(&table, "rank correlation, pooled: %.3f (%d designs)\n", pooled, len(x))
	slugs := make([]string, 0, len(perCase))
	for s := range perCase {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		rho := spearman(perCase[s][0], perCase[s][1])
		fmt.Fprintf(&table, "  %-30s %.3f\n", s, rho)
		if rho < 0.8 {
			short("%s half, %s: rank correlation %.3f; want at least 0.8", half, s, rho)
		}
	}
	fmt.Fprintf(&table, "plain-words strong designs graded strong: %d of %d\n", plainStrong, plainCases)
	t.Log(table.String())
	if pooled < 0.9 {
		short("%s half: pooled rank correlation %.3f; want at least 0.9", half, pooled)
	}
	if pooled < 0.85 {
		t.Errorf("%s half: pooled rank correlation %.3f; want at least 0.85", half, pooled)
	}
	if plainStrong < plainCases-2 {
		short("%s half: plain-words strong designs grade strong in %d of %d cases; want all but 2 at most", half, plainStrong, plainCases)
	}
}

func loadCases(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	dir := "../../cases"
	if d := os.Getenv("CASEBENCH_DEV_CASES"); d != "" {
		dir = d
	}
	cat, err := catalog.Load(os.DirFS(dir), "cases")
	if err != nil {
		tb.Fatalf("load cases:\n%v", err)
	}
	return cat
}

func readDesign(tb testing.TB, path string) *design.Design {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := design.Decode(f, 1<<20)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return d
}

// TestGradeBands shows how the grade bands were chosen, on the
// dev and seen halves: a band starts at the
// lowest multiple of 5 at least 5 points above every design of the grade
// below it: strong above every design the interviewers do not call strong,
// medium above every weak, fluent-but-wrong or keyword-stuffed design. The
// bands in report.go must be that choice.
func TestGradeBands(t *testing.T) {
	cat := loadCases(t)
	var dev []blindRow
	for _, r := range scoreBlind(t, cat) {
		if slices.Contains(blindHalves, r.Entry.Half) {
			dev = append(dev, r)
		}
	}
	if len(dev) == 0 {
		t.Fatal("no development data")
	}
	misgrades := func(strong, medium float64) int {
		n := 0
		for _, r := range dev {
			if rubric.GradeIn(r.Auto, strong, medium) != wantGrade(r) {
				n++
			}
		}
		return n
	}
	best, bestStrong, bestMedium := -1, 0.0, 0.0
	for strong := 90.0; strong >= 50; strong-- {
		for medium := strong - 10; medium >= 20; medium-- {
			if n := misgrades(strong, medium); best < 0 || n < best {
				best, bestStrong, bestMedium = n, strong, medium
			}
		}
	}
	inUse := misgrades(rubric.StrongFrom, rubric.MediumFrom)
	t.Logf("development data, %d designs: the bands that agree best with the interviewers are strong from %.0f and medium from %.0f (%d misgraded); in use %.0f and %.0f (%d misgraded); the earlier 75 and 40 misgrade %d",
		len(dev), bestStrong, bestMedium, best, rubric.StrongFrom, rubric.MediumFrom, inUse, misgrades(75, 40))
	if inUse != best || rubric.StrongFrom != bestStrong || rubric.MediumFrom != bestMedium {
		t.Errorf("bands in use: strong from %.0f, medium from %.0f; the development data gives %.0f and %.0f", rubric.StrongFrom, rubric.MediumFrom, bestStrong, bestMedium)
	}

	// Then each case's strong band, the medium band held: the whole number
	// whose grades differ least often from the interviewers' on that case's
	// designs, the nearest to the usual band among equals (the higher of
	// two as near). A case whose rubric is easier to meet than others
	// starts strong higher.
	bySlug := map[string][]blindRow{}
	for _, r := range dev {
		bySlug[r.Case] = append(bySlug[r.Case], r)
	}
	for _, k := range cat.Cases {
		slug, rows := k.Slug, bySlug[k.Slug]
		count := func(strong float64) int {
			n := 0
			for _, r := range rows {
				if rubric.GradeIn(r.Auto, strong, rubric.MediumFrom) != wantGrade(r) {
					n++
				}
			}
			return n
		}
		best, bestStrong := -1, 0.0
		for strong := 90.0; strong >= rubric.MediumFrom+10; strong-- {
			n := count(strong)
			if best < 0 || n < best || n == best && math.Abs(strong-rubric.StrongFrom) < math.Abs(bestStrong-rubric.StrongFrom) {
				best, bestStrong = n, strong
			}
		}
		strong, _ := k.Rubric.Bands()
		t.Logf("%-30s %d designs: strong from %.0f (%d misgraded; %d at %.0f); in use %.0f", slug, len(rows), bestStrong, best, count(rubric.StrongFrom), rubric.StrongFrom, strong)
		if strong != bestStrong {
			t.Errorf("%s: strong from %.0f in use; the development data gives %.0f", slug, strong, bestStrong)
		}
	}
}

// wantGrade is the grade the interviewers give a blind design; a wrong or
// stuffed design should grade weak, whatever its fluency earns.
func wantGrade(r blindRow) string {
	if r.Entry.Kind == "wrong" || r.Entry.Kind == "stuffed" {
		return rubric.GradeWeak
	}
	return r.ExpGrade
}
