"""Export a project as a REFI-QDA .qdpx: project.qde plus one UTF-8 .txt per source in ``sources/``.

What goes where:

* coders and memo authors -> ``Users``; codes -> ``CodeBook`` (hierarchy, colour, definition as
  Description); case attributes -> typed ``Variables``; cases -> ``Cases`` whose Description starts
  with ``id: ...`` and ``kind: ...`` lines (so the workbench reads them back as the same case);
* each source -> ``TextSource`` (Description lines ``kind:``, ``date:``, ``school:`` ...), and each
  coded span -> one ``PlainTextSelection`` carrying a ``Coding``/``CodeRef`` per code applied to it
  (a whole-segment coding exports the segment's span, a span coding its own span);
* memos -> ``Notes``, referenced (``NoteRef``) from the code, source, selection or coding they are
  about, or from the project.

Accepted codings are exported (``include_suggested`` adds machine suggestions not yet reviewed;
rejected ones never go). GUIDs are stable across exports (:mod:`.guids`), and the archive is
byte-for-byte the same for the same project state (fixed zip timestamps, sorted content).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.files import atomic_path
from ..project import Project
from .guids import GuidBook
from .qde_write import project_xml
from .records import Case, Code, Coding, Note, RefiProject, Selection, TextSource, User, Variable

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CASE_HEADER = ("id", "kind")
SOURCE_HEADER = ("kind", "date", "partnership", "school", "event", "wave")


@dataclass
class ExportSummary:
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"wrote {self.path}", "  " + ", ".join(f"{n} {k}" for k, n in self.counts.items())]
        lines += [f"  left out: {item}" for item in self.left_out]
        return "\n".join(lines)


def _origin() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"Evidence workbench {version('evidence-workbench')}"
    except PackageNotFoundError:
        return "Evidence workbench"


def _valid_colour(value: str) -> str:
    value = (value or "").strip()
    if len(value) in (4, 7) and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:]):
        return value
    return ""


def _variable_type(kind: str, values: list[Any], declared: str) -> str:
    if kind == "number":
        integral = all(float(v).is_integer() for v in values if v is not None)
        if declared in ("Integer", "Float") and (declared == "Float" or integral):
            return declared
        return "Integer" if integral else "Float"
    if kind == "date":
        return declared if declared in ("Date", "DateTime") else "Date"
    return {"boolean": "Boolean"}.get(kind, "Text")


class _Builder:
    """Turns one project's records into a :class:`RefiProject` (and the source texts by GUID)."""

    def __init__(self, project: Project, guids: GuidBook, include_suggested: bool) -> None:
        self.project, self.guids = project, guids
        self.include_suggested = include_suggested
        self.refi = RefiProject(name=str(project.config.get("name") or project.path.resolve().name),
                                origin=_origin())
        self.texts: dict[str, str] = {}
        self.users: dict[str, User] = {}
        self.left_out: list[str] = []
        self.code_guids: dict[str, str] = {}
        self.source_guids: dict[str, str] = {}
        self.selections: dict[tuple[str, int, int], Selection] = {}

    def user(self, name: str) -> str:
        name = name or "unknown"
        if name not in self.users:
            self.users[name] = User(self.guids.guid("user", name), name, self.guids.data("user", name).get("id", ""))
        return self.users[name].guid

    def build(self) -> RefiProject:
        self.codes()
        self.cases()
        self.sources()
        self.codings()
        self.memos()
        # users who came with an import keep their place even without codings
        for name in self.guids.store.refi.users():
            self.user(name)
        self.refi.users = sorted(self.users.values(), key=lambda u: u.name.lower())
        for source in self.refi.sources:
            source.selections.sort(key=lambda s: (s.start, s.end))
        return self.refi

    def codes(self) -> None:
        for row in self.project.codes().itertuples(index=False):
            guid = self.guids.guid("code", row.id)
            self.code_guids[row.id] = guid
        for row in self.project.codes().itertuples(index=False):
            self.refi.codes.append(Code(
                guid=self.code_guids[row.id], name=row.name or row.id, parent=self.code_guids.get(row.parent, ""),
                colour=_valid_colour(row.colour), description=row.definition or "",
                codable=bool(self.guids.data("code", row.id).get("codable", True)),
            ))
            if row.colour and not _valid_colour(row.colour):
                self.left_out.append(f"colour {row.colour!r} of code {row.id!r} (not #RRGGBB)")

    def cases(self) -> None:
        attributes = self.project.attributes()
        variables: dict[str, str] = {}
        for name, group in attributes.groupby("name", sort=True):
            declared = self.guids.data("variable", name)
            kind = group["type"].iloc[0] if group["type"].nunique() == 1 else "text"
            refi_type = _variable_type(kind, list(group["value"]), declared.get("type", ""))
            variable = Variable(self.guids.guid("variable", name), str(name), refi_type,
                                declared.get("description", ""))
            self.refi.variables.append(variable)
            variables[name] = variable.guid
        cases = self.project.store.sources.cases()
        by_case = {case: group for case, group in attributes.groupby("case")}
        for row in cases.itertuples(index=False):
            kept = self.guids.data("case", row.id)
            description = f"id: {row.id}\nkind: {row.kind}"
            if kept.get("description"):
                description += "\n" + kept["description"]
            values = {}
            group = by_case.get(row.id)
            if group is not None:
                values = {variables[a.name]: a.value for a in group.itertuples(index=False) if a.value is not None}
            self.refi.cases.append(Case(self.guids.guid("case", row.id), row.name or row.id, description, values,
                                        codes=list(kept.get("codes", [])), sources=list(kept.get("sources", [])),
                                        selections=list(kept.get("selections", []))))

    def sources(self) -> None:
        for row in self.project.sources().itertuples(index=False):
            source = self.project.store.source(row.id)
            guid = self.guids.guid("source", source.id)
            self.source_guids[source.id] = guid
            header = [f"{key}: {getattr(source, key)}" for key in SOURCE_HEADER if getattr(source, key)]
            values = {}
            for name, value in (source.metadata.get("variables") or {}).items():
                variable = next((v for v in self.refi.variables if v.name == name), None)
                if variable is None:
                    variable = Variable(self.guids.guid("variable", name), name,
                                        self.guids.data("variable", name).get("type", "Text"))
                    self.refi.variables.append(variable)
                values[variable.guid] = value
            self.refi.sources.append(TextSource(
                guid=guid, name=source.title or source.id, description="\n".join(header),
                plain_path=f"internal://{guid}.txt", values=values,
            ))
            self.texts[guid] = source.text

    def selection(self, source: str, start: int, end: int) -> Selection:
        key = (source, int(start), int(end))
        if key not in self.selections:
            selection = Selection(self.guids.guid("selection", f"{source}:{start}:{end}"), int(start), int(end))
            self.selections[key] = selection
            target = next(s for s in self.refi.sources if s.guid == self.source_guids[source])
            target.selections.append(selection)
        return self.selections[key]

    def codings(self) -> None:
        codings = self.project.codings()
        from evidence.mixed.units import evidence_statuses

        statuses = evidence_statuses(self.include_suggested)
        left = codings[~codings["status"].isin(statuses)]
        if len(left):
            counts = left["status"].value_counts().to_dict()
            self.left_out.append("codings not accepted: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
                                 + ("" if self.include_suggested else " (use --include-suggested for suggestions)"))
        codings = codings[codings["status"].isin(statuses)]
        segments = self.project.store.sources.segment_spans()
        for row in codings.sort_values("id").itertuples(index=False):
            segment = segments.loc[row.segment]
            start, end = (segment["start"], segment["end"]) if pd.isna(row.start) else (row.start, row.end)
            selection = self.selection(segment["source_id"], int(start), int(end))
            created = self.guids.data("coding", str(row.id)).get("created") or row.created_at
            coding = Coding(self.guids.guid("coding", str(row.id)), self.code_guids[row.code],
                            self.user(row.coder), created)
            selection.codings.append(coding)
            if not selection.user:
                selection.user = coding.user

    def memos(self) -> None:
        segments = self.project.store.sources.segment_spans()
        for row in self.project.memos().itertuples(index=False):
            note = Note(self.guids.guid("note", str(row.id)), f"Memo {row.id}", row.text,
                        user=self.user(row.author) if row.author else "", created=row.created_at)
            self.refi.notes.append(note)
            if row.segment and row.segment in segments.index:
                seg = segments.loc[row.segment]
                selection = self.selection(seg["source_id"], int(seg["start"]), int(seg["end"]))
                target = next((c for c in selection.codings if c.code == self.code_guids.get(row.code)), None)
                (target.notes if target is not None else selection.notes).append(note.guid)
            elif row.code and row.code in self.code_guids:
                next(c for c in self.refi.codes if c.guid == self.code_guids[row.code]).notes.append(note.guid)
            elif row.source and row.source in self.source_guids:
                next(s for s in self.refi.sources if s.guid == self.source_guids[row.source]).notes.append(note.guid)
            else:
                if row.segment or row.code or row.source:
                    self.left_out.append(f"memo {row.id}'s link to a segment/code/source that no longer exists "
                                         "(exported as a project note)")
                self.refi.project_notes.append(note.guid)


def project_to_refi(project: Project, *, include_suggested: bool = False) -> tuple[RefiProject, dict[str, str], list[str]]:
    """The project as REFI records, the source texts by GUID, and what could not be expressed."""
    with project.store.transaction():  # the GUID namespace is made on first export
        builder = _Builder(project, GuidBook(project.store), include_suggested)
        refi = builder.build()
    return refi, builder.texts, builder.left_out


def export_qdpx(project: Project, out: str | Path, *, include_suggested: bool = False,
                schema: str | Path | None = None) -> ExportSummary:
    """Write the project to ``out`` (.qdpx), atomically; with ``schema`` (Project.xsd) validate first."""
    out = Path(out)
    refi, texts, left_out = project_to_refi(project, include_suggested=include_suggested)
    document = project_xml(refi)
    if schema is not None:
        from .validate import validate_project

        validate_project(document, schema)
    with atomic_path(out) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("project.qde", ZIP_TIME), document, zipfile.ZIP_DEFLATED)
        for guid in sorted(texts):
            archive.writestr(zipfile.ZipInfo(f"sources/{guid}.txt", ZIP_TIME), texts[guid].encode("utf-8"),
                             zipfile.ZIP_DEFLATED)
    counts = {
        "users": len(refi.users), "codes": len(refi.codes), "variables": len(refi.variables),
        "cases": len(refi.cases), "sources": len(refi.sources),
        "selections": sum(len(s.selections) for s in refi.sources),
        "codings": sum(len(sel.codings) for s in refi.sources for sel in s.selections),
        "notes": len(refi.notes),
    }
    return ExportSummary(str(out), counts, left_out)
