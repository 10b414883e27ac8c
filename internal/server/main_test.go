package server_test

import (
	"os"
	"testing"

	"github.com/casebench/casebench/internal/diagram/gvworker"
)

func TestMain(m *testing.M) {
	// The render pool starts this test binary as its workers.
	gvworker.MaybeRunWorker()
	code := m.Run()
	if testDiagrams != nil {
		testDiagrams.Close()
	}
	os.Exit(code)
}
