package rubric_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/casebench/casebench/internal/design"
)

// BenchmarkCheck scores the largest design of the calibration and held-out
// sets against its case's rubric. The budget is 2 ms per check.
func BenchmarkCheck(b *testing.B) {
	cat := loadCases(b)
	var largest *design.Design
	var size int64
	consider := func(path string) {
		st, err := os.Stat(path)
		if err != nil || st.Size() <= size {
			return
		}
		size, largest = st.Size(), readDesign(b, path)
	}
	for _, k := range cat.Cases {
		consider(filepath.Join("../../cases", k.Slug, "reference.json"))
		m, _ := filepath.Glob(filepath.Join("testdata", "*", k.Slug, "*.json"))
		for _, p := range m {
			consider(p)
		}
	}
	k, _ := cat.Case(largest.Case)
	b.ReportMetric(float64(size), "design-bytes")
	b.ResetTimer()
	for b.Loop() {
		k.Engine.Check(k.Slug, largest)
	}
}
