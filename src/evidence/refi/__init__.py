"""REFI-QDA interoperability: exchange projects (.qdpx) and codebooks (.qdc) with NVivo, ATLAS.ti,
MAXQDA and QualCoder.

    from evidence.refi import export_qdpx, import_qdpx
    export_qdpx(project, "roundtables.qdpx")             # validates against the REFI-QDA 1.0 schema
    report = import_qdpx(project, "from_nvivo.qdpx")     # ImportReport: counts, skipped items, notes
    print(report.summary())

Modules: :mod:`.records` (the REFI objects), :mod:`.qde_read` / :mod:`.qde_write` (XML),
:mod:`.offsets` (how tools count selection offsets), :mod:`.documents` (archive members, docx/pdf
text), :mod:`.segments` (units for imported text), :mod:`.guids` (stable GUIDs), :mod:`.import_qdpx`,
:mod:`.export_qdpx`, :mod:`.codebook_qdc`, :mod:`.validate` (schema checks).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # keep `import evidence.refi` light: load the parts on first use
    if name in ("import_qdpx", "ImportReport"):
        from . import import_qdpx as module
    elif name in ("export_qdpx", "ExportSummary"):
        from . import export_qdpx as module
    elif name in ("export_codebook", "import_codebook_qdc", "read_codebook_qdc", "codebook_qdc_bytes"):
        from . import codebook_qdc as module
    elif name in ("validate_project", "validate_codebook"):
        from . import validate as module
    else:
        raise AttributeError(name)
    return getattr(module, name)


__all__ = [
    "ExportSummary", "ImportReport", "codebook_qdc_bytes", "export_codebook", "export_qdpx", "import_codebook_qdc",
    "import_qdpx", "read_codebook_qdc", "validate_codebook", "validate_project",
]
