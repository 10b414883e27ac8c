package rubric

import (
	"math"
	"slices"
)

// matchScratch is the working memory of matching patterns in one parsed
// design, reused from pattern to pattern.
type matchScratch struct {
	// mark[s] == gen marks sentence s as still holding every slot tried so far.
	mark  []uint32
	gen   uint32
	cands []int32
	occs  []slotOcc
	// starts[w] == startGen marks word w of the design as the start of a
	// mention of the concept being matched.
	starts   []uint32
	startGen uint32
}

// startSet is the set of words that start a mention of one concept.
type startSet struct{ m *matchScratch }

// startSet returns an empty set, for a design of n words.
func (m *matchScratch) startSet(n int) startSet {
	if len(m.starts) < n {
		m.starts = make([]uint32, n)
	}
	nextGen(&m.startGen, m.starts)
	return startSet{m}
}

// add adds word w to the set, reporting whether it was not there yet.
func (s startSet) add(w int) bool {
	if s.m.starts[w] == s.m.startGen {
		return false
	}
	s.m.starts[w] = s.m.startGen
	return true
}

// patternSents returns, in design order, the sentences in which every slot
// of pattern f occurs. Most patterns lack a slot in most designs: the slots
// are tried from the rarest, so that such a pattern costs next to nothing.
func (p *parsed) patternSents(f *form) []int32 {
	var orderBuf [16]int
	var countBuf [16]int
	order, count := orderBuf[:0], countBuf[:0]
	for si, slot := range f.slots {
		n := 0
		for _, q := range slot {
			n += len(p.pos.of(q[0]))
		}
		if n == 0 {
			return nil
		}
		order, count = append(order, si), append(count, n)
	}
	slices.SortStableFunc(order, func(a, b int) int { return count[a] - count[b] })

	m := &p.buf.match
	if len(m.mark) < len(p.sents) {
		m.mark = make([]uint32, len(p.sents))
	}
	if m.gen > math.MaxUint32-uint32(len(f.slots)) {
		clear(m.mark) // the generations wrap around
		m.gen = 0
	}
	m.gen++
	cands := m.cands[:0]
	for _, q := range f.slots[order[0]] {
		for _, at := range p.pos.of(q[0]) {
			if m.mark[at.sent] != m.gen && seqAt(q, p.sents[at.sent].terms, int(at.tok)) {
				m.mark[at.sent] = m.gen
				cands = append(cands, at.sent)
			}
		}
	}
	for _, si := range order[1:] {
		if len(cands) == 0 {
			break
		}
		prev := m.gen
		m.gen++
		for _, q := range f.slots[si] {
			list := p.pos.of(q[0])
			if len(cands)*8 < len(list) {
				// Few candidates: look each one up in the long list.
				for _, sent := range cands {
					lo, hi := sentRange(list, sent)
					for _, at := range list[lo:hi] {
						if m.mark[sent] == prev && seqAt(q, p.sents[sent].terms, int(at.tok)) {
							m.mark[sent] = m.gen
						}
					}
				}
				continue
			}
			for _, at := range list {
				if m.mark[at.sent] == prev && seqAt(q, p.sents[at.sent].terms, int(at.tok)) {
					m.mark[at.sent] = m.gen
				}
			}
		}
		cands = slices.DeleteFunc(cands, func(sent int32) bool { return m.mark[sent] != m.gen })
	}
	slices.Sort(cands)
	m.cands = cands
	return cands
}

// slotOccs returns every occurrence of f's slots in sentence sent, slot by
// slot, alternative by alternative, word by word: the order tightest reads.
// The slice is reused by the next call.
func (p *parsed) slotOccs(f *form, sent int32) []slotOcc {
	occs := p.buf.match.occs[:0]
	terms := p.sents[sent].terms
	for si, slot := range f.slots {
		for _, q := range slot {
			list := p.pos.of(q[0])
			lo, hi := sentRange(list, sent)
			for _, at := range list[lo:hi] {
				if seqAt(q, terms, int(at.tok)) {
					occs = append(occs, slotOcc{si, int(at.tok), int(at.tok) + len(q)})
				}
			}
		}
	}
	p.buf.match.occs = occs
	return occs
}

// sentRange returns the part of list, which is in design order, that lies
// in sentence sent.
func sentRange(list []tokAt, sent int32) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(list, sent, func(at tokAt, s int32) int { return int(at.sent - s) })
	hi = lo
	for hi < len(list) && list[hi].sent == sent {
		hi++
	}
	return lo, hi
}
