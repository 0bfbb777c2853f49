"""Reading results tables: raw cells as text, status codes kept as reasons, numbers parsed, errors located.

Missing values with a reason
    Published tables write codes instead of numbers (``SUPP``, ``NE``, ``NP``, ...). We read every
    such cell as a missing value (NaN) in the table and keep the reason in a parallel *long* table,
    ``OutcomeTable.status``, one row per coded cell: ``row`` (1-based data row of the file), ``id``
    (URN or pupil id), ``column``, ``code`` and ``meaning``. A long table keeps the wide table
    numeric and lets a researcher count reasons with one ``value_counts``; ``with_status`` adds
    ``<column>__status`` columns next to the few columns one wants to show.

Percentages
    Cells such as ``45%`` become the number 45.0 (percentage points); the column is listed in
    ``OutcomeTable.percent_columns``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evidence.core.errors import InputError

# Codes written in DfE performance tables instead of a value. The metadata file of a table does not
# list them; meanings follow the DfE performance tables guidance and the GSS symbols guidance
# (c, x, z, u, low are the Government Statistical Service symbols used by newer DfE files).
STATUS_CODES: dict[str, str] = {
    "SUPP": "suppressed: too few pupils to publish without risk of identifying them",
    "NE": "no entries: no pupil was entered for this measure",
    "NP": "not published (e.g. progress measures of independent schools, or data withheld)",
    "NA": "not applicable to this school",
    "LOWCOV": "low coverage: too few pupils with prior attainment for a reliable progress score",
    "NEW": "new school: no results yet",
    "x": "not available (suppressed or not collected)",
    "c": "confidential (GSS symbol)",
    "z": "not applicable (GSS symbol)",
    "u": "low reliability (GSS symbol)",
    "low": "rounds to zero but is not zero (GSS symbol)",
    "..": "not available",
    ":": "not available",
}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass
class OutcomeTable:
    """A loaded results table: one row per pupil (``kind="pupil"``) or per school.

    ``frame`` holds the parsed table; ``status`` the long table of coded cells (see module doc);
    ``columns_recognised`` maps each recognised column (as named in ``frame``) to the file's header;
    ``column_meanings`` comes from a metadata file where there is one; ``totals`` keeps rows that
    are not schools (DfE local-authority and England rows).
    """

    kind: str
    path: str
    frame: pd.DataFrame
    status: pd.DataFrame
    columns_recognised: dict[str, str]
    columns_unrecognised: list[str] = field(default_factory=list)
    column_meanings: dict[str, str] = field(default_factory=dict)
    percent_columns: list[str] = field(default_factory=list)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals_status: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)

    @property
    def id_column(self) -> str:
        return "pupil_id" if self.kind == "pupil" else "urn"

    @property
    def missing_by_code(self) -> dict[str, int]:
        """How many cells carry each status code (school/pupil rows only, not totals rows)."""
        counts = self.status["code"].value_counts()
        return {str(code): int(n) for code, n in counts.sort_index().items()}

    @property
    def schools(self) -> int:
        """Distinct schools: URNs where there are any, else school names."""
        for column in ("urn", "school"):
            if column in self.frame and self.frame[column].notna().any():
                return int(self.frame[column].dropna().nunique())
        return 0

    def summary(self) -> dict:
        """The facts the ``evidence outcomes --json`` command prints."""
        return {
            "path": self.path,
            "kind": self.kind,
            "rows": int(len(self.frame)),
            "schools": self.schools,
            "columns_recognised": list(self.columns_recognised),
            "columns_unrecognised": list(self.columns_unrecognised),
            "missing_by_code": self.missing_by_code,
            "totals_rows": int(len(self.totals)),
            "notes": list(self.notes),
        }

    def with_status(self, columns: list[str]) -> pd.DataFrame:
        """``frame`` with a ``<column>__status`` column (the code, or "") after each named column."""
        out = self.frame.copy()
        for column in columns:
            rows = self.status[self.status["column"] == column]
            codes = dict(zip(rows["row"], rows["code"]))
            out[f"{column}__status"] = [codes.get(row, "") for row in out["_row"]]
        return out


def read_raw_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a csv or xlsx file as text cells (nothing parsed, nothing made missing).

    Short rows are padded with blanks; rows longer than the header are an error naming the line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "file not found", hint="check the path")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            raw = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False,
                                na_filter=False, engine="openpyxl" if suffix != ".xls" else None)
        except (ValueError, KeyError, OSError) as error:
            raise InputError(str(path), f"could not read the spreadsheet: {error}",
                             hint="save it as .xlsx or .csv") from error
    elif suffix in (".csv", ".txt", ".tsv"):
        raw = _read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    else:
        raise InputError(str(path), f"unknown table type '{suffix}'", hint="give a .csv or .xlsx file")
    raw.columns = [str(c).strip().lstrip("\ufeff") for c in raw.columns]
    raw = raw.fillna("")
    if len(raw):
        raw = raw[raw.astype(str).apply(lambda column: column.str.strip().ne("")).any(axis=1)]
    empty_headers = [i + 1 for i, c in enumerate(raw.columns) if c == "" or c.startswith("Unnamed:")]
    if empty_headers and any(raw.iloc[:, i - 1].astype(str).str.strip().ne("").any() for i in empty_headers):
        raise InputError(str(path), f"column {empty_headers[0]} has values but no header", line=1,
                         hint="give every column a name in the first row")
    raw = raw.drop(columns=[c for c in raw.columns if c == "" or c.startswith("Unnamed:")])
    raw["_row"] = raw.index + 1  # 1-based data row of the file, kept through blank-row removal
    return raw.reset_index(drop=True)


def _read_csv(path: Path, sep: str) -> pd.DataFrame:
    import csv

    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                               encoding=encoding, index_col=False, skip_blank_lines=True)
        except UnicodeDecodeError as error:
            last_error = error
            continue
        except pd.errors.ParserError as error:
            match = re.search(r"line (\d+)", str(error))
            raise InputError(str(path), f"a row has more cells than the header: {error}",
                             line=int(match.group(1)) if match else None,
                             hint="check for an unquoted comma in that row") from error
        except pd.errors.EmptyDataError as error:
            raise InputError(str(path), "the file is empty", hint="export the table again") from error
        except csv.Error as error:  # pragma: no cover - pandas wraps most csv errors
            raise InputError(str(path), str(error)) from error
    raise InputError(str(path), f"not UTF-8 or Windows-1252 text: {last_error}",
                     hint="save the table as CSV UTF-8")


def normalise_header(name: str) -> str:
    """'Pupil_ID ' -> 'pupil id': lower case, separators to single spaces."""
    return re.sub(r"[\s_\-./]+", " ", str(name).strip().casefold()).strip()


def match_columns(headers: list[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Map canonical names to the file's headers by case-insensitive synonym (first synonym wins)."""
    by_normal = {}
    for header in headers:
        by_normal.setdefault(normalise_header(header), header)
    found: dict[str, str] = {}
    used: set[str] = set()
    for canonical, names in synonyms.items():
        for name in (canonical, *names):
            header = by_normal.get(normalise_header(name))
            if header is not None and header not in used:
                found[canonical] = header
                used.add(header)
                break
    return found


def split_status_codes(
    raw: pd.DataFrame, columns: list[str], *, id_column: str | None, codes: dict[str, str] = STATUS_CODES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Blank out coded (and blank) cells of ``columns``; return (cleaned, long status table)."""
    status_columns = ["row", "id", "column", "code", "meaning"]
    rows = raw["_row"].to_numpy()
    ids = raw[id_column].astype(str).str.strip().to_numpy() if id_column else [""] * len(raw)
    records = []
    cleaned_columns: dict[str, list] = {}
    for column in columns:
        cells = [str(value).strip() for value in raw[column].to_numpy()]
        for position, cell in enumerate(cells):
            if cell in codes:
                records.append((int(rows[position]), ids[position], column, cell, codes[cell]))
        cleaned_columns[column] = [None if cell == "" or cell in codes else cell for cell in cells]
    rest = raw.drop(columns=columns)
    block = pd.DataFrame(cleaned_columns, index=raw.index, dtype=object)
    cleaned = pd.concat([rest, block], axis=1)[list(raw.columns)]
    return cleaned, pd.DataFrame(records, columns=status_columns)


def _number(cell: object) -> tuple[float | None, bool]:
    """(value, had a percent sign) of a cell, or (None, False) when it is not a number."""
    text = str(cell).replace(",", "").strip()
    percent = text.endswith("%")
    text = text.rstrip("%").strip()
    return (float(text), percent) if _NUMBER.match(text) else (None, False)


def parse_numbers(cleaned: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Turn every column whose filled cells are all numbers (``12``, ``3.5``, ``45%``) into floats.

    Returns the frame and the list of columns that had percent signs. Other columns stay text.
    """
    parsed: dict[str, list] = {}
    percent: list[str] = []
    for column in columns:
        values: list[float] = []
        had_percent = False
        for cell in cleaned[column].to_numpy():
            if cell is None or (isinstance(cell, float) and cell != cell):
                values.append(float("nan"))
                continue
            number, sign = _number(cell)
            if number is None:
                break
            values.append(number)
            had_percent |= sign
        else:
            parsed[column] = values
            if had_percent:
                percent.append(column)
    numbers = pd.DataFrame(parsed, index=cleaned.index, dtype=float)
    out = pd.concat([cleaned.drop(columns=list(parsed)), numbers], axis=1)
    return out[list(cleaned.columns)], percent
