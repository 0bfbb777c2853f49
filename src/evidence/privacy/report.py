"""What was pseudonymised: counts by kind (never originals), and with the key file, who is who and
whether any original is still to be found in the project store (a leak check)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .pseudonyms import PseudonymKey

STORE_TEXT_COLUMNS = {
    "sources": ("id", "path", "title", "partnership", "school", "event", "text", "metadata"),
    "segments": ("id", "speaker", "role", "case_id", "text", "attributes"),
    "speakers": ("name", "role", "school"),
    "cases": ("id", "name"),
    "attributes": ("case_id", "value"),
    "codings": ("explanation",),
    "memos": ("text",),
}


@dataclass
class PrivacyReport:
    """``counts``: kind, n (all sources); ``by_source``: source, kind, n; ``people``: one row per
    pseudonym (with ``original`` only when the key was given); ``leaks``: where an original is still
    in the store (table, column, row id; and the original when the key was given)."""

    counts: pd.DataFrame
    by_source: pd.DataFrame
    people: pd.DataFrame = field(default_factory=pd.DataFrame)
    leaks: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources_without_pseudonymisation: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts.to_dict(orient="records"),
            "by_source": self.by_source.to_dict(orient="records"),
            "people": self.people.to_dict(orient="records"),
            "leaks": self.leaks.to_dict(orient="records"),
            "sources_without_pseudonymisation": self.sources_without_pseudonymisation,
        }


def privacy_report(store: Any, key: PseudonymKey | None = None, *, show_originals: bool = False) -> PrivacyReport:
    """Counts of replacements per kind from each source's ``metadata["privacy"]``; with ``key``, the
    pseudonyms in use and a leak check of every text column of the store (originals shown only when
    ``show_originals``, i.e. the user gave the key file explicitly)."""
    sources = store.read_sql("SELECT id, metadata FROM sources ORDER BY id")
    rows, missing = [], []
    for source_id, metadata in zip(sources["id"], sources["metadata"]):
        privacy = json.loads(metadata or "{}").get("privacy")
        if privacy is None:
            missing.append(source_id)
            continue
        rows += [{"source": source_id, "kind": kind, "n": n} for kind, n in privacy.get("replaced", {}).items()]
    by_source = pd.DataFrame(rows, columns=["source", "kind", "n"])
    counts = (by_source.groupby("kind", as_index=False)["n"].sum().sort_values("n", ascending=False)
              .reset_index(drop=True))
    report = PrivacyReport(counts=counts, by_source=by_source, sources_without_pseudonymisation=missing)
    if key is not None:
        report.people = _people(key, show_originals)
        report.leaks = leak_check(store, key, show_originals=show_originals)
    return report


def _people(key: PseudonymKey, show_originals: bool) -> pd.DataFrame:
    rows = []
    for pseudonym, entry in sorted(key.entries.items()):
        row = {"pseudonym": pseudonym, "kind": entry.get("kind", "")}
        if show_originals:
            row["original"] = entry.get("original", "")
            row["aliases"] = entry.get("aliases", "")
        rows.append(row)
    return pd.DataFrame(rows, columns=["pseudonym", "kind"] + (["original", "aliases"] if show_originals else []))


def leak_check(store: Any, key: PseudonymKey, *, show_originals: bool = False) -> pd.DataFrame:
    """Every place in the store where a name the key knows is still found (by the same finder that
    pseudonymises, so hyphenated ids and file names count too); in text columns also e-mails, phones,
    postcodes and the other patterns."""
    from .detect import NameIndex, find_names, find_patterns

    columns = ["table", "column", "row", "count", "kinds"] + (["original"] if show_originals else [])
    index = NameIndex(key.known_names())
    found = []
    tables = set(store.read_sql("SELECT name FROM sqlite_master WHERE type = 'table'")["name"])
    for table, wanted in STORE_TEXT_COLUMNS.items():
        if table not in tables:
            continue
        present = set(store.read_sql(f"SELECT * FROM {table} LIMIT 0").columns)
        cols = [c for c in wanted if c in present]
        if not cols:
            continue
        frame = store.read_sql(f"SELECT rowid AS _row, {', '.join(_quote(c) for c in cols)} FROM {table}")
        for record in frame.itertuples(index=False):
            for column, value in zip(cols, record[1:]):
                if not isinstance(value, str) or not value:
                    continue
                hits = find_names(value.replace("_", " "), index)
                if column == "text":
                    hits += find_patterns(value)
                if hits:
                    row = {"table": table, "column": column, "row": int(record[0]), "count": len(hits),
                           "kinds": ", ".join(sorted({h.kind for h in hits}))}
                    if show_originals:
                        row["original"] = "; ".join(sorted({value[h.start:h.end] for h in hits}))
                    found.append(row)
    return pd.DataFrame(found, columns=columns)


def _quote(column: str) -> str:
    return f'"{column}"'
