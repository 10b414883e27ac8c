package gvworker

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"testing"
)

// TestEncodePNGKeepsEveryPixel: an opaque picture is written as RGB, one
// with transparency as RGBA, and either reads back pixel for pixel.
func TestEncodePNGKeepsEveryPixel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name      string
		alpha     bool
		colorType byte
	}{{"opaque", false, 2}, {"transparent", true, 6}} {
		img := image.NewRGBA(image.Rect(0, 0, 203, 117))
		for y := range 117 {
			for x := range 203 {
				c := color.RGBA{255, 255, 255, 255}
				switch {
				case (x/20+y/15)%3 == 0: // flat blocks, as a drawing has
					c = color.RGBA{30, 60, 90, 255}
				case x%17 == y%13: // and thin lines
					c = color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
				}
				if tc.alpha && y > 100 {
					c = color.RGBA{c.R / 2, c.G / 2, c.B / 2, 128}
				}
				img.SetRGBA(x, y, c)
			}
		}
		b, err := encodePNG(img)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 26 || b[25] != tc.colorType {
			t.Fatalf("%s: colour type %v, want %d", tc.name, b[25:26], tc.colorType)
		}
		checkPixels(t, tc.name, img, b, tc.alpha)
	}
}

// TestEncodeRGBInParts: the rows compressed in 1 to 5 parts make one zlib
// stream, whose checksum holds, and the same picture.
func TestEncodeRGBInParts(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 97, 211))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		if i%4 == 3 {
			img.Pix[i] = 255
		} else if (i/4/97)%7 < 3 {
			img.Pix[i] = uint8(rng.IntN(256))
		} else {
			img.Pix[i] = 200
		}
	}
	for parts := 1; parts <= 5; parts++ {
		b, err := encodeRGB(img, parts)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%d parts", parts)
		// The IDAT chunk's zlib stream reads to its end, checksum and all.
		idat := b[8+25:]
		n := binary.BigEndian.Uint32(idat)
		if string(idat[4:8]) != "IDAT" {
			t.Fatalf("%s: chunk %q after IHDR", name, idat[4:8])
		}
		zr, err := zlib.NewReader(bytes.NewReader(idat[8 : 8+n]))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: the zlib stream: %v", name, err)
		}
		if len(rows) != 211*(1+3*97) {
			t.Fatalf("%s: %d bytes of rows, want %d", name, len(rows), 211*(1+3*97))
		}
		checkPixels(t, name, img, b, false)
	}
}

func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 200000)
	for i := range data {
		data[i] = uint8(rng.IntN(256))
	}
	for _, cut := range []int{0, 1, 65520, 65521, 65522, 100000, 200000} {
		got := adler32Combine(adler32.Checksum(data[:cut]), adler32.Checksum(data[cut:]), len(data)-cut)
		if want := adler32.Checksum(data); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// checkPixels decodes b and compares it with img, pixel for pixel
// (translucent pixels, stored unpremultiplied, within one step).
func checkPixels(t *testing.T, name string, img *image.RGBA, b []byte, alpha bool) {
	t.Helper()
	back, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if back.Bounds() != img.Bounds() {
		t.Fatalf("%s: bounds %v, want %v", name, back.Bounds(), img.Bounds())
	}
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			r1, g1, b1, a1 := img.At(x, y).RGBA()
			r2, g2, b2, a2 := back.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) || a1 != a2 || !alpha && (r1 != r2 || g1 != g2 || b1 != b2) {
				t.Fatalf("%s: pixel (%d,%d) is %v, want %v", name, x, y, back.At(x, y), img.At(x, y))
			}
		}
	}
}

func far(a, b uint32) bool { return max(a, b)-min(a, b) > 0x101 }
