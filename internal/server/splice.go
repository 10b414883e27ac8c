package server

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"sync"
)

// A page is sent as a run of parts: the parts rendered for this request,
// and pieces shared by many requests (a cached page body), whose
// compressed forms are made once. Every part is compressed on its own, as
// an independent deflate run ending in a sync flush, or an independent
// zstd frame: such runs concatenate into one valid gzip member, and frames
// into one zstd stream. The same split keeps the CSRF token out of the
// compression context of the rest of the page (its own part), so that
// the compressed size of a page never depends on how much of the token
// some reflected text matches (BREACH).

// piece is bytes shared by many responses, with their compressed forms.
type piece struct {
	raw   []byte
	crc   uint32
	shift crcOp // advances a CRC over len(raw) bytes

	gzOnce, zsOnce sync.Once
	gz, zs         []byte
}

func newPiece(b []byte) *piece {
	return &piece{raw: b, crc: crc32.ChecksumIEEE(b), shift: crcShift(int64(len(b)))}
}

// deflated returns the piece as a deflate run (sync-flushed, not final).
func (p *piece) deflated() []byte {
	p.gzOnce.Do(func() { p.gz = deflateRun(nil, p.raw, staticLevel) })
	return p.gz
}

// zstd returns the piece as one zstd frame.
func (p *piece) zstd() []byte {
	p.zsOnce.Do(func() { p.zs = zstdGood().EncodeAll(p.raw, nil) })
	return p.zs
}

// deflateRun appends b to dst as raw deflate from a fresh compressor,
// ended by a sync flush and without a final block.
func deflateRun(dst, b []byte, level int) []byte {
	buf := bytes.NewBuffer(dst)
	fw := getFlate(level)
	fw.Reset(buf)
	fw.Write(b)
	fw.Flush()
	putFlate(level, fw)
	return buf.Bytes()
}

// splicer writes parts as one body in one coding.
type splicer struct {
	w       io.Writer
	enc     encoding
	crc     uint32
	size    uint32 // mod 2^32, as gzip's trailer counts
	scratch []byte
	err     error
}

// gzip member header: no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// finalBlock is an empty final deflate block (fixed Huffman, end of block).
var finalBlock = []byte{0x03, 0x00}

func newSplicer(w io.Writer, enc encoding) *splicer {
	s := &splicer{w: w, enc: enc}
	if enc == gzipCoding {
		s.write(gzipHeader)
	}
	return s
}

func (s *splicer) write(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

// dynamic writes b, made for this response.
func (s *splicer) dynamic(b []byte) {
	if len(b) == 0 {
		return
	}
	switch s.enc {
	case gzipCoding:
		s.scratch = deflateRun(s.scratch[:0], b, dynamicLevel)
		s.crc = crc32.Update(s.crc, crc32.IEEETable, b)
		s.size += uint32(len(b))
		s.write(s.scratch)
	case zstdCoding:
		s.scratch = zstdFast().EncodeAll(b, s.scratch[:0])
		s.write(s.scratch)
	default:
		s.write(b)
	}
}

// static writes a shared piece.
func (s *splicer) static(p *piece) {
	if len(p.raw) == 0 {
		return
	}
	switch s.enc {
	case gzipCoding:
		s.write(p.deflated())
		s.crc = p.shift.apply(s.crc) ^ p.crc
		s.size += uint32(len(p.raw))
	case zstdCoding:
		s.write(p.zstd())
	default:
		s.write(p.raw)
	}
}

// finish ends the body and returns the first write error.
func (s *splicer) finish() error {
	if s.enc == gzipCoding {
		s.write(finalBlock)
		var t [8]byte
		binary.LittleEndian.PutUint32(t[:4], s.crc)
		binary.LittleEndian.PutUint32(t[4:], s.size)
		s.write(t[:])
	}
	return s.err
}

// crcOp is a linear operator on CRC-32 (IEEE) values over GF(2): column i
// is the image of bit i. Appending n bytes B to data with CRC c gives the
// CRC shift(n)(c) ^ crc(B), which lets a cached piece's CRC join the CRC
// of what came before it without reading its bytes again (zlib's
// crc32_combine, with the operator kept per piece).
type crcOp [32]uint32

func (m *crcOp) apply(v uint32) uint32 {
	var sum uint32
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// then returns the operator that applies m and then n.
func (m *crcOp) then(n *crcOp) crcOp {
	var out crcOp
	for i := range out {
		out[i] = n.apply(m[i])
	}
	return out
}

// crcShift returns the operator that runs a CRC over n zero bytes.
func crcShift(n int64) crcOp {
	var op crcOp // one zero bit
	op[0] = 0xedb88320
	for i := 1; i < 32; i++ {
		op[i] = 1 << (i - 1)
	}
	for range 3 { // eight zero bits: one byte
		op = op.then(&op)
	}
	var out crcOp
	for i := range out {
		out[i] = 1 << i
	}
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			out = out.then(&op)
		}
		op = op.then(&op)
	}
	return out
}
