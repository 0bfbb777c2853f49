-- Base schema of the project store. One file per migration; applied in file-name order, once each.
-- Offsets are Unicode code points into sources.text (end exclusive).

CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,            -- transcript | quotes | article
    path        TEXT NOT NULL DEFAULT '', -- path as given at ingest (relative where possible)
    title       TEXT NOT NULL DEFAULT '',
    date        TEXT NOT NULL DEFAULT '',
    partnership TEXT NOT NULL DEFAULT '',
    school      TEXT NOT NULL DEFAULT '',
    event       TEXT NOT NULL DEFAULT '',
    wave        TEXT NOT NULL DEFAULT '',
    reader      TEXT NOT NULL DEFAULT '',
    encoding    TEXT NOT NULL DEFAULT '',
    file_hash   TEXT NOT NULL,            -- sha256 of the file's bytes
    text_hash   TEXT NOT NULL,            -- sha256 of the stored text
    text        TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sources_path ON sources(path) WHERE path <> '';

CREATE TABLE speakers (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT '',
    school    TEXT NOT NULL DEFAULT '',
    turns     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source_id, name)
);

CREATE TABLE cases (
    id   TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                   -- pupil | school | partnership | speaker
    name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE attributes (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    type    TEXT NOT NULL CHECK (type IN ('text', 'number', 'date', 'boolean')),
    value   TEXT,
    PRIMARY KEY (case_id, name)
);

CREATE TABLE segments (
    id         TEXT PRIMARY KEY,
    source_id  TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('turn', 'sentence', 'quote', 'paragraph')),
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    text       TEXT NOT NULL,
    ord        INTEGER NOT NULL,
    speaker    TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    case_id    TEXT NOT NULL DEFAULT '',
    wave       TEXT NOT NULL DEFAULT '',
    parent     TEXT NOT NULL DEFAULT '',
    timestamp  TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '{}',
    CHECK (start >= 0 AND "end" >= start)
);
CREATE INDEX segments_source ON segments(source_id, kind, ord);
CREATE INDEX segments_case ON segments(case_id);

CREATE TABLE codes (
    id         TEXT PRIMARY KEY,
    parent     TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    colour     TEXT NOT NULL DEFAULT '',
    definition TEXT NOT NULL DEFAULT '',
    spec       TEXT NOT NULL DEFAULT '{}',
    ord        INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE code_changes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    action TEXT NOT NULL,                 -- add | rename | merge | split | move | update | delete | load
    detail TEXT NOT NULL DEFAULT '{}',
    author TEXT NOT NULL DEFAULT ''
);

CREATE TABLE codings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    segment_id    TEXT NOT NULL REFERENCES segments(id) ON DELETE RESTRICT,
    code_id       TEXT NOT NULL REFERENCES codes(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    coder         TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('human', 'rule', 'similarity', 'classifier', 'topic', 'import')),
    status        TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('suggested', 'accepted', 'rejected')),
    start         INTEGER,                -- source offsets of a coded span; NULL = whole segment
    "end"         INTEGER,
    confidence    REAL,
    explanation   TEXT NOT NULL DEFAULT '',
    model_id      TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((start IS NULL) = ("end" IS NULL))
);
CREATE INDEX codings_segment ON codings(segment_id);
CREATE INDEX codings_code ON codings(code_id);
CREATE INDEX codings_coder ON codings(coder, origin);

CREATE TABLE memos (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    text       TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    segment_id TEXT NOT NULL DEFAULT '',
    code_id    TEXT NOT NULL DEFAULT '',
    source_id  TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,            -- ingest | autocode | themes | run | ...
    params      TEXT NOT NULL DEFAULT '{}',
    status      TEXT NOT NULL DEFAULT 'running',
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    result      TEXT NOT NULL DEFAULT '{}'
);
