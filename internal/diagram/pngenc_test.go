package diagram

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
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
		back, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if back.Bounds() != img.Bounds() {
			t.Fatalf("%s: bounds %v, want %v", tc.name, back.Bounds(), img.Bounds())
		}
		for y := range 117 {
			for x := range 203 {
				r1, g1, b1, a1 := img.At(x, y).RGBA()
				r2, g2, b2, a2 := back.At(x, y).RGBA()
				// Translucent pixels are stored unpremultiplied: within one step.
				if far(r1, r2) || far(g1, g2) || far(b1, b2) || a1 != a2 || !tc.alpha && (r1 != r2 || g1 != g2 || b1 != b2) {
					t.Fatalf("%s: pixel (%d,%d) is %v, want %v", tc.name, x, y, back.At(x, y), img.At(x, y))
				}
			}
		}
	}
}

func far(a, b uint32) bool { return max(a, b)-min(a, b) > 0x101 }
