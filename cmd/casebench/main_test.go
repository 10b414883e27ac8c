package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/store"
)

// testEnvironment is the environment commands see in tests: only a render
// deadline far above what a render needs under the race detector on a busy
// 2-core machine, so that no test depends on speed (the production default
// is 5s).
var testEnvironment = map[string]string{"CASEBENCH_RENDER_TIMEOUT": "3m"}

func testEnv(stdin string) (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	getenv := func(k string) string { return testEnvironment[k] }
	return env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: getenv}, &out, &errb
}

// copyDir copies the folder src into dst, recursively.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCasesLintBundled(t *testing.T) {
	e, out, errb := testEnv("")
	if err := run(context.Background(), []string{"cases", "lint", "../../cases"}, e); err != nil {
		t.Fatalf("lint of the bundled cases failed: %v\n%s", err, errb)
	}
	if !strings.Contains(out.String(), "no errors") {
		t.Fatalf("output %q", out)
	}
}

func TestCasesLintNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "../../cases", dir)
	file := filepath.Join(dir, "homepage-recommendations", "case.yaml")
	b, _ := os.ReadFile(file)
	lines := strings.Split(string(b), "\n")
	line := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "difficulty:") {
			lines[i] = strings.Replace(l, "difficulty:", "dificulty:", 1)
			line = i + 1
		}
	}
	if line < 0 {
		t.Fatal("no difficulty line in case.yaml")
	}
	os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644)

	e, _, errb := testEnv("")
	err := run(context.Background(), []string{"cases", "lint", dir}, e)
	if err == nil {
		t.Fatal("lint passed a misspelled field")
	}
	want := filepath.Join(dir, "homepage-recommendations", "case.yaml") + ":" + strconv.Itoa(line) + ": dificulty:"
	if !strings.Contains(errb.String(), want) {
		t.Fatalf("lint output %q does not name %q", errb, want)
	}
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cb.db")
	e, out, errb := testEnv("correct horse battery\n")
	if err := run(context.Background(), []string{"user", "add", "--db", db, "ann"}, e); err != nil {
		t.Fatalf("user add: %v %s", err, errb)
	}
	if !strings.Contains(out.String(), "added user ann") {
		t.Fatalf("user add said %q", out)
	}
	e, out, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "token", "--db", db, "ann"}, e); err != nil {
		t.Fatal(err)
	}
	if tok := strings.TrimSpace(out.String()); !strings.HasPrefix(tok, "cb_") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("token output %q; want one line with a token", out)
	}
	e, _, _ = testEnv("short\n")
	if err := run(context.Background(), []string{"user", "add", "--db", db, "bob"}, e); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("a short password: %v", err)
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "token", "--db", db, "nobody"}, e); err == nil {
		t.Fatal("a token for an unknown user")
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"user", "role", "--db", db, "ann", "mentor"}, e); err != nil {
		t.Fatal(err)
	}
}

func TestEnvironmentSetsFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env.db")
	e, out, _ := testEnv("")
	e.getenv = func(k string) string {
		if k == "CASEBENCH_DB" {
			return db
		}
		return testEnvironment[k]
	}
	if err := run(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("CASEBENCH_DB was not used: %v, %q", err, out)
	}
}

func TestCheckCommand(t *testing.T) {
	e, out, _ := testEnv("")
	if err := run(context.Background(), []string{"check", "../../cases/fraud-account-sharing/reference.json", "--min-score", "75"}, e); err != nil {
		t.Fatalf("the reference is below 75: %v", err)
	}
	if !strings.Contains(out.String(), "strong") || !strings.Contains(out.String(), "met ") {
		t.Fatalf("text report:\n%s", out)
	}
	e, out, _ = testEnv("")
	err := run(context.Background(), []string{"check", "../../cases/fraud-account-sharing/reference.json", "--case", "cdn-cache-fill", "--format", "json", "--min-score", "50"}, e)
	if err == nil || !strings.Contains(err.Error(), "below the minimum") {
		t.Fatalf("an off-topic design passed --min-score 50: %v", err)
	}
	var rep struct {
		Score      float64
		Dimensions map[string]float64
		Items      []struct {
			ID     string
			Level  *int
			Checks []any
		}
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Items) == 0 || rep.Items[0].ID == "" {
		t.Fatalf("JSON report: %v\n%.300s", err, out)
	}
	e, _, _ = testEnv("")
	if err := run(context.Background(), []string{"check", "nope.json"}, e); err == nil {
		t.Fatal("a missing file passed")
	}
}

func TestRescoreKeepsTheOldScore(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "cb.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	st.Migrate(ctx)
	u, _ := st.CreateUser(ctx, "ann", "x", auth.RoleMember)
	cat, err := catalog.Load(os.DirFS("../../cases"), "cases")
	if err != nil {
		t.Fatal(err)
	}
	k, _ := cat.Case("search-discovery")
	d := &design.Design{OwnerID: u.ID, Case: k.Slug, Title: "t", Sections: k.Reference.Sections, Pipeline: k.Reference.Pipeline}
	st.CreateDesign(ctx, d)
	if _, err := st.SubmitDesign(ctx, u.ID, d.ID, d.Version, k.Engine.Check(k.Slug, d)); err != nil {
		t.Fatal(err)
	}
	st.Close()

	// Same rubric: nothing to do.
	e, out, _ := testEnv("")
	if err := run(ctx, []string{"rescore", "--db", db}, e); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "re-scored 0 design(s); 1 already") {
		t.Fatalf("output %q", out)
	}
	// A new rubric version: the design is re-scored, the old report kept.
	dir := t.TempDir()
	os.CopyFS(dir, os.DirFS("../../cases"))
	rf := filepath.Join(dir, "search-discovery", "rubric.yaml")
	b, _ := os.ReadFile(rf)
	v := k.Rubric.Version
	os.WriteFile(rf, []byte(strings.Replace(string(b), fmt.Sprintf("version: %d", v), fmt.Sprintf("version: %d", v+1), 1)), 0o644)
	e, out, _ = testEnv("")
	if err := run(ctx, []string{"rescore", "--db", db, "--cases", dir, "--case", "search-discovery"}, e); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("v%d 100.0 -> v%d 100.0", v, v+1); !strings.Contains(out.String(), want) {
		t.Fatalf("output %q, want %q", out, want)
	}
	st, _ = store.Open(ctx, db)
	defer st.Close()
	reps, _ := st.Reports(ctx, d.ID)
	if len(reps) != 2 || reps[0].RubricVersion != v || reps[1].RubricVersion != v+1 || reps[1].Reason != "rescore" {
		t.Fatalf("reports %+v", reps)
	}
}

func TestMain(m *testing.M) {
	diagram.MaybeRunWorker()
	os.Exit(m.Run())
}

func TestRenderCommand(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"svg", "png", "dot"} {
		out := filepath.Join(dir, "p."+ext)
		e, stdout, _ := testEnv("")
		if err := run(context.Background(), []string{"render", "../../internal/diagram/testdata/typical15.dot", "-o", out}, e); err != nil {
			t.Fatalf("render %s: %v", ext, err)
		}
		b, _ := os.ReadFile(out)
		want := map[string]string{"svg": "<svg", "png": "\x89PNG", "dot": "digraph pipeline"}[ext]
		if !strings.Contains(string(b[:min(len(b), 400)]), want) || !strings.Contains(stdout.String(), "15 nodes") {
			t.Errorf("%s: %q / %q", ext, b[:min(len(b), 40)], stdout)
		}
	}
	e, _, _ := testEnv("")
	bad := filepath.Join(dir, "bad.dot")
	os.WriteFile(bad, []byte("digraph {\n a -> \n}"), 0o644)
	if err := run(context.Background(), []string{"render", bad, "-o", filepath.Join(dir, "x.svg")}, e); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad DOT: %v", err)
	}
	if err := run(context.Background(), []string{"render", bad, "-o", filepath.Join(dir, "x.gif")}, e); err == nil {
		t.Fatal("a .gif output was accepted")
	}
}

func TestImportExportCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "cb.db")
	e, _, _ := testEnv("correct horse battery\n")
	if err := run(ctx, []string{"user", "add", "--db", db, "ann"}, e); err != nil {
		t.Fatal(err)
	}
	e, out, errb := testEnv("")
	if err := run(ctx, []string{"import", "../../cases/cdn-cache-fill/reference.json", "--db", db, "--user", "ann"}, e); err != nil {
		t.Fatalf("import: %v %s", err, errb)
	}
	id := strings.TrimSpace(out.String())
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("import printed %q, not an id", out)
	}
	dir := t.TempDir()
	js1 := filepath.Join(dir, "1.json")
	e, _, _ = testEnv("")
	if err := run(ctx, []string{"export", id, "--db", db, "--format", "json", "-o", js1}, e); err != nil {
		t.Fatal(err)
	}
	e, out, _ = testEnv("")
	run(ctx, []string{"import", js1, "--db", db, "--user", "ann"}, e)
	id2 := strings.TrimSpace(out.String())
	e, out, _ = testEnv("")
	if err := run(ctx, []string{"export", id2, "--db", db}, e); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(js1)
	if !bytes.Equal(b1, out.Bytes()) {
		t.Fatal("export, import, export through the command line is not byte-identical")
	}
	zf := filepath.Join(dir, "d.zip")
	e, _, _ = testEnv("")
	if err := run(ctx, []string{"export", id, "--db", db, "--format", "zip", "-o", zf}, e); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(zf); err != nil || st.Size() < 1000 {
		t.Fatalf("zip: %v", err)
	}
	// An empty pipeline exports too: the zip holds a valid empty diagram.
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"format": "casebench.design/v1", "case": "cdn-cache-fill", "title": "Empty", "status": "draft", "mode": "practice",
  "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "sections": {}, "pipeline": {"nodes": [], "edges": []}}`), 0o644)
	e, out, errb = testEnv("")
	if err := run(ctx, []string{"import", empty, "--db", db, "--user", "ann"}, e); err != nil {
		t.Fatalf("import the empty design: %v %s", err, errb)
	}
	ez := filepath.Join(dir, "empty.zip")
	e, _, _ = testEnv("")
	if err := run(ctx, []string{"export", strings.TrimSpace(out.String()), "--db", db, "--format", "zip", "-o", ez}, e); err != nil {
		t.Fatalf("zip of an empty pipeline: %v", err)
	}
	zr, err := zip.OpenReader(ez)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch f.Name {
		case "pipeline.png":
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("the empty pipeline's PNG: %v", err)
			}
		case "pipeline.svg":
			if !bytes.Contains(b, []byte("<svg")) {
				t.Errorf("the empty pipeline's SVG: %.100s", b)
			}
		}
	}
	e, out, _ = testEnv("")
	if err := run(ctx, []string{"export", id, "--db", db, "--format", "md"}, e); err != nil || !strings.Contains(out.String(), "## Rubric report") {
		t.Fatalf("md export: %v", err)
	}
	e, _, _ = testEnv("")
	if err := run(ctx, []string{"export", "999", "--db", db}, e); err == nil {
		t.Fatal("exporting a missing design worked")
	}
	if err := run(ctx, []string{"import", js1, "--db", db, "--user", "nobody"}, e); err == nil {
		t.Fatal("import for an unknown user worked")
	}
}
