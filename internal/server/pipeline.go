package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/diagram"
	"github.com/casebench/casebench/internal/input"
	"github.com/casebench/casebench/internal/pipeline"
)

// Renderer draws canonical DOT as an image, fairly between clients.
type Renderer interface {
	Draw(ctx context.Context, req diagram.Request) (diagram.Result, error)
}

// clientOf names who asks for a render: the user, or the address when
// anonymous.
func clientOf(c echo.Context) string {
	if u := currentUser(c); u != nil {
		return "user:" + itoa(u.ID)
	}
	return "addr:" + c.RealIP()
}

// svgCSP is the policy of every user-derived SVG served as a file: no
// script, no external loads, sandboxed.
const svgCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// writeImage sends a rendered pipeline in the format named by ext: svg,
// png, dot (the user's DOT, as written) or canonical.dot (the DOT Graphviz
// is fed).
func (s *Server) writeImage(c echo.Context, g *pipeline.Graph, ext, filename string) error {
	dot := g.CanonicalDOT()
	h := c.Response().Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=60")
	if c.QueryParam("download") != "" && filename != "" {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, filename, ext))
	}
	switch ext {
	case "dot":
		return c.Blob(http.StatusOK, "text/vnd.graphviz; charset=utf-8", []byte(g.SourceDOT()))
	case "canonical.dot":
		return c.Blob(http.StatusOK, "text/vnd.graphviz; charset=utf-8", dot)
	}
	f, ok := diagram.ParseFormat(ext)
	if !ok {
		return &appError{Status: http.StatusBadRequest, Message: "The format must be svg, png or dot."}
	}
	if s.diagrams == nil {
		return &appError{Status: http.StatusServiceUnavailable, Message: "Diagram rendering is not available on this server."}
	}
	res, err := s.diagrams.Draw(c.Request().Context(), diagram.Request{Client: clientOf(c), Format: f, DOT: dot})
	if err != nil {
		return renderError(err)
	}
	img := res.Image
	if res.Fallback {
		h.Set("X-Diagram-Layout", "fallback")
	} else {
		h.Set("X-Diagram-Layout", "full")
	}
	if f == diagram.SVG {
		h.Set("Content-Security-Policy", svgCSP)
		return c.Blob(http.StatusOK, "image/svg+xml", img)
	}
	return c.Blob(http.StatusOK, "image/png", img)
}

// renderError turns a render failure into what the user is told.
func renderError(err error) error {
	var re *diagram.RenderError
	switch {
	case errors.As(err, &re):
		return &appError{Status: http.StatusUnprocessableEntity, Message: "Graphviz could not draw this graph: " + re.Msg}
	case errors.Is(err, diagram.ErrTimeout):
		return &appError{Status: http.StatusUnprocessableEntity, Message: "This graph took too long to lay out, even with straight edges, and was stopped. Make it smaller or simpler: fewer edges, or split it in parts."}
	case errors.Is(err, diagram.ErrNoWorker):
		return &appError{Status: http.StatusServiceUnavailable, Message: "Diagrams cannot be drawn on this server: " + err.Error() + "."}
	case errors.Is(err, diagram.ErrBusy):
		return &appError{Status: http.StatusServiceUnavailable, Message: "Too many diagrams are waiting to be drawn. Try again in a moment."}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &appError{Status: http.StatusServiceUnavailable, Message: "The diagram could not be drawn in time. Try again in a moment."}
	}
	return err
}

// handleRender draws posted DOT text, for anyone, rate-limited per address.
func (s *Server) handleRender(c echo.Context) error {
	if !s.renderLimit.allow(clientOf(c)) {
		return &appError{Status: http.StatusTooManyRequests, Message: "Too many renders from you. Wait a minute and try again."}
	}
	ext := c.QueryParam("format")
	if ext == "" {
		ext = "svg"
	}
	if ext != "svg" && ext != "png" && ext != "dot" {
		return badRequest("The format must be svg, png or dot.")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, pipeline.MaxDOTBytes+1))
	if err != nil {
		return err
	}
	if err := input.DOT(body); err != nil {
		return err
	}
	g, err := pipeline.ParseDOT(body, pipeline.DefaultLimits)
	if err != nil {
		return pipelineError(err)
	}
	if ext == "dot" {
		ext = "canonical.dot"
	}
	return s.writeImage(c, g, ext, "")
}

// pipelineError describes a DOT or graph problem as a 4xx with its line.
func pipelineError(err error) error {
	var le *pipeline.LimitError
	var ps pipeline.Problems
	switch {
	case errors.As(err, &le):
		status := http.StatusUnprocessableEntity
		if le.What == "bytes" {
			status = http.StatusRequestEntityTooLarge
		}
		return &appError{Status: status, Message: "Too large: " + le.Error() + "."}
	case errors.As(err, &ps):
		msgs := make([]string, 0, len(ps))
		for _, p := range ps {
			msgs = append(msgs, p.Error())
		}
		return &appError{Status: http.StatusUnprocessableEntity, Message: "The pipeline has problems: " + strings.Join(msgs, "; "), Fields: map[string]string{"pipeline": strings.Join(msgs, "\n")}}
	}
	return err
}

// checkRequest is the body of POST /api/v1/pipeline/check: DOT text or a graph.
type checkRequest struct {
	DOT   *string         `json:"dot"`
	Graph *pipeline.Graph `json:"graph"`
}

// checkResponse is the graph in both forms, or the problems found, and
// what the DOT import left out or changed.
type checkResponse struct {
	Graph     *pipeline.Graph    `json:"graph,omitempty"`
	DOT       string             `json:"dot,omitempty"`       // the DOT shown to the user: their text, or written from the graph
	Canonical string             `json:"canonical,omitempty"` // the DOT Graphviz is fed
	Problems  []pipeline.Problem `json:"problems"`
	Notes     []pipeline.Note    `json:"notes"`
}

// handlePipelineCheck converts between the table and DOT, reporting every
// problem with its line and column, for the editor's live preview and its
// switch.
func (s *Server) handlePipelineCheck(c echo.Context) error {
	var req checkRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var g *pipeline.Graph
	var notes []pipeline.Note
	var err error
	switch {
	case req.DOT != nil:
		g, notes, err = pipeline.ImportDOT([]byte(*req.DOT), pipeline.DefaultLimits)
	case req.Graph != nil:
		req.Graph.DOT = ""
		g, err = req.Graph, req.Graph.Validate(pipeline.DefaultLimits)
	default:
		return badRequest("Send {\"dot\": TEXT} or {\"graph\": GRAPH}.")
	}
	resp := checkResponse{Problems: []pipeline.Problem{}, Notes: notes}
	if resp.Notes == nil {
		resp.Notes = []pipeline.Note{}
	}
	var ps pipeline.Problems
	var le *pipeline.LimitError
	switch {
	case errors.As(err, &ps):
		resp.Problems = ps
	case errors.As(err, &le):
		resp.Problems = []pipeline.Problem{{Where: "graph", Line: le.Pos.Line, Column: le.Pos.Column, Message: limitMessage(le)}}
	case err != nil:
		return err
	default:
		resp.Graph, resp.DOT, resp.Canonical = g, g.SourceDOT(), string(g.CanonicalDOT())
	}
	return c.JSON(http.StatusOK, resp)
}

// limitMessage is a limit error without its place, which goes beside it.
func limitMessage(le *pipeline.LimitError) string {
	c := *le
	c.Pos = pipeline.Pos{}
	return c.Error()
}

// handleDesignPipeline serves the design's pipeline as svg, png or dot, to
// whoever may read the design.
func (s *Server) handleDesignPipeline(ext string) echo.HandlerFunc {
	return func(c echo.Context) error {
		d, _, err := s.readDesign(c)
		if err != nil {
			return err
		}
		return s.writeImage(c, &d.Pipeline, ext, "design-"+itoa(d.ID)+"-pipeline")
	}
}

// The editor names pipeline inputs "p.nodes.N.id", "p.edges.N.from", and
// "p.dot" with "p.mode" = "dot" when the DOT text is the one to save.
const (
	nodePrefix = "p.nodes."
	edgePrefix = "p.edges."
)

// pipelineForm is the pipeline part of the editor form, as posted.
type pipelineForm struct {
	Present bool // the form has a pipeline editor at all
	Mode    string
	DOT     string
	Graph   pipeline.Graph
	Notes   []pipeline.Note // what the DOT import left out or changed
	Err     error           // what is wrong with Graph, shown beside its rows
}

// parsePipelineForm reads the pipeline from the editor form: the DOT text
// when the editor was in DOT mode, the table otherwise. The error is about
// the pipeline the user gave; the form is returned either way, to show again.
func parsePipelineForm(form url.Values) (pipelineForm, error) {
	pf := pipelineForm{Present: form.Has("p.mode"), Mode: form.Get("p.mode"), DOT: strings.ReplaceAll(form.Get("p.dot"), "\r\n", "\n")}
	if pf.Mode == "dot" {
		g, notes, err := pipeline.ImportDOT([]byte(pf.DOT), pipeline.DefaultLimits)
		if err != nil {
			return pf, err
		}
		pf.Graph, pf.Notes = *g, notes
		return pf, nil
	}
	pf.Mode = "table"
	for _, r := range formRows(form, nodePrefix, []string{"id", "label", "kind", "stage", "attrs"}) {
		if r["id"] == "" && r["label"] == "" {
			continue
		}
		kind := r["kind"]
		if kind == "" {
			kind = string(pipeline.KindOther)
		}
		pf.Graph.Nodes = append(pf.Graph.Nodes, pipeline.Node{ID: r["id"], Label: formLabel(r["label"]), Kind: pipeline.Kind(kind), Stage: pipeline.Stage(r["stage"]), Attrs: r["attrs"]})
	}
	for _, r := range formRows(form, edgePrefix, []string{"from", "to", "label", "attrs"}) {
		if r["from"] == "" && r["to"] == "" {
			continue
		}
		pf.Graph.Edges = append(pf.Graph.Edges, pipeline.Edge{From: r["from"], To: r["to"], Label: formLabel(r["label"]), Attrs: r["attrs"]})
	}
	return pf, pf.Graph.Validate(pipeline.DefaultLimits)
}

// problemText lists pipeline problems one per line, for the editor.
func problemText(err error) string {
	var le *pipeline.LimitError
	var ps pipeline.Problems
	switch {
	case errors.As(err, &le):
		return le.Error()
	case errors.As(err, &ps):
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = p.Error()
		}
		return strings.Join(msgs, "\n")
	}
	return err.Error()
}

// pipelineView is the pipeline editor: the table with blank rows to add
// to, the DOT text, and the preview.
type pipelineView struct {
	Mode   string
	Nodes  []pipeline.Node
	Edges  []pipeline.Edge
	DOT    string
	Error  string
	Notes  []pipeline.Note
	Empty  bool // the diagram shown has no nodes
	Legend []legendItem
	// LastGood says that the diagram shown is the last saved pipeline,
	// because the one in the form has problems.
	LastGood bool
	// NodeErrors and EdgeErrors are the problems of the table's rows, by
	// row index, shown beside them.
	NodeErrors map[int]string
	EdgeErrors map[int]string
	// KindNames and StageNames are the options of the table's selects.
	KindNames  []string
	StageNames []string
}

var kindNames, stageNames = func() ([]string, []string) {
	var ks, ss []string
	for _, k := range pipeline.Kinds {
		ks = append(ks, string(k))
	}
	for _, s := range pipeline.Stages {
		ss = append(ss, string(s))
	}
	return ks, ss
}()

type legendItem struct {
	Kind pipeline.Kind
	Used bool
}

// blankNodes and blankEdges are the empty rows the table offers.
const (
	blankNodes = 3
	blankEdges = 3
)

// newPipelineView lays out the pipeline of the form. When the form's
// pipeline has problems (errText), the diagram and its legend are those of
// last, the pipeline last saved, and each problem of a table row goes
// beside the row.
func newPipelineView(pf pipelineForm, errText string, last *pipeline.Graph) pipelineView {
	g := pf.Graph
	v := pipelineView{Mode: pf.Mode, DOT: pf.DOT, Error: errText, Empty: len(g.Nodes) == 0, KindNames: kindNames, StageNames: stageNames}
	drawn := &g
	if errText != "" && last != nil {
		drawn, v.LastGood, v.Empty = last, true, len(last.Nodes) == 0
	}
	var ps pipeline.Problems
	if errors.As(pf.Err, &ps) {
		v.NodeErrors, v.EdgeErrors = map[int]string{}, map[int]string{}
		for _, p := range ps {
			var n int
			var into map[int]string
			if _, err := fmt.Sscanf(p.Where, "node %d", &n); err == nil {
				into = v.NodeErrors
			} else if _, err := fmt.Sscanf(p.Where, "edge %d", &n); err == nil {
				into = v.EdgeErrors
			}
			if into == nil || n < 1 || n > len(g.Nodes)+len(g.Edges) || p.Line > 0 {
				continue
			}
			msg := p.Message
			if p.Fix != "" {
				msg += "; for example: " + p.Fix
			}
			if into[n-1] != "" {
				msg = into[n-1] + "; " + msg
			}
			into[n-1] = msg
		}
	}
	if v.Mode == "" {
		v.Mode = "table"
	}
	if errText == "" || v.Mode == "table" {
		v.DOT = g.SourceDOT()
	}
	v.Notes = pf.Notes
	if v.Notes == nil && errText == "" && g.DOT != "" {
		// A saved DOT pipeline: list again what its text left out.
		_, v.Notes, _ = pipeline.ImportDOT([]byte(g.DOT), pipeline.DefaultLimits)
	}
	if g.DOT != "" && pf.Mode == "" {
		v.Mode = "dot"
	}
	v.Nodes = append(slices.Clone(g.Nodes), make([]pipeline.Node, blankNodes)...)
	v.Edges = append(slices.Clone(g.Edges), make([]pipeline.Edge, blankEdges)...)
	used := map[pipeline.Kind]bool{}
	for _, n := range drawn.Nodes {
		used[n.Kind] = true
	}
	for _, k := range pipeline.Kinds {
		v.Legend = append(v.Legend, legendItem{Kind: k, Used: used[k]})
	}
	return v
}

// formRows collects inputs named prefix+"N.column", trimmed, in row order.
func formRows(form url.Values, prefix string, cols []string) []map[string]string {
	rows := map[int]map[string]string{}
	for k, vs := range form {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || len(vs) == 0 {
			continue
		}
		idx, col, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || i < 0 || i > 4*pipeline.DefaultLimits.MaxEdges || !slices.Contains(cols, col) {
			continue
		}
		if rows[i] == nil {
			rows[i] = map[string]string{}
		}
		rows[i][col] = strings.TrimSpace(vs[0])
	}
	idxs := make([]int, 0, len(rows))
	for i := range rows {
		idxs = append(idxs, i)
	}
	slices.Sort(idxs)
	out := make([]map[string]string, len(idxs))
	for j, i := range idxs {
		out[j] = rows[i]
	}
	return out
}

// kindsCSS colours the legend's swatches as the diagram colours the nodes.
var kindsCSS = func() []byte {
	var b strings.Builder
	for _, k := range pipeline.Kinds {
		st := pipeline.Styles[k]
		fmt.Fprintf(&b, ".kind-%s { background: %s; border-color: %s; }\n", k, st.Fill, st.Line)
	}
	return []byte(b.String())
}()

// handleKindsCSS serves kinds.css under its old address; pages link it
// as a fingerprinted asset.
func (s *Server) handleKindsCSS(c echo.Context) error {
	return s.sendAsset(c, s.views.assets.byName["kinds.css"], false)
}
