"""What every coder shares: turning per-code scores and reasons into suggested codings.

A coder scores texts against codes (``scores``: a DataFrame, one row per text, one column per code)
and explains each score (``reasons``: same shape, text). :func:`suggestions` keeps the scores at or
above each code's threshold and makes :class:`evidence.core.model.Coding` records with origin, coder,
model id and version, confidence and reason, status ``suggested``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evidence.core.model import Coding

SUGGESTION_COLUMNS = ["segment", "code", "confidence", "explanation"]


def suggestions_frame(
    segment_ids: Sequence[str], scores: pd.DataFrame, reasons: pd.DataFrame, thresholds: Mapping[str, float],
    confidence: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tidy suggestions: one row per (segment, code) whose score reaches the code's threshold.

    ``confidence`` (same shape as ``scores``) is reported instead of the raw score when given (the
    rules coder thresholds on a count of matched terms but reports a 0-1 confidence).
    """
    confidence = scores if confidence is None else confidence
    rows = []
    values = scores.to_numpy(dtype=float)
    for j, code in enumerate(scores.columns):
        cut = thresholds.get(code, 0.5)
        hits = np.flatnonzero(values[:, j] >= cut)
        for i in hits:
            rows.append((segment_ids[i], code, float(confidence.iat[i, j]), str(reasons.iat[i, j])))
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
    order = {s: k for k, s in enumerate(segment_ids)}
    return frame.sort_values(["segment", "confidence"], key=lambda c: c.map(order) if c.name == "segment" else -c,
                             kind="stable").reset_index(drop=True)


def to_codings(frame: pd.DataFrame, *, coder: str, origin: str, model_id: str = "",
               model_version: str = "", status: str = "suggested") -> list[Coding]:
    """Coding records (whole-segment) from a suggestions frame."""
    return [
        Coding(segment=str(r.segment), code=str(r.code), coder=coder, origin=origin, status=status,
               confidence=round(float(r.confidence), 4), explanation=str(r.explanation),
               model_id=model_id, model_version=model_version)
        for r in frame.itertuples(index=False)
    ]


def package_version() -> str:
    """The installed evidence-workbench version (recorded as a coder's model version)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evidence-workbench")
    except PackageNotFoundError:
        return "0"
