"""The review widget, driven by clicking its buttons against a real project store."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.coding.autocode import autocode
from evidence.core.model import Coding
from evidence.project import Project


STARTER = Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"


@pytest.fixture()
def project(make_project) -> Project:
    """A short roundtable, the starter codebook and the rules coder's suggestions."""
    transcript = (
        "Chair: Welcome everyone, let's start with what made the partnership last.\n\n"
        "Head teacher: When our coordinator left the school the whole thing stopped; it depended on one person.\n\n"
        "Charity lead: The grant ended and we had no money for transport.\n\n"
        "Chair: Thank you both.\n"
    )
    project = make_project("proj", corpus={"roundtable.txt": transcript}, codebook=STARTER)
    autocode(project, "rules", coder="rules")
    return project


def _reopen(project: Project) -> Project:
    return Project.open(project.path)  # a second connection: what a restarted kernel would see


@pytest.mark.slow
def test_accept_reject_add_memo_are_saved_at_once(project: Project) -> None:
    from evidence.widgets import ReviewWidget

    review = ReviewWidget(project, coder="Ana")
    while not review.accept_buttons:
        review.next_button.click()
    segment = review.segment["id"]
    assert "left" in review.text.value and "Charity lead" in review.text.value  # context turns shown
    suggestion_ids = review.visible_codings().query("status == 'suggested'")["id"].tolist()
    review.accept_buttons[0].click()
    review.code_picker.value = "recommend.link_people"
    review.add_button.click()
    review.memo.value = "the partnership hung on one coordinator"
    review.memo_button.click()
    if review.reject_buttons:
        review.reject_buttons[0].click()

    other = _reopen(project)
    codings = other.codings()
    mine = codings[(codings["coder"] == "Ana") & (codings["segment"] == segment)]
    assert set(mine["origin"]) == {"human"}
    assert "recommend.link_people" in set(mine["code"])
    assert codings.set_index("id").loc[suggestion_ids[0], "status"] == "accepted"
    if len(suggestion_ids) > 1:
        assert codings.set_index("id").loc[suggestion_ids[1], "status"] == "rejected"
    assert other.memos()["text"].tolist() == ["the partnership hung on one coordinator"]
    assert "Saved" in review.status.value
    other.close()


def test_remove_button_and_blind_double_coding(project: Project) -> None:
    from evidence.widgets import ReviewWidget

    first = project.segments()["id"].iloc[1]
    project.add_codings([Coding(segment=first, code="fizzle.turnover", coder="Ana")])
    review = ReviewWidget(project, coder="Ben")
    review.next_button.click()
    assert review.segment["id"] == first
    assert "Ana" not in set(review.visible_codings()["coder"])  # blind: Ben never sees Ana's code
    assert not review.remove_buttons
    review.code_picker.value = "fizzle.turnover"
    review.add_button.click()
    assert len(review.remove_buttons) == 1
    review.remove_buttons[0].click()
    assert project.codings(coder="Ben").empty
    assert len(project.codings(coder="Ana")) == 1
    review.coder_box.value = ""
    review.add_button.click()
    assert "Type your name" in review.status.value


def test_next_by_uncertainty_puts_middling_suggestions_first(project: Project) -> None:
    from evidence.widgets import ReviewWidget

    review = ReviewWidget(project, coder="Ana", order="uncertainty")
    scores = review.uncertainty()
    assert review.queue[0] == scores.idxmax()
    review.order_buttons.value = "in order"
    assert review.queue == list(range(len(review.segments)))
