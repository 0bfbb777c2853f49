"""The canonical form of a bundle table and its hash: rows sorted on the table's key, cells as text, so two
runs on the same inputs give the same hashes (``manifest.json`` lists them; ``evidence reproduce`` compares them)."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..core.errors import EvidenceError
from ..core.model import content_hash

if TYPE_CHECKING:
    pass
from .schema import BUNDLE_TABLES


def canonical_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Documented columns first, then any extra; rows sorted on the key; nested values as JSON text."""
    spec = BUNDLE_TABLES.get(name)
    frame = frame.reset_index(drop=True).copy()
    frame.columns = [str(c) for c in frame.columns]
    if spec is not None:
        missing = [c for c in spec.required if c not in frame.columns]
        if missing:
            raise EvidenceError(f"results table {name!r} lacks the column(s) {missing}; "
                                f"its documented columns are {list(spec.columns)} (docs/CONTRACTS.md)")
        documented = [c for c in spec.columns if c in frame.columns]
        frame = frame[documented + [c for c in frame.columns if c not in documented]]
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = _uniform(frame[column])
    key = spec.key if spec is not None else tuple(frame.columns)
    return _sort(frame, key)


def _uniform(values: pd.Series) -> pd.Series:
    """An object column Parquet can hold: nested values become JSON text, mixed scalars become text."""
    present = [v for v in values if not _missing(v)]
    if any(isinstance(v, (dict, list, tuple, set, np.ndarray)) for v in present):
        return values.map(lambda v: None if _missing(v) else _json(v))
    if len({type(v) for v in present}) > 1:
        return values.map(lambda v: None if _missing(v) else str(v))
    return values


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _json(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (set, tuple)):
        value = sorted(value, key=str) if isinstance(value, set) else list(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _sort(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    columns = [c for c in key if c in frame.columns] or list(frame.columns)
    if frame.empty or not columns:
        return frame.reset_index(drop=True)
    text_keys = {c: frame[c].map(_cell_text) for c in frame.columns}
    order = pd.DataFrame(text_keys)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    for c in numeric:
        order[c] = frame[c]
    rest = [c for c in frame.columns if c not in columns]
    ordered = order.sort_values(columns + rest, kind="mergesort", na_position="first").index
    return frame.loc[ordered].reset_index(drop=True)


def _cell_text(value: Any) -> str:
    """A cell as canonical text: floats with 12 significant digits, nested values as sorted JSON."""
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return _json(value)
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer():
            return str(int(value))
        return format(float(value), ".12g")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def canonical_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV bytes that do not depend on row order, dtypes or float noise past 12 digits."""
    text = pd.DataFrame({c: frame[c].map(_cell_text) for c in frame.columns}, columns=list(frame.columns))
    if not text.empty:
        text = text.sort_values(list(text.columns), kind="mergesort").reset_index(drop=True)
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def table_hash(frame: pd.DataFrame) -> str:
    """sha256 of :func:`canonical_csv`: equal for equal tables, whatever their row order."""
    return content_hash(canonical_csv(frame))


def bundle_manifest(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The ``tables`` part of a manifest: rows, columns and hash of each table."""
    return {name: {"rows": int(len(frame)), "columns": list(frame.columns), "sha256": table_hash(frame)}
            for name, frame in sorted(tables.items())}
