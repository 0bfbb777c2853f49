"""What the dashboards say, without a browser: codebook metadata decides the features and warning signs,
counts follow the one counting rule, the evidence-and-outcomes table is readable, pupil voice changes carry
an interval, charts are named and coloured for every reader, and downloads are safe to open."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_other_bundle import build_other_bundle

from evidence.codebook.schema import parse_codebook
from evidence.dashboard.bundle import load_bundle
from evidence.dashboard.filters import build_index
from evidence.core.errors import CodebookError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def other(tmp_path_factory) -> Path:
    return build_other_bundle(tmp_path_factory.mktemp("content"))


def test_codebook_dashboard_field_is_read_checked_and_published():
    book = parse_codebook({"codes": [
        {"id": "a", "name": "A", "definition": "d", "dashboard": "feature"},
        {"id": "b", "name": "B", "definition": "d", "dashboard": "Warning sign"},
        {"id": "c", "name": "C", "definition": "d"},
    ]})
    assert [book[c].spec.get("dashboard") for c in "abc"] == ["feature", "warning", None]
    with pytest.raises(CodebookError, match="dashboard 'headline' of 'x' is not a place on the dashboards"):
        parse_codebook({"codes": [{"id": "x", "name": "X", "definition": "d", "dashboard": "headline"}]})
    from evidence.codebook import load_codebook

    starter = load_codebook(REPO / "corpora" / "codebook.yaml")
    assert [c.id for c in starter if c.spec.get("dashboard") == "feature"] == [
        "features.impactful", "features.sustainable", "features.mutual_benefit", "features.disadvantage"]
    assert {c.id for c in starter if c.spec.get("dashboard") == "warning"} == {
        c.id for c in starter if c.parent == "fizzle"}


@pytest.mark.slow
def test_overview_without_feature_metadata_shows_the_most_raised_codes(other):
    from evidence.dashboard.overview import build_sections

    bundle = load_bundle(other)
    assert set(bundle.codes["dashboard"]) == {""}
    index = build_index(bundle)
    sections = {s.name: s for s in build_sections(bundle, index, "", "", live=False)}
    features = sections["features"].table
    counts = dict(zip(features["theme"], features["supporting quotes"]))
    assert counts == {"Choosing books": 4, "Finding a room": 3, "Reading aloud": 3}
    assert sections["features"].figure is not None
    assert sections["warnings"].figure is None and "marks no codes as warning signs" in sections["warnings"].empty
    assert "No school results" in sections["schools"].empty


@pytest.mark.slow
def test_every_dashboard_of_a_bare_bundle_says_what_it_lacks(other, tmp_path):
    from evidence.dashboard.export import export_html

    pages = {p.stem: p.read_text(encoding="utf-8") for p in export_html(other, tmp_path)}
    assert "No before/after waves in this analysis" in pages["3_pupil_voice"]
    assert "Plotly.newPlot" not in pages["3_pupil_voice"]  # no empty axes
    assert "No effect sizes in this analysis" in pages["4_evidence_and_outcomes"]
    assert "No themes from topic modelling" in pages["2_theme_explorer"]
    for page in pages.values():
        for chart in re.findall(r'role="img" aria-label="([^"]*)"', page):
            assert chart.startswith("Chart: ") and re.search(r"\d", chart)


@pytest.mark.slow
def test_joint_display_reads_plainly_and_counts_by_the_rule(other):
    from evidence.dashboard.outcomes import joint_table
    from evidence.mixed.joint import joint_display

    bundle = load_bundle(other)
    bundle.joint_display = joint_display(bundle.segments, bundle.codings, codes=bundle.codes).rename(
        columns={"units": "n_segments"}).assign(effect_g=0.32, effect_months=4)  # as notebook 05 publishes it
    table = joint_table(bundle, build_index(bundle))
    assert len(set(table.columns)) == len(table.columns)
    assert not [c for c in table.columns if "_" in c or c.startswith("effect")]
    counts = dict(zip(table["theme"], table["times raised"]))
    # a quote counts once per theme however many times it was coded with it (school-d:t0001 twice)
    assert counts == {"Choosing books": 4, "Finding a room": 3, "Reading aloud": 3}


def test_pupil_voice_change_has_an_interval_or_says_too_few():
    from evidence.dashboard.voice import change_interval, change_reading

    assert change_interval((2, 5), (8, 40)) is None
    assert change_reading(None) == "too few pupils to tell"
    low, high = change_interval((10, 30), (100, 100))
    assert 0 < low < 0.2 < high < 0.35
    assert change_reading((low, high)) == "more pupils raised it after"
    assert change_reading((-0.1, 0.2)).startswith("no clear change")


def test_pairs_summary_does_not_read_as_separate_groups():
    from evidence.dashboard.voice import pairs_summary

    one_theme = pd.DataFrame({"pupil": ["a", "b", "c"], "change": ["appeared", "vanished", "kept"]})
    assert pairs_summary(one_theme) == "Of 3 pupils, 1 raised it only after, 1 only before and 1 both before and after."
    several = pd.DataFrame({"pupil": ["a", "a", "b"], "change": ["appeared", "vanished", "appeared"]})
    text = pairs_summary(several)
    assert text.startswith("3 pairs of a pupil and a theme, from 2 pupils") and "not separate groups" in text


def test_palette_keeps_3_to_1_contrast_on_white():
    from evidence.dashboard.charts import PALETTE, WAVE_COLOURS

    def luminance(colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    for colour in [*PALETTE.values(), *WAVE_COLOURS.values()]:
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour


def test_downloads_hold_the_table_and_never_a_formula():
    from evidence.dashboard.downloads import download_links

    table = pd.DataFrame({"theme": ["=HYPERLINK(\"x\")", "Reading"], "quotes": [3, -1]})
    links = download_links(table, "prevalence", "Quotes per theme")
    csv_data, xlsx_data = re.findall(r'href="data:[^;]+;base64,([^"]+)"', links)
    csv = pd.read_csv(io.BytesIO(base64.b64decode(csv_data)), encoding="utf-8-sig")
    assert csv["theme"].tolist() == ["'=HYPERLINK(\"x\")", "Reading"] and csv["quotes"].tolist() == [3, -1]
    excel = pd.read_excel(io.BytesIO(base64.b64decode(xlsx_data)))
    assert excel["theme"].tolist()[0].startswith("'=") and excel["quotes"].tolist() == [3, -1]
    assert 'download="prevalence.csv"' in links and 'aria-label="Download the table Quotes per theme as CSV"' in links


@pytest.mark.slow
def test_school_results_show_dfe_suppression_as_such(other):
    from evidence.dashboard.schools import school_results

    bundle = load_bundle(other)
    school = bundle.segments["school"].iloc[0]
    bundle.schools = pd.DataFrame({"urn": ["1"], "school": [school], "P8MEA": [float("nan")], "P8MEA__status": ["SUPP"],
                                   "ATT8SCR": [44.5], "ATT8SCR__status": [""], "TPUP": [120.0]})
    row = school_results(bundle, build_index(bundle)).iloc[0]
    assert row["Progress 8"] == "suppressed (SUPP)" and row["Attainment 8"] == "44.5"
    assert row["most raised themes (quotes)"] != "none coded"
