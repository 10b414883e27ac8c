package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/rubric"
	"github.com/casebench/casebench/internal/srs"
)

// DrillAttempt is one answer to a drill, with its report and the rating it
// gave the drill's schedule.
type DrillAttempt struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"-"`
	Drill  string `json:"drill"`
	Kind   string `json:"kind"`
	Answer string `json:"answer"`
	SQL    string `json:"sql,omitempty"`
	// FollowUp is the answer to the follow-up question FollowUpQuestion,
	// when the answer came with one (an uploaded answer file).
	FollowUp         string         `json:"follow_up,omitempty"`
	FollowUpQuestion string         `json:"follow_up_question,omitempty"`
	Score            float64        `json:"score"`
	Grade            string         `json:"grade"`
	Report           *rubric.Report `json:"report,omitempty"`
	// Proposed is the rating the automatic grade maps to; Rating is the
	// one the schedule took, the learner's when they changed it.
	Proposed srs.Rating `json:"proposed_rating"`
	Rating   srs.Rating `json:"rating"`
	// Before is the card as it was before this attempt's review, so that
	// a new rating can replace the review instead of adding one.
	Before    srs.Card  `json:"-"`
	SetID     *int64    `json:"set_id,omitempty"`
	Late      bool      `json:"late,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// AnsweredAt is when the answer was written, when it says so (an
	// uploaded answer file); CreatedAt is when it was checked and stored.
	// Seconds is how long it took, when known.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Seconds    int        `json:"seconds,omitempty"`
}

// DrillCard is a user's schedule for one drill.
type DrillCard struct {
	Drill string `json:"drill"`
	srs.Card
	SnoozedUntil *time.Time `json:"snoozed_until,omitempty"`
}

// Kinds of drill sets.
const (
	SetTimed = "timed" // a timed set of drills
	SetLoop  = "loop"  // a full loop: drills around a design case
)

// DrillSet is a timed set of drills, or a full loop: its drills around a
// design of Case in interview mode.
type DrillSet struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Kind       string     `json:"kind"`
	Drills     []string   `json:"drills"`
	Case       string     `json:"case,omitempty"`
	DesignID   *int64     `json:"design_id,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	Deadline   time.Time  `json:"deadline"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// CardReview turns the card before an attempt into the card after it.
type CardReview func(before srs.Card) (srs.Card, error)

type attemptRow struct {
	ID        int64         `db:"id"`
	UserID    int64         `db:"user_id"`
	Drill     string        `db:"drill_slug"`
	Kind      string        `db:"kind"`
	Answer    string        `db:"answer"`
	SQL       string        `db:"sql_text"`
	FollowUp  string        `db:"follow_up"`
	FUQ       string        `db:"follow_up_question"`
	Score     float64       `db:"score"`
	Grade     string        `db:"grade"`
	Report    string        `db:"report"`
	Proposed  int           `db:"proposed"`
	Rating    int           `db:"rating"`
	Before    string        `db:"card_before"`
	SetID     sql.NullInt64 `db:"set_id"`
	Late      bool          `db:"late"`
	CreatedAt time.Time     `db:"created_at"`
	Answered  sql.NullTime  `db:"answered_at"`
	Seconds   int           `db:"seconds"`
}

const attemptColumns = "id, user_id, drill_slug, kind, answer, sql_text, follow_up, follow_up_question, score, grade, report, proposed, rating, card_before, set_id, late, created_at, answered_at, seconds"

// attemptSummaryColumns leave out the answer and the report, for lists.
const attemptSummaryColumns = "id, user_id, drill_slug, kind, '' AS answer, '' AS sql_text, '' AS follow_up, '' AS follow_up_question, score, grade, '' AS report, proposed, rating, card_before, set_id, late, created_at, answered_at, seconds"

func (r attemptRow) attempt() (*DrillAttempt, error) {
	a := &DrillAttempt{ID: r.ID, UserID: r.UserID, Drill: r.Drill, Kind: r.Kind, Answer: r.Answer, SQL: r.SQL, FollowUp: r.FollowUp, FollowUpQuestion: r.FUQ,
		Score: r.Score, Grade: r.Grade, Proposed: srs.Rating(r.Proposed), Rating: srs.Rating(r.Rating), Late: r.Late, CreatedAt: r.CreatedAt.UTC(), Seconds: r.Seconds}
	if r.Answered.Valid {
		t := r.Answered.Time.UTC()
		a.AnsweredAt = &t
	}
	if r.SetID.Valid {
		id := r.SetID.Int64
		a.SetID = &id
	}
	if r.Report != "" {
		a.Report = &rubric.Report{}
		if err := json.Unmarshal([]byte(r.Report), a.Report); err != nil {
			return nil, fmt.Errorf("drill attempt %d: report: %w", r.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(r.Before), &a.Before); err != nil {
		return nil, fmt.Errorf("drill attempt %d: card: %w", r.ID, err)
	}
	utcCard(&a.Before)
	return a, nil
}

func utcCard(c *srs.Card) {
	c.Due = c.Due.UTC()
	if !c.LastReview.IsZero() {
		c.LastReview = c.LastReview.UTC()
	}
}

type cardRow struct {
	Drill        string       `db:"drill_slug"`
	State        int          `db:"state"`
	Step         int          `db:"step"`
	Due          time.Time    `db:"due"`
	Stability    float64      `db:"stability"`
	Difficulty   float64      `db:"difficulty"`
	LastReview   sql.NullTime `db:"last_review"`
	Reps         int          `db:"reps"`
	Lapses       int          `db:"lapses"`
	SnoozedUntil sql.NullTime `db:"snoozed_until"`
	Retired      bool         `db:"retired"`
}

const cardColumns = "drill_slug, state, step, due, stability, difficulty, last_review, reps, lapses, snoozed_until, retired"

func (r cardRow) card() DrillCard {
	c := DrillCard{Drill: r.Drill, Card: srs.Card{State: srs.State(r.State), Step: r.Step, Due: r.Due.UTC(), Stability: r.Stability,
		Difficulty: r.Difficulty, Reps: r.Reps, Lapses: r.Lapses, Retired: r.Retired}}
	if r.LastReview.Valid {
		c.LastReview = r.LastReview.Time.UTC()
	}
	if r.SnoozedUntil.Valid {
		t := r.SnoozedUntil.Time.UTC()
		c.SnoozedUntil = &t
	}
	return c
}

// findCard returns the user's card for the drill, locked for the
// transaction on PostgreSQL, or ErrNotFound.
func (s *Store) findCard(ctx context.Context, tx *sqlx.Tx, userID int64, slug string) (DrillCard, error) {
	q := `SELECT ` + cardColumns + ` FROM drill_cards WHERE user_id = ? AND drill_slug = ?`
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	var r cardRow
	err := tx.GetContext(ctx, &r, tx.Rebind(q), userID, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return DrillCard{}, ErrNotFound
	}
	if err != nil {
		return DrillCard{}, err
	}
	return r.card(), nil
}

// putCard writes the user's card for the drill, inserting it the first time.
func putCard(ctx context.Context, tx *sqlx.Tx, userID int64, c DrillCard) error {
	var last, snoozed any
	if !c.LastReview.IsZero() {
		last = c.LastReview.UTC()
	}
	if c.SnoozedUntil != nil {
		snoozed = c.SnoozedUntil.UTC()
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO drill_cards (user_id, `+cardColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, drill_slug) DO UPDATE SET state = excluded.state, step = excluded.step, due = excluded.due,
			stability = excluded.stability, difficulty = excluded.difficulty, last_review = excluded.last_review,
			reps = excluded.reps, lapses = excluded.lapses, snoozed_until = excluded.snoozed_until, retired = excluded.retired`),
		userID, c.Drill, int(c.State), c.Step, c.Due.UTC(), c.Stability, c.Difficulty, last, c.Reps, c.Lapses, snoozed, c.Retired)
	return err
}

// afterSnooze keeps a snooze in force over a new review: the card is not
// due before the snooze ends.
func afterSnooze(c DrillCard) DrillCard {
	if c.SnoozedUntil != nil && c.Due.Before(*c.SnoozedUntil) {
		c.Due = *c.SnoozedUntil
	}
	return c
}

// AddDrillAttempt stores a.UserID's attempt a and reviews their card for
// the drill with review, which gets the card as it stands (a new card due
// at a.CreatedAt the first time), in one transaction. It sets a.ID and
// a.Before and returns the card after the review. An error from review is
// returned and nothing is stored.
func (s *Store) AddDrillAttempt(ctx context.Context, a *DrillAttempt, review CardReview) (DrillCard, error) {
	var out DrillCard
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.findCard(ctx, tx, a.UserID, a.Drill)
		switch {
		case errors.Is(err, ErrNotFound):
			cur = DrillCard{Drill: a.Drill, Card: srs.NewCard(a.CreatedAt)}
		case err != nil:
			return err
		}
		next, err := review(cur.Card)
		if err != nil {
			return err
		}
		rep, err := json.Marshal(a.Report)
		if err != nil {
			return err
		}
		before, err := json.Marshal(cur.Card)
		if err != nil {
			return err
		}
		var setID, answered any
		if a.SetID != nil {
			setID = *a.SetID
		}
		if a.AnsweredAt != nil {
			answered = a.AnsweredAt.UTC()
		}
		a.ID, err = insert(ctx, tx, `INSERT INTO drill_attempts (user_id, drill_slug, kind, answer, sql_text, follow_up, follow_up_question, score, grade, report,
			proposed, rating, card_before, set_id, late, created_at, answered_at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.UserID, a.Drill, a.Kind, a.Answer, a.SQL, a.FollowUp, a.FollowUpQuestion, a.Score, a.Grade, string(rep), int(a.Proposed), int(a.Rating),
			string(before), setID, a.Late, a.CreatedAt.UTC(), answered, a.Seconds)
		if err != nil {
			return err
		}
		a.Before = cur.Card
		out = afterSnooze(DrillCard{Drill: a.Drill, Card: next, SnoozedUntil: cur.SnoozedUntil})
		out.Retired = cur.Retired
		return putCard(ctx, tx, a.UserID, out)
	})
	return out, err
}

// RerateDrillAttempt replaces the review of the user's attempt id with one
// at rating: review gets the card as it was before the attempt, and its
// result becomes the card, so that the schedule counts the attempt once.
// Only the latest attempt at a drill can be rated again, since later
// reviews were built on it: an earlier one is ErrConflict. Another user's
// attempt, or none, is ErrNotFound.
func (s *Store) RerateDrillAttempt(ctx context.Context, userID, id int64, rating srs.Rating, review CardReview) (DrillCard, error) {
	var out DrillCard
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		a, err := findAttempt(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		var latest int64
		if err := tx.GetContext(ctx, &latest, tx.Rebind(`SELECT MAX(id) FROM drill_attempts WHERE user_id = ? AND drill_slug = ?`), userID, a.Drill); err != nil {
			return err
		}
		if latest != id {
			return ErrConflict
		}
		cur, err := s.findCard(ctx, tx, userID, a.Drill)
		if err != nil {
			return err
		}
		next, err := review(a.Before)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE drill_attempts SET rating = ? WHERE id = ?`), int(rating), id); err != nil {
			return err
		}
		out = afterSnooze(DrillCard{Drill: a.Drill, Card: next, SnoozedUntil: cur.SnoozedUntil})
		out.Retired = cur.Retired
		return putCard(ctx, tx, userID, out)
	})
	return out, err
}

// queryer is a database or a transaction.
type queryer interface {
	sqlx.QueryerContext
	Rebind(string) string
}

func findAttempt(ctx context.Context, q queryer, userID, id int64) (*DrillAttempt, error) {
	var r attemptRow
	err := sqlx.GetContext(ctx, q, &r, q.Rebind(`SELECT `+attemptColumns+` FROM drill_attempts WHERE id = ? AND user_id = ?`), id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.attempt()
}

// DrillAttempt returns the user's attempt id, or ErrNotFound when it does
// not exist or is another user's.
func (s *Store) DrillAttempt(ctx context.Context, userID, id int64) (*DrillAttempt, error) {
	return findAttempt(ctx, s.db, userID, id)
}

// DrillAttempts returns the user's attempts at the drill, newest first,
// with their answers and reports.
func (s *Store) DrillAttempts(ctx context.Context, userID int64, slug string) ([]*DrillAttempt, error) {
	return s.attempts(ctx, `SELECT `+attemptColumns+` FROM drill_attempts WHERE user_id = ? AND drill_slug = ? ORDER BY id DESC`, userID, slug)
}

// DrillHistory returns every attempt of the user, oldest first, without
// answers and reports: what progress charts are drawn from.
func (s *Store) DrillHistory(ctx context.Context, userID int64) ([]*DrillAttempt, error) {
	return s.attempts(ctx, `SELECT `+attemptSummaryColumns+` FROM drill_attempts WHERE user_id = ? ORDER BY id`, userID)
}

// SetAttempts returns the attempts made in the user's set id, oldest
// first, with their reports.
func (s *Store) SetAttempts(ctx context.Context, userID, setID int64) ([]*DrillAttempt, error) {
	return s.attempts(ctx, `SELECT `+attemptColumns+` FROM drill_attempts WHERE user_id = ? AND set_id = ? ORDER BY id`, userID, setID)
}

func (s *Store) attempts(ctx context.Context, query string, args ...any) ([]*DrillAttempt, error) {
	var rows []attemptRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(query), args...); err != nil {
		return nil, err
	}
	out := make([]*DrillAttempt, 0, len(rows))
	for _, r := range rows {
		a, err := r.attempt()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// DrillCards returns the user's cards, one per drill they have answered,
// by drill slug.
func (s *Store) DrillCards(ctx context.Context, userID int64) (map[string]DrillCard, error) {
	var rows []cardRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+cardColumns+` FROM drill_cards WHERE user_id = ?`), userID); err != nil {
		return nil, err
	}
	out := make(map[string]DrillCard, len(rows))
	for _, r := range rows {
		out[r.Drill] = r.card()
	}
	return out, nil
}

// DrillCard returns the user's card for the drill, or ErrNotFound when they
// have never answered it.
func (s *Store) DrillCard(ctx context.Context, userID int64, slug string) (DrillCard, error) {
	var c DrillCard
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		c, err = s.findCard(ctx, tx, userID, slug)
		return err
	})
	return c, err
}

// DueCount returns how many of the user's drills are due at now: answered,
// not retired, with their due time come.
func (s *Store) DueCount(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT `+dueCountColumn, userID, now.UTC())
	return n, err
}

// dueCountColumn counts the due drills of the user given as its first
// argument at the time given as its second.
const dueCountColumn = `(SELECT COUNT(*) FROM drill_cards c WHERE c.user_id = ? AND NOT c.retired AND c.due <= ?) AS nav_due`

// ChangeDrillCard changes the user's card for the drill with change (to
// snooze, retire or restore it) in one transaction and returns the new
// card. A drill the user never answered is ErrNotFound.
func (s *Store) ChangeDrillCard(ctx context.Context, userID int64, slug string, change func(DrillCard) (DrillCard, error)) (DrillCard, error) {
	var out DrillCard
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		cur, err := s.findCard(ctx, tx, userID, slug)
		if err != nil {
			return err
		}
		if out, err = change(cur); err != nil {
			return err
		}
		out.Drill = slug
		return putCard(ctx, tx, userID, out)
	})
	return out, err
}

// CreateDrillSet stores a new timed set of the user's and returns it.
func (s *Store) CreateDrillSet(ctx context.Context, userID int64, drills []string, started, deadline time.Time) (*DrillSet, error) {
	return s.createSet(ctx, &DrillSet{UserID: userID, Kind: SetTimed, Drills: drills, StartedAt: started.UTC(), Deadline: deadline.UTC()})
}

// CreateLoop stores a new full loop of the user's, of these drills and a
// design of the case, and returns it.
func (s *Store) CreateLoop(ctx context.Context, userID int64, drills []string, caseSlug string, started, deadline time.Time) (*DrillSet, error) {
	return s.createSet(ctx, &DrillSet{UserID: userID, Kind: SetLoop, Drills: drills, Case: caseSlug, StartedAt: started.UTC(), Deadline: deadline.UTC()})
}

func (s *Store) createSet(ctx context.Context, set *DrillSet) (*DrillSet, error) {
	b, err := json.Marshal(set.Drills)
	if err != nil {
		return nil, err
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		set.ID, err = insert(ctx, tx, `INSERT INTO drill_sets (user_id, kind, drills, case_slug, started_at, deadline) VALUES (?, ?, ?, ?, ?, ?)`,
			set.UserID, set.Kind, string(b), set.Case, set.StartedAt, set.Deadline)
		return err
	})
	if err != nil {
		return nil, err
	}
	return set, nil
}

type setRow struct {
	ID         int64         `db:"id"`
	UserID     int64         `db:"user_id"`
	Kind       string        `db:"kind"`
	Drills     string        `db:"drills"`
	Case       string        `db:"case_slug"`
	DesignID   sql.NullInt64 `db:"design_id"`
	StartedAt  time.Time     `db:"started_at"`
	Deadline   time.Time     `db:"deadline"`
	FinishedAt sql.NullTime  `db:"finished_at"`
}

const setColumns = "id, user_id, kind, drills, case_slug, design_id, started_at, deadline, finished_at"

func (r setRow) set() (*DrillSet, error) {
	out := &DrillSet{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Case: r.Case, StartedAt: r.StartedAt.UTC(), Deadline: r.Deadline.UTC()}
	if r.DesignID.Valid {
		id := r.DesignID.Int64
		out.DesignID = &id
	}
	if err := json.Unmarshal([]byte(r.Drills), &out.Drills); err != nil {
		return nil, fmt.Errorf("drill set %d: %w", r.ID, err)
	}
	if r.FinishedAt.Valid {
		t := r.FinishedAt.Time.UTC()
		out.FinishedAt = &t
	}
	return out, nil
}

// DrillSet returns the user's set id, or ErrNotFound when it does not exist
// or is another user's.
func (s *Store) DrillSet(ctx context.Context, userID, id int64) (*DrillSet, error) {
	var r setRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+setColumns+` FROM drill_sets WHERE id = ? AND user_id = ?`), id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.set()
}

// DrillSets returns the user's sets, newest first.
func (s *Store) DrillSets(ctx context.Context, userID int64) ([]*DrillSet, error) {
	var rows []setRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT `+setColumns+` FROM drill_sets WHERE user_id = ? ORDER BY id DESC`), userID); err != nil {
		return nil, err
	}
	out := make([]*DrillSet, 0, len(rows))
	for _, r := range rows {
		set, err := r.set()
		if err != nil {
			return nil, err
		}
		out = append(out, set)
	}
	return out, nil
}

// FinishDrillSet marks the user's set id finished at the given time, once:
// finishing it again keeps the first time. Another user's set, or none,
// is ErrNotFound.
func (s *Store) FinishDrillSet(ctx context.Context, userID, id int64, at time.Time) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE drill_sets SET finished_at = COALESCE(finished_at, ?) WHERE id = ? AND user_id = ?`), at.UTC(), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// SetLoopDesign links the user's design to their loop id, once: a loop
// that has a design already is ErrConflict; another user's loop or design,
// or none, is ErrNotFound.
func (s *Store) SetLoopDesign(ctx context.Context, userID, id, designID int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var own int
		if err := tx.GetContext(ctx, &own, tx.Rebind(`SELECT COUNT(*) FROM designs WHERE id = ? AND user_id = ?`), designID, userID); err != nil {
			return err
		}
		if own == 0 {
			return ErrNotFound
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE drill_sets SET design_id = ? WHERE id = ? AND user_id = ? AND kind = ? AND design_id IS NULL`), designID, id, userID, SetLoop)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.GetContext(ctx, &exists, tx.Rebind(`SELECT COUNT(*) FROM drill_sets WHERE id = ? AND user_id = ? AND kind = ?`), id, userID, SetLoop); err != nil {
				return err
			}
			if exists == 0 {
				return ErrNotFound
			}
			return ErrConflict
		}
		return nil
	})
}
