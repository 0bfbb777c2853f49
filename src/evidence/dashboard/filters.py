"""Filters of the theme explorer as pure pandas/numpy functions on a precomputed index.

Counting rules: :mod:`evidence.mixed.units` decides which codings count and for which unit;
    - a unit "has" a code when it carries that code or any code below it in the codebook.

:func:`build_index` does the slow work once (a units x codes matrix, lower-cased text, the codings
by unit); :func:`filter_mask` then answers a filter change with vectorised comparisons, so the quote
list of a 100,000-segment bundle updates in milliseconds. Only the first ``limit`` quotes are shown,
with the total count beside them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evidence.mixed.units import evidence_codings

from .bundle import UNIT_KINDS, Bundle

FILTER_FIELDS = ("school", "partnership", "role", "wave")
QUOTE_COLUMNS = ["id", "text", "speaker", "role", "case", "wave", "school", "partnership", "source", "source_title",
                 "start"]


@dataclass(frozen=True)
class Filters:
    """What the reader picked; an empty string means "any"."""

    school: str = ""
    partnership: str = ""
    role: str = ""
    wave: str = ""
    code: str = ""
    search: str = ""


@dataclass
class QuoteIndex:
    """Units (one row per quote/turn/paragraph, in reading order) with a units x codes matrix."""

    units: pd.DataFrame
    codes: list[str]
    names: dict[str, str]
    colours: dict[str, str]
    matrix: np.ndarray  # bool, (units, codes): unit carries the code or a code below it
    direct: np.ndarray  # bool, (units, codes): unit carries exactly this code
    text_lower: np.ndarray
    columns: dict[str, np.ndarray]
    codings: pd.DataFrame  # accepted codings with their ``unit``, indexed and sorted by unit
    descendants: dict[str, list[str]]
    marks: dict[str, list[tuple]]  # unit -> (code, start, end, explanation) of its accepted codings
    levels: np.ndarray | None = None  # int per code: 0 = theme, 1 = sub-theme, ... (from the codebook's parents)

    def level_codes(self) -> np.ndarray:
        """Bool per code: the codes charts count by default (sub-themes; every code of a flat codebook)."""
        levels = self.levels if self.levels is not None else np.zeros(len(self.codes), dtype=int)
        return levels == 1 if (levels == 1).any() else np.ones(len(self.codes), dtype=bool)


def accepted_unit_codings(bundle: Bundle) -> pd.DataFrame:
    """The codings that count as evidence, with the unit they count for (:mod:`evidence.mixed.units`)."""
    return evidence_codings(bundle.segments, bundle.codings, kinds=UNIT_KINDS)


def build_index(bundle: Bundle) -> QuoteIndex:
    """Precompute everything a filter change needs (see module docstring)."""
    segments = bundle.segments
    units = segments[segments["kind"].isin(UNIT_KINDS)].sort_values(["source", "order", "id"], kind="stable")
    units = units.reset_index(drop=True)
    codes = list(bundle.codes["id"])
    coded = accepted_unit_codings(bundle)
    extra = sorted(set(coded["code"]) - set(codes))  # codings on codes the codebook no longer names
    codes += extra
    column = {code: j for j, code in enumerate(codes)}
    row = pd.Series(np.arange(len(units)), index=units["id"])
    rows = row.reindex(coded["unit"]).to_numpy()
    direct = np.zeros((len(units), len(codes)), dtype=bool)
    direct[rows, coded["code"].map(column).to_numpy()] = True
    descendants = {code: [c for c in bundle.descendants(code) if c in column] for code in codes}
    matrix = np.zeros_like(direct)
    for code, below in descendants.items():
        matrix[:, column[code]] = direct[:, [column[c] for c in below] or [column[code]]].any(axis=1)
    names = bundle.code_names()
    levels = dict(zip(bundle.codes["id"], bundle.codes["level"]))
    return QuoteIndex(
        units=units,
        codes=codes,
        names={c: names.get(c, c) for c in codes},
        colours=dict(zip(bundle.codes["id"], bundle.codes["colour"])),
        matrix=matrix,
        direct=direct,
        text_lower=units["text"].str.lower().to_numpy(dtype=object),
        columns={f: units[f].to_numpy(dtype=object) for f in FILTER_FIELDS},
        codings=coded.set_index("unit").sort_index(),
        descendants=descendants,
        marks=_marks_by_unit(coded),
        levels=np.array([int(levels.get(c, 0)) for c in codes], dtype=int),
    )


def _marks_by_unit(coded: pd.DataFrame) -> dict[str, list[tuple]]:
    marks: dict[str, list[tuple]] = {}
    for unit, code, start, end, explanation in zip(coded["unit"], coded["code"], coded["start"], coded["end"],
                                                   coded["explanation"]):
        marks.setdefault(unit, []).append((code, start, end, explanation))
    return marks


def choices(index: QuoteIndex, field: str) -> list[str]:
    """The distinct non-empty values of a filter field, sorted."""
    return sorted(v for v in set(index.columns[field]) if v)


def filter_mask(index: QuoteIndex, filters: Filters) -> np.ndarray:
    """Boolean mask over ``index.units`` for the filters."""
    mask = np.ones(len(index.units), dtype=bool)
    for field in FILTER_FIELDS:
        value = getattr(filters, field)
        if value:
            mask &= index.columns[field] == value
    if filters.code:
        if filters.code not in index.codes:
            return np.zeros(len(index.units), dtype=bool)
        mask &= index.matrix[:, index.codes.index(filters.code)]
    search = filters.search.strip().lower()
    if search:
        candidates = np.flatnonzero(mask)
        hits = np.fromiter((search in index.text_lower[i] for i in candidates), dtype=bool, count=len(candidates))
        mask = np.zeros_like(mask)
        mask[candidates[hits]] = True
    return mask


def quote_page(index: QuoteIndex, filters: Filters, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """The first ``limit`` matching units in reading order, and how many match in all."""
    mask = filter_mask(index, filters)
    positions = np.flatnonzero(mask)
    return index.units.iloc[positions[:limit]][QUOTE_COLUMNS].reset_index(drop=True), int(len(positions))


def prevalence(index: QuoteIndex, mask: np.ndarray, *, level: int | None = 1) -> pd.DataFrame:
    """Per code: units carrying it among the masked units, and their share (codes at ``level``, or all)."""
    counts = index.matrix[mask].sum(axis=0)
    total = int(mask.sum())
    frame = pd.DataFrame({"code": index.codes, "theme": [index.names[c] for c in index.codes],
                          "units": counts.astype(int)})
    if level is not None:
        depth = index.levels if index.levels is not None else frame["code"].str.count(r"\.").to_numpy()
        frame = frame[depth == level] if (depth == level).any() else frame
    frame["share"] = (frame["units"] / total).round(3) if total else 0.0
    return frame.sort_values(["units", "code"], ascending=[False, True]).reset_index(drop=True)


def cooccurrence(index: QuoteIndex, mask: np.ndarray, codes: list[str]) -> pd.DataFrame:
    """Units carrying both codes, for every pair of ``codes`` (the diagonal: units carrying the code)."""
    columns = [index.codes.index(c) for c in codes]
    sub = index.matrix[mask][:, columns].astype(np.int32)
    both = sub.T @ sub
    names = [index.names[c] for c in codes]
    return pd.DataFrame(both, index=names, columns=names)


_MATCHED = re.compile(r'"([^"]+)"')
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def highlight(text: str, unit_start: int, codings: pd.DataFrame | list[tuple],
              colours: dict[str, str] | None = None) -> str:
    """The unit's text as HTML with coded words marked.

    ``codings`` are (code, start, end, explanation) tuples or a frame with those columns. Span codings
    (``start``/``end`` are source offsets) mark their span; whole-segment codings mark the words quoted in
    their explanation (the rules coder's 'matched "a", "b"'), or nothing.
    """
    if isinstance(codings, pd.DataFrame):
        codings = list(zip(codings["code"], codings["start"], codings["end"], codings["explanation"]))
    colours = colours or {}
    marks: list[tuple[int, int, str]] = []
    lower = None
    for code, start, end, explanation in codings:
        colour = colours.get(code, "")
        colour = colour if _HEX.match(colour) else "#E69F00"
        if start == start and end == end and start is not None and end is not None:  # not NaN / None
            first, last = int(start) - unit_start, int(end) - unit_start
            if 0 <= first < last <= len(text):
                marks.append((first, last, colour))
            continue
        if not explanation or '"' not in explanation:
            continue
        for words in _MATCHED.findall(str(explanation)):
            lower = lower if lower is not None else text.lower()
            at = lower.find(words.lower())
            while at >= 0:
                after = at + len(words)
                if (at == 0 or not lower[at - 1].isalnum()) and (after == len(lower) or not lower[after].isalnum()):
                    marks.append((at, after, colour))
                at = lower.find(words.lower(), after)
    if not marks:
        return html.escape(text)
    marks.sort()
    out, at = [], 0
    for start, end, colour in marks:
        if start < at:  # overlapping marks: keep the first
            continue
        out.append(html.escape(text[at:start]))
        out.append(f'<mark style="background:{colour}33;border-bottom:2px solid {colour}">'
                   f"{html.escape(text[start:end])}</mark>")
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def unit_codings(index: QuoteIndex, unit: str) -> pd.DataFrame:
    """The accepted codings counted for one unit."""
    if unit not in index.codings.index:
        return index.codings.iloc[0:0]
    found = index.codings.loc[[unit]]
    return found
