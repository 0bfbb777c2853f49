"""Questions a researcher asks of the codings, answered as tidy DataFrames.

    code_frequencies(project, by="school")        # code, name, school, segments, cases
    cooccurrence(project)                          # square: segments coded with both codes
    code_quotes(project, "fizzle.turnover")        # each coded segment with the turns around it

By default only accepted codings count (people's codings and accepted suggestions); pass
``status=None`` to count suggestions too, or ``coder=`` / ``origins=`` to narrow down. A segment
coded with a code by several coders (or twice) counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from evidence.project import Project

SOURCE_COLUMNS = ("school", "partnership", "event", "title", "date")


def segment_table(project: Project) -> pd.DataFrame:
    """Segments with everything known about them: source fields, the segment's own attributes
    (e.g. question, year group) and its case's attributes (pupil, school...), one row per segment."""
    segments = project.segments()
    sources = project.sources()[["id", *SOURCE_COLUMNS]].rename(columns={"id": "source"})
    table = segments.merge(sources, on="source", how="left", suffixes=("", "_source"))
    extra = pd.DataFrame(list(table["attributes"]), index=table.index) if len(table) else pd.DataFrame(index=table.index)
    for column in extra.columns:
        if column in SOURCE_COLUMNS:  # a quote's own school wins over the (often empty) source field
            table[column] = extra[column].where(extra[column].notna() & (extra[column] != ""), table[column])
        elif column not in table.columns:
            table[column] = extra[column]
    cases = project.cases()
    if not cases.empty:
        attributes = [c for c in cases.columns if c not in ("id", "kind", "name") and c not in table.columns]
        if attributes:
            table = table.merge(cases[["id", *attributes]].rename(columns={"id": "case"}), on="case", how="left")
    return table.drop(columns=["attributes"])


def _codings(project: Project, status: str | None, coder: str | None, origins: Sequence[str] | None) -> pd.DataFrame:
    codings = project.codings(coder=coder, status=status)
    if origins is not None:
        codings = codings[codings["origin"].isin(list(origins))]
    return codings


def code_frequencies(project: Project, by: str | Sequence[str] | None = None, *, status: str | None = "accepted",
                     coder: str | None = None, origins: Sequence[str] | None = None) -> pd.DataFrame:
    """Segments (and distinct cases) per code, optionally split by attributes (school, role, wave...).

    Columns: code, name, [by...], segments, cases, share (segments with the code / segments in the group).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    table = segment_table(project)
    missing = [b for b in by if b not in table.columns]
    if missing:
        raise KeyError(f"no attribute {missing} on segments; known: {', '.join(sorted(map(str, table.columns)))}")
    codings = _codings(project, status, coder, origins)[["segment", "code"]].drop_duplicates()
    joined = codings.merge(table.rename(columns={"id": "segment"}), on="segment", how="inner")
    for column in by:
        joined[column] = joined[column].fillna("").astype(str)
        table[column] = table[column].fillna("").astype(str)
    grouped = joined.groupby(["code", *by], dropna=False).agg(
        segments=("segment", "nunique"), cases=("case", lambda s: s[s != ""].nunique())).reset_index()
    totals = table.groupby(by).size().rename("in_group").reset_index() if by else None
    if totals is not None:
        grouped = grouped.merge(totals, on=by, how="left")
    else:
        grouped["in_group"] = len(table)
    grouped["share"] = (grouped["segments"] / grouped["in_group"]).round(4)
    names = project.codes()[["id", "name", "order"]].rename(columns={"id": "code"})
    grouped = grouped.merge(names, on="code", how="left").sort_values(["order", *by]).drop(columns=["order", "in_group"])
    return grouped[["code", "name", *by, "segments", "cases", "share"]].reset_index(drop=True)


def cooccurrence(project: Project, *, status: str | None = "accepted", coder: str | None = None,
                 origins: Sequence[str] | None = None, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Square DataFrame: how many segments carry both codes (diagonal: segments with the code)."""
    codings = _codings(project, status, coder, origins)[["segment", "code"]].drop_duplicates()
    order = list(codes) if codes is not None else [c for c in project.codes()["id"] if c in set(codings["code"])]
    indicator = pd.crosstab(codings["segment"], codings["code"]).clip(upper=1)
    indicator = indicator.reindex(columns=order, fill_value=0)
    matrix = indicator.T @ indicator
    matrix.index.name, matrix.columns.name = "code", None
    return matrix.astype(int)


def cooccurrence_pairs(project: Project, **kwargs: Any) -> pd.DataFrame:
    """The co-occurrence matrix in long form: code_a, code_b, segments (pairs with a < b only)."""
    matrix = cooccurrence(project, **kwargs)
    long = matrix.stack().rename("segments").reset_index()
    long.columns = ["code_a", "code_b", "segments"]
    rank = {c: k for k, c in enumerate(matrix.index)}
    keep = long["code_a"].map(rank) < long["code_b"].map(rank)
    return long[keep & (long["segments"] > 0)].sort_values("segments", ascending=False).reset_index(drop=True)


def code_quotes(project: Project, code: str, *, context: int = 1, include_subcodes: bool = True,
                status: str | None = "accepted", coder: str | None = None,
                origins: Sequence[str] | None = None) -> pd.DataFrame:
    """Every segment coded with ``code`` (and its sub-codes), with ``context`` turns before and after.

    Columns: segment, code, source, kind, speaker, role, case, wave, text, before, after, coders, origins.
    """
    from evidence.codebook.changes import project_codebook

    book = project_codebook(project)
    wanted = {code, *(book.descendants(code) if include_subcodes and code in book else [])}
    if code not in book:
        raise KeyError(f"no code {code!r} in the project's codebook")
    codings = _codings(project, status, coder, origins)
    codings = codings[codings["code"].isin(wanted)]
    if codings.empty:
        return pd.DataFrame(columns=["segment", "code", "source", "kind", "speaker", "role", "case", "wave",
                                     "text", "before", "after", "coders", "origins"])
    per_segment = codings.groupby("segment").agg(
        code=("code", lambda s: ", ".join(sorted(set(s)))), coders=("coder", lambda s: ", ".join(sorted(set(s)))),
        origins=("origin", lambda s: ", ".join(sorted(set(s))))).reset_index()
    segments = project.segments()
    units = segments[segments["kind"] != "sentence"]
    rows = []
    for hit in per_segment.itertuples(index=False):
        seg = segments[segments["id"] == hit.segment].iloc[0]
        same = units[(units["source"] == seg["source"]) & (units["kind"] == seg["kind"])].sort_values("order")
        position = same.index[same["id"] == seg["id"]]
        if len(position) and seg["kind"] != "quote":
            k = same.index.get_loc(position[0])
            before = same.iloc[max(0, k - context):k]
            after = same.iloc[k + 1:k + 1 + context]
            fmt = lambda frame: "\n".join(f"{s}: {t}" if s else t for s, t in zip(frame["speaker"], frame["text"]))
            context_before, context_after = fmt(before), fmt(after)
        else:  # a pupil quote stands alone: its context is the same pupil's other wave
            other = segments[(segments["case"] == seg["case"]) & (segments["id"] != seg["id"])
                             & (segments["kind"] == "quote")] if seg["case"] else segments.iloc[0:0]
            context_before = "\n".join(f"[{w}] {t}" for w, t in zip(other["wave"], other["text"]))[:2000]
            context_after = ""
        rows.append({
            "segment": seg["id"], "code": hit.code, "source": seg["source"], "kind": seg["kind"],
            "speaker": seg["speaker"], "role": seg["role"], "case": seg["case"], "wave": seg["wave"],
            "text": seg["text"], "before": context_before, "after": context_after,
            "coders": hit.coders, "origins": hit.origins,
        })
    return pd.DataFrame(rows)
