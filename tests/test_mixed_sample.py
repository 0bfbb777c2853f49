"""A sample-corpus run: ingest the pupil quotes, add researcher A's codings, join to the sample results,
and check the joint display, themes-vs-outcomes and effect sizes against direct pandas computations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evidence.mixed.effects import tutoring_effects
from evidence.mixed.joint import joint_display, joint_display_html
from evidence.mixed.linking import link_cases, read_name_to_urn
from evidence.mixed.outcomes import load_outcomes
from evidence.mixed.quantitise import case_by_code
from evidence.mixed.theme_outcomes import case_outcomes, theme_by_school, theme_outcomes
from evidence.mixed.voice import before_after

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample"


@pytest.fixture(scope="module")
def coded_sample(make_module_project):
    """The sample's pupil quotes (not pseudonymised), the codebook and researcher A's codings."""
    from evidence.core.model import Coding

    codings = pd.read_csv(SAMPLE / "codings" / "researcher_a.csv")
    return make_module_project(
        "project", corpus=[SAMPLE / "quotes" / "pupil_quotes.csv"], codebook=SAMPLE.parent / "codebook.yaml",
        codings=[Coding(segment=row.id, code=row.code, coder="researcher_a") for row in codings.itertuples()],
        pseudonymise=False)


@pytest.fixture(scope="module")
def direct():
    """The same facts computed straight from the sample files with pandas."""
    quotes = pd.read_csv(SAMPLE / "quotes" / "pupil_quotes.csv", dtype=str, keep_default_na=False)
    codings = pd.read_csv(SAMPLE / "codings" / "researcher_a.csv", dtype=str)
    pupils = pd.read_csv(SAMPLE / "quant" / "pupils.csv", dtype={"pupil_id": str, "urn": str})
    coded = codings.drop_duplicates(["id", "code"]).merge(quotes, on="id")
    return quotes, coded, pupils


def test_sample_results_tables_load(direct):
    _, _, pupils = direct
    table = load_outcomes(SAMPLE / "quant" / "pupils.csv")
    assert table.kind == "pupil" and len(table.frame) == len(pupils)
    assert table.frame["post_score"].isna().sum() == pupils["post_score"].isna().sum()
    schools = load_outcomes(SAMPLE / "quant" / "schools_ks4.csv")
    assert schools.kind == "dfe-ks4" and schools.schools == len(pd.read_csv(SAMPLE / "quant" / "schools_ks4.csv"))


@pytest.mark.slow
def test_sample_effect_size_matches_statsmodels(direct):
    from statsmodels.stats.meta_analysis import effectsize_smd

    _, _, pupils = direct
    effects = tutoring_effects(load_outcomes(SAMPLE / "quant" / "pupils.csv").frame)
    between = effects[(effects["subset"] == "all pupils") & (effects["design"] == "between")].iloc[0]
    gains = pupils.assign(gain=pupils["post_score"] - pupils["pre_score"]).dropna(subset=["gain"])
    t, c = gains.loc[gains["group"] == "tutored", "gain"], gains.loc[gains["group"] == "comparison", "gain"]
    g, _ = effectsize_smd(t.mean(), t.std(), len(t), c.mean(), c.std(), len(c))
    assert between["g"] == pytest.approx(float(g))
    assert (between["n1"], between["n2"]) == (len(t), len(c))
    assert between["ci_low"] < between["g"] < between["ci_high"]


def test_sample_joint_display_matches_pandas(coded_sample, direct):
    quotes, coded, pupils = direct
    segments, codings = coded_sample.segments(), coded_sample.codings()
    pupil_table = load_outcomes(SAMPLE / "quant" / "pupils.csv")
    ks4 = load_outcomes(SAMPLE / "quant" / "schools_ks4.csv")
    links = link_cases(segments, pupils=pupil_table.frame, schools=ks4.frame,
                       name_to_urn=read_name_to_urn(SAMPLE / "quant" / "school_urns.csv"))
    quoted = set(quotes["pupil"]) - {""}
    expected_unlinked = quoted - set(pupils["pupil_id"])
    assert set(links.unlinked.loc[links.unlinked["side"] == "qualitative", "value"]) >= expected_unlinked
    to_pupil = links.mapping("pupil")
    groups = {case: group for case, group in zip(pupils["pupil_id"], pupils["group"]) if case in to_pupil.values()}
    case_codes = case_by_code(segments, codings)
    outcomes = theme_outcomes(case_codes, case_outcomes(pupil_table.frame, to_pupil))
    table = joint_display(segments, codings, codes=coded_sample.codes(), groups=groups, outcomes=outcomes)
    table = table.set_index("code")

    for code, part in coded.groupby("code"):
        assert table.loc[code, "units"] == part["id"].nunique()
        assert table.loc[code, "cases"] == part["pupil"].nunique()
        assert table.loc[code, "units_before"] == part.loc[part["wave"] == "before", "id"].nunique()
        assert table.loc[code, "units_after"] == part.loc[part["wave"] == "after", "id"].nunique()
        tutored = part.loc[part["pupil"].map(dict(zip(pupils["pupil_id"], pupils["group"]))) == "tutored", "pupil"]
        assert table.loc[code, "cases_tutored"] == tutored.nunique()

        # themes against outcomes, directly: pupils with quotes and a gain, raising the code or not
        gain = pupils.set_index("pupil_id").eval("post_score - pre_score")
        with_gain = [p for p in quoted if p in gain.index and not np.isnan(gain[p])]
        raising = set(part["pupil"])
        a = np.array([gain[p] for p in with_gain if p in raising])
        b = np.array([gain[p] for p in with_gain if p not in raising])
        assert table.loc[code, "n_with"] == len(a) and table.loc[code, "n_without"] == len(b)
        if len(a) and len(b):
            assert table.loc[code, "difference"] == pytest.approx(a.mean() - b.mean())
        first = table.loc[code, "quotes"].splitlines()[0]
        assert any(text and text in first for text in part["text"])

    html = joint_display_html(table.reset_index())
    assert html.count("<tr") == len(table) + 1

    by_school = theme_by_school(case_codes, {c: u for c, u in zip(pupils["pupil_id"], pupils["urn"])},
                                ks4.with_status(["P8MEA"]))
    assert by_school["P8MEA"].notna().all() and by_school["school"].notna().all()


def test_sample_before_after(coded_sample, direct):
    quotes, coded, _ = direct
    voice = before_after(coded_sample.segments(), coded_sample.codings())
    waves = quotes[quotes["pupil"] != ""].groupby("pupil")["wave"].agg(set)
    paired = {p for p, w in waves.items() if {"before", "after"} <= w}
    assert set(voice["case"]) <= paired
    coded = coded[coded["pupil"].isin(paired)]
    pairs = coded.groupby(["pupil", "code"])["wave"].agg(set)
    expected = {k: ("stays" if w >= {"before", "after"} else "appears" if "after" in w else "vanishes")
                for k, w in pairs.items() if w & {"before", "after"}}
    assert dict(zip(zip(voice["case"], voice["code"]), voice["change"])) == expected
