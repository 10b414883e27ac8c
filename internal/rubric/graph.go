package rubric

import (
	"fmt"
	"math"
	"strings"

	"github.com/casebench/casebench/internal/pipeline"
)

// Hubs: a node wired to a large share of the pipeline is a hub. Paths and
// loops through a hub prove nothing (a node connected to everything
// connects everything), so graph checks go around hubs.
//
// A hub also leads both ways: it takes from at least hubMinEachWay nodes
// and feeds at least as many. A device that many parts feed (models,
// settings, experiments) and that reports to one or two logs is where the
// pipeline ends, not a shortcut through it.
const (
	hubMinNeighbours = 7
	hubShare         = 0.45
	hubMinEachWay    = 3
)

// graphView is the pipeline as the graph checks read it.
type graphView struct {
	g    *pipeline.Graph
	kind map[string]pipeline.Kind
	adj  map[string][]string
	hubs map[string]bool
	all  map[string][]string // adjacency including hubs, to explain a miss
}

func (p *parsed) graph() *graphView {
	if p.graphV != nil {
		return p.graphV
	}
	g := &p.d.Pipeline
	v := &graphView{g: g, kind: map[string]pipeline.Kind{}, adj: map[string][]string{}, hubs: map[string]bool{}, all: map[string][]string{}}
	// neighbours counts each node's distinct neighbours; linked holds
	// the pairs of nodes already counted.
	neighbours := make(map[string]int, len(g.Nodes))
	ins, outs := make(map[string]int, len(g.Nodes)), make(map[string]int, len(g.Nodes))
	linked := make(map[[2]string]bool, 2*len(g.Edges))
	directed := make(map[[2]string]bool, len(g.Edges))
	for _, n := range g.Nodes {
		v.kind[n.ID] = n.Kind
		neighbours[n.ID] = 0
	}
	for _, e := range g.Edges {
		_, fromOK := neighbours[e.From]
		if _, toOK := neighbours[e.To]; !fromOK || !toOK {
			continue
		}
		v.all[e.From] = append(v.all[e.From], e.To)
		if e.From != e.To && !directed[[2]string{e.From, e.To}] {
			directed[[2]string{e.From, e.To}] = true
			outs[e.From]++
			ins[e.To]++
		}
		if e.From != e.To && !linked[[2]string{e.From, e.To}] {
			linked[[2]string{e.From, e.To}], linked[[2]string{e.To, e.From}] = true, true
			neighbours[e.From]++
			neighbours[e.To]++
		}
	}
	limit := math.Max(hubMinNeighbours, hubShare*float64(len(g.Nodes)-1))
	for id, n := range neighbours {
		if float64(n) >= limit && ins[id] >= hubMinEachWay && outs[id] >= hubMinEachWay {
			v.hubs[id] = true
		}
	}
	for from, tos := range v.all {
		if v.hubs[from] {
			continue
		}
		for _, to := range tos {
			if !v.hubs[to] {
				v.adj[from] = append(v.adj[from], to)
			}
		}
	}
	p.graphV = v
	return v
}

// nodesOf returns the ids of the nodes of kind k (in stage s when set), in
// graph order, hubs left out unless withHubs.
func (v *graphView) nodesOf(k pipeline.Kind, s pipeline.Stage, withHubs bool) []string {
	var ids []string
	for _, n := range v.g.Nodes {
		if n.Kind == k && (s == "" || n.Stage == s) && (withHubs || !v.hubs[n.ID]) {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// bfs searches from every start at once and returns the path to the first
// node, reached by at least one edge, that satisfies goal.
func bfs(adj map[string][]string, starts []string, goal func(string) bool) []string {
	type step struct {
		id     string
		parent int
	}
	steps := make([]step, 0, len(starts)*2)
	for _, s := range starts {
		steps = append(steps, step{id: s, parent: -1})
	}
	visited := map[string]bool{}
	for i := 0; i < len(steps); i++ {
		for _, to := range adj[steps[i].id] {
			if visited[to] {
				continue
			}
			visited[to] = true
			steps = append(steps, step{id: to, parent: i})
			if goal(to) {
				var path []string
				for j := len(steps) - 1; j >= 0; j = steps[j].parent {
					path = append(path, steps[j].id)
				}
				for a, b := 0, len(path)-1; a < b; a, b = a+1, b-1 {
					path[a], path[b] = path[b], path[a]
				}
				return path
			}
		}
	}
	return nil
}

func (v *graphView) path(from, to pipeline.Kind, adj map[string][]string, withHubs bool) []string {
	return bfs(adj, v.nodesOf(from, "", withHubs), func(id string) bool { return v.kind[id] == to && (withHubs || !v.hubs[id]) })
}

func (v *graphView) cycle(through []pipeline.Kind, adj map[string][]string, withHubs bool) []string {
	if len(through) == 0 {
		return nil
	}
	for _, start := range v.nodesOf(through[0], "", withHubs) {
		walk := []string{start}
		cur := start
		ok := true
		for i := 1; i <= len(through); i++ {
			var goal func(string) bool
			if i == len(through) {
				goal = func(id string) bool { return id == start }
			} else {
				k := through[i]
				goal = func(id string) bool { return v.kind[id] == k && (withHubs || !v.hubs[id]) }
			}
			p := bfs(adj, []string{cur}, goal)
			if p == nil {
				ok = false
				break
			}
			walk = append(walk, p[1:]...)
			cur = p[len(p)-1]
		}
		if ok {
			return walk
		}
	}
	return nil
}

// hubNote explains a path or loop that exists only through hubs.
func (v *graphView) hubNote(walk []string) Note {
	var hubs []string
	seen := map[string]bool{}
	for _, id := range walk {
		if v.hubs[id] && !seen[id] {
			seen[id] = true
			hubs = append(hubs, id)
		}
	}
	return Note{Kind: NoteHub, Excerpt: strings.Join(hubs, ", "),
		Message: fmt.Sprintf("Not counted: it only goes through %s, a node wired to most of the pipeline; a node connected to everything proves no flow. Draw the steps the data really takes.", strings.Join(hubs, ", "))}
}

func (e *Engine) graphHas(c *Check, p *parsed, cr *CheckResult) {
	stage := ""
	if c.Stage != "" {
		stage = " in the " + c.Stage + " stage"
	}
	if cr.Label == "" {
		cr.Label = fmt.Sprintf("the pipeline has a %s node%s", humanKind(c.Node), stage)
	}
	ids := p.graph().nodesOf(pipeline.Kind(c.Node), pipeline.Stage(c.Stage), true)
	if len(ids) > 0 {
		cr.Credit = 1
		cr.Evidence = []Evidence{{Nodes: ids}}
	} else {
		cr.Hint = fmt.Sprintf("Add the %s step%s to the pipeline, wired to what feeds it and what it feeds.", humanKind(c.Node), stage)
	}
}

func (e *Engine) graphPath(c *Check, p *parsed, cr *CheckResult) {
	if cr.Label == "" {
		cr.Label = fmt.Sprintf("the pipeline leads from a %s node to a %s node", humanKind(c.From), humanKind(c.To))
	}
	v := p.graph()
	if path := v.path(pipeline.Kind(c.From), pipeline.Kind(c.To), v.adj, false); path != nil {
		cr.Credit = 1
		cr.Evidence = []Evidence{{Nodes: path}}
		return
	}
	if len(v.hubs) > 0 {
		if path := v.path(pipeline.Kind(c.From), pipeline.Kind(c.To), v.all, true); path != nil {
			cr.Notes = append(cr.Notes, v.hubNote(path))
		}
	}
	cr.Hint = fmt.Sprintf("Connect the %s step to the %s step with the edges data really follows.", humanKind(c.From), humanKind(c.To))
}

func (e *Engine) graphCycle(c *Check, p *parsed, cr *CheckResult) {
	kinds := make([]pipeline.Kind, len(c.Through))
	names := make([]string, len(c.Through))
	for i, k := range c.Through {
		kinds[i], names[i] = pipeline.Kind(k), humanKind(k)
	}
	loop := strings.Join(append(names, names[0]), " → ")
	cr.Label = "the pipeline closes the loop " + loop
	v := p.graph()
	if walk := v.cycle(kinds, v.adj, false); walk != nil {
		cr.Credit = 1
		cr.Evidence = []Evidence{{Nodes: walk}}
		return
	}
	if len(v.hubs) > 0 {
		if walk := v.cycle(kinds, v.all, true); walk != nil {
			cr.Notes = append(cr.Notes, v.hubNote(walk))
		}
	}
	cr.Hint = "Close the feedback loop with edges: " + loop + "."
}
