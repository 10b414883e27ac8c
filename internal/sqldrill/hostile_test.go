package sqldrill

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// snapshot reads every row of every table of the dataset, to show that
// nothing a query does changes it.
func snapshot(t *testing.T, d *Dataset) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range d.Tables() {
		st, err := parseStatement("SELECT * FROM "+quoteIdent(tb.Name)+" ORDER BY rowid", 1<<10)
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.run(context.Background(), st, limits{timeout: time.Minute, maxRows: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range res.rows {
			b.WriteString(rowKey(r))
			b.WriteByte('\n')
		}
		out[tb.Name] = b.String()
	}
	return out
}

// TestHostileQueries runs queries that try to write, open files, escape
// the statement, or exhaust time, rows and memory. Each must be refused or
// stopped, within a deadline the test sets generously, and the dataset and
// the disk must be as they were.
func TestHostileQueries(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a relative file name would land here
	evil := filepath.Join(dir, "evil.db")
	before := snapshot(t, sample)
	deep := "SELECT " + strings.Repeat("(", 3000) + "1" + strings.Repeat(")", 3000) + " AS n"
	wide := "SELECT " + strings.Repeat("1, ", 200) + "1"
	cases := []struct {
		name  string
		query string
		want  []Verdict // any of these
		opts  Options
	}{
		{"insert", `INSERT INTO members VALUES (999, 'US', 'basic', '2026-01-01', NULL)`, []Verdict{Refused}, Options{}},
		{"update", `UPDATE members SET plan = 'premium'`, []Verdict{Refused}, Options{}},
		{"delete", `DELETE FROM viewing_events`, []Verdict{Refused}, Options{}},
		{"drop", `DROP TABLE members`, []Verdict{Refused}, Options{}},
		{"create temp", `CREATE TEMP TABLE t AS SELECT * FROM members`, []Verdict{Refused}, Options{}},
		{"with insert", `WITH x AS (SELECT 1) INSERT INTO members SELECT 1000, 'US', 'basic', '2026-01-01', NULL`, []Verdict{Refused}, Options{}},
		{"with delete", `WITH x AS (SELECT 1) DELETE FROM members`, []Verdict{Refused}, Options{}},
		{"with update", `WITH x AS (SELECT 1) UPDATE members SET plan = 'basic'`, []Verdict{Refused}, Options{}},
		{"attach", "ATTACH DATABASE '" + evil + "' AS evil", []Verdict{Refused}, Options{}},
		{"attach relative", "ATTACH 'rel.db' AS rel", []Verdict{Refused}, Options{}},
		{"select then attach", "SELECT 1; ATTACH DATABASE '" + evil + "' AS evil", []Verdict{Refused}, Options{}},
		{"select then drop, no space", "SELECT 1;DROP TABLE members", []Verdict{Refused}, Options{}},
		{"vacuum into", "VACUUM INTO '" + filepath.Join(dir, "copy.db") + "'", []Verdict{Refused}, Options{}},
		{"pragma writable_schema", `PRAGMA writable_schema = ON`, []Verdict{Refused}, Options{}},
		{"pragma query_only off", `PRAGMA query_only = 0`, []Verdict{Refused}, Options{}},
		{"pragma function", `SELECT * FROM pragma_table_info('members')`, []Verdict{Refused}, Options{}},
		{"load_extension", `SELECT load_extension('/nonexistent/evil.so')`, []Verdict{Refused}, Options{}},
		{"readfile", `SELECT readfile('/etc/passwd')`, []Verdict{Refused, SQLError}, Options{}},
		{"writefile", "SELECT writefile('" + filepath.Join(dir, "w.txt") + "', 'x')", []Verdict{Refused, SQLError}, Options{}},
		{"fts3_tokenizer", `SELECT fts3_tokenizer('simple')`, []Verdict{Refused, SQLError}, Options{}},
		{"sqlite_dbpage", `SELECT data FROM sqlite_dbpage`, []Verdict{Refused}, Options{}},
		{"dbstat", `SELECT * FROM dbstat`, []Verdict{Refused}, Options{}},
		{"result table", `SELECT * FROM temp.drill_result`, []Verdict{Refused, SQLError}, Options{}},
		{"begin", `BEGIN`, []Verdict{Refused}, Options{}},
		{"explain", `EXPLAIN SELECT 1`, []Verdict{Refused}, Options{}},
		{"NUL byte", "SELECT 1 AS n\x00; DROP TABLE members", []Verdict{Refused}, Options{}},
		{"1 MB query", "SELECT 1 AS n" + strings.Repeat(" ", 1<<20), []Verdict{Refused}, Options{}},
		{"1 MB of conditions", "SELECT 1 AS n WHERE " + strings.Repeat("1=1 AND ", 1<<17) + "1", []Verdict{Refused}, Options{}},
		{"break out of the wrapper", `SELECT 1 AS n) UNION ALL SELECT count(*) FROM (SELECT 1`, []Verdict{SQLError}, Options{}},
		{"temp schema", `SELECT sql FROM temp.sqlite_master`, []Verdict{Refused}, Options{}},
		{"unclosed string", `SELECT 'abc FROM members`, []Verdict{Refused}, Options{}},
		{"unclosed comment", `SELECT 1 /* DROP TABLE members`, []Verdict{Refused}, Options{}},
		{"deep nesting", deep, []Verdict{SQLError, Refused}, Options{}},
		{"200 columns", wide, []Verdict{SQLError, Refused}, Options{}},
		{"zeroblob", `SELECT zeroblob(2000000000)`, []Verdict{TooMuchMemory}, Options{}},
		{"printf padding", `SELECT printf('%.*c', 1000000000, 'x')`, []Verdict{TooMuchMemory}, Options{}},
		{"group_concat of a cross join", `SELECT group_concat(a.started_at) FROM viewing_events a, titles b`, []Verdict{TooMuchMemory}, Options{Timeout: time.Minute}},
		{"endless recursion", `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r`, []Verdict{TimedOut}, Options{Timeout: 300 * time.Millisecond}},
		{"endless recursion, rows", `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r`, []Verdict{TooManyRows}, Options{Timeout: time.Minute}},
		{"slow rows after the first", `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r WHERE n % 100000000 = 1`, []Verdict{TimedOut}, Options{Timeout: 300 * time.Millisecond}},
		{"cross join", `SELECT count(*) FROM viewing_events a, impressions b, members c`, []Verdict{TimedOut}, Options{Timeout: 300 * time.Millisecond}},
		{"cross join rows", `SELECT * FROM members a, members b`, []Verdict{TooManyRows}, Options{Timeout: time.Minute}},
		{"distinct of wide rows", `SELECT count(*) FROM (SELECT DISTINCT printf('%.*c', 900000, 'x') || b.impression_id || a.event_id FROM viewing_events a, impressions b)`, []Verdict{TooMuchMemory}, Options{Timeout: time.Minute}},
		{"sort of wide rows", `SELECT a.event_id FROM viewing_events a, impressions b ORDER BY printf('%.*c', 900000, 'x') || b.impression_id`, []Verdict{TooMuchMemory}, Options{Timeout: time.Minute}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			began := time.Now()
			res, err := sample.Check(ctx, tc.query, "SELECT count(*) AS n FROM members", tc.opts)
			took := time.Since(began)
			if err != nil {
				t.Fatal(err)
			}
			ok := false
			for _, v := range tc.want {
				ok = ok || res.Verdict == v
			}
			if !ok || res.Pass {
				t.Fatalf("verdict %v, want one of %v: %s", res.Verdict, tc.want, res.Explanation)
			}
			if res.Verdict == TimedOut && took > tc.opts.Timeout+30*time.Second {
				t.Errorf("stopped only after %v, limit %v", took, tc.opts.Timeout)
			}
			t.Logf("%v in %v: %s", res.Verdict, took.Round(time.Millisecond), res.Explanation)
		})
	}
	after := snapshot(t, sample)
	for name, rows := range before {
		if after[name] != rows {
			t.Errorf("table %s changed", name)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files appeared: %v", ents)
	}
	if res, err := sample.Check(context.Background(), "SELECT count(*) AS n FROM members", "SELECT 400 AS n", Options{Timeout: time.Minute}); err != nil || !res.Pass {
		t.Errorf("after the hostile queries a plain check fails: %v %v", res, err)
	}
}

// TestWrapperKeepsOrder checks that running a query inside the sandbox's
// INSERT ... SELECT * FROM (query) LIMIT n gives the rows in the order the
// query gives them run directly.
func TestWrapperKeepsOrder(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("../../cases", SampleFile))
	if err != nil {
		t.Fatal(err)
	}
	direct, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	direct.SetMaxOpenConns(1)
	if _, err := direct.Exec(string(script)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT member_id, signup_date FROM members ORDER BY signup_date DESC, member_id`,
		`SELECT title_id, count(*) AS n FROM viewing_events GROUP BY title_id ORDER BY n DESC, title_id LIMIT 20 OFFSET 5`,
		`WITH c AS (SELECT device, count(*) AS n FROM viewing_events GROUP BY device) SELECT * FROM c ORDER BY n`,
		`SELECT member_id, started_at, row_number() OVER (PARTITION BY member_id ORDER BY started_at) AS k FROM viewing_events ORDER BY member_id, k`,
		`SELECT country FROM members UNION SELECT genre FROM titles ORDER BY 1 DESC`,
		`SELECT event_id FROM viewing_events ORDER BY seconds_watched * 7 % 13, event_id DESC`,
	} {
		st, err := parseStatement(q, 1<<16)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sample.run(context.Background(), st, limits{timeout: time.Minute, maxRows: 100000})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := direct.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for rows.Next() {
			vals := make([]any, len(got.columns))
			ptrs := make([]any, len(vals))
			for j := range vals {
				ptrs[j] = &vals[j]
			}
			rows.Scan(ptrs...)
			if i >= len(got.rows) || rowKey(vals) != rowKey(got.rows[i]) {
				t.Errorf("%s: row %d differs", q, i+1)
				break
			}
			i++
		}
		rows.Close()
		if i != len(got.rows) {
			t.Errorf("%s: %d rows direct, %d in the sandbox", q, i, len(got.rows))
		}
	}
}
