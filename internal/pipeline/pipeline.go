// Package pipeline models the ML pipeline graph of a design: nodes with a
// kind and a stage, directed edges between them, validation against limits,
// and the graph queries the rubric needs.
package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kind says what a node does in an ML system.
type Kind string

// The node kinds, in the order the editor offers them.
const (
	KindSource       Kind = "source"
	KindLog          Kind = "log"
	KindStorage      Kind = "storage"
	KindETL          Kind = "etl"
	KindFeatureStore Kind = "feature_store"
	KindLabel        Kind = "label"
	KindTraining     Kind = "training"
	KindRegistry     Kind = "registry"
	KindCandidateGen Kind = "candidate_gen"
	KindRanker       Kind = "ranker"
	KindPolicy       Kind = "policy"
	KindServing      Kind = "serving"
	KindCache        Kind = "cache"
	KindExperiment   Kind = "experiment"
	KindMetrics      Kind = "metrics"
	KindMonitor      Kind = "monitor"
	KindClient       Kind = "client"
	KindOther        Kind = "other"
)

// Kinds lists every node kind in display order.
var Kinds = []Kind{
	KindSource, KindLog, KindStorage, KindETL, KindFeatureStore, KindLabel,
	KindTraining, KindRegistry, KindCandidateGen, KindRanker, KindPolicy,
	KindServing, KindCache, KindExperiment, KindMetrics, KindMonitor,
	KindClient, KindOther,
}

// Stage says when a node computes: offline in batch, nearline on events, or
// online within a request.
type Stage string

// The stages, left to right in a diagram.
const (
	StageOffline  Stage = "offline"
	StageNearline Stage = "nearline"
	StageOnline   Stage = "online"
)

// Stages lists the stages in diagram order.
var Stages = []Stage{StageOffline, StageNearline, StageOnline}

// ValidKind reports whether k is a known node kind.
func ValidKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ValidStage reports whether s is a known stage. The empty stage is valid and
// means "not placed in a stage".
func ValidStage(s Stage) bool {
	if s == "" {
		return true
	}
	for _, x := range Stages {
		if x == s {
			return true
		}
	}
	return false
}

// Node is one step of the pipeline.
type Node struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"` // the DOT id as written, when it is not ID
	Label string `json:"label,omitempty"`
	Kind  Kind   `json:"kind"`
	Stage Stage  `json:"stage,omitempty"`
	// Attrs are presentational attributes from DOT (shape, colours, style),
	// written as a DOT attribute list: shape=box, color=red.
	Attrs string `json:"attrs,omitempty"`
}

// Title returns the label, or the DOT name, or the id.
func (n Node) Title() string {
	switch {
	case n.Label != "":
		return n.Label
	case n.Name != "":
		return n.Name
	}
	return n.ID
}

// Edge is a directed flow of data or control from one node to another.
type Edge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
	Attrs string `json:"attrs,omitempty"` // presentational attributes, as on a node
}

// Graph is a whole pipeline.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
	// Attrs are the graph's kept attributes: label and rankdir.
	Attrs string `json:"attrs,omitempty"`
	// DOT is the user's DOT text as written, when the pipeline was written
	// as DOT; the nodes and edges are what it reads as.
	DOT string `json:"dot,omitempty"`
}

// Limits bound the size of a graph before anything is laid out.
type Limits struct {
	MaxNodes    int
	MaxEdges    int
	MaxLabel    int // characters in a label
	MaxIDLength int
}

// DefaultLimits are the limits used by the server and the command line.
var DefaultLimits = Limits{MaxNodes: 300, MaxEdges: 1000, MaxLabel: 200, MaxIDLength: 64}

// Problem is one thing wrong with a graph, with where it is.
type Problem struct {
	Where   string `json:"where"`            // "node 3", "edge 2", "graph"
	Line    int    `json:"line,omitempty"`   // line in DOT text, when known
	Column  int    `json:"column,omitempty"` // column in that line, in characters
	Message string `json:"message"`
	// Fix is DOT that would mend the problem, when there is one.
	Fix string `json:"fix,omitempty"`
}

func (p Problem) Error() string {
	msg := p.Message
	if p.Fix != "" {
		msg += "; for example: " + p.Fix
	}
	if p.Line > 0 {
		return fmt.Sprintf("line %d:%d: %s", p.Line, max(p.Column, 1), msg)
	}
	return fmt.Sprintf("%s: %s", p.Where, msg)
}

// Problems is a list of problems; it is an error when not empty.
type Problems []Problem

func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "no problems"
	}
	if len(ps) == 1 {
		return ps[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", ps[0].Error(), len(ps)-1)
}

// LimitError says that a graph is over one of the limits.
type LimitError struct {
	What    string // "nodes", "edges", "label", "bytes"
	Got     int
	Limit   int
	Pos     Pos  // where in DOT text the limit is passed, when known
	AtLeast bool // Got is a lower bound: counting stopped there
}

func (e *LimitError) Error() string {
	var msg string
	switch e.What {
	case "label":
		msg = fmt.Sprintf("a label has %d characters; the limit is %d", e.Got, e.Limit)
	case "bytes":
		msg = fmt.Sprintf("the DOT text has %d bytes; the limit is %d", e.Got, e.Limit)
	default:
		more := ""
		if e.AtLeast {
			more = "more than "
		}
		msg = fmt.Sprintf("the graph has %s%d %s; the limit is %d", more, e.Got, e.What, e.Limit)
	}
	if e.Pos.Line > 0 {
		return fmt.Sprintf("line %d:%d: %s", e.Pos.Line, e.Pos.Column, msg)
	}
	return msg
}

var idPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidID reports whether id can name a node. Ids starting with "__" are
// kept for the diagram's own layout nodes.
func ValidID(id string) bool { return idPattern.MatchString(id) && !strings.HasPrefix(id, "__") }

// CheckLimits returns a *LimitError when g is over lim, nil otherwise.
func (g *Graph) CheckLimits(lim Limits) error {
	if len(g.Nodes) > lim.MaxNodes {
		return &LimitError{What: "nodes", Got: len(g.Nodes), Limit: lim.MaxNodes}
	}
	if len(g.Edges) > lim.MaxEdges {
		return &LimitError{What: "edges", Got: len(g.Edges), Limit: lim.MaxEdges}
	}
	for _, n := range g.Nodes {
		if c := utf8.RuneCountInString(n.Label); c > lim.MaxLabel {
			return &LimitError{What: "label", Got: c, Limit: lim.MaxLabel}
		}
	}
	for _, e := range g.Edges {
		if c := utf8.RuneCountInString(e.Label); c > lim.MaxLabel {
			return &LimitError{What: "label", Got: c, Limit: lim.MaxLabel}
		}
	}
	return nil
}

// Validate checks g against lim and returns a *LimitError when it is too big,
// or Problems listing every node and edge that is wrong, or nil. A graph
// that keeps its DOT text must read as that text reads.
func (g *Graph) Validate(lim Limits) error {
	if g.DOT == "" {
		return g.validate(lim)
	}
	if len(g.DOT) > MaxDOTBytes {
		return &LimitError{What: "bytes", Got: len(g.DOT), Limit: MaxDOTBytes}
	}
	if err := g.validate(lim); err != nil {
		return err
	}
	back, err := ParseDOT([]byte(g.DOT), lim)
	if err != nil {
		return err
	}
	if !bytes.Equal(back.CanonicalDOT(), g.CanonicalDOT()) {
		return Problems{{Where: "graph", Message: "the nodes and edges are not what the DOT text reads as; send the DOT text alone, or the nodes and edges without it"}}
	}
	return nil
}

func (g *Graph) validate(lim Limits) error {
	if err := g.CheckLimits(lim); err != nil {
		return err
	}
	var ps Problems
	seen := make(map[string]bool, len(g.Nodes))
	for i, n := range g.Nodes {
		where := fmt.Sprintf("node %d", i+1)
		switch {
		case n.ID == "":
			ps = append(ps, Problem{Where: where, Message: "a node needs an id"})
		case len(n.ID) > lim.MaxIDLength:
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("id %.20q… is longer than %d characters", n.ID, lim.MaxIDLength)})
		case !ValidID(n.ID):
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("id %q must start with a letter or _ and hold only letters, digits and _", n.ID)})
		case seen[n.ID]:
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("id %q is used twice", n.ID)})
		}
		seen[n.ID] = true
		if !ValidKind(n.Kind) {
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("unknown kind %q", n.Kind)})
		}
		if !ValidStage(n.Stage) {
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("unknown stage %q (offline, nearline or online)", n.Stage)})
		}
		if !utf8.ValidString(n.Label) || n.Label != cleanLabel(n.Label) {
			ps = append(ps, Problem{Where: where, Message: "label has characters that are not text (control characters)"})
		}
		if !utf8.ValidString(n.Name) || n.Name != cleanLabel(n.Name) {
			ps = append(ps, Problem{Where: where, Message: "name has characters that are not text (control characters)"})
		}
		if _, err := ParseAttrs(n.Attrs, "node"); err != nil {
			ps = append(ps, Problem{Where: where, Message: "attrs: " + err.Error()})
		}
	}
	type pair struct{ from, to string }
	edges := make(map[pair]bool, len(g.Edges))
	for i, e := range g.Edges {
		where := fmt.Sprintf("edge %d", i+1)
		if !seen[e.From] {
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("edge from unknown node %q", e.From)})
		}
		if !seen[e.To] {
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("edge to unknown node %q", e.To)})
		}
		if edges[pair{e.From, e.To}] {
			ps = append(ps, Problem{Where: where, Message: fmt.Sprintf("edge %s -> %s is given twice", e.From, e.To)})
		}
		edges[pair{e.From, e.To}] = true
		if !utf8.ValidString(e.Label) || e.Label != cleanLabel(e.Label) {
			ps = append(ps, Problem{Where: where, Message: "label has characters that are not text (control characters)"})
		}
		if _, err := ParseAttrs(e.Attrs, "edge"); err != nil {
			ps = append(ps, Problem{Where: where, Message: "attrs: " + err.Error()})
		}
	}
	if _, err := ParseAttrs(g.Attrs, "graph"); err != nil {
		ps = append(ps, Problem{Where: "graph", Message: "attrs: " + err.Error()})
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// Node returns the node with the given id and whether it exists.
func (g *Graph) Node(id string) (Node, bool) {
	for _, n := range g.Nodes {
		if n.ID == id {
			return n, true
		}
	}
	return Node{}, false
}

// Empty reports whether g has no nodes.
func (g *Graph) Empty() bool { return g == nil || len(g.Nodes) == 0 }
