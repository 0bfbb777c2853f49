"""The theme explorer's filters in the offline HTML export: the page carries its quotes and a few lines of
script, so school, partnership, role, wave, theme and words filter the quote list and the three charts with
no server and no network.

The page computes with the same rules as the live dashboard (:mod:`.filters`): a quote has a theme when it
carries it or a code below it, accepted codings only; the counts it shows equal the live ones for the same
filters. Above :data:`OFFLINE_UNITS` quotes the page would grow too large to e-mail, so it shows all the
evidence and says the filters need the live dashboard.
"""

from __future__ import annotations

import html
import json

import numpy as np

from .bundle import Bundle
from .filters import FILTER_FIELDS, QuoteIndex, choices, highlight
from .layout import page_html, quote_list_html

OFFLINE_UNITS = 5_000
QUOTES_SHOWN = 50


def offline_data(bundle: Bundle, index: QuoteIndex) -> dict:
    """Everything the page's script needs: per quote its filter values, lower-case text, codes (code or below),
    topic and list item; per code its name and whether charts count it."""
    units = index.units
    marked = [highlight(text, int(start), index.marks.get(unit, []), index.colours)
              for unit, text, start in zip(units["id"], units["text"], units["start"])]
    listed = quote_items(units, marked)
    topic_of = _topics(bundle, index)
    codes_of = [np.flatnonzero(index.matrix[i]).tolist() for i in range(len(units))]
    return {
        "fields": list(FILTER_FIELDS),
        "units": [[*(str(units[f].iat[i]) for f in FILTER_FIELDS), index.text_lower[i], codes_of[i], topic_of[i],
                   listed[i]] for i in range(len(units))],
        "codes": [index.names[c] for c in index.codes],
        "counted": index.level_codes().tolist(),
        "topics": [str(label) for label in bundle.themes.get("label", [])] if len(topic_of) else [],
        "shown": QUOTES_SHOWN,
    }


def quote_items(units, highlighted: list[str]) -> list[str]:
    """Each quote's list item as the live dashboard writes it (who said it, where)."""
    html_list = quote_list_html(units, len(units), highlighted)
    start = html_list.index("<ol>") + len("<ol>")
    body = html_list[start: html_list.rindex("</ol>")]
    return ["<li" + part for part in body.split("<li")[1:]]


def _topics(bundle: Bundle, index: QuoteIndex) -> list[int]:
    """Per quote: the position of its topic-modelling theme in ``bundle.themes`` (-1: none)."""
    themes, assigned = bundle.themes, bundle.theme_assignments
    out = [-1] * len(index.units)
    if themes.empty or assigned.empty or "id" not in themes:
        return out
    position = {str(t): k for k, t in enumerate(themes["id"]) if str(t) != "-1"}
    row = {unit: i for i, unit in enumerate(index.units["id"])}
    for segment, theme in zip(assigned["segment"], assigned["theme"]):
        if segment in row and str(theme) in position:
            out[row[segment]] = position[str(theme)]
    return out


def controls_html(index: QuoteIndex) -> str:
    """Labelled selects and a words box (native controls: usable by keyboard)."""
    parts = []
    for field in FILTER_FIELDS:
        options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in choices(index, field))
        parts.append(f'<label>{field.capitalize()} <select data-filter="{field}" class="ev-filter-{field}">'
                     f'<option value="">any</option>{options}</select></label>')
    coded = [j for j, c in enumerate(index.codes) if index.matrix[:, j].any()]
    themes = "".join(f'<option value="{j}">{"&emsp;" if index.levels[j] else ""}{html.escape(index.names[index.codes[j]])}'
                     "</option>" for j in coded)
    parts.append(f'<label>Theme <select data-filter="code" class="ev-filter-code"><option value="">any</option>'
                 f"{themes}</select></label>")
    parts.append('<label>Words <input type="search" data-filter="search" class="ev-filter-search" '
                 'placeholder="type and press Enter"></label>')
    return ('<form class="ev-filters" onsubmit="return false" style="display:flex;flex-wrap:wrap;gap:0.6em 1.2em;">'
            + "".join(parts) + "</form>"
            '<p class="ev-filter-note ev-note" data-filter-note>Downloads hold all the evidence, not your '
            "selection.</p>")


SCRIPT = """<script>
(function () {
  var data = JSON.parse(document.getElementById("ev-data").textContent);
  var form = document.querySelector("form.ev-filters");
  function plot(name) {
    var s = document.querySelector('section[data-section="' + name + '"]');
    return s ? s.querySelector(".plotly-graph-div") : null;
  }
  function esc(t) { return String(t).replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function setTable(name, head, rows) {
    var t = document.querySelector('table[data-table="' + name + '"] tbody');
    if (!t) return;
    t.innerHTML = rows.length ? rows.map(function (r) { return "<tr>" + r.map(function (v, i) {
      return (typeof v === "number" ? '<td class="ev-number">' : "<td>") + esc(v) + "</td>"; }).join("") + "</tr>";
    }).join("") : '<tr><td colspan="' + head + '"><em>None in this selection.</em></td></tr>';
  }
  function bars(name, labels, values, title) {
    var div = plot(name);
    if (!div || !window.Plotly) return;
    var trace = Object.assign({}, div.data[0], {y: labels.slice().reverse(), x: values.slice().reverse()});
    var layout = Object.assign({}, div.layout, {height: Math.max(260, 80 + 26 * labels.length)});
    window.Plotly.react(div, [trace], layout);
    describe(div, title, labels.map(function (l, i) { return l + " " + values[i]; }).join(", ") || "no data");
  }
  function describe(div, title, text) {
    var box = div.closest(".ev-chart");
    if (box) box.setAttribute("aria-label", "Chart: " + title + ". " + text + ".");
    var summary = box && box.nextElementSibling;
    if (summary && summary.classList.contains("ev-chart-summary")) summary.textContent = "In numbers: " + text + ".";
  }
  function apply() {
    var want = {};
    form.querySelectorAll("[data-filter]").forEach(function (c) { want[c.dataset.filter] = c.value; });
    var words = (want.search || "").trim().toLowerCase();
    var code = want.code === "" || want.code === undefined ? -1 : Number(want.code);
    var chosen = data.units.filter(function (u) {
      for (var k = 0; k < data.fields.length; k++) {
        var v = want[data.fields[k]];
        if (v && u[k] !== v) return false;
      }
      if (code >= 0 && u[data.fields.length + 1].indexOf(code) < 0) return false;
      if (words && u[data.fields.length].indexOf(words) < 0) return false;
      return true;
    });
    var n = data.fields.length, shown = chosen.slice(0, data.shown);
    var list = document.querySelector(".ev-quotes");
    list.innerHTML = '<p class="ev-count" data-count="' + chosen.length + '" data-shown="' + shown.length +
      '">Showing ' + shown.length + " of " + chosen.length + " quotes.</p><ol>" +
      shown.map(function (u) { return u[n + 3]; }).join("") + "</ol>";
    var counts = data.codes.map(function () { return 0; });
    chosen.forEach(function (u) { u[n + 1].forEach(function (j) { counts[j] += 1; }); });
    var order = data.codes.map(function (_, j) { return j; }).filter(function (j) {
      return data.counted[j] && counts[j] > 0; }).sort(function (a, b) {
      return counts[b] - counts[a] || (data.codes[a] < data.codes[b] ? -1 : 1); });
    bars("prevalence", order.map(function (j) { return data.codes[j]; }), order.map(function (j) { return counts[j]; }),
         "Quotes per theme");
    setTable("prevalence", 3, order.map(function (j) {
      return [data.codes[j], counts[j], (counts[j] / chosen.length).toFixed(2)]; }));
    var top = order.slice(0, 10).sort(function (a, b) { return a - b; });
    var names = top.map(function (j) { return data.codes[j]; });
    var z = top.map(function () { return top.map(function () { return 0; }); });
    chosen.forEach(function (u) {
      var has = top.map(function (j) { return u[n + 1].indexOf(j) >= 0; });
      for (var a = 0; a < top.length; a++) if (has[a]) for (var b = 0; b < top.length; b++) if (has[b]) z[a][b] += 1;
    });
    var heat = plot("cooccurrence"), pairs = [];
    for (var a = 0; a < top.length; a++) for (var b = a + 1; b < top.length; b++) if (z[a][b]) pairs.push([names[a], names[b], z[a][b]]);
    pairs.sort(function (p, q) { return q[2] - p[2] || (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : p[1] < q[1] ? -1 : 1); });
    if (heat && window.Plotly) {
      var trace = Object.assign({}, heat.data[0], {z: z, text: z, x: names, y: names});
      window.Plotly.react(heat, [trace], Object.assign({}, heat.layout, {height: 120 + 28 * names.length}));
      describe(heat, "Themes raised together", pairs.length ? "most often together: " + pairs.slice(0, 5).map(
        function (p) { return p[0] + " and " + p[1] + " " + p[2]; }).join(", ") : "no two themes raised together");
    }
    setTable("cooccurrence", 3, pairs.slice(0, 10));
    if (data.topics.length && plot("topics")) {
      var tcount = data.topics.map(function () { return 0; });
      chosen.forEach(function (u) { if (u[n + 2] >= 0) tcount[u[n + 2]] += 1; });
      var torder = data.topics.map(function (_, k) { return k; }).filter(function (k) { return tcount[k] > 0; })
        .sort(function (a, b) { return tcount[b] - tcount[a] || (data.topics[a] < data.topics[b] ? -1 : 1); });
      bars("topics", torder.map(function (k) { return data.topics[k]; }), torder.map(function (k) { return tcount[k]; }),
           "Quotes per theme found by topic modelling");
    }
  }
  form.addEventListener("change", apply);
  form.querySelector('[data-filter="search"]').addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); apply(); } });
})();
</script>"""


def explorer_page(bundle: Bundle, index: QuoteIndex, title: str, intro: str, sections: list) -> str:
    """The explorer's offline page: ``sections`` (every section for all the evidence, made by the explorer),
    plus filters that work with no server."""
    if len(index.units) > OFFLINE_UNITS:
        note = (f'<p class="ev-note">This saved page shows all the evidence. With more than {OFFLINE_UNITS:,} quotes '
                "the filters need the live dashboard (`evidence dashboards`).</p>")
        return page_html(title, intro, sections, controls=note)
    payload = json.dumps(offline_data(bundle, index), ensure_ascii=False).replace("</", "<\\/")
    data = f'<script type="application/json" id="ev-data">{payload}</script>'
    return page_html(title, intro, sections, controls=controls_html(index), script=data + SCRIPT)

