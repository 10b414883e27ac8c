package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCaseFileBadBytes: a case file with NUL or a control character is
// refused by lint with its file and line.
func TestCaseFileBadBytes(t *testing.T) {
	for _, bad := range []string{"\x00", "\x1b[2J", "\xff"} {
		dir := t.TempDir()
		copyDir(t, "../../cases", dir)
		file := filepath.Join(dir, "homepage-recommendations", "case.yaml")
		b, _ := os.ReadFile(file)
		lines := strings.Split(string(b), "\n")
		lines[2] += bad
		os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644)
		e, _, errb := testEnv("")
		if err := run(context.Background(), []string{"cases", "lint", dir}, e); err == nil {
			t.Fatalf("lint passed %q", bad)
		}
		if want := file + ":" + strconv.Itoa(3) + ":"; !strings.Contains(errb.String(), want) {
			t.Errorf("lint of %q said %q, want %s", bad, errb, want)
		}
	}
}

// TestImportBadBytes: a design file whose title holds NUL is refused and
// nothing is stored.
func TestImportBadBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "cb.db")
	e, _, _ := testEnv("correct horse battery\n")
	if err := run(ctx, []string{"user", "add", "ann", "--db", db}, e); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "d.json")
	os.WriteFile(file, []byte(`{"format":"casebench.design/v1","case":"artwork-personalization","title":"a\u0000b"}`), 0o644)
	e, out, _ := testEnv("")
	err := run(ctx, []string{"import", file, "--db", db, "--user", "ann"}, e)
	if err == nil || !strings.Contains(err.Error(), "title") {
		t.Fatalf("import of a NUL title: %v %q", err, out)
	}
	if _, err := run2(ctx, "export", "1", "--db", db); err == nil {
		t.Error("a design was stored")
	}
}

func run2(ctx context.Context, args ...string) (string, error) {
	e, out, _ := testEnv("")
	err := run(ctx, args, e)
	return out.String(), err
}
