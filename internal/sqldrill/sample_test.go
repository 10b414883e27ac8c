package sqldrill

import (
	"context"
	"testing"
	"time"
)

// TestSampleFacts holds cases/drills/data/README.md to the data: each
// figure the README gives drill authors is recounted here.
func TestSampleFacts(t *testing.T) {
	facts := []struct {
		what  string
		query string
		want  string
	}{
		{"table sizes", `SELECT (SELECT count(*) FROM members) || ' ' || (SELECT count(*) FROM titles) || ' ' || (SELECT count(*) FROM viewing_events) || ' ' || (SELECT count(*) FROM impressions)`, "400 120 4000 6000"},
		{"plans", `SELECT group_concat(plan || ' ' || n, ', ') FROM (SELECT plan, count(*) AS n FROM members GROUP BY plan ORDER BY plan)`, "basic 123, premium 77, standard 200"},
		{"countries", `SELECT group_concat(country || ' ' || n, ', ') FROM (SELECT country, count(*) AS n FROM members GROUP BY 1 ORDER BY 2 DESC, 1)`, "US 137, BR 52, GB 39, IN 38, DE 35, MX 29, CA 20, FR 19, KR 18, JP 13"},
		{"signups", `SELECT min(signup_date) || ' ' || max(signup_date) || ' ' || sum(signup_date < '2026-01-01') || ' ' || sum(signup_date LIKE '2026-01-%') FROM members`, "2025-06-02 2026-04-20 130 96"},
		{"subscribed", `SELECT count(*) FROM members WHERE cancel_date IS NULL`, "334"},
		{"same-day cancels", `SELECT count(*) FROM members WHERE cancel_date = signup_date`, "2"},
		{"cancelled before 2026", `SELECT count(*) FROM members WHERE cancel_date < '2026-01-01'`, "18"},
		{"kinds", `SELECT sum(kind = 'movie') || ' ' || sum(kind = 'series') FROM titles`, "71 49"},
		{"new titles", `SELECT count(*) FROM titles WHERE release_date >= '2026-01-01'`, "25"},
		{"apostrophes", `SELECT count(*) FROM titles WHERE name LIKE '%''%'`, "10"},
		{"runtimes", `SELECT min(runtime_min) || ' ' || max(runtime_min) FROM titles`, "22 169"},
		{"members who never played", `SELECT count(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = m.member_id)`, "65"},
		{"members never shown or played", `SELECT count(*) FROM members m WHERE NOT EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = m.member_id) AND NOT EXISTS (SELECT 1 FROM impressions i WHERE i.member_id = m.member_id)`, "56"},
		{"titles never played", `SELECT count(*) FROM titles t WHERE NOT EXISTS (SELECT 1 FROM viewing_events v WHERE v.title_id = t.title_id)`, "6"},
		{"plays before release or after cancel", `SELECT count(*) FROM viewing_events v JOIN titles t USING (title_id) JOIN members m USING (member_id) WHERE v.started_at < t.release_date OR v.started_at >= m.cancel_date OR v.started_at < m.signup_date`, "0"},
		{"zero-second plays", `SELECT count(*) FROM viewing_events WHERE seconds_watched = 0`, "47"},
		{"whole-minute plays", `SELECT count(*) FROM viewing_events WHERE seconds_watched % 60 = 0`, "1676"},
		{"duplicated plays", `SELECT count(*) FROM (SELECT 1 FROM viewing_events GROUP BY member_id, title_id, started_at, seconds_watched, device HAVING count(*) > 1)`, "60"},
		{"distinct plays", `SELECT count(*) FROM (SELECT DISTINCT member_id, title_id, started_at FROM viewing_events)`, "3940"},
		{"devices", `SELECT group_concat(device || ' ' || n, ', ') FROM (SELECT device, count(*) AS n FROM viewing_events GROUP BY 1 ORDER BY 2 DESC)`, "tv 1811, mobile 960, web 642, tablet 587"},
		{"plays by month", `SELECT group_concat(n, ', ') FROM (SELECT substr(started_at, 1, 7) AS m, count(*) AS n FROM viewing_events GROUP BY 1 ORDER BY 1)`, "536, 675, 1082, 1707"},
		{"top title share", `SELECT round(100.0 * max(n) / sum(n), 1) FROM (SELECT count(*) AS n FROM viewing_events GROUP BY title_id)`, "6.7"},
		{"clicks", `SELECT sum(clicked) || ' ' || round(100.0 * avg(clicked), 1) || ' ' || max(position) FROM impressions`, "510 8.5 20"},
		{"row CTR", `SELECT group_concat(row_name || ' ' || ctr, ', ') FROM (SELECT row_name, round(100.0 * avg(clicked), 1) AS ctr FROM impressions WHERE row_name IN ('Continue Watching', 'Popular Now') GROUP BY 1 ORDER BY 1)`, "Continue Watching 14.6, Popular Now 5.7"},
		{"clicks followed by a play", `SELECT count(*) FROM impressions i WHERE clicked = 1 AND EXISTS (SELECT 1 FROM viewing_events v WHERE v.member_id = i.member_id AND v.title_id = i.title_id AND v.started_at BETWEEN i.shown_at AND datetime(i.shown_at, '+30 minutes'))`, "284"},
		{"March 31 after midnight", `SELECT count(*) > 0 FROM viewing_events WHERE started_at > '2026-03-31' AND started_at < '2026-04-01'`, "1"},
	}
	for _, f := range facts {
		st, err := parseStatement(f.query, 1<<16)
		if err != nil {
			t.Fatal(err)
		}
		res, err := sample.run(context.Background(), st, limits{timeout: time.Minute, maxRows: 10})
		if err != nil {
			t.Fatalf("%s: %v", f.what, err)
		}
		if got := render(res.rows[0][0]); got != f.want {
			t.Errorf("%s: %s, the README says %s", f.what, got, f.want)
		}
	}
}
