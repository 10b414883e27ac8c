package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/casebench/casebench/internal/design"
	"github.com/casebench/casebench/internal/rubric"
)

// Why a report was made.
const (
	ReasonSubmit   = "submit"
	ReasonRescore  = "rescore"
	ReasonFollowUp = "follow-up"
)

// StoredReport is a rubric report kept with a design.
type StoredReport struct {
	ID            int64          `json:"id"`
	DesignID      int64          `json:"design_id"`
	RubricVersion int            `json:"rubric_version"`
	Score         float64        `json:"score"`
	Reason        string         `json:"reason"`
	CreatedAt     time.Time      `json:"created_at"`
	Report        *rubric.Report `json:"report"`
}

type reportRow struct {
	ID            int64     `db:"id"`
	DesignID      int64     `db:"design_id"`
	RubricVersion int       `db:"rubric_version"`
	Score         float64   `db:"score"`
	Reason        string    `db:"reason"`
	Data          string    `db:"data"`
	CreatedAt     time.Time `db:"created_at"`
}

func (r reportRow) stored() (StoredReport, error) {
	out := StoredReport{ID: r.ID, DesignID: r.DesignID, RubricVersion: r.RubricVersion, Score: r.Score, Reason: r.Reason, CreatedAt: r.CreatedAt.UTC()}
	out.Report = &rubric.Report{}
	if err := json.Unmarshal([]byte(r.Data), out.Report); err != nil {
		return out, fmt.Errorf("report %d: %w", r.ID, err)
	}
	return out, nil
}

func (s *Store) addReport(ctx context.Context, tx *sqlx.Tx, designID int64, reason string, rep *rubric.Report) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = insert(ctx, tx, `INSERT INTO reports (design_id, rubric_version, score, reason, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		designID, rep.RubricVersion, rep.Score, reason, string(b), s.now())
	return err
}

// SubmitDesign marks the draft id of userID submitted, at the given version,
// and stores its report. It returns the submitted design, ErrNotFound, or
// ErrConflict when the version is stale or the design is already submitted.
func (s *Store) SubmitDesign(ctx context.Context, userID, id, version int64, rep *rubric.Report) (*design.Design, error) {
	var out *design.Design
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE designs SET status = ?, submitted_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND user_id = ? AND version = ? AND status = ?`), design.StatusSubmitted, now, now, id, userID, version, design.StatusDraft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			err := tx.GetContext(ctx, &exists, tx.Rebind(`SELECT 1 FROM designs WHERE id = ? AND user_id = ?`), id, userID)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			return ErrConflict
		}
		if err := s.addReport(ctx, tx, id, ReasonSubmit, rep); err != nil {
			return err
		}
		var r designRow
		if err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+designColumns+` FROM designs WHERE id = ?`), id); err != nil {
			return err
		}
		out, err = r.design()
		return err
	})
	return out, err
}

// AddReport stores another report of design id, for a rescore or a
// follow-up.
func (s *Store) AddReport(ctx context.Context, designID int64, reason string, rep *rubric.Report) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.addReport(ctx, tx, designID, reason, rep) })
}

// Reports returns the reports of design id, oldest first.
func (s *Store) Reports(ctx context.Context, designID int64) ([]StoredReport, error) {
	var rows []reportRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT id, design_id, rubric_version, score, reason, data, created_at
		FROM reports WHERE design_id = ? ORDER BY id`), designID); err != nil {
		return nil, err
	}
	out := make([]StoredReport, 0, len(rows))
	for _, r := range rows {
		sr, err := r.stored()
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, nil
}

// SubmittedDesigns returns every submitted design of a case (all cases when
// slug is ""), for rescoring.
func (s *Store) SubmittedDesigns(ctx context.Context, slug string) ([]*design.Design, error) {
	q := `SELECT ` + designColumns + ` FROM designs WHERE status = ?`
	args := []any{design.StatusSubmitted}
	if slug != "" {
		q += ` AND case_slug = ?`
		args = append(args, slug)
	}
	var rows []designRow
	if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q+` ORDER BY id`), args...); err != nil {
		return nil, err
	}
	out := make([]*design.Design, 0, len(rows))
	for i := range rows {
		d, err := rows[i].design()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// CopyDesign starts a new draft of userID with the title and content of
// their design id: a new attempt.
func (s *Store) CopyDesign(ctx context.Context, userID, id int64, title string) (*design.Design, error) {
	src, err := s.OwnDesign(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	d := &design.Design{OwnerID: userID, Case: src.Case, Title: title, Mode: src.Mode, Sections: src.Sections, Pipeline: src.Pipeline}
	if err := s.CreateDesign(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// AnswerFollowUp appends the answer to the next follow-up of userID's
// submitted design id, based on version, and stores the report that check
// makes of the design with the answer. The answer must be the next in order.
func (s *Store) AnswerFollowUp(ctx context.Context, userID, id, version int64, fu design.FollowUp, check func(*design.Design) *rubric.Report) (*design.Design, error) {
	var out *design.Design
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var r designRow
		err := tx.GetContext(ctx, &r, tx.Rebind(`SELECT `+designColumns+` FROM designs WHERE id = ? AND user_id = ?`), id, userID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if r.Version != version || r.Status != string(design.StatusSubmitted) {
			return ErrConflict
		}
		d, err := r.design()
		if err != nil {
			return err
		}
		d.FollowUps = append(d.FollowUps, fu)
		content, err := encodeContent(d)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE designs SET content = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`),
			content, now, id, version); err != nil {
			return err
		}
		d.Version, d.UpdatedAt = version+1, now
		if err := s.addReport(ctx, tx, id, ReasonFollowUp, check(d)); err != nil {
			return err
		}
		out = d
		return nil
	})
	return out, err
}

// DesignByID returns design id whoever owns it, for the command line.
func (s *Store) DesignByID(ctx context.Context, id int64) (*design.Design, error) {
	var r designRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+designColumns+` FROM designs WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.design()
}

// ImportDesign stores d for d.OwnerID as it is: its status, mode, times and
// content. A submitted design gets rep as its report. It sets d's id and
// version.
func (s *Store) ImportDesign(ctx context.Context, d *design.Design, rep *rubric.Report) error {
	content, err := encodeContent(d)
	if err != nil {
		return err
	}
	now := s.now()
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	var submitted sql.NullTime
	if d.Status == design.StatusSubmitted {
		submitted = sql.NullTime{Time: d.UpdatedAt, Valid: true}
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := insert(ctx, tx, `INSERT INTO designs (user_id, case_slug, title, status, mode, version, content, created_at, updated_at, submitted_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`, d.OwnerID, d.Case, d.Title, d.Status, d.Mode, content, d.CreatedAt, d.UpdatedAt, submitted)
		if err != nil {
			return err
		}
		d.ID, d.Version = id, 1
		if rep != nil {
			return s.addReport(ctx, tx, id, "import", rep)
		}
		return nil
	})
}

// Attempt is a submitted design with its latest report, for progress.
type Attempt struct {
	DesignID    int64
	Case        string
	Title       string
	SubmittedAt time.Time
	Report      *rubric.Report
}

// Attempts returns userID's submitted designs with their latest reports,
// in the order they were submitted.
func (s *Store) Attempts(ctx context.Context, userID int64) ([]Attempt, error) {
	var rows []struct {
		ID          int64     `db:"id"`
		Case        string    `db:"case_slug"`
		Title       string    `db:"title"`
		SubmittedAt time.Time `db:"submitted_at"`
		Data        string    `db:"data"`
	}
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT d.id, d.case_slug, d.title, d.submitted_at, r.data
		FROM designs d JOIN reports r ON r.design_id = d.id
		WHERE d.user_id = ? AND d.status = ? AND r.id = (SELECT MAX(id) FROM reports WHERE design_id = d.id)
		ORDER BY d.submitted_at, d.id`), userID, design.StatusSubmitted)
	if err != nil {
		return nil, err
	}
	out := make([]Attempt, 0, len(rows))
	for _, r := range rows {
		a := Attempt{DesignID: r.ID, Case: r.Case, Title: r.Title, SubmittedAt: r.SubmittedAt.UTC(), Report: &rubric.Report{}}
		if err := json.Unmarshal([]byte(r.Data), a.Report); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
