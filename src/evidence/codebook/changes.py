"""The project's codebook: load a YAML codebook into the store and change codes without losing codings.

Every function here runs in one store transaction: the codes table, the codings that use the
changed codes, memos about them, and a row in ``code_changes`` (the change log) are written
together or not at all.

    load_into_project(project, load_codebook("codebook.yaml"), author="Ana")
    rename_code(project, "fizzle.turnover", name="People moving on", author="Ana")
    merge_codes(project, ["barriers.cost", "barriers.time"], into="fizzle.resources", author="Ana")
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.codebook import operations
from evidence.codebook.operations import CodeChange
from evidence.codebook.schema import Codebook, assign_colours
from evidence.core.errors import CodebookError
from evidence.core.model import Code

if TYPE_CHECKING:
    from evidence.project import Project
    from evidence.store import Store


def codebook_from_store(store: Store) -> Codebook:
    """The codebook held in a project store (codes in their stored order)."""
    frame = store.codes.codebook_rows()
    codebook = Codebook(path=str(getattr(store, "path", "")))
    for row in frame.itertuples(index=False):
        codebook.codes[row.id] = Code(
            id=row.id, parent=row.parent, name=row.name, colour=row.colour,
            definition=row.definition, spec=json.loads(row.spec or "{}"),
        )
    return codebook


def project_codebook(project: Project) -> Codebook:
    """The codebook of a project (see :func:`codebook_from_store`)."""
    return codebook_from_store(project.store)


def coding_counts(store: Store) -> dict[str, int]:
    return store.codings.counts_by_code()


@dataclass
class LoadReport:
    """What loading a codebook did: code ids added, updated, unchanged, and kept (not in the file)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.kept:
            parts.append(f"{len(self.kept)} kept from before (not in the file): {', '.join(self.kept)}")
        if self.removed:
            parts.append(f"{len(self.removed)} removed: {', '.join(self.removed)}")
        return "; ".join(parts)


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


TEXT_SPEC_KEYS = ("when_to_use", "when_not_to_use", "keywords", "phrases", "examples")
"""The parts of a code, besides its name and definition, written in people's words (and so may name them)."""


def pseudonymised_codebook(project: Project, codebook: Codebook) -> Codebook:
    """The codebook with every known name in its codes' names, definitions, guidance, terms and examples
    replaced by its pseudonym, as ``evidence ingest`` replaces them in the text (unless the project sets
    ``pseudonymise: false``). Ids are kept: they are what codings point at. Counts of what was replaced go to
    ``codebook.replaced`` ({kind: n})."""
    from evidence.refi.pseudonymise import import_privacy

    config = getattr(project, "config", None) or {}
    if not config.get("pseudonymise", True):
        return codebook
    privacy = import_privacy(project)
    if privacy is None:
        return codebook
    book = codebook.copy()
    for code in book:
        code.name = privacy.code_text(code.name)
        code.definition = privacy.code_text(code.definition)
        for key in TEXT_SPEC_KEYS:
            value = code.spec.get(key)
            if isinstance(value, str):
                code.spec[key] = privacy.code_text(value)
            elif isinstance(value, list):
                code.spec[key] = [privacy.code_text(v) if isinstance(v, str) else v for v in value]
    return book


def load_into_project(
    project: Project, codebook: Codebook, *, author: str = "", accept_renames: bool = False, replace: bool = False
) -> LoadReport:
    """Put a codebook's codes into the project store.

    New codes are added and existing ones updated. A code id that already has codings but whose
    name in the file differs from the stored name *collides*: its codings would silently change
    meaning, so this raises CodebookError naming the codes and YAML lines unless
    ``accept_renames``. Codes missing from the file are kept (``replace`` removes those without
    codings; codes with codings are never dropped).
    """
    codebook = pseudonymised_codebook(project, codebook)
    store = project.store
    current = codebook_from_store(store)
    counts = coding_counts(store)
    collisions = [
        f"{codebook.path or 'codebook'}, line {codebook.lines.get(c.id, '?')}: code {c.id!r} is now named "
        f"{c.name!r} but its {counts[c.id]} existing codings were made as {current[c.id].name!r}"
        for c in codebook
        if c.id in current and counts.get(c.id) and not _same_name(c.name, current[c.id].name)
    ]
    if collisions and not accept_renames:
        raise CodebookError(
            "the codebook's code ids collide with existing codings:\n  " + "\n  ".join(collisions)
            + "\n(give the new meaning a new id, or pass --accept-renames if it is the same code renamed;"
            " nothing was changed)"
        )
    report = LoadReport()
    merged = Codebook(name=codebook.name, path=codebook.path)
    for code in codebook:
        merged.codes[code.id] = code
        if code.id not in current:
            report.added.append(code.id)
        elif _differs(code, current[code.id]):
            report.updated.append(code.id)
        else:
            report.unchanged.append(code.id)
    needed = set()  # codes with codings, their ancestors, and parents the file relies on
    for code in [*current, *codebook]:
        if counts.get(code.id) or code.id in codebook:
            parent = code.parent
            while parent and parent in current and parent not in needed:
                needed.add(parent)
                parent = current[parent].parent
    for code in current:
        if code.id in merged:
            continue
        if replace and not counts.get(code.id) and code.id not in needed:
            report.removed.append(code.id)
        else:
            merged.codes[code.id] = code
            report.kept.append(code.id)
    for code in merged:
        if code.parent and code.parent not in merged:
            raise CodebookError(f"code {code.id!r} would be left with unknown parent {code.parent!r}; nothing was changed")
    assign_colours(merged)
    change = CodeChange("load", {
        "file": codebook.path, "added": report.added, "updated": report.updated,
        "removed": report.removed, "kept": report.kept,
    })
    _write(store, merged, change, author)
    return report


def _differs(a: Code, b: Code) -> bool:
    return (a.name, a.parent, a.colour, a.definition, a.spec) != (b.name, b.parent, b.colour, b.definition, b.spec)


def _write(store: Store, codebook: Codebook, change: CodeChange, author: str,
           extra: Callable[[Store], dict[str, Any]] | None = None) -> None:
    """Write the whole codebook, follow ``change.remap`` in codings and memos, and log the change."""
    with store.transaction() as conn:
        stored_ids = store.codes.ids()
        dropped: list[int] = []
        for old, new in change.remap.items():
            if new in stored_ids:  # merge: move codings over, dropping exact duplicates
                dropped += store.codes.merge_codings(old, new)
            else:  # rename: the foreign key cascades the new id into codings
                store.codes.rename(old, new)
                stored_ids.discard(old)
                stored_ids.add(new)
            store.codes.move_memos(old, new)
        if extra is not None:
            change.detail.update(extra(store))
        for order, code in enumerate(codebook):
            store.upsert_code(conn, code, order)
        for gone in stored_ids - set(codebook.ids):
            in_use = store.codes.codings_of(gone)
            if in_use:
                raise CodebookError(
                    f"code {gone!r} still has {in_use} codings; merge it into another code instead of deleting it"
                    " (nothing was changed)")
            store.codes.delete(gone)
        if dropped:
            change.detail["duplicate_codings_removed"] = dropped
        store.record_code_change(conn, change.action, change.detail, author)


def _apply(project: Project, author: str, operation: Callable[..., CodeChange], *args: Any,
           extra: Callable[[Store], dict[str, Any]] | None = None, **kwargs: Any) -> CodeChange:
    codebook = project_codebook(project)
    change = operation(codebook, *args, **kwargs)
    _write(project.store, codebook, change, author, extra)
    return change


def add_code(project: Project, code: Code, *, author: str = "") -> CodeChange:
    """Add a code to the project's codebook."""
    return _apply(project, author, operations.add_code, code)


def rename_code(project: Project, code_id: str, *, name: str | None = None, new_id: str | None = None,
                author: str = "") -> CodeChange:
    """Rename a code (name and/or id); its codings, children and memos follow."""
    return _apply(project, author, operations.rename_code, code_id, name=name, new_id=new_id)


def move_code(project: Project, code_id: str, new_parent: str, *, author: str = "") -> CodeChange:
    """Put a code under another parent ("" makes it a theme)."""
    return _apply(project, author, operations.move_code, code_id, new_parent)


def merge_codes(project: Project, codes: list[str], into: str, *, author: str = "") -> CodeChange:
    """Merge codes into ``into``: every coding moves over (exact duplicates are dropped and logged)."""
    return _apply(project, author, operations.merge_codes, codes, into)


def split_code(project: Project, code_id: str, parts: list[Code], *, assignments: dict[int, str] | None = None,
               author: str = "") -> CodeChange:
    """Split a code into new sub-codes and move the listed codings (coding id -> new code id).

    Codings not listed stay on the original code, which remains as the parent of the parts.
    """
    assignments = dict(assignments or {})
    part_ids = {p.id for p in parts}

    def reassign(store: Store) -> dict[str, Any]:
        for coding_id, new_code in assignments.items():
            if new_code not in part_ids:
                raise CodebookError(f"split: coding {coding_id} is assigned to {new_code!r}, not one of {sorted(part_ids)}")
            row = store.codings.get(int(coding_id))
            if row is None or row["code_id"] != code_id:
                raise CodebookError(f"split: coding {coding_id} is not a coding of {code_id!r}; nothing was changed")
        return {"moved": {str(k): v for k, v in assignments.items()}}

    codebook = project_codebook(project)
    change = operations.split_code(codebook, code_id, parts)
    store = project.store
    with store.transaction():
        _write(store, codebook, change, author, reassign)
        for coding_id, new_code in assignments.items():
            store.codings.set_code(int(coding_id), new_code)
    return change


def update_code(project: Project, code_id: str, *, author: str = "", **fields: Any) -> CodeChange:
    """Change a code's name, colour, definition, keywords, examples, threshold, ..."""
    return _apply(project, author, operations.update_code, code_id, **fields)


def delete_code(project: Project, code_id: str, *, author: str = "") -> CodeChange:
    """Remove a code that no coding uses (merge a used code instead)."""
    return _apply(project, author, operations.delete_code, code_id)


def code_changes(project: Project) -> pd.DataFrame:
    """The change log: one row per change (id, at, action, author, detail as a dict)."""
    frame = project.store.codes.changes()
    frame["detail"] = frame["detail"].map(json.loads)
    return frame
