package server

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func randomText(r *rand.Rand, n int) []byte {
	words := []string{"<div class=\"row\">", "feature", "store", "ranker", "&amp;", "\n", "  ", "p99", "latency", "</div>"}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(7) == 0 {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
	}
	return b.Bytes()[:n]
}

func TestCRCShiftJoinsCRCs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 8, 100, 4096, 181058} {
		a, b := randomText(r, 1+r.IntN(300)), randomText(r, n)
		op := crcShift(int64(len(b)))
		got := op.apply(crc32.ChecksumIEEE(a)) ^ crc32.ChecksumIEEE(b)
		if want := crc32.ChecksumIEEE(append(append([]byte{}, a...), b...)); got != want {
			t.Errorf("len %d: joined CRC %08x, want %08x", n, got, want)
		}
	}
}

// TestSplicedBodiesDecode writes runs of fresh and shared parts in each
// coding and reads them back with the standard decoders.
func TestSplicedBodiesDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shared := newPiece(randomText(r, 120000))
	empty := newPiece(nil)
	token := []byte("Zq3fK0aT9mB2xL7vR4nC8sW1pE6hJ5uY")
	for _, enc := range []encoding{identity, gzipCoding, zstdCoding} {
		t.Run(enc.String(), func(t *testing.T) {
			var out, want bytes.Buffer
			s := newSplicer(&out, enc)
			parts := []any{randomText(r, 3000), shared, token, empty, randomText(r, 10), shared, token, []byte{}, randomText(r, 900)}
			for _, p := range parts {
				switch p := p.(type) {
				case []byte:
					s.dynamic(p)
					want.Write(p)
				case *piece:
					s.static(p)
					want.Write(p.raw)
				}
			}
			if err := s.finish(); err != nil {
				t.Fatal(err)
			}
			var got []byte
			var err error
			switch enc {
			case gzipCoding:
				zr, zerr := gzip.NewReader(&out)
				if zerr != nil {
					t.Fatal(zerr)
				}
				zr.Multistream(false)
				got, err = io.ReadAll(zr) // checks the CRC and the length
			case zstdCoding:
				d, _ := zstd.NewReader(nil)
				got, err = d.DecodeAll(out.Bytes(), nil)
			default:
				got = out.Bytes()
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("decoded %d bytes, want the %d written", len(got), want.Len())
			}
			if enc != identity && out.Len() > want.Len()/2 {
				t.Errorf("compressed to %d of %d bytes", out.Len(), want.Len())
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   encoding
	}{
		{"", identity},
		{"gzip", gzipCoding},
		{"gzip, deflate, br, zstd", zstdCoding},
		{"zstd;q=0, gzip", gzipCoding},
		{"gzip;q=0.5, zstd;q=0.4", gzipCoding},
		{"*", zstdCoding},
		{"*;q=0", identity},
		{"identity", identity},
		{"br", identity},
		{"GZIP;q=1.0", gzipCoding},
		{"gzip;q=nonsense", identity},
	} {
		if got := negotiate(tc.header); got != tc.want {
			t.Errorf("negotiate(%q) = %s, want %s", tc.header, got, tc.want)
		}
	}
}
