package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpListsTheCommands: casebench, casebench help and casebench --help
// list every command on one line each, on stdout, and succeed.
func TestHelpListsTheCommands(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"--help"}, {"-h"}} {
		e, out, errb := testEnv("")
		if err := run(context.Background(), args, e); err != nil {
			t.Fatalf("casebench %v: %v", args, err)
		}
		if errb.Len() != 0 {
			t.Errorf("casebench %v wrote to stderr: %q", args, errb)
		}
		lines := strings.Split(out.String(), "\n")
		for _, c := range commands {
			n := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "  "+c.Name+" ") && strings.Contains(l, c.Summary) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("casebench %v: %d lines for %q in:\n%s", args, n, c.Name, out)
			}
		}
		if strings.Contains(out.String(), "--render-workers") {
			t.Errorf("casebench %v lists serve's flags", args)
		}
	}
}

// TestCommandHelp: every command's --help, before or after arguments, shows
// its usage line, its arguments and only its own flags, and succeeds.
func TestCommandHelp(t *testing.T) {
	for _, tc := range []struct {
		args          []string
		usage         string
		want, wantNot []string
	}{
		{[]string{"user", "token", "--help"}, "usage: casebench user token NAME [flags]", []string{"NAME", "--db"}, []string{"--addr", "--render-workers", "--cases"}},
		{[]string{"user", "token", "ann", "-h"}, "usage: casebench user token NAME [flags]", []string{"--db"}, []string{"--addr"}},
		{[]string{"user", "token", "--help"}, "usage: casebench user token NAME [flags]", []string{"--name LABEL", "--expires DURATION", "default 90d"}, []string{"--all"}},
		{[]string{"user", "tokens", "--help"}, "usage: casebench user tokens NAME [flags]", []string{"NAME", "--db", "last used"}, []string{"--addr", "--expires", "--all"}},
		{[]string{"user", "revoke", "ann", "--help"}, "usage: casebench user revoke NAME [ID] [flags]", []string{"ID", "--all", "--db"}, []string{"--addr", "--expires"}},
		{[]string{"help", "backup"}, "usage: casebench backup FILE [flags]", []string{"FILE", "--db", "pg_dump"}, []string{"--addr", "--cases"}},
		{[]string{"user", "role", "--help"}, "usage: casebench user role NAME ROLE [flags]", []string{"ROLE", "member or mentor"}, []string{"--addr"}},
		{[]string{"cases", "lint", "--help"}, "usage: casebench cases lint [DIR]", []string{"DIR"}, []string{"--db", "not a folder", "Flags:"}},
		{[]string{"help", "check"}, "usage: casebench check FILE.json [flags]", []string{"--case SLUG", "--drill SLUG", "--min-score N", "--format", "--cases"}, []string{"--db", "--addr"}},
		{[]string{"export", "7", "--help"}, "usage: casebench export ID [flags]", []string{"ID", "--format", "-o FILE", "--db", "$CASEBENCH_DB"}, []string{"--addr", "--login-per-minute"}},
		{[]string{"import", "--help"}, "usage: casebench import FILE [flags]", []string{"--user NAME", "--db"}, []string{"--addr"}},
		{[]string{"render", "--help"}, "usage: casebench render IN.dot [flags]", []string{"-o FILE", "--render-timeout"}, []string{"--db", "--addr"}},
		{[]string{"migrate", "--help"}, "usage: casebench migrate [flags]", []string{"--db"}, []string{"--addr", "--cases"}},
		{[]string{"rescore", "--help"}, "usage: casebench rescore [flags]", []string{"--all", "--case SLUG", "--db"}, []string{"--addr"}},
		{[]string{"serve", "--help"}, "usage: casebench serve [flags]", []string{"--addr", "CASEBENCH_ADDR", "--render-workers", "--db"}, []string{"Arguments:"}},
	} {
		e, out, errb := testEnv("")
		if err := run(context.Background(), tc.args, e); err != nil {
			t.Errorf("%v: %v %s", tc.args, err, errb)
			continue
		}
		text := out.String()
		if !strings.HasPrefix(text, tc.usage+"\n") {
			t.Errorf("%v: the help starts %q, want %q", tc.args, strings.SplitN(text, "\n", 2)[0], tc.usage)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%v: the help lacks %q:\n%s", tc.args, w, text)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(text, w) {
				t.Errorf("%v: the help shows %q:\n%s", tc.args, w, text)
			}
		}
	}
	for _, group := range []string{"user", "cases"} {
		e, out, _ := testEnv("")
		if err := run(context.Background(), []string{group, "--help"}, e); err != nil || !strings.Contains(out.String(), group+" ") {
			t.Errorf("%s --help: %v %q", group, err, out)
		}
	}
}

// TestFlagsAnywhere: flags may come before or after the arguments, and
// before the command.
func TestFlagsAnywhere(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cb.db")
	e, _, errb := testEnv("correct horse battery\n")
	if err := run(context.Background(), []string{"user", "add", "ann", "--db", db}, e); err != nil {
		t.Fatalf("user add NAME --db: %v %s", err, errb)
	}
	for _, args := range [][]string{
		{"user", "token", "ann", "--db", db},
		{"user", "token", "--db", db, "ann"},
		{"user", "token", "--db=" + db, "ann"},
		{"--db", db, "user", "token", "ann"},
	} {
		e, out, errb := testEnv("")
		if err := run(context.Background(), args, e); err != nil || !strings.HasPrefix(out.String(), "cb_") {
			t.Errorf("%v: %v %q %s", args, err, out, errb)
		}
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "role", "ann", "--db", db, "mentor"}, e); err != nil {
		t.Errorf("user role NAME --db PATH ROLE: %v", err)
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"cases", "lint", "../../cases"}, e); err != nil {
		t.Errorf("cases lint DIR: %v", err)
	}

	// Mistakes say what to write.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "token"}, "usage: casebench user token NAME"},
		{[]string{"user", "token", "ann", "bob", "--db", db}, "usage: casebench user token NAME"},
		{[]string{"migrate", "--addr", ":1"}, "migrate takes no flag --addr"},
		{[]string{"export", "1", "--format"}, "--format needs a value"},
		{[]string{"render", "in.dot", "--render-timeout", "soon"}, "invalid value"},
		{[]string{"nosuch"}, "unknown command"},
		{[]string{"user", "nosuch"}, "unknown user command"},
		{[]string{"user", "revoke", "ann", "--db", db}, "give the token's ID, or --all"},
		{[]string{"user", "revoke", "ann", "1", "--all", "--db", db}, "not both"},
		{[]string{"user", "token", "ann", "--expires", "soon", "--db", db}, "--expires \"soon\""},
		{[]string{"backup", "--db", db}, "usage: casebench backup FILE"},
	} {
		e, _, _ := testEnv("")
		err := run(context.Background(), tc.args, e)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// TestServeSaysHowToChangeAPortInUse: a port that is taken gives an error
// that names --addr and CASEBENCH_ADDR.
func TestServeSaysHowToChangeAPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	e, _, _ := testEnv("")
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String(), "--db", filepath.Join(t.TempDir(), "cb.db"), "--render-workers", "1"}, e)
	if err == nil || !strings.Contains(err.Error(), "--addr") || !strings.Contains(err.Error(), "CASEBENCH_ADDR") {
		t.Fatalf("serving on a taken port: %v", err)
	}
}
