package rubric

import (
	"math"
	"slices"
	"sync"
)

// buffers is the working memory of reading one design: its sentences,
// words, terms and where they occur. A large design needs a few hundred
// kilobytes of it, and allocating and clearing that afresh for every check
// cost more than the reading itself, so checks reuse it through a pool.
// Nothing a report holds points into it.
type buffers struct {
	sents  []sentence
	toks   []token
	terms  [][]termID
	counts []int32
	hashes []uint64
	pos    positions
	next   []int32
	words  wordTable
	match  matchScratch
	owner  []int32 // markPacked's
	groups []int32
	sentOf []int32
	packed []int
	ments  []mention
	slots  []int
	found  map[string][]mention
	// markTemplated's
	frames    []framedSentence
	frameText []byte
}

// maxPooledWords is the size of design beyond which buffers are not kept:
// one huge design must not hold its memory for the checks after it.
const maxPooledWords = 1 << 16

var bufferPool = sync.Pool{New: func() any { return &buffers{found: map[string][]mention{}} }}

func getBuffers() *buffers { return bufferPool.Get().(*buffers) }

// release clears what points into the design just read, so that the pool
// holds no user's text, and returns b to the pool.
func (b *buffers) release() {
	if cap(b.toks) > maxPooledWords || cap(b.terms) > maxPooledWords {
		return
	}
	clear(b.sents)
	clear(b.toks)
	clear(b.ments) // (terms point only at the engine's memory and the buffers')
	b.sents, b.toks, b.terms, b.ments, b.slots = b.sents[:0], b.toks[:0], b.terms[:0], b.ments[:0], b.slots[:0]
	clear(b.found)
	b.words.release()
	bufferPool.Put(b)
}

// ints returns n zero ints that stay valid until b is released.
func (b *buffers) ints(n int) []int {
	if len(b.slots)+n > cap(b.slots) {
		// The old chunk lives on in its mentions; the new one is larger,
		// so that the buffers soon hold a design's slots in one.
		b.slots = make([]int, 0, max(1024, 2*cap(b.slots), n))
	}
	s := b.slots[len(b.slots) : len(b.slots)+n : len(b.slots)+n]
	b.slots = b.slots[:len(b.slots)+n]
	clear(s)
	return s
}

// grown returns s emptied, with room for n elements.
func grown[T any](s []T, n int) []T { return slices.Grow(s[:0], n) }

// zeroed returns s with n zero elements.
func zeroed[T any](s []T, n int) []T {
	s = grown(s, n)[:n]
	clear(s)
	return s
}

// nextGen advances a generation counter of marks, clearing the marks when
// it wraps around.
func nextGen(gen *uint32, marks []uint32) {
	if *gen == math.MaxUint32 {
		clear(marks)
		*gen = 0
	}
	*gen++
}
