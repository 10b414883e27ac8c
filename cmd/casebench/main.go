// Command casebench serves the casebench web application and runs its
// command-line tools.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) >= 2 && args[0] == "cases" && args[1] == "lint" {
		dir := "cases"
		if len(args) > 2 {
			dir = args[2]
		}
		return runCasesLint(dir, os.Stdout, os.Stderr)
	}
	return fmt.Errorf("usage: casebench cases lint [DIR]")
}
