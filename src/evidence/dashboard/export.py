"""The offline export: one self-contained HTML page per dashboard, for emailing to trustees.

Charts carry plotly.js inline (no CDN) and every table is plain HTML with its CSV and Excel downloads inside
the page, so a page opens, filters and downloads with no network at all. No code is shown. The partnership
overview keeps its picker (all the evidence, each partnership, each school): the page holds every choice
and a few lines of script show the chosen one. The theme explorer keeps its filters (:mod:`.offline`). Pages are written to a temporary name and renamed, so a
half-written page never sits in the output folder.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..core.files import atomic_write_text
from . import DASHBOARDS, dashboard_module
from .bundle import load_bundle, results_folder
from .layout import Section, page_html, section_html

CHOICE_SCRIPT = """<script>
(function () {
  var picker = document.getElementById("ev-choice");
  if (!picker) return;
  function show() {
    document.querySelectorAll(".ev-choice").forEach(function (group) {
      var chosen = group.dataset.choice === picker.value;
      group.hidden = !chosen;
      if (chosen && window.Plotly) {
        group.querySelectorAll(".js-plotly-plot").forEach(function (plot) { window.Plotly.Plots.resize(plot); });
      }
    });
  }
  picker.addEventListener("change", show);
  show();
})();
</script>"""


def grouped_page(title: str, intro: str, labels: list[str], groups: list[list[Section]]) -> str:
    """A page holding one group of sections per choice, with a keyboard-usable picker that shows one group."""
    options = "".join(f'<option value="{i}">{html.escape(label)}</option>' for i, label in enumerate(labels))
    controls = (f'<p class="ev-filters"><label for="ev-choice">Show </label>'
                f'<select id="ev-choice" class="ev-filter-selection">{options}</select></p>'
                '<p class="ev-filter-note ev-note">Printing prints the selection shown.</p>')
    body, inlined = [], False
    for i, sections in enumerate(groups):
        parts = []
        for section in sections:
            include = section.figure is not None and not inlined
            parts.append(section_html(section, include_plotlyjs=True if include else False))
            inlined = inlined or include
        body.append(f'<div class="ev-choice" data-choice="{i}"{" hidden" if i else ""}>{"".join(parts)}</div>')
    page = page_html(title, intro, [], controls=controls + "".join(body), script=CHOICE_SCRIPT)
    return page


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
        if hasattr(module, "static_choices"):
            page = grouped_page(module.TITLE, module.INTRO, module.static_choices(index),
                                module.static_sections(bundle, index))
        elif hasattr(module, "static_page"):
            page = module.static_page(bundle, index)
        else:
            page = page_html(module.TITLE, module.INTRO, module.static_sections(bundle, index))
        path = folder / f"{name}.html"
        atomic_write_text(path, page)
        written.append(path)
    return written
