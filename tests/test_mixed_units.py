"""The one counting rule (evidence.mixed.units): which codings count, and for which unit."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence.mixed.joint import joint_display
from evidence.mixed.quantitise import case_by_code, coded_units
from evidence.mixed.units import counting_label, evidence_codings, evidence_statuses

SEGMENTS = pd.DataFrame({
    "id": ["t1", "t1.s1", "t1.s2", "q1", "x1"],
    "kind": ["turn", "sentence", "sentence", "quote", "title"],
    "parent": [None, "t1", "t1", None, None],
    "case": ["", "", "", "P7", ""], "wave": ["", "", "", "before", ""],
    "text": ["Two sentences. Here.", "Two sentences.", "Here.", "I like it", "Title"], "source": ["a"] * 5,
})


def _codings(*rows):
    return pd.DataFrame(rows, columns=["segment", "code", "status", "coder", "origin", "confidence"])


def test_accepted_codings_count_for_their_unit_and_suggestions_only_when_asked():
    codings = _codings(("t1.s2", "c", "accepted", "ana", "human", None), ("q1", "c", "suggested", "rules", "rules", 0.9),
                       ("x1", "c", "accepted", "ana", "human", None))
    counted = evidence_codings(SEGMENTS, codings)
    assert list(counted["unit"]) == ["t1"]  # the sentence counts for its turn; the title is no unit
    with_suggestions = evidence_codings(SEGMENTS, codings, include_suggestions=True)
    assert sorted(with_suggestions["unit"]) == ["q1", "t1"]
    assert evidence_statuses() == ("accepted",) and "suggestions" in counting_label(True)


@pytest.mark.parametrize("codings", [
    _codings(),  # nothing coded yet
    _codings(("q1", "c", "suggested", "rules", "rules", 0.4)),  # only unreviewed suggestions
])
def test_nothing_that_counts_gives_empty_tables_not_errors(codings):
    assert evidence_codings(SEGMENTS, codings)["unit"].dtype == object
    assert coded_units(SEGMENTS, codings).empty
    joint = joint_display(SEGMENTS, codings, codes=pd.DataFrame({"id": ["c"], "name": ["C"]}))
    assert int(pd.to_numeric(joint.get("n_segments", pd.Series(dtype=int))).sum()) == 0
    table = case_by_code(SEGMENTS, codings, codes=["c"])
    assert table["count"].sum() == 0 and list(table["case"]) == ["P7"]
