"""What was pseudonymised: counts by kind (never originals), and with the key file, who is who and
whether any original is still to be found in the project store (a leak check)."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .pseudonyms import PseudonymKey

STORE_TEXT_COLUMNS = {
    "sources": ("id", "path", "title", "partnership", "school", "event", "text", "metadata"),
    "segments": ("id", "speaker", "role", "case_id", "text", "attributes"),
    "speakers": ("name", "role", "school"),
    "cases": ("id", "name"),
    "attributes": ("case_id", "name", "value"),
    "codes": ("id", "name", "definition", "spec"),
    "code_changes": ("detail", "author"),
    "codings": ("coder", "explanation"),
    "memos": ("text", "author"),
    "runs": ("params", "result"),
    "themes": ("label", "words", "quotes"),
    "theme_runs": ("source_id", "model_dir"),
    "discussion_sections": ("source_id", "label"),
    "refi_objects": ("local_id", "data"),
    "refi_imports": ("file", "report"),
}
"""Every text column of the store the leak check reads (all that can hold words from the sources)."""


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
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "kind", "n"]))
    """Files of the project folder outside ``private/`` (bundle, manifest, runs/, models/, cache/, saved
    tables, exports) still holding a name or personal detail: file (relative), kind, n."""

    @property
    def clean(self) -> bool:
        return not len(self.leaks) and not len(self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files.to_dict(orient="records"),
            "counts": self.counts.to_dict(orient="records"),
            "by_source": self.by_source.to_dict(orient="records"),
            "people": self.people.to_dict(orient="records"),
            "leaks": self.leaks.to_dict(orient="records"),
            "sources_without_pseudonymisation": self.sources_without_pseudonymisation,
        }


def privacy_report(store: Any, key: PseudonymKey | None = None, *, show_originals: bool = False,
                   project_dir: str | Path | None = None) -> PrivacyReport:
    """Counts of replacements per kind from each source's ``metadata["privacy"]``; with ``key``, the
    pseudonyms in use and a leak check of every text column of the store (originals shown only when
    ``show_originals``, i.e. the user gave the key file explicitly) and, with ``project_dir``, of every
    file in the project folder outside ``private/`` (:func:`scan_files`)."""
    sources = store.sources.metadata()
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
        if project_dir is not None:
            report.files = scan_files(project_dir, key, inputs=ingested_inputs(store, project_dir))
    return report


def ingested_inputs(store: Any, project_dir: str | Path) -> set[str]:
    """Relative paths of the project's own input files inside its folder (the store keeps their hashes)."""
    from ..core.model import content_hash

    keys = store.sources.path_keys()
    root = Path(project_dir)
    found = set()
    for path in root.rglob("*"):
        if path.is_file() and not path.relative_to(root).parts[0] == "private":
            relative = path.relative_to(root).as_posix()
            import os

            if content_hash(os.path.relpath(path.resolve(), root.resolve())) in keys:
                found.add(relative)
    return found


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

    columns = ["table", "column", "row", "count", "kinds", "names"] + (["original"] if show_originals else [])
    index = NameIndex(key.known_names())
    pseudonyms = pseudonym_pattern(key)
    found = []
    tables = store.tables()
    for table, wanted in STORE_TEXT_COLUMNS.items():
        if table not in tables:
            continue
        present = set(store.columns(table))
        cols = [c for c in wanted if c in present]
        if not cols:
            continue
        frame = store.column_values(table, cols)
        for record in frame.itertuples(index=False):
            for column, value in zip(cols, record[1:]):
                if not isinstance(value, str) or not value:
                    continue
                hits = find_names(value.replace("_", " "), index)
                if column == "text":
                    hits += find_patterns(value)
                names = [h for h in hits if h.kind not in _PATTERNS]
                categories = Counter()
                if names or (pseudonyms is not None and column == "text" and pseudonyms.search(value)):
                    categories = name_categories(value, names, pseudonyms, index)
                if hits or categories:
                    row = {"table": table, "column": column, "row": int(record[0]),
                           "count": len(hits) + categories.get("glued pseudonyms", 0),
                           "kinds": ", ".join(sorted({h.kind for h in hits}
                                                     | ({"glued pseudonyms"} if categories.get("glued pseudonyms")
                                                        else set()))),
                           "names": ", ".join(f"{n} {k}" for k, n in sorted(categories.items()))}
                    if show_originals:
                        row["original"] = "; ".join(sorted({value[h.start:h.end] for h in hits}))
                    found.append(row)
    return pd.DataFrame(found, columns=columns)


# -- names left in text: full, partial, fragments beside pseudonyms, glued pseudonyms ------------------
_PATTERNS = ("email", "phone", "postcode", "address", "url", "handle", "dob")
NAME_CATEGORIES = ("full names", "partial names", "fragments", "glued pseudonyms")
"""How a leftover name is counted: a whole name; one part of it (a first, middle or surname alone); a name
part right beside a pseudonym ("Speaker 5 White"); a person's pseudonym right beside another pseudonym or a
capitalised name word ("Speaker 97 Speaker 17", "Dr Ann Speaker 27")."""


def pseudonym_pattern(key: PseudonymKey) -> re.Pattern[str] | None:
    """One regular expression matching every pseudonym of a person in the key ("Pupil 017", "Speaker 5")."""
    people = [p for p, e in key.entries.items() if e.get("kind") not in ("school", "partnership", "charity")]
    if not people:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
                      + r")(?![\w])")


def name_categories(text: str, hits: list[Any], pseudonyms: re.Pattern[str] | None, index: Any) -> Counter:
    """Count the name findings ``hits`` of ``text`` (and glued pseudonyms) by :data:`NAME_CATEGORIES`."""
    from .detect import _TOKEN, _is_honorific, is_common_word
    from .roster import ROLE_TITLES

    counts: Counter = Counter()
    spans = [(m.start(), m.end()) for m in pseudonyms.finditer(text)] if pseudonyms is not None else []

    def beside(start: int, end: int) -> bool:
        return any(e == start - 1 and text[e] == " " or s == end + 1 and text[end] == " " for s, e in spans)

    for hit in hits:
        words = [w for w in _TOKEN.findall(text[hit.start:hit.end]) if not _is_honorific(w)]
        if beside(hit.start, hit.end):
            counts["fragments"] += 1
        elif len(words) >= 2:
            counts["full names"] += 1
        else:
            counts["partial names"] += 1
    taken = [(h.start, h.end) for h in hits]
    for start, end in spans:
        after = re.match(r" ([A-Z][\w'-]+)", text[end:])
        before = re.search(r"([A-Z][\w'-]+) $", text[max(0, start - 40):start])

        def glued(word: str, at: int) -> bool:
            if any(s <= at < e for s, e in taken):
                return False  # a known name part: counted as a fragment
            if any(s == at for s, _ in spans):
                return True  # another pseudonym
            return (len(word) > 1 and not word.isupper() and not is_common_word(word) and not _is_honorific(word)
                    and word.casefold() not in index.role_words and word.casefold() not in ROLE_TITLES)

        if after and glued(after.group(1), end + 1):
            counts["glued pseudonyms"] += 1
        elif before and glued(before.group(1), start - len(before.group(0))):
            counts["glued pseudonyms"] += 1
    return counts


TEXT_SUFFIXES = (".json", ".ipynb", ".csv", ".tsv", ".txt", ".md", ".html", ".htm", ".yaml", ".yml", ".xml",
                 ".qde", ".qdc", ".log", ".jsonl", ".vtt", ".srt", ".py")
ZIP_SUFFIXES = (".qdpx", ".docx", ".xlsx", ".zip")
SKIPPED_FILES = ("evidence.sqlite", "evidence.sqlite-wal", "evidence.sqlite-shm", "evidence.sqlite-journal")
MAX_FILE_BYTES = 200 * 2**20


def scan_files(project_dir: str | Path, key: PseudonymKey, *, inputs: set[str] = frozenset()
               ) -> pd.DataFrame:
    """Every file of the project folder outside ``private/`` (and the store, checked by :func:`leak_check`)
    that still holds a known name, whole or in part, a fragment beside a pseudonym, a glued pseudonym, or an
    e-mail, phone, postcode, address or web address: one row per file and kind (file, kind, n).

    Parquet tables are read cell by cell, zip containers (qdpx, docx, xlsx) member by member, other files
    as text. ``inputs`` are relative paths the project ingested (its own corpus inside the folder): skipped.
    """
    from .detect import NameIndex, find_names, find_patterns, resolve_overlaps
    from .publish import _MAY_HOLD_PATTERN, _name_prefilter

    root = Path(project_dir)
    index = NameIndex(key.known_names())
    may_name = _name_prefilter(index)
    pseudonyms = pseudonym_pattern(key)
    rows = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.split("/")[0] == "private" or path.name in SKIPPED_FILES \
                or relative in inputs or path.stat().st_size > MAX_FILE_BYTES:
            continue
        counts: Counter = Counter()
        for text in _texts(path):
            for line in text.splitlines():
                if not line.strip() or (len(line) > 200 and " " not in line):
                    continue  # blank, or an encoded image / hash
                hits = []
                if may_name(line):
                    hits = find_names(line.replace("_", " ").replace("\\n", "  "), index)
                if hits or (pseudonyms is not None and pseudonyms.search(line)):
                    counts.update(name_categories(line, hits, pseudonyms, index))
                if _MAY_HOLD_PATTERN.search(line):
                    counts.update(f.kind for f in resolve_overlaps(find_patterns(line))
                                  if f.kind in _PATTERNS and f.kind != "dob")
        rows += [{"file": relative, "kind": kind, "n": n} for kind, n in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["file", "kind", "n"])


def _texts(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            cells = [str(c) for c in frame.columns]
            for column in frame.columns:
                cells += [v for v in frame[column].dropna().unique().tolist() if isinstance(v, str)]
            return ["\n".join(cells)]
        if suffix in ZIP_SUFFIXES:
            out = []
            with zipfile.ZipFile(path) as archive:
                for member in archive.infolist():
                    if member.file_size <= MAX_FILE_BYTES and not member.is_dir():
                        data = archive.read(member)
                        if b"\0" not in data[:4096]:
                            text = data.decode("utf-8", errors="replace")
                            out.append(re.sub(r"<[^>]+>", " ", text) if member.filename.endswith(".xml") else text)
            return out
        if suffix in TEXT_SUFFIXES or not suffix:
            data = path.read_bytes()
            if b"\0" in data[:4096]:
                return []
            return [data.decode("utf-8", errors="replace")]
    except (OSError, ValueError, zipfile.BadZipFile):
        return []
    return []
