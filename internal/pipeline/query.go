package pipeline

// adjacency returns, for each node id, the ids it has edges to, in edge order.
func (g *Graph) adjacency() map[string][]string {
	adj := make(map[string][]string, len(g.Nodes))
	for _, e := range g.Edges {
		adj[e.From] = append(adj[e.From], e.To)
	}
	return adj
}

// NodesOf returns the ids of the nodes of kind k, in stage s when s is not
// empty, in graph order.
func (g *Graph) NodesOf(k Kind, s Stage) []string {
	var ids []string
	for _, n := range g.Nodes {
		if n.Kind == k && (s == "" || n.Stage == s) {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

// Path returns the shortest directed path, as node ids, from any node of
// kind from to any node of kind to, or nil when there is none. A path needs
// at least one edge.
func (g *Graph) Path(from, to Kind) []string {
	kind := make(map[string]Kind, len(g.Nodes))
	for _, n := range g.Nodes {
		kind[n.ID] = n.Kind
	}
	return g.bfs(g.adjacency(), g.NodesOf(from, ""), func(id string) bool { return kind[id] == to })
}

// bfs searches from every start at once and returns the path to the first
// node, reached by at least one edge, that satisfies goal.
func (g *Graph) bfs(adj map[string][]string, starts []string, goal func(string) bool) []string {
	type step struct {
		id     string
		parent int // index in steps, -1 for a start
	}
	steps := make([]step, 0, len(g.Nodes))
	for _, s := range starts {
		steps = append(steps, step{id: s, parent: -1})
	}
	visited := make(map[string]bool, len(g.Nodes))
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
				reverse(path)
				return path
			}
		}
	}
	return nil
}

func reverse(s []string) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Reachable reports whether there is a directed path of at least one edge
// from node a to node b.
func (g *Graph) Reachable(a, b string) bool {
	return g.bfs(g.adjacency(), []string{a}, func(id string) bool { return id == b }) != nil
}

// Cycle returns a closed walk, as node ids with the first repeated at the
// end, that passes through a node of each of the given kinds in order, or
// nil when the graph has no such feedback loop.
func (g *Graph) Cycle(through ...Kind) []string {
	if len(through) == 0 {
		return nil
	}
	adj := g.adjacency()
	for _, start := range g.NodesOf(through[0], "") {
		walk := []string{start}
		cur := start
		ok := true
		for i := 1; i <= len(through); i++ {
			var goal func(string) bool
			if i == len(through) {
				goal = func(id string) bool { return id == start }
			} else {
				k := through[i]
				goal = func(id string) bool { n, _ := g.Node(id); return n.Kind == k }
			}
			p := g.bfs(adj, []string{cur}, goal)
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
