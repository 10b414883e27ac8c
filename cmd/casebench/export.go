package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/config"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/export"
	"github.com/casebench/casebench/internal/pipeline"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// runExport writes design ID as md, json or zip, to -o or stdout.
func runExport(ctx context.Context, args []string, e env) error {
	var format, out string
	cfg, pos, err := parseCmd(cmdExport, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&format, "format", "json", "md, json or zip")
		fs.StringVar(&out, "o", "", "write to `FILE` (default: standard output)")
	})
	if err != nil {
		return err
	}
	idArg := pos[0]
	id, err := strconv.ParseInt(idArg, 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not a design id", idArg)
	}
	if format != "md" && format != "json" && format != "zip" {
		return fmt.Errorf("--format must be md, json or zip")
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	d, err := st.DesignByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no design %d", id)
	}
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch format {
	case "json":
		err = export.JSON(&b, d)
	case "md":
		err = exportMarkdown(ctx, &b, st, cat, d, fmt.Sprintf("design-%d-pipeline.svg", d.ID))
	case "zip":
		err = exportZip(ctx, &b, st, cat, d, cfg)
	}
	if err != nil {
		return err
	}
	if out == "" {
		_, err = e.stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// latest returns the report a design's export shows.
func latest(ctx context.Context, st *store.Store, cat *catalog.Catalog, d *design.Design) (*rubric.Report, error) {
	if d.Status == design.StatusSubmitted {
		reps, err := st.Reports(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		if len(reps) > 0 {
			return reps[len(reps)-1].Report, nil
		}
	}
	if k, ok := cat.Case(d.Case); ok {
		return k.Engine.Check(k.Slug, d), nil
	}
	return nil, nil
}

func exportMarkdown(ctx context.Context, b *bytes.Buffer, st *store.Store, cat *catalog.Catalog, d *design.Design, image string) error {
	rep, err := latest(ctx, st, cat, d)
	if err != nil {
		return err
	}
	doc := export.Doc{Design: d, Template: cat.Template, CaseTitle: d.Case, Report: rep, Image: image, DOT: []byte(d.Pipeline.SourceDOT())}
	if k, ok := cat.Case(d.Case); ok {
		doc.CaseTitle = k.Title
	}
	return export.Markdown(b, doc)
}

func exportZip(ctx context.Context, b *bytes.Buffer, st *store.Store, cat *catalog.Catalog, d *design.Design, cfg config.Config) error {
	cfg.RenderWorkers = 1
	svc := newDiagrams(cfg, slog.Default())
	defer svc.Close()
	dot := d.Pipeline.CanonicalDOT()
	svg, err := svc.Render(ctx, diagram.SVG, dot)
	if err != nil {
		return err
	}
	pngb, err := svc.Render(ctx, diagram.PNG, dot)
	if err != nil {
		return err
	}
	var md, js, rep bytes.Buffer
	if err := exportMarkdown(ctx, &md, st, cat, d, "pipeline.svg"); err != nil {
		return err
	}
	if err := export.JSON(&js, d); err != nil {
		return err
	}
	r, err := latest(ctx, st, cat, d)
	if err != nil {
		return err
	}
	if err := export.ReportJSON(&rep, r); err != nil {
		return err
	}
	return export.Zip(b, d.UpdatedAt, []export.File{
		{Name: "design.md", Data: md.Bytes()}, {Name: "pipeline.svg", Data: svg}, {Name: "pipeline.png", Data: pngb},
		{Name: "pipeline.dot", Data: []byte(d.Pipeline.SourceDOT())}, {Name: "pipeline.canonical.dot", Data: dot}, {Name: "design.json", Data: js.Bytes()}, {Name: "report.json", Data: rep.Bytes()},
	})
}

// runImport stores a design JSON file for a user and prints its new id.
func runImport(ctx context.Context, args []string, e env) error {
	var user string
	cfg, pos, err := parseCmd(cmdImport, args, e, func(fs *flag.FlagSet) {
		fs.StringVar(&user, "user", "", "the `NAME` of the user who will own the design (required)")
	})
	if err != nil {
		return err
	}
	in := pos[0]
	if user == "" {
		return errUsage{"give the owner with --user NAME; run 'casebench import --help' for its arguments and flags"}
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		return err
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := export.Import(f, cat.Template, func(d *design.Design) error {
		if _, ok := cat.Case(d.Case); !ok {
			return fmt.Errorf("unknown case %q", d.Case)
		}
		return d.Validate(cat.Template, pipeline.DefaultLimits)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByName(ctx, user)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no user named %q", user)
	}
	if err != nil {
		return err
	}
	d.OwnerID = u.ID
	var rep *rubric.Report
	if d.Status == design.StatusSubmitted {
		k, _ := cat.Case(d.Case)
		rep = k.Engine.Check(k.Slug, d)
	}
	if err := st.ImportDesign(ctx, d, rep); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, d.ID)
	return nil
}
