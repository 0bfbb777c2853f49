"""Load a codebook from YAML and save it back (nested by parent, in codebook order)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.core.files import atomic_write_text
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
    return atomic_write_text(Path(path), codebook_to_yaml(codebook))
