"""A large synthetic results bundle (seeded), for measuring the dashboards at scale.

``synthetic_bundle(100_000, seed=1)`` gives a :class:`~evidence.dashboard.bundle.Bundle` of that many
unit segments with realistic columns (schools, partnerships, roles, waves, span and whole-segment
codings); :func:`write_synthetic_bundle` writes it as ``PROJECT/results`` for Voila. The text is made
of stock words, so it holds no names at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .bundle import Bundle, _codes, _codings, _segments, _voice_pairs

WORDS = ("the tutoring helped pupils with maths and confidence every week but time and cost were hard for "
         "staff who left the school so leadership support and agreed aims matter to the partnership review "
         "sessions after school in the library were fun and useful").split()
CODES = [
    ("features", "", "Four features of good partnerships"), ("features.impactful", "features", "Impactful"),
    ("features.sustainable", "features", "Sustainable"), ("features.mutual_benefit", "features", "Mutually beneficial"),
    ("features.disadvantage", "features", "Addressing disadvantage"), ("fizzle", "", "Why partnerships fizzle out"),
    ("fizzle.leadership", "fizzle", "Senior leadership support"), ("fizzle.resources", "fizzle", "Stretched resources"),
    ("fizzle.turnover", "fizzle", "Staff turnover"), ("outcomes", "", "Pupil outcomes"),
    ("outcomes.confidence", "outcomes", "Confidence"), ("outcomes.attainment", "outcomes", "Attainment"),
    ("outcomes.engagement", "outcomes", "Engagement"),
]
COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442")


def synthetic_bundle(n_segments: int = 100_000, *, seed: int = 1, folder: Path | None = None) -> Bundle:
    """A seeded bundle of ``n_segments`` quotes and turns with about 1.5 codings each."""
    rng = np.random.default_rng(seed)
    n = int(n_segments)
    kinds = np.where(rng.random(n) < 0.5, "quote", "turn")
    sources = rng.integers(0, max(1, n // 400), n)
    lengths = rng.integers(6, 30, n)
    vocabulary = np.array(WORDS)
    texts = [" ".join(vocabulary[rng.integers(0, len(vocabulary), k)]).capitalize() + "." for k in lengths]
    ends = np.array([len(t) for t in texts])
    segments = pd.DataFrame({
        "id": [f"s{i:06d}" for i in range(n)], "source": [f"source-{s:04d}" for s in sources], "kind": kinds,
        "start": 0, "end": ends, "text": texts, "order": np.arange(n), "speaker": "",
        "role": np.where(kinds == "quote", "pupil", rng.choice(["school leader", "charity lead", "tutor"], n)),
        "case": [f"P-{i % 5000:04d}" for i in range(n)],
        "wave": np.where(kinds == "quote", rng.choice(["before", "after"], n), ""), "parent": "", "timestamp": "",
        "school": [f"School {chr(65 + k)}" for k in rng.integers(0, 20, n)],
        "partnership": [f"Partnership {chr(65 + k)}" for k in rng.integers(0, 5, n)],
    })
    segments["source_title"] = "Synthetic " + segments["source"]
    codes = pd.DataFrame([{"id": c, "parent": p, "name": name, "colour": COLOURS[i % len(COLOURS)],
                           "definition": "", "level": int(bool(p))} for i, (c, p, name) in enumerate(CODES)])
    leaves = [c for c, p, _ in CODES if p]
    per_unit = rng.integers(0, 4, n)
    rows = np.repeat(np.arange(n), per_unit)
    chosen = rng.integers(0, len(leaves), len(rows))
    span = rng.random(len(rows)) < 0.3
    starts = np.where(span, 0, np.nan)
    codings = pd.DataFrame({
        "id": np.arange(1, len(rows) + 1), "segment": segments["id"].to_numpy()[rows],
        "code": np.array(leaves)[chosen], "coder": "synthetic", "origin": np.where(span, "human", "rule"),
        "status": np.where(rng.random(len(rows)) < 0.8, "accepted", "suggested"),
        "start": starts, "end": np.where(span, np.minimum(ends[rows], 12), np.nan),
        "confidence": np.where(span, np.nan, rng.random(len(rows)).round(3)),
        "explanation": np.where(span, "", 'matched "tutoring", "time"'),
    }).drop_duplicates(["segment", "code"])
    empty = pd.DataFrame()
    effects = pd.DataFrame([{"comparison": "all pupils: tutored vs comparison gains", "outcome": "test score",
                             "g": 0.2, "ci_low": 0.05, "ci_high": 0.35, "n_treatment": 2500, "n_comparison": 2500,
                             "months": 3, "label": "Moderate impact", "note": ""}])
    voice = pd.DataFrame({"pupil": [f"P-{i:04d}" for i in range(200)], "code": np.array(leaves)[np.arange(200) % len(leaves)],
                          "before_text": "It was hard.", "after_text": "It helped.", "change": "kept"})
    return Bundle(folder=folder or Path("."), segments=_segments(segments), codes=_codes(codes),
                  codings=_codings(codings), themes=empty, theme_assignments=empty, cases=empty, outcomes=empty,
                  schools=empty, effects=effects, joint_display=pd.DataFrame(columns=["code", "name", "units"]),
                  voice_pairs=_voice_pairs(voice))


def write_synthetic_bundle(project: str | Path, n_segments: int = 100_000, *, seed: int = 1) -> Path:
    """Write a synthetic bundle into ``project/results`` (through evidence.bundle.write_bundle)."""
    from ..bundle import write_bundle

    project = Path(project)
    bundle = synthetic_bundle(n_segments, seed=seed)
    tables = {name: getattr(bundle, name) for name in ("segments", "codes", "codings", "effects", "voice_pairs",
                                                       "joint_display")}
    write_bundle(tables, project / "results", {"synthetic": True, "seed": seed})
    return project
