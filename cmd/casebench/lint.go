package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebench/casebench/internal/catalog"
)

// runCasesLint validates the case packs in a folder (default "cases") and
// prints every error with its file and line. It fails when there is any.
func runCasesLint(args []string, e env) error {
	_, pos, err := parseCmd(cmdCasesLint, args, e, nil)
	if err != nil {
		return err
	}
	dir := "cases"
	if len(pos) == 1 {
		dir = pos[0]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cases lint: %s is not a folder", dir)
	}
	cat, err := catalog.Lint(os.DirFS(dir), filepath.Clean(dir))
	var errs catalog.Errors
	if errors.As(err, &errs) {
		for _, le := range errs {
			fmt.Fprintln(e.stderr, le.Error())
		}
		return fmt.Errorf("cases lint: %d error(s) in %s", len(errs), dir)
	}
	if err != nil {
		return err
	}
	defer cat.Close()
	fmt.Fprintf(e.stdout, "%s: %d case(s), %d drill(s)%s, no errors\n", dir, len(cat.Cases), len(cat.Drills), kindCounts(cat))
	return nil
}

// kindCounts says how many drills of each kind the catalog holds:
// " (ml 20, stats 10, sql 15, behavioral 15)", or "" without drills.
func kindCounts(cat *catalog.Catalog) string {
	if len(cat.Drills) == 0 {
		return ""
	}
	n := cat.DrillCounts()
	var parts []string
	for _, k := range catalog.DrillKinds {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, n[k]))
		}
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
