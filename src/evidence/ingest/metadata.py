"""Metadata about an input file: a ``FILE.meta.yaml`` sidecar, or YAML front matter in .txt/.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import InputError
from ..core.safety import check_regular_file, load_yaml

SOURCE_FIELDS = ("title", "date", "partnership", "school", "event", "wave")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.yaml")


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        meta = load_yaml(text, path) or {}  # nesting and alias expansion bounded
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(path, f"invalid YAML metadata: {exc}", line=None if line is None else line + 1,
                         hint="fix the YAML syntax") from None
    if not isinstance(meta, dict):
        raise InputError(path, "metadata must be a YAML mapping (key: value lines)", line=1)
    for key in SOURCE_FIELDS:
        if key in meta and meta[key] is not None:
            meta[key] = str(meta[key])
    for key, shape in (("speakers", "Name: role lines"), ("columns", "role: header lines, e.g. text: Response")):
        if meta.get(key) is None:
            continue
        if not isinstance(meta[key], dict):
            raise InputError(path, f"'{key}:' must be a mapping ({shape}), not {type(meta[key]).__name__}",
                             hint=f"write {key}: on its own line and indent one '{shape.split(',')[0]}' under it")
        if key == "columns":
            meta[key] = {str(role): str(header) for role, header in meta[key].items()}
    if meta.get("layout") is not None:
        meta["layout"] = str(meta["layout"])
    return meta


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar metadata of ``path``, or an empty dict when there is none."""
    side = sidecar_path(path)
    if not side.exists():
        return {}
    check_regular_file(side)
    try:
        text = side.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(side, f"metadata is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         hint="save the sidecar as UTF-8") from None
    return _parse(side, text)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], int]:
    """YAML front matter at the top of a text file, and the offset where the body starts."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    return _parse(path, match.group(1)), match.end()


def speaker_map(meta: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Normalise ``speakers:`` ({Name: role} or {Name: {role:, school:}}) to {name: {role, school}}."""
    result: dict[str, dict[str, str]] = {}
    speakers = meta.get("speakers") or {}
    if not isinstance(speakers, dict):  # sidecars are checked when read; this is evidence.yaml's
        raise InputError("evidence.yaml", "'speakers:' must be a mapping (Name: role lines), not "
                         f"{type(speakers).__name__}", hint="indent one 'Name: role' line under speakers:")
    for name, value in speakers.items():
        if isinstance(value, dict):
            result[str(name)] = {"role": str(value.get("role", "") or ""),
                                 "school": str(value.get("school", "") or "")}
        else:
            result[str(name)] = {"role": str(value or ""), "school": ""}
    return result
