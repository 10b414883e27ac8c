package main

import (
	"bufio"
	"bytes"
	"os"
	"testing"
)

// TestShippedFileIsCurrent checks that cases/drills/data/sample.sql is what
// the generator writes, so the file is never edited by hand or left behind.
func TestShippedFileIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile("../../../cases/drills/data/sample.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), shipped) {
		t.Fatal("cases/drills/data/sample.sql differs from the generator's output: run go run ./internal/sqldrill/gen")
	}
}

// TestDeterministic checks that two runs give the same bytes and that
// another seed gives other data.
func TestDeterministic(t *testing.T) {
	gen := func(s uint64) []byte {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		writeSQL(w, generate(s))
		w.Flush()
		return buf.Bytes()
	}
	if !bytes.Equal(gen(seed), gen(seed)) {
		t.Fatal("the same seed gave different data")
	}
	if bytes.Equal(gen(seed), gen(seed+1)) {
		t.Fatal("another seed gave the same data")
	}
}

// TestRules checks the promises the README makes about any seed: plays
// fall in the member's active days and after the title's release, the
// table sizes are exact, and clicks are at most one per row of a visit.
func TestRules(t *testing.T) {
	for s := uint64(1); s <= 5; s++ {
		d := generate(s)
		if len(d.members) != nMembers || len(d.titles) != nTitles || len(d.events) != nEvents || len(d.impressions) != nImpressions {
			t.Fatalf("seed %d: sizes %d %d %d %d", s, len(d.members), len(d.titles), len(d.events), len(d.impressions))
		}
		for _, e := range d.events {
			m, ti := d.members[e.member-1], d.titles[e.title-1]
			from, to, ok := m.window()
			day := e.at.Truncate(24 * 60 * 60 * 1e9)
			if !ok || day.Before(from) || day.After(to) || e.at.Before(ti.release) || ti.unplayed {
				t.Fatalf("seed %d: play %+v outside member %d's days or before its title's release", s, e, m.id)
			}
		}
		clicks := map[string]int{}
		for _, im := range d.impressions {
			if im.clicked {
				clicks[stamp(im.at)+im.row+string(rune(im.member))]++
			}
		}
		for k, n := range clicks {
			if n > 1 {
				t.Fatalf("seed %d: %d clicks in one row of one visit (%q)", s, n, k)
			}
		}
	}
}
