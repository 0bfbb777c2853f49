"""Download links for a dashboard table: CSV and Excel, carried inside the page as ``data:`` links.

The files are made here and embedded in the link itself, so a download works under Voila and in the offline
HTML export alike, with no server round trip and no network. Cells that a spreadsheet would run as a
formula (text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are written with a leading
apostrophe, so opening a download never runs anything.
"""

from __future__ import annotations

import base64
import html
import io
import re

import pandas as pd

from evidence.core.safety import spreadsheet_safe  # the one formula guard (OWASP): every export uses it

CSV_TYPE = "text/csv"
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "table"


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents and curly quotes correctly."""
    return spreadsheet_safe(table).to_csv(index=False).encode("utf-8-sig")


def excel_bytes(table: pd.DataFrame, sheet: str = "table") -> bytes:
    buffer = io.BytesIO()
    spreadsheet_safe(table).to_excel(buffer, index=False, sheet_name=sheet[:31] or "table", engine="openpyxl")
    return buffer.getvalue()


def download_links(table: pd.DataFrame, name: str, caption: str = "") -> str:
    """HTML: "Download this table: CSV, Excel" as two links holding the files (named after ``name``)."""
    stem = file_stem(name)
    plain = table.reset_index(drop=True)
    csv = base64.b64encode(csv_bytes(plain)).decode("ascii")
    excel = base64.b64encode(excel_bytes(plain, stem)).decode("ascii")
    label = html.escape(caption or name)
    return (f'<p class="ev-downloads" data-downloads="{html.escape(name)}">Download this table: '
            f'<a download="{stem}.csv" href="data:{CSV_TYPE};base64,{csv}" data-download="csv" '
            f'aria-label="Download the table {label} as CSV">CSV</a>'
            f'<a download="{stem}.xlsx" href="data:{EXCEL_TYPE};base64,{excel}" data-download="xlsx" '
            f'aria-label="Download the table {label} as Excel">Excel</a></p>')
