package catalog_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/casebench/casebench/internal/drill"
)

func TestZZDebugDrill(t *testing.T) {
	slug, text := os.Getenv("DRILL"), os.Getenv("TEXT")
	if slug == "" {
		t.Skip()
	}
	cat := bundled(t)
	d, _ := cat.Drill(slug)
	a := &drill.Answer{Format: drill.Format, Drill: slug, Answer: text}
	rep := d.Engine.Check(slug, a.Design())
	b, _ := json.MarshalIndent(rep, "", " ")
	t.Logf("%s", b)
}
