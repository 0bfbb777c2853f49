"""Check REFI-QDA documents against the official XML schemas (Project.xsd, Codebook.xsd) with xmlschema.

The schemas are not shipped with the workbench (they belong to the REFI-QDA standard); give their path.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import InputError


@lru_cache(maxsize=4)
def _schema(path: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(path)


def schema_errors(document: bytes, schema: str | Path, limit: int = 10) -> list[str]:
    """Up to ``limit`` schema violations of ``document``, each with its path in the document."""
    errors = []
    for error in _schema(str(schema)).iter_errors(io.BytesIO(document)):
        errors.append(f"{error.path}: {error.reason}")
        if len(errors) >= limit:
            break
    return errors


def _validate(document: bytes, schema: str | Path, what: str) -> None:
    errors = schema_errors(document, schema)
    if errors:
        raise InputError(what, f"does not validate against {Path(schema).name}: " + "; ".join(errors),
                         hint="this is a bug in the exporter; please report it with the project")


def validate_project(document: bytes, schema: str | Path) -> None:
    """InputError unless ``document`` (a project.qde) is valid against Project.xsd."""
    _validate(document, schema, "project.qde")


def validate_codebook(document: bytes, schema: str | Path) -> None:
    """InputError unless ``document`` (a .qdc) is valid against Codebook.xsd."""
    _validate(document, schema, "codebook.qdc")
