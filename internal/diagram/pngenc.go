package diagram

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
)

// encodePNG writes a drawing as PNG. An opaque picture (all of them but
// those with a transparent background) is written as 8-bit RGB, each row
// with the cheaper of the Sub and Up filters, compressed at zlib's fastest
// level with string matching; it is a quarter smaller and several times
// faster to write than the standard encoder, which tries all five filters
// on every row. Anything else goes to the standard encoder, as RGBA.
func encodePNG(img *image.RGBA) ([]byte, error) {
	if !opaqueRGBA(img) {
		var buf bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, img); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out bytes.Buffer
	out.Grow(w * h / 8)
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bits per sample
	ihdr[9] = 2 // colour type: RGB
	writeChunk(&out, "IHDR", ihdr[:])

	var idat bytes.Buffer
	idat.Grow(w * h / 8)
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	n := 3 * w
	prev := make([]byte, n) // the row above, unfiltered; zero above the first
	cur := make([]byte, n)
	up := make([]byte, 1+n)
	sub := make([]byte, 1+n)
	up[0], sub[0] = 2, 1
	for y := range h {
		o := img.PixOffset(b.Min.X, b.Min.Y+y)
		rgbRow(cur, img.Pix[o:o+4*w])
		row := up
		if filterRows(up[1:], sub[1:], cur, prev) {
			row = sub
		}
		if _, err := zw.Write(row); err != nil {
			return nil, err
		}
		prev, cur = cur, prev
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	writeChunk(&out, "IDAT", idat.Bytes())
	writeChunk(&out, "IEND", nil)
	return out.Bytes(), nil
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
