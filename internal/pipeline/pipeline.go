// Package pipeline models the ML pipeline graph of a design: nodes with a
// kind and a stage, directed edges between them, validation against limits,
// and the graph queries the rubric needs.
package pipeline

import (
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
	Label string `json:"label,omitempty"`
	Kind  Kind   `json:"kind"`
	Stage Stage  `json:"stage,omitempty"`
}

// Title returns the label, or the id when the label is empty.
func (n Node) Title() string {
	if n.Label != "" {
		return n.Label
	}
	return n.ID
}

// Edge is a directed flow of data or control from one node to another.
type Edge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Label string `json:"label,omitempty"`
}

// Graph is a whole pipeline.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Limits bound the size of a graph before anything is laid out.
type Limits struct {
	MaxNodes    int
	MaxEdges    int
	MaxLabel    int // characters in a label
	MaxIDLength int
}

// DefaultLimits are the limits used by the server and the command line.
var DefaultLimits = Limits{MaxNodes: 100, MaxEdges: 300, MaxLabel: 80, MaxIDLength: 64}

// Problem is one thing wrong with a graph, with where it is.
type Problem struct {
	Where   string `json:"where"`          // "node 3", "edge 2", "graph"
	Line    int    `json:"line,omitempty"` // line in DOT text, when known
	Message string `json:"message"`
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.Where, p.Message)
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
	What  string // "nodes", "edges", "label", "bytes"
	Got   int
	Limit int
}

func (e *LimitError) Error() string {
	switch e.What {
	case "label":
		return fmt.Sprintf("a label has %d characters; the limit is %d", e.Got, e.Limit)
	case "bytes":
		return fmt.Sprintf("the DOT text has %d bytes; the limit is %d", e.Got, e.Limit)
	}
	return fmt.Sprintf("the graph has %d %s; the limit is %d", e.Got, e.What, e.Limit)
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
// or Problems listing every node and edge that is wrong, or nil.
func (g *Graph) Validate(lim Limits) error {
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
			ps = append(ps, Problem{Where: where, Message: "label has characters that are not text (control characters or line breaks)"})
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
			ps = append(ps, Problem{Where: where, Message: "label has characters that are not text (control characters or line breaks)"})
		}
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
