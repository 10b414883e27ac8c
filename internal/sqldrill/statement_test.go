package sqldrill

import (
	"strings"
	"testing"
)

func TestParseStatement(t *testing.T) {
	for _, tc := range []struct {
		in, sql string
	}{
		{"SELECT 1", "SELECT 1"},
		{"  select 1 ;  ", "select 1"},
		{"-- note\nSELECT 1; -- done", "SELECT 1"},
		{"/* a; b */ WITH x AS (SELECT 1) SELECT * FROM x /* end */;", "WITH x AS (SELECT 1) SELECT * FROM x"},
		{"SELECT ';' AS \"a;b\", [c;d], `e;f` FROM t", "SELECT ';' AS \"a;b\", [c;d], `e;f` FROM t"},
		{"SELECT 'it''s; fine'", "SELECT 'it''s; fine'"},
		{"SELECT 1--x\n", "SELECT 1"},
		{"SELECT x'00ff' AS b;;", "SELECT x'00ff' AS b"},
		{"SELECT 5-3/2", "SELECT 5-3/2"},
	} {
		st, err := parseStatement(tc.in, 1<<10)
		if err != nil || st.sql != tc.sql {
			t.Errorf("parseStatement(%q) = %q, %v; want %q", tc.in, st.sql, err, tc.sql)
		}
	}
	for _, tc := range []struct {
		in, why string
	}{
		{"", "empty"},
		{" ; -- nothing\n", "empty"},
		{"SELECT 1; SELECT 2", "more than one statement"},
		{"SELECT 1;DELETE FROM t", "more than one statement"},
		{"SELECT ';'; DROP TABLE t", "more than one statement"},
		{"DELETE FROM t", "begins with DELETE"},
		{"(SELECT 1)", "begins with (SELECT 1)"},
		{"VALUES (1)", "begins with VALUES"},
		{"SELECT 'open", "never closed"},
		{"SELECT \"open", "never closed (a \" is missing)"},
		{"SELECT [open", "never closed (a ] is missing)"},
		{"SELECT 1 /* open", "never closed"},
		{"SELECT 1\x00", "NUL byte"},
		{"SELECT '\xff'", "UTF-8"},
		{"SELECT " + strings.Repeat("1", 2000), "bytes long"},
	} {
		_, err := parseStatement(tc.in, 1<<10)
		if err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("parseStatement(%q): %v, want a refusal saying %q", tc.in, err, tc.why)
		}
	}
}

func FuzzParseStatement(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT ';' -- x\n;", "WITH a AS (SELECT 1) SELECT * FROM a", "SELECT [a]`b`\"c\"'d'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := parseStatement(s, 1<<12)
		if err != nil {
			return
		}
		// What passes is one statement: parsing it again gives itself.
		again, err := parseStatement(st.sql, 1<<12)
		if err != nil || again.sql != st.sql {
			t.Fatalf("%q passed as %q, which parses as %q, %v", s, st.sql, again.sql, err)
		}
		if st.first != "SELECT" && st.first != "WITH" {
			t.Fatalf("%q passed beginning with %q", s, st.first)
		}
	})
}
