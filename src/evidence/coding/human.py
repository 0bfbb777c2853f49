"""Coding by people: code a segment or a span, remove a coding, accept or reject suggestions, memos.

    code_segment(project, "Q0007", "outcomes.confidence", coder="Ana")
    code_span(project, source="roundtable_01", start=120, end=188, code="fizzle.turnover", coder="Ana")
    accept_suggestion(project, coding_id=42, coder="Ana")      # adds Ana's own coding, marks #42 accepted
    coder_view(project, "Ben")                                  # blind: Ben never sees Ana's codes

A person's judgement is always a coding with origin ``human`` and that person as coder, so
agreement and training use it directly. Accepting a machine suggestion marks the suggestion
``accepted`` *and* records the reviewer's human coding (explanation: "accepted suggestion #id");
rejecting marks it ``rejected``. Every call writes to the store at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.core.errors import EvidenceError
from evidence.core.model import MACHINE_ORIGINS, Coding, Memo

if TYPE_CHECKING:
    from evidence.project import Project


def _segment(project: Project, segment_id: str) -> Any:
    row = project.store.sources.segment(segment_id)
    if row is None:
        raise EvidenceError(f"no segment {segment_id!r} in this project (was its source removed or re-ingested?)")
    return row


def code_segment(project: Project, segment: str, code: str, coder: str, *, start: int | None = None,
                 end: int | None = None, memo: str = "") -> int:
    """Code a whole segment (or a span inside it, as source offsets); returns the coding id."""
    if not coder.strip():
        raise EvidenceError("say who is coding: coder must not be empty")
    row = _segment(project, segment)
    if (start is None) != (end is None):
        raise EvidenceError("a span needs both start and end")
    if start is not None and not (row["start"] <= start < end <= row["end"]):
        raise EvidenceError(f"span {start}-{end} is not inside segment {segment!r} ({row['start']}-{row['end']})")
    existing = project.store.codings.find(segment, code, coder, "human", start, end)
    if existing is not None:
        coding_id = existing
    else:
        [coding_id] = project.add_codings([Coding(segment=segment, code=code, coder=coder, origin="human",
                                                  status="accepted", start=start, end=end)])
    if memo.strip():
        add_memo(project, memo, author=coder, segment=segment, code=code)
    return coding_id


def code_span(project: Project, source: str, start: int, end: int, code: str, coder: str) -> int:
    """Code a character span of a source: it is attached to the smallest unit segment holding it."""
    found = project.store.sources.smallest_segment_holding(source, start, end)
    if found is None:
        raise EvidenceError(f"no segment of source {source!r} holds the span {start}-{end}")
    return code_segment(project, found, code, coder, start=start, end=end)


def remove_coding(project: Project, coding_id: int, *, coder: str | None = None) -> None:
    """Remove a coding (when ``coder`` is given, only if it is that coder's own)."""
    row = project.store.codings.get(int(coding_id))
    if row is None:
        raise EvidenceError(f"no coding #{coding_id}")
    if coder is not None and row["coder"] != coder:
        raise EvidenceError(f"coding #{coding_id} belongs to {row['coder']!r}, not {coder!r}; it was not removed")
    project.remove_codings([int(coding_id)])


def add_memo(project: Project, text: str, *, author: str, segment: str = "", code: str = "", source: str = "") -> int:
    """A memo about a segment, a code, a source or the whole project."""
    if not text.strip():
        raise EvidenceError("a memo needs some text")
    return project.add_memo(Memo(text=text.strip(), author=author, segment=segment, code=code, source=source))


def _suggestion(project: Project, coding_id: int) -> Any:
    row = project.store.codings.get(int(coding_id))
    if row is None:
        raise EvidenceError(f"no coding #{coding_id}")
    if row["origin"] not in MACHINE_ORIGINS:
        raise EvidenceError(f"coding #{coding_id} was made by a person ({row['coder']}), not suggested by a coder")
    return row


def accept_suggestion(project: Project, coding_id: int, coder: str) -> int:
    """Accept a machine suggestion: mark it accepted and record the reviewer's own coding (returned)."""
    row = _suggestion(project, coding_id)
    with project.store.transaction():
        project.set_coding_status([int(coding_id)], "accepted")
        existing = project.store.codings.find_human_whole(row["segment_id"], row["code_id"], coder)
        if existing is not None:
            return existing
        [human] = project.add_codings([Coding(
            segment=row["segment_id"], code=row["code_id"], coder=coder, origin="human", status="accepted",
            explanation=f"accepted suggestion #{coding_id} ({row['origin']}: {row['coder']})")])
    return human


def reject_suggestion(project: Project, coding_id: int, coder: str) -> None:
    """Reject a machine suggestion (and withdraw the reviewer's coding if it came from accepting it)."""
    row = _suggestion(project, coding_id)
    with project.store.transaction():
        project.set_coding_status([int(coding_id)], "rejected")
        project.store.codings.withdraw_acceptance(row["segment_id"], row["code_id"], coder, int(coding_id))


def coder_view(project: Project, coder: str, *, blind: bool = True, suggestions: bool = True,
               segments: Iterable[str] | None = None) -> pd.DataFrame:
    """The codings a coder may see: their own, machine suggestions (unless ``suggestions=False``),
    and, only when ``blind`` is False, other people's codings (blind double coding)."""
    codings = project.codings()
    if segments is not None:
        codings = codings[codings["segment"].isin(set(segments))]
    own = codings["coder"] == coder
    machine = codings["origin"].isin(MACHINE_ORIGINS)
    keep = own | (machine if suggestions else False)
    if not blind:
        keep = keep | ~machine
    return codings[keep].reset_index(drop=True)
