package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/casebench/casebench/internal/catalog"
)

// runCasesLint validates the case packs in dir and prints every error with
// its file and line. It returns an error when there is any.
func runCasesLint(dir string, stdout, stderr io.Writer) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("cases lint: %w", err)
	}
	cat, err := catalog.Load(os.DirFS(dir), filepath.Clean(dir))
	var errs catalog.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(stderr, e.Error())
		}
		return fmt.Errorf("cases lint: %d error(s) in %s", len(errs), dir)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d case(s), no errors\n", dir, len(cat.Cases))
	return nil
}
