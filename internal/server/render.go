package server

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
)

// markdown renders Markdown with raw HTML left out and dangerous link
// schemes dropped (goldmark's defaults), so user text cannot inject markup.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// renderMarkdown returns src as safe HTML.
func renderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(b.String())
}

// views holds every page template, parsed once at start, and the
// pre-rendered Markdown of each case.
type views struct {
	pages  map[string]*template.Template
	shell  *template.Template       // the layout around a cached content (see pageCache)
	lazy   map[string]*lazyCase     // each case's views, see caseView
	cards  map[string]template.HTML // the catalog's card of each case, rendered at start
	tags   []string                 // every tag of the catalog, sorted
	bufs   sync.Pool
	assets *assets

	// version names the templates, assets and cases that pages are made
	// of, for ETags: the same on every server with the same build and cases.
	version string
	// csrfMark and contentMark are random placeholders, never sent: where
	// a cached content takes the CSRF token, and where the shell takes the
	// content.
	csrfMark, contentMark string
}

var funcs = template.FuncMap{
	"markdown":  renderMarkdown,
	"date":      func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
	"isodate":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clocktime": func(t time.Time) string { return t.UTC().Format("15:04") },
	"duration": func(sec int) string {
		if sec < 60 {
			return strconv.Itoa(sec) + " s"
		}
		return strconv.Itoa(sec/60) + " min " + strconv.Itoa(sec%60) + " s"
	},
	"join": strings.Join,
	"add":  func(a, b int) int { return a + b },
	"title": func(s string) string {
		return strings.ReplaceAll(strings.ToUpper(s[:min(1, len(s))])+s[min(1, len(s)):], "_", " ")
	},
	"humanize":  func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"options":   optionsHTML,
	"listrows":  listRowsHTML,
	"fieldhtml": fieldHTML,
	"noderows":  nodeRowsHTML,
	"edgerows":  edgeRowsHTML,
	"pct":       func(x float64) float64 { return 100 * x },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"seq": func(a, b int) []int {
		var out []int
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
		return out
	},
	"deref": func(p any) any {
		switch v := p.(type) {
		case *int:
			if v != nil {
				return *v
			}
			return 0
		case *float64:
			if v != nil {
				return *v
			}
			return 0.0
		}
		return p
	},
}

func newViews(fsys, static fs.FS, generated map[string][]byte, cat *catalog.Catalog) (*views, error) {
	v := &views{pages: map[string]*template.Template{}, lazy: map[string]*lazyCase{}, cards: map[string]template.HTML{},
		csrfMark: randomMark(), contentMark: randomMark()}
	v.bufs.New = func() any { return new(bytes.Buffer) }
	var err error
	if v.assets, err = newAssets(static, generated); err != nil {
		return nil, err
	}
	base, err := template.New("layout.html").Funcs(funcs).Funcs(template.FuncMap{"asset": v.assets.urlOf}).
		ParseFS(fsys, "templates/layout.html", "templates/partials*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if v.shell, err = template.Must(base.Clone()).Parse(`{{define "content"}}{{.Page}}{{end}}`); err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "partials") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		v.pages[name] = t
	}
	for _, need := range []string{"error", "catalog", "case", "login", "signup", "designs", "design", "view", "report", "queue", "calibrate", "review", "design_reviews", "profile", "mentor", "followups", "compare", "progress", "diagram", "submit", "drills", "drill", "drill_attempt", "drills_due", "drill_sets", "drill_set", "drill_set_report", "drills_progress", "drill_loop", "drill_loop_report", "drill_queue", "drill_calibrate", "drill_review", "drill_upload"} {
		if v.pages[need] == nil {
			return nil, fmt.Errorf("template %s.html is missing", need)
		}
	}
	if cat != nil {
		v.tags = allTags(cat)
		for _, c := range cat.Cases {
			var b bytes.Buffer
			if err := v.pages["catalog"].ExecuteTemplate(&b, "card", c); err != nil {
				return nil, fmt.Errorf("case %s: %w", c.Slug, err)
			}
			v.cards[c.Slug] = template.HTML(b.String())
			v.lazy[c.Slug] = &lazyCase{c: c, cat: cat}
		}
	}
	v.version = viewsVersion(fsys, v, cat)
	return v, nil
}

// lazyCase is a case's views, made on first use (or by warmCases, in the
// background from the start): describing a rubric's checks in words takes
// longer than everything else the server does at start.
type lazyCase struct {
	once  sync.Once
	c     *catalog.Case
	cat   *catalog.Catalog
	view  *caseView
	brief template.HTML // the editor's brief of the case
	err   error
}

func (lc *lazyCase) build(v *views) {
	cv := newCaseView(lc.c, lc.cat)
	var b bytes.Buffer
	if err := v.pages["case"].ExecuteTemplate(&b, "casebody", cv); err != nil {
		lc.err = fmt.Errorf("case %s: %w", lc.c.Slug, err)
		return
	}
	cv.BodyHTML = template.HTML(b.String())
	cv.CardHTML = v.cards[lc.c.Slug]
	b.Reset()
	if err := v.pages["design"].ExecuteTemplate(&b, "brief", cv); err != nil {
		lc.err = fmt.Errorf("case %s: %w", lc.c.Slug, err)
		return
	}
	lc.view, lc.brief = cv, template.HTML(b.String())
}

func (v *views) made(slug string) *lazyCase {
	lc := v.lazy[slug]
	if lc != nil {
		lc.once.Do(func() { lc.build(v) })
	}
	return lc
}

// caseView returns the view of the case slug, or nil when there is no
// such case (or its page could not be rendered, which warmCases reports).
func (v *views) caseView(slug string) *caseView {
	if lc := v.made(slug); lc != nil {
		return lc.view
	}
	return nil
}

// brief returns the editor's brief of the case slug.
func (v *views) brief(slug string) template.HTML {
	if lc := v.made(slug); lc != nil {
		return lc.brief
	}
	return ""
}

// warmCases makes every case's views and returns the first error.
func (v *views) warmCases() error {
	for _, slug := range slices.Sorted(maps.Keys(v.lazy)) {
		if lc := v.made(slug); lc.err != nil {
			return lc.err
		}
	}
	return nil
}

// layoutData is what every page template receives.
type layoutData struct {
	Title     string
	MainClass string // "wide" for pages that need the whole width
	User      *auth.User
	Counts    *reviewCounts
	CSRF      string
	Flash     string
	Page      any
}

// Render implements echo.Renderer for layoutData.
func (v *views) Render(w io.Writer, name string, data any, c echo.Context) error {
	t, ok := v.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	// Render into a buffer first, so that a template error gives a clean
	// error page instead of half a page.
	b := v.bufs.Get().(*bytes.Buffer)
	b.Reset()
	defer v.bufs.Put(b)
	if err := t.ExecuteTemplate(b, "layout", data); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// layoutFor returns the layout's data of this request: the user, their
// navigation counts, the CSRF token and the flash, which it pops.
func (s *Server) layoutFor(c echo.Context) layoutData {
	data := layoutData{User: currentUser(c)}
	if data.User != nil {
		var ok bool
		if data.Counts, ok = c.Get(countsKey).(*reviewCounts); !ok {
			data.Counts = s.countsFor(c, data.User)
		}
	}
	data.CSRF, _ = c.Get("csrf").(string)
	if c.Request().Method == http.MethodGet && c.Get(sessionKey) != nil {
		data.Flash = s.sessions.PopString(c.Request().Context(), "flash")
	}
	return data
}

// renderPage renders the named page inside the layout.
func (s *Server) renderPage(c echo.Context, status int, name string, page any) error {
	data := s.layoutFor(c)
	data.Page = page
	if t, ok := page.(interface{ PageTitle() string }); ok {
		data.Title = t.PageTitle()
	}
	if w, ok := page.(interface{ MainClass() string }); ok {
		data.MainClass = w.MainClass()
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.writePage(c, status, name, data)
}

// writePage renders the named page with data into a buffer (so that a
// template error gives a clean error page instead of half a page) and
// sends it.
func (s *Server) writePage(c echo.Context, status int, name string, data layoutData) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	b := s.views.bufs.Get().(*bytes.Buffer)
	b.Reset()
	defer s.views.bufs.Put(b)
	if err := t.ExecuteTemplate(b, "layout", data); err != nil {
		return err
	}
	return s.send(c, status, data.CSRF, b.Bytes())
}

func (e errorPage) PageTitle() string { return http.StatusText(e.Status) }

// optionsHTML writes the <option> elements of a select, with selected
// marked and underscores shown as spaces. A function rather than a template
// loop: forms carry hundreds of options and this keeps pages fast. Option
// lists are few and fixed (the template's, the node kinds), so each
// (list, selection) pair is built once.
func optionsHTML(values []string, selected string) template.HTML {
	if len(values) == 0 {
		return ""
	}
	key := optionsKey{first: &values[0], n: len(values), selected: selected}
	if h, ok := optionsCache.Load(key); ok {
		return h.(template.HTML)
	}
	var b strings.Builder
	for _, v := range values {
		e := template.HTMLEscapeString(v)
		b.WriteString(`<option value="`)
		b.WriteString(e)
		b.WriteString(`"`)
		if v == selected {
			b.WriteString(" selected")
		}
		b.WriteString(">")
		b.WriteString(strings.ReplaceAll(e, "_", " "))
		b.WriteString("</option>")
	}
	h := template.HTML(b.String())
	if slices.Contains(values, selected) || selected == "" {
		// Only selections among the options are kept, so that stray input
		// cannot grow the cache.
		optionsCache.Store(key, h)
	}
	return h
}

type optionsKey struct {
	first    *string
	n        int
	selected string
}

var optionsCache sync.Map
