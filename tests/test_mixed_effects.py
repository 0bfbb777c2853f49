"""Effect sizes against published worked examples, statsmodels, and the EEF table at every band edge."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evidence.core.errors import NotEnoughDataError
from evidence.mixed.effects import (
    EEF_MONTHS_TABLE, eef_months, hedges_g, hedges_g_from_summary, paired_g, paired_g_from_summary,
    tutoring_effects,
)


def test_between_groups_matches_borenstein_worked_example():
    # Borenstein et al. (2009) Introduction to Meta-Analysis, ch. 4 worked example:
    # means 103 / 100, SDs 5.5 / 4.5, n 50 / 50 -> S_within 5.0249, d 0.5970, V_d 0.0418,
    # J 0.9923, g 0.5924, V_g 0.0411, SE_g 0.2028.
    effect = hedges_g_from_summary(103, 5.5, 50, 100, 4.5, 50)
    assert effect.d == pytest.approx(0.5970, abs=5e-5)
    assert effect.g == pytest.approx(0.5924, abs=5e-5)
    assert effect.se**2 == pytest.approx(0.0411, abs=5e-5)
    assert effect.se == pytest.approx(0.2028, abs=5e-5)
    assert effect.ci_low == pytest.approx(0.5924 - 1.96 * 0.2028, abs=1e-3)
    assert effect.ci_high == pytest.approx(0.5924 + 1.96 * 0.2028, abs=1e-3)
    assert (effect.n1, effect.n2) == (50, 50)


def test_paired_matches_borenstein_matched_groups_example():
    # Borenstein et al. (2009) ch. 4, pre/post example: mean change 5, S_diff 10, n 50, r 0.5 ->
    # S_within 10, d 0.5, V_d 0.0225, J 0.9846, g 0.4923, V_g 0.0218, SE_g 0.1477.
    effect = paired_g_from_summary(100, 105, 10, 50, 0.5)
    assert effect.d == pytest.approx(0.5)
    assert effect.g == pytest.approx(0.4923, abs=5e-5)
    assert effect.se**2 == pytest.approx(0.0218, abs=5e-5)
    assert effect.se == pytest.approx(0.1477, abs=5e-5)
    assert effect.d_z == pytest.approx(0.5)  # S_diff = S_within when r = 0.5


def test_g_agrees_with_statsmodels_effectsize_smd():
    from statsmodels.stats.meta_analysis import effectsize_smd

    rng = np.random.default_rng(7)
    tutored, comparison = rng.normal(6, 4, 37), rng.normal(4, 5, 41)
    ours = hedges_g(tutored, comparison)
    g, var = effectsize_smd(tutored.mean(), tutored.std(ddof=1), 37, comparison.mean(), comparison.std(ddof=1), 41)
    assert ours.g == pytest.approx(float(g), rel=1e-12)
    # statsmodels uses the Hedges-Olkin variance N/(n1 n2) + g^2/(2(N - 3.94)); Borenstein's
    # V_g = J^2 V_d is smaller by about the factor J^2 (0.98 here), so they agree within 3%.
    assert ours.se**2 == pytest.approx(float(var), rel=0.03)
    j = 1 - 3 / (4 * 76 - 1)
    assert ours.se**2 == pytest.approx(j**2 * (78 / (37 * 41) + ours.d**2 / (2 * 78)))


def test_paired_g_from_raw_scores_uses_d_rm_not_d_z():
    pre = np.array([10.0, 12, 14, 16, 18, 20])
    post = pre + np.array([3.0, 2, 4, 3, 5, 1])  # strongly correlated: d_z much larger than d_rm
    effect = paired_g(pre, post)
    change = post - pre
    r = np.corrcoef(pre, post)[0, 1]
    s_within = change.std(ddof=1) / math.sqrt(2 * (1 - r))
    assert effect.d == pytest.approx(change.mean() / s_within)
    assert effect.d_z == pytest.approx(change.mean() / change.std(ddof=1))
    assert effect.d_z > 1.5 * effect.d
    assert effect.g == pytest.approx(effect.d * (1 - 3 / (4 * 5 - 1)))
    assert "small group" in effect.note


def test_paired_d_rm_equals_d_av_when_the_two_sds_are_equal():
    # Lakens (2013): d_av = mean change / mean of the two SDs; with equal SDs d_rm must agree.
    pre = np.array([8.0, 11, 9, 14, 12, 10, 13, 7])
    post = pre[::-1] + 2.5  # same spread, different order, shifted up
    effect = paired_g(pre, post)
    d_av = (post.mean() - pre.mean()) / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert effect.d == pytest.approx(d_av)


def test_other_confidence_levels_use_the_normal_quantile():
    from scipy.stats import norm

    effect = hedges_g_from_summary(103, 5.5, 50, 100, 4.5, 50, confidence=0.90)
    assert effect.ci_high - effect.g == pytest.approx(norm.ppf(0.95) * effect.se)


@pytest.mark.parametrize(
    "effect_size, months, label",
    [
        (0.0, 0, "Very low or no impact"),
        (0.01, 0, "Very low or no impact"),
        (-0.01, 0, "Very low or no impact"),
        (0.014, 0, "Very low or no impact"),
        (0.015, 1, "Low impact"),  # rounds to 0.02 (table note i: nearest 2 d.p.)
        (0.02, 1, "Low impact"), (0.09, 1, "Low impact"),
        (0.10, 2, "Low impact"), (0.18, 2, "Low impact"),
        (0.19, 3, "Moderate impact"), (0.26, 3, "Moderate impact"),
        (0.27, 4, "Moderate impact"), (0.35, 4, "Moderate impact"),
        (0.36, 5, "Moderate impact"), (0.44, 5, "Moderate impact"),
        (0.45, 6, "High impact"), (0.52, 6, "High impact"),
        (0.53, 7, "High impact"), (0.61, 7, "High impact"),
        (0.62, 8, "High impact"), (0.69, 8, "High impact"),
        (0.70, 9, "Very high impact"), (0.78, 9, "Very high impact"),
        (0.79, 10, "Very high impact"), (0.87, 10, "Very high impact"),
        (0.88, 11, "Very high impact"), (0.95, 11, "Very high impact"),
        (0.96, 12, "Very high impact"), (1.00, 12, "Very high impact"),
        (0.094999, 1, "Low impact"), (0.095, 2, "Low impact"), (0.185, 3, "Moderate impact"),
        (-0.02, -1, "Low impact"), (-0.26, -3, "Moderate impact"), (-0.27, -4, "Moderate impact"),
        (-0.96, -12, "Very high impact"),
    ],
)
def test_eef_months_at_every_band_edge(effect_size, months, label):
    result = eef_months(effect_size)
    assert result.months == months
    assert result.impact == label


def test_eef_table_is_contiguous_and_edges_from_the_table_itself():
    for (m1, _l1, high, _), (m2, low, _h2, _) in zip(EEF_MONTHS_TABLE, EEF_MONTHS_TABLE[1:]):
        assert m2 == m1 + 1 and round(low - high, 2) == 0.01
        assert eef_months(high).months == m1 and eef_months(low).months == m2


def test_eef_beyond_table_and_missing():
    assert eef_months(1.4).months == 12 and "beyond" in eef_months(1.4).note
    assert eef_months(-1.2).months == -12
    assert eef_months(float("nan")).months is None
    assert "negative" in eef_months(-0.4).note


def test_not_enough_pupils_is_a_clear_error():
    with pytest.raises(NotEnoughDataError, match="at least 2 pupils"):
        hedges_g([1.0], [2.0, 3.0])
    with pytest.raises(NotEnoughDataError, match="at least 3 pupils"):
        paired_g([1.0, 2.0], [2.0, 4.0])


def test_tutoring_effects_table_from_pupils():
    pupils = pd.DataFrame({
        "pupil_id": [f"P{i}" for i in range(8)],
        "group": ["tutored"] * 4 + ["comparison"] * 4,
        "pre_score": [10, 12, 11, 9, 10, 12, 11, 9],
        "post_score": [15, 16, 14, 13, 11, 13, 12, 11],
        "disadvantaged": [True, False, True, False, True, False, True, False],
    })
    table = tutoring_effects(pupils, by="disadvantaged")
    top = table[(table["subset"] == "all pupils") & (table["design"] == "between")].iloc[0]
    gains_t = np.array([5, 4, 3, 4.0])
    gains_c = np.array([1, 1, 1, 2.0])
    sp = math.sqrt((3 * gains_t.var(ddof=1) + 3 * gains_c.var(ddof=1)) / 6)
    expected_g = (gains_t.mean() - gains_c.mean()) / sp * (1 - 3 / (4 * 8 - 9))
    assert top["g"] == pytest.approx(expected_g)
    assert (top["n1"], top["n2"]) == (4, 4)
    assert set(table["subset"]) == {"all pupils", "disadvantaged = True", "disadvantaged = False"}
    small = table[(table["subset"] == "disadvantaged = True") & (table["design"] == "paired")]
    assert small["note"].str.contains("at least 3 pupils").all()  # 2 per arm: reported, not raised
