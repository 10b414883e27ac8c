package rubric

import "slices"

// wordInfo is what the engine knows of one distinct word of a design.
type wordInfo struct {
	terms []termID // nil when the word is no concept's
	kinds wordKinds
	hash  uint64 // for copy detection
}

// knownWords returns what the engine knows of each word of its concepts
// and of its word lists. Most words of a design are among them, and cost
// one lookup instead of one per list, per spelling and per prefix; of any
// other word, only its shape can tell (shapeTerms).
func knownWords(v *vocab) map[string]wordInfo {
	m := make(map[string]wordInfo, len(v.words)+len(kinds))
	add := func(w string, exact []termID) {
		info := wordInfo{kinds: kinds[w], hash: wordHash(w)}
		if ts := v.shapeTerms(w, slices.Clip(exact)); len(ts) > 0 {
			info.terms = ts
		}
		m[w] = info // by value: a lookup reads the map and nothing else
	}
	for w, exact := range v.words {
		add(w, exact)
	}
	for w := range kinds {
		if _, ok := m[w]; !ok {
			add(w, nil)
		}
	}
	return m
}

// wordTable looks up each distinct word of a design once: designs repeat
// their words.
type wordTable struct {
	v     *vocab
	known map[string]wordInfo
	ids   map[string]int32
	infos []wordInfo
	buf   []termID
	// terms holds the terms of the words that are not known, so that they
	// cost one allocation rather than one each.
	terms []termID
}

// reset empties t, for a design of about n words read by engine e.
func (t *wordTable) reset(e *Engine, n int) {
	distinct := n/3 + 16 // prose repeats its words: a third are new
	t.v, t.known = e.vocab, e.known
	if t.ids == nil {
		t.ids = make(map[string]int32, distinct)
	}
	t.infos = grown(t.infos, distinct)
	t.terms = grown(t.terms, distinct)
}

// release forgets the words, keeping the memory.
func (t *wordTable) release() {
	clear(t.ids)
	clear(t.infos)
	t.infos = t.infos[:0]
	t.v, t.known = nil, nil
}

// of returns what is known of word w.
func (t *wordTable) of(w string) *wordInfo {
	if id, ok := t.ids[w]; ok {
		return &t.infos[id]
	}
	info, ok := t.known[w]
	if !ok {
		info.hash = wordHash(w)
		t.buf = t.v.shapeTerms(w, t.buf[:0])
		if len(t.buf) > 0 {
			n := len(t.terms)
			t.terms = append(t.terms, t.buf...)
			info.terms = t.terms[n:len(t.terms):len(t.terms)]
		}
	}
	t.ids[w] = int32(len(t.infos))
	t.infos = append(t.infos, info)
	return &t.infos[len(t.infos)-1]
}

// positions lists, for each term, the words of the design that are it, in
// design order: the words of term id are at[start[id]:start[id+1]].
type positions struct {
	start []int32
	at    []tokAt
}

// fill builds the lists from sentences whose words carry their terms;
// counts[id+1] is how many words are term id. at and next are memory to
// reuse; fill returns next.
func (ps *positions) fill(sents []sentence, counts []int32, at []tokAt, next []int32) []int32 {
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	ps.start = counts
	ps.at = grown(at, int(counts[len(counts)-1]))[:counts[len(counts)-1]]
	next = grown(next, len(counts)-1)[:len(counts)-1]
	copy(next, counts)
	for si := range sents {
		for ti, ts := range sents[si].terms {
			for _, id := range ts {
				ps.at[next[id]] = tokAt{int32(si), int32(ti)}
				next[id]++
			}
		}
	}
	return next
}

// count returns how many words are term id.
func (ps *positions) count(id termID) int {
	if int(id)+1 >= len(ps.start) {
		return 0
	}
	return int(ps.start[id+1] - ps.start[id])
}

// of returns the words that are term id, in design order.
func (ps *positions) of(id termID) []tokAt {
	if int(id)+1 >= len(ps.start) {
		return nil
	}
	return ps.at[ps.start[id]:ps.start[id+1]]
}
