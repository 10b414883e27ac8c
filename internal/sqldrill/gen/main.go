// Command gen writes casebench's sample streaming dataset for SQL drills:
// members, titles, viewing events and homepage impressions over January to
// April 2026, as one SQL script of CREATE TABLE and INSERT statements. The
// data comes from a fixed seed and a generator written out here, so the
// same program always writes the same bytes.
//
//	go run ./internal/sqldrill/gen                 # writes cases/drills/data/sample.sql
//	go run ./internal/sqldrill/gen -o FILE         # writes FILE ("-" for standard output)
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	out := flag.String("o", "cases/drills/data/sample.sql", "file to write, - for standard output")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if out == "-" {
		return write(os.Stdout)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	writeSQL(bw, generate(seed))
	return bw.Flush()
}
