"""Load quantitative results: pupil outcomes (pre/post scores by group) and school results tables.

``load_outcomes(path, kind=None)`` is the one entry point: it reads a csv/xlsx file, matches its
headers to the declared columns (case-insensitive, common synonyms), validates the values with a
pandera schema and returns an :class:`~evidence.mixed.tables.OutcomeTable`. Any problem raises an
``InputError`` naming the file, the data row and the column.

Pupil table columns (``kind="pupil"``)
    pupil_id (text, unique), school (text) and/or urn (text), group (``tutored`` or
    ``comparison``), pre_score and post_score (numbers, may be missing), optional disadvantaged
    (true/false) and year_group (whole number). ``gain`` = post_score - pre_score is added.

School table columns (``kind="school"``)
    urn and/or school, then any measures (numbers, percentages, DfE status codes). DfE
    performance table downloads (``kind="dfe-ks4"``) are read by :mod:`evidence.mixed.dfe`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evidence.core.errors import InputError
from evidence.mixed.tables import (
    OutcomeTable, match_columns, normalise_header, parse_numbers, read_raw_table, split_status_codes,
)

OUTCOME_KINDS: tuple[str, ...] = ("pupil", "school", "dfe-ks4")

PUPIL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pupil_id": ("pupil id", "pupilid", "pupil", "student id", "student", "learner id", "child id",
                 "pseudonym", "upn", "id"),
    "school": ("school name", "schname", "school"),
    "urn": ("school urn", "unique reference number", "urn"),
    "group": ("group", "arm", "condition", "allocation", "treatment group", "tutoring group"),
    "pre_score": ("pre", "pre score", "pretest", "pre test", "pre-test score", "baseline",
                  "baseline score", "score before", "before score", "before", "score pre"),
    "post_score": ("post", "post score", "posttest", "post test", "post-test score", "endline",
                   "endline score", "score after", "after score", "after", "score post", "outcome"),
    "disadvantaged": ("disadvantage", "disadvantage flag", "pupil premium", "pp", "fsm", "fsm6",
                      "ever 6 fsm", "ever6", "disadvantaged flag"),
    "year_group": ("year group", "yeargroup", "year", "nc year", "ncyear", "yr"),
}
SCHOOL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "urn": ("urn", "school urn", "unique reference number"),
    "school": ("schname", "school name", "school", "name"),
}

GROUP_VALUES: dict[str, str] = {
    "tutored": "tutored", "tutoring": "tutored", "tutor": "tutored", "intervention": "tutored",
    "treatment": "tutored", "treated": "tutored", "programme": "tutored", "program": "tutored",
    "comparison": "comparison", "compare": "comparison", "control": "comparison",
    "not tutored": "comparison", "untutored": "comparison", "non tutored": "comparison",
}
TRUE_WORDS = {"1", "true", "t", "yes", "y", "disadvantaged", "pp", "fsm"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "not disadvantaged", "non pp", "non-pp", "none"}


def load_outcomes(path: str | Path, kind: str | None = None, *, meta: str | Path | None = None) -> OutcomeTable:
    """Load a results table of the given kind (guessed from its headers when ``kind`` is None)."""
    path = Path(path)
    raw = read_raw_table(path)
    kind = kind or guess_kind(list(raw.columns))
    if kind == "pupil":
        return load_pupil_outcomes(path, raw=raw)
    if kind == "school":
        return load_school_outcomes(path, raw=raw)
    if kind == "dfe-ks4":
        from evidence.mixed.dfe import load_dfe_ks4

        return load_dfe_ks4(path, meta=meta, raw=raw)
    raise InputError(str(path), f"unknown kind of results table '{kind}'", hint=f"use one of {', '.join(OUTCOME_KINDS)}")


def guess_kind(headers: list[str]) -> str:
    """dfe-ks4 when the DfE headers are there, pupil when pupil ids and scores are, else school."""
    upper = {h.strip().upper() for h in headers}
    if {"URN", "SCHNAME", "RECTYPE"} <= upper or {"URN", "SCHNAME", "P8MEA"} <= upper:
        return "dfe-ks4"
    found = match_columns(headers, PUPIL_SYNONYMS)
    if "pupil_id" in found and ("pre_score" in found or "post_score" in found):
        return "pupil"
    return "school"


def _pupil_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "pupil_id": pa.Column(str, nullable=False, unique=True),
            "school": pa.Column(str, nullable=True, required=False),
            "urn": pa.Column(str, nullable=True, required=False),
            "group": pa.Column(str, pa.Check.isin(["tutored", "comparison"]), nullable=False),
            "pre_score": pa.Column(float, coerce=True, nullable=True),
            "post_score": pa.Column(float, coerce=True, nullable=True),
            "disadvantaged": pa.Column("boolean", coerce=True, nullable=True, required=False),
            "year_group": pa.Column("Int64", pa.Check.in_range(1, 14), coerce=True, nullable=True,
                                    required=False),
        },
        strict=False,
    )


def load_pupil_outcomes(path: str | Path, *, raw: pd.DataFrame | None = None) -> OutcomeTable:
    """Load and validate a pupil outcomes table (see module docstring for its columns)."""
    path = Path(path)
    raw = read_raw_table(path) if raw is None else raw
    headers = [c for c in raw.columns if c != "_row"]
    found = match_columns(headers, PUPIL_SYNONYMS)
    missing = [c for c in ("pupil_id", "group", "pre_score", "post_score") if c not in found]
    if "school" not in found and "urn" not in found:
        missing.append("school (or urn)")
    if missing:
        raise InputError(str(path), f"no column for {', '.join(missing)} (headers are: {', '.join(headers)})",
                         line=1, hint="rename the columns, e.g. pupil_id, school, group, pre_score, post_score")
    frame = raw.rename(columns={v: k for k, v in found.items()})
    extra = [c for c in frame.columns if c not in found and c != "_row"]
    cleaned, status = split_status_codes(frame, ["pre_score", "post_score"], id_column="pupil_id")
    for column in ("pupil_id", "school", "urn"):
        if column in cleaned:
            cleaned[column] = cleaned[column].astype(str).str.strip().mask(lambda s: s.eq(""), None)
    cleaned["group"] = cleaned["group"].map(_group_value)
    if "disadvantaged" in cleaned:
        cleaned["disadvantaged"] = cleaned["disadvantaged"].map(_flag_value)
    if "year_group" in cleaned:
        cleaned["year_group"] = cleaned["year_group"].map(_year_value)
    validated = validate(cleaned, _pupil_schema(), path)
    validated["gain"] = validated["post_score"] - validated["pre_score"]
    ordered = [c for c in PUPIL_SYNONYMS if c in validated] + ["gain"] + extra + ["_row"]
    return OutcomeTable(kind="pupil", path=str(path), frame=validated[ordered].reset_index(drop=True),
                        status=status, columns_recognised=found, columns_unrecognised=extra)


def load_school_outcomes(path: str | Path, *, raw: pd.DataFrame | None = None) -> OutcomeTable:
    """Load a school-level results table: a URN or school column plus measures (status codes kept)."""
    import pandera.pandas as pa

    path = Path(path)
    raw = read_raw_table(path) if raw is None else raw
    headers = [c for c in raw.columns if c != "_row"]
    found = match_columns(headers, SCHOOL_SYNONYMS)
    if not found:
        raise InputError(str(path), f"no URN or school column (headers are: {', '.join(headers)})", line=1,
                         hint="name the school column 'URN' or 'school'")
    frame = raw.rename(columns={v: k for k, v in found.items()})
    measures = [c for c in frame.columns if c not in found and c != "_row"]
    cleaned, status = split_status_codes(frame, measures, id_column=found.get("urn") and "urn")
    for column in found:
        cleaned[column] = cleaned[column].astype(str).str.strip().mask(lambda s: s.eq(""), None)
    cleaned, percent = parse_numbers(cleaned, measures)
    schema = pa.DataFrameSchema({
        "urn": pa.Column(str, pa.Check.str_matches(r"^\d{6,7}$"), nullable="school" in found, unique=True,
                         required=False),
        "school": pa.Column(str, nullable="urn" in found, required=False),
    })
    validated = validate(cleaned, schema, path)
    recognised = dict(found) | {m: m for m in measures if normalise_header(m) != ""}
    return OutcomeTable(kind="school", path=str(path), frame=validated.reset_index(drop=True), status=status,
                        columns_recognised=recognised, percent_columns=percent)


def validate(frame: pd.DataFrame, schema, path: Path) -> pd.DataFrame:
    """Run a pandera schema lazily; turn its failures into one InputError naming rows and columns."""
    import pandera.pandas as pa

    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.copy()
        cases = cases[cases["index"].notna()] if cases["index"].notna().any() else cases
        problems = []
        seen: set[tuple] = set()
        for _, case in cases.iterrows():
            index = case["index"]
            row = int(frame.at[int(index), "_row"]) if pd.notna(index) and "_row" in frame else None
            key = (row, case["column"])
            if key in seen:
                continue
            seen.add(key)
            problems.append((row, case["column"], _describe(case)))
        problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
        first_row = next((p[0] for p in problems if p[0] is not None), None)
        listing = "; ".join(f"row {r}, column '{c}': {text}" if r else f"column '{c}': {text}"
                            for r, c, text in problems[:8])
        more = f" (and {len(problems) - 8} more)" if len(problems) > 8 else ""
        raise InputError(str(path), f"{len(problems)} value(s) do not fit the table's schema: {listing}{more}",
                         row=first_row, hint="correct these cells, or write a DfE code (e.g. NA) for a missing value") from None


def _describe(case: pd.Series) -> str:
    check = str(case["check"])
    value = case["failure_case"]
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        wanted = {"float64": "a number", "boolean": "yes/no (or 1/0)", "Int64": "a whole number"}
        kind = next((v for k, v in wanted.items() if k in check), check)
        return f"'{value}' is not {kind}"
    if check == "not_nullable":
        return "is empty but must be filled"
    if check == "field_uniqueness":
        return f"'{value}' appears more than once"
    if check.startswith("isin"):
        return f"'{value}' is not one of {check[5:-1]}"
    if check.startswith("in_range"):
        return f"'{value}' is out of range {check[8:]}"
    if check.startswith("str_matches"):
        return f"'{value}' does not look like a URN (6-7 digits)"
    if check.startswith("column_in_dataframe"):
        return "column is missing"
    return f"'{value}' fails {check}"


def _group_value(value: object) -> object:
    if value is None or pd.isna(value):
        return None
    text = normalise_header(str(value))
    return GROUP_VALUES.get(text, str(value).strip())


def _flag_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip().casefold()
    if text == "":
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return str(value)


def _year_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = normalise_header(str(value))
    for prefix in ("year ", "yr ", "y"):
        if text.startswith(prefix) and text[len(prefix):].strip().isdigit():
            return text[len(prefix):].strip()
    return None if text == "" else str(value).strip()
