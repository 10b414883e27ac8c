package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/review"
)

// Errors of peer review.
var (
	// ErrForbidden means the user may not do or see this.
	ErrForbidden = errors.New("not allowed")
	// ErrNotCalibrated means the reviewer has not calibrated on the case.
	ErrNotCalibrated = errors.New("calibrate on this case first")
)

// QueueItem is a submitted design waiting for reviews. It carries no author.
type QueueItem struct {
	DesignID    int64     `db:"id" json:"design_id"`
	Case        string    `db:"case_slug" json:"case"`
	SubmittedAt time.Time `db:"submitted_at" json:"submitted_at"`
	Reviews     int       `db:"reviews" json:"reviews"`
}

// Review is one peer review of a design.
type Review struct {
	ID           int64             `json:"id"`
	DesignID     int64             `json:"design_id"`
	ReviewerID   int64             `json:"-"`
	ReviewerName string            `json:"-"` // set only for a mentor's eyes
	Own          bool              `json:"own"`
	Levels       review.Levels     `json:"levels"`
	Comments     map[string]string `json:"comments"`
	Comment      string            `json:"comment"`
	Helpfulness  *int              `json:"helpfulness,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
}

// Ruling is a mentor's settlement of a disputed item.
type Ruling struct {
	DesignID   int64     `db:"design_id" json:"design_id"`
	ItemID     string    `db:"item_id" json:"item"`
	MentorName string    `db:"mentor_name" json:"mentor"`
	Level      int       `db:"level" json:"level"`
	Reason     string    `db:"reason" json:"reason"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
}

// Calibration is a reviewer's calibration on a case's reference design.
type Calibration struct {
	Case      string             `json:"case"`
	Result    review.Calibration `json:"result"`
	CreatedAt time.Time          `json:"created_at"`
}

// ReviewQueue returns the submitted designs of others that userID has not
// reviewed, fewest reviews first. The user's own designs never appear.
func (s *Store) ReviewQueue(ctx context.Context, userID int64) ([]QueueItem, error) {
	q := []QueueItem{}
	err := s.db.SelectContext(ctx, &q, s.db.Rebind(`SELECT d.id, d.case_slug, d.submitted_at,
			(SELECT COUNT(*) FROM reviews r WHERE r.design_id = d.id) AS reviews
		FROM designs d
		WHERE d.status = ? AND d.user_id <> ?
		  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.design_id = d.id AND r.reviewer_id = ?)
		ORDER BY reviews, d.submitted_at, d.id`), design.StatusSubmitted, userID, userID)
	for i := range q {
		q[i].SubmittedAt = q[i].SubmittedAt.UTC()
	}
	return q, err
}

// roleFor returns how userID stands to design d. The author is the author,
// mentors included: a mentor's own design is read and reviewed as anyone's.
// A draft is only its author's; a mentor sees every submitted design.
func roleFor(ctx context.Context, tx *sqlx.Tx, u *auth.User, d *designRow) (review.Role, error) {
	switch {
	case d.UserID == u.ID:
		return review.Author, nil
	case d.Status != string(design.StatusSubmitted):
		return review.Stranger, nil
	case u.Role == auth.RoleMentor:
		return review.Mentor, nil
	}
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM reviews WHERE design_id = ? AND reviewer_id = ?`), d.ID, u.ID); err != nil {
		return 0, err
	}
	if n > 0 {
		return review.ReviewerAfter, nil
	}
	return review.ReviewerBefore, nil
}

// readTx runs fn in a transaction that only reads.
func (s *Store) readTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: s.dialect == Postgres})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func findUserTx(ctx context.Context, tx *sqlx.Tx, id int64) (*auth.User, error) {
	var u auth.User
	err := tx.GetContext(ctx, &u, tx.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &u, err
}

func findDesignTx(ctx context.Context, tx *sqlx.Tx, id int64) (*designRow, error) {
	var r designRow
	err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+designColumns+` FROM designs WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &r, err
}

// viewerRole loads design id and the role viewerID has towards it.
func viewerRole(ctx context.Context, tx *sqlx.Tx, viewerID, id int64) (*designRow, review.Role, error) {
	u, err := findUserTx(ctx, tx, viewerID)
	if err != nil {
		return nil, 0, err
	}
	r, err := findDesignTx(ctx, tx, id)
	if err != nil {
		return nil, 0, err
	}
	role, err := roleFor(ctx, tx, u, r)
	return r, role, err
}

// DesignForReview returns design id as viewerID may read it for review,
// with the role they have. A draft is only for its author (ErrNotFound for
// everyone else, mentors included). Unless the viewer is the author or a mentor,
// the design comes blind: no owner, no title.
func (s *Store) DesignForReview(ctx context.Context, viewerID, id int64) (*design.Design, review.Role, error) {
	var d *design.Design
	var role review.Role
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var r *designRow
		var err error
		if r, role, err = viewerRole(ctx, tx, viewerID, id); err != nil {
			return err
		}
		if role == review.Stranger {
			return ErrNotFound
		}
		if d, err = r.design(); err != nil {
			return err
		}
		if !review.ViewFor(role).AuthorName && role != review.Author {
			d.OwnerID, d.Title = 0, ""
		}
		return nil
	})
	return d, role, err
}

// ReviewsFor returns the reviews of design id that viewerID may see, with
// the viewer's role. Reviewers' names are filled only for a mentor. A
// reviewer who has not submitted, or anyone else, gets ErrForbidden; a
// draft that is not the viewer's is ErrNotFound.
func (s *Store) ReviewsFor(ctx context.Context, viewerID, id int64) ([]Review, review.Role, error) {
	var out []Review
	var role review.Role
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if _, role, err = viewerRole(ctx, tx, viewerID, id); err != nil {
			return err
		}
		view := review.ViewFor(role)
		switch {
		case role == review.Stranger:
			return ErrNotFound
		case !view.Reviews:
			return ErrForbidden
		}
		out, err = s.reviewsOf(ctx, tx, id, viewerID, view.ReviewerNames)
		return err
	})
	return out, role, err
}

type reviewRow struct {
	ID           int64         `db:"id"`
	DesignID     int64         `db:"design_id"`
	ReviewerID   int64         `db:"reviewer_id"`
	ReviewerName string        `db:"name"`
	Comment      string        `db:"comment"`
	Helpfulness  sql.NullInt64 `db:"helpfulness"`
	CreatedAt    time.Time     `db:"created_at"`
}

func (s *Store) reviewsOf(ctx context.Context, tx *sqlx.Tx, designID, viewerID int64, names bool) ([]Review, error) {
	var rows []reviewRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT r.id, r.design_id, r.reviewer_id, u.name, r.comment, r.helpfulness, r.created_at
		FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.design_id = ? ORDER BY r.id`), designID); err != nil {
		return nil, err
	}
	out := make([]Review, 0, len(rows))
	index := map[int64]int{}
	for _, r := range rows {
		rv := Review{ID: r.ID, DesignID: r.DesignID, Own: r.ReviewerID == viewerID, Comment: r.Comment, CreatedAt: r.CreatedAt.UTC(),
			Levels: review.Levels{}, Comments: map[string]string{}}
		if names {
			rv.ReviewerID, rv.ReviewerName = r.ReviewerID, r.ReviewerName
		}
		if r.Helpfulness.Valid {
			h := int(r.Helpfulness.Int64)
			rv.Helpfulness = &h
		}
		index[r.ID] = len(out)
		out = append(out, rv)
	}
	err := designReviews.eachItem(ctx, tx, designID, func(reviewID int64, item string, level int, comment string) {
		rv := &out[index[reviewID]]
		rv.Levels[item] = level
		if comment != "" {
			rv.Comments[item] = comment
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SubmitReview stores reviewerID's review of design id. It returns
// ErrNotFound for a design they may not review (a draft, or unknown),
// ErrForbidden for their own design, ErrNotCalibrated before calibrating on
// the case, and ErrExists for a second review. A stored review never changes.
func (s *Store) SubmitReview(ctx context.Context, reviewerID, id int64, levels review.Levels, comments map[string]string, comment string) (int64, error) {
	var rid int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := findDesignTx(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case r.UserID == reviewerID:
			return ErrForbidden
		case r.Status != string(design.StatusSubmitted):
			return ErrNotFound
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM calibrations WHERE user_id = ? AND case_slug = ?`), reviewerID, r.CaseSlug); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotCalibrated
		}
		rid, err = insert(ctx, tx, `INSERT INTO reviews (design_id, reviewer_id, comment, created_at) VALUES (?, ?, ?, ?)`, id, reviewerID, comment, s.now())
		if isUnique(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		return designReviews.insertItems(ctx, tx, rid, levels, comments)
	})
	return rid, err
}

// SaveCalibration keeps a reviewer's calibration on a case; there is one
// per reviewer and case (ErrExists for a second).
func (s *Store) SaveCalibration(ctx context.Context, userID int64, slug string, given, known review.Levels, result review.Calibration) error {
	g, _ := json.Marshal(given)
	res, _ := json.Marshal(result)
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := insert(ctx, tx, `INSERT INTO calibrations (user_id, case_slug, levels, known, accuracy, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			userID, slug, string(g), string(res), result.Accuracy, s.now())
		if isUnique(err) {
			return ErrExists
		}
		return err
	})
}

// Calibrations returns userID's calibrations, by case.
func (s *Store) Calibrations(ctx context.Context, userID int64) (map[string]Calibration, error) {
	var rows []struct {
		Case      string    `db:"case_slug"`
		Known     string    `db:"known"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT case_slug, known, created_at FROM calibrations WHERE user_id = ? ORDER BY id`), userID); err != nil {
		return nil, err
	}
	out := map[string]Calibration{}
	for _, r := range rows {
		c := Calibration{Case: r.Case, CreatedAt: r.CreatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Known), &c.Result); err != nil {
			return nil, err
		}
		out[r.Case] = c
	}
	return out, nil
}

// RateReview records the author's helpfulness rating (1 to 5) of review id.
// Only the author of the reviewed design may rate (ErrNotFound otherwise).
func (s *Store) RateReview(ctx context.Context, authorID, reviewID int64, score int) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE reviews SET helpfulness = ?
			WHERE id = ? AND design_id IN (SELECT id FROM designs WHERE user_id = ?)`), score, reviewID, authorID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// MarkReviewsSeen notes that the author has read the reviews of design id.
func (s *Store) MarkReviewsSeen(ctx context.Context, authorID, id int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE reviews SET seen_by_author = ?
			WHERE design_id = ? AND NOT seen_by_author AND design_id IN (SELECT id FROM designs WHERE user_id = ?)`), true, id, authorID)
		return err
	})
}

// SettleItem records a mentor's level and reason for an item of design id.
// Only a mentor may settle, and not on their own design (ErrForbidden), only
// a submitted design (ErrNotFound for a draft), once per item (ErrExists).
func (s *Store) SettleItem(ctx context.Context, mentorID, id int64, item string, level int, reason string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, role, err := viewerRole(ctx, tx, mentorID, id)
		switch {
		case err != nil:
			return err
		case role == review.Stranger:
			return ErrNotFound
		case role != review.Mentor:
			return ErrForbidden
		}
		_, err = insert(ctx, tx, `INSERT INTO rulings (design_id, item_id, mentor_id, level, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, item, mentorID, level, reason, s.now())
		if isUnique(err) {
			return ErrExists
		}
		return err
	})
}

// Rulings returns the mentors' rulings on design id.
func (s *Store) Rulings(ctx context.Context, id int64) ([]Ruling, error) {
	out := []Ruling{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT r.design_id, r.item_id, u.name AS mentor_name, r.level, r.reason, r.created_at
		FROM rulings r JOIN users u ON u.id = r.mentor_id WHERE r.design_id = ? ORDER BY r.id`), id)
	return out, err
}

// ReviewCounts returns how many designs wait for userID's review and how
// many reviews of userID's designs they have not read yet, in one query.
func (s *Store) ReviewCounts(ctx context.Context, userID int64) (waiting, unread int, err error) {
	var c NavCounts
	err = s.db.GetContext(ctx, &c, s.db.Rebind(`SELECT `+navCountColumns), navCountArgs(userID, s.now())...)
	return c.Waiting, c.Unread, err
}

// NavCounts are the counts the navigation bar shows a signed-in user.
type NavCounts struct {
	Waiting int `db:"nav_waiting"` // submitted designs of others waiting for their review
	Unread  int `db:"nav_unread"`  // reviews of their designs they have not read
	Due     int `db:"nav_due"`     // drills due for review
}

// navCountColumns selects NavCounts for the user given by navCountArgs.
const navCountColumns = `(SELECT COUNT(*) FROM designs d WHERE d.status = ? AND d.user_id <> ?
		AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.design_id = d.id AND r.reviewer_id = ?)) AS nav_waiting,
	(SELECT COUNT(*) FROM reviews r JOIN designs d ON d.id = r.design_id
		WHERE d.user_id = ? AND NOT r.seen_by_author) AS nav_unread, ` + dueCountColumn

func navCountArgs(userID int64, now time.Time) []any {
	return []any{design.StatusSubmitted, userID, userID, userID, userID, now.UTC()}
}

// DesignsWithReviews lists submitted designs, newest first, with their
// authors, for a mentor's overview: how many reviews each has, how many
// items are disputed and not settled yet (peer levels spread by
// review.DisagreementSpread or more), and how many are settled.
func (s *Store) DesignsWithReviews(ctx context.Context) ([]MentorItem, error) {
	out := []MentorItem{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT d.id, d.case_slug, d.title, u.name AS author,
			(SELECT COUNT(*) FROM reviews r WHERE r.design_id = d.id) AS reviews,
			(SELECT COUNT(*) FROM (SELECT ri.item_id FROM review_items ri JOIN reviews r ON r.id = ri.review_id
				WHERE r.design_id = d.id
				  AND NOT EXISTS (SELECT 1 FROM rulings g WHERE g.design_id = d.id AND g.item_id = ri.item_id)
				GROUP BY ri.item_id
				HAVING COUNT(*) >= 2 AND MAX(ri.level) - MIN(ri.level) >= ?) x) AS disputed,
			(SELECT COUNT(*) FROM rulings g WHERE g.design_id = d.id) AS settled
		FROM designs d JOIN users u ON u.id = d.user_id
		WHERE d.status = ? ORDER BY d.submitted_at DESC, d.id DESC`), review.DisagreementSpread, design.StatusSubmitted)
	return out, err
}

// MentorItem is a submitted design as a mentor's overview lists it.
type MentorItem struct {
	ID       int64  `db:"id" json:"id"`
	Case     string `db:"case_slug" json:"case"`
	Title    string `db:"title" json:"title"`
	Author   string `db:"author" json:"author"`
	Reviews  int    `db:"reviews" json:"reviews"`
	Disputed int    `db:"disputed" json:"disputed"` // disputed items not settled yet
	Settled  int    `db:"settled" json:"settled"`   // items a mentor settled
}

// reviewTables names where one kind of review keeps its item levels: the
// items' table, the reviews' table and the column naming what was reviewed.
type reviewTables struct{ items, reviews, subject string }

var (
	designReviews = reviewTables{items: "review_items", reviews: "reviews", subject: "design_id"}
	drillReviews  = reviewTables{items: "drill_review_items", reviews: "drill_reviews", subject: "attempt_id"}
)

// insertItems stores review rid's level and comment for each item.
func (t reviewTables) insertItems(ctx context.Context, tx *sqlx.Tx, rid int64, levels review.Levels, comments map[string]string) error {
	q := tx.Rebind(`INSERT INTO ` + t.items + ` (review_id, item_id, level, comment) VALUES (?, ?, ?, ?)`)
	for item, level := range levels {
		if _, err := tx.ExecContext(ctx, q, rid, item, level, comments[item]); err != nil {
			return err
		}
	}
	return nil
}

// eachItem calls fn with every item of every review of subject id.
func (t reviewTables) eachItem(ctx context.Context, tx *sqlx.Tx, id int64, fn func(reviewID int64, item string, level int, comment string)) error {
	var items []struct {
		ReviewID int64  `db:"review_id"`
		ItemID   string `db:"item_id"`
		Level    int    `db:"level"`
		Comment  string `db:"comment"`
	}
	if err := tx.SelectContext(ctx, &items, tx.Rebind(`SELECT ri.review_id, ri.item_id, ri.level, ri.comment
		FROM `+t.items+` ri JOIN `+t.reviews+` r ON r.id = ri.review_id WHERE r.`+t.subject+` = ?`), id); err != nil {
		return err
	}
	for _, it := range items {
		fn(it.ReviewID, it.ItemID, it.Level, it.Comment)
	}
	return nil
}
