package main

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// seed fixes the dataset. Changing it, or any rule below, changes the
// shipped file, which TestShippedFileIsCurrent then asks to regenerate.
const seed = 20260115

// The dataset's window: viewing and impressions fall on these days.
var (
	windowStart = day(2026, 1, 1)
	windowEnd   = day(2026, 4, 30) // last day, inclusive
)

// rng is splitmix64. Everything below draws integers from it and uses only
// integer arithmetic, so the bytes written do not depend on the platform's
// floating point.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// permille reports true with probability p/1000.
func (r *rng) permille(p int) bool { return r.intn(1000) < p }

// pick returns an index drawn with the given integer weights.
func (r *rng) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.intn(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

type choice struct {
	name   string
	weight int
}

func (r *rng) choose(cs []choice) string {
	w := make([]int, len(cs))
	for i, c := range cs {
		w[i] = c.weight
	}
	return cs[r.pick(w)].name
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func (r *rng) dayIn(from, to time.Time) time.Time {
	return from.AddDate(0, 0, r.intn(int(to.Sub(from)/(24*time.Hour))+1))
}

// hourWeights make viewing and browsing peak in the evening.
var hourWeights = []int{4, 2, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 6, 6, 6, 6, 7, 8, 11, 14, 16, 15, 11, 7}

func (r *rng) timeOn(d time.Time) time.Time {
	return d.Add(time.Duration(r.pick(hourWeights))*time.Hour +
		time.Duration(r.intn(60))*time.Minute + time.Duration(r.intn(60))*time.Second)
}

type member struct {
	id            int
	country, plan string
	signup        time.Time
	cancel        *time.Time
	activity      int    // weight among viewers; 0 never watches
	browse        int    // weight among homepage visits
	device        string // the device used most
}

// window returns the member's active days within the dataset's window: from
// signup (or January 1) to the day before cancelling (or April 30). ok is
// false when there is none.
func (m member) window() (from, to time.Time, ok bool) {
	from, to = m.signup, windowEnd
	if from.Before(windowStart) {
		from = windowStart
	}
	if m.cancel != nil && m.cancel.AddDate(0, 0, -1).Before(to) {
		to = m.cancel.AddDate(0, 0, -1)
	}
	return from, to, !to.Before(from)
}

type title struct {
	id            int
	name, kind    string
	genre         string
	release       time.Time
	runtime, rank int
	weight        int
	unplayed      bool // shown on the homepage but never played
}

type event struct {
	id, member, title int
	at                time.Time
	seconds           int
	device            string
}

type impression struct {
	id, member, title int
	at                time.Time
	row               string
	rowOrder          int
	position          int
	clicked           bool
}

type dataset struct {
	members     []member
	titles      []title
	events      []event
	impressions []impression
}

const (
	nMembers     = 400
	nTitles      = 120
	nEvents      = 4000
	nImpressions = 6000
)

func generate(s uint64) *dataset {
	r := &rng{s: s}
	d := &dataset{members: members(r), titles: titles(r)}
	d.impressions = impressions(r, d)
	d.events = events(r, d)
	return d
}

var (
	countries = []choice{{"US", 34}, {"BR", 12}, {"GB", 10}, {"DE", 8}, {"IN", 8}, {"MX", 7}, {"CA", 6}, {"FR", 6}, {"JP", 5}, {"KR", 4}}
	plans     = []choice{{"basic", 30}, {"standard", 45}, {"premium", 25}}
	devices   = []choice{{"tv", 45}, {"mobile", 25}, {"web", 15}, {"tablet", 15}}
	// cancelPermille is the share of each plan's members who cancel.
	cancelPermille = map[string]int{"basic": 300, "standard": 200, "premium": 120}
)

func members(r *rng) []member {
	ms := make([]member, nMembers)
	months := []int{35, 25, 25, 15}
	for i := range ms {
		m := member{id: i + 1, country: r.choose(countries), plan: r.choose(plans), device: r.choose(devices)}
		if r.permille(300) {
			m.signup = r.dayIn(day(2025, 6, 1), day(2025, 12, 31))
		} else {
			first := day(2026, time.Month(1+r.pick(months)), 1)
			last := first.AddDate(0, 1, -1)
			if first.Month() == time.April {
				last = day(2026, 4, 20)
			}
			m.signup = r.dayIn(first, last)
		}
		if r.permille(cancelPermille[m.plan]) {
			c := m.signup.AddDate(0, 0, r.between(3, 112))
			if !c.After(windowEnd) {
				m.cancel = &c
			}
		}
		switch t := r.intn(100); {
		case t < 10:
			m.activity, m.browse = 8+r.intn(5), 10
		case t < 50:
			m.activity, m.browse = 3+r.intn(3), 5
		case t < 88:
			m.activity, m.browse = 1+r.intn(2), 2
		default:
			m.activity, m.browse = 0, r.intn(2) // some never watch, some never even browse
		}
		ms[i] = m
	}
	// Two members cancel on the day they sign up: an edge for retention drills.
	for _, i := range []int{r.intn(nMembers / 2), nMembers/2 + r.intn(nMembers/2)} {
		c := ms[i].signup
		ms[i].cancel = &c
	}
	return ms
}

var (
	adjectives = []string{"Silent", "Crimson", "Hidden", "Broken", "Golden", "Last", "Midnight", "Electric",
		"Winter's", "Paper", "Northern", "Wild", "Glass", "Burning", "Lonely", "Velvet", "Iron", "Distant",
		"Nobody's", "Secret", "Fading", "Hollow", "Bright", "Salt"}
	nouns = []string{"Harbor", "Signal", "Kingdom", "Orchard", "Protocol", "River", "Garden", "Frontier",
		"Echo", "Lantern", "Empire", "Station", "Tide", "Letters", "Summit", "Circuit", "Meadow", "Verdict",
		"Crown", "Highway", "Archive", "Island", "Promise", "Engine"}
	genres = []choice{{"Drama", 20}, {"Comedy", 15}, {"Thriller", 12}, {"Documentary", 10}, {"Action", 10},
		{"Animation", 8}, {"Romance", 8}, {"Sci-Fi", 7}, {"Horror", 5}, {"Reality", 5}}
)

func titles(r *rng) []title {
	ts := make([]title, nTitles)
	used := map[string]bool{}
	ranks := make([]int, nTitles)
	for i := range ranks {
		ranks[i] = i + 1
	}
	for i := len(ranks) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		ranks[i], ranks[j] = ranks[j], ranks[i]
	}
	for i := range ts {
		var name string
		for name == "" || used[name] {
			name = adjectives[r.intn(len(adjectives))] + " " + nouns[r.intn(len(nouns))]
			if r.permille(400) && !strings.HasSuffix(name[:strings.Index(name, " ")], "'s") {
				name = "The " + name
			}
		}
		used[name] = true
		t := title{id: i + 1, name: name, kind: "movie", genre: r.choose(genres), rank: ranks[i]}
		if r.permille(400) {
			t.kind = "series"
			t.runtime = r.between(22, 64)
		} else {
			t.runtime = r.between(85, 169)
		}
		if r.permille(150) {
			t.release = r.dayIn(day(2026, 1, 5), day(2026, 4, 20))
		} else {
			t.release = r.dayIn(day(2012, 1, 1), day(2025, 12, 31))
		}
		t.weight = 600 / (t.rank + 4) // Zipf-like popularity
		if t.release.After(windowStart) {
			t.weight *= 2 // new releases draw a crowd
		}
		t.unplayed = r.permille(60)
		ts[i] = t
	}
	return ts
}

// pickTitle draws a title by popularity among those released by at, not
// in skip (nil when picking a title to play, which skips the unplayed),
// preferring ones released since recent when it is set.
func pickTitle(r *rng, ts []title, at time.Time, recent time.Time, skip map[int]bool) int {
	w := make([]int, len(ts))
	any := false
	for i, t := range ts {
		if t.release.After(at) || skip[t.id] || (skip == nil && t.unplayed) || (!recent.IsZero() && t.release.Before(recent)) {
			continue
		}
		w[i], any = t.weight, true
	}
	if !any {
		if !recent.IsZero() {
			return pickTitle(r, ts, at, time.Time{}, skip)
		}
		return 0
	}
	return ts[r.pick(w)].id
}

var rows = []struct {
	name  string
	click int // permille chance of a click at position 1
}{
	{"Continue Watching", 300}, {"Trending Now", 110}, {"Top 10 Today", 130}, {"New Releases", 90},
	{"Because You Watched", 140}, {"Popular Now", 80}, {"My List", 160},
}

// impressions draws homepage visits: each visit shows one to three rows at
// one instant (so shown_at ties within a visit), each row a run of
// positions, with at most one click per row, likelier near position 1.
func impressions(r *rng, d *dataset) []impression {
	var out []impression
	browse := make([]int, len(d.members))
	for i, m := range d.members {
		if _, _, ok := m.window(); ok {
			browse[i] = m.browse
		}
	}
	for len(out) < nImpressions {
		m := d.members[r.pick(browse)]
		from, to, _ := m.window()
		at := r.timeOn(r.dayIn(from, to))
		order := []int{0, 1, 2, 3, 4, 5, 6}
		for i := len(order) - 1; i > 0; i-- {
			j := r.intn(i + 1)
			order[i], order[j] = order[j], order[i]
		}
		for ri, ro := range order[:r.between(1, 3)] {
			row := rows[ro]
			first := 1
			if r.intn(4) == 0 {
				first = r.between(6, 13) // scrolled along the row
			}
			var recent time.Time
			if row.name == "New Releases" {
				recent = at.AddDate(0, 0, -120)
			}
			shown, clicked := map[int]bool{}, false
			for pos := first; pos < first+r.between(3, 8) && len(out) < nImpressions; pos++ {
				id := pickTitle(r, d.titles, at, recent, shown)
				if id == 0 {
					break
				}
				shown[id] = true
				click := !clicked && r.permille(row.click*10/(9+pos))
				clicked = clicked || click
				out = append(out, impression{member: m.id, title: id, at: at, row: row.name, rowOrder: ri, position: pos, clicked: click})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b impression) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.member, b.member), cmp.Compare(a.rowOrder, b.rowOrder), cmp.Compare(a.position, b.position))
	})
	for i := range out {
		out[i].id = i + 1
	}
	return out
}

// events draws viewing: plays that follow a homepage click, plays from
// elsewhere (search, links, autoplay), and a few logged twice.
func events(r *rng, d *dataset) []event {
	byID := func(id int) member { return d.members[id-1] }
	titleOf := func(id int) title { return d.titles[id-1] }
	var out []event
	play := func(m member, t title, at time.Time) event {
		dev := m.device
		if !r.permille(700) {
			dev = r.choose(devices)
		}
		return event{member: m.id, title: t.id, at: at, seconds: r.watched(t), device: dev}
	}
	for _, im := range d.impressions {
		m := byID(im.member)
		if !im.clicked || m.activity == 0 || titleOf(im.title).unplayed || !r.permille(600) {
			continue
		}
		at := im.at.Add(time.Duration(r.between(30, 1200)) * time.Second)
		if _, to, _ := m.window(); at.After(to.AddDate(0, 0, 1).Add(-time.Second)) {
			continue // the visit was in the member's last minutes
		}
		out = append(out, play(m, titleOf(im.title), at))
	}
	dups := nEvents * 15 / 1000
	active := make([]int, len(d.members))
	for i, m := range d.members {
		if _, _, ok := m.window(); ok {
			active[i] = m.activity
		}
	}
	for len(out) < nEvents-dups {
		m := d.members[r.pick(active)]
		from, to, _ := m.window()
		at := r.timeOn(r.dayIn(from, to))
		if id := pickTitle(r, d.titles, at, time.Time{}, nil); id != 0 {
			out = append(out, play(m, titleOf(id), at))
		}
	}
	for range dups {
		out = append(out, out[r.intn(len(out))]) // the same play, logged twice
	}
	slices.SortStableFunc(out, func(a, b event) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.member, b.member), cmp.Compare(a.title, b.title))
	})
	// Plays of downloaded titles watched offline reach the log when the
	// device is next online: they are numbered after the rest, so event_id
	// order is not started_at order for them.
	var late []event
	for range nEvents * lateShare / 1000 {
		i := r.intn(len(out))
		late = append(late, out[i])
		out = slices.Delete(out, i, i+1)
	}
	out = append(out, late...)
	for i := range out {
		out[i].id = i + 1
	}
	return out
}

// lateShare is how many plays in a thousand are logged late.
const lateShare = 10

// watched returns the seconds of one play: a few plays of nothing, some
// abandoned in the first minutes, many partial, many to the end; a third
// are logged in whole minutes, which makes ties.
func (r *rng) watched(t title) int {
	full := t.runtime * 60
	var s int
	switch n := r.intn(100); {
	case n < 1:
		return 0
	case n < 9:
		s = r.between(30, 600)
	case n < 54:
		s = full * r.between(30, 90) / 100
	default:
		s = full * r.between(95, 100) / 100
	}
	if r.intn(3) == 0 {
		s -= s % 60
	}
	return s
}
