-- +goose Up
-- A full loop is a set of drills around a design case in interview mode:
-- sets get a kind, and a loop its case and the design written for it.
ALTER TABLE drill_sets ADD COLUMN kind TEXT NOT NULL DEFAULT 'timed';
ALTER TABLE drill_sets ADD COLUMN case_slug TEXT NOT NULL DEFAULT '';
ALTER TABLE drill_sets ADD COLUMN design_id INTEGER REFERENCES designs (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE drill_sets DROP COLUMN design_id;
ALTER TABLE drill_sets DROP COLUMN case_slug;
ALTER TABLE drill_sets DROP COLUMN kind;
