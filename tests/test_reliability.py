"""Agreement between coders: published reference values, hand-computed cases, the disagreement table."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evidence.core.errors import InputError, NotEnoughDataError
from evidence.reliability import (
    agreement,
    cohen_kappa,
    cohen_kappa_table,
    coding_decisions,
    disagreements,
    fleiss_kappa,
    fleiss_kappa_per_category,
    krippendorff_alpha,
    percent_agreement,
    why_undefined,
)

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
REFERENCE = FIXTURES / "irr" / "irr_reference_values.json"


# ---------------------------------------------------------------- published reference values

def _matrix(rows: list[list[float | None]]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def _table_labels(table: list[list[int]]) -> tuple[list[int], list[int]]:
    """Two coders' label vectors that reproduce a contingency table (rows coder 1, columns coder 2)."""
    first, second = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [i] * count
            second += [j] * count
    return first, second


def _alpha(level: str):
    return lambda entry: krippendorff_alpha(_matrix(entry["data"]), level)


def _per_category(index: int):
    return lambda entry: fleiss_kappa_per_category(entry["data_subjects_by_raters"])["kappa"].iloc[index]


def _anxiety(weights):
    def compute(entry):
        ratings = np.array(entry["data_subjects_by_raters"])
        return cohen_kappa(ratings[:, 1], ratings[:, 2], weights=weights)

    return compute


# statistic name in the JSON -> how we compute it from the entry
COMPUTE = {
    "nominal": _alpha("nominal"),
    "ordinal": _alpha("ordinal"),
    "interval": _alpha("interval"),
    "ratio": _alpha("ratio"),
    "fleiss_kappa": lambda entry: fleiss_kappa(entry["data_subjects_by_raters"]),
    "kappa": lambda entry: cohen_kappa_table(entry["table"]).kappa,
    "ASE": lambda entry: cohen_kappa_table(entry["table"]).standard_error,
    "CI95 low": lambda entry: cohen_kappa_table(entry["table"]).ci_low,
    "CI95 high": lambda entry: cohen_kappa_table(entry["table"]).ci_high,
    "weighted_kappa_linear_weights_0_1_2": lambda entry: cohen_kappa_table(entry["table"], "linear").kappa,
    "unweighted": _anxiety(None),
    "equal(linear)": _anxiety("linear"),
    "squared": _anxiety("quadratic"),
    # the same published table values again, through scikit-learn on label vectors
    "kappa (scikit-learn)": lambda entry: cohen_kappa(*_table_labels(entry["table"])),
    "weighted_kappa_linear_weights_0_1_2 (scikit-learn)": lambda entry: cohen_kappa(
        *_table_labels(entry["table"]), weights="linear"
    ),
}
NOT_OFFERED = {
    "z": "the z test of kappa = 0 is not offered: the workbench reports agreement, not a significance test",
    "irr_exact_kappa (Conger)": "Conger's exact kappa is not offered; Fleiss' kappa is checked instead",
}


def _expected_values(entry: dict) -> list[tuple[str, float]]:
    """(statistic, published value) pairs of one entry, lists split into one value each."""
    pairs = []
    for key in ("expected", "expected_kappa2_raters2_3", "recomputed_here"):
        for statistic, value in entry.get(key, {}).items():
            if statistic == "CI95":
                pairs += [("CI95 low", value[0]), ("CI95 high", value[1])]
            elif statistic == "per_category_kappa (pyirr test)":
                pairs += [(f"per-category {i}", v) for i, v in enumerate(value)]
            else:
                pairs.append((f"{statistic} (recomputed)" if key == "recomputed_here" else statistic, value))
                if f"{statistic} (scikit-learn)" in COMPUTE and key == "expected":
                    pairs.append((f"{statistic} (scikit-learn)", value))
    return pairs


def _reference_cases() -> list:
    if not REFERENCE.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"{REFERENCE} is absent"))]
    cases = []
    for name, entry in json.loads(REFERENCE.read_text(encoding="utf-8")).items():
        if name.startswith("_"):
            continue
        for statistic, value in _expected_values(entry):
            marks = [pytest.mark.skip(reason=NOT_OFFERED[statistic])] if statistic in NOT_OFFERED else []
            cases.append(pytest.param(name, statistic, value, id=f"{name}-{statistic}", marks=marks))
    return cases


def _tolerance(expected: float) -> float:
    """Half a unit in the last decimal the source printed (0.743 -> 0.0005)."""
    decimals = max(0, -Decimal(repr(expected)).as_tuple().exponent)
    return 0.5 * 10.0**-decimals + 1e-12


@pytest.mark.parametrize(("entry_name", "statistic", "expected"), _reference_cases())
def test_published_reference_value(entry_name: str, statistic: str, expected: float) -> None:
    entry = json.loads(REFERENCE.read_text(encoding="utf-8"))[entry_name]
    statistic_name = statistic.removesuffix(" (recomputed)")
    if statistic.startswith("per-category"):
        computed = _per_category(int(statistic.split()[-1]))(entry)
    elif statistic_name not in COMPUTE:
        pytest.fail(f"no computation for statistic {statistic!r} of entry {entry_name}; add one or skip it with a reason")
    else:
        computed = COMPUTE[statistic_name](entry)
    assert abs(computed - expected) <= _tolerance(expected), f"{entry_name} {statistic}: {computed} != {expected}"


# ---------------------------------------------------------------- measures: edge cases and hand values

def test_kappa_is_undefined_not_zero_when_everything_is_one_category() -> None:
    assert math.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert math.isnan(cohen_kappa_table([[5, 0], [0, 0]]).kappa)
    assert math.isnan(fleiss_kappa([[1, 1, 1], [1, 1, 1]]))
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))
    assert "same" in why_undefined([[1, 1, 1], [1, 1, 1]])


def test_kappa_is_zero_when_coders_are_constant_in_different_categories() -> None:
    assert cohen_kappa([0, 0, 0], [1, 1, 1]) == 0.0


def test_alpha_is_undefined_when_no_unit_has_two_ratings() -> None:
    matrix = [[1, np.nan], [np.nan, 2]]
    assert why_undefined(matrix) == "no unit was rated by two coders"
    assert math.isnan(krippendorff_alpha(matrix))
    assert math.isnan(percent_agreement(matrix))


def test_percent_agreement_counts_units_where_every_coder_agrees() -> None:
    assert percent_agreement([[1, 1, 2, np.nan], [1, 2, 2, 3], [1, 1, 2, 3]]) == pytest.approx(3 / 4)


def test_ordinal_alpha_on_labels_follows_value_domain() -> None:
    numbers = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5], [None, 3, 3, 3, 2, 3, 4, 2, 2, 5]]
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    labels = [[None if v is None else words[v] for v in row] for row in numbers]
    domain = ["very low", "low", "mid", "high", "very high"]
    assert krippendorff_alpha(labels, "ordinal", value_domain=domain) == pytest.approx(
        krippendorff_alpha(_matrix(numbers), "ordinal")
    )
    with pytest.raises(ValueError, match="value_domain"):
        krippendorff_alpha(labels, "ordinal")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha(labels, "interval")


def test_kappa_refuses_missing_ratings_and_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="missing"):
        cohen_kappa([1, None], [1, 2])
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa([1, 2], [1])


# ---------------------------------------------------------------- codings: agreement and disagreements

def _codings(rows: list[tuple[str, str, str]], status: str = "accepted") -> pd.DataFrame:
    return pd.DataFrame(
        [{"segment": s, "code": c, "coder": who, "status": status, "origin": "human"} for s, c, who in rows]
    )


# A: s1{X} s2{X,Y} s3{Y} s4{Y};  B: s1{X} s2{Y} s3{X,Y} s4{Y}
TWO_CODERS = _codings(
    [("s1", "X", "A"), ("s2", "X", "A"), ("s2", "Y", "A"), ("s3", "Y", "A"), ("s4", "Y", "A"),
     ("s1", "X", "B"), ("s2", "Y", "B"), ("s3", "X", "B"), ("s3", "Y", "B"), ("s4", "Y", "B"),
     ("s5", "X", "A")]  # s5: only A saw it, so it is not compared
)


def test_agreement_per_code_and_pooled_match_hand_computation() -> None:
    per_code, pooled = agreement(TWO_CODERS, ["A", "B"])
    per_code = per_code.set_index("code")
    # X: A=[1,1,0,0] B=[1,0,1,0]: p_o = .5 = p_e -> kappa 0; alpha = 1 - 7*4/(2*4*4) = 0.125
    assert per_code.loc["X", "n"] == 4
    assert per_code.loc["X", "kappa"] == pytest.approx(0.0)
    assert per_code.loc["X", "alpha"] == pytest.approx(0.125)
    assert per_code.loc["X", "agreement"] == pytest.approx(0.5)
    assert per_code.loc["Y", ["kappa", "alpha", "agreement"]].tolist() == pytest.approx([1.0, 1.0, 1.0])
    # pooled over 8 decisions: p_o = 6/8, p_e = (25 + 9)/64 -> kappa 14/30; alpha = 1 - 15*4/(2*10*6) = .5
    assert pooled["n"] == 8
    assert pooled["kappa"] == pytest.approx(14 / 30)
    assert pooled["alpha"] == pytest.approx(0.5)
    assert pooled["agreement"] == pytest.approx(0.75)


def test_code_nobody_or_everybody_applied_is_nan_with_a_note() -> None:
    everywhere = _codings([(s, "W", who) for s in ("s1", "s2", "s3", "s4") for who in ("A", "B")])
    per_code, _ = agreement(pd.concat([TWO_CODERS, everywhere]), ["A", "B"], codes=["W", "X", "Z"])
    per_code = per_code.set_index("code")
    for code in ("W", "Z"):
        assert math.isnan(per_code.loc[code, "kappa"]) and math.isnan(per_code.loc[code, "alpha"])
        assert per_code.loc[code, "agreement"] == 1.0
        assert "chance agreement is 1" in per_code.loc[code, "note"]
    assert per_code.loc["X", "note"] == ""


def test_three_coders_use_fleiss_kappa_on_given_units() -> None:
    codings = _codings([("s1", "X", "A"), ("s2", "X", "A"), ("s1", "X", "B"),
                        ("s1", "X", "C"), ("s2", "X", "C"), ("s4", "X", "C")])
    per_code, pooled = agreement(codings, ["A", "B", "C"], units=["s1", "s2", "s3", "s4"])
    row = per_code.iloc[0]
    # per-unit presence counts 3,2,0,1 of 3 coders: P_bar = 2/3, P_e = 1/2 -> kappa 1/3
    assert (row["n"], row["kappa"], row["agreement"]) == (4, pytest.approx(1 / 3), 0.5)
    assert row["alpha"] == pytest.approx(1 - 11 * 4 / 72)
    assert pooled["kappa"] == pytest.approx(row["kappa"])


def test_units_may_say_which_segments_each_coder_saw() -> None:
    seen = {"A": ["s1", "s2", "s3"], "B": ["s2", "s3", "s4"]}
    decisions = coding_decisions(TWO_CODERS, ["A", "B"], units=seen)
    assert sorted(decisions["segment"].unique()) == ["s2", "s3"]
    with pytest.raises(NotEnoughDataError, match="which segments"):
        coding_decisions(TWO_CODERS, ["A", "B"], units={"A": ["s1"]})


def test_autocoder_is_a_coder_and_statuses_filter_its_suggestions() -> None:
    human = _codings([("s1", "X", "ana"), ("s2", "Y", "ana")])
    machine = pd.concat([
        _codings([("s1", "X", "rules")], status="accepted"),
        _codings([("s2", "X", "rules")], status="rejected"),
    ]).assign(origin="rule")
    codings = pd.concat([human, machine], ignore_index=True)
    per_code, _ = agreement(codings, ["ana", "rules"])
    assert per_code.set_index("code").loc["X", "agreement"] == 0.5  # the rejected suggestion counts
    per_code, _ = agreement(codings, ["ana", "rules"], statuses=["accepted"])
    assert per_code.set_index("code").loc["X", "agreement"] == 1.0  # s2 still compared: no accepted code
    assert per_code.set_index("code").loc["X", "n"] == 2


def test_bad_input_is_named() -> None:
    with pytest.raises(NotEnoughDataError, match="two or more"):
        agreement(TWO_CODERS, ["A"])
    with pytest.raises(NotEnoughDataError, match="coders with codings: \\['A', 'B'\\]"):
        agreement(TWO_CODERS, ["A", "nobody"])
    with pytest.raises(InputError, match="missing column"):
        agreement(TWO_CODERS.drop(columns="coder"), ["A", "B"])
    apart = _codings([("s1", "X", "A"), ("s2", "X", "B")])
    with pytest.raises(NotEnoughDataError, match="no segment in common"):
        agreement(apart, ["A", "B"])


def test_disagreement_table_lists_each_segment_coded_differently() -> None:
    segments = pd.DataFrame({"id": ["s1", "s2", "s3", "s4"], "text": ["one", "two", "three", "four"]})
    table = disagreements(TWO_CODERS, ["A", "B"], segments=segments)
    assert table.columns.tolist() == ["segment", "text", "A", "B", "only_A", "only_B", "disputed"]
    assert table.to_dict(orient="records") == [
        {"segment": "s2", "text": "two", "A": "X; Y", "B": "Y", "only_A": "X", "only_B": "", "disputed": "X"},
        {"segment": "s3", "text": "three", "A": "Y", "B": "X; Y", "only_A": "", "only_B": "X", "disputed": "X"},
    ]
    same = _codings([("s1", "X", "A"), ("s1", "X", "B")])
    assert disagreements(same, ["A", "B"]).empty


# ---------------------------------------------------------------- CLI core

def test_agreement_report_is_json_with_the_contract_keys() -> None:
    from evidence.cli.agreement import agreement_report, format_report

    report = agreement_report(TWO_CODERS, ["A", "B"], with_disagreements=True)
    text = json.dumps(report, allow_nan=False)
    again = json.loads(text)
    assert [row["code"] for row in again["per_code"]] == ["X", "Y"]
    for row in [*again["per_code"], again["pooled"]]:
        assert {"code", "n", "kappa", "alpha", "agreement"} <= set(row)
    assert again["pooled"]["kappa"] == pytest.approx(14 / 30)
    assert [row["segment"] for row in again["disagreements"]] == ["s2", "s3"]
    assert "0.467" in format_report(report)

    constant = _codings([(s, "W", who) for s in ("s1", "s2") for who in ("A", "B")])
    report = agreement_report(constant, ["A", "B"])
    assert report["per_code"][0]["kappa"] is None and "note" in report["per_code"][0]
    assert "n/a" in format_report(report)


def test_ratings_matrix_feeds_ordinal_alpha_and_refuses_double_ratings() -> None:
    from evidence.reliability import ratings_matrix

    numbers = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5]]
    ratings = pd.DataFrame(
        [{"segment": f"s{u:02d}", "coder": who, "value": v}
         for who, row in zip(["A", "B"], numbers) for u, v in enumerate(row) if v is not None]
    )
    matrix = ratings_matrix(ratings, coders=["A", "B"])
    assert matrix.shape == (2, 10) and math.isnan(matrix.loc["A", "s09"])
    assert krippendorff_alpha(matrix, "ordinal") == pytest.approx(krippendorff_alpha(_matrix(numbers), "ordinal"))
    doubled = pd.concat([ratings, ratings.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match="row 20.*rated segment s03 more than once"):
        ratings_matrix(doubled)


# ---------------------------------------------------------------- the `evidence agreement` command

@pytest.fixture()
def coded_project(tmp_path: Path):
    from evidence.codebook.changes import add_code
    from evidence.core.model import Code, Coding
    from evidence.project import Project

    quotes = tmp_path / "quotes.csv"
    quotes.write_text(
        "id,pupil,school,wave,text\n"
        "q1,P001,Oak School,before,I was too shy to speak in class.\n"
        "q2,P001,Oak School,after,Now I put my hand up in class.\n"
        "q3,P002,Elm Academy,before,I want to go to university one day.\n"
        "q4,P002,Elm Academy,after,The visit made me think about jobs.\n"
        "q5,P003,Elm Academy,after,Nobody asked us what we thought.\n",
        encoding="utf-8",
    )
    project = Project.init(tmp_path / "proj")
    assert project.ingest([quotes]).ok
    for code in ("confidence", "aspiration"):
        add_code(project, Code(id=code, name=code.title(), definition=f"pupil {code}"))
    # Ana and Ben as TWO_CODERS A and B (X = confidence, Y = aspiration); q5 only Ana coded
    plan = {"Ana": {"q1": ["confidence"], "q2": ["confidence", "aspiration"], "q3": ["aspiration"],
                    "q4": ["aspiration"], "q5": ["confidence"]},
            "Ben": {"q1": ["confidence"], "q2": ["aspiration"], "q3": ["confidence", "aspiration"],
                    "q4": ["aspiration"]}}
    project.add_codings([Coding(segment=s, code=c, coder=who)
                         for who, segments in plan.items() for s, codes in segments.items() for c in codes])
    project.add_codings([Coding(segment="q1", code="confidence", coder="rules", origin="rule", status="suggested"),
                         Coding(segment="q3", code="confidence", coder="rules", origin="rule", status="rejected")])
    project.close()
    return tmp_path / "proj"


def test_agreement_command_prints_the_json_contract(coded_project: Path, capsys) -> None:
    from evidence.cli import main

    assert main(["agreement", "--coders", "Ana,Ben", "--json", "--project", str(coded_project)]) == 0
    report = json.loads(capsys.readouterr().out)
    rows = {row["code"]: row for row in report["per_code"]}
    assert rows["confidence"]["n"] == 4 and rows["confidence"]["kappa"] == pytest.approx(0.0)
    assert rows["confidence"]["alpha"] == pytest.approx(0.125)
    assert rows["aspiration"]["agreement"] == 1.0
    assert report["pooled"]["n"] == 8 and report["pooled"]["kappa"] == pytest.approx(14 / 30)


def test_agreement_command_compares_the_autocoder_and_lists_disagreements(coded_project: Path, capsys) -> None:
    from evidence.cli import main

    args = ["agreement", "--coders", "Ana,rules", "--project", str(coded_project)]
    assert main([*args, "--json"]) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)["per_code"]}
    # the units are Ana's five quotes (the autocoder saw them all, as in notebook 04): q1 and q4 alike,
    # q2 and q5 not (rules left them uncoded), q3 not (rules' rejected suggestion still counts)
    assert rows["confidence"]["n"] == 5 and rows["confidence"]["agreement"] == pytest.approx(2 / 5)
    assert main([*args, "--json", "--statuses", "suggested,accepted"]) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)["per_code"]}
    assert rows["confidence"]["agreement"] == pytest.approx(3 / 5)  # without the rejected one, q3 is alike
    assert main(["agreement", "--coders", "Ana,Ben", "--disagreements", "--project", str(coded_project)]) == 0
    text = capsys.readouterr().out
    assert "2 segment(s) coded differently" in text and "Now I put my hand up" in text


def test_agreement_command_names_an_unknown_coder(coded_project: Path, capsys) -> None:
    from evidence.cli import main

    assert main(["agreement", "--coders", "Ana,Zoe", "--project", str(coded_project)]) == 1
    assert "['Zoe'] coded no segment; coders with codings: ['Ana', 'Ben', 'rules']" in capsys.readouterr().err


# ---------------------------------------------------------------- one rule for the units: CLI and notebook 04

def test_the_agreement_command_and_notebook_04_choose_the_same_units_and_kappa(tmp_path, capsys) -> None:
    """`evidence agreement` and notebook 04 (analysis.agreement_step) both take their units from
    reliability.agreement_units: the segments every person coded, a machine coder having seen them all.
    The machine left s3 uncoded: that is its decision "no code" there, not a missing segment."""
    from evidence.pipeline import analysis
    from evidence.cli import main
    from evidence.codebook.changes import add_code
    from evidence.core.model import Code, Coding
    from evidence.project import Project
    from evidence.reliability import agreement_units

    (tmp_path / "talk.txt").write_text(
        "Teacher: Reading at home went up this term.\n\nTeacher: The trip was cancelled twice.\n\n"
        "Teacher: Pupils read aloud with more confidence.\n\nTeacher: Lunch queues were long.\n",
        encoding="utf-8")
    project = Project.init(tmp_path / "project", pseudonymise=False)
    try:
        project.ingest([tmp_path / "talk.txt"])
        for code in ("reading", "trips"):
            add_code(project, Code(id=code, name=code.title(), definition=f"talk of {code}"))
        units = project.segments(["paragraph", "turn"])["id"].tolist()[:4]
        assert len(units) == 4
        s1, s2, s3, s4 = units
        project.add_codings([
            Coding(segment=s1, code="reading", coder="ana"), Coding(segment=s2, code="trips", coder="ana"),
            Coding(segment=s3, code="reading", coder="ana"),
            Coding(segment=s1, code="reading", coder="ben"), Coding(segment=s2, code="reading", coder="ben"),
            Coding(segment=s3, code="reading", coder="ben"), Coding(segment=s4, code="trips", coder="ben"),
            Coding(segment=s1, code="reading", coder="rules", origin="rule", status="suggested"),
            Coding(segment=s2, code="trips", coder="rules", origin="rule", status="suggested"),
            Coding(segment=s4, code="trips", coder="rules", origin="rule", status="suggested"),
        ])
        codings = project.codings()
        assert agreement_units(codings, ["ana", "rules"]) == sorted([s1, s2, s3])
        assert agreement_units(codings, ["ana", "ben"]) == sorted([s1, s2, s3])
        humans, machines = analysis.agreement_step(project, "")
    finally:
        project.close()

    def cli(coders: str) -> dict:
        assert main(["agreement", "--coders", coders, "--json", "--project", str(tmp_path / "project")]) == 0
        return json.loads(capsys.readouterr().out)

    report = cli("ana,ben")
    assert [(r["code"], r["n"]) for r in report["per_code"]] == list(zip(humans["code"], humans["n"]))
    assert [r["kappa"] for r in report["per_code"]] == pytest.approx(humans["kappa"].tolist(), nan_ok=True)
    machine = machines[(machines["coder"] == "rules") & (machines["against"] == "ana")]
    report = cli("rules,ana")
    rows = [report["pooled"], *report["per_code"]]
    assert [(r["code"], r["n"]) for r in rows] == list(zip(machine["code"], machine["n"]))
    assert report["pooled"]["n"] == 3 * 2  # s1-s3 (s3 counted: the machine saw it), two codes
    assert [r["kappa"] for r in rows] == pytest.approx(machine["kappa"].tolist(), nan_ok=True)
