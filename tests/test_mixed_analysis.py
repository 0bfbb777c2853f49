"""Linking, case-by-code tables, themes against outcomes and the joint display, on small hand-made frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evidence.mixed.joint import joint_display, joint_display_html, strongest_quotes
from evidence.mixed.linking import link_cases, link_pupils, link_schools, name_key, read_name_to_urn, school_mentions
from evidence.mixed.quantitise import case_by_code, case_by_code_wide, coded_units, write_case_by_code
from evidence.mixed.theme_outcomes import case_outcomes, theme_by_school, theme_outcomes
from evidence.core.model import CODING_COLUMNS, SEGMENT_COLUMNS


def segment(id, kind, text, case="", wave="", parent="", school="", source="S1"):
    return {"id": id, "source": source, "kind": kind, "start": 0, "end": len(text), "text": text, "order": 0,
            "speaker": case, "role": "pupil" if kind == "quote" else "head", "case": case, "wave": wave,
            "parent": parent, "timestamp": "", "attributes": {"school": school} if school else {}}


def coding(segment, code, coder="ana", origin="human", status="accepted", confidence=None):
    return {"id": None, "segment": segment, "code": code, "coder": coder, "origin": origin, "status": status,
            "start": None, "end": None, "confidence": confidence, "explanation": "", "model_id": "",
            "model_version": "", "created_at": "", "updated_at": ""}


@pytest.fixture
def segments():
    rows = [
        segment("q1", "quote", "I get really nervous in maths", "P-1", "before", school="Oak Academy"),
        segment("q2", "quote", "I'm not scared anymore, I feel confident", "P-1", "after", school="Oak Academy"),
        segment("q3", "quote", "maths is boring and hard", "P-2", "before", school="Elm School"),
        segment("q4", "quote", "still boring", "P-2", "after", school="Elm School"),
        segment("q5", "quote", "my tutor helped me understand fractions", "P-3", "after", school="Oak Academy"),
        segment("t1", "turn", "The tutors built real relationships with our pupils.", "Oak Academy"),
        segment("s1", "sentence", "The tutors built real relationships with our pupils.", "Oak Academy", parent="t1"),
    ]
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


@pytest.fixture
def codings():
    rows = [
        coding("q1", "confidence"), coding("q2", "confidence"),
        coding("q2", "confidence", coder="rules", origin="rule", status="suggested"),
        coding("q2", "confidence", coder="bea"),  # a second coder: the unit still counts once
        coding("q3", "engagement"),
        coding("q5", "understanding", coder="clf", origin="classifier", confidence=0.9),
        coding("q5", "confidence", coder="clf", origin="classifier", status="suggested", confidence=0.95),
        coding("s1", "relationships"),
        coding("q4", "engagement", coder="rules", origin="rule", status="rejected"),
    ]
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


def test_case_by_code_counts_presence_and_share(segments, codings):
    long = case_by_code(segments, codings)
    assert len(long) == 4 * 4  # every case x code, zeros included
    row = long.set_index(["case", "code"])
    assert row.loc[("P-1", "confidence"), ["count", "presence", "units", "share"]].tolist() == [2, 1, 2, 1.0]
    assert row.loc[("P-2", "engagement"), "share"] == 0.5  # the rejected coding of q4 does not count
    assert row.loc[("P-3", "confidence"), "count"] == 0  # suggested only
    assert row.loc[("Oak Academy", "relationships"), "count"] == 1  # sentence coding rolls up to its turn
    everything = case_by_code(segments, codings, statuses=None)
    assert everything.set_index(["case", "code"]).loc[("P-3", "confidence"), "count"] == 1
    waves = case_by_code(segments, codings, by=("case", "wave"))
    assert waves.set_index(["case", "wave", "code"]).loc[("P-1", "after", "confidence"), "share"] == 1.0


def test_case_by_code_exports(segments, codings, tmp_path):
    long = case_by_code(segments, codings)
    wide = case_by_code_wide(long, "count")
    assert list(wide.columns) == ["case", "units", "confidence", "engagement", "relationships", "understanding"]
    assert wide.set_index("case").loc["P-1", "confidence"] == 2
    write_case_by_code(long, tmp_path / "cases.csv")
    write_case_by_code(long, tmp_path / "long.csv", layout="long")
    write_case_by_code(long, tmp_path / "cases.xlsx")
    assert pd.read_csv(tmp_path / "cases.csv").equals(wide)
    assert len(pd.read_csv(tmp_path / "long.csv")) == len(long)
    sheets = pd.read_excel(tmp_path / "cases.xlsx", sheet_name=None)
    assert set(sheets) == {"presence", "count", "share", "long"}
    assert sheets["share"].set_index("case").loc["P-2", "engagement"] == 0.5


def test_link_pupils_by_id_and_pseudonym(segments):
    pupils = pd.DataFrame({"pupil_id": ["P1", "P002", "P9"], "group": ["tutored", "comparison", "tutored"]})
    report = link_pupils(segments, pupils, id_map={"P-2": "P002"})
    links = report.links.set_index("case")
    assert links.loc["P-1", "target"] == "P1" and links.loc["P-1", "method"] == "id"  # p-1 ~ P1
    assert links.loc["P-2", "target"] == "P002" and links.loc["P-2", "method"] == "pseudonym"
    assert not links.loc["P-3", "linked"]
    unlinked = report.unlinked.set_index(["side", "value"])
    assert "no pupil with this id" in unlinked.loc[("qualitative", "P-3"), "reason"]
    assert "no quotes from this pupil (tutored)" == unlinked.loc[("quantitative", "P9"), "reason"]
    assert report.mapping("pupil") == {"P-1": "P1", "P-2": "P002"}


def test_link_schools_by_map_table_and_urn(tmp_path):
    urn_map = tmp_path / "school_urns.csv"
    urn_map.write_text("name,urn\nOak Academy,100001\nChart Wood School,146527\nChart Wood School,125457\n")
    schools = pd.DataFrame({"urn": ["100001", "100002", "146527", "125457"],
                            "school": ["Oak Academy", "The Elm School", "Chart Wood School", "Chart Wood School"]})
    report = link_schools(["oak  academy", "Elm School", "Chart Wood School", "100002", "Birch College"],
                          schools, name_to_urn=read_name_to_urn(urn_map))
    links = report.links.set_index("case")
    assert links.loc["oak  academy", "target"] == "100001"
    assert links.loc["Elm School", ["target", "method"]].tolist() == ["100002", "name in results table"]
    assert links.loc["100002", "method"] == "urn"
    assert "matches 2 URNs" in links.loc["Chart Wood School", "reason"]
    assert "not in the name-to-URN map" in links.loc["Birch College", "reason"]
    assert set(report.unlinked["case"]) == {"Chart Wood School", "Birch College"}
    assert name_key("The St. Mary's C of E School & Sixth Form") == "st marys c of e school and sixth form"


def test_school_mentions_and_link_cases(segments):
    mentions = school_mentions(segments).set_index("school")
    assert mentions.loc["Oak Academy", "segments"] == 5  # 3 quotes, a turn and its sentence
    pupils = pd.DataFrame({"pupil_id": ["P-1", "P-2"], "group": ["tutored", "comparison"]})
    report = link_cases(segments, pupils=pupils, name_to_urn={"Oak Academy": "100001"})
    assert report.mapping("school") == {"Oak Academy": "100001"}
    assert set(report.unlinked["value"]) == {"P-3", "Elm School"}


def test_theme_outcomes_matches_direct_computation():
    from scipy import stats

    rng = np.random.default_rng(3)
    cases = [f"P{i}" for i in range(30)]
    raised = {c: i % 3 == 0 for i, c in enumerate(cases)}  # 10 raise it, 20 do not
    gains = {c: rng.normal(5 if raised[c] else 2, 3) for c in cases}
    long = pd.DataFrame({"case": cases, "code": "confidence", "presence": [int(raised[c]) for c in cases]})
    outcomes = pd.DataFrame({"case": cases, "gain": [gains[c] for c in cases]})
    row = theme_outcomes(long, outcomes).iloc[0]
    a = np.array([gains[c] for c in cases if raised[c]])
    b = np.array([gains[c] for c in cases if not raised[c]])
    assert (row["n_with"], row["n_without"]) == (10, 20)
    assert row["difference"] == pytest.approx(a.mean() - b.mean())
    # Welch's interval by hand: Welch-Satterthwaite df and the t quantile
    va, vb = a.var(ddof=1) / 10, b.var(ddof=1) / 20
    df = (va + vb) ** 2 / (va**2 / 9 + vb**2 / 19)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert row["ci_low"] == pytest.approx(a.mean() - b.mean() - half)
    assert row["ci_high"] == pytest.approx(a.mean() - b.mean() + half)
    assert row["note"] == ""
    small = theme_outcomes(long.iloc[:12], outcomes)
    assert "small numbers (4 raising it, 8 not)" in small.iloc[0]["note"]


def test_case_outcomes_and_theme_by_school():
    pupils = pd.DataFrame({"pupil_id": ["A1", "B1"], "gain": [4.0, 1.0]})
    assert case_outcomes(pupils, {"a-1": "A1", "b-1": "B1"})["gain"].tolist() == [4.0, 1.0]
    long = pd.DataFrame({"case": ["a", "b", "c", "a", "b", "c"], "code": ["x"] * 3 + ["y"] * 3,
                         "presence": [1, 0, 1, 0, 0, 1]})
    schools = pd.DataFrame({"urn": ["1", "2"], "school": ["Oak", "Elm"], "P8MEA": [0.2, np.nan],
                            "P8MEA__status": ["", "SUPP"]})
    table = theme_by_school(long, {"a": "1", "b": "1", "c": "2"}, schools).set_index(["code", "urn"])
    assert table.loc[("x", "1"), ["cases", "raising", "prevalence"]].tolist() == [2, 1, 0.5]
    assert table.loc[("y", "2"), "P8MEA__status"] == "SUPP"
    assert list(table.columns[:1]) == ["school"]


def test_joint_display_numbers_match_pandas(segments, codings):
    groups = {"P-1": "tutored", "P-2": "comparison", "P-3": "tutored"}
    codes = pd.DataFrame({"id": ["confidence", "engagement", "understanding", "relationships"],
                          "name": ["Confidence", "Engagement", "Understanding", "Relationships"]})
    table = joint_display(segments, codings, codes=codes, groups=groups).set_index("code")
    assert list(table.index) == list(codes["id"])  # codebook order
    accepted = codings[codings["status"] == "accepted"]
    units = accepted.merge(segments, left_on="segment", right_on="id")
    units = units[units["kind"] == "quote"].drop_duplicates(["segment", "code"])
    for code, part in units.groupby("code"):
        assert table.loc[code, "units"] == len(part)
        assert table.loc[code, "units_before"] == (part["wave"] == "before").sum()
        assert table.loc[code, "units_after"] == (part["wave"] == "after").sum()
        assert table.loc[code, "cases_tutored"] == part.loc[part["case"].map(groups) == "tutored", "case"].nunique()
    assert table.loc["relationships", "units"] == 1 and table.loc["relationships", "cases_tutored"] == 0
    assert table.loc["confidence", "quotes"].splitlines()[0] == "\u201cI get really nervous in maths\u201d (P-1, before)"


def test_strongest_quotes_order(segments, codings):
    coded = coded_units(segments, codings, statuses=None)
    best = strongest_quotes(coded, per_code=5)
    confidence = best[best["code"] == "confidence"]
    assert confidence["unit"].tolist() == ["q1", "q2", "q5"]  # human accepted, then machine suggestion
    assert not confidence["unit"].duplicated().any()


def test_joint_display_html_is_styled_and_escaped(segments, codings):
    segments.loc[segments["id"] == "q3", "text"] = "maths is <b>boring</b> & hard"
    outcomes = pd.DataFrame({"code": ["engagement"], "outcome": ["gain"], "n_with": [1], "mean_with": [1.0],
                             "n_without": [2], "mean_without": [3.0], "difference": [-2.0], "ci_low": [np.nan],
                             "ci_high": [np.nan], "g": [-0.4], "note": ["small numbers"]})
    table = joint_display(segments, codings, outcomes=outcomes)
    assert table.set_index("code").loc["engagement", "g"] == -0.4
    html = joint_display_html(table)
    assert "<table" in html and "Themes beside the numbers" in html
    assert "&lt;b&gt;boring&lt;/b&gt; &amp; hard" in html and "<b>boring</b>" not in html
    assert "background-color: rgba(200, 0, 0" in html  # negative g shown red
