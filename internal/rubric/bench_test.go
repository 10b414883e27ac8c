package rubric_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/casebench/casebench/internal/design"
)

// BenchmarkCheck scores the largest design of the references and the blind
// set against its case's rubric. The budget is 2 ms per check.
func BenchmarkCheck(b *testing.B) {
	cat := loadCases(b)
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
	b.ReportMetric(float64(size), "design-bytes")
	b.ResetTimer()
	for b.Loop() {
		k.Engine.Check(k.Slug, largest)
	}
}
