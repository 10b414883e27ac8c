package server

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/labstack/echo/v4"
)

// encoding is the content coding of a response body.
type encoding uint8

const (
	identity encoding = iota
	gzipCoding
	zstdCoding
)

// String returns the coding's name in Content-Encoding.
func (e encoding) String() string {
	switch e {
	case gzipCoding:
		return "gzip"
	case zstdCoding:
		return "zstd"
	}
	return "identity"
}

// negotiate picks the coding of a response from the request's
// Accept-Encoding: zstd, else gzip, when the client accepts it with a
// quality above zero (a "*" accepts both); otherwise none.
func negotiate(header string) encoding {
	if header == "" {
		return identity
	}
	var zstdQ, gzipQ, anyQ float64 = -1, -1, -1
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				} else {
					q = 0
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "zstd":
			zstdQ = q
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			anyQ = q
		}
	}
	if zstdQ < 0 {
		zstdQ = anyQ
	}
	if gzipQ < 0 {
		gzipQ = anyQ
	}
	switch {
	case zstdQ > 0 && zstdQ >= gzipQ:
		return zstdCoding
	case gzipQ > 0:
		return gzipCoding
	}
	return identity
}

// compressible reports whether a body of this Content-Type shrinks when
// compressed: text, HTML, CSS, JavaScript, JSON, SVG, DOT.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case mt == "application/json", mt == "application/javascript", mt == "image/svg+xml", mt == "application/xml":
		return true
	}
	return false
}

// minCompress is the smallest body worth compressing.
const minCompress = 512

// Compression levels: pieces of pages cached for many requests are
// compressed harder, once; the rest is compressed as it is sent.
const (
	dynamicLevel = 5
	staticLevel  = 7
)

var flatePools [flate.BestCompression + 1]sync.Pool

func getFlate(level int) *flate.Writer {
	if w, ok := flatePools[level].Get().(*flate.Writer); ok {
		return w
	}
	w, _ := flate.NewWriter(nil, level)
	return w
}

func putFlate(level int, w *flate.Writer) {
	w.Reset(nil)
	flatePools[level].Put(w)
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, dynamicLevel)
	return w
}}

func newZstd(level zstd.EncoderLevel) *zstd.Encoder {
	// A 1 MiB window stays far below what browsers accept (8 MiB).
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithWindowSize(1<<20), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
	if err != nil {
		panic(err)
	}
	return e
}

// zstd encoders for whole bodies (EncodeAll is safe from many goroutines).
var (
	zstdFast = sync.OnceValue(func() *zstd.Encoder { return newZstd(zstd.SpeedFastest) })
	zstdGood = sync.OnceValue(func() *zstd.Encoder { return newZstd(zstd.SpeedDefault) })
)

// compressWhole returns body compressed with enc (gzip or zstd).
func compressWhole(enc encoding, body []byte) []byte {
	if enc == zstdCoding {
		return zstdFast().EncodeAll(body, make([]byte, 0, len(body)/4))
	}
	var out bytes.Buffer
	out.Grow(len(body) / 4)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&out)
	zw.Write(body)
	zw.Close()
	zw.Reset(nil)
	gzipPool.Put(zw)
	return out.Bytes()
}

const encodingKey = "encoding"

// rawKey marks a response whose body its handler already encoded.
const rawKey = "encoded"

// acceptedEncoding returns the coding negotiated for this request.
func acceptedEncoding(c echo.Context) encoding {
	e, _ := c.Get(encodingKey).(encoding)
	return e
}

// compress compresses responses of compressible types with the coding the
// client asks for, and says that responses vary by it. Pages write their
// own compressed bodies (see pageWriter) and are passed through.
func compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		enc := negotiate(c.Request().Header.Get(echo.HeaderAcceptEncoding))
		c.Set(encodingKey, enc)
		if enc == identity || c.Request().Method == http.MethodHead {
			return next(c)
		}
		cw := &compressWriter{ResponseWriter: res.Writer, enc: enc, c: c}
		res.Writer = cw
		defer func() {
			cw.finish()
			res.Writer = cw.ResponseWriter
		}()
		return next(c)
	}
}

// compressWriter holds a compressible body until the handler is done, then
// sends it compressed (or as it is, when it is short).
type compressWriter struct {
	http.ResponseWriter
	c       echo.Context
	enc     encoding
	code    int
	decided bool
	on      bool
	buf     bytes.Buffer
}

func (w *compressWriter) WriteHeader(code int) {
	if w.decided {
		return
	}
	w.decided, w.code = true, code
	h := w.Header()
	w.on = code >= 200 && code != http.StatusNoContent && code != http.StatusPartialContent && code != http.StatusNotModified &&
		h.Get(echo.HeaderContentEncoding) == "" && h.Get("Content-Range") == "" && w.c.Get(rawKey) == nil &&
		compressible(h.Get(echo.HeaderContentType))
	if !w.on {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get(echo.HeaderContentType) == "" {
			w.Header().Set(echo.HeaderContentType, http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if !w.on {
		return w.ResponseWriter.Write(b)
	}
	return w.buf.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) finish() {
	if !w.on {
		return
	}
	body := w.buf.Bytes()
	h := w.Header()
	if len(body) >= minCompress {
		body = compressWhole(w.enc, body)
		h.Set(echo.HeaderContentEncoding, w.enc.String())
		h.Del(echo.HeaderContentLength)
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et) // the same content, other bytes
		}
	}
	w.ResponseWriter.WriteHeader(w.code)
	w.ResponseWriter.Write(body)
}
