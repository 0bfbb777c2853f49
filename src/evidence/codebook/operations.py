"""Change a codebook: add, rename, merge, split, move and update codes.

Each operation changes a :class:`Codebook` in place and returns a :class:`CodeChange` describing
what it did, including how code ids map from old to new (``remap``), so whoever holds codings
(the project store, see :mod:`evidence.codebook.changes`) can follow along without losing any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from evidence.codebook.schema import CODE_KEYS, SPEC_KEYS, Codebook, _COLOUR_PATTERN, _ID_PATTERN
from evidence.core.errors import CodebookError
from evidence.core.model import Code


@dataclass
class CodeChange:
    """One recorded change: ``action`` (add, rename, merge, split, move, update, delete), its
    ``detail`` (plain JSON-able data) and ``remap`` (old code id -> new code id for codings)."""

    action: str
    detail: dict[str, Any]
    remap: dict[str, str] = field(default_factory=dict)


def slug(text: str) -> str:
    """A code id fragment from a name: lower case, words joined by '_'."""
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    return "_".join(words) or "code"


def _check_new_id(codebook: Codebook, code_id: str) -> None:
    if not code_id or not _ID_PATTERN.match(code_id):
        raise CodebookError(f"code id {code_id!r} is not valid (use letters, digits, '_', '-' and '.')")
    if code_id in codebook:
        raise CodebookError(f"code id {code_id!r} is already in the codebook (choose another id)")


def add_code(codebook: Codebook, code: Code) -> CodeChange:
    """Add a code (its parent must exist; an empty colour takes the theme's colour)."""
    _check_new_id(codebook, code.id)
    if not code.name.strip():
        raise CodebookError(f"code {code.id!r} needs a name")
    if code.parent and code.parent not in codebook:
        raise CodebookError(f"cannot add {code.id!r}: unknown parent {code.parent!r}")
    if code.colour and not _COLOUR_PATTERN.match(code.colour):
        raise CodebookError(f"colour {code.colour!r} of {code.id!r} is not #RRGGBB")
    if not code.colour and code.parent:
        code.colour = codebook[codebook.theme_of(code.parent)].colour
    codebook.codes[code.id] = code
    return CodeChange("add", {"code": code.id, "name": code.name, "parent": code.parent})


def rename_code(codebook: Codebook, code_id: str, *, name: str | None = None, new_id: str | None = None) -> CodeChange:
    """Give a code a new name and/or a new id; children and codings follow the new id."""
    code = codebook[code_id]
    detail: dict[str, Any] = {"code": code_id}
    remap: dict[str, str] = {}
    if name is not None:
        if not name.strip():
            raise CodebookError("a code's new name cannot be empty")
        detail.update(old_name=code.name, new_name=name.strip())
        code.name = name.strip()
    if new_id is not None and new_id != code_id:
        _check_new_id(codebook, new_id)
        detail.update(old_id=code_id, new_id=new_id)
        remap[code_id] = new_id
        rebuilt: dict[str, Code] = {}
        for key, other in codebook.codes.items():
            if other.parent == code_id:
                other.parent = new_id
            rebuilt[new_id if key == code_id else key] = other
        code.id = new_id
        codebook.codes = rebuilt
        if code_id in codebook.lines:
            codebook.lines[new_id] = codebook.lines.pop(code_id)
    if len(detail) == 1:
        raise CodebookError(f"rename {code_id!r}: give a new name or a new id")
    return CodeChange("rename", detail, remap)


def move_code(codebook: Codebook, code_id: str, new_parent: str) -> CodeChange:
    """Put a code under another parent ("" makes it a theme); refuses to create a cycle."""
    code = codebook[code_id]
    if new_parent:
        codebook[new_parent]
        if new_parent == code_id or new_parent in codebook.descendants(code_id):
            raise CodebookError(f"cannot move {code_id!r} under {new_parent!r}: that is inside {code_id!r} itself")
    detail = {"code": code_id, "old_parent": code.parent, "new_parent": new_parent}
    code.parent = new_parent
    return CodeChange("move", detail)


def merge_codes(codebook: Codebook, sources: list[str], into: str) -> CodeChange:
    """Fold codes into one: their codings and children move to ``into``; the merged codes go."""
    target = codebook[into]
    sources = [s for s in dict.fromkeys(sources) if s != into]
    if not sources:
        raise CodebookError("merge: name at least one code other than the target")
    for source in sources:
        codebook[source]
    for source in sources:
        if into in codebook.descendants(source):
            # the target sits inside a merged code: lift it to the nearest ancestor that stays
            parent = codebook[source].parent
            while parent in sources:
                parent = codebook[parent].parent
            target.parent = parent
    for source in sources:
        for child in codebook.children(source):
            if child.id != into:
                child.parent = into
    examples = list(target.spec.get("examples", []))
    keywords = list(target.spec.get("keywords", []))
    for source in sources:
        spec = codebook[source].spec
        examples += [e for e in spec.get("examples", []) if e not in examples]
        keywords += [k for k in spec.get("keywords", []) if k not in keywords]
    if examples:
        target.spec["examples"] = examples
    if keywords:
        target.spec["keywords"] = keywords
    names = {s: codebook[s].name for s in sources}
    for source in sources:
        del codebook.codes[source]
        codebook.lines.pop(source, None)
    return CodeChange("merge", {"codes": sources, "names": names, "into": into}, {s: into for s in sources})


def split_code(codebook: Codebook, code_id: str, parts: list[Code]) -> CodeChange:
    """Split a code into new sub-codes (``parts``, parented to ``code_id`` unless they say otherwise).

    The original code stays, holding its codings until they are reassigned (see
    :func:`evidence.codebook.changes.split_code`), so nothing is lost.
    """
    codebook[code_id]
    if len(parts) < 2:
        raise CodebookError(f"split {code_id!r}: give at least two new codes")
    added = []
    for part in parts:
        if not part.parent:
            part.parent = code_id
        add_code(codebook, part)
        added.append(part.id)
    return CodeChange("split", {"code": code_id, "into": added})


_UPDATABLE = tuple(k for k in CODE_KEYS if k not in ("id", "parent", "children"))


def update_code(codebook: Codebook, code_id: str, **fields: Any) -> CodeChange:
    """Change a code's name, colour, definition or any spec field (when_to_use, keywords, ...)."""
    code = codebook[code_id]
    detail: dict[str, Any] = {"code": code_id, "fields": {}}
    for key, value in fields.items():
        if key not in _UPDATABLE:
            raise CodebookError(f"cannot update {key!r} of a code (updatable: {', '.join(_UPDATABLE)}; use move or rename)")
        old = getattr(code, key) if key in ("name", "colour", "definition") else code.spec.get(key)
        if key in ("name", "colour", "definition"):
            if key == "colour" and value and not _COLOUR_PATTERN.match(str(value)):
                raise CodebookError(f"colour {value!r} is not #RRGGBB")
            if key in ("name", "definition") and not str(value).strip():
                raise CodebookError(f"the {key} of {code_id!r} cannot be empty")
            setattr(code, key, str(value))
        elif key in SPEC_KEYS:
            code.spec[key] = value
        detail["fields"][key] = {"old": old, "new": value}
    return CodeChange("update", detail)


def delete_code(codebook: Codebook, code_id: str) -> CodeChange:
    """Remove a code without children (the project layer refuses while codings use it)."""
    codebook[code_id]
    if codebook.children(code_id):
        raise CodebookError(f"cannot delete {code_id!r}: it has sub-codes (move or merge them first)")
    code = codebook.codes.pop(code_id)
    codebook.lines.pop(code_id, None)
    return CodeChange("delete", {"code": code_id, "name": code.name})
