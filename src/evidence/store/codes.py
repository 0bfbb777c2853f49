"""The codebook: the ``codes`` table and its change log ``code_changes`` (the writers used inside a
codebook transaction are :meth:`Store.upsert_code` and :meth:`Store.record_code_change`)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .db import Store


class Codes:
    """``store.codes``: named reads and the id changes a codebook edit makes."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store.connection

    def frame(self) -> pd.DataFrame:
        """id, parent, name, colour, definition, spec (JSON text), order; by order, then id."""
        return self._store.read_sql(
            "SELECT id, parent, name, colour, definition, spec, ord AS \"order\" FROM codes ORDER BY ord, id")

    def codebook_rows(self) -> pd.DataFrame:
        """id, parent, name, colour, definition, spec (JSON text) in stored order (then insertion order)."""
        return self._store.read_sql(
            "SELECT id, parent, name, colour, definition, spec FROM codes ORDER BY ord, rowid")

    def rows(self) -> pd.DataFrame:
        """id, parent, name, colour, definition, spec, ord of every code (unordered, as stored)."""
        return self._store.read_sql("SELECT id, parent, name, colour, definition, spec, ord FROM codes")

    def ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM codes")}

    def without_definition(self) -> int:
        """How many codes have an empty (or blank) definition."""
        return int(self._store.scalar("SELECT COUNT(*) FROM codes WHERE trim(definition) = ''"))

    def changes(self) -> pd.DataFrame:
        """The change log: id, at, action, author, detail (JSON text), oldest first."""
        return self._store.read_sql("SELECT id, at, action, author, detail FROM code_changes ORDER BY id")

    # -- id changes (inside the caller's codebook transaction) ---------------------------------
    def merge_codings(self, old: str, new: str) -> list[int]:
        """Move every coding of ``old`` to ``new``, first deleting those ``new`` already has exactly
        (same segment, coder, origin, status and span); returns the deleted coding ids."""
        with self._store.transaction() as conn:
            duplicates = [r[0] for r in conn.execute(
                'SELECT a.id FROM codings a JOIN codings b ON b.code_id = ? AND a.segment_id = b.segment_id'
                ' AND a.coder = b.coder AND a.origin = b.origin AND a.status = b.status'
                ' AND a.start IS b.start AND a."end" IS b."end" WHERE a.code_id = ?', (new, old))]
            if duplicates:
                conn.execute(f"DELETE FROM codings WHERE id IN ({','.join('?' * len(duplicates))})", duplicates)
            conn.execute("UPDATE codings SET code_id = ? WHERE code_id = ?", (new, old))
        return duplicates

    def rename(self, old: str, new: str) -> None:
        """Give a code a new id (the foreign key cascades it into codings)."""
        with self._store.transaction() as conn:
            conn.execute("UPDATE codes SET id = ? WHERE id = ?", (new, old))

    def move_memos(self, old: str, new: str) -> None:
        """Memos about ``old`` become memos about ``new``."""
        with self._store.transaction() as conn:
            conn.execute("UPDATE memos SET code_id = ? WHERE code_id = ?", (new, old))

    def codings_of(self, code_id: str) -> int:
        """How many codings use a code."""
        return int(self._conn.execute("SELECT COUNT(*) FROM codings WHERE code_id = ?", (code_id,)).fetchone()[0])

    def delete(self, code_id: str) -> None:
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM codes WHERE id = ?", (code_id,))
