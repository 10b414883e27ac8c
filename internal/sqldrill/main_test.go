package sqldrill

import (
	"os"
	"testing"
)

// sample is the bundled dataset, opened once for the package's tests.
var sample *Dataset

func TestMain(m *testing.M) {
	var err error
	sample, err = Open(os.DirFS("../../cases"), SampleFile, Config{})
	if err != nil {
		panic(err)
	}
	code := m.Run()
	sample.Close()
	os.Exit(code)
}
