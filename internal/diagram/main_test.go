package diagram_test

import (
	"os"
	"testing"

	"github.com/casebench/casebench/internal/diagram/gvworker"
)

// TestMain lets the pool start this test binary as its workers
// (diagram.SelfCommand).
func TestMain(m *testing.M) {
	gvworker.MaybeRunWorker()
	os.Exit(m.Run())
}
