"""Measure detection against a labelled set: recall and precision per kind of personal data.

The labelled set is JSON lines: ``{"id", "text", "spans": [{"start", "end", "kind"}]}`` with every
personal item marked (tests/data/privacy_labelled.jsonl; fictional names only). A labelled item counts
as found when every letter or digit of it lies inside some finding (whatever kind the finder gave it:
what matters is that it gets replaced); a finding is a false alarm when it touches no labelled item.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .detect import Finding

ROSTER_NAME_KINDS = ("pupil", "staff", "school", "speaker", "charity", "partnership", "parent")


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """The labelled examples of a JSON-lines file; each span is checked to lie inside its text."""
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        example = json.loads(line)
        for span in example["spans"]:
            if not 0 <= span["start"] < span["end"] <= len(example["text"]):
                raise ValueError(f"{path}, line {number}: span {span} lies outside the text")
        examples.append(example)
    return examples


def score(examples: list[dict[str, Any]], detector: Callable[[str], list[Finding]]) -> pd.DataFrame:
    """One row per kind: labelled, found, recall, findings, false_alarms, precision.

    Rows for the kinds of labels (recall) and of findings (precision), plus ``roster names`` (all
    names of a known list together) and ``all``.
    """
    rows: dict[str, dict[str, int]] = {}

    def row(kind: str) -> dict[str, int]:
        return rows.setdefault(kind, {"labelled": 0, "found": 0, "findings": 0, "false_alarms": 0})

    for example in examples:
        text, spans = example["text"], example["spans"]
        findings = detector(text)
        covered = set()
        for f in findings:
            covered.update(range(f.start, f.end))
        for span in spans:
            needed = {i for i in range(span["start"], span["end"]) if text[i].isalnum()}
            hit = needed <= covered
            groups = [span["kind"], "all"] + (["roster names"] if span["kind"] in ROSTER_NAME_KINDS else [])
            for group in groups:
                row(group)["labelled"] += 1
                row(group)["found"] += int(hit)
        for f in findings:
            alarm = not any(f.start < s["end"] and s["start"] < f.end for s in spans)
            for group in (f.kind, "all"):
                row(group)["findings"] += 1
                row(group)["false_alarms"] += int(alarm)
    frame = pd.DataFrame([{"kind": k, **v} for k, v in rows.items()])
    frame["recall"] = frame["found"] / frame["labelled"].where(frame["labelled"] > 0)
    frame["precision"] = 1 - frame["false_alarms"] / frame["findings"].where(frame["findings"] > 0)
    return frame.sort_values("kind", key=lambda k: k.map(lambda x: (x in ("all", "roster names"), x)))\
        .reset_index(drop=True)


def missed(examples: list[dict[str, Any]], detector: Callable[[str], list[Finding]]) -> list[tuple[str, str, str]]:
    """(example id, kind, text) of each labelled item not fully covered: what to look at first."""
    out = []
    for example in examples:
        text = example["text"]
        covered = set()
        for f in detector(text):
            covered.update(range(f.start, f.end))
        for span in example["spans"]:
            needed = {i for i in range(span["start"], span["end"]) if text[i].isalnum()}
            if not needed <= covered:
                out.append((example["id"], span["kind"], text[span["start"]:span["end"]]))
    return out
