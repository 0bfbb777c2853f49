"""Topic-model runs: the ``theme_runs``, ``themes``, ``theme_assignments`` and ``discussion_sections``
tables (each fit or sectioning is also a row of ``runs``: :meth:`Store.start_run`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .db import Store


class Themes:
    """``store.themes``: the themes of stored fits."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store.connection

    def record_fit(self, run_id: int, *, unit: str, source: str, seed: int, model_id: str, model_dir: str,
                   n_units: int, themes: pd.DataFrame, assignments: pd.DataFrame) -> None:
        """A fit's run details, its themes (id, label, size, words, quotes) and its assignments
        (segment_id, theme, similarity), in one transaction."""
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO theme_runs (run_id, unit, source_id, seed, model_id, model_dir, n_units,"
                " n_themes) VALUES (?,?,?,?,?,?,?,?)",
                (run_id, unit, source, seed, model_id, model_dir, n_units, len(themes)))
            conn.executemany(
                "INSERT INTO themes (run_id, id, label, size, words, quotes) VALUES (?,?,?,?,?,?)",
                [(run_id, int(r.id), r.label, int(r.size), json.dumps(list(r.words)),
                  json.dumps(list(r.quotes))) for r in themes.itertuples()])
            conn.executemany(
                "INSERT INTO theme_assignments (run_id, segment_id, theme, similarity) VALUES (?,?,?,?)",
                [(run_id, r.segment_id, int(r.theme), float(r.similarity)) for r in assignments.itertuples()])

    def latest_run(self, unit: str | None = None) -> int | None:
        """The id of the most recent finished themes run (optionally for one unit), if any."""
        sql = "SELECT t.run_id FROM theme_runs t JOIN runs r ON r.id = t.run_id WHERE r.status = 'done'"
        params: list[Any] = []
        if unit:
            sql += " AND t.unit = ?"
            params.append(unit)
        run_id = self._store.scalar(sql + " ORDER BY t.run_id DESC LIMIT 1", params)
        return None if run_id is None else int(run_id)

    def model_dir(self, run_id: int) -> str | None:
        """Where a run's model files are, relative to the project folder."""
        return self._store.scalar("SELECT model_dir FROM theme_runs WHERE run_id = ?", (run_id,))

    def themes(self, run_id: int) -> pd.DataFrame:
        """id, label, size, words, quotes (JSON text), code_id of a run's themes, by id."""
        return self._store.read_sql(
            "SELECT id, label, size, words, quotes, code_id FROM themes WHERE run_id = ? ORDER BY id", (run_id,))

    def assignments(self, run_id: int) -> pd.DataFrame:
        """segment, theme, similarity of a run, by segment."""
        return self._store.read_sql(
            "SELECT segment_id AS segment, theme, similarity FROM theme_assignments WHERE run_id = ?"
            " ORDER BY segment_id", (run_id,))

    def set_codes(self, run_id: int, mapping: Mapping[int, str]) -> None:
        """Remember the code each theme of a run was promoted to."""
        with self._store.transaction() as conn:
            conn.executemany("UPDATE themes SET code_id = ? WHERE run_id = ? AND id = ?",
                             [(code, run_id, int(theme)) for theme, code in mapping.items()])

    def record_sections(self, run_id: int, source: str, sections: pd.DataFrame) -> None:
        """A discussion's sections (section, start_turn, end_turn, label, codes, themes)."""
        with self._store.transaction() as conn:
            conn.executemany(
                "INSERT INTO discussion_sections (run_id, source_id, section, start_turn, end_turn, label,"
                " codes, themes) VALUES (?,?,?,?,?,?,?,?)",
                [(run_id, source, int(r.section), int(r.start_turn), int(r.end_turn), r.label,
                  json.dumps(list(r.codes)), json.dumps(list(r.themes))) for r in sections.itertuples()])
