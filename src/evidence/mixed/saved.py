"""Keep a loaded results table in the project (``PROJECT/private/outcomes/``) for later joins.

Three plain files per kind, readable without the workbench: ``<kind>.csv`` (the table, with
``_row`` = the data row in the original file), ``<kind>.status.csv`` (the long table of status
codes) and ``<kind>.json`` (the summary: source path, rows, schools, missing_by_code, ...).
The table is kept as the results file gives it (real school names, URNs, maybe pupil names), so it lives
in the owner-only ``private/`` folder beside the pseudonym key, never where a bundle or an export could
pick it up; the published tables are made from it with pseudonyms (:mod:`evidence.privacy.publish`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from evidence.core.errors import ProjectError
from evidence.mixed.tables import OutcomeTable
from evidence.core.safety import spreadsheet_restore, spreadsheet_safe

FOLDER = "private/outcomes"


def save_outcomes(table: OutcomeTable, project_dir: str | Path) -> Path:
    """Write the table's three files into ``project_dir/private/outcomes/`` (replacing that kind's files)."""
    folder = Path(project_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder.parent, 0o700)
    os.chmod(folder, 0o700)
    # text cells that a spreadsheet would run as formulas get a leading ' (read back by load_saved_outcomes)
    spreadsheet_safe(table.frame).to_csv(folder / f"{table.kind}.csv", index=False)
    spreadsheet_safe(table.status).to_csv(folder / f"{table.kind}.status.csv", index=False)
    summary = table.summary() | {"column_meanings": table.column_meanings, "percent_columns": table.percent_columns}
    (folder / f"{table.kind}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder / f"{table.kind}.csv"


def load_saved_outcomes(project_dir: str | Path, kind: str) -> OutcomeTable:
    """Read back a table saved with :func:`save_outcomes`."""
    folder = Path(project_dir) / FOLDER
    path = folder / f"{kind}.csv"
    if not path.exists():
        raise ProjectError(f"{path}: no saved {kind} results; run `evidence outcomes FILE --kind {kind} --save` first")
    summary = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
    id_columns = {"pupil_id": str, "urn": str, "URN": str, "school": str}
    frame = spreadsheet_restore(pd.read_csv(path, dtype=id_columns))
    status = spreadsheet_restore(pd.read_csv(folder / f"{kind}.status.csv", dtype={"id": str}, keep_default_na=False))
    recognised = {c: c for c in summary.get("columns_recognised", [])}
    return OutcomeTable(kind=kind, path=summary.get("path", str(path)), frame=frame, status=status,
                        columns_recognised=recognised, columns_unrecognised=summary.get("columns_unrecognised", []),
                        column_meanings=summary.get("column_meanings", {}),
                        percent_columns=summary.get("percent_columns", []), notes=summary.get("notes", []))
