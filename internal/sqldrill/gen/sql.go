package main

import (
	"bufio"
	"fmt"
	"strings"
	"time"
)

// batch is the number of rows per INSERT statement.
const batch = 250

const header = `-- casebench sample streaming dataset for SQL drills (schema: README.md beside this file).
-- Written by: go run ./internal/sqldrill/gen (seed %d). Do not edit by hand; change the generator.
`

const schema = `CREATE TABLE members (
  member_id INTEGER PRIMARY KEY,
  country TEXT NOT NULL,
  plan TEXT NOT NULL,          -- basic | standard | premium
  signup_date TEXT NOT NULL,   -- YYYY-MM-DD
  cancel_date TEXT             -- YYYY-MM-DD, NULL while subscribed
);
CREATE TABLE titles (
  title_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,          -- movie | series
  genre TEXT NOT NULL,
  release_date TEXT NOT NULL,  -- YYYY-MM-DD
  runtime_min INTEGER NOT NULL -- a movie's length, or a series' episode length
);
CREATE TABLE viewing_events (
  event_id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL,
  title_id INTEGER NOT NULL,
  started_at TEXT NOT NULL,    -- YYYY-MM-DD HH:MM:SS, UTC
  seconds_watched INTEGER NOT NULL,
  device TEXT NOT NULL         -- tv | mobile | web | tablet
);
CREATE TABLE impressions (
  impression_id INTEGER PRIMARY KEY,
  member_id INTEGER NOT NULL,
  title_id INTEGER NOT NULL,
  shown_at TEXT NOT NULL,      -- YYYY-MM-DD HH:MM:SS, UTC
  row_name TEXT NOT NULL,
  position INTEGER NOT NULL,   -- 1 is the first tile of the row
  clicked INTEGER NOT NULL     -- 0 | 1
);
`

const indexes = `CREATE INDEX viewing_events_member ON viewing_events(member_id);
CREATE INDEX viewing_events_title ON viewing_events(title_id);
CREATE INDEX impressions_member ON impressions(member_id);
CREATE INDEX impressions_title ON impressions(title_id);
`

func writeSQL(w *bufio.Writer, d *dataset) {
	fmt.Fprintf(w, header, seed)
	w.WriteString(schema)
	inserts(w, "members", len(d.members), func(i int) string {
		m := d.members[i]
		cancel := "NULL"
		if m.cancel != nil {
			cancel = quote(date(*m.cancel))
		}
		return fmt.Sprintf("(%d,%s,%s,%s,%s)", m.id, quote(m.country), quote(m.plan), quote(date(m.signup)), cancel)
	})
	inserts(w, "titles", len(d.titles), func(i int) string {
		t := d.titles[i]
		return fmt.Sprintf("(%d,%s,%s,%s,%s,%d)", t.id, quote(t.name), quote(t.kind), quote(t.genre), quote(date(t.release)), t.runtime)
	})
	inserts(w, "viewing_events", len(d.events), func(i int) string {
		e := d.events[i]
		return fmt.Sprintf("(%d,%d,%d,%s,%d,%s)", e.id, e.member, e.title, quote(stamp(e.at)), e.seconds, quote(e.device))
	})
	inserts(w, "impressions", len(d.impressions), func(i int) string {
		im := d.impressions[i]
		clicked := 0
		if im.clicked {
			clicked = 1
		}
		return fmt.Sprintf("(%d,%d,%d,%s,%s,%d,%d)", im.id, im.member, im.title, quote(stamp(im.at)), quote(im.row), im.position, clicked)
	})
	w.WriteString(indexes)
}

func inserts(w *bufio.Writer, table string, n int, row func(int) string) {
	for i := 0; i < n; i++ {
		switch {
		case i%batch == 0:
			fmt.Fprintf(w, "INSERT INTO %s VALUES\n", table)
		default:
			w.WriteString(",\n")
		}
		w.WriteString(row(i))
		if i%batch == batch-1 || i == n-1 {
			w.WriteString(";\n")
		}
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func date(t time.Time) string  { return t.Format("2006-01-02") }
func stamp(t time.Time) string { return t.Format("2006-01-02 15:04:05") }
