-- +goose Up
CREATE TABLE calibrations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_slug  TEXT NOT NULL,
    levels     TEXT NOT NULL,
    known      TEXT NOT NULL,
    accuracy   DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, case_slug)
);

CREATE TABLE reviews (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    design_id      BIGINT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
    reviewer_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    comment        TEXT NOT NULL DEFAULT '',
    helpfulness    INTEGER CHECK (helpfulness BETWEEN 1 AND 5),
    seen_by_author BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (design_id, reviewer_id)
);
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id);

CREATE TABLE review_items (
    review_id BIGINT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL,
    level     INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    comment   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (review_id, item_id)
);

CREATE TABLE rulings (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    design_id  BIGINT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
    item_id    TEXT NOT NULL,
    mentor_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level      INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    reason     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (design_id, item_id)
);

-- +goose Down
DROP TABLE rulings;
DROP TABLE review_items;
DROP TABLE reviews;
DROP TABLE calibrations;
