package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/auth"
	"github.com/casebench/casebench/internal/review"
)

// DrillQueueLimit is how many drill answers the review queue lists at most.
const DrillQueueLimit = 50

// DrillQueueItem is another member's drill answer waiting for reviews. It
// carries no author.
type DrillQueueItem struct {
	AttemptID  int64     `db:"id" json:"attempt_id"`
	Drill      string    `db:"drill_slug" json:"drill"`
	Kind       string    `db:"kind" json:"kind"`
	AnsweredAt time.Time `db:"created_at" json:"answered_at"`
	Reviews    int       `db:"reviews" json:"reviews"`
}

// DrillReview is one peer review of a drill answer.
type DrillReview struct {
	ID           int64             `json:"id"`
	AttemptID    int64             `json:"attempt_id"`
	ReviewerID   int64             `json:"-"`
	ReviewerName string            `json:"-"` // set only for a mentor's eyes
	Own          bool              `json:"own"`
	Levels       review.Levels     `json:"levels"`
	Comments     map[string]string `json:"comments"`
	Comment      string            `json:"comment"`
	CreatedAt    time.Time         `json:"created_at"`
}

// DrillCalibration is a reviewer's calibration on a drill pack's
// calibration answer (to the pack's drill Drill).
type DrillCalibration struct {
	Pack      string             `json:"pack"`
	Drill     string             `json:"drill"`
	Result    review.Calibration `json:"result"`
	CreatedAt time.Time          `json:"created_at"`
}

// DrillReviewQueue returns other members' drill answers that userID has not
// reviewed, fewest reviews first and then oldest, at most DrillQueueLimit:
// of each member's attempts at a drill, only the latest. The user's own
// answers never appear.
func (s *Store) DrillReviewQueue(ctx context.Context, userID int64) ([]DrillQueueItem, error) {
	q := []DrillQueueItem{}
	err := s.db.SelectContext(ctx, &q, s.db.Rebind(`SELECT a.id, a.drill_slug, a.kind, a.created_at,
			(SELECT COUNT(*) FROM drill_reviews r WHERE r.attempt_id = a.id) AS reviews
		FROM drill_attempts a
		WHERE a.user_id <> ?
		  AND a.id = (SELECT MAX(b.id) FROM drill_attempts b WHERE b.user_id = a.user_id AND b.drill_slug = a.drill_slug)
		  AND NOT EXISTS (SELECT 1 FROM drill_reviews r WHERE r.attempt_id = a.id AND r.reviewer_id = ?)
		ORDER BY reviews, a.created_at, a.id LIMIT ?`), userID, userID, DrillQueueLimit)
	for i := range q {
		q[i].AnsweredAt = q[i].AnsweredAt.UTC()
	}
	return q, err
}

// drillRoleFor returns how user u stands to the drill attempt a: its
// author, a mentor (anyone else's answer), or a reviewer before or after
// their review.
func drillRoleFor(ctx context.Context, tx *sqlx.Tx, u *auth.User, a *DrillAttempt) (review.Role, error) {
	switch {
	case a.UserID == u.ID:
		return review.Author, nil
	case u.Role == auth.RoleMentor:
		return review.Mentor, nil
	}
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM drill_reviews WHERE attempt_id = ? AND reviewer_id = ?`), a.ID, u.ID); err != nil {
		return 0, err
	}
	if n > 0 {
		return review.ReviewerAfter, nil
	}
	return review.ReviewerBefore, nil
}

func findAnyAttempt(ctx context.Context, tx *sqlx.Tx, id int64) (*DrillAttempt, error) {
	var r attemptRow
	err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+attemptColumns+` FROM drill_attempts WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.attempt()
}

// drillViewerRole loads attempt id and the role viewerID has towards it.
func drillViewerRole(ctx context.Context, tx *sqlx.Tx, viewerID, id int64) (*DrillAttempt, review.Role, error) {
	u, err := findUserTx(ctx, tx, viewerID)
	if err != nil {
		return nil, 0, err
	}
	a, err := findAnyAttempt(ctx, tx, id)
	if err != nil {
		return nil, 0, err
	}
	role, err := drillRoleFor(ctx, tx, u, a)
	return a, role, err
}

// DrillAttemptForReview returns drill attempt id as viewerID may read it
// for review, with the role they have; ErrNotFound when there is no such
// attempt. Unless the viewer is its author or a mentor, the attempt comes
// blind: no author; and before the viewer's own review, without its
// report, score or grade, so that the automatic levels do not anchor it.
func (s *Store) DrillAttemptForReview(ctx context.Context, viewerID, id int64) (*DrillAttempt, review.Role, error) {
	var a *DrillAttempt
	var role review.Role
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if a, role, err = drillViewerRole(ctx, tx, viewerID, id); err != nil {
			return err
		}
		view := review.ViewFor(role)
		if !view.AuthorName && role != review.Author {
			a.UserID = 0
		}
		if !view.AutoLevels {
			a.Report, a.Score, a.Grade = nil, 0, ""
		}
		return nil
	})
	return a, role, err
}

// DrillReviewsFor returns the reviews of drill attempt id that viewerID may
// see, with the viewer's role. Reviewers' names are filled only for a
// mentor. A reviewer who has not submitted gets ErrForbidden; an unknown
// attempt is ErrNotFound.
func (s *Store) DrillReviewsFor(ctx context.Context, viewerID, id int64) ([]DrillReview, review.Role, error) {
	var out []DrillReview
	var role review.Role
	err := s.readTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if _, role, err = drillViewerRole(ctx, tx, viewerID, id); err != nil {
			return err
		}
		view := review.ViewFor(role)
		if !view.Reviews {
			return ErrForbidden
		}
		out, err = drillReviewsOf(ctx, tx, id, viewerID, view.ReviewerNames)
		return err
	})
	return out, role, err
}

type drillReviewRow struct {
	ID           int64     `db:"id"`
	ReviewerID   int64     `db:"reviewer_id"`
	ReviewerName string    `db:"name"`
	Comment      string    `db:"comment"`
	CreatedAt    time.Time `db:"created_at"`
}

func drillReviewsOf(ctx context.Context, tx *sqlx.Tx, attemptID, viewerID int64, names bool) ([]DrillReview, error) {
	var rows []drillReviewRow
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT r.id, r.reviewer_id, u.name, r.comment, r.created_at
		FROM drill_reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.attempt_id = ? ORDER BY r.id`), attemptID); err != nil {
		return nil, err
	}
	out := make([]DrillReview, 0, len(rows))
	index := map[int64]int{}
	for _, r := range rows {
		rv := DrillReview{ID: r.ID, AttemptID: attemptID, Own: r.ReviewerID == viewerID, Comment: r.Comment, CreatedAt: r.CreatedAt.UTC(),
			Levels: review.Levels{}, Comments: map[string]string{}}
		if names {
			rv.ReviewerID, rv.ReviewerName = r.ReviewerID, r.ReviewerName
		}
		index[r.ID] = len(out)
		out = append(out, rv)
	}
	err := drillReviews.eachItem(ctx, tx, attemptID, func(reviewID int64, item string, level int, comment string) {
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

// SubmitDrillReview stores reviewerID's review of drill attempt id, an
// answer to a drill of pack. It returns ErrNotFound for an unknown attempt,
// ErrForbidden for the reviewer's own answer, ErrNotCalibrated before they
// calibrated on the pack, and ErrExists for a second review. A stored
// review never changes; nothing is stored with an error.
func (s *Store) SubmitDrillReview(ctx context.Context, reviewerID, id int64, pack string, levels review.Levels, comments map[string]string, comment string) (int64, error) {
	var rid int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		a, err := findAnyAttempt(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.UserID == reviewerID {
			return ErrForbidden
		}
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM drill_calibrations WHERE user_id = ? AND pack_slug = ?`), reviewerID, pack); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotCalibrated
		}
		rid, err = insert(ctx, tx, `INSERT INTO drill_reviews (attempt_id, reviewer_id, comment, created_at) VALUES (?, ?, ?, ?)`, id, reviewerID, comment, s.now())
		if isUnique(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		return drillReviews.insertItems(ctx, tx, rid, levels, comments)
	})
	return rid, err
}

// SaveDrillCalibration keeps a reviewer's calibration on a drill pack's
// calibration answer (to the pack's drill slug); there is one per reviewer
// and pack (ErrExists for a second).
func (s *Store) SaveDrillCalibration(ctx context.Context, userID int64, pack, slug string, given review.Levels, result review.Calibration) error {
	g, err := json.Marshal(given)
	if err != nil {
		return err
	}
	res, err := json.Marshal(result)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := insert(ctx, tx, `INSERT INTO drill_calibrations (user_id, pack_slug, drill_slug, levels, result, accuracy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			userID, pack, slug, string(g), string(res), result.Accuracy, s.now())
		if isUnique(err) {
			return ErrExists
		}
		return err
	})
}

// DrillCalibrations returns userID's calibrations on drill packs, by pack.
func (s *Store) DrillCalibrations(ctx context.Context, userID int64) (map[string]DrillCalibration, error) {
	var rows []struct {
		Pack      string    `db:"pack_slug"`
		Drill     string    `db:"drill_slug"`
		Result    string    `db:"result"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT pack_slug, drill_slug, result, created_at FROM drill_calibrations WHERE user_id = ? ORDER BY id`), userID); err != nil {
		return nil, err
	}
	out := map[string]DrillCalibration{}
	for _, r := range rows {
		c := DrillCalibration{Pack: r.Pack, Drill: r.Drill, CreatedAt: r.CreatedAt.UTC()}
		if err := json.Unmarshal([]byte(r.Result), &c.Result); err != nil {
			return nil, err
		}
		out[r.Pack] = c
	}
	return out, nil
}

// DrillReviewCounts returns how many peer reviews each of userID's
// attempts at the drill slug has, by attempt id; attempts without reviews
// are left out.
func (s *Store) DrillReviewCounts(ctx context.Context, userID int64, slug string) (map[int64]int, error) {
	var rows []struct {
		ID int64 `db:"attempt_id"`
		N  int   `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT r.attempt_id, COUNT(*) AS n FROM drill_reviews r
		JOIN drill_attempts a ON a.id = r.attempt_id WHERE a.user_id = ? AND a.drill_slug = ? GROUP BY r.attempt_id`), userID, slug); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}
