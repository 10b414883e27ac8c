package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/catalog"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/review"
	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/store"
)

// ReviewStore is what peer review needs of the database. Every rule of who
// may see what is enforced in these queries.
type ReviewStore interface {
	ReviewQueue(ctx context.Context, userID int64) ([]store.QueueItem, error)
	DesignForReview(ctx context.Context, viewerID, id int64) (*design.Design, review.Role, error)
	ReviewsFor(ctx context.Context, viewerID, id int64) ([]store.Review, review.Role, error)
	SubmitReview(ctx context.Context, reviewerID, id int64, levels review.Levels, comments map[string]string, comment string) (int64, error)
	SaveCalibration(ctx context.Context, userID int64, slug string, given, known review.Levels, result review.Calibration) error
	Calibrations(ctx context.Context, userID int64) (map[string]store.Calibration, error)
	RateReview(ctx context.Context, authorID, reviewID int64, score int) error
	MarkReviewsSeen(ctx context.Context, authorID, id int64) error
	SettleItem(ctx context.Context, mentorID, id int64, item string, level int, reason string) error
	Rulings(ctx context.Context, id int64) ([]store.Ruling, error)
	ReviewCounts(ctx context.Context, userID int64) (waiting, unread int, err error)
	DesignsWithReviews(ctx context.Context) ([]store.MentorItem, error)
}

// reviewError maps the store's review errors to what the user is told.
func reviewError(err error, slug string) error {
	switch {
	case errors.Is(err, store.ErrForbidden):
		return &appError{Status: http.StatusForbidden, Message: "You may not see or do this here. Reviewers see other reviews only after submitting their own; authors cannot review their own designs."}
	case errors.Is(err, store.ErrNotCalibrated):
		return &appError{Status: http.StatusConflict, Message: "Calibrate on this case first: review its reference design at /reviews/calibrate/" + slug + "."}
	case errors.Is(err, store.ErrExists):
		return &appError{Status: http.StatusConflict, Message: "This was already submitted, and a submitted review cannot be changed."}
	case isNotFound(err):
		return notFound("This design")
	}
	return err
}

// itemIDs returns the items reviewers score of a case's rubric.
func itemIDs(k *catalog.Case) []string { return scoredIDs(k.Rubric) }

// scoredIDs returns the ids of the items reviewers score, in order: every
// item of r but the red flags.
func scoredIDs(r *rubric.Rubric) []string {
	scored := r.Scored()
	ids := make([]string, len(scored))
	for i, it := range scored {
		ids[i] = it.ID
	}
	return ids
}

// knownLevels are the levels a calibration compares with: those the case
// pack sets, with reasons, for its calibration design.
func knownLevels(k *catalog.Case) review.Levels {
	known := review.Levels{}
	for id, kl := range k.CalibrationLevels {
		known[id] = kl.Level
	}
	return known
}

// autoLevels returns the automatic level of each checked item of d.
func autoLevels(k *catalog.Case, d *design.Design) map[string]int {
	out := map[string]int{}
	for _, it := range k.Engine.Check(k.Slug, d).Items {
		if it.Level != nil {
			out[it.ID] = *it.Level
		}
	}
	return out
}

// reviewForm is a review or a calibration as posted: "level.ITEM" = 0..3,
// "comment.ITEM" and "comment".
type reviewForm struct {
	Levels   review.Levels
	Comments map[string]string
	Comment  string
	Errors   map[string]string
}

func parseReviewForm(form url.Values, items []string) reviewForm {
	f := reviewForm{Levels: review.Levels{}, Comments: map[string]string{}}
	for _, id := range items {
		if v := form.Get("level." + id); v != "" {
			if l, err := strconv.Atoi(v); err == nil {
				f.Levels[id] = l
			} else {
				f.Levels[id] = -1
			}
		}
		if c := review.CleanComment(form.Get("comment." + id)); c != "" {
			f.Comments[id] = c
		}
	}
	f.Comment = review.CleanComment(form.Get("comment"))
	all := map[string]string{"": f.Comment}
	for k, v := range f.Comments {
		all[k] = v
	}
	f.Errors = review.Validate(items, f.Levels, all)
	return f
}

// formItem is one rubric item on a review form.
type formItem struct {
	ID      string
	Title   string
	Points  int
	Dim     string
	Levels  []string
	Given   *int
	Comment string
	Error   string
}

func formItems(k *catalog.Case, f reviewForm) []formItem { return rubricFormItems(k.Rubric, f) }

// rubricFormItems returns the items of a review form on rubric r, filled
// in from f.
func rubricFormItems(r *rubric.Rubric, f reviewForm) []formItem {
	out := make([]formItem, 0, len(r.Items))
	for _, it := range r.Scored() {
		fi := formItem{ID: it.ID, Title: it.Title, Points: it.Points, Dim: it.Dimension, Levels: it.Levels, Comment: f.Comments[it.ID], Error: f.Errors[it.ID]}
		if l, ok := f.Levels[it.ID]; ok {
			fi.Given = &l
		}
		out = append(out, fi)
	}
	return out
}

// ---- queue ----

type queueEntry struct {
	store.QueueItem
	CaseTitle  string
	Calibrated bool
}

type queuePage struct {
	Entries      []queueEntry
	Calibrations map[string]store.Calibration
}

func (queuePage) PageTitle() string { return "Reviews" }

func (s *Server) handleQueue(c echo.Context) error {
	ctx, u := c.Request().Context(), currentUser(c)
	q, err := s.reviews.ReviewQueue(ctx, u.ID)
	if err != nil {
		return err
	}
	cals, err := s.reviews.Calibrations(ctx, u.ID)
	if err != nil {
		return err
	}
	p := queuePage{Calibrations: cals}
	for _, it := range q {
		e := queueEntry{QueueItem: it, CaseTitle: it.Case}
		if k, ok := s.cat.Case(it.Case); ok {
			e.CaseTitle = k.Title
		}
		_, e.Calibrated = cals[it.Case]
		p.Entries = append(p.Entries, e)
	}
	return s.renderPage(c, http.StatusOK, "queue", p)
}

func (s *Server) apiQueue(c echo.Context) error {
	q, err := s.reviews.ReviewQueue(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"queue": q})
}

// ---- calibration ----

type calibratePage struct {
	Case    *catalog.Case
	View    designView
	Items   []formItem
	Result  *review.Calibration
	Titles  map[string]string
	Message string
}

// Why returns the reason the calibration design sits at its known level
// on an item.
func (p calibratePage) Why(id string) string { return p.Case.CalibrationLevels[id].Why }

func (p calibratePage) PageTitle() string { return "Calibrate: " + p.Case.Title }

func (s *Server) calibrationCase(c echo.Context) (*catalog.Case, error) {
	k, ok := s.cat.Case(c.Param("slug"))
	if !ok {
		return nil, notFound("This case")
	}
	return k, nil
}

func itemTitles(k *catalog.Case) map[string]string { return rubricTitles(k.Rubric) }

// rubricTitles returns the title of every item of r, by id.
func rubricTitles(r *rubric.Rubric) map[string]string {
	t := map[string]string{}
	for _, it := range r.Items {
		t[it.ID] = it.Title
	}
	return t
}

// blindCalibration returns the case's calibration design as a reviewer
// sees it.
func blindCalibration(k *catalog.Case) *design.Design {
	d := *k.Calibration
	d.ID, d.Title, d.OwnerID = 0, "", 0
	return &d
}

func (s *Server) handleReferencePipeline(c echo.Context) error {
	k, err := s.calibrationCase(c)
	if err != nil {
		return err
	}
	return s.writeImage(c, &k.Calibration.Pipeline, "svg", "")
}

func (s *Server) handleCalibrateForm(c echo.Context) error {
	k, err := s.calibrationCase(c)
	if err != nil {
		return err
	}
	p := calibratePage{Case: k, View: s.newDesignView(blindCalibration(k)), Items: formItems(k, reviewForm{}), Titles: itemTitles(k)}
	cals, err := s.reviews.Calibrations(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if cal, ok := cals[k.Slug]; ok {
		p.Result = &cal.Result
	}
	return s.renderPage(c, http.StatusOK, "calibrate", p)
}

// calibrate scores a reviewer's levels on the reference and keeps them.
func (s *Server) calibrate(ctx context.Context, u *auth.User, k *catalog.Case, f reviewForm) (review.Calibration, error) {
	known := knownLevels(k)
	res := review.Calibrate(itemIDs(k), f.Levels, known)
	err := s.reviews.SaveCalibration(ctx, u.ID, k.Slug, f.Levels, known, res)
	return res, err
}

func (s *Server) handleCalibrate(c echo.Context) error {
	k, err := s.calibrationCase(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := parseReviewForm(form, itemIDs(k))
	if len(f.Errors) > 0 {
		p := calibratePage{Case: k, View: s.newDesignView(blindCalibration(k)), Items: formItems(k, f), Titles: itemTitles(k), Message: "Give every item a level from 0 to 3."}
		return s.renderPage(c, http.StatusUnprocessableEntity, "calibrate", p)
	}
	if _, err := s.calibrate(c.Request().Context(), currentUser(c), k, f); err != nil {
		return reviewError(err, k.Slug)
	}
	return c.Redirect(http.StatusSeeOther, "/reviews/calibrate/"+k.Slug)
}

type levelsRequest struct {
	Levels   review.Levels     `json:"levels"`
	Comments map[string]string `json:"comments"`
	Comment  string            `json:"comment"`
}

func (req levelsRequest) form(items []string) reviewForm {
	f := reviewForm{Levels: req.Levels, Comments: map[string]string{}, Comment: review.CleanComment(req.Comment)}
	if f.Levels == nil {
		f.Levels = review.Levels{}
	}
	all := map[string]string{"": f.Comment}
	for k, v := range req.Comments {
		f.Comments[k] = review.CleanComment(v)
		all[k] = f.Comments[k]
	}
	f.Errors = review.Validate(items, f.Levels, all)
	return f
}

// decodeLevels reads an API request's levels and comments for case k and
// validates them against its rubric items.
func decodeLevels(c echo.Context, k *catalog.Case) (reviewForm, error) {
	var req levelsRequest
	if err := decodeJSON(c, &req); err != nil {
		return reviewForm{}, err
	}
	f := req.form(itemIDs(k))
	if len(f.Errors) > 0 {
		return f, &appError{Status: http.StatusUnprocessableEntity, Message: "Give every rubric item a level from 0 to 3.", Fields: f.Errors}
	}
	return f, nil
}

func (s *Server) apiCalibrate(c echo.Context) error {
	k, err := s.calibrationCase(c)
	if err != nil {
		return err
	}
	f, err := decodeLevels(c, k)
	if err != nil {
		return err
	}
	res, err := s.calibrate(c.Request().Context(), currentUser(c), k, f)
	if err != nil {
		return reviewError(err, k.Slug)
	}
	return c.JSON(http.StatusCreated, res)
}

// ---- reviewing a design ----

// reviewedDesign loads design :id as the viewer may see it for review.
func (s *Server) reviewedDesign(c echo.Context) (*design.Design, review.Role, *catalog.Case, error) {
	id, err := designID(c)
	if err != nil {
		return nil, 0, nil, err
	}
	d, role, err := s.reviews.DesignForReview(c.Request().Context(), currentUser(c).ID, id)
	if err != nil {
		return nil, 0, nil, reviewError(err, "")
	}
	k, ok := s.cat.Case(d.Case)
	if !ok {
		return nil, 0, nil, notFound("This design's case")
	}
	d.ID = id
	return d, role, k, nil
}

// reviewsView is the reviews of a design as one role may see them.
type reviewsView struct {
	Role     review.Role
	View     review.View
	Items    []summaryRow
	Reviews  []reviewCard
	Rulings  map[string]store.Ruling
	Disputes int // disputed items not settled yet
}

type summaryRow struct {
	review.ItemSummary
	Title    string
	Points   int
	Comments []labelledComment
	Ruling   *store.Ruling
}

// Agreement says in words how the row's peer levels stand.
func (r summaryRow) Agreement() string { return review.Agreement(r.Levels, r.Auto, r.Ruling != nil) }

type labelledComment struct {
	Label string
	Text  string
}

type reviewCard struct {
	store.Review
	Label string
}

// newReviewsView aggregates reviews on rubric r for a role: peer median
// and spread per item, the automatic level when the role may see it,
// comments by label.
func newReviewsView(r *rubric.Rubric, role review.Role, reviews []store.Review, auto map[string]int, rulings []store.Ruling) reviewsView {
	v := reviewsView{Role: role, View: review.ViewFor(role), Rulings: map[string]store.Ruling{}}
	if !v.View.AutoLevels {
		auto = nil
	}
	for _, g := range rulings {
		v.Rulings[g.ItemID] = g
	}
	levels := make([]review.Levels, len(reviews))
	for i, rv := range reviews {
		levels[i] = rv.Levels
		v.Reviews = append(v.Reviews, reviewCard{Review: rv, Label: review.Label(v.View, i+1, rv.ReviewerName, rv.Own)})
	}
	for _, sum := range review.Summarize(scoredIDs(r), levels, auto) {
		row := summaryRow{ItemSummary: sum}
		if it, ok := r.Item(sum.ItemID); ok {
			row.Title, row.Points = it.Title, it.Points
		}
		for _, rc := range v.Reviews {
			if t := rc.Comments[sum.ItemID]; t != "" {
				row.Comments = append(row.Comments, labelledComment{Label: rc.Label, Text: t})
			}
		}
		if g, ok := v.Rulings[sum.ItemID]; ok {
			row.Ruling = &g
		}
		if sum.Disputed && row.Ruling == nil {
			v.Disputes++
		}
		v.Items = append(v.Items, row)
	}
	return v
}

type reviewPage struct {
	Design   designView
	Case     *catalog.Case
	Role     review.Role
	Items    []formItem
	Reviews  *reviewsView
	Message  string
	DesignID int64
}

func (p reviewPage) PageTitle() string { return "Review: " + p.Case.Title }

func (s *Server) handleReviewPage(c echo.Context) error {
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	if role == review.Author {
		return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/reviews")
	}
	p := reviewPage{Design: s.newDesignView(d), Case: k, Role: role, DesignID: d.ID}
	if role == review.ReviewerBefore {
		p.Items = formItems(k, reviewForm{})
		return s.renderPage(c, http.StatusOK, "review", p)
	}
	rv, _, _, err := s.designReviews(c, d, role, k)
	if err != nil {
		return err
	}
	p.Reviews = &rv
	return s.renderPage(c, http.StatusOK, "review", p)
}

func (s *Server) handleReviewSubmit(c echo.Context) error {
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	if err := mayReview(role, k.Slug); err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := parseReviewForm(form, itemIDs(k))
	if len(f.Errors) > 0 {
		p := reviewPage{Design: s.newDesignView(d), Case: k, Role: role, Items: formItems(k, f), DesignID: d.ID,
			Message: "Not submitted: give every rubric item a level from 0 to 3."}
		return s.renderPage(c, http.StatusUnprocessableEntity, "review", p)
	}
	if _, err := s.reviews.SubmitReview(c.Request().Context(), currentUser(c).ID, d.ID, f.Levels, f.Comments, f.Comment); err != nil {
		return reviewError(err, k.Slug)
	}
	s.sessions.Put(c.Request().Context(), "flash", "Review submitted. Here is how the others saw it.")
	return c.Redirect(http.StatusSeeOther, "/reviews/"+itoa(d.ID))
}

func (s *Server) handleReviewPipeline(c echo.Context) error {
	d, _, _, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	return s.writeImage(c, &d.Pipeline, "svg", "")
}

// ---- the author's and the mentor's view ----

type designReviewsPage struct {
	Design  *design.Design
	Case    *catalog.Case
	Reviews reviewsView
	Author  string
	Mentor  bool // the reader is a mentor, not the author: they may settle
}

func (p designReviewsPage) PageTitle() string { return "Reviews: " + p.Design.Title }

// designReviews gathers what the viewer may see of design d's reviews:
// the view, the rulings, and the author's name for a mentor.
func (s *Server) designReviews(c echo.Context, d *design.Design, role review.Role, k *catalog.Case) (reviewsView, []store.Ruling, string, error) {
	ctx := c.Request().Context()
	revs, _, err := s.reviews.ReviewsFor(ctx, currentUser(c).ID, d.ID)
	if err != nil {
		return reviewsView{}, nil, "", reviewError(err, k.Slug)
	}
	rulings, err := s.reviews.Rulings(ctx, d.ID)
	if err != nil {
		return reviewsView{}, nil, "", err
	}
	author := ""
	if role == review.Mentor {
		author = s.authorName(c, d)
	}
	return newReviewsView(k.Rubric, role, revs, autoLevels(k, d), rulings), rulings, author, nil
}

// authorName returns the name of d's author, for a mentor's eyes.
func (s *Server) authorName(c echo.Context, d *design.Design) string {
	owner, err := s.store.UserByID(c.Request().Context(), d.OwnerID)
	if err != nil {
		return ""
	}
	return owner.Name
}

func (s *Server) handleDesignReviews(c echo.Context) error {
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	if role != review.Author && role != review.Mentor {
		return c.Redirect(http.StatusSeeOther, "/reviews/"+itoa(d.ID))
	}
	v, _, author, err := s.designReviews(c, d, role, k)
	if err != nil {
		return err
	}
	if role == review.Author {
		if err := s.reviews.MarkReviewsSeen(c.Request().Context(), currentUser(c).ID, d.ID); err != nil {
			return err
		}
	}
	return s.renderPage(c, http.StatusOK, "design_reviews", designReviewsPage{Design: d, Case: k, Reviews: v, Author: author, Mentor: role == review.Mentor})
}

// apiReviewsJSON is a design's reviews as the caller may see them.
type apiReviewsJSON struct {
	Role    string         `json:"role"`
	Author  string         `json:"author,omitempty"`
	Reviews []apiReview    `json:"reviews"`
	Items   []summaryJSON  `json:"items"`
	Rulings []store.Ruling `json:"rulings"`
}

type apiReview struct {
	ID          int64             `json:"id"`
	Reviewer    string            `json:"reviewer"`
	Own         bool              `json:"own"`
	Levels      review.Levels     `json:"levels"`
	Comments    map[string]string `json:"comments"`
	Comment     string            `json:"comment"`
	Helpfulness *int              `json:"helpfulness,omitempty"`
}

type summaryJSON struct {
	review.ItemSummary
	Agreement string `json:"agreement"` // as the page says it: agree, disagreement, settled by mentor, ...
}

var roleNames = map[review.Role]string{review.Stranger: "other", review.ReviewerBefore: "reviewer", review.ReviewerAfter: "reviewer", review.Author: "author", review.Mentor: "mentor"}

func (s *Server) apiDesignReviews(c echo.Context) error {
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	v, rulings, author, err := s.designReviews(c, d, role, k)
	if err != nil {
		return err
	}
	out := apiReviewsJSON{Role: roleNames[role], Author: author, Reviews: []apiReview{}, Rulings: rulings}
	for _, rc := range v.Reviews {
		out.Reviews = append(out.Reviews, apiReview{ID: rc.ID, Reviewer: rc.Label, Own: rc.Own, Levels: rc.Levels, Comments: rc.Comments, Comment: rc.Comment, Helpfulness: rc.Helpfulness})
	}
	for _, row := range v.Items {
		out.Items = append(out.Items, summaryJSON{ItemSummary: row.ItemSummary, Agreement: row.Agreement()})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiReviewSubmit(c echo.Context) error {
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return err
	}
	if err := mayReview(role, k.Slug); err != nil {
		return err
	}
	f, err := decodeLevels(c, k)
	if err != nil {
		return err
	}
	id, err := s.reviews.SubmitReview(c.Request().Context(), currentUser(c).ID, d.ID, f.Levels, f.Comments, f.Comment)
	if err != nil {
		return reviewError(err, k.Slug)
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": id})
}

// mayReview refuses a review by the author or a mentor, or a second one.
func mayReview(role review.Role, slug string) error {
	switch role {
	case review.Author, review.Mentor:
		return reviewError(store.ErrForbidden, slug)
	case review.ReviewerAfter:
		return reviewError(store.ErrExists, slug)
	}
	return nil
}

// ---- helpfulness and rulings ----

func parseScore(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 5 {
		return 0, &appError{Status: http.StatusUnprocessableEntity, Message: "Rate helpfulness from 1 to 5.", Fields: map[string]string{"score": "1 to 5"}}
	}
	return n, nil
}

func reviewID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("This review")
	}
	return id, nil
}

func (s *Server) handleRate(c echo.Context) error {
	d, err := s.ownDesign(c)
	if err != nil {
		return err
	}
	rid, err := reviewID(c)
	if err != nil {
		return err
	}
	score, err := parseScore(c.FormValue("score"))
	if err != nil {
		return err
	}
	if err := s.reviews.RateReview(c.Request().Context(), currentUser(c).ID, rid, score); err != nil {
		return reviewError(err, d.Case)
	}
	s.sessions.Put(c.Request().Context(), "flash", "Thanks: your rating helps reviewers improve.")
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/reviews#review-"+itoa(rid))
}

type scoreRequest struct {
	Score int `json:"score"`
}

func (s *Server) apiRate(c echo.Context) error {
	rid, err := reviewID(c)
	if err != nil {
		return err
	}
	var req scoreRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if _, err := parseScore(strconv.Itoa(req.Score)); err != nil {
		return err
	}
	if err := s.reviews.RateReview(c.Request().Context(), currentUser(c).ID, rid, req.Score); err != nil {
		return reviewError(err, "")
	}
	return c.JSON(http.StatusOK, map[string]any{"id": rid, "helpfulness": req.Score})
}

// settle validates a mentor's ruling and stores it.
func (s *Server) settle(c echo.Context, item string, level int, reason string) (*design.Design, error) {
	u := currentUser(c)
	if u.Role != auth.RoleMentor {
		return nil, reviewError(store.ErrForbidden, "")
	}
	d, role, k, err := s.reviewedDesign(c)
	if err != nil {
		return nil, err
	}
	if role != review.Mentor {
		// A mentor's own design is settled by another mentor.
		return nil, reviewError(store.ErrForbidden, "")
	}
	if _, ok := k.Rubric.Item(item); !ok {
		return nil, &appError{Status: http.StatusUnprocessableEntity, Message: fmt.Sprintf("Unknown rubric item %q.", item)}
	}
	reason = review.CleanComment(reason)
	if level < 0 || level > 3 || reason == "" || utf8.RuneCountInString(reason) > review.MaxComment {
		return nil, &appError{Status: http.StatusUnprocessableEntity, Message: "Give a level from 0 to 3 and a written reason."}
	}
	revs, _, err := s.reviews.ReviewsFor(c.Request().Context(), u.ID, d.ID)
	if err != nil {
		return nil, reviewError(err, k.Slug)
	}
	v := newReviewsView(k.Rubric, role, revs, nil, nil)
	disputed := false
	for _, row := range v.Items {
		if row.ItemID == item {
			disputed = row.Disputed
		}
	}
	if !disputed {
		return nil, &appError{Status: http.StatusConflict, Message: "Only disputed items (peer levels 2 or more apart) are settled."}
	}
	if err := s.reviews.SettleItem(c.Request().Context(), u.ID, d.ID, item, level, reason); err != nil {
		return nil, reviewError(err, k.Slug)
	}
	return d, nil
}

func (s *Server) handleSettle(c echo.Context) error {
	level, err := strconv.Atoi(c.FormValue("level"))
	if err != nil {
		level = -1
	}
	d, err := s.settle(c, c.FormValue("item"), level, c.FormValue("reason"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/designs/"+itoa(d.ID)+"/reviews")
}

type settleRequest struct {
	Item   string `json:"item"`
	Level  *int   `json:"level"`
	Reason string `json:"reason"`
}

func (s *Server) apiSettle(c echo.Context) error {
	var req settleRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	level := -1
	if req.Level != nil {
		level = *req.Level
	}
	if _, err := s.settle(c, req.Item, level, req.Reason); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"item": req.Item, "level": level})
}

// ---- profile and mentor overview ----

type profilePage struct {
	User         *auth.User
	Calibrations []calibrationRow
	Accuracy     *float64
	Tokens       tokensView
}

type calibrationRow struct {
	Case      string
	CaseTitle string
	store.Calibration
}

func (profilePage) PageTitle() string { return "Profile" }

func (s *Server) handleProfile(c echo.Context) error {
	return s.renderProfile(c, http.StatusOK, nil)
}

// renderProfile renders the profile page, with edit changing its tokens part.
func (s *Server) renderProfile(c echo.Context, status int, edit func(*tokensView)) error {
	u := currentUser(c)
	cals, err := s.reviews.Calibrations(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p := profilePage{User: u}
	if p.Tokens, err = s.tokensOf(c, u); err != nil {
		return err
	}
	if edit != nil {
		edit(&p.Tokens)
	}
	sum := 0.0
	for _, k := range s.cat.Cases {
		if cal, ok := cals[k.Slug]; ok {
			p.Calibrations = append(p.Calibrations, calibrationRow{Case: k.Slug, CaseTitle: k.Title, Calibration: cal})
			sum += cal.Result.Accuracy
		}
	}
	if n := len(p.Calibrations); n > 0 {
		a := sum / float64(n)
		p.Accuracy = &a
	}
	return s.renderPage(c, status, "profile", p)
}

type mentorPage struct {
	Designs  []mentorRow
	Disputed int // open disputed items over every design
}

type mentorRow struct {
	store.MentorItem
	CaseTitle string
	Own       bool // the mentor wrote it: another mentor settles it
}

func (mentorPage) PageTitle() string { return "Mentor" }

func (s *Server) handleMentor(c echo.Context) error {
	if currentUser(c).Role != auth.RoleMentor {
		return reviewError(store.ErrForbidden, "")
	}
	list, err := s.reviews.DesignsWithReviews(c.Request().Context())
	if err != nil {
		return err
	}
	p := mentorPage{}
	for _, it := range list {
		row := mentorRow{MentorItem: it, CaseTitle: it.Case, Own: it.Author == currentUser(c).Name}
		if k, ok := s.cat.Case(it.Case); ok {
			row.CaseTitle = k.Title
		}
		if !row.Own {
			p.Disputed += it.Disputed
		}
		p.Designs = append(p.Designs, row)
	}
	return s.renderPage(c, http.StatusOK, "mentor", p)
}

// reviewCounts are the numbers the navigation shows.
type reviewCounts struct {
	Waiting int
	Unread  int
	Due     int // drills due for review
}

func (s *Server) countsFor(c echo.Context, u *auth.User) *reviewCounts {
	w, n, err := s.reviews.ReviewCounts(c.Request().Context(), u.ID)
	if err != nil {
		s.log.Warn("review counts", "err", err)
		return nil
	}
	return &reviewCounts{Waiting: w, Unread: n}
}
