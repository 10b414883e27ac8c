package sqldrill

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxPairing bounds the work of matching leftover rows within the numeric
// tolerance (leftover answer rows times leftover reference rows).
const maxPairing = 4_000_000

// compare returns the verdict and explanation for an answer's result got
// against the reference's want.
func compare(got, want *result, opts Options) (Verdict, string) {
	if len(got.columns) != len(want.columns) {
		return Mismatch, columnCountMessage(got.columns, want.columns)
	}
	var lines []string
	namesDiffer := !sameNames(got.columns, want.columns)
	if namesDiffer {
		lines = append(lines, fmt.Sprintf("The column names differ: yours are (%s), the reference's are (%s).",
			strings.Join(got.columns, ", "), strings.Join(want.columns, ", ")))
	}
	cmp := comparer{tol: opts.Tolerance}
	diff := cmp.multiset(got.rows, want.rows)
	switch {
	case !diff.equal():
		lines = append(lines, diff.explain(got, want)...)
		return Mismatch, strings.Join(lines, "\n")
	case opts.Ordered:
		if msg := cmp.order(got, want, opts.OrderKey); msg != "" {
			return Mismatch, strings.Join(append(lines, msg), "\n")
		}
	}
	switch {
	case !namesDiffer:
		return Passed, fmt.Sprintf("Your result matches the reference: %d %s.", len(want.rows), plural(len(want.rows), "row", "rows"))
	case opts.IgnoreColumnNames:
		return Passed, "Your result matches the reference; only the column names differ."
	}
	return Mismatch, strings.Join(append(lines, "The values match: only the names are wrong. Name each column as the drill asks, with AS."), "\n")
}

func sameNames(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

func columnCountMessage(got, want []string) string {
	msg := fmt.Sprintf("Your query returns %d %s (%s); the reference returns %d (%s).",
		len(got), plural(len(got), "column", "columns"), strings.Join(got, ", "), len(want), strings.Join(want, ", "))
	var extra, missing []string
	for _, g := range got {
		if !containsFold(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !containsFold(got, w) {
			missing = append(missing, w)
		}
	}
	if len(extra) > 0 {
		msg += fmt.Sprintf(" Not asked for: %s.", joinNames(extra))
	}
	if len(missing) > 0 {
		msg += fmt.Sprintf(" Missing: %s.", joinNames(missing))
	}
	return msg
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

type comparer struct{ tol float64 }

// rowDiff is what sets two results apart as multisets of rows.
type rowDiff struct {
	extra, missing   [][]any // unmatched rows of the answer and of the reference
	dupes, fewer     [][]any // among them, rows the other side has, but fewer (or more) times
	gotKeys, wantKey map[string]int
}

func (d rowDiff) equal() bool { return len(d.extra) == 0 && len(d.missing) == 0 }

// multiset matches got's rows with want's: first exactly (numbers by
// value, 1 equal to 1.0), then the leftovers pairwise within the
// tolerance.
func (c comparer) multiset(got, want [][]any) rowDiff {
	d := rowDiff{gotKeys: map[string]int{}, wantKey: map[string]int{}}
	left := map[string][][]any{}
	for _, r := range want {
		k := rowKey(r)
		d.wantKey[k]++
		left[k] = append(left[k], r)
	}
	for _, r := range got {
		k := rowKey(r)
		d.gotKeys[k]++
		if rs := left[k]; len(rs) > 0 {
			left[k] = rs[1:]
			continue
		}
		d.extra = append(d.extra, r)
	}
	for _, r := range want { // in the reference's order, for stable examples
		k := rowKey(r)
		if rs := left[k]; len(rs) > 0 {
			left[k] = rs[1:]
			d.missing = append(d.missing, r)
		}
	}
	if len(d.extra)*len(d.missing) <= maxPairing {
		d.extra, d.missing = c.pairWithin(d.extra, d.missing)
	}
	for _, r := range d.extra {
		if d.wantKey[rowKey(r)] > 0 {
			d.dupes = append(d.dupes, r)
		}
	}
	for _, r := range d.missing {
		if d.gotKeys[rowKey(r)] > 0 {
			d.fewer = append(d.fewer, r)
		}
	}
	return d
}

// pairWithin drops the pairs of rows that are equal within the tolerance.
func (c comparer) pairWithin(extra, missing [][]any) ([][]any, [][]any) {
	used := make([]bool, len(missing))
	var keep [][]any
	for _, g := range extra {
		found := false
		for j, w := range missing {
			if !used[j] && c.rowsEqual(g, w) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			keep = append(keep, g)
		}
	}
	var miss [][]any
	for j, w := range missing {
		if !used[j] {
			miss = append(miss, w)
		}
	}
	return keep, miss
}

func (d rowDiff) explain(got, want *result) []string {
	if len(got.rows) == 1 && len(want.rows) == 1 {
		return []string{fmt.Sprintf("Your result is %s where the reference has %s.",
			describe(got.columns, got.rows[0]), describe(want.columns, want.rows[0]))}
	}
	var out []string
	if len(got.rows) != len(want.rows) {
		out = append(out, fmt.Sprintf("Your query returns %d %s; the reference returns %d.",
			len(got.rows), plural(len(got.rows), "row", "rows"), len(want.rows)))
	}
	if n := len(d.dupes); n > 0 {
		r := d.dupes[0]
		k := rowKey(r)
		out = append(out, fmt.Sprintf("%d %s too often: for example %s appears %s in yours and %s in the reference. Is a DISTINCT missing, or does a join repeat rows?",
			n, plural(n, "row appears", "rows appear"), describe(got.columns, r), times(d.gotKeys[k]), times(d.wantKey[k])))
	}
	if n := len(d.extra) - len(d.dupes); n > 0 {
		out = append(out, fmt.Sprintf("%d %s not in the reference, for example %s.",
			n, plural(n, "row is", "rows are"), describe(got.columns, firstNotIn(d.extra, d.dupes))))
	}
	if n := len(d.fewer); n > 0 {
		r := d.fewer[0]
		k := rowKey(r)
		out = append(out, fmt.Sprintf("%d %s too rarely: for example %s appears %s in yours and %s in the reference.",
			n, plural(n, "row appears", "rows appear"), describe(want.columns, r), times(d.gotKeys[k]), times(d.wantKey[k])))
	}
	if n := len(d.missing) - len(d.fewer); n > 0 {
		r := firstNotIn(d.missing, d.fewer)
		line := fmt.Sprintf("%d %s of the reference %s missing, for example %s.",
			n, plural(n, "row", "rows"), plural(n, "is", "are"), describe(want.columns, r))
		if near := closest(r, d.extra); near != nil {
			line += fmt.Sprintf(" The closest row in yours is %s.", describe(got.columns, near))
		}
		out = append(out, line)
	}
	return out
}

// firstNotIn returns the first row of rows that is not (by identity of its
// backing array) in some.
func firstNotIn(rows, some [][]any) []any {
	for _, r := range rows {
		in := false
		for _, s := range some {
			if len(s) > 0 && len(r) > 0 && &s[0] == &r[0] {
				in = true
				break
			}
		}
		if !in {
			return r
		}
	}
	return rows[0]
}

// closest returns the row of candidates that agrees with r in the most
// columns, if it agrees in at least one and differs in at most half.
func closest(r []any, candidates [][]any) []any {
	var best []any
	bestSame := 0
	for _, c := range candidates {
		same := 0
		for i := range r {
			if valueKey(r[i]) == valueKey(c[i]) {
				same++
			}
		}
		if same > bestSame {
			best, bestSame = c, same
		}
	}
	if bestSame == 0 || 2*(len(r)-bestSame) > len(r) {
		return nil
	}
	return best
}

func times(n int) string {
	switch n {
	case 0:
		return "never"
	case 1:
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// order checks the sequence of rows, once the multisets are known equal.
// With a key, only the key columns must line up row by row: rows equal in
// them may come in any order.
func (c comparer) order(got, want *result, key []string) string {
	var idx []int
	for _, k := range key {
		for i, col := range want.columns {
			if strings.EqualFold(col, k) {
				idx = append(idx, i)
				break
			}
		}
	}
	for i := range want.rows {
		g, w := got.rows[i], want.rows[i]
		same := true
		if len(idx) == 0 {
			same = c.rowsEqual(g, w)
		} else {
			for _, j := range idx {
				same = same && c.valuesEqual(g[j], w[j])
			}
		}
		if !same {
			return fmt.Sprintf("The rows are right but not in the order asked: row %d is %s where the reference has %s.",
				i+1, describe(got.columns, g), describe(want.columns, w))
		}
	}
	return ""
}

func (c comparer) rowsEqual(a, b []any) bool {
	for i := range a {
		if !c.valuesEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func (c comparer) valuesEqual(a, b any) bool {
	fa, na := number(a)
	fb, nb := number(b)
	if na && nb {
		if ia, ok := a.(int64); ok {
			if ib, ok := b.(int64); ok {
				return ia == ib
			}
		}
		return fa == fb || math.Abs(fa-fb) <= max(1e-9, c.tol*max(math.Abs(fa), math.Abs(fb)))
	}
	return valueKey(a) == valueKey(b)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// valueKey is a value's identity for exact matching: numbers by value (an
// integral float as the integer; others to 10 significant digits, finer
// than any tolerance used), text and blobs by content, NULL as itself.
func valueKey(v any) string {
	switch x := v.(type) {
	case nil:
		return "N"
	case int64:
		return "n" + strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return "n" + strconv.FormatInt(int64(x), 10)
		}
		return "n" + strconv.FormatFloat(x, 'g', 10, 64)
	case string:
		return "s" + x
	case []byte:
		return "b" + string(x)
	}
	return fmt.Sprintf("?%v", v)
}

func rowKey(r []any) string {
	var b strings.Builder
	for _, v := range r {
		k := valueKey(v)
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
	}
	return b.String()
}

// describe renders a row for a sentence: (member_id 17, country 'US').
func describe(cols []string, r []any) string {
	parts := make([]string, len(r))
	for i, v := range r {
		s := render(v)
		if _, ok := v.(string); ok {
			s = "'" + shorten(s, 40) + "'"
		}
		parts[i] = cols[i] + " " + s
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// render shows a value as text: NULL, a number, the text itself, or a
// blob in hex.
func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	case []byte:
		if len(x) > 32 {
			return "x'" + strings.ToUpper(hex.EncodeToString(x[:32])) + "…'"
		}
		return "x'" + strings.ToUpper(hex.EncodeToString(x)) + "'"
	}
	return fmt.Sprint(v)
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// closeness is how near a wrong result is to the right one: the larger of
// the share of want's columns that got's column of the same position
// holds as a multiset of values, times the ratio of the smaller row count
// to the larger, and the share of rows the two results share, over the
// larger row count.
func closeness(got, want *result, c comparer) float64 {
	if len(got.columns) != len(want.columns) || len(want.columns) == 0 {
		return 0
	}
	ng, nw := len(got.rows), len(want.rows)
	if ng == 0 || nw == 0 {
		if ng == nw {
			return 1
		}
		return 0
	}
	same := 0
	for j := range want.columns {
		col := func(rows [][]any) [][]any {
			out := make([][]any, len(rows))
			for i, r := range rows {
				out[i] = []any{r[j]}
			}
			return out
		}
		if c.multiset(col(got.rows), col(want.rows)).equal() {
			same++
		}
	}
	byColumn := float64(same) / float64(len(want.columns)) * float64(min(ng, nw)) / float64(max(ng, nw))
	// By row: the rows both results hold, over the larger row count, so
	// that a result with every right row and a few extra (all of April
	// where the week from the 7th was asked) is near, as a column-wise
	// count would not see.
	d := c.multiset(got.rows, want.rows)
	shared := nw - len(d.missing)
	byRow := float64(shared) / float64(max(ng, nw))
	return max(byColumn, byRow)
}
