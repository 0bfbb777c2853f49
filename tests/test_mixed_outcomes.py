"""Loading results tables: pupil outcomes, school tables and the real DfE KS4 download."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pandas as pd
import pytest

from evidence.core.errors import InputError
from evidence.mixed.dfe import progress_figures
from evidence.mixed.outcomes import guess_kind, load_outcomes
from evidence.mixed.tables import STATUS_CODES

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
DFE_TABLE = FIXTURES / "dfe" / "2018-2019_936_ks4final.csv"
DFE_META = FIXTURES / "dfe" / "2018_2019_ks4_final_meta.csv"
needs_dfe = pytest.mark.skipif(not DFE_TABLE.exists(), reason=f"DfE fixture not found at {DFE_TABLE}")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pupil_table_with_synonym_headers(tmp_path):
    path = write(tmp_path, "pupils.csv",
                 "Pupil ID,School Name,Arm,Baseline,Endline,Pupil Premium,Year Group,Notes\n"
                 "P1,Oak,Intervention,10,14,Y,Year 9,ok\n"
                 "P2,Oak,Control,11,12,N,9,\n"
                 "P3,Elm,tutored,9,,yes,Y10,absent at end\n")
    table = load_outcomes(path)
    assert table.kind == "pupil"
    frame = table.frame
    assert list(frame["group"]) == ["tutored", "comparison", "tutored"]
    assert list(frame["disadvantaged"]) == [True, False, True]
    assert list(frame["year_group"]) == [9, 9, 10]
    assert frame["gain"].iloc[0] == 4 and pd.isna(frame["gain"].iloc[2])
    assert table.columns_recognised["pre_score"] == "Baseline"
    assert table.columns_unrecognised == ["Notes"]
    assert table.schools == 2


def test_pupil_table_errors_name_row_and_column(tmp_path):
    path = write(tmp_path, "pupils.csv",
                 "pupil_id,school,group,pre_score,post_score\n"
                 "P1,Oak,tutored,10,14\n"
                 "P2,Oak,placebo,11,12\n"
                 "P3,Oak,comparison,nine,12\n")
    with pytest.raises(InputError) as info:
        load_outcomes(path, "pupil")
    message = str(info.value)
    assert str(path) in message
    assert "row 2, column 'group': 'placebo' is not one of" in message
    assert "row 3, column 'pre_score': 'nine' is not a number" in message
    assert info.value.row == 2


def test_pupil_table_duplicate_id_and_missing_column(tmp_path):
    duplicate = write(tmp_path, "dup.csv", "pupil,school,group,pre,post\nA,Oak,tutored,1,2\nA,Oak,comparison,1,2\n")
    with pytest.raises(InputError, match="'A' appears more than once"):
        load_outcomes(duplicate, "pupil")
    missing = write(tmp_path, "missing.csv", "pupil,school,pre,post\nA,Oak,1,2\n")
    with pytest.raises(InputError, match="no column for group"):
        load_outcomes(missing, "pupil")


def test_pupil_table_from_xlsx_with_codes(tmp_path):
    path = tmp_path / "pupils.xlsx"
    pd.DataFrame({"PUPIL_ID": ["A", "B"], "URN": ["123456", "123456"], "GROUP": ["Tutored", "Comparison"],
                  "PRE_SCORE": ["10", "x"], "POST_SCORE": [12, 13]}).to_excel(path, index=False)
    table = load_outcomes(path, "pupil")
    assert table.missing_by_code == {"x": 1}
    assert table.status.iloc[0][["row", "id", "column"]].tolist() == [2, "B", "pre_score"]
    assert pd.isna(table.frame["pre_score"].iloc[1])


def test_school_table_codes_and_percentages(tmp_path):
    path = write(tmp_path, "schools.csv",
                 "URN,School,P8MEA,PTL2BASICS_94,TPUP\n"
                 "100001,Oak Academy,0.21,63%,120\n"
                 "100002,Elm School,SUPP,SUPP,4\n"
                 "100003,Ash School,LOWCOV,NE,NEW\n")
    table = load_outcomes(path, "school")
    assert table.missing_by_code == {"LOWCOV": 1, "NE": 1, "NEW": 1, "SUPP": 2}
    assert table.frame["PTL2BASICS_94"].iloc[0] == 63.0
    assert table.percent_columns == ["PTL2BASICS_94"]
    shown = table.with_status(["P8MEA"])
    assert list(shown["P8MEA__status"]) == ["", "SUPP", "LOWCOV"]
    assert set(table.status["meaning"]) <= set(STATUS_CODES.values())


def test_school_table_bad_urn(tmp_path):
    path = write(tmp_path, "schools.csv", "URN,School\n100001,Oak\n12ab,Elm\n")
    with pytest.raises(InputError, match="row 2, column 'urn'"):
        load_outcomes(path, "school")


def test_guess_kind():
    assert guess_kind(["RECTYPE", "URN", "SCHNAME", "P8MEA"]) == "dfe-ks4"
    assert guess_kind(["pupil_id", "school", "group", "pre_score", "post_score"]) == "pupil"
    assert guess_kind(["name", "urn"]) == "school"


def _count_dfe_independently() -> tuple[int, collections.Counter, int]:
    """Schools and status codes of the DfE file, counted with the csv module alone."""
    with DFE_TABLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    urn_at = header.index("URN")
    schools = [row for row in rows[1:] if len(row) > urn_at and row[urn_at].strip()]
    codes = collections.Counter()
    for row in schools:
        for name, cell in zip(header, row):
            if name not in ("RECTYPE", "LEA", "ESTAB", "URN", "PCODE", "TELNUM", "PCON_CODE") \
                    and cell.strip() in STATUS_CODES:
                codes[cell.strip()] += 1
    return len(schools), codes, len(rows) - 1 - len(schools)


@needs_dfe
def test_real_dfe_table_loads_with_right_counts():
    schools, codes, totals = _count_dfe_independently()
    table = load_outcomes(DFE_TABLE, "dfe-ks4", meta=DFE_META)
    assert len(table.frame) == schools
    assert table.schools == schools
    assert len(table.totals) == totals == 3
    assert table.missing_by_code == dict(sorted(codes.items()))
    for code in ("SUPP", "NE", "NP", "NA", "NEW"):  # the codes this file uses
        assert table.missing_by_code[code] == codes[code] > 0
    assert "PTmultiLan_E" in table.columns_recognised
    assert table.column_meanings["P8MEA"].lower().startswith("progress 8")
    assert set(table.columns_unrecognised) == {"PCON_CODE", "PCON_NAME", "ADMPOL_PT"}


@needs_dfe
def test_real_dfe_table_quirks():
    table = load_outcomes(DFE_TABLE)  # kind guessed, metadata found beside it
    assert table.kind == "dfe-ks4" and table.column_meanings
    frame = table.frame.set_index("urn")
    assert frame["TELNUM"].str.startswith("0").all() or frame["TELNUM"].isna().any()
    assert frame["PTL2BASICS_94"].dtype == float and "PTL2BASICS_94" in table.percent_columns
    assert frame.loc["146527", "TOTPUPS"] != frame.loc["146527", "TOTPUPS"]  # NaN: the short NEW row
    assert ("146527", "TOTPUPS", "NEW") in set(zip(table.status["id"], table.status["column"], table.status["code"]))
    assert (table.frame["school"] == "Chart Wood School").sum() == 2  # a name with two URNs
    assert set(table.totals["total"]) == {"local authority", "England (all schools)", "England (maintained schools)"}
    figures = progress_figures(table)
    assert {"P8MEA", "P8MEA__status", "P8CILOW", "P8CIUPP"} <= set(figures.columns)
    with DFE_TABLE.open(encoding="utf-8-sig", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["URN"].strip())
    assert figures.iloc[0]["P8MEA"] == pytest.approx(float(first["P8MEA"]))


def test_missing_file_and_unknown_type(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_outcomes(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="unknown table type"):
        load_outcomes(write(tmp_path, "x.json", "{}"))
