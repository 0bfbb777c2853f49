-- REFI-QDA interoperability: stable GUIDs for exported objects, the GUIDs and details of imported ones,
-- and a log of imports with their reports.

-- One random namespace per project: exported GUIDs are uuid5(namespace, "kind:local id"), so two
-- exports of the same project give the same GUIDs, and two projects never share them.
CREATE TABLE refi_namespace (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    namespace TEXT NOT NULL
);

-- Objects that came from (or went to) another tool keep their GUID and the details the store has no
-- column for (a code's isCodable, a user's short id, a variable's declared type, a case's description).
-- kind: user | code | source | selection | coding | case | variable | note
CREATE TABLE refi_objects (
    kind     TEXT NOT NULL,
    local_id TEXT NOT NULL,               -- code id, source id, user name, coding id, case id, ...
    guid     TEXT NOT NULL,               -- lower case, without braces
    data     TEXT NOT NULL DEFAULT '{}',  -- JSON
    PRIMARY KEY (kind, local_id)
);
CREATE INDEX refi_objects_guid ON refi_objects(kind, guid);

CREATE TABLE refi_imports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    file        TEXT NOT NULL,
    file_hash   TEXT NOT NULL,
    origin      TEXT NOT NULL DEFAULT '',  -- the program that wrote the file (Project/@origin)
    imported_at TEXT NOT NULL,
    report      TEXT NOT NULL DEFAULT '{}' -- JSON: counts, skipped items with reasons, notes
);
