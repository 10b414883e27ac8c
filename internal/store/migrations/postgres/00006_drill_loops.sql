-- +goose Up
-- A full loop is a set of drills around a design case in interview mode:
-- sets get a kind, and a loop its case and the design written for it.
ALTER TABLE drill_sets
    ADD COLUMN kind TEXT NOT NULL DEFAULT 'timed',
    ADD COLUMN case_slug TEXT NOT NULL DEFAULT '',
    ADD COLUMN design_id BIGINT REFERENCES designs (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE drill_sets DROP COLUMN design_id, DROP COLUMN case_slug, DROP COLUMN kind;
