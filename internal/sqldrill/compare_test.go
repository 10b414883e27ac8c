package sqldrill

import (
	"strings"
	"testing"
)

func table(cols string, rows ...[]any) *result {
	return &result{columns: strings.Split(cols, ","), rows: rows, total: len(rows)}
}

func row(v ...any) []any { return v }

func TestCompareValues(t *testing.T) {
	opts := Options{}.withDefaults()
	for _, tc := range []struct {
		name      string
		got, want *result
		verdict   Verdict
		explain   string
	}{
		{"integer equals real", table("n", row(int64(2))), table("n", row(2.0)), Passed, ""},
		{"within tolerance", table("x", row(0.1+0.2)), table("x", row(0.3)), Passed, ""},
		{"relative tolerance on large numbers", table("x", row(1e9+0.5)), table("x", row(1e9)), Passed, ""},
		{"beyond tolerance", table("x", row(1.001)), table("x", row(1.0)), Mismatch, "Your result is (x 1.001) where the reference has (x 1)"},
		{"near zero", table("x", row(1e-12)), table("x", row(int64(0))), Passed, ""},
		{"null equals null", table("x", row(nil)), table("x", row(nil)), Passed, ""},
		{"null is not zero", table("x", row(int64(0))), table("x", row(nil)), Mismatch, "(x 0) where the reference has (x NULL)"},
		{"text is not a number", table("x", row("1")), table("x", row(int64(1))), Mismatch, "(x '1') where the reference has (x 1)"},
		{"big integers exactly", table("x", row(int64(1<<62+1))), table("x", row(int64(1<<62))), Mismatch, ""},
		{"blobs", table("x", row([]byte{1, 2})), table("x", row([]byte{1, 2})), Passed, ""},
		{"names ignore case", table("Member_ID", row(int64(1))), table("member_id", row(int64(1))), Passed, ""},
		{"empty both", table("x"), table("x"), Passed, "0 rows"},
		{"empty answer", table("x"), table("x", row(int64(1)), row(int64(2))), Mismatch, "Your query returns 0 rows; the reference returns 2.\n2 rows of the reference are missing, for example (x 1)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, msg := compare(tc.got, tc.want, opts)
			if v != tc.verdict || !strings.Contains(msg, tc.explain) {
				t.Errorf("%v %q, want %v with %q", v, msg, tc.verdict, tc.explain)
			}
		})
	}
}

// TestCompareToleranceAcrossKeys checks the leftover pairing: values that
// round to different keys but lie within the tolerance still match.
func TestCompareToleranceAcrossKeys(t *testing.T) {
	got := table("k,x", row("a", 0.12345678955), row("b", 2.0))
	want := table("k,x", row("b", int64(2)), row("a", 0.12345678945))
	if v, msg := compare(got, want, Options{}.withDefaults()); v != Passed {
		t.Errorf("%v: %s", v, msg)
	}
}

func TestCompareOrderKey(t *testing.T) {
	want := table("name,n", row("a", int64(3)), row("b", int64(2)), row("c", int64(2)), row("d", int64(1)))
	swapped := table("name,n", row("a", int64(3)), row("c", int64(2)), row("b", int64(2)), row("d", int64(1)))
	if v, _ := compare(swapped, want, Options{Ordered: true, OrderKey: []string{"n"}}.withDefaults()); v != Passed {
		t.Error("a tie swapped fails with the order key")
	}
	v, msg := compare(swapped, want, Options{Ordered: true}.withDefaults())
	if v != Mismatch || !strings.Contains(msg, "row 2 is (name 'c', n 2) where the reference has (name 'b', n 2)") {
		t.Errorf("a tie swapped without the key: %v %q", v, msg)
	}
}

// TestCloseness: how near a wrong result is, by columns or by rows.
func TestCloseness(t *testing.T) {
	c := comparer{tol: Options{}.withDefaults().Tolerance}
	want := table("day,h", row("d1", 1.0), row("d2", 2.0), row("d3", 3.0), row("d4", 4.0))
	for _, tc := range []struct {
		name string
		got  *result
		want float64
	}{
		{"the right rows and one more", table("day,h", row("d0", 0.5), row("d1", 1.0), row("d2", 2.0), row("d3", 3.0), row("d4", 4.0)), 0.8},
		{"the right rows in another order", table("day,h", row("d4", 4.0), row("d3", 3.0), row("d2", 2.0), row("d1", 1.0)), 1},
		{"one value off", table("day,h", row("d1", 1.0), row("d2", 2.0), row("d3", 3.0), row("d4", 9.0)), 0.75},
		{"half the rows", table("day,h", row("d1", 1.0), row("d2", 2.0)), 0.5},
		{"nothing shared", table("day,h", row("x", 7.0), row("y", 8.0)), 0},
		{"another number of columns", table("day", row("d1"), row("d2"), row("d3"), row("d4")), 0},
	} {
		if got := closeness(tc.got, want, c); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%s: closeness %.3f, want %.3f", tc.name, got, tc.want)
		}
	}
}
