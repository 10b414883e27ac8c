package pipeline

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var corpus = flag.String("corpus", "", "folder of real-world DOT files to measure the import on (see testdata/corpus/SOURCES.md)")

// TestCorpus measures, on a folder of real DOT files given with -corpus,
// the share native dot renders, the share that imports, and why the rest
// do not. It prints the table and asserts nothing about the share: the
// files are not in the repository (see testdata/corpus/SOURCES.md).
//
//	go test ./internal/pipeline -run TestCorpus -corpus DIR -v
func TestCorpus(t *testing.T) {
	if *corpus == "" {
		t.Skip("give -corpus DIR to measure a folder of DOT files")
	}
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Fatal("dot is not installed (Debian package graphviz)")
	}
	var files []string
	filepath.WalkDir(*corpus, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".gv") || strings.HasSuffix(p, ".dot") || strings.HasSuffix(p, ".gv.txt")) {
			files = append(files, p)
		}
		return nil
	})
	var native, imported, both int
	reasons := map[string]int{}
	nativeFail := map[string]int{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, dot, "-Tsvg", "-o", os.DevNull)
		cmd.Stdin = strings.NewReader(string(src))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		nerr := cmd.Run()
		cancel()
		ok := nerr == nil
		if ok {
			native++
		} else {
			nativeFail[firstLine(stderr.String())]++
		}
		_, ierr := ParseDOT(src, DefaultLimits)
		if ierr == nil {
			imported++
			if ok {
				both++
			}
		} else {
			why := reason(ierr)
			if ok {
				reasons[why]++
			}
			t.Logf("%s: %v (native dot: %v)", filepath.Base(f), ierr, ok)
		}
	}
	t.Logf("%d files; native dot renders %d (%.0f%%); the import reads %d (%.0f%%); of those dot renders, %d import (%.1f%%)",
		len(files), native, pct(native, len(files)), imported, pct(imported, len(files)), both, pct(both, native))
	for _, kv := range sorted(reasons) {
		t.Logf("  refused although dot renders it: %3d  %s", kv.n, kv.k)
	}
	for _, kv := range sorted(nativeFail) {
		t.Logf("  native dot fails: %3d  %s", kv.n, kv.k)
	}
}

var digits = regexp.MustCompile(`\d+`)

// reason classifies an import error: its message without numbers and names.
func reason(err error) string {
	var le *LimitError
	var ps Problems
	switch {
	case errors.As(err, &le):
		return "over the " + le.What + " limit"
	case errors.As(err, &ps):
		msg := ps[0].Message
		if i := strings.Index(msg, ":"); i > 0 && strings.HasPrefix(msg, "node ") {
			msg = msg[i+1:]
		}
		if i := strings.Index(msg, "found"); i > 0 {
			msg = msg[:i]
		}
		return strings.TrimSpace(digits.ReplaceAllString(msg, "N"))
	}
	return err.Error()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return digits.ReplaceAllString(s, "N")
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

type kv struct {
	k string
	n int
}

func sorted(m map[string]int) []kv {
	var out []kv
	for k, n := range m {
		out = append(out, kv{k, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].n > out[j].n || out[i].n == out[j].n && out[i].k < out[j].k })
	return out
}
