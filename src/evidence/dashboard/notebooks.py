"""The dashboard notebooks: a title and one call into this package each, committed without outputs.

:func:`write_notebooks` writes them (``dashboards/`` in the repository holds its output); the launcher
uses the repository's folder when there is one and writes a fresh copy otherwise.
"""

from __future__ import annotations

from pathlib import Path

from . import DASHBOARDS, dashboard_module

CALLS = {
    "1_partnership_overview": "partnership_overview",
    "2_theme_explorer": "theme_explorer",
    "3_pupil_voice": "pupil_voice",
    "4_evidence_and_outcomes": "evidence_and_outcomes",
}
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def notebook(name: str):
    """The notebook of one dashboard (nbformat v4, no outputs)."""
    import nbformat

    module = dashboard_module(name)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {module.TITLE}"),
        nbformat.v4.new_code_cell(f"from evidence.dashboard import {CALLS[name]}\n\n{CALLS[name]}()"),
    ]
    for i, cell in enumerate(nb.cells):  # stable ids, so rewriting an unchanged notebook changes nothing
        cell["id"] = f"{name.split('_')[0]}-{i}"
    return nb


def write_notebooks(folder: str | Path) -> list[Path]:
    """Write every dashboard notebook into ``folder``; returns their paths."""
    import nbformat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in DASHBOARDS:
        path = folder / f"{name}.ipynb"
        nbformat.write(notebook(name), path)
        paths.append(path)
    return paths
