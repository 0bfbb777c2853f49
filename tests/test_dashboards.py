"""Dashboards without a browser: filters against a direct pandas computation, highlighting, the offline
export, the committed notebooks, and the commands' errors. (Browser tests: test_dashboards_browser.py.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dashboard_bundle import expected_units, roster_names

from evidence.dashboard import DASHBOARDS
from evidence.dashboard.bundle import load_bundle
from evidence.dashboard.filters import Filters, build_index, filter_mask, highlight, quote_page
from evidence.core.errors import ProjectError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def index(sample_bundle):
    return build_index(load_bundle(sample_bundle))


@pytest.mark.slow
def test_bundle_reads_every_documented_table(sample_bundle):
    bundle = load_bundle(sample_bundle)
    assert len(bundle.segments) and len(bundle.codings) and len(bundle.effects) and len(bundle.voice_pairs)
    assert {"school", "partnership", "role", "wave", "source_title"} <= set(bundle.segments.columns)
    assert set(bundle.voice_pairs["change"]) <= {"appeared", "vanished", "kept"}


def test_missing_bundle_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectError, match="no results bundle here; run `evidence run`"):
        load_bundle(tmp_path)


def pick(sample_bundle: Path, field: str, rank: int = 0) -> str:
    """The ``rank``-th most common value of a unit field (pseudonyms differ from build to build)."""
    segments = pd.read_parquet(sample_bundle / "results" / "segments.parquet")
    units = segments[segments["kind"].isin(["quote", "turn"]) & segments[field].ne("")]
    return str(units[field].value_counts().index[rank])


# "@field" stands for the most common value of that field in the bundle
FILTER_CASES = [
    {}, {"school": "@school"}, {"wave": "after"}, {"role": "school leader"}, {"code": "features"},
    {"code": "fizzle.turnover", "partnership": "@partnership"}, {"search": "tutor"},
    {"school": "@school", "wave": "before", "search": "maths"}, {"code": "no.such.code"},
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "none")
@pytest.mark.slow
def test_filters_match_a_direct_pandas_computation(sample_bundle, index, case):
    filters = {k: pick(sample_bundle, k) if v == f"@{k}" else v for k, v in case.items()}
    expected = expected_units(sample_bundle, **filters)
    page, total = quote_page(index, Filters(**filters), limit=50)
    assert total == len(expected)
    assert page["id"].tolist() == expected[:50]


@pytest.mark.slow
def test_filters_pick_real_values_of_the_sample(sample_bundle, index):
    # the selections above are not trivially empty or everything
    school, partnership = pick(sample_bundle, "school"), pick(sample_bundle, "partnership")
    assert 20 < quote_page(index, Filters(school=school))[1] < len(index.units)
    assert quote_page(index, Filters(code="fizzle.turnover", partnership=partnership))[1] > 0
    assert 0 < quote_page(index, Filters(school=school, wave="before", search="maths"))[1] < 50


@pytest.mark.slow
def test_prevalence_counts_units_with_the_code_or_below(sample_bundle, index):
    from evidence.dashboard.filters import prevalence

    mask = filter_mask(index, Filters(wave="after"))
    table = prevalence(index, mask, level=None).set_index("code")
    for code in ("features", "outcomes.confidence", "fizzle"):
        assert table.loc[code, "units"] == len(expected_units(sample_bundle, wave="after", code=code))


def test_highlight_marks_spans_by_source_offset_and_matched_words():
    text = "We agreed the aims together and reviewed them each term."
    codings = pd.DataFrame([
        {"code": "a", "start": 110 + 3, "end": 110 + 9, "explanation": ""},  # "agreed", unit starts at 110
        {"code": "b", "start": np.nan, "end": np.nan, "explanation": 'matched "each term", "nothing here"'},
        {"code": "c", "start": np.nan, "end": np.nan, "explanation": "a person coded it"},
    ])
    out = highlight(text, 110, codings, {"a": "#0072B2"})
    assert re.findall(r"<mark[^>]*>([^<]*)</mark>", out) == ["agreed", "each term"]
    assert "#0072B2" in out
    assert highlight("<b>x</b>", 0, codings.iloc[0:0]) == "&lt;b&gt;x&lt;/b&gt;"


@pytest.mark.slow
def test_filter_change_is_fast_on_100000_segments(index):
    import time

    from evidence.dashboard.synthetic import synthetic_bundle

    big = build_index(synthetic_bundle(100_000, seed=7))

    started = time.perf_counter()
    page, total = quote_page(big, Filters(wave="after", code=big.codes[3], search="the"), limit=50)
    assert total > 0 and len(page) == min(total, 50)
    assert time.perf_counter() - started < 2.0  # generous: the bench measures the real figure


@pytest.mark.slow
def test_export_writes_self_contained_pages_without_names_or_code(sample_bundle, tmp_path):
    from evidence.dashboard.export import export_html

    paths = export_html(sample_bundle, tmp_path / "html")
    assert [p.stem for p in paths] == list(DASHBOARDS)
    names = re.compile(r"\b(" + "|".join(re.escape(n) for n in roster_names()) + r")\b")
    for path in paths:
        page = path.read_text(encoding="utf-8")
        assert page.count("Plotly.newPlot") >= 1
        assert len(re.findall(r"/\*\*\s*\n?\s*\* plotly\.js", page)) <= 1 and "plotly.js v" in page.lower()
        assert not re.search(r"<script[^>]+src=", page), "a page loads a script from elsewhere"
        assert not re.search(r'<link[^>]+href="http', page)
        assert "from evidence.dashboard import" not in page
        text = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        assert not names.findall(text), f"{path.name} shows real names"


def test_committed_notebooks_are_the_generated_ones_without_outputs(tmp_path):
    from evidence.dashboard.notebooks import write_notebooks

    for fresh in write_notebooks(tmp_path):
        committed = REPO / "dashboards" / fresh.name
        assert json.loads(committed.read_text()) == json.loads(fresh.read_text())
        nb = json.loads(committed.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert len(code) == 1 and not code[0]["outputs"] and code[0]["execution_count"] is None


def test_voila_command_is_loopback_and_offline(tmp_path):
    from evidence.dashboard.serve import TEMPLATE, voila_command

    command = voila_command(tmp_path, 8123)
    assert "--Voila.ip=127.0.0.1" in command and "--no-browser" in command
    assert not any("0.0.0.0" in part for part in command)
    assert "--strip_sources=True" in command
    assert "cdn.jsdelivr.net" in TEMPLATE  # the template names the links it removes


@pytest.mark.slow
def test_live_charts_import_the_shared_plotly_bundle_when_the_server_offers_one(tmp_path, monkeypatch):
    import plotly.graph_objects as go

    from evidence.dashboard.charts import SHARED_BUNDLE_ENV, bar_chart, widget_class
    from evidence.dashboard.serve import share_plotly_bundle, template_root

    table = pd.DataFrame({"theme": ["a", "b"], "units": [3, 1]})
    monkeypatch.delenv(SHARED_BUNDLE_ENV, raising=False)
    assert widget_class() is go.FigureWidget
    assert len(bar_chart(table, "theme", "units", title="t")._esm) > 1_000_000  # plotly's own bundle, per chart

    path = share_plotly_bundle(tmp_path)
    served = tmp_path / "voila" / "templates" / "evidence" / "static" / path.rsplit("/", 1)[1]
    original = Path(go.__file__).parents[1] / "package_data" / "widgetbundle.js"
    assert path.startswith("/voila/static/plotly-widget-") and served.read_bytes() == original.read_bytes()
    template = (template_root(tmp_path, path) / "voila" / "templates" / "evidence" / "index.html.j2").read_text()
    assert f'import "{path}";' in template and "cdn.jsdelivr.net" in template

    monkeypatch.setenv(SHARED_BUNDLE_ENV, path)
    chart = bar_chart(table, "theme", "units", title="t")
    assert isinstance(chart, go.FigureWidget) and len(chart._esm) < 2_000 and f'import(new URL("{path}"' in chart._esm
    assert chart._ev_label == "Chart: t. a 3, b 1."  # the accessible name the front end puts on the chart
    assert list(chart.data[0].y) == ["b", "a"]


@pytest.mark.slow
def test_commands_say_clearly_when_there_is_no_bundle(tmp_path):
    for command in (["dashboards", "--port", "0"], ["export-html"]):
        result = subprocess.run([sys.executable, "-m", "evidence", *command, "--project", str(tmp_path)],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        assert "no results bundle here" in result.stderr


@pytest.mark.slow
def test_dashboards_never_import_models(sample_bundle):
    code = ("import sys; from evidence.dashboard import dashboard_module, DASHBOARDS\n"
            "from evidence.dashboard.export import export_html\n"
            f"export_html({str(sample_bundle)!r}, {str(sample_bundle / 'html-check')!r})\n"
            "bad = [m for m in ('torch', 'bertopic', 'umap', 'sentence_transformers') if m in sys.modules]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
