"""A project: one folder with a config file, a store, caches and results (see docs/CONTRACTS.md).

:class:`Project` is the researcher's handle: ``Project.open("my-project").segments()`` gives a tidy
DataFrame. The ingest recipe lives here: read each file (evidence.ingest), pseudonymise it
(evidence.privacy), and store it in one transaction per file, so a bad file never half-lands.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .core import config as settings
from .core.errors import ChangedSourceError, EvidenceError, InputError, ProjectError
from .nlp.pipeline import pipeline_name
from .core.model import CODING_COLUMNS, CODING_STATUSES, SEGMENT_COLUMNS, UNIT_KINDS, Coding, Memo, content_hash
from .core.safety import check_regular_file
from .store import IntegrityError, Store

CONFIG_NAME = settings.CONFIG_NAME
STORE_NAME = "evidence.sqlite"
DEFAULT_CONFIG: dict[str, Any] = {key: settings.SETTINGS[key].default for key in
                                   ("name", "spacy_pipeline", "seed", "embedder", "pseudonymise", "speakers")}
"""The settings ``evidence init`` writes into a new evidence.yaml (every key is described in evidence.core.config)."""


@dataclass
class FileResult:
    """What happened to one file of an ingest."""

    path: str
    status: str  # ingested | unchanged | failed
    source: str = ""
    reader: str = ""
    segments: int = 0
    message: str = ""


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed


def resolve_project_dir(given: str | Path | None) -> Path:
    """``--project DIR``, else ``$EVIDENCE_PROJECT``, else the current folder."""
    return Path(given or os.environ.get("EVIDENCE_PROJECT") or ".")


class Project:
    """One project folder. Create with :meth:`init`, open with :meth:`open`."""

    def __init__(self, path: Path, config: dict[str, Any], store: Store) -> None:
        self.path = path
        self.config = config
        self.store = store

    # -- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path, name: str | None = None, **config: Any) -> Project:
        """Create (or reopen) a project folder with its config and store."""
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise ProjectError(f"{path}: is a file, not a folder; give `--project` a folder name (a new one "
                               "is created)")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{path}: cannot make the project folder ({exc.strerror or exc}); choose a "
                               "folder you can write to") from None
        config_path = path / CONFIG_NAME
        if not config_path.exists():
            values = {**DEFAULT_CONFIG, "name": name or path.resolve().name, **config}
            settings.validate(values, config_path)
            config_path.write_text(
                "# Evidence workbench project settings (see README.md)\n"
                + yaml.safe_dump(values, sort_keys=False, allow_unicode=True),
                encoding="utf-8",
            )
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Project:
        path = resolve_project_dir(path)
        config_path = path / CONFIG_NAME
        if not config_path.exists():
            raise ProjectError(
                f"{path}: not an evidence project (no {CONFIG_NAME}); run `evidence init --project {path}`"
            )
        config = settings.read(config_path)
        return cls(path, config, Store(path / STORE_NAME))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def folder(self, name: str, private: bool = False) -> Path:
        folder = self.path / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
            if private and (folder.stat().st_mode & 0o777) != 0o700:
                os.chmod(folder, 0o700)
        except OSError as exc:
            raise ProjectError(f"{folder}: cannot use this folder of the project ({exc.strerror or exc}); "
                               "is the project read-only, or is there a file of that name?") from None
        return folder

    @property
    def cache_dir(self) -> Path:
        return self.folder("cache")

    @property
    def models_dir(self) -> Path:
        return self.folder("models")

    @property
    def private_dir(self) -> Path:
        return self.folder("private", private=True)

    @property
    def results_dir(self) -> Path:
        return self.path / "results"

    @property
    def runs_dir(self) -> Path:
        return self.folder("runs")

    @property
    def seed(self) -> int:
        return int(self.config.get("seed", 42))

    # -- ingest -------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        roster: str | Path | None = None,
        kind: str = "",
        columns: dict[str, str] | None = None,
        replace: bool = False,
        progress: bool = False,
    ) -> IngestReport:
        """Read, pseudonymise and store files (folders are searched); one transaction per file."""
        from tqdm.auto import tqdm

        from .ingest import ReadOptions, discover, read_file
        from .ingest.metadata import speaker_map

        files = discover(list(paths))
        protect = self._protector(roster)
        report = IngestReport()
        speakers = speaker_map({"speakers": self.config.get("speakers") or {}})
        for path in tqdm(files, desc="ingest", unit="file", disable=not progress or len(files) < 3):
            relative = self._relative_path(path)
            key = content_hash(relative)  # file names can name pupils: the store keeps only a hash
            try:
                if not path.exists():
                    raise InputError(path, "no such file", hint="check the path")
                check_regular_file(path)  # a FIFO or device would block forever
                existing = self.store.source_by_path_key(key, relative)
                file_hash = _file_hash(path)
                if existing is not None and existing["file_hash"] == file_hash:
                    report.files.append(FileResult(self._shown(path, existing["id"], protect), "unchanged",
                                                   source=existing["id"],
                                                   message="already ingested, unchanged"))
                    continue
                if existing is None:
                    same = self.store.sources.with_file_hash(file_hash)
                    if same is not None:  # the content hash decides: the same file from another path
                        report.files.append(FileResult(
                            str(path), "unchanged", source=same,
                            message=f"same content as source {same!r} (ingested from another path)"))
                        continue
                if existing is not None and not replace:
                    raise ChangedSourceError(
                        path, f"changed since it was ingested as source {existing['id']!r}",
                        hint="use --replace to ingest the new version in its place",
                    )
                source_id = existing["id"] if existing is not None else self._new_source_id(path)
                options = ReadOptions(source_id=source_id, kind=kind, speakers=speakers,
                                      columns=columns or {},
                                      pipeline=pipeline_name(self.config))
                reading = read_file(path, options)
                reading.source.path = relative
                if protect is not None:
                    reading = protect(reading)
                    # the display path is the (pseudonymised) source id with the file's extension
                    reading.source.path = reading.source.id + path.suffix.lower()
                self._check_new_ids(path, reading, replacing=existing["id"] if existing is not None else None)
                with self.store.transaction() as conn:
                    if existing is not None:
                        self._drop_source(conn, existing["id"], path)
                    self.store.write_source(conn, reading.source, reading.segments, reading.speakers,
                                            reading.cases, path_key=key)
                report.files.append(FileResult(
                    self._shown(path, reading.source.id, protect), "ingested", source=reading.source.id,
                    reader=reading.source.reader,
                    segments=len(reading.segments), message="; ".join(reading.notes),
                ))
            except EvidenceError as exc:
                report.files.append(FileResult(str(path), "failed", message=str(exc)))
            except IntegrityError as exc:
                report.files.append(FileResult(
                    str(path), "failed", message=f"{path}: not stored ({exc}); nothing was written for it"))
        return report

    @staticmethod
    def _shown(path: Path, source_id: str, protect: Any) -> str:
        """The path an ingest report shows: with pseudonymisation on, the file's folder and its pseudonymised
        source id (a file name can name a pupil), e.g. ``transcripts/pupil-017-interview.txt``."""
        if protect is None:
            return str(path)
        return str(Path(path).parent / f"{source_id}{Path(path).suffix.lower()}")

    def _protector(self, roster: str | Path | None) -> Callable[[Any], Any] | None:
        """The pseudonymiser for this ingest (evidence.privacy.privacy_setup), unless the config turns it off."""
        from .privacy import protector

        return protector(self, roster)

    def _relative_path(self, path: Path) -> str:
        try:
            return os.path.relpath(path.resolve(), self.path.resolve())
        except ValueError:  # another drive on Windows
            return str(path.resolve())

    def _new_source_id(self, path: Path) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "source"
        taken = self.store.source_ids()
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _check_new_ids(self, path: Path, reading: Any, replacing: str | None) -> None:
        """Refuse segment ids (quote ids) that another source of the project already uses."""
        ids = [s.id for s in reading.segments]
        taken = {i: owner for i, owner in self.store.sources.segment_owners(ids).items() if owner != replacing}
        if taken:
            first = next(s for s in reading.segments if s.id in taken)
            raise InputError(
                path, f"id {first.id!r} is already used by source {taken[first.id]!r}"
                      f" ({len(taken)} ids clash)", row=first.attributes.get("row"),
                hint="ids must be unique within a project; prefix them (e.g. with the school or wave)",
            )

    def _drop_source(self, conn: Any, source_id: str, path: Path) -> None:
        coded = self.store.sources.codings_on(source_id)
        if coded:
            raise ChangedSourceError(
                path, f"cannot replace source {source_id!r}: {coded} codings point at its segments",
                hint="export the codings (evidence export-qdpx) and remove them first",
            )
        self.store.delete_source(conn, source_id)

    # -- reading ------------------------------------------------------------------------------
    def sources(self) -> pd.DataFrame:
        """One row per source (without its text; see :meth:`source_text`)."""
        frame = self.store.sources.frame()
        frame["metadata"] = frame["metadata"].map(json.loads)
        return frame

    def source_for_file(self, path: str | Path) -> str | None:
        """The id of the source ingested from this file (found by its path's hash), if any."""
        path = Path(path)
        row = self.store.source_by_path_key(content_hash(self._relative_path(path)), self._relative_path(path))
        return None if row is None else str(row["id"])

    def source_text(self, source_id: str) -> str:
        return self.store.source(source_id).text

    def segments(self, kinds: Iterable[str] | None = None, source: str | None = None) -> pd.DataFrame:
        """Segments as a tidy DataFrame (columns: model.SEGMENT_COLUMNS)."""
        return self.store.segments_frame(kinds, source)

    def units(self, source: str | None = None) -> pd.DataFrame:
        """The default coding units: quotes, turns and paragraphs."""
        return self.segments(UNIT_KINDS, source)

    def speakers(self) -> pd.DataFrame:
        return self.store.sources.speakers()

    def attributes(self) -> pd.DataFrame:
        """Case attributes in long form: case, name, type, value (typed)."""
        frame = self.store.sources.attributes()
        frame["value"] = [_typed(t, v) for t, v in zip(frame["type"], frame["value"])]
        return frame

    def cases(self) -> pd.DataFrame:
        """One row per case: id, kind, name and one column per attribute."""
        cases = self.store.sources.cases()
        attrs = self.attributes()
        if attrs.empty:
            return cases
        wide = attrs.pivot(index="case", columns="name", values="value")
        wide.columns.name = None
        return cases.merge(wide, left_on="id", right_index=True, how="left")

    def codes(self) -> pd.DataFrame:
        frame = self.store.codes.frame()
        frame["spec"] = frame["spec"].map(json.loads)
        return frame

    def codings(self, coder: str | None = None, origin: str | None = None,
                status: str | None = None) -> pd.DataFrame:
        """Codings as a tidy DataFrame (columns: model.CODING_COLUMNS), optionally filtered."""
        frame = self.store.codings.frame(coder, origin, status)
        return frame if not frame.empty else pd.DataFrame(columns=CODING_COLUMNS)

    def memos(self) -> pd.DataFrame:
        return self.store.codings.memos()

    # -- writing codings and memos --------------------------------------------------------------
    def add_codings(self, codings: list[Coding]) -> list[int]:
        """Store codings in one transaction; an unknown segment or code stores none of them."""
        segments = self.store.sources.segment_ids()
        codes = self.store.codes.ids()
        for coding in codings:
            if coding.segment not in segments:
                raise EvidenceError(f"coding points at segment {coding.segment!r}, which is not in the project "
                                    "(was its source removed or re-ingested?); nothing was stored")
            if coding.code not in codes:
                raise EvidenceError(f"coding uses code {coding.code!r}, which is not in the codebook; "
                                    "add the code first; nothing was stored")
            if coding.status not in CODING_STATUSES:
                raise EvidenceError(f"coding status must be one of {CODING_STATUSES}, not {coding.status!r}")
            if (coding.start is None) != (coding.end is None):
                raise EvidenceError("a span coding needs both start and end")
        with self.store.transaction() as conn:
            return self.store.insert_codings(conn, codings)

    def set_coding_status(self, ids: Iterable[int], status: str) -> None:
        if status not in CODING_STATUSES:
            raise EvidenceError(f"status must be one of {CODING_STATUSES}, not {status!r}")
        self.store.codings.set_status(ids, status)

    def remove_codings(self, ids: Iterable[int]) -> None:
        self.store.codings.remove(ids)

    def add_memo(self, memo: Memo) -> int:
        with self.store.transaction() as conn:
            return self.store.insert_memo(conn, memo)

    # -- summary ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Counts a researcher checks after an ingest (all integers, plus roles by name)."""
        counts = self.store.sources.counts()
        units = self.segments(UNIT_KINDS)
        words = int(units["text"].str.split().str.len().fillna(0).sum()) if not units.empty else 0
        roles = self.store.sources.role_turns()
        order = ("sources", "segments", "turns", "quotes", "paragraphs", "sentences", "speakers", "roles", "cases",
                 "pupils", "schools", "words", "codes", "codings", "coders")
        extra = {"roles": int(len(roles)), "words": words}
        return {**{key: extra[key] if key in extra else counts[key] for key in order},
                "turns_by_role": {r: int(n) for r, n in zip(roles["role"], roles["turns"])}}


def _file_hash(path: Path) -> str:
    return content_hash(path.read_bytes())


def _typed(kind: str, value: str | None) -> Any:
    if value is None:
        return None
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return value == "true"
    return value


__all__ = ["Project", "IngestReport", "FileResult", "SEGMENT_COLUMNS"]
