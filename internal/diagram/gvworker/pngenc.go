package gvworker

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/png"
	"runtime"
	"sync"
)

// encodePNG writes a drawing as PNG. An opaque picture (all of them but
// those with a transparent background) is written as 8-bit RGB, each row
// with the cheaper of the Sub and Up filters, compressed at zlib's fastest
// level, in parts compressed side by side (one per processor, up to 4):
// about the size of the standard encoder's output in well under half its
// time, as the standard encoder tries all five filters on every row and
// compresses on one processor. Anything else goes to the standard
// encoder, as RGBA.
func encodePNG(img *image.RGBA) ([]byte, error) {
	if !opaqueRGBA(img) {
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return encodeRGB(img, min(runtime.GOMAXPROCS(0), 4, max(img.Bounds().Dy()/minPartRows, 1)))
}

// encodeRGB writes an opaque img as an RGB PNG, its rows in the given
// number of parts.
func encodeRGB(img *image.RGBA, parts int) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	parts = max(min(parts, h), 1)
	type part struct {
		deflated bytes.Buffer
		adler    uint32
		n        int
		err      error
	}
	ps := make([]part, parts)
	var wg sync.WaitGroup
	for i := range ps {
		wg.Go(func() {
			p := &ps[i]
			y0, y1 := h*i/parts, h*(i+1)/parts
			p.adler, p.n, p.err = deflateRows(&p.deflated, img, y0, y1, i == parts-1)
		})
	}
	wg.Wait()
	size := 0
	for i := range ps {
		if ps[i].err != nil {
			return nil, ps[i].err
		}
		size += ps[i].deflated.Len()
	}
	// The zlib stream: its header, the parts' deflate blocks one after
	// the other, and the Adler-32 of all the rows.
	idat := make([]byte, 0, 2+size+4)
	idat = append(idat, 0x78, 0x01)
	sum := uint32(1)
	for i := range ps {
		idat = append(idat, ps[i].deflated.Bytes()...)
		sum = adler32Combine(sum, ps[i].adler, ps[i].n)
	}
	idat = binary.BigEndian.AppendUint32(idat, sum)

	var out bytes.Buffer
	out.Grow(len(idat) + 64)
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bits per sample
	ihdr[9] = 2 // colour type: RGB
	writeChunk(&out, "IHDR", ihdr[:])
	writeChunk(&out, "IDAT", idat)
	writeChunk(&out, "IEND", nil)
	return out.Bytes(), nil
}

// minPartRows is the fewest rows worth a part of their own.
const minPartRows = 64

// deflateRows filters the rows y0 to y1 of img and deflates them into out
// as raw deflate blocks: the stream's last block when last is set, else
// ending on a byte boundary with a sync flush, so that the next part's
// blocks can follow. It returns the Adler-32 and the length of the rows.
func deflateRows(out *bytes.Buffer, img *image.RGBA, y0, y1 int, last bool) (uint32, int, error) {
	b := img.Bounds()
	w := b.Dx()
	n := 3 * w
	out.Grow((y1 - y0) * n / 16)
	fw, err := flate.NewWriter(out, flate.BestSpeed)
	if err != nil {
		return 0, 0, err
	}
	sum := adler32.New()
	prev := make([]byte, n) // the row above, unfiltered; zero above the first
	cur := make([]byte, n)
	up := make([]byte, 1+n)
	sub := make([]byte, 1+n)
	up[0], sub[0] = 2, 1
	if y0 > 0 {
		o := img.PixOffset(b.Min.X, b.Min.Y+y0-1)
		rgbRow(prev, img.Pix[o:o+4*w])
	}
	for y := y0; y < y1; y++ {
		o := img.PixOffset(b.Min.X, b.Min.Y+y)
		rgbRow(cur, img.Pix[o:o+4*w])
		row := up
		if filterRows(up[1:], sub[1:], cur, prev) {
			row = sub
		}
		sum.Write(row)
		if _, err := fw.Write(row); err != nil {
			return 0, 0, err
		}
		prev, cur = cur, prev
	}
	if last {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	return sum.Sum32(), (y1 - y0) * (1 + n), err
}

// adler32Combine returns the Adler-32 of a stream from that of its first
// part (a) and that of its second (b), n bytes long (as zlib's
// adler32_combine).
func adler32Combine(a, b uint32, n int) uint32 {
	const base = 65521
	rem := uint64(n % base)
	s1 := uint64(a & 0xffff)
	s2 := rem * s1 % base
	s1 += uint64(b&0xffff) + base - 1
	s2 += uint64(a>>16) + uint64(b>>16) + base - rem
	return uint32(s1%base) | uint32(s2%base)<<16
}

// rgbRow copies the colour of each RGBA pixel of pix into rgb.
func rgbRow(rgb, pix []byte) {
	for len(pix) >= 4 && len(rgb) >= 3 {
		rgb[0], rgb[1], rgb[2] = pix[0], pix[1], pix[2]
		rgb, pix = rgb[3:], pix[4:]
	}
}

// filterRows writes cur filtered by Up (against prev) into up and by Sub
// into sub, and reports whether Sub did better, by the sum of the bytes'
// sizes as signed differences (the usual measure).
func filterRows(up, sub, cur, prev []byte) bool {
	n := len(cur)
	up, sub, prev = up[:n], sub[:n], prev[:n]
	upCost, subCost := 0, 0
	for i := range n {
		u := cur[i] - prev[i]
		up[i] = u
		upCost += int(cost8[u])
	}
	for i := 0; i < 3 && i < n; i++ {
		sub[i] = cur[i]
		subCost += int(cost8[cur[i]])
	}
	for i := 3; i < n; i++ {
		s := cur[i] - cur[i-3]
		sub[i] = s
		subCost += int(cost8[s])
	}
	return subCost < upCost
}

// cost8 is the size of a filtered byte read as a signed difference.
var cost8 = func() (t [256]uint8) {
	for i := range t {
		if i < 128 {
			t[i] = uint8(i)
		} else {
			t[i] = uint8(256 - i)
		}
	}
	return t
}()

// opaqueRGBA reports whether every pixel of img is opaque.
func opaqueRGBA(img *image.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := img.PixOffset(b.Min.X, y)
		row := img.Pix[i : i+4*b.Dx()]
		for x := 3; x < len(row); x += 4 {
			if row[x] != 0xff {
				return false
			}
		}
	}
	return true
}

// writeChunk writes one PNG chunk: length, type, data and CRC.
func writeChunk(out *bytes.Buffer, typ string, data []byte) {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	out.Write(head[:])
	out.Write(data)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc.Sum32())
	out.Write(sum[:])
}
