-- +goose Up
CREATE TABLE reports (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    design_id      BIGINT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
    rubric_version INTEGER NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    reason         TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_design_idx ON reports (design_id, id);
CREATE INDEX designs_case_status_idx ON designs (case_slug, status);

-- +goose Down
DROP INDEX designs_case_status_idx;
DROP TABLE reports;
