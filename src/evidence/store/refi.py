"""REFI-QDA identities and imports: the ``refi_namespace``, ``refi_objects`` and ``refi_imports``
tables (see evidence.refi.guids for what the GUIDs mean)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .values import now, to_json

if TYPE_CHECKING:
    from .db import Store


class Refi:
    """``store.refi``: the project's GUID namespace, remembered GUIDs and the import log."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store.connection

    def namespace(self) -> uuid.UUID:
        """The project's GUID namespace, made (a random UUID, stored) the first time it is asked for."""
        row = self._conn.execute("SELECT namespace FROM refi_namespace WHERE id = 1").fetchone()
        if row is not None:
            return uuid.UUID(row[0])
        namespace = uuid.uuid4()
        with self._store.transaction() as conn:
            conn.execute("INSERT INTO refi_namespace (id, namespace) VALUES (1, ?)", (str(namespace),))
        return namespace

    def objects(self) -> Iterator[tuple[str, str, str, str]]:
        """(kind, local id, GUID, data as JSON text) of every remembered object."""
        for kind, local_id, guid, data in self._conn.execute("SELECT kind, local_id, guid, data FROM refi_objects"):
            yield kind, local_id, guid, data

    def users(self) -> list[str]:
        """The local ids (names) of the users remembered from imports."""
        return [r[0] for r in self._conn.execute("SELECT local_id FROM refi_objects WHERE kind = 'user'").fetchall()]

    def remember(self, kind: str, local_id: str, guid: str, data: dict[str, Any]) -> None:
        """Keep (or replace) an object's GUID and details."""
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO refi_objects (kind, local_id, guid, data) VALUES (?,?,?,?)"
                " ON CONFLICT(kind, local_id) DO UPDATE SET guid = excluded.guid, data = excluded.data",
                (kind, local_id, guid, to_json(data)),
            )

    def record_import(self, file: str, file_hash: str, origin: str, report: str) -> None:
        """One row of the import log (``report`` as JSON text)."""
        with self._store.transaction() as conn:
            conn.execute("INSERT INTO refi_imports (file, file_hash, origin, imported_at, report) VALUES (?,?,?,?,?)",
                         (file, file_hash, origin, now(), report))
