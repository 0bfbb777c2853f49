"""Agreement between coders on a project's codings, at segment level, and the table of their disagreements.

Input is a tidy codings DataFrame (as ``Project.codings()`` returns): at least the columns
``segment``, ``code`` and ``coder``, one row per code a coder applied to a segment (several spans of
the same code on one segment count once). A machine coder (rules, similarity, classifier) is just
another coder name, so the autocoder can be compared with a person.

Units
    Agreement is measured on *units* (segments) every compared coder saw. By default these are the
    segments each of them coded at least once; a segment a coder never saw is not "absent", it is
    missing, and is left out. Pass ``units`` to say which segments they saw: one list for all coders,
    or a mapping coder -> the segments that coder saw (then the units are the segments all of them saw).
    On a unit, a code the coder did not apply counts as a decision that it is absent.
    :func:`agreement_units` is the one rule ``evidence agreement`` and notebook 04 use: a machine coder
    saw every unit, so the units are the segments every *human* coder among them coded.

Statuses
    ``statuses=None`` (the default) counts every coding whatever its status, so a machine coder is
    judged on everything it suggested, including suggestions a reviewer later rejected. Pass
    ``statuses=["accepted"]`` to compare only accepted codings. A coder whose codings on a segment
    are all filtered out still saw the segment (it counts as "no code" there).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from evidence.core.errors import InputError, NotEnoughDataError
from evidence.reliability.measures import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    why_undefined,
)

AGREEMENT_COLUMNS = ["code", "n", "kappa", "alpha", "agreement", "note"]
POOLED_CODE = "(all codes)"
Units = Sequence[str] | Mapping[str, Sequence[str]] | None


def _check_codings(codings: pd.DataFrame, statuses: Sequence[str] | None) -> None:
    needed = ["segment", "code", "coder"] + (["status"] if statuses is not None else [])
    missing = [column for column in needed if column not in codings.columns]
    if missing:
        raise InputError(
            "codings table",
            f"missing column(s) {missing}; it has {list(codings.columns)}",
            hint="pass a codings DataFrame as Project.codings() returns it",
        )


def _check_coders(coders: Sequence[str]) -> list[str]:
    coders = [str(coder) for coder in coders]
    if len(set(coders)) < 2 or len(set(coders)) != len(coders):
        raise NotEnoughDataError(f"agreement needs two or more different coders, got {coders}")
    clash = [coder for coder in coders if coder in ("segment", "code", "text", "disputed")]
    if clash:
        raise NotEnoughDataError(f"coder name(s) {clash} clash with table columns; rename the coder(s)")
    return coders


def _units(codings: pd.DataFrame, coders: list[str], units: Units) -> list[str]:
    if units is None:
        names = codings["coder"].astype(str)
        seen = {coder: set(codings.loc[names == coder, "segment"].astype(str)) for coder in coders}
        absent = [coder for coder, segments in seen.items() if not segments]
        if absent:
            known = sorted(codings["coder"].dropna().astype(str).unique())
            raise NotEnoughDataError(f"coder(s) {absent} coded no segment; coders with codings: {known}")
    elif isinstance(units, Mapping):
        unknown = [coder for coder in coders if coder not in units]
        if unknown:
            raise NotEnoughDataError(f"units does not say which segments coder(s) {unknown} saw")
        seen = {coder: {str(unit) for unit in units[coder]} for coder in coders}
    else:
        return sorted(dict.fromkeys(str(unit) for unit in units))
    shared = sorted(set.intersection(*seen.values()))
    if not shared:
        raise NotEnoughDataError(
            f"coders {coders} have no segment in common; each must code (or have seen) the same segments"
        )
    return shared


def agreement_units(codings: pd.DataFrame, coders: Sequence[str]) -> list[str] | None:
    """The units agreement between ``coders`` is measured on, for ``evidence agreement`` and notebook 04 alike.

    A person saw the segments they coded; a machine coder (origin not human or import,
    :data:`evidence.coding.labels.HUMAN_ORIGINS`) saw every unit, so a segment it left uncoded is its
    decision that no code applies there. The units are the segments every human coder among ``coders``
    coded (at any status). None when no human is among them, or a coder has no codings at all: then
    :func:`agreement`'s default applies (the segments each coder coded, and a clear error for a coder
    without codings).
    """
    from evidence.coding.labels import HUMAN_ORIGINS

    chosen = codings[codings["coder"].astype(str).isin([str(c) for c in coders])]
    if set(chosen["coder"].astype(str)) != {str(c) for c in coders} or "origin" not in chosen.columns:
        return None
    human = chosen[chosen["origin"].isin(HUMAN_ORIGINS)]
    if human.empty:
        return None
    seen = [set(part["segment"].astype(str)) for _, part in human.groupby("coder")]
    return sorted(set.intersection(*seen))


def coding_decisions(
    codings: pd.DataFrame,
    coders: Sequence[str],
    units: Units = None,
    *,
    statuses: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per (segment, code) decision on the shared units, with a True/False column per coder.

    Columns: ``segment``, ``code``, then one boolean column named after each coder (did that coder
    apply the code to the segment). ``codes`` defaults to every code any of the coders applied there.
    """
    _check_codings(codings, statuses)
    coders = _check_coders(coders)
    shared = _units(codings, coders, units)
    rows = codings[codings["coder"].astype(str).isin(coders)]
    rows = rows[rows["segment"].astype(str).isin(shared)]
    if statuses is not None:
        rows = rows[rows["status"].isin(list(statuses))]
    rows = rows[rows["code"].notna() & (rows["code"].astype(str) != "")]
    if codes is None:
        codes = sorted(rows["code"].astype(str).unique())
    grid = pd.MultiIndex.from_product([shared, list(codes)], names=["segment", "code"])
    decisions = pd.DataFrame(index=grid)
    for coder in coders:
        applied = rows.loc[rows["coder"].astype(str) == coder, ["segment", "code"]].astype(str)
        keys = pd.MultiIndex.from_frame(applied.drop_duplicates())
        decisions[coder] = grid.isin(keys)
    return decisions.reset_index()


def _measure(matrix: np.ndarray) -> dict[str, Any]:
    """n, kappa, alpha, agreement and note for a coders x units 0/1 matrix."""
    note = why_undefined(matrix) if matrix.size else "no decisions to compare"
    if note:
        kappa = alpha = float("nan")
    elif matrix.shape[0] == 2:
        kappa = cohen_kappa(matrix[0], matrix[1])
        alpha = krippendorff_alpha(matrix, "nominal")
    else:
        kappa = fleiss_kappa(matrix.T)
        alpha = krippendorff_alpha(matrix, "nominal")
    agreement = percent_agreement(matrix) if matrix.size else float("nan")
    return {"n": int(matrix.shape[1]), "kappa": kappa, "alpha": alpha, "agreement": agreement, "note": note}


def agreement(
    codings: pd.DataFrame,
    coders: Sequence[str],
    units: Units = None,
    *,
    statuses: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Agreement of two or more coders, per code and pooled over all (segment, code) decisions.

    Returns ``(per_code, pooled)``: a DataFrame with columns code, n (segments compared), kappa,
    alpha, agreement, note, one row per code, and a dict with the same keys for all decisions
    together (code = ``"(all codes)"``, n = segments x codes). Each code is a present/absent
    decision per segment. ``kappa`` is Cohen's kappa for two coders and Fleiss' kappa for more;
    ``alpha`` is Krippendorff's nominal alpha; ``agreement`` is the share of decisions on which all
    coders agree. When a code was never (or always) applied by anyone, kappa and alpha are 0/0:
    they are NaN and ``note`` says why. See the module docstring for ``units`` and ``statuses``.
    """
    decisions = coding_decisions(codings, coders, units, statuses=statuses, codes=codes)
    coders = [str(coder) for coder in coders]
    per_code = [
        {"code": code, **_measure(group[coders].to_numpy(dtype=float).T)}
        for code, group in decisions.groupby("code", sort=True)
    ]
    pooled = {"code": POOLED_CODE, **_measure(decisions[coders].to_numpy(dtype=float).T)}
    return pd.DataFrame(per_code, columns=AGREEMENT_COLUMNS), pooled


def disagreements(
    codings: pd.DataFrame,
    coders: Sequence[str],
    units: Units = None,
    *,
    statuses: Sequence[str] | None = None,
    segments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per shared segment on which the coders applied different codes, for a team to settle.

    Columns: ``segment``; ``text`` when a segments DataFrame (with ``id`` and ``text``) is given;
    then each coder's codes (a column named after the coder, codes sorted and ``"; "``-joined);
    ``only_<coder>`` for the codes only that coder applied; ``disputed``, the codes some but not
    all coders applied.
    """
    decisions = coding_decisions(codings, coders, units, statuses=statuses)
    coders = [str(coder) for coder in coders]
    anyone, everyone = decisions[coders].any(axis=1), decisions[coders].all(axis=1)
    differing = set(decisions.loc[anyone & ~everyone, "segment"])
    decisions = decisions[decisions["segment"].isin(differing)].sort_values(["segment", "code"])
    index = pd.Index(sorted(differing), name="segment", dtype=object)
    applied = decisions[coders]
    anyone, everyone = applied.any(axis=1), applied.all(axis=1)

    def joined(mask: pd.Series) -> pd.Series:
        """Per differing segment, the codes where ``mask`` holds, sorted and "; "-joined."""
        codes: dict[str, list[str]] = {}
        chosen = decisions[mask]
        for segment, code in zip(chosen["segment"].tolist(), chosen["code"].tolist()):
            codes.setdefault(segment, []).append(code)
        texts = pd.Series({segment: "; ".join(names) for segment, names in codes.items()}, dtype=object)
        return texts.reindex(index, fill_value="")

    table = pd.DataFrame(index=index)
    for coder in coders:
        table[coder] = joined(applied[coder])
    for coder in coders:
        others = applied[[other for other in coders if other != coder]].any(axis=1)
        table[f"only_{coder}"] = joined(applied[coder] & ~others)
    table["disputed"] = joined(anyone & ~everyone)
    table = table.reset_index()
    if segments is not None:
        texts = segments.set_index(segments["id"].astype(str))["text"]
        table.insert(1, "text", table["segment"].map(texts).fillna(""))
    return table


def ratings_matrix(ratings: pd.DataFrame, value: str = "value", coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Coders x segments matrix of a rating code, for ``krippendorff_alpha(matrix, "ordinal"|"interval")``.

    ``ratings`` is tidy: columns ``segment``, ``coder`` and ``value`` (one rating per coder and
    segment). Rows are coders (in ``coders`` order when given), columns segments; NaN where a
    coder gave no rating, which Krippendorff's alpha treats as missing, not as disagreement.
    """
    missing = [column for column in ("segment", "coder", value) if column not in ratings.columns]
    if missing:
        raise InputError("ratings table", f"missing column(s) {missing}; it has {list(ratings.columns)}")
    twice = ratings.duplicated(["segment", "coder"], keep="first")
    if twice.any():
        row = int(np.flatnonzero(twice.to_numpy())[0]) + 1
        first = ratings.loc[twice, ["segment", "coder"]].iloc[0]
        raise InputError(
            "ratings table",
            f"coder {first['coder']} rated segment {first['segment']} more than once",
            row=row,
            hint="keep one rating per coder and segment",
        )
    matrix = ratings.pivot(index="coder", columns="segment", values=value)
    if coders is not None:
        matrix = matrix.reindex([str(coder) for coder in coders])
    return matrix.astype(float)
