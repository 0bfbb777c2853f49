"""Synthetic quantitative results: pupil-level pre/post scores and a school table shaped like the
DfE key stage 4 performance table.

Gains are drawn so that the tutored group's mean gain beats the comparison group's by 0.3 of the
gain standard deviation (Hedges' g of about 0.3 before rounding and missing scores).
"""

from __future__ import annotations

import random
import statistics
from types import ModuleType
from typing import Any

GAIN_SD = 10.0
COMPARISON_GAIN = 3.0
TUTORED_GAIN = COMPARISON_GAIN + 0.3 * GAIN_SD


def _exact_normal(rng: random.Random, n: int, mean: float, sd: float) -> list[float]:
    """n normal draws rescaled so their sample mean and SD are exactly ``mean`` and ``sd``."""
    draws = [rng.gauss(0.0, 1.0) for _ in range(n)]
    m, s = statistics.fmean(draws), statistics.stdev(draws)
    return [mean + sd * (d - m) / s for d in draws]


def pupil_scores(rng: random.Random, pupils: list[Any], people: ModuleType) -> list[dict[str, str]]:
    """Rows of quant/pupils.csv: every tutored pupil, then a comparison group of the same size."""
    rows: list[dict[str, str]] = []
    n = len(pupils)
    comparison = []
    for i, tutored in enumerate(pupils):
        comparison.append({
            "pupil_id": f"P-{n + i + 1:03d}", "school": tutored.school, "year_group": tutored.year_group,
            "disadvantaged": rng.random() < 0.55,
        })
    for group, members, pre_mean, gain_mean in (
        ("tutored", [{"pupil_id": p.pupil_id, "school": p.school, "year_group": p.year_group,
                      "disadvantaged": p.disadvantaged} for p in pupils], 93.0, TUTORED_GAIN),
        ("comparison", comparison, 94.0, COMPARISON_GAIN),
    ):
        pre = _exact_normal(rng, len(members), pre_mean, 12.0)
        gain = _exact_normal(rng, len(members), gain_mean, GAIN_SD)
        missing = set(rng.sample(range(len(members)), 4 if group == "tutored" else 3))
        for i, member in enumerate(members):
            pre_score = max(69, min(141, round(pre[i])))
            post = "" if i in missing else str(max(69, min(141, round(pre[i] + gain[i]))))
            rows.append({
                "pupil_id": member["pupil_id"], "school": member["school"].name, "urn": str(member["school"].urn),
                "group": group, "pre_score": str(pre_score), "post_score": post,
                "disadvantaged": "true" if member["disadvantaged"] else "false",
                "year_group": str(member["year_group"]),
            })
    return rows


KS4_COLUMNS = ("URN", "SCHNAME", "TPUP", "ATT8SCR", "P8MEA", "P8CILOW", "P8CIUPP", "PTFSM6CLA1A")


def schools_ks4(rng: random.Random, people: ModuleType) -> list[dict[str, str]]:
    """School-level rows shaped like the DfE KS4 table, with its codes for missing values:
    NE (no entries / not available), SUPP (suppressed, small numbers), LOWCOV (low coverage of prior
    attainment), NEW (new school, no results yet)."""
    schools = [(s.name, s.urn) for s in people.SCHOOLS] + list(people.OTHER_SCHOOLS)
    rows = []
    for name, urn in schools:
        pupils = rng.randint(110, 240)
        progress = round(rng.uniform(-0.65, 0.35), 2)
        half_width = round(rng.uniform(0.14, 0.24), 2)
        row = {
            "URN": str(urn), "SCHNAME": name, "TPUP": str(pupils),
            "ATT8SCR": f"{round(44 + 12 * progress + rng.uniform(-3, 3), 1):.1f}",
            "P8MEA": f"{progress:.2f}", "P8CILOW": f"{progress - half_width:.2f}", "P8CIUPP": f"{progress + half_width:.2f}",
            "PTFSM6CLA1A": f"{rng.randint(18, 58)}%",
        }
        rows.append(row)
    by_name = {r["SCHNAME"]: r for r in rows}
    by_name["Calderbrook Free School"].update(
        {"TPUP": "NEW", "ATT8SCR": "NEW", "P8MEA": "NEW", "P8CILOW": "NEW", "P8CIUPP": "NEW", "PTFSM6CLA1A": "NEW"})
    by_name["Kettlewick School"].update({"P8MEA": "LOWCOV", "P8CILOW": "LOWCOV", "P8CIUPP": "LOWCOV"})
    by_name["Pennyrigg High School"].update({"PTFSM6CLA1A": "SUPP"})
    by_name["Wyvern Heath High School"].update({"P8CILOW": "NE", "P8CIUPP": "NE"})
    return rows
