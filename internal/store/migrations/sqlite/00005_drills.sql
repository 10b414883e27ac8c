-- +goose Up
-- Drills: timed sets of drills, every answer to a drill with its report and
-- the rating it gave the schedule, and one FSRS card per user and drill.
CREATE TABLE drill_sets (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    drills      TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    deadline    TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX drill_sets_user_idx ON drill_sets (user_id);

CREATE TABLE drill_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    drill_slug  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    answer      TEXT NOT NULL,
    sql_text    TEXT NOT NULL DEFAULT '',
    follow_up   TEXT NOT NULL DEFAULT '',
    score       REAL NOT NULL,
    grade       TEXT NOT NULL,
    report      TEXT NOT NULL,
    proposed    INTEGER NOT NULL CHECK (proposed BETWEEN 1 AND 4),
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    card_before TEXT NOT NULL,
    set_id      INTEGER REFERENCES drill_sets (id) ON DELETE CASCADE,
    late        INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX drill_attempts_user_idx ON drill_attempts (user_id, drill_slug, id);
CREATE INDEX drill_attempts_set_idx ON drill_attempts (set_id);

CREATE TABLE drill_cards (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    drill_slug    TEXT NOT NULL,
    state         INTEGER NOT NULL,
    step          INTEGER NOT NULL DEFAULT 0,
    due           TIMESTAMP NOT NULL,
    stability     REAL NOT NULL,
    difficulty    REAL NOT NULL,
    last_review   TIMESTAMP,
    reps          INTEGER NOT NULL,
    lapses        INTEGER NOT NULL,
    snoozed_until TIMESTAMP,
    retired       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, drill_slug)
);
CREATE INDEX drill_cards_due_idx ON drill_cards (user_id, due);

-- +goose Down
DROP TABLE drill_cards;
DROP TABLE drill_attempts;
DROP TABLE drill_sets;
