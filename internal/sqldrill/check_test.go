package sqldrill

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// drillCase is one answer to a drill and what the learner must be told.
type drillCase struct {
	name    string
	answer  string
	want    Verdict
	explain []string // phrases the explanation must contain
}

// runDrill checks each answer against the reference and asserts the
// verdict and the explanation's phrases.
func runDrill(t *testing.T, reference string, opts Options, cases []drillCase) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Minute // these answers are correct or near misses, never slow; -race and a loaded machine are
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := sample.Check(context.Background(), tc.answer, reference, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want || res.Pass != (tc.want == Passed) {
				t.Fatalf("verdict %v (pass %v), want %v\n%s", res.Verdict, res.Pass, tc.want, res.Explanation)
			}
			t.Log(res.Explanation)
			for _, p := range tc.explain {
				if !strings.Contains(res.Explanation, p) {
					t.Errorf("explanation lacks %q:\n%s", p, res.Explanation)
				}
			}
		})
	}
}

// Members who never watched anything: an anti-join.
func TestDrillAntiJoin(t *testing.T) {
	ref := `SELECT m.member_id FROM members m
	        WHERE NOT EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = m.member_id)`
	runDrill(t, ref, Options{}, []drillCase{
		{"reference", ref, Passed, []string{"65 rows"}},
		{"left join is null", `SELECT m.member_id FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id WHERE v.event_id IS NULL`, Passed, nil},
		{"not in", `select member_id from members where member_id not in (select member_id from viewing_events);`, Passed, nil},
		{"except", `SELECT member_id FROM members EXCEPT SELECT member_id FROM viewing_events`, Passed, nil},
		{"inner join", `SELECT DISTINCT m.member_id FROM members m JOIN viewing_events v ON v.member_id = m.member_id`, Mismatch,
			[]string{"returns 335 rows; the reference returns 65", "335 rows are not in the reference", "65 rows of the reference are missing"}},
		{"also cancelled members", `SELECT m.member_id FROM members m WHERE m.cancel_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = m.member_id)`, Mismatch,
			[]string{"rows of the reference are missing, for example (member_id "}},
	})
}

// Plays per member, members who never played included: LEFT JOIN.
func TestDrillLeftJoin(t *testing.T) {
	ref := `SELECT m.member_id, count(v.event_id) AS plays
	        FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id
	        GROUP BY m.member_id`
	runDrill(t, ref, Options{}, []drillCase{
		{"correlated subquery", `SELECT member_id, (SELECT count(*) FROM viewing_events v WHERE v.member_id = m.member_id) AS plays FROM members m`, Passed, nil},
		{"upper-case alias", `SELECT m.member_id AS MEMBER_ID, count(v.event_id) AS Plays FROM members m LEFT JOIN viewing_events v USING (member_id) GROUP BY 1`, Passed, nil},
		{"inner join", `SELECT m.member_id, count(*) AS plays FROM members m JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`, Mismatch,
			[]string{"returns 335 rows; the reference returns 400", "65 rows of the reference are missing, for example (member_id ", ", plays 0)"}},
		{"count star", `SELECT m.member_id, count(*) AS plays FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`, Mismatch,
			[]string{"65 rows are not in the reference", ", plays 1)", "65 rows of the reference are missing", "The closest row in yours is (member_id "}},
		{"extra column", `SELECT m.member_id, m.country, count(v.event_id) AS plays FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`, Mismatch,
			[]string{"returns 3 columns (member_id, country, plays); the reference returns 2 (member_id, plays)", "Not asked for: country."}},
		{"unnamed count", `SELECT m.member_id, count(v.event_id) FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`, Mismatch,
			[]string{"yours are (member_id, count(v.event_id))", "The values match: only the names are wrong"}},
	})
	res, err := sample.Check(context.Background(), `SELECT member_id, count(v.event_id) AS n FROM members m LEFT JOIN viewing_events v USING (member_id) GROUP BY 1`, ref, Options{IgnoreColumnNames: true, Timeout: time.Minute})
	if err != nil || !res.Pass || !strings.Contains(res.Explanation, "only the column names differ") {
		t.Errorf("names ignored: pass %v, %q, %v", res.Pass, res.Explanation, err)
	}
}

// Distinct titles each member played: a missing DISTINCT repeats rows.
func TestDrillDistinct(t *testing.T) {
	ref := `SELECT DISTINCT member_id, title_id FROM viewing_events`
	runDrill(t, ref, Options{}, []drillCase{
		{"group by", `SELECT member_id, title_id FROM viewing_events GROUP BY member_id, title_id`, Passed, nil},
		{"no distinct", `SELECT member_id, title_id FROM viewing_events`, Mismatch,
			[]string{"rows appear too often: for example (member_id ", "in the reference. Is a DISTINCT missing"}},
		{"union all with itself", `SELECT DISTINCT member_id, title_id FROM viewing_events UNION ALL SELECT DISTINCT member_id, title_id FROM viewing_events`, Mismatch,
			[]string{"appears 2 times in yours and once in the reference"}},
	})
	// The other way round: UNION where the reference keeps duplicates.
	runDrill(t, `SELECT member_id FROM viewing_events WHERE device = 'tv' UNION ALL SELECT member_id FROM viewing_events WHERE device = 'web'`, Options{}, []drillCase{
		{"union", `SELECT member_id FROM viewing_events WHERE device = 'tv' UNION SELECT member_id FROM viewing_events WHERE device = 'web'`, Mismatch,
			[]string{"rows appear too rarely: for example (member_id ", "appears once in yours"}},
	})
}

// Plays in March 2026: the end of a date range is a classic off-by-one.
func TestDrillDateBoundary(t *testing.T) {
	ref := `SELECT count(*) AS plays FROM viewing_events WHERE started_at >= '2026-03-01' AND started_at < '2026-04-01'`
	runDrill(t, ref, Options{}, []drillCase{
		{"strftime", `SELECT count(*) AS plays FROM viewing_events WHERE strftime('%Y-%m', started_at) = '2026-03'`, Passed, nil},
		{"date between", `SELECT count(*) AS plays FROM viewing_events WHERE date(started_at) BETWEEN '2026-03-01' AND '2026-03-31'`, Passed, nil},
		{"between timestamps", `SELECT count(*) AS plays FROM viewing_events WHERE started_at BETWEEN '2026-03-01' AND '2026-03-31'`, Mismatch,
			[]string{"Your result is (plays ", ") where the reference has (plays "}},
		{"through April 1", `SELECT count(*) AS plays FROM viewing_events WHERE started_at >= '2026-03-01' AND started_at < '2026-04-02'`, Mismatch, nil},
	})
	// Daily plays in the last week of March, by day.
	daily := `SELECT date(started_at) AS day, count(*) AS plays FROM viewing_events
	          WHERE started_at >= '2026-03-25' AND started_at < '2026-04-01' GROUP BY day`
	runDrill(t, daily, Options{}, []drillCase{
		{"substr", `SELECT substr(started_at, 1, 10) AS day, count(*) AS plays FROM viewing_events WHERE substr(started_at, 1, 10) BETWEEN '2026-03-25' AND '2026-03-31' GROUP BY 1`, Passed, nil},
		{"loses the last day", `SELECT date(started_at) AS day, count(*) AS plays FROM viewing_events WHERE started_at BETWEEN '2026-03-25' AND '2026-03-31' GROUP BY day`, Mismatch,
			[]string{"returns 6 rows; the reference returns 7", "1 row of the reference is missing, for example (day '2026-03-31', plays "}},
	})
}

// The most played titles, in order: order matters only when asked.
func TestDrillOrdered(t *testing.T) {
	ref := `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id)
	        GROUP BY t.title_id ORDER BY plays DESC, t.name`
	ordered := Options{Ordered: true}
	runDrill(t, ref, ordered, []drillCase{
		{"same order", `SELECT name, plays FROM (SELECT title_id, count(*) AS plays FROM viewing_events GROUP BY title_id) JOIN titles USING (title_id) ORDER BY plays DESC, name ASC`, Passed, nil},
		{"ascending", `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id ORDER BY plays, t.name`, Mismatch,
			[]string{"The rows are right but not in the order asked: row 1 is (name "}},
		{"no order", `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id ORDER BY t.name`, Mismatch,
			[]string{"not in the order asked"}},
	})
	// Unordered, any order passes.
	runDrill(t, ref, Options{}, []drillCase{
		{"ascending, order not asked", `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id ORDER BY plays`, Passed, nil},
	})
	// Ties: with the order key, titles with equal plays may come in any order.
	ties := `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id ORDER BY plays DESC, t.name DESC`
	runDrill(t, ref, Options{Ordered: true, OrderKey: []string{"PLAYS"}}, []drillCase{
		{"ties reversed, key plays", ties, Passed, nil},
		{"ascending, key plays", `SELECT t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id ORDER BY plays`, Mismatch, []string{"not in the order asked"}},
	})
	runDrill(t, ref, ordered, []drillCase{
		{"ties reversed, whole row", ties, Mismatch, []string{"not in the order asked"}},
	})
	if _, err := sample.Check(context.Background(), ties, ref, Options{Ordered: true, OrderKey: []string{"views"}}); !errors.Is(err, ErrReference) {
		t.Errorf("an order key that is not a column: %v, want ErrReference", err)
	}
}

// The most played title of each genre: a window function, or a
// correlated maximum.
func TestDrillWindow(t *testing.T) {
	ref := `WITH c AS (SELECT t.genre, t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id),
	             r AS (SELECT genre, name, plays, rank() OVER (PARTITION BY genre ORDER BY plays DESC) AS rk FROM c)
	        SELECT genre, name, plays FROM r WHERE rk = 1`
	runDrill(t, ref, Options{}, []drillCase{
		{"correlated max", `WITH c AS (SELECT t.genre, t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id)
		                    SELECT genre, name, plays FROM c WHERE plays = (SELECT max(plays) FROM c c2 WHERE c2.genre = c.genre)`, Passed, nil},
		{"rank ascending", `WITH c AS (SELECT t.genre, t.name, count(*) AS plays FROM viewing_events v JOIN titles t USING (title_id) GROUP BY t.title_id),
		                    r AS (SELECT genre, name, plays, rank() OVER (PARTITION BY genre ORDER BY plays) AS rk FROM c)
		                    SELECT genre, name, plays FROM r WHERE rk = 1`, Mismatch, []string{"rows of the reference are missing, for example (genre "}},
	})
}

// Click-through rate by homepage row: float tolerance and integer division.
func TestDrillCTR(t *testing.T) {
	ref := `SELECT row_name, avg(clicked) AS ctr FROM impressions GROUP BY row_name`
	runDrill(t, ref, Options{}, []drillCase{
		{"sum over count", `SELECT row_name, sum(clicked) * 1.0 / count(*) AS ctr FROM impressions GROUP BY row_name`, Passed, nil},
		{"percent over 100", `SELECT row_name, (100.0 * sum(clicked) / count(*)) / 100 AS ctr FROM impressions GROUP BY row_name`, Passed, nil},
		{"rounded to 7 places", `SELECT row_name, round(avg(clicked), 7) AS ctr FROM impressions GROUP BY row_name`, Passed, nil},
		{"rounded to 3 places", `SELECT row_name, round(avg(clicked), 3) AS ctr FROM impressions GROUP BY row_name`, Mismatch, nil},
		{"integer division", `SELECT row_name, sum(clicked) / count(*) AS ctr FROM impressions GROUP BY row_name`, Mismatch,
			[]string{", ctr 0)"}},
	})
}

// Deduplicated plays and a January cohort's March retention.
func TestDrillDedupAndRetention(t *testing.T) {
	runDrill(t, `SELECT count(*) AS plays FROM (SELECT DISTINCT member_id, title_id, started_at FROM viewing_events)`, Options{}, []drillCase{
		{"group by", `SELECT count(*) AS plays FROM (SELECT 1 FROM viewing_events GROUP BY member_id, title_id, started_at)`, Passed, nil},
		{"row_number", `SELECT count(*) AS plays FROM (SELECT row_number() OVER (PARTITION BY member_id, title_id, started_at ORDER BY event_id) AS n FROM viewing_events) WHERE n = 1`, Passed, nil},
		{"not deduplicated", `SELECT count(*) AS plays FROM viewing_events`, Mismatch, []string{"Your result is (plays 4000)"}},
	})
	ref := `SELECT count(*) AS retained FROM members m WHERE m.signup_date >= '2026-01-01' AND m.signup_date < '2026-02-01'
	        AND EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = m.member_id AND v.started_at >= '2026-03-01' AND v.started_at < '2026-04-01')`
	runDrill(t, ref, Options{}, []drillCase{
		{"count distinct join", `SELECT count(DISTINCT m.member_id) AS retained FROM members m JOIN viewing_events v USING (member_id)
		                         WHERE m.signup_date LIKE '2026-01-%' AND v.started_at LIKE '2026-03-%'`, Passed, nil},
		{"join counts plays", `SELECT count(*) AS retained FROM members m JOIN viewing_events v USING (member_id)
		                       WHERE m.signup_date LIKE '2026-01-%' AND v.started_at LIKE '2026-03-%'`, Mismatch, nil},
	})
}

// NULLs: subscribed members have no cancel date.
func TestDrillNulls(t *testing.T) {
	runDrill(t, `SELECT count(*) AS active FROM members WHERE cancel_date IS NULL`, Options{}, []drillCase{
		{"coalesce", `SELECT count(*) AS active FROM members WHERE coalesce(cancel_date, '') = ''`, Passed, nil},
		{"equals null", `SELECT count(*) AS active FROM members WHERE cancel_date = NULL`, Mismatch, []string{"Your result is (active 0)"}},
	})
	runDrill(t, `SELECT member_id, cancel_date FROM members WHERE member_id <= 40`, Options{}, []drillCase{
		{"nulls kept", `SELECT member_id, nullif(cancel_date, '') AS cancel_date FROM members WHERE member_id < 41`, Passed, nil},
		{"nulls as empty text", `SELECT member_id, coalesce(cancel_date, '') AS cancel_date FROM members WHERE member_id <= 40`, Mismatch,
			[]string{"cancel_date '')", "cancel_date NULL)"}},
	})
}

func TestSQLErrorsAreExplained(t *testing.T) {
	ref := `SELECT count(*) AS n FROM members`
	runDrill(t, ref, Options{}, []drillCase{
		{"typo in table", `SELECT count(*) AS n FROM membrs`, SQLError, []string{"SQLite could not run your query: no such table: membrs."}},
		{"typo in column", `SELECT count(membr_id) AS n FROM members`, SQLError, []string{"no such column: membr_id"}},
		{"syntax", `SELECT count(*) AS n FROM members WHERE`, SQLError, []string{"incomplete input"}},
		{"comment and semicolon", "-- how many?\nSELECT count(*) AS n /* ; */ FROM members; -- done\n", Passed, nil},
		{"semicolon in a string", `SELECT count(*) AS n FROM members WHERE country <> ';'`, Passed, nil},
	})
}

func TestReferenceFailureIsAnError(t *testing.T) {
	_, err := sample.Check(context.Background(), "SELECT 1 AS n", "SELECT n FROM nowhere", Options{})
	if !errors.Is(err, ErrReference) || !strings.Contains(err.Error(), "no such table: nowhere") {
		t.Errorf("err = %v, want ErrReference naming the table", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sample.Check(ctx, "SELECT 1 AS n", "SELECT 2 AS n", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestHeads(t *testing.T) {
	res, err := sample.Check(context.Background(), `SELECT member_id, cancel_date FROM members ORDER BY member_id`,
		`SELECT member_id, cancel_date FROM members ORDER BY member_id`, Options{HeadRows: 3, Timeout: time.Minute})
	if err != nil || !res.Pass {
		t.Fatalf("%v %v", res, err)
	}
	if res.Got.Total != 400 || len(res.Got.Rows) != 3 || res.Got.Rows[0][0] != "1" || res.Want.Columns[1] != "cancel_date" {
		t.Errorf("head: %+v", res.Got)
	}
	var sawNull bool
	for _, r := range res.Want.Rows {
		sawNull = sawNull || r[1] == "NULL"
	}
	if !sawNull {
		t.Errorf("the first members include one still subscribed, shown as NULL: %v", res.Want.Rows)
	}
}

func TestQuery(t *testing.T) {
	res, err := sample.Query(context.Background(), "SELECT plan, count(*) AS n FROM members GROUP BY plan ORDER BY plan", Options{Timeout: time.Minute})
	if err != nil || !res.Pass || res.Got.Total != 3 || res.Got.Rows[0][0] != "basic" || res.Explanation != "3 rows." {
		t.Errorf("%+v %v", res, err)
	}
	res, err = sample.Query(context.Background(), "DROP TABLE members", Options{})
	if err != nil || res.Pass || res.Verdict != Refused {
		t.Errorf("%+v %v", res, err)
	}
	var names []string
	for _, tb := range sample.Tables() {
		names = append(names, tb.Name+"("+strings.Join(tb.Columns, ",")+")")
	}
	want := "impressions(impression_id,member_id,title_id,shown_at,row_name,position,clicked) members(member_id,country,plan,signup_date,cancel_date) " +
		"titles(title_id,name,kind,genre,release_date,runtime_min) viewing_events(event_id,member_id,title_id,started_at,seconds_watched,device)"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("tables:\n%s\nwant\n%s", got, want)
	}
}

// TestOpenRefusesScripts checks that a dataset script may only create
// tables and insert rows: a script that attaches a file or sets a PRAGMA
// fails to load, and so does one that is too large or missing.
func TestOpenRefusesScripts(t *testing.T) {
	dir := t.TempDir()
	for name, script := range map[string]string{
		"attach.sql": "CREATE TABLE t(x); ATTACH '" + dir + "/evil.db' AS evil;",
		"pragma.sql": "PRAGMA writable_schema = ON; CREATE TABLE t(x);",
		"view.sql":   "CREATE TABLE t(x); CREATE VIEW v AS SELECT * FROM t;",
		"empty.sql":  "-- nothing",
	} {
		if err := os.WriteFile(dir+"/"+name, []byte(script), 0o600); err != nil {
			t.Fatal(err)
		}
		if d, err := Open(os.DirFS(dir), name, Config{}); err == nil {
			d.Close()
			t.Errorf("%s loaded", name)
		}
	}
	if _, err := os.Stat(dir + "/evil.db"); err == nil {
		t.Error("the script's ATTACH made a file")
	}
	if _, err := Open(os.DirFS(dir), "missing.sql", Config{}); err == nil {
		t.Error("a missing script loaded")
	}
	if _, err := Open(os.DirFS("../../cases"), SampleFile, Config{MaxScriptBytes: 1000}); err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Errorf("an oversized script: %v", err)
	}
}
