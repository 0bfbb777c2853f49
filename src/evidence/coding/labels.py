"""From codings (long: one row per segment and code) to a 0/1 label table (wide: one column per code)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: codings that count as a person's judgement when training or evaluating
HUMAN_ORIGINS: tuple[str, ...] = ("human", "import")


def label_matrix(codings: pd.DataFrame, segment_ids: Sequence[str], codes: Sequence[str] | None = None) -> pd.DataFrame:
    """0/1 DataFrame indexed by segment id, one column per code (``codes`` or every code used)."""
    codes = list(codes) if codes is not None else sorted(codings["code"].unique())
    table = pd.DataFrame(0, index=pd.Index(list(segment_ids), name="segment"), columns=codes, dtype=int)
    for segment, code in zip(codings["segment"], codings["code"]):
        if segment in table.index and code in table.columns:
            table.at[segment, code] = 1
    return table


def accepted_human_codings(project: object, coder: str | None = None) -> pd.DataFrame:
    """A coder's (or everyone's) accepted codings made by people: origin human or import."""
    codings = project.codings(coder=coder, status="accepted")  # type: ignore[attr-defined]
    return codings[codings["origin"].isin(HUMAN_ORIGINS)].reset_index(drop=True)


def coded_segments(project: object, coder: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(segments the coder coded, with id and text; their 0/1 label table in the same order)."""
    codings = accepted_human_codings(project, coder)
    if codings.empty:
        from evidence.core.errors import NotEnoughDataError

        raise NotEnoughDataError(
            f"coder {coder!r} has no accepted codings in this project; import or make some first "
            "(evidence import-codings FILE --coder NAME)")
    segments = project.segments()  # type: ignore[attr-defined]
    ids = [s for s in segments["id"] if s in set(codings["segment"])]
    coded = segments.set_index("id").loc[ids].reset_index()
    return coded, label_matrix(codings, ids)
