package rubric_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// BenchmarkCheck scores the largest design of the references and the blind
// set against its case's rubric. The budget is 2 ms per check.
func BenchmarkCheck(b *testing.B) {
	cat := loadCases(b)
	k, d, size := largestDesign(b, cat)
	b.ReportMetric(float64(size), "design-bytes")
	b.ResetTimer()
	for b.Loop() {
		k.Engine.Check(k.Slug, d)
	}
}

// BenchmarkCheckCold scores the same design as BenchmarkCheck with nothing
// left from an earlier check: each check has an engine of its own, just
// built, and the memory that checks reuse is first emptied by the garbage
// collector. Neither is timed.
func BenchmarkCheckCold(b *testing.B) {
	cat := loadCases(b)
	k, d, _ := largestDesign(b, cat)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		e := newEngine(cat, k)
		runtime.GC() // twice: a pool keeps what it held for one collection
		runtime.GC()
		b.StartTimer()
		e.Check(k.Slug, d)
	}
}

// BenchmarkNewEngine compiles the rubric and concepts of the case of the
// largest design, as loading the cases does for each case.
func BenchmarkNewEngine(b *testing.B) {
	cat := loadCases(b)
	k, _, _ := largestDesign(b, cat)
	for b.Loop() {
		newEngine(cat, k)
	}
}

// newEngine builds k's engine as the catalog does.
func newEngine(cat *catalog.Catalog, k *catalog.Case) *rubric.Engine {
	var own []string
	for id := range k.Concepts {
		if _, shared := cat.Concepts[id]; !shared {
			own = append(own, id)
		}
	}
	return rubric.NewEngine(k.Rubric, k.Concepts, cat.Template, rubric.WithCaseText(k.Texts()...), rubric.WithOwnConcepts(own...))
}

// largestDesign returns the largest design of the references and the blind
// set, with its case and its size in bytes.
func largestDesign(b *testing.B, cat *catalog.Catalog) (*catalog.Case, *design.Design, int64) {
	b.Helper()
	var largest *design.Design
	var size int64
	for _, k := range cat.Cases {
		paths := []string{filepath.Join("../../cases", k.Slug, "reference.json")}
		md, _ := filepath.Glob(filepath.Join("testdata", "blind", k.Slug, "d*.md"))
		paths = append(paths, md...)
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil || st.Size() <= size {
				continue
			}
			var d *design.Design
			if filepath.Ext(p) == ".md" {
				if d, err = readMarkdownDesign(p, cat.Template); err != nil {
					b.Fatal(err)
				}
				d.Case = k.Slug
			} else {
				d = readDesign(b, p)
			}
			size, largest = st.Size(), d
		}
	}
	k, _ := cat.Case(largest.Case)
	return k, largest, size
}
