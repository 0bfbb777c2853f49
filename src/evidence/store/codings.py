"""Codings and memos: the ``codings`` and ``memos`` tables (the writers used inside a transaction are
:meth:`Store.insert_codings` and :meth:`Store.insert_memo`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..core.model import MACHINE_ORIGINS
from .values import now

if TYPE_CHECKING:
    from .db import Store

MACHINE_ORIGIN_SQL = "(" + ",".join(f"'{o}'" for o in MACHINE_ORIGINS) + ")"


class Codings:
    """``store.codings``: named reads and writes of codings and memos."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store.connection

    # -- reading ------------------------------------------------------------------------------
    def frame(self, coder: str | None = None, origin: str | None = None,
              status: str | None = None) -> pd.DataFrame:
        """Codings in model.CODING_COLUMNS' names, by id, optionally filtered."""
        sql = ('SELECT id, segment_id AS segment, code_id AS code, coder, origin, status, start, "end",'
               " confidence, explanation, model_id, model_version, created_at, updated_at FROM codings")
        where, params = [], []
        for column, value in (("coder", coder), ("origin", origin), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._store.read_sql(sql + " ORDER BY id", params)

    def counts_by_code(self) -> dict[str, int]:
        frame = self._store.read_sql("SELECT code_id, COUNT(*) AS n FROM codings GROUP BY code_id")
        return dict(zip(frame["code_id"], frame["n"].astype(int)))

    def get(self, coding_id: int) -> sqlite3.Row | None:
        """id, segment_id, code_id, origin, coder of one coding (None when there is none)."""
        return self._conn.execute(
            "SELECT id, segment_id, code_id, origin, coder FROM codings WHERE id = ?", (int(coding_id),)).fetchone()

    def find(self, segment: str, code: str, coder: str, origin: str, start: int | None = None,
             end: int | None = None) -> int | None:
        """The id of the coding with exactly this segment, code, coder, origin and span, if any."""
        row = self._conn.execute(
            'SELECT id FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? AND origin = ?'
            ' AND start IS ? AND "end" IS ?', (segment, code, coder, origin, start, end)).fetchone()
        return None if row is None else int(row[0])

    def find_human_whole(self, segment: str, code: str, coder: str) -> int | None:
        """The id of a person's whole-segment coding of ``segment`` with ``code``, if any."""
        row = self._conn.execute(
            "SELECT id FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? AND origin = 'human'"
            ' AND start IS NULL', (segment, code, coder)).fetchone()
        return None if row is None else int(row[0])

    def spans_in_source(self, source_id: str) -> pd.DataFrame:
        """code_id, coder, a, b (the coded span, the whole segment when the coding has none) of every
        coding on a source's segments."""
        return self._store.read_sql(
            'SELECT c.code_id, c.coder, coalesce(c.start, s.start) AS a, coalesce(c."end", s."end") AS b '
            "FROM codings c JOIN segments s ON s.id = c.segment_id WHERE s.source_id = ?", (source_id,))

    # -- writing ------------------------------------------------------------------------------
    def set_status(self, ids: Iterable[int], status: str) -> None:
        with self._store.transaction() as conn:
            conn.executemany("UPDATE codings SET status = ?, updated_at = ? WHERE id = ?",
                             [(status, now(), int(i)) for i in ids])

    def set_code(self, coding_id: int, code_id: str) -> None:
        with self._store.transaction() as conn:
            conn.execute("UPDATE codings SET code_id = ?, updated_at = ? WHERE id = ?",
                         (code_id, now(), int(coding_id)))

    def remove(self, ids: Iterable[int]) -> None:
        with self._store.transaction() as conn:
            conn.executemany("DELETE FROM codings WHERE id = ?", [(int(i),) for i in ids])

    def remove_suggestions(self, coder: str, origin: str) -> int:
        """Delete a coder's open suggestions of one origin; returns how many."""
        with self._store.transaction() as conn:
            return int(conn.execute("DELETE FROM codings WHERE coder = ? AND origin = ? AND status = 'suggested'",
                                    (coder, origin)).rowcount)

    def withdraw_acceptance(self, segment: str, code: str, coder: str, suggestion_id: int) -> None:
        """Delete the person's coding that accepting suggestion ``suggestion_id`` made."""
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM codings WHERE segment_id = ? AND code_id = ? AND coder = ? AND origin = 'human'"
                         " AND explanation LIKE ?",
                         (segment, code, coder, f"accepted suggestion #{int(suggestion_id)} %"))

    # -- memos --------------------------------------------------------------------------------
    def memos(self) -> pd.DataFrame:
        return self._store.read_sql("SELECT id, text, author, segment_id AS segment, code_id AS code,"
                                    " source_id AS source, created_at FROM memos ORDER BY id")

    def memo_keys(self) -> set[tuple[str, str, str, str, str]]:
        """(text, author, segment, code, source) of every memo."""
        return {tuple(r) for r in self._conn.execute(  # type: ignore[misc]
            "SELECT text, author, segment_id, code_id, source_id FROM memos").fetchall()}

    def source_memo_exists(self, source_id: str, text: str) -> bool:
        return self._conn.execute(
            "SELECT 1 FROM memos WHERE source_id = ? AND text = ?", (source_id, text)).fetchone() is not None


def hand_work(path: str | Path) -> dict[str, int]:
    """Codings people made (``human_codings``) or machine suggestions they reviewed
    (``reviewed_suggestions``) in the store file at ``path``, read without opening it for writing
    (zeros when the file cannot be read)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        count = lambda sql: int(connection.execute(sql).fetchone()[0])  # noqa: E731
        return {"human_codings": count("SELECT COUNT(*) FROM codings WHERE origin = 'human'"),
                "reviewed_suggestions": count("SELECT COUNT(*) FROM codings WHERE origin IN "
                                              f"{MACHINE_ORIGIN_SQL} AND status <> 'suggested'")}
    except sqlite3.Error:
        return {"human_codings": 0, "reviewed_suggestions": 0}
    finally:
        connection.close()
