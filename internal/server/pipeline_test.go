package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const twoNodes = `digraph {
  log [label="Play log", kind=log, stage=online];
  train [label="Nightly training", kind=training, stage=offline];
  log -> train [label="daily"];
}`

// postDOT sends DOT text to the public render endpoint.
func (a *app) postDOT(format, body string) *response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/api/v1/render?format="+format, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/vnd.graphviz")
	return (&client{t: a.t, app: a, http: http.DefaultClient}).do(req)
}

func TestRenderEndpoint(t *testing.T) {
	a := newApp(t)
	r := a.postDOT("svg", twoNodes)
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("Content-Type %q", ct)
	}
	if csp := r.Header.Get("Content-Security-Policy"); csp != "default-src 'none'; style-src 'unsafe-inline'; sandbox" {
		t.Errorf("SVG CSP %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	for _, want := range []string{"Play log", "Nightly training", "daily", ">online<", ">offline<"} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	r = a.postDOT("png", twoNodes)
	wantStatus(t, r, http.StatusOK)
	if !bytes.HasPrefix(r.body, []byte("\x89PNG")) {
		t.Error("not a PNG")
	}
	r = a.postDOT("dot", "digraph { b [kind=log]; a [kind=etl]; b -> a }")
	wantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.body, []byte("digraph pipeline {")) || bytes.Index(r.body, []byte("  a [")) > bytes.Index(r.body, []byte("  b [")) {
		t.Errorf("not canonical DOT:\n%s", r.body)
	}
}

func TestRenderEndpointBadInput(t *testing.T) {
	a := newApp(t)
	for _, tc := range []struct {
		name, format, body string
		status             int
		want               string
	}{
		{"syntax", "svg", "digraph {\n a [kind=log]\n a -> \n}", 422, "line 4"},
		{"undirected edge in a digraph", "svg", "digraph {\n a -- b }", 422, "line 2:4: '--' is an undirected edge"},
		{"directed edge in a graph", "svg", "graph { a -> b }", 422, "line 1:11: '->' is a directed edge"},
		{"too many nodes", "svg", manyNodes(350), 422, "line 302:3: the graph has 350 nodes; the limit is 300"},
		{"too many bytes", "svg", "digraph { " + strings.Repeat(" ", 270000) + "}", 413, "bytes"},
		{"bad format", "gif", twoNodes, 400, "svg, png or dot"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := a.postDOT(tc.format, tc.body)
			wantStatus(t, r, tc.status)
			var e struct{ Error string }
			r.json(t, &e)
			if !strings.Contains(e.Error, tc.want) {
				t.Errorf("error %q does not contain %q", e.Error, tc.want)
			}
		})
	}
}

func manyNodes(n int) string {
	var b strings.Builder
	b.WriteString("digraph {\n")
	for i := range n {
		fmt.Fprintf(&b, "  n%d [kind=etl];\n", i)
	}
	b.WriteString("}\n")
	return b.String()
}

func TestRenderIsRateLimited(t *testing.T) {
	a := newApp(t, func(o *serverOptions) { o.RenderPerMin = 3 })
	var codes []int
	for range 5 {
		codes = append(codes, a.postDOT("dot", twoNodes).StatusCode)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Fatalf("statuses %v", codes)
	}
}

func TestPipelineCheck(t *testing.T) {
	a := newApp(t)
	r := a.api("POST", "/api/v1/pipeline/check", "", map[string]any{"dot": twoNodes})
	wantStatus(t, r, http.StatusOK)
	var res struct {
		Graph struct {
			Nodes []struct{ ID, Label, Kind, Stage string }
			Edges []struct{ From, To, Label string }
		}
		DOT       string
		Canonical string
		Problems  []struct {
			Line, Column int
			Message      string
		}
	}
	r.json(t, &res)
	if len(res.Graph.Nodes) != 2 || res.Graph.Nodes[0].Label != "Play log" || res.Graph.Edges[0].Label != "daily" || !strings.Contains(res.Canonical, "kind=\"training\"") {
		t.Fatalf("DOT to graph: %+v", res)
	}
	if res.DOT != twoNodes {
		t.Errorf("the DOT shown is not the user's text:\n%s", res.DOT)
	}
	r = a.api("POST", "/api/v1/pipeline/check", "", map[string]any{"graph": res.Graph})
	wantStatus(t, r, http.StatusOK)
	var back struct{ DOT, Canonical string }
	r.json(t, &back)
	if back.Canonical != res.Canonical || strings.Contains(back.DOT, "__stage") || strings.Contains(back.DOT, "nslimit") {
		t.Fatalf("graph to DOT differs:\n%s\n%s", back.Canonical, res.Canonical)
	}
	r = a.api("POST", "/api/v1/pipeline/check", "", map[string]any{"dot": "digraph {\n a [kind=log];\n a -- b;\n}"})
	r.json(t, &res)
	if len(res.Problems) != 1 || res.Problems[0].Line != 3 || res.Problems[0].Column != 4 {
		t.Fatalf("problems %+v", res.Problems)
	}
	r = a.api("POST", "/api/v1/pipeline/check", "", map[string]any{"dot": "digraph {\n a [kind=log, fontname=Arial];\n a -> b;\n}"})
	var noted struct {
		Notes []struct {
			Line, Column int
			Message      string
		}
	}
	r.json(t, &noted)
	if len(noted.Notes) != 1 || noted.Notes[0].Line != 2 || !strings.Contains(noted.Notes[0].Message, "fontname is left out") {
		t.Fatalf("notes %+v", noted.Notes)
	}
}

func TestDesignPipelineTableAndExports(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "homepage-recommendations")
	form := editorForm(t, c, path)
	if form.Get("p.mode") == "" {
		t.Fatal("the editor has no pipeline")
	}
	form.Set("p.mode", "table")
	form.Set("p.nodes.0.id", "log")
	form.Set("p.nodes.0.label", "Play log")
	form.Set("p.nodes.0.kind", "log")
	form.Set("p.nodes.0.stage", "online")
	form.Set("p.nodes.1.id", "train")
	form.Set("p.nodes.1.label", "Nightly training")
	form.Set("p.nodes.1.kind", "training")
	form.Set("p.nodes.1.stage", "offline")
	form.Set("p.edges.0.from", "log")
	form.Set("p.edges.0.to", "train")
	form.Set("p.edges.0.label", "daily")
	wantStatus(t, c.post(path, form), http.StatusOK)

	doc := c.get(path).doc(t)
	if v, _ := doc.Find(`input[name="p.nodes.1.label"]`).Attr("value"); v != "Nightly training" {
		t.Errorf("node 2 label after reload = %q", v)
	}
	if src, _ := doc.Find("#pipe-img").Attr("src"); src != path+"/pipeline.svg?v=2" {
		t.Errorf("preview img src = %q", src)
	}
	if !strings.Contains(doc.Find("#p-dot").Text(), `log -> train [label="daily"`) {
		t.Errorf("DOT text: %q", doc.Find("#p-dot").Text())
	}
	if doc.Find(`#pipe-legend li[data-kind="training"]:not([hidden])`).Length() != 1 || doc.Find(`#pipe-legend li[data-kind="ranker"][hidden]`).Length() != 1 {
		t.Error("the legend does not show exactly the kinds used")
	}

	svg := c.get(path + "/pipeline.svg")
	wantStatus(t, svg, http.StatusOK)
	if !bytes.Contains(svg.body, []byte("Nightly training")) || svg.Header.Get("Content-Security-Policy") != "default-src 'none'; style-src 'unsafe-inline'; sandbox" {
		t.Errorf("SVG export: %s %q", svg.Header, svg.body[:min(200, len(svg.body))])
	}
	dl := c.get(path + "/pipeline.png?download=1")
	wantStatus(t, dl, http.StatusOK)
	if !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment; filename=\"design-") || !bytes.HasPrefix(dl.body, []byte("\x89PNG")) {
		t.Errorf("PNG download: %q", dl.Header.Get("Content-Disposition"))
	}
	dot := c.get(path + "/pipeline.dot")
	wantStatus(t, dot, http.StatusOK)
	if !bytes.Contains(dot.body, []byte(`train [label="Nightly training", kind=training]`)) || bytes.Contains(dot.body, []byte("__stage")) {
		t.Errorf("DOT export:\n%s", dot.body)
	}
	canon := c.get(path + "/pipeline.canonical.dot")
	wantStatus(t, canon, http.StatusOK)
	if !bytes.Contains(canon.body, []byte(`train [label="Nightly training", kind="training", stage="offline"`)) {
		t.Errorf("canonical DOT export:\n%s", canon.body)
	}

	tok := a.token("bob")
	wantStatus(t, a.api("GET", "/api/v1/designs/"+fmt.Sprint(idOf(t, path))+"/pipeline.svg", tok, nil), http.StatusNotFound)
	wantStatus(t, a.signup("carol").get(path+"/pipeline.svg"), http.StatusNotFound)
}

func TestDesignPipelineDOTModeAndErrors(t *testing.T) {
	a := newApp(t)
	c := a.signup("ann")
	path := startDesign(t, c, "artwork-personalization")
	form := editorForm(t, c, path)
	form.Set("p.mode", "dot")
	form.Set("p.dot", twoNodes)
	wantStatus(t, c.post(path, form), http.StatusOK)
	d, _ := a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if len(d.Pipeline.Nodes) != 2 || len(d.Pipeline.Edges) != 1 {
		t.Fatalf("DOT mode saved %+v", d.Pipeline)
	}
	// The user's text is kept as written: the editor shows it again, and
	// pipeline.dot exports it.
	if got := editorForm(t, c, path).Get("p.dot"); got != twoNodes {
		t.Errorf("the editor shows\n%s\nnot the text as written", got)
	}
	if got := c.get(path + "/pipeline.dot"); string(got.body) != twoNodes {
		t.Errorf("pipeline.dot exports\n%s", got.body)
	}

	// A pipeline with a mistake does not stop the text from saving, keeps
	// the last good pipeline, and shows the problem with its line.
	form = editorForm(t, c, path)
	form.Set("p.mode", "dot")
	form.Set("p.dot", "digraph {\n  a [kind=log];\n  b [kind=etl];\n  a -- b;\n}")
	form.Set("f.framing.objective", "Text typed while the pipeline is broken.")
	r := c.post(path, form)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	doc := r.doc(t)
	if msg := doc.Find("#pipe-problems").Text(); !strings.Contains(msg, `line 4:5: '--' is an undirected edge`) {
		t.Errorf("problems beside the editor: %q", msg)
	}
	if !strings.Contains(doc.Find("#p-dot").Text(), "a -- b") {
		t.Error("the broken DOT text was not shown back")
	}
	d, _ = a.store.OwnDesign(t.Context(), 1, idOf(t, path))
	if d.Sections.Get("framing", "objective").Text != "Text typed while the pipeline is broken." || len(d.Pipeline.Nodes) != 2 {
		t.Fatalf("stored: objective %q, pipeline %+v", d.Sections.Get("framing", "objective").Text, d.Pipeline)
	}
}
