package rubric_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// wellBelow is how far off-topic and keyword-stuffed designs must stay
// under the strong reference: at most this share of its score.
const wellBelow = 0.6

// related are pairs of cases whose designs share much of their machinery.
var related = map[[2]string]bool{
	{"churn-retention", "plan-pricing"}:                     true,
	{"homepage-recommendations", "search-discovery"}:        true,
	{"homepage-recommendations", "artwork-personalization"}: true,
}

// TestCalibration scores each case's calibration set and checks that the
// scores are ordered as a reviewer would order the designs.
func TestCalibration(t *testing.T) {
	cat := loadCases(t)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-30s %7s %7s %7s %7s %8s %14s\n", "case", "strong", "medium", "weak", "empty", "stuffed", "off-topic max")
	for _, k := range cat.Cases {
		t.Run(k.Slug, func(t *testing.T) {
			score := func(d *design.Design) float64 { return k.Engine.Check(k.Slug, d).Score }
			dir := filepath.Join("testdata", "calibration", k.Slug)
			strong := score(k.Reference)
			medium := score(readDesign(t, filepath.Join(dir, "medium.json")))
			weak := score(readDesign(t, filepath.Join(dir, "weak.json")))
			stuffed := score(readDesign(t, filepath.Join(dir, "stuffed.json")))
			empty := score(&design.Design{Sections: design.Answers{}})
			offMax, offFrom := 0.0, ""
			var offs []string
			for _, other := range cat.Cases {
				if other.Slug == k.Slug {
					continue
				}
				s := score(other.Reference)
				offs = append(offs, fmt.Sprintf("%s %.1f", other.Slug, s))
				if s > offMax {
					offMax, offFrom = s, other.Slug
				}
				// Related cases share much of their machinery (offers,
				// uplift and holdouts; rows, ranking and bias): there an
				// off-topic design is only held 10 points below the
				// reference (plan pricing's reference reaches 77.8 on churn:
				// a known limit). Every other off-topic design stays well
				// below and never grades strong.
				if related[[2]string{k.Slug, other.Slug}] || related[[2]string{other.Slug, k.Slug}] {
					if s >= strong-10 {
						t.Errorf("off-topic %s (a related case) scores %.1f; want below %.1f", other.Slug, s, strong-10)
					}
				} else if s > wellBelow*strong || rubric.Grade(s) == rubric.GradeStrong {
					t.Errorf("off-topic %s scores %.1f; want at most %.0f%% of strong %.1f", other.Slug, s, 100*wellBelow, strong)
				}
			}
			sort.Strings(offs)
			fmt.Fprintf(&table, "%-30s %7.1f %7.1f %7.1f %7.1f %8.1f %8.1f (%s)\n", k.Slug, strong, medium, weak, empty, stuffed, offMax, offFrom)
			t.Logf("off-topic: %s", strings.Join(offs, ", "))
			if g := rubric.Grade(strong); g != rubric.GradeStrong {
				t.Errorf("the reference grades %s (%.1f); want strong", g, strong)
			}
			if !(strong > medium && medium > weak && weak >= empty) {
				t.Errorf("want strong > medium > weak >= empty; got %.1f, %.1f, %.1f, %.1f", strong, medium, weak, empty)
			}
			if stuffed > medium || stuffed > wellBelow*strong {
				t.Errorf("keyword-stuffed scores %.1f; want at most medium %.1f and %.0f%% of strong %.1f", stuffed, medium, 100*wellBelow, strong)
			}
		})
	}
	t.Log(table.String())
}

// TestHeldOut scores designs written without seeing the rubrics, as a check
// that the scores generalise beyond the calibration set: each case's
// held-out strong design grades strong and well above its held-out medium.
func TestHeldOut(t *testing.T) {
	cat := loadCases(t)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-30s %8s %8s\n", "case", "strong", "medium")
	for _, k := range cat.Cases {
		dir := filepath.Join("testdata", "holdout", k.Slug)
		strong := k.Engine.Check(k.Slug, readDesign(t, filepath.Join(dir, "strong.json")))
		medium := k.Engine.Check(k.Slug, readDesign(t, filepath.Join(dir, "medium.json")))
		fmt.Fprintf(&table, "%-30s %8.1f %8.1f\n", k.Slug, strong.Score, medium.Score)
		if strong.Grade != rubric.GradeStrong {
			t.Errorf("%s: the held-out strong design grades %s (%.1f)", k.Slug, strong.Grade, strong.Score)
		}
		if medium.Score > strong.Score-30 {
			t.Errorf("%s: held-out medium %.1f is not well below held-out strong %.1f", k.Slug, medium.Score, strong.Score)
		}
	}
	t.Log(table.String())
}
