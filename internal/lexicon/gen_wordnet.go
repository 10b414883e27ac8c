//go:build ignore

// gen_wordnet writes wordnet.txt.gz, the lexicon's embedded table, from
// WordNet 3.0 as Debian's wordnet-base package installs it:
//
//	apt-get install wordnet-base
//	go generate ./internal/lexicon
//
// The table holds every single-word lemma with its parts of speech, the
// irregular forms of the exception lists, and the synonyms of each word's
// most frequent sense.
package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

const dir = "/usr/share/wordnet"

var posFiles = []struct {
	name string
	bit  int
	tag  string
}{{"noun", 1, "n"}, {"verb", 2, "v"}, {"adj", 4, "a"}, {"adv", 8, "r"}}

func word(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '-' || r == '\'') {
			return false
		}
	}
	return true
}

func lines(name string, f func([]string)) {
	fh, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if t := sc.Text(); t != "" && t[0] != ' ' {
			f(strings.Fields(t))
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	bits := map[string]int{}
	var synsets []string
	for _, p := range posFiles {
		first := map[string]string{} // lemma to the offset of its first sense
		lines("index."+p.name, func(f []string) {
			if !word(f[0]) {
				return
			}
			bits[f[0]] |= p.bit
			ptrs, _ := strconv.Atoi(f[3])
			if offs := f[4+ptrs+2:]; len(offs) > 0 {
				first[f[0]] = offs[0]
			}
		})
		members := map[string][]string{}
		lines("data."+p.name, func(f []string) {
			n, _ := strconv.ParseInt(f[3], 16, 32)
			var ws []string
			for i := 0; i < int(n); i++ {
				w := strings.ToLower(f[4+2*i])
				if i := strings.IndexByte(w, '('); i > 0 { // adjective markers: "big(a)"
					w = w[:i]
				}
				if word(w) {
					ws = append(ws, w)
				}
			}
			members[f[0]] = ws
		})
		seen := map[string]bool{}
		for lemma, off := range first {
			ws := members[off]
			sort.Strings(ws)
			ws = dedupe(ws)
			if len(ws) < 2 {
				continue
			}
			line := p.tag + " " + strings.Join(ws, " ")
			if !seen[line] && contains(ws, lemma) {
				seen[line] = true
				synsets = append(synsets, line)
			}
		}
	}
	var exc []string
	for _, p := range posFiles {
		lines(p.name+".exc", func(f []string) {
			var ok []string
			for _, w := range f {
				if word(w) {
					ok = append(ok, w)
				}
			}
			if len(ok) >= 2 && len(ok) == len(f) {
				exc = append(exc, p.tag+" "+strings.Join(ok, " "))
			}
		})
	}
	words := make([]string, 0, len(bits))
	for w := range bits {
		words = append(words, w)
	}
	sort.Strings(words)
	sort.Strings(synsets)
	sort.Strings(exc)

	out, err := os.Create("wordnet.txt.gz")
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(out, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintln(w, "# From WordNet 3.0, Copyright 2006 by Princeton University (see LICENSE.wordnet). Made by gen_wordnet.go.")
	fmt.Fprintln(w, "@lemmas")
	for _, x := range words {
		fmt.Fprintf(w, "%s %x\n", x, bits[x])
	}
	fmt.Fprintln(w, "@exceptions")
	for _, x := range exc {
		fmt.Fprintln(w, x)
	}
	fmt.Fprintln(w, "@synsets")
	for _, x := range synsets {
		fmt.Fprintln(w, x)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d lemmas, %d exceptions, %d synsets", len(words), len(exc), len(synsets))
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
