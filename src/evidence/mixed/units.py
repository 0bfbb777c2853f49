"""The one counting rule: which codings count as evidence, and for which unit.

Every table, notebook and dashboard that counts codes asks this module; nothing else decides it.

- The units are segments of kind quote, turn or paragraph (:data:`evidence.core.model.UNIT_KINDS`); a coding on
  a sentence counts for the turn or paragraph it belongs to (its ``parent``).
- Only ``accepted`` codings count: human codings are accepted when made, machine suggestions once a person
  accepts them. Suggestions count only when the researcher asks (``include_suggestions=True``), and then
  every table that counted them says so (:func:`counting_label`).
- A unit coded twice with one code (two coders, two spans) counts once.
"""

from __future__ import annotations

import pandas as pd

from evidence.core.model import UNIT_KINDS

EVIDENCE_STATUSES: tuple[str, ...] = ("accepted",)
WITH_SUGGESTIONS: tuple[str, ...] = ("accepted", "suggested")


def evidence_statuses(include_suggestions: bool = False) -> tuple[str, ...]:
    """The coding statuses that count as evidence."""
    return WITH_SUGGESTIONS if include_suggestions else EVIDENCE_STATUSES


def counting_label(include_suggestions: bool = False) -> str:
    """A plain sentence saying what was counted, for captions and run logs."""
    if include_suggestions:
        return "Counts include machine suggestions that nobody has reviewed yet."
    return "Counts are of accepted codings only (human codings and machine suggestions a person accepted)."


def unit_of(segments: pd.DataFrame, kinds: tuple[str, ...] = UNIT_KINDS) -> dict[str, str]:
    """Map every segment id to the id of the unit it counts for ('' when it belongs to none)."""
    unit_ids = set(segments.loc[segments["kind"].isin(kinds), "id"])
    parent = segments["parent"].fillna("") if "parent" in segments else pd.Series("", index=segments.index)
    mapping = {}
    for segment, up in zip(segments["id"], parent):
        mapping[segment] = segment if segment in unit_ids else (up if up in unit_ids else "")
    return mapping


def evidence_codings(
    segments: pd.DataFrame, codings: pd.DataFrame, *, kinds: tuple[str, ...] = UNIT_KINDS,
    include_suggestions: bool = False, statuses: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """The codings that count, each with the ``unit`` it counts for (codings on no unit are left out).

    ``statuses`` overrides the rule for callers that must see other statuses (review, agreement); leave it
    ``None`` to apply the rule.
    """
    chosen_statuses = evidence_statuses(include_suggestions) if statuses is None else tuple(statuses)
    chosen = codings[codings["status"].isin(chosen_statuses)] if "status" in codings else codings
    units = unit_of(segments, kinds)
    unit = pd.Series([units.get(s, "") for s in chosen["segment"]], index=chosen.index, dtype=object)
    chosen = chosen.assign(unit=unit)  # object even when empty, so joins on ``unit`` never see float64
    return chosen[chosen["unit"] != ""]
