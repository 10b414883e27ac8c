package pipeline

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func graph(edges ...string) *Graph {
	g := &Graph{}
	kinds := map[string]Kind{"app": KindClient, "srv": KindServing, "log": KindLog, "etl": KindETL, "fs": KindFeatureStore, "train": KindTraining, "reg": KindRegistry, "mon": KindMonitor}
	for _, id := range []string{"app", "srv", "log", "etl", "fs", "train", "reg", "mon"} {
		g.Nodes = append(g.Nodes, Node{ID: id, Kind: kinds[id], Stage: StageOffline})
	}
	for _, e := range edges {
		from, to, _ := strings.Cut(e, ">")
		g.Edges = append(g.Edges, Edge{From: from, To: to})
	}
	return g
}

func TestPathAndCycle(t *testing.T) {
	g := graph("app>srv", "srv>log", "log>etl", "etl>fs", "fs>train", "train>reg", "reg>srv", "fs>srv")
	if got := g.Path(KindLog, KindTraining); !slices.Equal(got, []string{"log", "etl", "fs", "train"}) {
		t.Errorf("Path(log, training) = %v", got)
	}
	if got := g.Path(KindTraining, KindClient); got != nil {
		t.Errorf("Path(training, client) = %v, want none", got)
	}
	if got := g.Path(KindMonitor, KindLog); got != nil {
		t.Errorf("an isolated node has a path: %v", got)
	}
	want := []string{"srv", "log", "etl", "fs", "train", "reg", "srv"}
	if got := g.Cycle(KindServing, KindLog, KindTraining); !slices.Equal(got, want) {
		t.Errorf("Cycle = %v, want %v", got, want)
	}
	if got := g.Cycle(KindClient, KindServing); got != nil {
		t.Errorf("Cycle(client, serving) = %v; nothing leads back to the client", got)
	}
	if !g.Reachable("app", "reg") || g.Reachable("reg", "app") || g.Reachable("mon", "mon") {
		t.Error("Reachable is wrong")
	}
	if got := g.NodesOf(KindServing, StageOnline); got != nil {
		t.Errorf("NodesOf(serving, online) = %v; srv is offline", got)
	}
}

func TestValidate(t *testing.T) {
	g := &Graph{
		Nodes: []Node{{ID: "a", Kind: KindLog}, {ID: "a", Kind: KindLog}, {ID: "1x", Kind: KindLog}, {ID: "b", Kind: "wizard"}, {ID: "c", Kind: KindLog, Stage: "later"}},
		Edges: []Edge{{From: "a", To: "zz"}, {From: "a", To: "b"}, {From: "a", To: "b"}},
	}
	err := g.Validate(DefaultLimits)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Validate = %v", err)
	}
	msgs := ps.Error()
	for _, want := range []string{"used twice", "must start with a letter", "unknown kind", "unknown stage", "unknown node \"zz\"", "given twice"} {
		found := false
		for _, p := range ps {
			if strings.Contains(p.Message, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem says %q; got %s", want, msgs)
		}
	}
	big := &Graph{}
	for i := range DefaultLimits.MaxNodes + 1 {
		big.Nodes = append(big.Nodes, Node{ID: "n" + strings.Repeat("x", i%3) + string(rune('a'+i%26)), Kind: KindOther})
	}
	var le *LimitError
	if err := big.Validate(DefaultLimits); !errors.As(err, &le) || le.What != "nodes" {
		t.Fatalf("a graph over the node limit: %v", err)
	}
	long := &Graph{Nodes: []Node{{ID: "a", Kind: KindLog, Label: strings.Repeat("é", DefaultLimits.MaxLabel+1)}}}
	if err := long.Validate(DefaultLimits); !errors.As(err, &le) || le.What != "label" {
		t.Fatalf("a label over the limit: %v", err)
	}
}

func TestCompare(t *testing.T) {
	ref := graph("app>srv", "srv>log", "log>etl", "etl>train", "train>reg", "reg>srv")
	mine := &Graph{
		Nodes: []Node{{ID: "srv", Kind: KindServing, Stage: StageOnline}, {ID: "log", Kind: KindLog, Stage: StageOffline}, {ID: "train", Kind: KindTraining, Stage: StageOffline}, {ID: "mon", Kind: KindMonitor}},
		Edges: []Edge{{From: "srv", To: "log"}, {From: "log", To: "train"}, {From: "srv", To: "mon"}},
	}
	d := Compare(mine, ref)
	if !slices.Equal(d.MissingKinds, []Kind{KindClient, KindETL, KindFeatureStore, KindRegistry}) {
		t.Errorf("missing kinds %v", d.MissingKinds)
	}
	if !slices.Contains(d.ExtraPlacements, "serving in online") || !slices.Contains(d.MissingPlacements, "serving in offline") {
		t.Errorf("placements %v / %v", d.MissingPlacements, d.ExtraPlacements)
	}
	// log → etl is missing as a kind flow, but log → training is there by a path in mine.
	if !slices.Contains(d.MissingPaths, "log → etl") || slices.Contains(d.MissingPaths, "serving → log") || !slices.Contains(d.MissingPaths, "registry → serving") {
		t.Errorf("missing paths %v", d.MissingPaths)
	}
	if !slices.Equal(d.ExtraPaths, []string{"serving → monitor"}) { // log → training exists in ref by a path
		t.Errorf("extra paths %v", d.ExtraPaths)
	}
	if !Compare(ref, ref).Empty() {
		t.Error("a pipeline differs from itself")
	}
}
