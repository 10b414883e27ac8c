package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/store"
)

// TestUserTokens makes named tokens with an expiry, lists them and revokes
// them one by one and all at once; a revoked token no longer finds its
// owner.
func TestUserTokens(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "cb.db")
	cli := func(stdin string, args ...string) (string, string, error) {
		t.Helper()
		e, out, errb := testEnv(stdin)
		err := run(ctx, append(args, "--db", db), e)
		return out.String(), errb.String(), err
	}
	if _, _, err := cli("correct horse battery\n", "user", "add", "ann"); err != nil {
		t.Fatal(err)
	}
	out, errs, err := cli("", "user", "token", "ann", "--name", "laptop", "--expires", "7d")
	if err != nil {
		t.Fatal(err)
	}
	laptop := strings.TrimSpace(out)
	if !strings.HasPrefix(laptop, "cb_") || !strings.Contains(errs, "expires") {
		t.Fatalf("token: %q, %q", out, errs)
	}
	ci, _, _ := cli("", "user", "token", "ann", "--name=ci")
	ci = strings.TrimSpace(ci)
	out, _, err = cli("", "user", "tokens", "ann")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "LAST USED") || !strings.Contains(out, "laptop") || !strings.Contains(out, "ci") {
		t.Fatalf("tokens:\n%s", out)
	}
	// The laptop token is the older one: its id ends the list.
	id := regexp.MustCompile(`^\d+`).FindString(lines[2])

	for _, bad := range [][]string{
		{"user", "token", "ann", "--expires", "0d"},
		{"user", "token", "ann", "--expires", "forever"},
		{"user", "token", "ann", "--expires", "99999d"},
		{"user", "token", "ann", "--name", "a\x00b"},
		{"user", "revoke", "ann", "x"},
		{"user", "revoke", "ann", "999"},
		{"user", "revoke", "ann"},
		{"user", "tokens", "nobody"},
	} {
		if _, _, err := cli("", bad...); err == nil {
			t.Errorf("%q worked", bad)
		}
	}

	if out, _, err := cli("", "user", "revoke", "ann", id); err != nil || !strings.Contains(out, "revoked token "+id) {
		t.Fatalf("revoke %s: %q %v", id, out, err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByToken(ctx, laptop); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the revoked token: %v", err)
	}
	if _, err := st.UserByToken(ctx, ci); err != nil {
		t.Errorf("the other token: %v", err)
	}
	if out, _, err := cli("", "user", "revoke", "--all", "ann"); err != nil || !strings.Contains(out, "revoked 1 token") {
		t.Fatalf("revoke --all: %q %v", out, err)
	}
	if out, _, _ := cli("", "user", "tokens", "ann"); !strings.Contains(out, "no API tokens") {
		t.Errorf("after revoke --all: %q", out)
	}
}

// TestBackupCommand backs up a database, refuses to overwrite a file, and
// tells PostgreSQL users to use pg_dump.
func TestBackupCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "cb.db")
	e, _, _ := testEnv("correct horse battery\n")
	if err := run(ctx, []string{"user", "add", "ann", "--db", db}, e); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	e, out, _ := testEnv("")
	if err := run(ctx, []string{"backup", copyPath, "--db", db}, e); err != nil || !strings.Contains(out.String(), "backed up") {
		t.Fatalf("backup: %v %q", err, out)
	}
	st, err := store.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.UserByName(ctx, "ann"); err != nil {
		t.Fatalf("the copy has no ann: %v", err)
	}
	e, _, _ = testEnv("")
	if err := run(ctx, []string{"backup", copyPath, "--db", db}, e); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v", err)
	}
	if err := run(ctx, []string{"backup", filepath.Join(dir, "x.db"), "--db", "postgres://u:p@localhost:1/db"}, e); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup of PostgreSQL: %v", err)
	}
	if err := run(ctx, []string{"backup", filepath.Join(dir, "y.db"), "--db", filepath.Join(dir, "none.db")}, e); err == nil {
		t.Error("a backup of a database that does not exist")
	}
}
