package sqldrill

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const (
	benchRef    = `SELECT m.member_id, count(v.event_id) AS plays FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`
	benchAnswer = `SELECT member_id, (SELECT count(*) FROM viewing_events v WHERE v.member_id = m.member_id) AS plays FROM members m`
)

// BenchmarkOpen loads the sample dataset from its script.
func BenchmarkOpen(b *testing.B) {
	fsys := os.DirFS("../../cases")
	for b.Loop() {
		d, err := Open(fsys, SampleFile, Config{})
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

// BenchmarkCheck is one check of a realistic drill: run the answer in the
// sandbox (400 rows) and compare it with the reference's (kept from the
// first run), on the shared read-only dataset.
func BenchmarkCheck(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		res, err := sample.Check(ctx, benchAnswer, benchRef, Options{})
		if err != nil || !res.Pass {
			b.Fatal(res.Explanation, err)
		}
	}
}

// BenchmarkCheckTrivial is the sandbox's own cost: a one-row answer.
func BenchmarkCheckTrivial(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if res, err := sample.Check(ctx, "SELECT 1 AS n", "SELECT 1 AS n", Options{}); err != nil || !res.Pass {
			b.Fatal(res.Explanation, err)
		}
	}
}

// BenchmarkCheckMismatch is a check that fails, with its explanation.
func BenchmarkCheckMismatch(b *testing.B) {
	ctx := context.Background()
	wrong := `SELECT m.member_id, count(*) AS plays FROM members m LEFT JOIN viewing_events v ON v.member_id = m.member_id GROUP BY m.member_id`
	for b.Loop() {
		if res, err := sample.Check(ctx, wrong, benchRef, Options{}); err != nil || res.Pass {
			b.Fatal(res.Explanation, err)
		}
	}
}

// BenchmarkCopyPerCheck measures the design not taken: a fresh private
// copy of the dataset for every check (sqlite3_deserialize of the
// serialized template into a new in-memory connection), then the same
// query. Compare with BenchmarkCheck.
func BenchmarkCopyPerCheck(b *testing.B) {
	script, err := os.ReadFile(filepath.Join("../../cases", SampleFile))
	if err != nil {
		b.Fatal(err)
	}
	tmpl, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer tmpl.Close()
	tmpl.SetMaxOpenConns(1)
	if _, err := tmpl.Exec(string(script)); err != nil {
		b.Fatal(err)
	}
	var image []byte
	c, _ := tmpl.Conn(context.Background())
	c.Raw(func(dc any) error {
		image, err = dc.(interface{ Serialize() ([]byte, error) }).Serialize()
		return err
	})
	c.Close()
	b.ReportMetric(float64(len(image))/1e6, "MB-image")
	ctx := context.Background()
	b.Run("copy", func(b *testing.B) {
		for b.Loop() {
			db, _ := sql.Open("sqlite", ":memory:")
			c, err := db.Conn(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.Raw(func(dc any) error { return dc.(interface{ Deserialize([]byte) error }).Deserialize(image) }); err != nil {
				b.Fatal(err)
			}
			c.Close()
			db.Close()
		}
	})
	b.Run("copy+query", func(b *testing.B) { copyAndQuery(b, image) })
}

func copyAndQuery(b *testing.B, image []byte) {
	ctx := context.Background()
	for b.Loop() {
		db, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			b.Fatal(err)
		}
		c, err := db.Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Raw(func(dc any) error { return dc.(interface{ Deserialize([]byte) error }).Deserialize(image) }); err != nil {
			b.Fatal(err)
		}
		rows, err := c.QueryContext(ctx, benchAnswer)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		c.Close()
		db.Close()
		if n != 400 {
			b.Fatal(n)
		}
	}
}

// BenchmarkHostileCrossJoin is the slowest hostile query of the tests, a
// three-way cross join, stopped at a 100 ms limit: the time above 100 ms
// is what stopping it costs.
func BenchmarkHostileCrossJoin(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		res, err := sample.Check(ctx, `SELECT count(*) FROM viewing_events a, impressions b, members c`, benchRef, Options{Timeout: 100 * time.Millisecond})
		if err != nil || res.Verdict != TimedOut {
			b.Fatal(res.Verdict, err)
		}
	}
}

// BenchmarkHostileMemory is a query that eats memory, stopped by the
// watchdog at the default 64 MB.
func BenchmarkHostileMemory(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		res, err := sample.Check(ctx, `SELECT count(*) FROM (SELECT DISTINCT printf('%.*c', 900000, 'x') || b.impression_id || a.event_id FROM viewing_events a, impressions b)`, benchRef, Options{Timeout: time.Minute})
		if err != nil || res.Verdict != TooMuchMemory {
			b.Fatal(res.Verdict, err)
		}
	}
}
