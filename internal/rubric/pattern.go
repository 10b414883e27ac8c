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
	occs  [][]slotOcc // occs[s]: the slots found in sentence s, while it is a candidate
	// starts[w] == startGen marks word w of the design as the start of a
	// mention of the concept being matched.
	starts   []uint32
	startGen uint32
	// nslot[s] counts the slots of a quorum pattern sentence s holds;
	// last[s] is the last of them.
	nslot, last []int32
}

// begin readies the scratch for matching one pattern in a design of n
// sentences, with generations for gens slots to come, and starts the
// first of them.
func (m *matchScratch) begin(n, gens int) *matchScratch {
	if len(m.mark) < n {
		m.mark = make([]uint32, n)
		m.occs = make([][]slotOcc, n)
	}
	if m.gen > math.MaxUint32-uint32(gens) {
		clear(m.mark) // the generations wrap around
		m.gen = 0
	}
	m.gen++
	return m
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
// of pattern f occurs; occsIn then returns the occurrences in each. Most
// patterns lack a slot in most designs: the slots are tried from the
// rarest, so that such a pattern costs next to nothing, and each later
// slot is looked for only in the sentences that hold the slots before it.
func (p *parsed) patternSents(f *form) []int32 {
	if f.quorum > 0 {
		return p.quorumSents(f)
	}
	var countBuf, orderBuf [16]int
	count, order := countBuf[:0], orderBuf[:0]
	if len(f.slots) > len(countBuf) {
		count, order = make([]int, 0, len(f.slots)), make([]int, 0, len(f.slots))
	}
	count = count[:len(f.slots)]
	for _, a := range f.alts {
		count[a.slot] += p.pos.count(a.first)
	}
	// The slots from the rarest, in rubric order among equals.
	for si, n := range count {
		if n == 0 {
			return nil
		}
		k := len(order)
		order = append(order, si)
		for k > 0 && count[order[k-1]] > n {
			order[k], order[k-1] = order[k-1], order[k]
			k--
		}
	}

	m := p.buf.match.begin(len(p.sents), len(f.slots))
	cands := m.cands[:0]
	for _, a := range f.altsOf(order[0]) {
		for _, at := range p.pos.of(a.first) {
			if !followsAt(a.q, p.sents[at.sent].terms, int(at.tok)) {
				continue
			}
			if m.mark[at.sent] != m.gen {
				m.mark[at.sent] = m.gen
				cands = append(cands, at.sent)
				m.occs[at.sent] = m.occs[at.sent][:0]
			}
			m.occs[at.sent] = append(m.occs[at.sent], slotOcc{a.slot, a.alt, int(at.tok), int(at.tok) + len(a.q)})
		}
	}
	for _, si := range order[1:] {
		if len(cands) == 0 {
			break
		}
		prev := m.gen
		m.gen++
		// An occurrence counts in a sentence that is still a candidate:
		// one that held every slot before this one.
		alts := f.altsOf(si)
		for i := range alts {
			a := &alts[i]
			list := p.pos.of(a.first)
			if len(cands)*8 < len(list) {
				// Few candidates: look each one up in the long list.
				for _, sent := range cands {
					lo, hi := sentRange(list, sent)
					for _, at := range list[lo:hi] {
						if followsAt(a.q, p.sents[sent].terms, int(at.tok)) {
							m.mark[sent] = m.gen
							m.occs[sent] = append(m.occs[sent], slotOcc{a.slot, a.alt, int(at.tok), int(at.tok) + len(a.q)})
						}
					}
				}
				continue
			}
			for _, at := range list {
				if mk := m.mark[at.sent]; (mk == prev || mk == m.gen) && followsAt(a.q, p.sents[at.sent].terms, int(at.tok)) {
					m.mark[at.sent] = m.gen
					m.occs[at.sent] = append(m.occs[at.sent], slotOcc{a.slot, a.alt, int(at.tok), int(at.tok) + len(a.q)})
				}
			}
		}
		kept := cands[:0]
		for _, sent := range cands {
			if m.mark[sent] == m.gen {
				kept = append(kept, sent)
			}
		}
		cands = kept
	}
	slices.Sort(cands)
	m.cands = cands
	return cands
}

// occsIn returns the occurrences of the slots of the pattern patternSents
// last read in sentence sent, by word, then slot, then alternative: the
// order sortByWord gives occurrences listed slot by slot, alternative by
// alternative, word by word.
func (p *parsed) occsIn(sent int32) []slotOcc {
	occs := p.buf.match.occs[sent]
	slices.SortFunc(occs, func(a, b slotOcc) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if a.slot != b.slot {
			return a.slot - b.slot
		}
		return a.alt - b.alt
	})
	return occs
}

// sentRange returns the part of list, which is in design order, that lies
// in sentence sent.
func sentRange(list []tokAt, sent int32) (lo, hi int) {
	lo, hi = 0, len(list)
	for lo < hi { // the first word at or after sent
		if mid := int(uint(lo+hi) >> 1); list[mid].sent < sent {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	hi = lo
	for hi < len(list) && list[hi].sent == sent {
		hi++
	}
	return lo, hi
}

// quorumSents returns, in design order, the sentences in which at least
// f.quorum of the slots of quorum pattern f occur; occsIn then returns the
// occurrences in each.
func (p *parsed) quorumSents(f *form) []int32 {
	m := p.buf.match.begin(len(p.sents), 1)
	if len(m.nslot) < len(p.sents) {
		m.nslot, m.last = make([]int32, len(p.sents)), make([]int32, len(p.sents))
	}
	cands := m.cands[:0]
	for _, a := range f.alts { // slot by slot, the anchor first
		for _, at := range p.pos.of(a.first) {
			if a.slot > 0 && m.mark[at.sent] != m.gen {
				continue // only sentences that hold the anchor can match
			}
			if !followsAt(a.q, p.sents[at.sent].terms, int(at.tok)) {
				continue
			}
			if m.mark[at.sent] != m.gen {
				m.mark[at.sent] = m.gen
				cands = append(cands, at.sent)
				m.occs[at.sent] = m.occs[at.sent][:0]
				m.nslot[at.sent], m.last[at.sent] = 0, -1
			}
			if m.last[at.sent] != int32(a.slot) {
				m.last[at.sent] = int32(a.slot)
				m.nslot[at.sent]++
			}
			m.occs[at.sent] = append(m.occs[at.sent], slotOcc{a.slot, a.alt, int(at.tok), int(at.tok) + len(a.q)})
		}
	}
	kept := cands[:0]
	for _, sent := range cands {
		if int(m.nslot[sent]) >= f.quorum && m.occs[sent][0].slot == 0 { // the anchor is there
			kept = append(kept, sent)
		}
	}
	slices.Sort(kept)
	m.cands = kept
	return kept
}
