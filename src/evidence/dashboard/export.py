"""The offline export: one self-contained HTML page per dashboard, for emailing to trustees.

Charts carry plotly.js inline (no CDN) and every table is plain HTML, so a page opens and shows its
charts with no network at all. No code is shown. Pages are written to a temporary name and renamed,
so a half-written page never sits in the output folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import DASHBOARDS, dashboard_module
from .bundle import load_bundle, results_folder
from .layout import page_html


def export_html(project: str | Path | None = None, out: str | Path | None = None) -> list[Path]:
    """Write ``<out>/<dashboard>.html`` for every dashboard (default out: PROJECT/results-html); returns the paths."""
    from .filters import build_index

    bundle = load_bundle(project)
    index = build_index(bundle)
    bundle_dir = results_folder(project)
    folder = Path(out) if out is not None else bundle_dir.parent / "results-html"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in DASHBOARDS:
        module = dashboard_module(name)
        page = page_html(module.TITLE, module.INTRO, module.static_sections(bundle, index))
        path = folder / f"{name}.html"
        temp = path.with_name(f".{path.name}.tmp")
        temp.write_text(page, encoding="utf-8")
        os.replace(temp, path)
        written.append(path)
    return written
