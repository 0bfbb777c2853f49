"""Sources and what ingest makes of them: the ``sources``, ``segments``, ``speakers``, ``cases`` and
``attributes`` tables (the writers used inside an ingest transaction are :meth:`Store.write_source`,
:meth:`Store.upsert_case` and :meth:`Store.delete_source`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.model import Segment
from .values import to_json

if TYPE_CHECKING:
    from .db import Store


class Sources:
    """``store.sources``: named reads of the source and segment tables."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store.connection

    # -- sources ------------------------------------------------------------------------------
    def frame(self) -> pd.DataFrame:
        """One row per source without its text (``metadata`` as stored JSON text; ``characters``)."""
        return self._store.read_sql(
            "SELECT id, kind, path, title, date, partnership, school, event, wave, reader, encoding,"
            " file_hash, text_hash, metadata, ingested_at, length(text) AS characters FROM sources ORDER BY id"
        )

    def with_file_hash(self, file_hash: str) -> str | None:
        """The first source (by id) ingested from a file with this content hash, if any."""
        row = self._conn.execute(
            "SELECT id FROM sources WHERE file_hash = ? ORDER BY id LIMIT 1", (file_hash,)).fetchone()
        return None if row is None else str(row[0])

    def metadata(self) -> pd.DataFrame:
        """id, metadata (JSON text) of every source, by id."""
        return self._store.read_sql("SELECT id, metadata FROM sources ORDER BY id")

    def path_keys(self) -> set[str]:
        """The hashes of the paths every source was ingested from."""
        return {r[0] for r in self._conn.execute("SELECT path_key FROM sources")}

    def codings_on(self, source_id: str) -> int:
        """How many codings point at the segments of a source."""
        return int(self._conn.execute(
            "SELECT COUNT(*) FROM codings WHERE segment_id IN (SELECT id FROM segments WHERE source_id = ?)",
            (source_id,),
        ).fetchone()[0])

    # -- segments -----------------------------------------------------------------------------
    def segment_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT id FROM segments")}

    def segment_owners(self, ids: list[str]) -> dict[str, str]:
        """segment id -> source id for those of ``ids`` already in the store (looked up 500 at a time)."""
        owners: dict[str, str] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            rows = self._conn.execute(
                f"SELECT id, source_id FROM segments WHERE id IN ({','.join('?' * len(part))})", part)
            owners.update({r[0]: r[1] for r in rows})
        return owners

    def segment(self, segment_id: str) -> sqlite3.Row | None:
        """id, source_id, start, end of one segment (None when there is none)."""
        return self._conn.execute(
            'SELECT id, source_id, start, "end" FROM segments WHERE id = ?', (segment_id,)).fetchone()

    def smallest_segment_holding(self, source_id: str, start: int, end: int) -> str | None:
        """The id of the shortest segment of a source whose span holds ``start``-``end``."""
        row = self._conn.execute(
            'SELECT id FROM segments WHERE source_id = ? AND start <= ? AND "end" >= ?'
            " ORDER BY (\"end\" - start) LIMIT 1", (source_id, start, end)).fetchone()
        return None if row is None else str(row[0])

    def segment_spans(self) -> pd.DataFrame:
        """id, source_id, start, end of every segment, indexed by id."""
        return self._store.read_sql('SELECT id, source_id, start, "end" FROM segments').set_index("id")

    def segment_texts(self) -> pd.Series:
        """Every segment's text, indexed by segment id."""
        return self._store.read_sql("SELECT id, text FROM segments").set_index("id")["text"]

    def role_turns(self) -> pd.DataFrame:
        """role, turns: how many turns and quotes each named role has."""
        return self._store.read_sql(
            "SELECT role, COUNT(*) AS turns FROM segments WHERE kind IN ('turn','quote') AND role <> ''"
            " GROUP BY role ORDER BY role")

    def insert_segments(self, segments: Iterable[Segment]) -> None:
        """Add segments to sources already in the store (as :meth:`Store.write_source` writes them)."""
        with self._store.transaction() as conn:
            conn.executemany(
                'INSERT INTO segments (id, source_id, kind, start, "end", text, ord, speaker, role, case_id, wave,'
                " parent, timestamp, attributes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [(s.id, s.source, s.kind, s.start, s.end, s.text, s.order, s.speaker, s.role, s.case, s.wave,
                  s.parent, s.timestamp, to_json(s.attributes)) for s in segments])

    # -- speakers, cases, attributes ----------------------------------------------------------
    def speakers(self) -> pd.DataFrame:
        return self._store.read_sql("SELECT source_id AS source, name, role, school, turns FROM speakers"
                                    " ORDER BY source_id, name")

    def attributes(self) -> pd.DataFrame:
        """case, name, type, value (as stored text) of every case attribute."""
        return self._store.read_sql(
            "SELECT case_id AS \"case\", name, type, value FROM attributes ORDER BY case_id, name")

    def cases(self) -> pd.DataFrame:
        """id, kind, name of every case, by kind and id."""
        return self._store.read_sql("SELECT id, kind, name FROM cases ORDER BY kind, id")

    def case_kinds(self) -> dict[str, str]:
        """case id -> kind."""
        return {r[0]: r[1] for r in self._conn.execute("SELECT id, kind FROM cases")}

    # -- counts -------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The counts :meth:`Project.summary` reports (sources, segments by kind, speakers, cases, codes,
        codings, coders)."""
        q = self._store.scalar
        return {
            "sources": int(q("SELECT COUNT(*) FROM sources")),
            "segments": int(q("SELECT COUNT(*) FROM segments")),
            "turns": int(q("SELECT COUNT(*) FROM segments WHERE kind = 'turn'")),
            "quotes": int(q("SELECT COUNT(*) FROM segments WHERE kind = 'quote'")),
            "paragraphs": int(q("SELECT COUNT(*) FROM segments WHERE kind = 'paragraph'")),
            "sentences": int(q("SELECT COUNT(*) FROM segments WHERE kind = 'sentence'")),
            "speakers": int(q("SELECT COUNT(DISTINCT name) FROM speakers")),
            "cases": int(q("SELECT COUNT(*) FROM cases")),
            "pupils": int(q("SELECT COUNT(*) FROM cases WHERE kind = 'pupil'")),
            "schools": int(q("SELECT COUNT(*) FROM cases WHERE kind = 'school'")),
            "codes": int(q("SELECT COUNT(*) FROM codes")),
            "codings": int(q("SELECT COUNT(*) FROM codings")),
            "coders": int(q("SELECT COUNT(DISTINCT coder) FROM codings")),
        }
