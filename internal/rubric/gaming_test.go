package rubric_test

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
)

// textFields returns the text fields of the template, "section.field",
// leaving out the "why" fields of decisions.
func textFields(t *design.Template) [][2]string {
	var out [][2]string
	for _, s := range t.Sections {
		for _, f := range s.Fields {
			if f.Type == design.TypeText && !strings.HasSuffix(f.ID, "_why") {
				out = append(out, [2]string{s.ID, f.ID})
			}
		}
	}
	return out
}

// spread writes texts into the design's text fields, each field taking as
// many whole texts as fit its limit.
func spread(d *design.Design, t *design.Template, texts []string) {
	fields := textFields(t)
	fi := 0
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 && fi < len(fields) {
			d.Sections.Set(fields[fi][0], fields[fi][1], design.Value{Text: cur.String()})
		}
		cur.Reset()
		fi++
	}
	for _, s := range texts {
		if fi >= len(fields) {
			break
		}
		f, _ := t.Field(fields[fi][0], fields[fi][1])
		if cur.Len()+len(s)+1 > f.TextMax() {
			flush()
			if fi >= len(fields) {
				break
			}
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(s)
	}
	flush()
}

// hubPipeline wires one hub node to a node of every kind in every stage.
func hubPipeline() pipeline.Graph {
	g := pipeline.Graph{Nodes: []pipeline.Node{{ID: "hub", Label: "Platform", Kind: "other", Stage: "online"}}}
	for _, st := range []pipeline.Stage{"offline", "nearline", "online"} {
		for _, k := range pipeline.Kinds {
			id := string(st) + "_" + string(k)
			g.Nodes = append(g.Nodes, pipeline.Node{ID: id, Label: string(k), Kind: k, Stage: st})
			g.Edges = append(g.Edges, pipeline.Edge{From: "hub", To: id}, pipeline.Edge{From: id, To: "hub"})
		}
	}
	return g
}

// acceptedChoices sets every decision field the rubric reads to the first
// option it accepts: what a gamer who has read the public rubric would do.
func acceptedChoices(d *design.Design, r *rubric.Rubric) {
	for _, it := range r.Items {
		for _, c := range it.Checks {
			if c.Check == rubric.CheckDecision && c.Field != "" && len(c.Options) > 0 {
				d.Sections.Set(c.Section, c.Field, design.Value{Text: c.Options[0]})
			}
		}
	}
}

// flood returns about n words of sentences that each name a concept of
// the rubric, in a dozen frames, as a grader-gamer writes them.
// optionLists writes about n words of sentences that each list six of the
// case's concepts as what the design covers, with a number and a reason,
// and decide nothing.
func optionLists(k *catalog.Case, n int) []string {
	frames := []string{
		"Our approach combines %s, so that the 190 countries are served well.",
		"The system covers %s for the 45-minute budget, because members deserve the best.",
		"Here we blend %s across 3 stages, to keep every option open.",
		"This step spans %s, with 99%% of traffic in mind, since each has strengths.",
	}
	names := conceptNames(k)
	var out []string
	words := 0
	for i := 0; words < n; i++ {
		var six []string
		for j := range 6 {
			six = append(six, names[(6*i+j)%len(names)])
		}
		list := strings.Join(six[:5], ", ") + " and " + six[5]
		s := fmt.Sprintf(frames[i%len(frames)], list)
		out = append(out, s)
		words += len(strings.Fields(s))
	}
	return out
}

// conceptNames returns one plain wording of every concept the case's
// rubric checks, sorted.
func conceptNames(k *catalog.Case) []string {
	var names []string
	seen := map[string]bool{}
	for _, it := range k.Rubric.Items {
		for _, c := range it.Checks {
			for _, id := range c.Concepts {
				if !seen[id] {
					seen[id] = true
					for _, f := range k.Concepts[id] {
						if !strings.HasPrefix(f, "!") && !strings.Contains(f, " + ") {
							names = append(names, f)
							break
						}
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}

func flood(k *catalog.Case, n int, varied bool) []string {
	frames := []string{
		"We use %s to improve the outcome for members.",
		"Our design relies on %s because it is the best practice.",
		"%s ensures robust and scalable results in production.",
		"The team will adopt %s across the whole pipeline.",
		"A key part of the system is %s, which we apply everywhere.",
		"With %s we make the model reliable, fair and fast.",
		"We leverage %s for higher quality at lower cost.",
		"Thanks to %s the platform stays accurate and efficient.",
		"In addition, %s is integrated with monitoring and alerting.",
		"%s is carefully tuned for this case and its members.",
		"The architecture embraces %s at every stage.",
		"Finally, we apply %s to guarantee the business goals.",
	}
	names := conceptNames(k)
	var out []string
	words := 0
	if !varied {
		for i := 0; words < n; i++ {
			s := fmt.Sprintf(frames[i%len(frames)], names[i%len(names)])
			out = append(out, strings.ToUpper(s[:1])+s[1:])
			words += len(strings.Fields(s))
		}
		return out
	}
	// Varied: openers, verbs and closers combined so that no two sentences
	// share a frame, the flood a careful gamer writes.
	openers := []string{"In this design", "For the members", "At every stage", "Across the platform", "From the start",
		"On the serving path", "During training", "When we launch", "For each title", "In production", "By default", "Over time", "In practice"}
	verbs := []string{"we use", "the team adopts", "our system relies on", "we apply", "the pipeline includes", "we build", "we keep",
		"the platform runs", "we choose", "we add", "the model gets", "we plan for", "the service has"}
	closers := []string{"to improve results", "because it is the best practice", "so that quality stays high", "for robust decisions",
		"with clear ownership", "at scale", "as the industry does", "to delight members", "without any compromise", "for every market",
		"as a matter of course", "in all conditions", "to reduce risk"}
	for i := 0; words < n; i++ {
		s := fmt.Sprintf("%s, %s %s %s.", openers[i%len(openers)], verbs[(i/len(openers))%len(verbs)], names[i%len(names)], closers[(i/(len(openers)*len(verbs)))%len(closers)])
		out = append(out, s)
		words += len(strings.Fields(s))
	}
	return out
}

// TestGamingProbes builds, for every case, the designs a grader-gamer
// writes - the report's own hints pasted back, the case's prompt and facts
// pasted back, a 20,000-word flood of concept sentences with the rubric's
// accepted choices, and the same with a hub pipeline - and checks that
// each scores below the case's medium: below the medium band, and below
// every design the blind set's authors wrote as medium.
func TestGamingProbes(t *testing.T) {
	cat := loadCases(t)
	rows := scoreBlind(t, cat)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-30s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "case", "strong", "medium", "wrong", "hints", "prompt", "flood", "varied", "hub", "options")
	for _, k := range cat.Cases {
		strong, medium, wrong := math.Inf(1), math.Inf(1), 0.0
		for _, r := range rows {
			if r.Case != k.Slug || os.Getenv("CASEBENCH_DEV_ONLY") != "" && r.Entry.Half != "dev" {
				continue
			}
			switch r.Entry.Kind {
			case "strong":
				strong = math.Min(strong, r.Auto)
			case "medium":
				medium = math.Min(medium, r.Auto)
			case "wrong":
				wrong = math.Max(wrong, r.Auto)
			}
		}
		bar := math.Min(medium, rubric.MediumFrom)
		score := func(d *design.Design) float64 { d.Case = k.Slug; return k.Engine.Check(k.Slug, d).Score }

		// The report's hints, pasted back.
		empty := k.Engine.Check(k.Slug, &design.Design{Sections: design.Answers{}})
		var hints []string
		for _, it := range empty.Items {
			if it.Hint != "" {
				hints = append(hints, it.Hint)
			}
			for _, c := range it.Checks {
				if c.Hint != "" {
					hints = append(hints, c.Hint)
				}
				hints = append(hints, c.Label+".")
			}
		}
		hd := &design.Design{Sections: design.Answers{}}
		spread(hd, cat.Template, hints)

		// The case, pasted back.
		pd := &design.Design{Sections: design.Answers{}}
		spread(pd, cat.Template, k.Texts())

		// A flood with the accepted choices, then the same with a hub.
		fd := &design.Design{Sections: design.Answers{}}
		spread(fd, cat.Template, flood(k, 20000, false))
		acceptedChoices(fd, k.Rubric)
		vd := &design.Design{Sections: design.Answers{}}
		spread(vd, cat.Template, flood(k, 20000, true))
		acceptedChoices(vd, k.Rubric)
		words := 0
		for _, sec := range fd.Sections {
			for _, v := range sec {
				words += len(strings.Fields(v.Text))
			}
		}
		// Every option of the case listed, with numbers and reasons, about
		// 1,500 words: short enough to be read in full.
		od := &design.Design{Sections: design.Answers{}}
		spread(od, cat.Template, optionLists(k, 1500))
		acceptedChoices(od, k.Rubric)
		hub := *fd
		hub.Pipeline = hubPipeline()
		if os.Getenv("CASEBENCH_PROBE") == k.Slug {
			for _, it := range k.Engine.Check(k.Slug, vd).Items {
				if it.Earned > 0 || it.Raised {
					t.Logf("flood %s: %.1f of %d (raised %v)", it.ID, it.Earned, it.Points, it.Raised)
				}
			}
		}

		probes := []struct {
			name  string
			score float64
		}{{"hints", score(hd)}, {"prompt", score(pd)}, {"flood", score(fd)}, {"varied flood", score(vd)}, {"hub", score(&hub)}, {"options", score(od)}}
		fmt.Fprintf(&table, "%-30s %7.1f %7.1f %7.1f", k.Slug, strong, medium, wrong)
		for _, pr := range probes {
			fmt.Fprintf(&table, " %7.1f", pr.score)
			if pr.score >= bar {
				t.Errorf("%s: the %s probe scores %.1f, not below the case's medium (%.1f)", k.Slug, pr.name, pr.score, bar)
			}
		}
		fmt.Fprintf(&table, "   (flood: %d words)\n", words)
	}
	t.Log(table.String())
}

// TestSplitAcrossFields: the same text split across a section's fields, or
// gathered into one, moves a reference's score by at most 2 points.
func TestSplitAcrossFields(t *testing.T) {
	cat := loadCases(t)
	for _, k := range cat.Cases {
		base := k.Engine.Check(k.Slug, k.Reference).Score
		for _, mode := range []string{"gather", "split"} {
			d := *k.Reference
			d.Sections = design.Answers{}
			for sec, fields := range k.Reference.Sections {
				for f, v := range fields {
					d.Sections.Set(sec, f, v)
				}
			}
			for _, sec := range cat.Template.Sections {
				var ids []string
				var paras []string
				for _, f := range sec.Fields {
					if f.Type != design.TypeText || strings.HasSuffix(f.ID, "_why") {
						continue
					}
					ids = append(ids, f.ID)
					for _, p := range strings.Split(d.Sections.Get(sec.ID, f.ID).Text, "\n\n") {
						if strings.TrimSpace(p) != "" {
							paras = append(paras, p)
						}
					}
					d.Sections.Set(sec.ID, f.ID, design.Value{})
				}
				if len(ids) < 2 || len(paras) == 0 {
					for i, id := range ids {
						if i == 0 {
							d.Sections.Set(sec.ID, id, design.Value{Text: strings.Join(paras, "\n\n")})
						}
					}
					continue
				}
				switch mode {
				case "gather":
					d.Sections.Set(sec.ID, ids[0], design.Value{Text: strings.Join(paras, "\n\n")})
				case "split":
					// Paragraphs dealt round the fields in turn.
					parts := make([][]string, len(ids))
					for i, p := range paras {
						parts[i%len(ids)] = append(parts[i%len(ids)], p)
					}
					for i, id := range ids {
						d.Sections.Set(sec.ID, id, design.Value{Text: strings.Join(parts[i], "\n\n")})
					}
				}
			}
			got := k.Engine.Check(k.Slug, &d).Score
			t.Logf("%s %s: %.1f -> %.1f", k.Slug, mode, base, got)
			if math.Abs(got-base) > 2 {
				t.Errorf("%s: %s the text of each section across its fields moves the score from %.1f to %.1f", k.Slug, mode, base, got)
			}
		}
	}
}

// TestCalibrationCannotBeGamed: a reviewer who answers the same level on
// every item of a case's calibration design scores below half.
func TestCalibrationCannotBeGamed(t *testing.T) {
	cat := loadCases(t)
	for _, k := range cat.Cases {
		if k.Calibration == nil || len(k.CalibrationLevels) == 0 {
			t.Errorf("%s: no calibration design with known levels", k.Slug)
			continue
		}
		levels := map[int]int{}
		for _, kl := range k.CalibrationLevels {
			levels[kl.Level]++
		}
		var ids []string
		known := review.Levels{}
		for id, kl := range k.CalibrationLevels {
			ids = append(ids, id)
			known[id] = kl.Level
		}
		for _, constant := range []int{0, 1, 2, 3} {
			given := review.Levels{}
			for _, id := range ids {
				given[id] = constant
			}
			acc := review.Calibrate(ids, given, known).Accuracy
			t.Logf("%s: all %d scores %.0f%% (levels %v)", k.Slug, constant, 100*acc, levels)
			if (constant == 0 || constant == 3) && acc >= 0.5 {
				t.Errorf("%s: a reviewer answering %d everywhere scores %.0f%%", k.Slug, constant, 100*acc)
			}
		}
	}
}
