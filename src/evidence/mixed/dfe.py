"""The DfE key stage 4 performance table as published (e.g. ``2018-2019_936_ks4final.csv``).

Quirks of the real downloads handled here:

- a byte-order mark before ``RECTYPE`` and Windows line ends;
- rows for the local authority (RECTYPE 4) and England (5 = all schools, 7 = maintained schools)
  have no URN: they go to ``OutcomeTable.totals``, not to the schools;
- rows shorter than the header (a new school may stop after 27 cells): missing cells are blank;
- status codes (SUPP, NE, NP, NA, NEW, LOWCOV, x, ...) instead of numbers: missing, reason kept
  in ``OutcomeTable.status`` (see :mod:`evidence.mixed.tables`); blank or space-only cells are
  missing with no code;
- percentages written ``45%``: read as 45.0;
- identifiers (URN, LEA, ESTAB, TELNUM, postcode) stay text so leading zeros survive;
- the same school name can appear under two URNs (a closed school and its successor).

Column meanings come from the metadata file published with the table
(``2018_2019_ks4_final_meta.csv``: Column, Metafile heading, Metafile description, ...); columns
of the table that the metadata does not describe are listed in ``columns_unrecognised``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evidence.core.errors import InputError
from evidence.mixed.tables import OutcomeTable, parse_numbers, read_raw_table, split_status_codes

ID_COLUMNS = ("RECTYPE", "LEA", "ESTAB", "URN", "PCODE", "TELNUM", "PCON_CODE", "LAESTAB")
TOTALS_RECTYPES = {"4": "local authority", "5": "England (all schools)", "7": "England (maintained schools)"}
KEY_MEASURES = ("TPUP", "ATT8SCR", "P8PUP", "P8MEA", "P8CILOW", "P8CIUPP", "P8MEACOV", "PTL2BASICS_94")


def find_metadata(path: str | Path) -> Path | None:
    """The one ``*meta*.csv`` file beside a DfE table, if there is exactly one."""
    candidates = sorted(p for p in Path(path).parent.glob("*meta*.csv") if p != Path(path))
    return candidates[0] if len(candidates) == 1 else None


def read_dfe_metadata(path: str | Path) -> pd.DataFrame:
    """The DfE metadata file as a tidy frame: column (heading), position, description, nulls."""
    path = Path(path)
    raw = read_raw_table(path)
    wanted = {"Metafile heading": "column", "Metafile description": "description", "Column": "position"}
    if not {"Metafile heading", "Metafile description"} <= set(raw.columns):
        raise InputError(str(path), "not a DfE metadata file: no 'Metafile heading' and 'Metafile description' columns",
                         line=1, hint="pass the *_meta.csv file published with the table")
    meta = raw.rename(columns=wanted)
    meta["column"] = meta["column"].str.strip()
    return meta.drop(columns=["_row"]).reset_index(drop=True)


def load_dfe_ks4(path: str | Path, *, meta: str | Path | None = None, raw: pd.DataFrame | None = None) -> OutcomeTable:
    """Load a DfE KS4 performance table: one row per school, totals rows apart, codes kept."""
    path = Path(path)
    raw = read_raw_table(path) if raw is None else raw
    raw = raw.rename(columns={c: c.upper() for c in raw.columns if c.upper() in ("URN", "SCHNAME", "RECTYPE")})
    for required in ("URN", "SCHNAME"):
        if required not in raw.columns:
            raise InputError(str(path), f"no {required} column; this does not look like a DfE KS4 table", line=1,
                             hint="use --kind school for other school tables")
    meta_path = Path(meta) if meta else find_metadata(path)
    meanings: dict[str, str] = {}
    notes: list[str] = []
    if meta_path is not None:
        metadata = read_dfe_metadata(meta_path)
        meanings = dict(zip(metadata["column"], metadata["description"]))
    else:
        notes.append("no metadata file found beside the table: column meanings unknown")
    headers = [c for c in raw.columns if c != "_row"]

    urn = raw["URN"].astype(str).str.strip()
    is_school = urn.ne("")
    bad = urn[is_school & ~urn.str.fullmatch(r"\d{6,7}")]
    if not bad.empty:
        index = bad.index[0]
        raise InputError(str(path), f"URN '{bad.iloc[0]}' is not a 6-7 digit number", row=int(raw.at[index, "_row"]),
                         hint="check the URN column of that row")
    duplicated = urn[is_school & urn.duplicated(keep=False)]
    if not duplicated.empty:
        index = duplicated.index[1]
        raise InputError(str(path), f"URN {duplicated.iloc[0]} appears twice", row=int(raw.at[index, "_row"]),
                         hint="a school should have one row; remove the repeat")
    untitled = raw[~is_school & ~raw["RECTYPE"].astype(str).str.strip().isin(list(TOTALS_RECTYPES))] \
        if "RECTYPE" in raw else raw[~is_school]
    if not untitled.empty:
        raise InputError(str(path), "a row has no URN and is not a local-authority or England total",
                         row=int(untitled["_row"].iloc[0]), hint="fill in its URN or remove the row")

    value_columns = [c for c in headers if c not in ID_COLUMNS]
    cleaned, status = split_status_codes(raw, value_columns, id_column="URN")
    for column in [c for c in ID_COLUMNS if c in cleaned]:
        cleaned[column] = cleaned[column].astype(str).str.strip().mask(lambda s: s.eq(""), None)
    cleaned, percent = parse_numbers(cleaned, value_columns)
    names = cleaned["SCHNAME"].astype("string").str.strip()
    cleaned = pd.concat([pd.DataFrame({"urn": cleaned["URN"], "school": names}), cleaned], axis=1)

    schools = cleaned[is_school.to_numpy()].reset_index(drop=True)
    totals = cleaned[~is_school.to_numpy()].reset_index(drop=True)
    if "RECTYPE" in totals:
        totals = pd.concat([totals["RECTYPE"].map(TOTALS_RECTYPES).rename("total"), totals], axis=1)
    school_rows = set(schools["_row"])
    status_schools = status[status["row"].isin(school_rows)].reset_index(drop=True)
    short = int((raw[headers].iloc[:, -1].astype(str).str.strip() == "").sum())
    if short:
        notes.append(f"{short} row(s) end with blank cells (shorter than the header); read as missing")
    recognised = {c: c for c in headers if c in meanings} if meanings else {c: c for c in headers}
    recognised = {"urn": "URN", "school": "SCHNAME"} | recognised
    unrecognised = [c for c in headers if meanings and c not in meanings]
    table = OutcomeTable(
        kind="dfe-ks4", path=str(path), frame=schools, status=status_schools, columns_recognised=recognised,
        columns_unrecognised=unrecognised, column_meanings=meanings, percent_columns=percent, totals=totals,
        totals_status=status[~status["row"].isin(school_rows)].reset_index(drop=True), notes=notes,
    )
    return table


def progress_figures(table: OutcomeTable) -> pd.DataFrame:
    """The headline KS4 figures of each school with their status codes: urn, school, TPUP, P8MEA, ..."""
    present = [c for c in KEY_MEASURES if c in table.frame]
    frame = table.with_status(present)
    columns = ["urn", "school"]
    for column in present:
        columns += [column, f"{column}__status"]
    return frame[columns]
