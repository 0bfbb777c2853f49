"""`evidence outcomes FILE [--kind ...] [--json] [--save]` end to end through the real argument parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
DFE_TABLE = FIXTURES / "dfe" / "2018-2019_936_ks4final.csv"


def run(argv: list[str]) -> int:
    """Run the `evidence` command line in-process; the outcomes command comes from evidence.cli.mixed."""
    return main(argv)


def test_outcomes_json_for_a_pupil_table(tmp_path, capsys):
    path = tmp_path / "pupils.csv"
    path.write_text("Pupil,School,Arm,Pre,Post,FSM\nA,Oak,tutored,10,12,1\nB,Elm,control,11,NA,0\nC,Oak,control,9,x,0\n")
    assert run(["outcomes", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] == 3 and report["schools"] == 2 and report["kind"] == "pupil"
    assert report["missing_by_code"] == {"NA": 1, "x": 1}
    assert set(report["columns_recognised"]) >= {"pupil_id", "school", "group", "pre_score", "post_score",
                                                  "disadvantaged"}


def test_outcomes_bad_table_exits_1_naming_row(tmp_path, capsys):
    path = tmp_path / "pupils.csv"
    path.write_text("pupil_id,school,group,pre_score,post_score\nA,Oak,tutored,10,12\nB,Oak,tutored,ten,12\n")
    assert run(["outcomes", str(path), "--kind", "pupil"]) == 1
    error = capsys.readouterr().err
    assert str(path) in error and "row 2, column 'pre_score': 'ten' is not a number" in error


@pytest.mark.skipif(not DFE_TABLE.exists(), reason=f"DfE fixture not found at {DFE_TABLE}")
def test_outcomes_dfe_text_and_save(tmp_path, capsys):
    from evidence.mixed.saved import load_saved_outcomes
    from evidence.project import Project

    Project.init(tmp_path / "project").close()
    code = run(["outcomes", str(DFE_TABLE), "--kind", "dfe-ks4", "--save", "--project", str(tmp_path / "project")])
    assert code == 0
    out = capsys.readouterr().out
    assert "130 rows, 130 schools" in out and "SUPP" in out and "3 totals row(s)" in out
    saved = load_saved_outcomes(tmp_path / "project", "dfe-ks4")
    assert len(saved.frame) == 130 and saved.frame["urn"].str.fullmatch(r"\d{6}").all()
    assert saved.missing_by_code["SUPP"] > 0
    assert saved.with_status(["P8MEA"])["P8MEA__status"].isin(["", "NP", "SUPP", "NE", "NA", "LOWCOV", "NEW"]).all()
