"""Import a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, QualCoder or the workbench itself.

The recipe (:func:`import_qdpx`): open the archive safely, read its project.qde, read each text
source (.txt; else the text of its .docx or .pdf), work out how the tool counted offsets
(:mod:`.offsets`), then write everything in one transaction: users, codes, variables and cases,
sources with their segments, one span coding per (selection, code), and memos from notes and
descriptions. Anything that cannot be held is listed in the :class:`ImportReport` with the reason.

Imported codings have ``origin="import"``, ``status="accepted"`` and the coder's user name.
Imported text is pseudonymised as ``evidence ingest`` pseudonymises (unless the project sets
``pseudonymise: false``), and every selection moves with its words (:mod:`.pseudonymise`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.model import CASE_KINDS, Case, Coding, Memo, Segment, Source, content_hash
from ..nlp.pipeline import pipeline_name
from ..project import Project
from .documents import Archive, decode_text, docx_text, open_archive, pdf_text
from .guids import GuidBook
from .ids import code_id, slug, unique
from .offsets import Counting, detect_counting
from .pseudonymise import ImportPrivacy, import_privacy
from .qde_read import read_qde
from .records import RefiProject, Skipped, TextSource
from .segments import SegmentFinder, segment_source

SOURCE_KEYS = ("kind", "title", "date", "partnership", "school", "event", "wave")
CASE_KEYS = ("id", "kind")


@dataclass
class ImportReport:
    """What an import brought in (counts), what it could not (skipped, with reasons), and how (notes)."""

    file: str
    origin: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # source GUID -> project source id
    codes: dict[str, str] = field(default_factory=dict)  # code GUID -> project code id
    pseudonymised: dict[str, int] | None = None  # items replaced, by kind (None: pseudonymisation is off)
    widened: int = 0  # selections with an edge inside a replaced name, widened to the whole pseudonym

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def skip(self, what: str, name: str, reason: str) -> None:
        self.skipped.append(Skipped(what, name, reason))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [f"imported {self.file}" + (f" (written by {self.origin})" if self.origin else "")]
        lines.append("  " + ", ".join(f"{n} {key}" for key, n in self.counts.items()))
        if self.pseudonymised is None:
            lines.append("  pseudonymisation is off for this project (pseudonymise: false): text stored as written")
        else:
            replaced = ", ".join(f"{n} {kind}" for kind, n in self.pseudonymised.items()) or "nothing"
            lines.append(f"  pseudonymised: {replaced} replaced" + (
                f"; {self.widened} selections started or ended inside a replaced item and now cover its "
                "whole pseudonym" if self.widened else ""))
        lines += [f"  note: {note}" for note in self.notes]
        if self.skipped:
            lines.append(f"  not imported ({len(self.skipped)}):")
            lines += [f"    - {s.what} {s.name!r}: {s.reason}" for s in self.skipped]
        else:
            lines.append("  nothing was skipped")
        return "\n".join(lines)


@dataclass
class _Text:
    raw: str
    how: str  # where the text came from (for the report)
    file_hash: str


def import_qdpx(project: Project, path: str | Path, *, author: str = "",
                roster: str | Path | None = None) -> ImportReport:
    """Import a .qdpx into ``project`` (one transaction: all of it lands, or none of it).

    Text, titles, speakers, cases and memos are pseudonymised with the project's key and known names
    (plus ``roster``, a csv of ``name, kind, aliases`` as for ``evidence ingest --roster``), unless the
    project's config says ``pseudonymise: false``.
    """
    path = Path(path)
    archive = open_archive(path)
    refi = read_qde(archive.read(archive.qde), f"{path}:{archive.qde}")
    report = ImportReport(file=path.name, origin=refi.origin, skipped=list(refi.skipped))
    if refi.namespace and not refi.namespace.startswith("urn:QDA-XML:project:"):
        report.notes.append(f"unexpected XML namespace {refi.namespace!r}; elements were read by name")
    texts = {source.guid: _read_text(archive, source, report) for source in refi.sources}
    for note in refi.notes:
        if note.text is None:
            member = archive.find(note.plain_path)
            if member is None:
                report.skip("note", note.name or note.guid, f"its text {note.plain_path or '(none)'} is not in the archive")
                note.text = ""
            else:
                note.text = decode_text(archive.read(member), f"{path}:{member}")[0]
    return import_refi(project, refi, texts, report, file_hash=content_hash(path.read_bytes()), author=author,
                       roster=roster)


def _read_text(archive: Archive, source: TextSource, report: ImportReport) -> _Text | None:
    where = f"{archive.path}:{source.name}"
    if source.plain_text is not None:
        return _Text(source.plain_text, "text inside the .qde", content_hash(source.plain_text))
    member = archive.find(source.plain_path)
    if member is not None:
        data = archive.read(member)
        text, encoding = decode_text(data, f"{archive.path}:{member}")
        return _Text(text, f"{member} ({encoding})", content_hash(data))
    if source.plain_path:
        report.notes.append(f"source {source.name!r}: its plain text {source.plain_path} is not in the archive")
    rich = archive.find(source.rich_path)
    if rich is not None and rich.lower().endswith((".docx", ".pdf")):
        data = archive.read(rich)
        if rich.lower().endswith(".docx"):
            text = docx_text(data, f"{archive.path}:{rich}")
            how = f"{rich} (text of the Word document, read with python-docx)"
        else:
            text, empty = pdf_text(data, f"{archive.path}:{rich}")
            how = f"{rich} (text of the PDF, read with pypdf)"
            if empty:
                report.skip("PDF pages", source.name, f"pages {empty} have no extractable text (scanned images?)")
        if source.selections:
            report.notes.append(
                f"source {source.name!r}: selections point into the tool's own plain text, which the archive "
                f"lacks; they were applied to the text extracted from {rich}, so check them")
        return _Text(text, how, content_hash(data))
    report.skip("source", source.name, f"no readable text in the archive (plain text {source.plain_path or 'none'}, "
                f"rich text {source.rich_path or 'none'}); its {len(source.selections)} selections are lost")
    return None


def _header(description: str, keys: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """Leading ``key: value`` lines with known keys (as the workbench exports), and the rest."""
    found: dict[str, str] = {}
    lines = description.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        key, sep, value = lines[i].partition(":")
        if not sep or key.strip().lower() not in keys:
            break
        found[key.strip().lower()] = value.strip()
        i += 1
    return found, "\n".join(lines[i:]).strip()


def import_refi(project: Project, refi: RefiProject, texts: dict[str, _Text | None], report: ImportReport,
                *, file_hash: str = "", author: str = "", roster: str | Path | None = None) -> ImportReport:
    """Write a parsed REFI project into ``project`` (see :func:`import_qdpx`)."""
    store = project.store
    privacy = import_privacy(project, roster)
    with store.transaction() as conn:
        _Importer(project, conn, refi, texts, report, author, privacy).run()
        if privacy is not None:
            report.pseudonymised = dict(sorted(privacy.replaced.items()))
            report.widened = privacy.widened
            privacy.scrub(report)  # notes and reasons quote titles and selected text
        store.refi.record_import(report.file, file_hash, refi.origin,
                                 json.dumps(report.to_dict(), ensure_ascii=False, default=str))
    return report


class _Importer:
    def __init__(self, project: Project, conn: Any, refi: RefiProject, texts: dict[str, _Text | None],
                 report: ImportReport, author: str, privacy: ImportPrivacy | None = None) -> None:
        self.project, self.conn, self.refi, self.texts, self.report = project, conn, refi, texts, report
        self.privacy = privacy
        report.file = self.private(report.file)  # a file name can hold a name; it is kept in the store
        self.store = project.store
        self.guids = GuidBook(project.store)
        self.author = author
        self.users: dict[str, str] = {}  # user GUID -> name
        self.codes: dict[str, str] = {}  # code GUID -> code id
        self.variables: dict[str, tuple[str, str]] = {}  # variable GUID -> (name, REFI type)
        self.notes = {note.guid: note for note in refi.notes}
        self.used_notes: set[str] = set()
        self.memos: list[tuple[Memo, str]] = []  # (memo, note GUID or "")
        self.explanation = f"imported from {report.file}" + (f" ({refi.origin})" if refi.origin else "")

    def run(self) -> None:
        self.import_users()
        self.import_codes()
        self.import_variables()
        self.import_cases()
        for source in self.refi.sources:
            self.import_source(source)
        self.import_notes()

    def private(self, value: str) -> str:
        """``value`` pseudonymised when this import pseudonymises (for names kept in the GUID book)."""
        return self.privacy.text(value, count=False) if self.privacy is not None else value

    def known(self, kind: str, guid: str) -> str | None:
        """The project object a GUID stands for: one imported before, or one this project exported."""
        ids = {"source": self.store.source_ids, "code": self.store.codes.ids,
               "case": lambda: set(self.store.sources.case_kinds())}[kind]()
        remembered = self.guids.local_id(kind, guid)
        if remembered in ids:
            return remembered
        return next((i for i in ids if self.guids.guid(kind, i) == guid), None)

    # -- users and codes ------------------------------------------------------------------------
    def import_users(self) -> None:
        taken: set[str] = set()
        for user in self.refi.users:
            name = user.name or f"user-{user.guid[:8]}"
            if self.privacy is not None:
                name = self.privacy.coder(name)
            known = self.guids.local_id("user", user.guid)
            if known is None:
                name = name if name not in taken else unique(name, taken | {name})
                self.guids.remember("user", name, user.guid, {"id": user.short_id} if user.short_id else {})
            else:
                name = known
            taken.add(name)
            self.users[user.guid] = name
        self.report.add("users", len(self.refi.users))

    def user(self, *guids: str) -> str:
        for guid in guids:
            if guid and guid in self.users:
                return self.users[guid]
            if guid:
                name = f"user-{guid[:8]}"
                self.users[guid] = name
                self.report.notes.append(f"user {guid} is not in the file's user list; coder named {name!r}")
                return name
        return "unknown"

    def import_codes(self) -> None:
        from ..core.model import Code
        from .records import Code as RefiCode

        current = self.store.codes.rows()
        existing = {row.id: row for row in current.itertuples(index=False)}
        by_name = {(row.parent, " ".join(row.name.lower().split())): row.id for row in existing.values()}
        taken = set(existing)
        order = int(current["ord"].max()) + 1 if len(current) else 0
        added, matched = [], []
        code: RefiCode
        for code in self.refi.codes:
            if self.privacy is not None:  # a code named or described with a pupil's or school's name
                code = dataclasses.replace(code, name=self.privacy.code_text(code.name),
                                           description=self.privacy.code_text(code.description))
            parent = self.codes.get(code.parent, "")
            known = self.known("code", code.guid)
            if known not in existing:
                known = by_name.get((parent, " ".join(code.name.lower().split())))
            colour = _colour(code.colour)
            if known is not None and known in existing:
                row = existing[known]
                self.store.upsert_code(self.conn, Code(
                    id=known, name=row.name, parent=row.parent, colour=row.colour or colour,
                    definition=row.definition or code.description.strip(), spec=json.loads(row.spec or "{}"),
                ), int(row.ord))
                local_id = known
                matched.append(local_id)
            else:
                local_id = code_id(code.name, parent, taken)
                self.store.upsert_code(self.conn, Code(id=local_id, name=code.name, parent=parent, colour=colour,
                                                       definition=code.description.strip()), order)
                order += 1
                added.append(local_id)
            self.codes[code.guid] = local_id
            self.report.codes[code.guid] = local_id
            self.guids.remember("code", local_id, code.guid, {"codable": code.codable})
            for note in code.notes:
                self.note_memo(note, code=local_id)
        if added or matched:
            self.store.record_code_change(self.conn, "load", {
                "file": self.report.file, "format": "REFI-QDA", "added": added, "matched": matched,
            }, self.author)
        self.report.add("codes", len(self.refi.codes))
        if matched:
            self.report.notes.append(f"{len(matched)} codes matched codes already in the project (same GUID, or "
                                     "same name under the same parent) and kept their ids")

    # -- variables and cases --------------------------------------------------------------------
    def import_variables(self) -> None:
        for variable in self.refi.variables:
            self.variables[variable.guid] = (variable.name, variable.type)
            self.guids.remember("variable", variable.name, variable.guid,
                                {"type": variable.type, "description": variable.description})
        self.report.add("variables", len(self.refi.variables))

    def named_values(self, values: dict[str, Any], owner: str) -> dict[str, Any]:
        named = {}
        for guid, value in values.items():
            if guid not in self.variables:
                self.report.skip("variable value", owner, f"refers to variable {guid}, which the file does not declare")
                continue
            named[self.variables[guid][0]] = value
        return named

    def import_cases(self) -> None:
        kinds = self.store.sources.case_kinds()
        taken = set(kinds)
        defaulted = 0
        made: list[tuple[Case, str, str]] = []  # case, its GUID, the rest of its description
        for case in self.refi.cases:
            header, rest = _header(case.description, CASE_KEYS)
            attributes = self.named_values(case.values, case.name)
            kind = header.get("kind", "").lower()
            if kind not in CASE_KINDS:
                guess = next((str(v).lower() for k, v in attributes.items()
                              if k.lower() in ("kind", "type", "case type") and str(v).lower() in CASE_KINDS), "")
                kind = guess or "speaker"
                defaulted += not guess
            known = self.known("case", case.guid)
            case_id = known if known in kinds else header.get("id") or slug(case.name, "-", "case")
            if case_id in kinds and kinds[case_id] != kind:
                case_id = unique(case_id, taken)
            taken.add(case_id)
            kinds[case_id] = kind
            made.append((Case(id=case_id, kind=kind, name=case.name, attributes=attributes), case.guid, rest))
            if case.codes or case.selections:
                self.report.notes.append(
                    f"case {case.name!r}: its links to {len(case.codes)} codes and {len(case.selections)} selections "
                    "have no place in the workbench's cases; they are kept with the case for the next export")
        stored = self.privacy.cases([c for c, _, _ in made]) if self.privacy is not None else [c for c, _, _ in made]
        by_guid = {case.guid: case for case in self.refi.cases}
        for case, (_, guid, rest) in zip(stored, made):
            self.store.upsert_case(self.conn, case)
            refi_case = by_guid[guid]
            self.guids.remember("case", case.id, guid, {
                "description": self.privacy.text(rest, count=False) if self.privacy is not None else rest,
                "codes": refi_case.codes, "sources": refi_case.sources, "selections": refi_case.selections})
        self.report.add("cases", len(self.refi.cases))
        if defaulted:
            self.report.notes.append(f"{defaulted} cases do not say whether they are pupils, schools or partnerships; "
                                     "they were imported as kind 'speaker'")

    # -- sources, segments and codings ---------------------------------------------------------
    def import_source(self, refi_source: TextSource) -> None:
        text = self.texts.get(refi_source.guid)
        if text is None:
            return
        if not text.raw.strip():
            self.report.skip("source", refi_source.name, f"its text ({text.how}) is empty; "
                             f"its {len(refi_source.selections)} text selections are lost")
            return
        selections = [(s.start, s.end, s.name) for s in refi_source.selections]
        counting = detect_counting(text.raw, selections)
        spans = [counting.offsets.span(s.start, s.end) for s in refi_source.selections]
        header, rest = _header(refi_source.description, SOURCE_KEYS)
        known = self.known("source", refi_source.guid)
        merging = known is not None
        seen: set[tuple[str, str, int, int]] = set()  # (code, coder, start, end) already coded
        if merging:
            source = self.store.source(known)
            if source.text != counting.offsets.text:
                fresh = self.new_source(refi_source, text, counting, header, spans) if self.privacy else None
                if fresh is None or fresh[0].text != source.text:  # not even once pseudonymised
                    self.report.skip("source", refi_source.name, f"already in the project as {known!r} but its "
                                     f"text differs; its {len(refi_source.selections)} selections were not merged "
                                     "(ingest the changed text as a new source first)")
                    return
                spans = fresh[3]
            source_id = source.id
            segments, speakers = _stored_segments(self.store, source_id), []
            for row in self.store.codings.spans_in_source(source_id).itertuples(index=False):
                seen.add((row.code_id, row.coder, int(row.a), int(row.b)))
            self.report.notes.append(f"source {refi_source.name!r} is already in the project as {source_id!r} with "
                                     "the same text: new codings were merged into it")
        else:
            source, segments, speakers, spans = self.new_source(refi_source, text, counting, header, spans)
            source_id = source.id
            if header.get("kind") in ("transcript", "article", "quotes") and header["kind"] != source.kind:
                self.report.notes.append(f"source {source_id!r} was exported as a {header['kind']}; "
                                         f"re-read as a {source.kind}")
        finder = SegmentFinder(source, segments)
        codings: list[tuple[Coding, str, str]] = []  # coding, its GUID, when the tool says it was made
        for selection, span in zip(refi_source.selections, spans):
            label = selection.name or selection.guid
            if span is None:
                self.report.skip("selection", label, f"in {refi_source.name!r}: positions {selection.start}-"
                                 f"{selection.end} lie outside the text ({counting.offsets.length} characters)")
                continue
            if span[1] <= span[0]:
                self.report.skip("selection", label, f"in {refi_source.name!r}: empty selection")
                continue
            segment = finder.segment_for(span[0], span[1], selection.guid)
            self.guids.remember("selection", f"{source_id}:{span[0]}:{span[1]}", selection.guid)
            for coding in selection.codings:
                if coding.code not in self.codes:
                    self.report.skip("coding", coding.guid, f"refers to code {coding.code}, which is not in the codebook")
                    continue
                coder = self.user(coding.user, selection.user, refi_source.user)
                key = (self.codes[coding.code], coder, *span)
                if key in seen:
                    self.report.add("duplicate codings merged")
                    continue
                seen.add(key)
                codings.append((Coding(segment=segment.id, code=self.codes[coding.code], coder=coder,
                                       origin="import", status="accepted", start=span[0], end=span[1],
                                       explanation=self.explanation), coding.guid, coding.created))
                for note in coding.notes:
                    self.note_memo(note, segment=segment.id, code=self.codes[coding.code])
            if selection.description.strip():
                self.memos.append((Memo(selection.description.strip(), self.user(selection.user),
                                        segment=segment.id), ""))
            for note in selection.notes:
                self.note_memo(note, segment=segment.id)
        for coding in refi_source.codings:  # a code applied to the whole source
            if coding.code not in self.codes:
                self.report.skip("coding", coding.guid, f"refers to code {coding.code}, which is not in the codebook")
                continue
            start, end = 0, len(source.text)
            segment = finder.segment_for(start, end, coding.guid)
            codings.append((Coding(segment=segment.id, code=self.codes[coding.code],
                                   coder=self.user(coding.user, refi_source.user), origin="import",
                                   start=start, end=end, explanation=self.explanation + ", whole source"),
                            coding.guid, coding.created))
        if merging:
            self.store.sources.insert_segments(finder.made)
        else:
            self.store.write_source(self.conn, source, segments + finder.made, speakers)
        ids = self.store.insert_codings(self.conn, [c for c, _, _ in codings])
        for coding_id, (_, guid, created) in zip(ids, codings):
            self.guids.remember("coding", str(coding_id), guid, {"created": created} if created else {})
        self.guids.remember("source", source_id, refi_source.guid, {"name": self.private(refi_source.name)})
        for note in refi_source.notes:
            self.note_memo(note, source=source_id)
        if rest and not (merging and self.store.codings.source_memo_exists(source_id, self.private(rest))):
            self.memos.append((Memo(rest, self.user(refi_source.user), source=source_id), ""))
        self.report.sources[refi_source.guid] = source_id
        self.report.add("sources merged" if merging else "sources")
        self.report.add("segments", len(finder.made) + (0 if merging else len(segments)))
        self.report.add("selections", len(refi_source.selections))
        self.report.add("codings", len(codings))
        self.report.notes.append(f"source {source_id!r} ({source.kind}, {len(source.text)} characters, text from "
                                 f"{text.how}): {counting.description}")
        if finder.made:
            self.report.notes.append(f"source {source_id!r}: {len(finder.made)} selections lie across paragraph or "
                                     "turn boundaries; each got a segment of its own covering exactly the selection")

    def new_source(self, refi_source: TextSource, text: _Text, counting: Counting, header: dict[str, str],
                   spans: list[tuple[int, int] | None]) -> tuple[Source, list[Segment], list[dict[str, Any]],
                                                               list[tuple[int, int] | None]]:
        """A new source with its segments and speakers, pseudonymised (unless that is off), and the
        selections' spans in its text."""
        taken = set(self.store.source_ids())
        source_id = unique(slug(refi_source.name, "-", "source"), taken)
        metadata: dict[str, Any] = {"refi": {"guid": refi_source.guid, "name": refi_source.name,
                                             "file": self.report.file, "text": text.how,
                                             "counting": counting.offsets.label}}
        values = self.named_values(refi_source.values, refi_source.name)
        if values:
            metadata["variables"] = values
        source = Source(
            id=source_id, kind="article", text=counting.offsets.text,
            path=f"{self.report.file}#{refi_source.guid}", title=header.get("title") or refi_source.name,
            reader="refi-qdpx", encoding="utf-8", file_hash=text.file_hash, metadata=metadata,
            **{k: header.get(k, "") for k in ("date", "partnership", "school", "event", "wave")},
        )
        segments, speakers = segment_source(source, pipeline_name(self.project.config))
        if self.privacy is None:
            return source, segments, speakers, spans
        done = self.privacy.source(source, segments, speakers, spans)
        if done.widened:
            self.report.notes.append(f"source {source_id!r}: {done.widened} selections started or ended inside a "
                                     "replaced name or handle; each now covers the whole pseudonym")
        new_source, new_segments = done.source, done.segments
        name = new_source.metadata.get("refi", {}).get("name", "")
        new_id = unique(slug(name, "-", "source"), taken) if name and name != refi_source.name else source_id
        if new_id != source_id:  # the id came from a name: it takes the pseudonymised name instead
            new_source, new_segments = _renamed(new_source, new_segments, new_id)
        return new_source, new_segments, done.speakers, done.spans

    # -- notes ------------------------------------------------------------------------------------
    def note_memo(self, guid: str, *, segment: str = "", code: str = "", source: str = "") -> None:
        note = self.notes.get(guid)
        if note is None:
            self.report.skip("note reference", guid, "points at a note the file does not contain")
            return
        text = note.text or ""
        self.memos.append((Memo(text, self.user(note.user) if note.user else "", segment=segment, code=code,
                                source=source), guid if guid not in self.used_notes else ""))
        self.used_notes.add(guid)

    def import_notes(self) -> None:
        for guid in self.refi.project_notes:
            self.note_memo(guid)
        for note in self.refi.notes:
            if note.guid not in self.used_notes:
                self.note_memo(note.guid)
        if self.refi.description.strip():
            self.memos.append((Memo(self.refi.description.strip(), ""), ""))
        existing = self.store.codings.memo_keys()
        if self.privacy is not None:  # memos are free text: names and handles in them are replaced too
            worker = self.privacy.worker()
            self.memos = [(dataclasses.replace(m, text=self.privacy.text(m.text, worker)), g) for m, g in self.memos]
        for memo, guid in self.memos:
            if not memo.text.strip():
                self.report.skip("note", guid or "(description)", "empty text")
                continue
            key = (memo.text, memo.author, memo.segment, memo.code, memo.source)
            if key in existing:
                self.report.add("memos already there")
                continue
            existing.add(key)
            memo_id = self.store.insert_memo(self.conn, memo)
            if guid:
                self.guids.remember("note", str(memo_id), guid)
        self.report.add("memos", sum(1 for m, _ in self.memos if m.text.strip()) - self.report.counts.get(
            "memos already there", 0))


def _renamed(source: Source, segments: list[Segment], new_id: str) -> tuple[Source, list[Segment]]:
    """The source under ``new_id``, with its segments' ids (``OLD:...``) and parents moved along."""
    def moved(value: str) -> str:
        return new_id + value[len(source.id):] if value == source.id or value.startswith(source.id + ":") else value

    return dataclasses.replace(source, id=new_id), [
        dataclasses.replace(s, id=moved(s.id), source=new_id, parent=moved(s.parent)) for s in segments]


def _stored_segments(store: Any, source_id: str) -> list[Segment]:
    frame = store.segments_frame(source=source_id)
    return [Segment(id=r.id, source=r.source, kind=r.kind, start=int(r.start), end=int(r.end), text=r.text,
                    order=int(r.order), speaker=r.speaker, role=r.role, case=r.case, wave=r.wave, parent=r.parent,
                    timestamp=r.timestamp, attributes=r.attributes) for r in frame.itertuples(index=False)]


def _colour(value: str) -> str:
    value = value.strip()
    if len(value) == 4 and value.startswith("#"):
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.upper() if len(value) == 7 and value.startswith("#") else ""
