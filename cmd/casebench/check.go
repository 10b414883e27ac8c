package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/drill"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/rubric"
)

// runCheck scores a design JSON file against its case's rubric.
func runCheck(ctx context.Context, args []string, e env) error {
	var slug, drillSlug, format string
	var minScore float64
	cfg, pos, err := parseCmd(cmdCheck, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "case", "", "score a design against this `SLUG`'s rubric (default: the design's own case)")
		fs.StringVar(&drillSlug, "drill", "", "score a drill answer against this drill `SLUG`'s rubric (default: the answer's own drill)")
		fs.StringVar(&format, "format", "text", "text or json")
		fs.Float64Var(&minScore, "min-score", 0, "exit 1 when the score is below `N`")
	})
	if err != nil {
		return err
	}
	in := pos[0]
	if format != "text" && format != "json" {
		return fmt.Errorf("--format must be text or json")
	}
	b, err := readLimited(in, 4<<20)
	if err != nil {
		return err
	}
	var rep *rubric.Report
	var title string
	if isDrillAnswer(b) {
		if slug != "" {
			return fmt.Errorf("%s: a drill answer takes --drill SLUG, not --case", in)
		}
		rep, title, err = checkDrillAnswer(cfg, in, b, drillSlug)
	} else {
		if drillSlug != "" {
			return fmt.Errorf("%s: a design takes --case SLUG, not --drill", in)
		}
		rep, title, err = checkDesign(cfg, in, b, slug)
	}
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printReport(e.stdout, title, rep)
	}
	if rep.Score < minScore {
		return fmt.Errorf("score %.1f is below the minimum %.1f", rep.Score, minScore)
	}
	return nil
}

// checkDesign scores the design JSON b (from file in) against its case,
// or the case slug when given.
func checkDesign(cfg config.Config, in string, b []byte, slug string) (*rubric.Report, string, error) {
	d, err := design.Decode(bytes.NewReader(b), 4<<20)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", in, err)
	}
	if slug != "" {
		d.Case = slug
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return nil, "", err
	}
	k, ok := cat.Case(d.Case)
	if !ok {
		return nil, "", fmt.Errorf("%s: unknown case %q (give --case SLUG)", in, d.Case)
	}
	if err := d.Validate(cat.Template, pipeline.DefaultLimits); err != nil {
		return nil, "", fmt.Errorf("%s: %w", in, err)
	}
	return k.Engine.Check(k.Slug, d), k.Title, nil
}

// checkDrillAnswer scores the drill answer JSON b (from file in) against
// its drill, or the drill slug when given.
func checkDrillAnswer(cfg config.Config, in string, b []byte, slug string) (*rubric.Report, string, error) {
	a, err := drill.Decode(bytes.NewReader(b))
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, "", fmt.Errorf("%s:%d: %w", in, 1+bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")), err)
		}
		return nil, "", fmt.Errorf("%s: %w", in, err)
	}
	if slug != "" {
		a.Drill = slug
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return nil, "", err
	}
	d, ok := cat.Drill(a.Drill)
	if !ok {
		return nil, "", fmt.Errorf("%s: unknown drill %q (give --drill SLUG)", in, a.Drill)
	}
	return d.Engine.Check(d.Slug, a.Design()), d.Title, nil
}

// isDrillAnswer reports whether the JSON text b says it is a drill
// answer; a malformed file is one when it names the drill format.
func isDrillAnswer(b []byte) bool {
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return bytes.Contains(b, []byte(`"`+drill.Format+`"`))
	}
	return head.Format == drill.Format
}

// readLimited reads the file in, refusing one larger than limit bytes.
func readLimited(in string, limit int64) ([]byte, error) {
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB; nothing was checked", in, limit>>20)
	}
	return b, nil
}

// printReport writes a report as text: the score, the dimensions, the red
// flags raised, and every item with its checks, evidence, the reasons credit
// was withheld, and hints.
func printReport(w io.Writer, title string, r *rubric.Report) {
	fmt.Fprintf(w, "%s (%s), rubric version %d\n", title, r.Case, r.RubricVersion)
	fmt.Fprintf(w, "Score %.1f / 100: %s. ", r.Score, r.Grade)
	if rd := r.Reading; rd != nil {
		fmt.Fprintf(w, "Read against scored answers: %.1f (counts %.0f%%); items: ", rd.Score, 100*rd.Weight)
	}
	fmt.Fprintf(w, "%.1f of %d automatic points", r.Earned, r.Possible)
	if r.Penalty > 0 {
		fmt.Fprintf(w, ", less %.0f for red flags", r.Penalty)
	}
	if r.HumanPoints > 0 {
		fmt.Fprintf(w, "; %d more points are for reviewers", r.HumanPoints)
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintln(w, rubric.GradeMeaning(r.Grade))
	if b := r.BandsLine(); b != "" {
		fmt.Fprintln(w, b)
	}
	fmt.Fprintln(w)
	for _, dim := range rubric.Dimensions {
		if s, ok := r.Dimensions[dim]; ok {
			fmt.Fprintf(w, "  %-14s %5.1f\n", dim, s)
		}
	}
	for _, it := range r.RaisedFlags() {
		fmt.Fprintf(w, "\nRED FLAG %s (%s): -%.0f points\n    %s\n", it.Title, it.ID, it.Penalty, it.Reason)
		for _, c := range it.Checks {
			if c.Met && len(c.Evidence) > 0 {
				ev := c.Evidence[0]
				fmt.Fprintf(w, "    raised by %s.%s: %q\n", ev.Section, ev.Field, firstOf(ev.Excerpt, ev.Words))
			}
		}
	}
	for _, n := range r.Notices {
		fmt.Fprintf(w, "\nnote: %s\n", n.Message)
	}
	for _, it := range r.Items {
		if it.RedFlag {
			continue
		}
		fmt.Fprintln(w)
		if !it.Automatic {
			fmt.Fprintf(w, "[ ] %s (%s, %d points): needs a reviewer\n", it.Title, it.ID, it.Points)
			continue
		}
		fmt.Fprintf(w, "[%d] %s (%s): %.1f of %d points\n", *it.Level, it.Title, it.ID, it.Earned, it.Points)
		for _, c := range it.Checks {
			switch {
			case c.Met:
				fmt.Fprintf(w, "    met     %s\n", c.Label)
			case c.Credit > 0:
				fmt.Fprintf(w, "    part    %s (%.0f%%)\n", c.Label, 100*c.Credit)
			default:
				fmt.Fprintf(w, "    missed  %s\n", c.Label)
			}
			for _, ev := range c.Evidence {
				switch {
				case len(ev.Nodes) > 0:
					fmt.Fprintf(w, "            nodes %s\n", strings.Join(ev.Nodes, " -> "))
				case ev.Words != "":
					fmt.Fprintf(w, "            %s.%s: %q\n", ev.Section, ev.Field, ev.Words)
				}
			}
			for _, n := range c.Notes {
				fmt.Fprintf(w, "            why: %s", n.Message)
				if n.Excerpt != "" {
					fmt.Fprintf(w, " (%q)", n.Excerpt)
				}
				fmt.Fprintln(w)
			}
			if !c.Met && c.Hint != "" {
				fmt.Fprintf(w, "            hint: %s\n", c.Hint)
			}
		}
	}
	for _, f := range r.Flags {
		if f.Kind != "red_flag" {
			fmt.Fprintf(w, "\nflag (%s): %s\n", f.Item, f.Message)
		}
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// runRescore re-scores submitted designs whose stored report is from
// another rubric version, keeping the old report beside the new one.
func runRescore(ctx context.Context, args []string, e env) error {
	var slug string
	var all bool
	cfg, _, err := parseCmd(cmdRescore, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "case", "", "only designs of this case `SLUG`")
		fs.BoolVar(&all, "all", false, "re-score even designs already scored with the current rubric")
	})
	if err != nil {
		return err
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	if slug != "" {
		if _, ok := cat.Case(slug); !ok {
			return fmt.Errorf("unknown case %q", slug)
		}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	designs, err := st.SubmittedDesigns(ctx, slug)
	if err != nil {
		return err
	}
	changed, same := 0, 0
	for _, d := range designs {
		k, ok := cat.Case(d.Case)
		if !ok {
			fmt.Fprintf(e.stderr, "design %d: case %q is not in the catalog; skipped\n", d.ID, d.Case)
			continue
		}
		reports, err := st.Reports(ctx, d.ID)
		if err != nil {
			return err
		}
		var last *rubric.Report
		if len(reports) > 0 {
			last = reports[len(reports)-1].Report
		}
		if last != nil && last.RubricVersion == k.Rubric.Version && !all {
			same++
			continue
		}
		rep := k.Engine.Check(k.Slug, d)
		if err := st.AddReport(ctx, d.ID, "rescore", rep); err != nil {
			return err
		}
		changed++
		if last != nil {
			fmt.Fprintf(e.stdout, "design %d (%s): v%d %.1f -> v%d %.1f\n", d.ID, d.Case, last.RubricVersion, last.Score, rep.RubricVersion, rep.Score)
		} else {
			fmt.Fprintf(e.stdout, "design %d (%s): v%d %.1f\n", d.ID, d.Case, rep.RubricVersion, rep.Score)
		}
	}
	fmt.Fprintf(e.stdout, "re-scored %d design(s); %d already on the current rubric\n", changed, same)
	return nil
}
