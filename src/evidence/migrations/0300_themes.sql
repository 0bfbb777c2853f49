-- Inductive themes (BERTopic) and discussion sections. Each fit is a row of runs (kind 'themes' or
-- 'sections'); its themes and assignments hang off that run, so earlier fits stay comparable.

CREATE TABLE theme_runs (
    run_id    INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    unit      TEXT NOT NULL,              -- segment | turn | quote | sentence | paragraph
    source_id TEXT NOT NULL DEFAULT '',   -- '' = all sources
    seed      INTEGER NOT NULL,
    model_id  TEXT NOT NULL DEFAULT '',   -- embedder model id
    model_dir TEXT NOT NULL DEFAULT '',   -- PROJECT/models/... (relative to the project)
    n_units   INTEGER NOT NULL,
    n_themes  INTEGER NOT NULL
);

CREATE TABLE themes (
    run_id  INTEGER NOT NULL REFERENCES theme_runs(run_id) ON DELETE CASCADE,
    id      INTEGER NOT NULL,             -- -1 = unassigned (outliers)
    label   TEXT NOT NULL,
    size    INTEGER NOT NULL,
    words   TEXT NOT NULL DEFAULT '[]',   -- JSON list, most typical first
    quotes  TEXT NOT NULL DEFAULT '[]',   -- JSON list of the most representative segment ids
    code_id TEXT NOT NULL DEFAULT '',     -- the code it was promoted to or mapped onto
    PRIMARY KEY (run_id, id)
);

CREATE TABLE theme_assignments (
    run_id     INTEGER NOT NULL REFERENCES theme_runs(run_id) ON DELETE CASCADE,
    segment_id TEXT NOT NULL,
    theme      INTEGER NOT NULL,
    similarity REAL,
    PRIMARY KEY (run_id, segment_id)
);
CREATE INDEX theme_assignments_segment ON theme_assignments(segment_id);

CREATE TABLE discussion_sections (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    source_id  TEXT NOT NULL,
    section    INTEGER NOT NULL,
    start_turn INTEGER NOT NULL,
    end_turn   INTEGER NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    codes      TEXT NOT NULL DEFAULT '[]',
    themes     TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, section)
);
CREATE INDEX discussion_sections_source ON discussion_sections(source_id);
