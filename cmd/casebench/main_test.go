package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func testEnv(stdin string) (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}, &out, &errb
}

// copyDir copies the folder src into dst, recursively.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCasesLintBundled(t *testing.T) {
	e, out, errb := testEnv("")
	if err := run(context.Background(), []string{"cases", "lint", "../../cases"}, e); err != nil {
		t.Fatalf("lint of the bundled cases failed: %v\n%s", err, errb)
	}
	if !strings.Contains(out.String(), "no errors") {
		t.Fatalf("output %q", out)
	}
}

func TestCasesLintNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../cases", dir)
	file := filepath.Join(dir, "homepage-recommendations", "case.yaml")
	b, _ := os.ReadFile(file)
	lines := strings.Split(string(b), "\n")
	line := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "difficulty:") {
			lines[i] = strings.Replace(l, "difficulty:", "dificulty:", 1)
			line = i + 1
		}
	}
	if line < 0 {
		t.Fatal("no difficulty line in case.yaml")
	}
	os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644)

	e, _, errb := testEnv("")
	err := run(context.Background(), []string{"cases", "lint", dir}, e)
	if err == nil {
		t.Fatal("lint passed a misspelled field")
	}
	want := filepath.Join(dir, "homepage-recommendations", "case.yaml") + ":" + strconv.Itoa(line) + ": dificulty:"
	if !strings.Contains(errb.String(), want) {
		t.Fatalf("lint output %q does not name %q", errb, want)
	}
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cb.db")
	e, out, errb := testEnv("correct horse battery\n")
	if err := run(context.Background(), []string{"user", "add", "--db", db, "ann"}, e); err != nil {
		t.Fatalf("user add: %v %s", err, errb)
	}
	if !strings.Contains(out.String(), "added user ann") {
		t.Fatalf("user add said %q", out)
	}
	e, out, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "token", "--db", db, "ann"}, e); err != nil {
		t.Fatal(err)
	}
	if tok := strings.TrimSpace(out.String()); !strings.HasPrefix(tok, "cb_") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("token output %q; want one line with a token", out)
	}
	e, _, _ = testEnv("short\n")
	if err := run(context.Background(), []string{"user", "add", "--db", db, "bob"}, e); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password: %v", err)
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "token", "--db", db, "nobody"}, e); err == nil {
		t.Fatal("a token for an unknown user")
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "role", "--db", db, "ann", "mentor"}, e); err != nil {
		t.Fatal(err)
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env.db")
	e, out, _ := testEnv("")
	e.getenv = func(k string) string {
		if k == "CASEBENCH_DB" {
			return db
		}
		return ""
	}
	if err := run(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("CASEBENCH_DB was not used: %v, %q", err, out)
	}
}
