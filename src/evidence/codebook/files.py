"""Load a codebook from YAML and save it back (nested by parent, in codebook order)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from evidence.codebook.schema import SPEC_KEYS, Codebook, parse_codebook
from evidence.codebook.yamlio import dump_yaml, read_yaml_file, read_yaml_with_lines


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook YAML file; CodebookError names the file and line of each problem."""
    return parse_codebook(read_yaml_file(path), str(path))


def read_codebook(text: str, path: str = "<codebook>") -> Codebook:
    """Parse and validate codebook YAML given as text."""
    return parse_codebook(read_yaml_with_lines(text, path), path)


def codebook_to_data(codebook: Codebook) -> dict[str, Any]:
    """Plain nested data for YAML: themes with their ``children`` lists."""

    def entry(code_id: str) -> dict[str, Any]:
        code = codebook[code_id]
        out: dict[str, Any] = {"id": code.id, "name": code.name}
        if code.colour:
            out["colour"] = code.colour
        out["definition"] = code.definition
        for key in SPEC_KEYS:
            value = code.spec.get(key)
            if value not in (None, "", [], {}):
                out[key] = value
        children = [entry(child.id) for child in codebook.children(code_id)]
        if children:
            out["children"] = children
        return out

    data: dict[str, Any] = {}
    if codebook.name:
        data["codebook"] = codebook.name
    data["codes"] = [entry(theme.id) for theme in codebook.themes()]
    return data


def codebook_to_yaml(codebook: Codebook) -> str:
    return dump_yaml(codebook_to_data(codebook))


def save_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write the codebook as YAML atomically (temp file + rename), so a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(codebook_to_yaml(codebook))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
