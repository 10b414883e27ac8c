package server

import (
	"bytes"
	"container/list"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
)

// The pages a user comes back to most (the editor, a design they read, a
// case, the catalog) keep their content, rendered once, in a cache. A
// cached content belongs to one viewer: its key always holds the viewer's
// id, so that no cache serves one user's page to another. It is rendered
// with a placeholder where the CSRF token goes, and split there; the
// layout around it (the navigation bar with the user's name and counts,
// the flash, the token) is rendered on every request.
//
// Such pages carry an ETag of everything their bytes depend on: the
// build and cases (views.version), the page and its design's version, the
// viewer, their navigation counts, the CSRF token and the flash. A repeat
// with If-None-Match gets 304. They are sent with "private, no-cache": a
// browser may keep them but asks each time, and shared caches keep none.

// cachedPage is a page's content rendered for one viewer.
type cachedPage struct {
	key       string
	version   int64 // of the design shown; 0 for other pages
	status    design.Status
	title     string
	mainClass string
	parts     []*piece // the content, split where the CSRF token goes
	size      int64
}

// pageCache is a least-recently-used cache of page contents, bounded in bytes.
type pageCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used
	items map[string]*list.Element
}

func newPageCache(max int64) *pageCache {
	return &pageCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (pc *pageCache) get(key string) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.items[key]
	if !ok {
		return nil
	}
	pc.order.MoveToFront(el)
	return el.Value.(*cachedPage)
}

func (pc *pageCache) put(cp *cachedPage) {
	if cp.size > pc.max/4 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.items[cp.key]; ok {
		pc.size -= el.Value.(*cachedPage).size
		pc.order.Remove(el)
	}
	pc.items[cp.key] = pc.order.PushFront(cp)
	pc.size += cp.size
	for pc.size > pc.max {
		old := pc.order.Back()
		pc.order.Remove(old)
		delete(pc.items, old.Value.(*cachedPage).key)
		pc.size -= old.Value.(*cachedPage).size
	}
}

func (pc *pageCache) remove(key string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.items[key]; ok {
		pc.size -= el.Value.(*cachedPage).size
		pc.order.Remove(el)
		delete(pc.items, key)
	}
}

// viewerKey names the viewer in a cache key: the user's id, or 0 for a
// visitor who is not signed in (whose pages hold nothing of anyone).
func viewerKey(u *auth.User) string {
	if u == nil {
		return "0"
	}
	return itoa(u.ID)
}

// renderContent renders the "content" template of page name for user,
// with the CSRF placeholder, and splits it there. The content may use
// .Page, .User and .CSRF of the layout's data; the other fields are the
// layout's, per request.
func (s *Server) renderContent(key, name string, page any, u *auth.User) (*cachedPage, error) {
	var b bytes.Buffer
	if err := s.views.pages[name].ExecuteTemplate(&b, "content", layoutData{User: u, CSRF: s.views.csrfMark, Page: page}); err != nil {
		return nil, err
	}
	cp := &cachedPage{key: key}
	if t, ok := page.(interface{ PageTitle() string }); ok {
		cp.title = t.PageTitle()
	}
	if m, ok := page.(interface{ MainClass() string }); ok {
		cp.mainClass = m.MainClass()
	}
	raw, mark := b.Bytes(), []byte(s.views.csrfMark)
	for {
		i := bytes.Index(raw, mark)
		if i < 0 {
			break
		}
		cp.parts = append(cp.parts, newPiece(raw[:i:i]))
		raw = raw[i+len(mark):]
	}
	cp.parts = append(cp.parts, newPiece(raw))
	// The raw bytes, and about a quarter of them for each compressed form.
	cp.size = int64(b.Len()) * 3 / 2
	return cp, nil
}

// sendCached sends a cached content inside this request's layout, or 304
// when the client holds this very page.
func (s *Server) sendCached(c echo.Context, cp *cachedPage) error {
	data := s.layoutFor(c)
	data.Title, data.MainClass, data.Page = cp.title, cp.mainClass, template.HTML(s.views.contentMark)
	etag := s.pageETag(cp, &data, true)
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if etagMatch(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	sh, err := s.shellFor(s.shellKey(cp, &data), &data)
	if err != nil {
		return err
	}
	return s.sendPieces(c, data.CSRF, sh.head, cp.parts, sh.tail)
}

// shell is the layout of a cached page, cut where the content goes, and
// each half cut where the CSRF token goes.
type shell struct{ head, tail []*piece }

// shellFor returns the layout for data, rendered once per key with the
// CSRF placeholder: the key names every other input of the layout, so a
// repeat of a page takes no template at all, whoever asks, and a
// first-time visitor (with a token of their own) takes none either.
func (s *Server) shellFor(key string, data *layoutData) (shell, error) {
	s.shellMu.Lock()
	sh, ok := s.shells[key]
	s.shellMu.Unlock()
	if ok {
		return sh, nil
	}
	var b bytes.Buffer
	marked := *data
	marked.CSRF = s.views.csrfMark
	if err := s.views.shell.ExecuteTemplate(&b, "layout", &marked); err != nil {
		return shell{}, err
	}
	out := b.Bytes()
	i := bytes.Index(out, []byte(s.views.contentMark))
	if i < 0 {
		return shell{}, errNoContentMark
	}
	mark := []byte(s.views.csrfMark)
	sh = shell{head: cutPieces(out[:i:i], mark), tail: cutPieces(out[i+len(s.views.contentMark):], mark)}
	s.shellMu.Lock()
	if len(s.shells) >= maxShells {
		clear(s.shells)
	}
	s.shells[key] = sh
	s.shellMu.Unlock()
	return sh, nil
}

// maxShells bounds the layouts kept (a few kilobytes each); past it, the
// cache starts over.
const maxShells = 4096

var errNoContentMark = &appError{Status: http.StatusInternalServerError, Message: "The page could not be laid out."}

// cutPieces cuts b at each mark into pieces.
func cutPieces(b, mark []byte) []*piece {
	var out []*piece
	for {
		i := bytes.Index(b, mark)
		if i < 0 {
			return append(out, newPiece(b))
		}
		out = append(out, newPiece(b[:i:i]))
		b = b[i+len(mark):]
	}
}

// shellKey names the inputs of a cached page's layout but the CSRF token.
func (s *Server) shellKey(cp *cachedPage, d *layoutData) string {
	return s.pageETag(cp, d, false)
}

// pageETag is a weak validator (the same for every content coding) of
// everything the bytes of a cached page depend on.
func (s *Server) pageETag(cp *cachedPage, d *layoutData, withCSRF bool) string {
	h := sha256.New()
	var n [8]byte
	field := func(v string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(v)))
		h.Write(n[:])
		h.Write([]byte(v))
	}
	field(s.views.version)
	field(cp.key)
	field(itoa(cp.version))
	field(string(cp.status))
	if d.User != nil {
		field(itoa(d.User.ID))
		field(d.User.Name)
		field(string(d.User.Role))
	}
	if d.Counts != nil {
		field(itoa(int64(d.Counts.Waiting)))
		field(itoa(int64(d.Counts.Unread)))
	}
	if withCSRF {
		field(d.CSRF)
	}
	field(d.Flash)
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// etagMatch reports whether If-None-Match holds etag, by the weak
// comparison that If-None-Match uses.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for part := range strings.SplitSeq(header, ",") {
		p := strings.TrimSpace(part)
		if p == "*" || strings.TrimPrefix(p, "W/") == want {
			return true
		}
	}
	return false
}

// send writes an HTML page rendered for this request, in the coding the
// client accepts. Each CSRF token in it is compressed apart from the rest.
func (s *Server) send(c echo.Context, status int, csrf string, page []byte) error {
	sp := s.startPage(c, status, len(page))
	if sp == nil {
		return nil
	}
	sp.split(page, []byte(csrf))
	return sp.finish()
}

// sendPieces sends a cached page with status 200: runs of shared pieces,
// one after another, with this response's CSRF token between the pieces
// of each run.
func (s *Server) sendPieces(c echo.Context, csrf string, runs ...[]*piece) error {
	n := 0
	for _, run := range runs {
		n += max(len(run)-1, 0) * len(csrf)
		for _, p := range run {
			n += len(p.raw)
		}
	}
	sp := s.startPage(c, http.StatusOK, n)
	if sp == nil {
		return nil
	}
	token := []byte(csrf)
	for _, run := range runs {
		for i, p := range run {
			if i > 0 {
				sp.dynamic(token)
			}
			sp.static(p)
		}
	}
	return sp.finish()
}

// startPage writes the header of an HTML page of n bytes, uncompressed,
// and returns the body's writer, or nil for a HEAD request.
func (s *Server) startPage(c echo.Context, status, n int) *splicer {
	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	enc := acceptedEncoding(c)
	c.Set(rawKey, true)
	if enc != identity {
		h.Set(echo.HeaderContentEncoding, enc.String())
	} else {
		// Known in advance: the body goes out unchunked.
		h.Set(echo.HeaderContentLength, strconv.Itoa(n))
	}
	res.WriteHeader(status)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	return newSplicer(res, enc)
}

// split writes b made for this response, with each occurrence of token
// compressed on its own.
func (s *splicer) split(b, token []byte) {
	if s.enc == identity || len(token) == 0 {
		s.dynamic(b)
		return
	}
	for {
		i := bytes.Index(b, token)
		if i < 0 {
			s.dynamic(b)
			return
		}
		s.dynamic(b[:i])
		s.dynamic(token)
		b = b[i+len(token):]
	}
}

// randomMark returns 32 random letters and digits: the shape of a CSRF
// token, so that templates escape it to itself.
func randomMark() string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 32)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// viewsVersion names what pages are made of: the templates, the assets,
// the cases as loaded, the design template, and the build. A build from
// a modified tree, or without version control information, adds a random
// salt, so that its pages never match those of another process.
func viewsVersion(templates fs.FS, v *views, cat *catalog.Catalog) string {
	h := sha256.New()
	fs.WalkDir(templates, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(templates, name)
			fmt.Fprintf(h, "%s %d\n", name, len(b))
			h.Write(b)
		}
		return nil
	})
	names := slices.Sorted(maps.Keys(v.assets.byName))
	for _, name := range names {
		fmt.Fprintf(h, "%s %s\n", name, v.assets.byName[name].etag)
	}
	salted := cat == nil
	if cat != nil {
		// The cases as loaded: what their views are made from.
		for _, c := range cat.Cases {
			for _, part := range []any{c, c.Rubric, c.Concepts} {
				b, err := json.Marshal(part)
				if err != nil {
					salted = true
				}
				h.Write(b)
			}
		}
	}
	if cat != nil {
		b, err := json.Marshal(cat.Template)
		salted = salted || err != nil
		h.Write(b)
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, modified := "", true
		for _, st := range bi.Settings {
			switch st.Key {
			case "vcs.revision":
				rev = st.Value
			case "vcs.modified":
				modified = st.Value == "true"
			}
		}
		fmt.Fprintf(h, "%s %s %s\n", bi.GoVersion, bi.Main.Version, rev)
		salted = salted || rev == "" || modified
	}
	if salted {
		h.Write([]byte(randomMark()))
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}
