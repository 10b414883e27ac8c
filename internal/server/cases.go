package server

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/rubric"
)

// caseView is a case with its Markdown rendered once, at start.
type caseView struct {
	*catalog.Case
	PromptHTML template.HTML
	Questions  []questionView
	Hints      map[string]template.HTML
	Sources    []catalog.Source
	RubricView []rubricDimension
	RedFlags   []rubricItem
	AutoShare  int           // percent of points checked automatically
	BodyHTML   template.HTML // the page's body, the same for every visitor, rendered at start
	CardHTML   template.HTML // the catalog's card of the case, rendered at start
	sourceNum  map[string]int
}

// rubricDimension is one dimension of a case's published rubric.
type rubricDimension struct {
	Name   string
	Points int
	Items  []rubricItem
}

type rubricItem struct {
	ID       string
	Title    string
	Decision string
	Reason   string // red flags: why an expert marks it down
	Points   int
	Levels   []string
	Checks   []string // what the automatic checks look for, in words
}

// newRedFlagView lists the rubric's red flags as the case page shows them.
func newRedFlagView(c *catalog.Case) []rubricItem {
	var out []rubricItem
	for _, it := range c.Rubric.RedFlags() {
		out = append(out, rubricItem{ID: it.ID, Title: it.Title, Reason: it.Reason, Points: it.Points})
	}
	return out
}

func newRubricView(c *catalog.Case) []rubricDimension {
	var out []rubricDimension
	for _, dim := range rubric.Dimensions {
		d := rubricDimension{Name: dim}
		for _, it := range c.Rubric.Scored() {
			if it.Dimension != dim {
				continue
			}
			ri := rubricItem{ID: it.ID, Title: it.Title, Decision: it.Decision, Points: it.Points, Levels: it.Levels}
			for i := range it.Checks {
				ri.Checks = append(ri.Checks, c.Engine.Describe(&it.Checks[i]))
			}
			d.Items = append(d.Items, ri)
			d.Points += it.Points
		}
		if len(d.Items) > 0 {
			out = append(out, d)
		}
	}
	return out
}

type questionView struct {
	Question   string
	AnswerHTML template.HTML
	Sources    []int
}

func newCaseView(c *catalog.Case, cat *catalog.Catalog) *caseView {
	v := &caseView{Case: c, PromptHTML: renderMarkdown(c.Prompt), Hints: map[string]template.HTML{}, Sources: c.Sources, sourceNum: map[string]int{}}
	for i, s := range c.Sources {
		v.sourceNum[s.ID] = i + 1
	}
	for _, q := range c.Questions {
		v.Questions = append(v.Questions, questionView{Question: q.Question, AnswerHTML: renderMarkdown(q.Answer), Sources: v.refs(q.Sources)})
	}
	for k, h := range c.Hints {
		v.Hints[k] = renderMarkdown(h)
	}
	if c.Rubric != nil && c.Engine != nil {
		v.RubricView = newRubricView(c)
		v.RedFlags = newRedFlagView(c)
		v.AutoShare = int(100*c.Rubric.AutomaticShare() + 0.5)
	}
	return v
}

// refs returns the numbers of the given sources in the case's source list.
func (v *caseView) refs(ids []string) []int {
	var ns []int
	for _, id := range ids {
		if n, ok := v.sourceNum[id]; ok {
			ns = append(ns, n)
		}
	}
	return ns
}

// FactRefs returns the source numbers of fact i.
func (v *caseView) FactRefs(i int) []int { return v.refs(v.Facts[i].Sources) }

type catalogPage struct {
	Cases        []*catalog.Case
	Cards        []template.HTML
	Tags         []string
	Tag          string
	Difficulty   string
	Query        string
	Difficulties []string
	Total        int
}

func (catalogPage) PageTitle() string { return "Cases" }

// catalogFilter selects cases by tag, difficulty and words of the title,
// summary or prompt.
type catalogFilter struct {
	Tag        string
	Difficulty string
	Query      string
}

func filterFrom(c echo.Context) catalogFilter {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	return catalogFilter{Tag: c.QueryParam("tag"), Difficulty: c.QueryParam("difficulty"), Query: q}
}

// apply returns the cases that match f, in catalog order.
func (f catalogFilter) apply(cases []*catalog.Case) []*catalog.Case {
	words := strings.Fields(strings.ToLower(f.Query))
	var out []*catalog.Case
	for _, k := range cases {
		if f.Tag != "" && !slices.Contains(k.Tags, f.Tag) {
			continue
		}
		if f.Difficulty != "" && k.Difficulty != f.Difficulty {
			continue
		}
		if len(words) > 0 {
			text := strings.ToLower(k.Title + " " + k.Summary + " " + k.Prompt + " " + strings.Join(k.Tags, " "))
			if !containsAll(text, words) {
				continue
			}
		}
		out = append(out, k)
	}
	return out
}

func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

func (s *Server) handleCatalog(c echo.Context) error {
	f := filterFrom(c)
	if f == (catalogFilter{}) {
		return s.serveCached(c, "catalog:"+viewerKey(currentUser(c)), "catalog", func() any { return s.catalogPage(f) })
	}
	return s.renderPage(c, http.StatusOK, "catalog", s.catalogPage(f))
}

func (s *Server) catalogPage(f catalogFilter) catalogPage {
	p := catalogPage{
		Cases: f.apply(s.cat.Cases), Tags: s.views.tags, Tag: f.Tag, Difficulty: f.Difficulty, Query: f.Query,
		Difficulties: catalog.Difficulties, Total: len(s.cat.Cases),
	}
	for _, k := range p.Cases {
		p.Cards = append(p.Cards, s.views.cards[k.Slug])
	}
	return p
}

// serveCached sends the page of the cache key, rendering its content for
// the viewer first when it is not cached.
func (s *Server) serveCached(c echo.Context, key, name string, page func() any) error {
	cp := s.pages.get(key)
	if cp == nil {
		var err error
		if cp, err = s.renderContent(key, name, page(), currentUser(c)); err != nil {
			return err
		}
		s.pages.put(cp)
	}
	return s.sendCached(c, cp)
}

func allTags(cat *catalog.Catalog) []string {
	var tags []string
	for _, c := range cat.Cases {
		for _, t := range c.Tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	return tags
}

type casePage struct {
	Case *caseView
}

func (p casePage) PageTitle() string { return p.Case.Title }

// caseBySlug returns the case view for the :slug parameter, or a 404 error.
func (s *Server) caseBySlug(c echo.Context) (*caseView, error) {
	slug := strings.ToLower(c.Param("slug"))
	v := s.views.caseView(slug)
	if v == nil {
		return nil, notFound("This case")
	}
	return v, nil
}

func (s *Server) handleCase(c echo.Context) error {
	v, err := s.caseBySlug(c)
	if err != nil {
		return err
	}
	return s.serveCached(c, "case:"+v.Slug+":"+viewerKey(currentUser(c)), "case", func() any { return casePage{Case: v} })
}
