"""Privacy benchmark: recall and precision per kind of personal data on the labelled test set, against
a naive baseline measured in the same run (exact, case-sensitive full names from the roster plus a
simple e-mail pattern), and detection speed as a ratio to that baseline.

    python bench/privacy.py [--ner]

Targets: recall 1.0 for roster names, e-mails, phones and postcodes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

from evidence.privacy import NameIndex, find_personal_data, load_ner, load_roster
from evidence.privacy.detect import Finding
from evidence.privacy.evaluate import load_labelled, missed, score

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
TARGETS = ("roster names", "email", "phone", "postcode")


def baseline_detector(roster):
    names = sorted((k.name for k in roster), key=len, reverse=True)
    email = re.compile(r"\S+@\S+\.\w+")

    def detect(text: str) -> list[Finding]:
        found = [Finding(m.start(), m.end(), "email", "baseline") for m in email.finditer(text)]
        for known in roster:
            for m in re.finditer(re.escape(known.name), text):
                found.append(Finding(m.start(), m.end(), known.kind, "baseline"))
        return found

    return detect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", action="store_true", help="also use a trained spaCy pipeline if installed")
    args = parser.parse_args(argv)
    examples = load_labelled(DATA / "privacy_labelled.jsonl")
    roster = load_roster(DATA / "privacy_roster.csv")
    index = NameIndex(roster)
    nlp = load_ner() if args.ner else None
    if args.ner and nlp is None:
        print("no trained spaCy pipeline installed: NER not used")

    def ours(text: str) -> list[Finding]:
        return find_personal_data(text, index, nlp)

    base = baseline_detector(roster)
    ours_scores = score(examples, ours).set_index("kind")
    base_scores = score(examples, base).set_index("kind")
    table = pd.DataFrame({
        "labelled": ours_scores["labelled"],
        "recall": ours_scores["recall"],
        "precision": ours_scores["precision"],
        "baseline_recall": base_scores["recall"].reindex(ours_scores.index),
        "baseline_precision": base_scores["precision"].reindex(ours_scores.index),
    })
    table["recall_ratio"] = table["recall"] / table["baseline_recall"].where(table["baseline_recall"] > 0)
    pd.set_option("display.width", 160)
    print(f"labelled set: {len(examples)} texts, {int(ours_scores.loc['all', 'labelled'])} personal items")
    print(table.round(3).to_string())
    texts = [e["text"] for e in examples] * 20
    timings = {}
    for name, detector in (("baseline", base), ("ours", ours)):
        started = time.perf_counter()
        for text in texts:
            detector(text)
        timings[name] = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    print(f"speed: ours {chars / timings['ours']:,.0f} chars/s, {timings['ours'] / timings['baseline']:.1f}x "
          "the baseline's time")
    for example_id, kind, text in missed(examples, ours):
        print(f"missed {example_id} {kind}: {text!r}")
    failing = [k for k in TARGETS if k in table.index and table.loc[k, "recall"] < 1.0]
    print("targets met" if not failing else f"targets NOT met: {failing}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
