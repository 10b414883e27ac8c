package pipeline

import (
	"slices"
	"strings"
)

// Diff is what a design's pipeline lacks, and adds, against a reference.
type Diff struct {
	MissingKinds      []Kind   `json:"missing_kinds"`
	ExtraKinds        []Kind   `json:"extra_kinds"`
	MissingPlacements []string `json:"missing_placements"` // "training in offline"
	ExtraPlacements   []string `json:"extra_placements"`
	MissingPaths      []string `json:"missing_paths"` // "log → training"
	ExtraPaths        []string `json:"extra_paths"`
}

// Empty reports whether the two pipelines match at the level of the diff.
func (d Diff) Empty() bool {
	return len(d.MissingKinds)+len(d.ExtraKinds)+len(d.MissingPlacements)+len(d.ExtraPlacements)+len(d.MissingPaths)+len(d.ExtraPaths) == 0
}

// kindEdges returns the distinct kind-to-kind edges of g.
func (g *Graph) kindEdges() [][2]Kind {
	kind := map[string]Kind{}
	for _, n := range g.Nodes {
		kind[n.ID] = n.Kind
	}
	seen := map[[2]Kind]bool{}
	var out [][2]Kind
	for _, e := range g.Edges {
		p := [2]Kind{kind[e.From], kind[e.To]}
		if p[0] != p[1] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func placements(g *Graph) map[string]bool {
	out := map[string]bool{}
	for _, n := range g.Nodes {
		if n.Stage != "" {
			out[string(n.Kind)+" in "+string(n.Stage)] = true
		}
	}
	return out
}

func kinds(g *Graph) map[Kind]bool {
	out := map[Kind]bool{}
	for _, n := range g.Nodes {
		out[n.Kind] = true
	}
	return out
}

// Compare returns what g lacks and adds against ref: node kinds, kinds in
// stages, and flows between kinds. A flow of the reference counts as present
// when g leads from the one kind to the other by any path.
func Compare(g, ref *Graph) Diff {
	var d Diff
	gk, rk := kinds(g), kinds(ref)
	for k := range rk {
		if !gk[k] {
			d.MissingKinds = append(d.MissingKinds, k)
		}
	}
	for k := range gk {
		if !rk[k] {
			d.ExtraKinds = append(d.ExtraKinds, k)
		}
	}
	gp, rp := placements(g), placements(ref)
	for p := range rp {
		if !gp[p] {
			d.MissingPlacements = append(d.MissingPlacements, p)
		}
	}
	for p := range gp {
		if !rp[p] {
			d.ExtraPlacements = append(d.ExtraPlacements, p)
		}
	}
	name := func(e [2]Kind) string { return string(e[0]) + " → " + string(e[1]) }
	for _, e := range ref.kindEdges() {
		if g.Path(e[0], e[1]) == nil {
			d.MissingPaths = append(d.MissingPaths, name(e))
		}
	}
	for _, e := range g.kindEdges() {
		if ref.Path(e[0], e[1]) == nil {
			d.ExtraPaths = append(d.ExtraPaths, name(e))
		}
	}
	for _, s := range [][]string{d.MissingPlacements, d.ExtraPlacements, d.MissingPaths, d.ExtraPaths} {
		slices.Sort(s)
	}
	slices.SortFunc(d.MissingKinds, func(a, b Kind) int { return strings.Compare(string(a), string(b)) })
	slices.SortFunc(d.ExtraKinds, func(a, b Kind) int { return strings.Compare(string(a), string(b)) })
	return d
}
