package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// asset is a static file, served under a name that carries a hash of its
// bytes, so that browsers may keep it for a year: a changed file has a new
// name.
type asset struct {
	url   string // /static/css/app.1a2b3c4d5e.css
	plain string // /static/css/app.css
	ctype string
	etag  string
	body  *piece
}

// assets are the files of web/static, and generated ones, by both names.
type assets struct {
	byName map[string]*asset // "css/app.css"
	byURL  map[string]*asset // both the fingerprinted and the plain URL
}

// immutable is the Cache-Control of a fingerprinted asset.
const immutable = "public, max-age=31536000, immutable"

func newAssets(static fs.FS, generated map[string][]byte) (*assets, error) {
	a := &assets{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		a.add(name, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	for name, b := range generated {
		a.add(name, b)
	}
	return a, nil
}

func (a *assets) add(name string, b []byte) {
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:5])
	ext := path.Ext(name)
	ctype := mime.TypeByExtension(ext)
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	as := &asset{
		url:   "/static/" + strings.TrimSuffix(name, ext) + "." + hash + ext,
		plain: "/static/" + name,
		ctype: ctype,
		etag:  `"` + hash + `"`,
		body:  newPiece(b),
	}
	a.byName[name] = as
	a.byURL[as.url] = as
	a.byURL[as.plain] = as
}

// url returns the fingerprinted URL of the asset name ("css/app.css"), for
// templates; an unknown name is an error, so a page never links a file
// that is not there.
func (a *assets) urlOf(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return as.url, nil
}

// handleAsset serves a static file, compressed when the client accepts it.
// Under its fingerprinted name it may be kept for a year; under its plain
// name it is revalidated each time.
func (s *Server) handleAsset(c echo.Context) error {
	p := c.Request().URL.Path
	as, ok := s.views.assets.byURL[p]
	if !ok {
		return echo.ErrNotFound
	}
	return s.sendAsset(c, as, p == as.url)
}

func (s *Server) sendAsset(c echo.Context, as *asset, fingerprinted bool) error {
	h := c.Response().Header()
	if fingerprinted {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	h.Set("ETag", as.etag)
	if etagMatch(c.Request().Header.Get("If-None-Match"), as.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	enc := identity
	if compressible(as.ctype) && len(as.body.raw) >= minCompress {
		enc = acceptedEncoding(c)
	}
	h.Set(echo.HeaderContentType, as.ctype)
	c.Set(rawKey, true)
	if enc != identity {
		h.Set(echo.HeaderContentEncoding, enc.String())
		h.Set("ETag", "W/"+as.etag)
	}
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	sp := newSplicer(c.Response(), enc)
	sp.static(as.body)
	return sp.finish()
}
