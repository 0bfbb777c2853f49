"""The project store's connection: one SQLite file per project (WAL mode, foreign keys on, versioned schema).

Every write goes through :meth:`Store.transaction`, so a failed ingest or coding session leaves the store
exactly as it was. Schema migrations are the numbered ``.sql`` files in ``evidence/migrations``, applied in
order, once each, inside one transaction each; ``PRAGMA user_version`` records the last one applied.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ProjectError
from ..core.model import SEGMENT_COLUMNS, Case, Code, Coding, Memo, Segment, Source
from .codes import Codes
from .codings import Codings
from .refi import Refi
from .sources import Sources
from .themes import Themes
from .values import _json, now

BUSY_TIMEOUT_MS = 30_000

IntegrityError = sqlite3.IntegrityError  # a write the schema refuses (callers catch it without sqlite3)


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped with the package as (number, name, sql), in order."""
    found = []
    for entry in resources.files("evidence.migrations").iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number = int(name.split("_", 1)[0])
        found.append((number, name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise ProjectError(f"two migrations share a number: {[name for _, name, _ in found]}")
    return found


class Store:
    """A project's SQLite database. Open with ``Store(path)``; the schema is created or migrated."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise ProjectError(
                f"{self.path}: no project store here (run `evidence init` in the project folder first)"
            )
        self._conn = self._connect()
        # the table groups: named queries and writes, each on this connection (so inside a
        # ``with store.transaction():`` block they are part of that transaction)
        self.sources = Sources(self)
        self.codes = Codes(self)
        self.codings = Codings(self)
        self.themes = Themes(self)
        self.refi = Refi(self)
        self._migrate()
        self.mark_interrupted_runs()

    # -- connection ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """Open the store: WAL for a writable project; read-only (and nothing can change it) on a
        read-only folder or disk, so commands that only read still work there."""
        self.read_only = self.path.exists() and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        try:
            if self.read_only:
                uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
                conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise ProjectError(f"{self.path}: cannot open the project store ({exc}); check that the project "
                               "folder and its evidence.sqlite can be written by you (or copy the project "
                               "somewhere that can)") from None
        return conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any exception."""
        conn = self._conn
        if conn.in_transaction:
            # nested use joins the outer transaction (savepoints keep the inner part atomic)
            conn.execute("SAVEPOINT nested")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK TO nested")
                conn.execute("RELEASE nested")
                raise
            conn.execute("RELEASE nested")
            return
        if self.read_only:
            raise ProjectError(f"{self.path}: the project is read-only here, so nothing can be stored; make "
                               "the folder writable (chmod u+w) or copy the project somewhere you can write")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ProjectError(f"{self.path}: cannot start writing to the project store ({exc}); if another "
                               "evidence command is writing, wait for it and run this again") from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Apply every shipped migration this store has not had yet, each in its own transaction.

        Applied migrations are recorded by name (``applied_migrations``), so a migration numbered below
        one already applied (areas own number ranges) is still applied. ``PRAGMA user_version`` holds
        the highest number applied, to refuse stores written by a newer workbench.
        """
        known = migrations()
        latest = known[-1][0] if known else 0
        current = self.schema_version()
        if current > latest:
            raise ProjectError(
                f"{self.path}: store schema version {current} is newer than this workbench knows "
                f"({latest}); upgrade the evidence package"
            )
        conn = self._conn
        if self.read_only:
            if current < latest and {name for _, name, _ in known} - self._applied_names():
                raise ProjectError(f"{self.path}: this project store needs updating (schema {current}, "
                                   f"workbench {latest}) but is read-only; open it once where it can be "
                                   "written")
            return
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'applied_migrations'").fetchone()
        with self.transaction():
            conn.execute("CREATE TABLE IF NOT EXISTS applied_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            if not has_table and current:  # a store from before this table: numbers up to user_version ran
                conn.executemany("INSERT OR IGNORE INTO applied_migrations VALUES (?, ?)",
                                 [(name, now()) for number, name, _ in known if number <= current])
        applied = {r[0] for r in conn.execute("SELECT name FROM applied_migrations")}
        for number, name, sql in known:
            if name in applied:
                continue
            try:
                with self.transaction() as tx:
                    for statement in _split_sql(sql):
                        tx.execute(statement)
                    tx.execute("INSERT INTO applied_migrations VALUES (?, ?)", (name, now()))
                    tx.execute(f"PRAGMA user_version = {max(number, self.schema_version())}")
            except sqlite3.Error as exc:
                raise ProjectError(f"{self.path}: migration {name} failed: {exc}") from exc

    def _applied_names(self) -> set[str]:
        try:
            return {r[0] for r in self._conn.execute("SELECT name FROM applied_migrations")}
        except sqlite3.Error:
            return set()

    # -- reading ------------------------------------------------------------------------------
    def read_sql(self, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
        """Run a query and return a DataFrame (columns as the query names them)."""
        cur = self._conn.execute(sql, tuple(params))
        columns = [d[0] for d in cur.description]
        return pd.DataFrame([tuple(row) for row in cur.fetchall()], columns=columns)

    def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]

    def tables(self) -> set[str]:
        """The names of the store's tables."""
        return {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def columns(self, table: str) -> list[str]:
        """The column names of one of the store's tables."""
        if table not in self.tables():
            raise ProjectError(f"{self.path}: no table {table!r} in the project store")
        return [d[0] for d in self._conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description]

    def column_values(self, table: str, columns: list[str]) -> pd.DataFrame:
        """``_row`` (the rowid) and the given columns of every row of a table (for whole-store checks
        such as the privacy leak check)."""
        known = self.columns(table)
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise ProjectError(f"{self.path}: table {table!r} has no column {unknown[0]!r}")
        quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
        return self.read_sql(f'SELECT rowid AS _row, {quoted} FROM "{table}"')

    def backup_to(self, path: str | Path) -> None:
        """Copy the whole store, consistently, into a new SQLite file at ``path``."""
        target = sqlite3.connect(path)
        try:
            self._conn.backup(target)
        finally:
            target.close()

    def source_by_path_key(self, path_key: str, legacy_path: str = "") -> sqlite3.Row | None:
        """The source ingested from a file, found by the hash of its path (or, in stores made before
        schema 2, by the path itself)."""
        row = self._conn.execute(
            "SELECT id, file_hash FROM sources WHERE path_key = ?", (path_key,)
        ).fetchone()
        if row is None and legacy_path:
            row = self._conn.execute(
                "SELECT id, file_hash FROM sources WHERE path_key = '' AND path = ?", (legacy_path,)
            ).fetchone()
        return row

    def source_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM sources")}

    def source(self, source_id: str) -> Source:
        row = self._conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise ProjectError(f"no source with id {source_id!r} in {self.path}")
        return Source(
            id=row["id"], kind=row["kind"], text=row["text"], path=row["path"], title=row["title"],
            date=row["date"], partnership=row["partnership"], school=row["school"],
            event=row["event"], wave=row["wave"], reader=row["reader"], encoding=row["encoding"],
            file_hash=row["file_hash"], metadata=json.loads(row["metadata"]),
        )

    def iter_segments(self, kinds: Iterable[str] | None = None, source: str | None = None,
                      batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Segments one dict at a time, in :meth:`segments_frame`'s order and columns, read in batches so a
        million rows never sit in memory at once (``evidence segments --jsonl``)."""
        sql, params = self._segments_sql(kinds, source)
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch):
            for row in rows:
                record = dict(zip(columns, tuple(row)))
                record["attributes"] = json.loads(record["attributes"])
                yield record

    def segments_frame(self, kinds: Iterable[str] | None = None, source: str | None = None) -> pd.DataFrame:
        sql, params = self._segments_sql(kinds, source)
        frame = self.read_sql(sql, params)
        if frame.empty:
            return pd.DataFrame(columns=SEGMENT_COLUMNS)
        frame["attributes"] = frame["attributes"].map(json.loads)
        return frame

    def _segments_sql(self, kinds: Iterable[str] | None, source: str | None) -> tuple[str, list[Any]]:
        sql = (
            'SELECT id, source_id AS source, kind, start, "end", text, ord AS "order", speaker, role, '
            'case_id AS "case", wave, parent, timestamp, attributes FROM segments'
        )
        where, params = [], []
        if kinds:
            kinds = list(kinds)
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params += kinds
        if source:
            where.append("source_id = ?")
            params.append(source)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY source_id, CASE kind WHEN 'sentence' THEN 1 ELSE 0 END, ord"
        return sql, params

    # -- writing ------------------------------------------------------------------------------
    def write_source(
        self,
        conn: sqlite3.Connection,
        source: Source,
        segments: list[Segment],
        speakers: list[dict[str, Any]] | None = None,
        cases: list[Case] | None = None,
        path_key: str = "",
    ) -> None:
        """Insert one source with its segments, speakers and cases (inside the caller's transaction)."""
        text = source.text
        for segment in segments:
            if text[segment.start : segment.end] != segment.text:
                segment.check_offsets(text)  # raises with the segment named
        conn.execute(
            "INSERT INTO sources (id, kind, path, path_key, title, date, partnership, school, event, wave,"
            " reader, encoding, file_hash, text_hash, text, metadata, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                source.id, source.kind, source.path, path_key, source.title, source.date, source.partnership,
                source.school, source.event, source.wave, source.reader, source.encoding,
                source.file_hash, source.text_hash, source.text,
                json.dumps(source.metadata, ensure_ascii=False, sort_keys=True, default=str), now(),
            ),
        )
        self.insert_segments(conn, source.id, segments)
        conn.executemany(
            "INSERT INTO speakers (source_id, name, role, school, turns) VALUES (?,?,?,?,?)",
            [(source.id, speaker["name"], speaker.get("role", ""), speaker.get("school", ""),
              int(speaker.get("turns", 0))) for speaker in speakers or []],
        )
        self.upsert_cases(conn, cases or [])

    def upsert_case(self, conn: sqlite3.Connection, case: Case) -> None:
        """Insert a case or merge new attributes into an existing one (same id and kind)."""
        from ..core.model import attribute_text, attribute_type

        row = conn.execute("SELECT kind FROM cases WHERE id = ?", (case.id,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO cases (id, kind, name) VALUES (?,?,?)", (case.id, case.kind, case.name))
        elif row["kind"] != case.kind:
            raise ProjectError(
                f"case {case.id!r} is already a {row['kind']}, not a {case.kind}; give one of them another id"
            )
        for name, value in case.attributes.items():
            if value is None or (isinstance(value, float) and value != value):
                continue
            kind = attribute_type(value)
            stored = attribute_text(value, kind)
            conn.execute(
                "INSERT INTO attributes (case_id, name, type, value) VALUES (?,?,?,?)"
                " ON CONFLICT(case_id, name) DO UPDATE SET type = excluded.type, value = excluded.value",
                (case.id, name, kind, stored),
            )

    def upsert_cases(self, conn: sqlite3.Connection, cases: list[Case]) -> None:
        """:meth:`upsert_case` for many cases at once (one query for the kinds already stored, then
        ``executemany``): a quote table of a million answers names as many pupils."""
        from ..core.model import attribute_text, attribute_type

        kinds: dict[str, str] = {}
        ids = list(dict.fromkeys(case.id for case in cases))
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            kinds.update((r[0], r[1]) for r in conn.execute(
                f"SELECT id, kind FROM cases WHERE id IN ({','.join('?' * len(part))})", part))
        new, attributes = [], []
        for case in cases:
            kind = kinds.get(case.id)
            if kind is None:
                kinds[case.id] = case.kind
                new.append((case.id, case.kind, case.name))
            elif kind != case.kind:
                raise ProjectError(
                    f"case {case.id!r} is already a {kind}, not a {case.kind}; give one of them another id"
                )
            for name, value in case.attributes.items():
                if value is None or (isinstance(value, float) and value != value):
                    continue
                typed = attribute_type(value)
                attributes.append((case.id, name, typed, attribute_text(value, typed)))
        conn.executemany("INSERT INTO cases (id, kind, name) VALUES (?,?,?)", new)
        conn.executemany(
            "INSERT INTO attributes (case_id, name, type, value) VALUES (?,?,?,?)"
            " ON CONFLICT(case_id, name) DO UPDATE SET type = excluded.type, value = excluded.value",
            attributes,
        )

    def delete_source(self, conn: sqlite3.Connection, source_id: str) -> None:
        """Remove a source and its segments; refuses (foreign key) while codings point at them."""
        conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def insert_codings(self, conn: sqlite3.Connection, codings: list[Coding]) -> list[int]:
        stamp = now()
        ids = []
        for c in codings:
            cur = conn.execute(
                'INSERT INTO codings (segment_id, code_id, coder, origin, status, start, "end", confidence,'
                " explanation, model_id, model_version, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    c.segment, c.code, c.coder, c.origin, c.status, c.start, c.end, c.confidence,
                    c.explanation, c.model_id, c.model_version, stamp, stamp,
                ),
            )
            ids.append(int(cur.lastrowid))
            c.id = int(cur.lastrowid)
        return ids

    def upsert_code(self, conn: sqlite3.Connection, code: Code, order: int = 0) -> None:
        stamp = now()
        conn.execute(
            "INSERT INTO codes (id, parent, name, colour, definition, spec, ord, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET parent = excluded.parent,"
            " name = excluded.name, colour = excluded.colour, definition = excluded.definition,"
            " spec = excluded.spec, ord = excluded.ord, updated_at = excluded.updated_at",
            (
                code.id, code.parent, code.name, code.colour, code.definition,
                json.dumps(code.spec, ensure_ascii=False, sort_keys=True, default=str), order, stamp, stamp,
            ),
        )

    def record_code_change(
        self, conn: sqlite3.Connection, action: str, detail: dict[str, Any], author: str = ""
    ) -> None:
        conn.execute(
            "INSERT INTO code_changes (at, action, detail, author) VALUES (?,?,?,?)",
            (now(), action, json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str), author),
        )

    def insert_memo(self, conn: sqlite3.Connection, memo: Memo) -> int:
        cur = conn.execute(
            "INSERT INTO memos (text, author, segment_id, code_id, source_id, created_at) VALUES (?,?,?,?,?,?)",
            (memo.text, memo.author, memo.segment, memo.code, memo.source, now()),
        )
        memo.id = int(cur.lastrowid)
        return memo.id

    def start_run(self, kind: str, params: dict[str, Any]) -> int:
        """Record a run as ``running``, with the process running it (see :meth:`mark_interrupted_runs`)."""
        from ..core.processes import process_identity

        me = process_identity()
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (kind, params, started_at, host, pid, process_started) VALUES (?,?,?,?,?,?)",
                (kind, json.dumps(params, sort_keys=True, default=str), now(), me["host"], me["pid"],
                 me["started"]),
            )
            return int(cur.lastrowid)

    def mark_interrupted_runs(self) -> list[int]:
        """Runs still ``running`` whose process is gone (killed, crashed, machine restarted) become
        ``interrupted``; returns their ids. Every command that opens a writable project calls this."""
        from ..core.processes import alive

        if self.read_only:
            return []
        rows = self._conn.execute(
            "SELECT id, host, pid, process_started FROM runs WHERE status = 'running'").fetchall()
        gone = [int(r["id"]) for r in rows
                if r["pid"] is not None and not alive(r["pid"], r["process_started"], r["host"])]
        if gone:
            result = json.dumps({"error": "the command stopped before the run finished (killed or crashed); "
                                          "run it again"}, sort_keys=True)
            with self.transaction() as conn:
                conn.executemany("UPDATE runs SET status = 'interrupted', finished_at = ?, result = ? "
                                 "WHERE id = ? AND status = 'running'", [(now(), result, i) for i in gone])
        return gone

    def finish_run(self, run_id: int, status: str, result: dict[str, Any] | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET status = ?, finished_at = ?, result = ? WHERE id = ?",
                (status, now(), json.dumps(result or {}, sort_keys=True, default=str), run_id),
            )

    # -- batched reading and writing (a million answers never sit in memory at once) ------------
    # Kept together so the SQL is in one place: ingest writes segments from a generator, autocode reads
    # segments and writes codings one batch at a time, inside the caller's single transaction.
    def insert_segments(self, conn: sqlite3.Connection, source_id: str, segments: Iterable[Segment]) -> int:
        """Insert segments of one source (inside the caller's transaction), consuming ``segments`` lazily."""
        cur = conn.executemany(
            'INSERT INTO segments (id, source_id, kind, start, "end", text, ord, speaker, role, case_id,'
            " wave, parent, timestamp, attributes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ((s.id, source_id, s.kind, s.start, s.end, s.text, s.order, s.speaker, s.role, s.case, s.wave,
              s.parent, s.timestamp, _json(s.attributes)) for s in segments),
        )
        return int(cur.rowcount)

    def count_segments(self, kinds: Iterable[str] | None = None) -> int:
        sql, params = self._segments_sql(kinds, None)
        return int(self.scalar(f"SELECT COUNT(*) FROM ({sql})", params))

    def segment_frames(self, kinds: Iterable[str] | None = None, source: str | None = None,
                       batch: int = 50_000) -> Iterator[pd.DataFrame]:
        """:meth:`segments_frame` in DataFrames of at most ``batch`` rows, in the same order and columns.

        The rows are read with ``fetchmany`` from one cursor; the caller may write (codings) on the same
        connection between batches."""
        sql, params = self._segments_sql(kinds, source)
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch):
            frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
            frame["attributes"] = frame["attributes"].map(json.loads)
            yield frame

    def settled_codings(self, coder: str, origin: str) -> set[tuple[str, str]]:
        """(segment, code) pairs of a coder and origin that a person accepted or rejected (not suggested)."""
        rows = self._conn.execute(
            "SELECT segment_id, code_id FROM codings WHERE coder = ? AND origin = ? AND status <> 'suggested'",
            (coder, origin))
        return {(r[0], r[1]) for r in rows}

    def delete_suggested(self, conn: sqlite3.Connection, coder: str, origin: str) -> int:
        """Remove a coder's suggested codings of one origin (inside the caller's transaction)."""
        return int(conn.execute("DELETE FROM codings WHERE coder = ? AND origin = ? AND status = 'suggested'",
                                (coder, origin)).rowcount)

    _STAGED = ('segment_id, code_id, coder, origin, status, start, "end", confidence, explanation, model_id,'
               " model_version")

    def stage_codings(self, codings: Iterable[Coding]) -> int:
        """Keep codings in this connection's temporary table ``staged_codings`` (no lock on the project
        store, so other commands can write meanwhile); :meth:`commit_staged` moves them in."""
        conn = self._conn
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_codings ({self._STAGED})")
        cur = conn.executemany(
            f"INSERT INTO temp.staged_codings ({self._STAGED}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ((c.segment, c.code, c.coder, c.origin, c.status, c.start, c.end, c.confidence, c.explanation,
              c.model_id, c.model_version) for c in codings),
        )
        return int(cur.rowcount)

    def commit_staged(self, conn: sqlite3.Connection) -> int:
        """Insert the staged codings, in staging order, inside the caller's transaction (then empty the
        staging table); a (segment, code) a person judged while they were staged is left out."""
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS staged_codings ({self._STAGED})")
        stamp = now()
        cur = conn.execute(
            f"INSERT INTO codings ({self._STAGED}, created_at, updated_at)"
            f" SELECT {self._STAGED}, ?, ? FROM temp.staged_codings AS s WHERE NOT EXISTS (SELECT 1 FROM codings"
            " AS j WHERE j.segment_id = s.segment_id AND j.code_id = s.code_id AND j.coder = s.coder AND"
            " j.origin = s.origin AND j.status <> 'suggested') ORDER BY s.rowid", (stamp, stamp))
        conn.execute("DELETE FROM temp.staged_codings")
        return int(cur.rowcount)

    def drop_staged(self) -> None:
        self._conn.execute("DROP TABLE IF EXISTS temp.staged_codings")


def copy_store(source: str | Path, target: str | Path) -> None:
    """Copy a store file over another (SQLite's online backup, so a reader of ``target`` never sees half
    of it), e.g. to put back a snapshot taken with :meth:`Store.backup_to`."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _split_sql(sql: str) -> list[str]:
    """Split a migration file into statements (sqlite3.complete_statement knows where they end)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not buffer.strip():
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(l.strip().startswith("--") or not l.strip() for l in buffer.splitlines()):
        statements.append(buffer.strip())
    return statements
