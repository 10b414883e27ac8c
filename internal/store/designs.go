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
)

// designRow is a row of the designs table.
type designRow struct {
	ID          int64        `db:"id"`
	UserID      int64        `db:"user_id"`
	CaseSlug    string       `db:"case_slug"`
	Title       string       `db:"title"`
	Status      string       `db:"status"`
	Mode        string       `db:"mode"`
	Version     int64        `db:"version"`
	Content     string       `db:"content"`
	CreatedAt   time.Time    `db:"created_at"`
	UpdatedAt   time.Time    `db:"updated_at"`
	SubmittedAt sql.NullTime `db:"submitted_at"`
}

const designColumns = "id, user_id, case_slug, title, status, mode, version, content, created_at, updated_at, submitted_at"

func (r *designRow) design() (*design.Design, error) {
	var c design.Content
	if err := json.Unmarshal([]byte(r.Content), &c); err != nil {
		return nil, fmt.Errorf("design %d: stored content: %w", r.ID, err)
	}
	if c.Sections == nil {
		c.Sections = design.Answers{}
	}
	return &design.Design{
		Format: design.Format, ID: r.ID, OwnerID: r.UserID, Case: r.CaseSlug, Title: r.Title,
		Status: design.Status(r.Status), Mode: design.Mode(r.Mode), Version: r.Version,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Sections: c.Sections, Pipeline: c.Pipeline, Interview: c.Interview, FollowUps: c.FollowUps,
	}, nil
}

func encodeContent(d *design.Design) (string, error) {
	c := d.Content()
	if c.Sections == nil {
		c.Sections = design.Answers{}
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// Summary is a design as listed on "My designs".
type Summary struct {
	ID        int64     `db:"id" json:"id"`
	Case      string    `db:"case_slug" json:"case"`
	Title     string    `db:"title" json:"title"`
	Status    string    `db:"status" json:"status"`
	Mode      string    `db:"mode" json:"mode"`
	Version   int64     `db:"version" json:"version"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// CreateDesign stores d as a new design of d.OwnerID and sets its id,
// version and times.
func (s *Store) CreateDesign(ctx context.Context, d *design.Design) error {
	content, err := encodeContent(d)
	if err != nil {
		return err
	}
	now := s.now()
	if d.Status == "" {
		d.Status = design.StatusDraft
	}
	if d.Mode == "" {
		d.Mode = design.ModePractice
	}
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		id, err := insert(ctx, tx, `INSERT INTO designs (user_id, case_slug, title, status, mode, version, content, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)`, d.OwnerID, d.Case, d.Title, d.Status, d.Mode, content, now, now)
		if err != nil {
			return err
		}
		d.ID, d.Version, d.CreatedAt, d.UpdatedAt, d.Format = id, 1, now, now, design.Format
		return nil
	})
}

// OwnDesign returns the design id of user userID, or ErrNotFound when it
// does not exist or belongs to someone else.
func (s *Store) OwnDesign(ctx context.Context, userID, id int64) (*design.Design, error) {
	var r designRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT `+designColumns+` FROM designs WHERE id = ? AND user_id = ?`), id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return r.design()
}

// OwnDesignVersion returns the version and status of design id of userID,
// or ErrNotFound: what a page cached at a version needs to know that it is
// still the page, in one narrow query.
func (s *Store) OwnDesignVersion(ctx context.Context, userID, id int64) (version int64, status design.Status, err error) {
	err = s.row(ctx, `SELECT version, status FROM designs WHERE id = ? AND user_id = ?`, id, userID).Scan(&version, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	return version, status, err
}

// ListDesigns returns the designs of userID, most recently changed first.
func (s *Store) ListDesigns(ctx context.Context, userID int64) ([]Summary, error) {
	list := []Summary{}
	err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT id, case_slug, title, status, mode, version, created_at, updated_at
		FROM designs WHERE user_id = ? ORDER BY updated_at DESC, id DESC`), userID)
	for i := range list {
		list[i].CreatedAt, list[i].UpdatedAt = list[i].CreatedAt.UTC(), list[i].UpdatedAt.UTC()
	}
	return list, err
}

// Update is a change to a design's title and content, based on a version.
type Update struct {
	Version int64   // the version the change was based on
	Title   *string // nil keeps the title
	Content *design.Content
}

// UpdateDesign applies u to the design id of userID and returns the saved
// design with its new version. It returns ErrNotFound when the design is not
// the user's, and ErrConflict when u.Version is not the stored version or the
// design is submitted; nothing is written then.
func (s *Store) UpdateDesign(ctx context.Context, userID, id int64, u Update) (*design.Design, error) {
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
		if r.Version != u.Version || r.Status != string(design.StatusDraft) {
			return ErrConflict
		}
		d, err := r.design()
		if err != nil {
			return err
		}
		if u.Title != nil {
			d.Title = *u.Title
		}
		if u.Content != nil {
			d.Sections, d.Pipeline, d.Interview, d.FollowUps = u.Content.Sections, u.Content.Pipeline, u.Content.Interview, u.Content.FollowUps
		}
		content, err := encodeContent(d)
		if err != nil {
			return err
		}
		now := s.now()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE designs SET title = ?, content = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`), d.Title, content, now, id, u.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrConflict
		}
		d.Version, d.UpdatedAt = u.Version+1, now
		out = d
		return nil
	})
	return out, err
}

// DeleteDesign removes the design id of userID, or returns ErrNotFound.
func (s *Store) DeleteDesign(ctx context.Context, userID, id int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM designs WHERE id = ? AND user_id = ?`), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
