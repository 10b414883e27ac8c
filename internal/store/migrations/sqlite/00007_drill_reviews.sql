-- +goose Up
-- Peer review of drill answers: a reviewer's calibration on each drill
-- pack, their reviews of other members' attempts and the level of every
-- rubric item; and what an uploaded answer file says beyond its text: the
-- follow-up question, when it was written and how long it took.
CREATE TABLE drill_calibrations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pack_slug  TEXT NOT NULL,
    drill_slug TEXT NOT NULL,
    levels     TEXT NOT NULL,
    result     TEXT NOT NULL,
    accuracy   REAL NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, pack_slug)
);

CREATE TABLE drill_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id  INTEGER NOT NULL REFERENCES drill_attempts (id) ON DELETE CASCADE,
    reviewer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (attempt_id, reviewer_id)
);
CREATE INDEX drill_reviews_reviewer_idx ON drill_reviews (reviewer_id);

CREATE TABLE drill_review_items (
    review_id INTEGER NOT NULL REFERENCES drill_reviews (id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL,
    level     INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    comment   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (review_id, item_id)
);

ALTER TABLE drill_attempts ADD COLUMN follow_up_question TEXT NOT NULL DEFAULT '';
ALTER TABLE drill_attempts ADD COLUMN answered_at TIMESTAMP;
ALTER TABLE drill_attempts ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE drill_attempts DROP COLUMN seconds;
ALTER TABLE drill_attempts DROP COLUMN answered_at;
ALTER TABLE drill_attempts DROP COLUMN follow_up_question;
DROP TABLE drill_review_items;
DROP TABLE drill_reviews;
DROP TABLE drill_calibrations;
