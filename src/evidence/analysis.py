"""The steps of the sample analysis that the notebooks in notebooks/ call, one function per step.

Each step is safe to run again on the same project (re-running a notebook replaces what the step made
before instead of adding to it), and each returns tidy DataFrames; the ``*_table`` functions shape the
mixed-methods results into the bundle's documented columns (docs/CONTRACTS.md, evidence.results).

A corpus folder is laid out like corpora/sample::

    transcripts/   quotes/   codings/*.csv|xlsx   quant/pupils.csv   quant/schools_ks4.csv
    quant/school_urns.csv   roster.csv
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import EvidenceError, ProjectError


@dataclass
class CorpusFiles:
    """Where the parts of a corpus folder are (missing parts are ``None`` or empty)."""

    folder: Path
    texts: list[Path] = field(default_factory=list)
    roster: Path | None = None
    codings: list[Path] = field(default_factory=list)
    pupils: Path | None = None
    schools: Path | None = None
    school_urns: Path | None = None


def find_corpus(corpus: str | Path) -> CorpusFiles:
    folder = Path(corpus)
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no corpus folder here (expected transcripts/, quotes/, quant/ ...)")

    def first(*names: str) -> Path | None:
        return next((folder / n for n in names if (folder / n).is_file()), None)

    texts = [folder / n for n in ("transcripts", "quotes", "articles") if (folder / n).is_dir()]
    codings = sorted(p for p in (folder / "codings").glob("*") if p.suffix.lower() in (".csv", ".xlsx")
                     and not p.name.startswith((".", "~$"))) if (folder / "codings").is_dir() else []
    return CorpusFiles(folder, texts, first("roster.csv"), codings, first("quant/pupils.csv"),
                       first("quant/schools_ks4.csv", "quant/schools.csv"), first("quant/school_urns.csv"))


# -- 01 ingest ----------------------------------------------------------------------------------------
def ingest_corpus(project: Any, corpus: str | Path) -> pd.DataFrame:
    """Ingest (and pseudonymise with the corpus roster) every text of the corpus; one row per file."""
    files = find_corpus(corpus)
    if not files.texts:
        raise ProjectError(f"{files.folder}: no transcripts/, quotes/ or articles/ folder to ingest")
    report = project.ingest(files.texts, roster=files.roster)
    table = pd.DataFrame([f.__dict__ for f in report.files])
    if not report.ok:
        failed = "\n  ".join(f.message for f in report.failed)
        raise EvidenceError(f"{len(report.failed)} file(s) of {files.folder} could not be ingested:\n  {failed}")
    return table


# -- 05 mixed methods ---------------------------------------------------------------------------------
def school_pseudonyms(project: Any, corpus: str | Path, *names: pd.Series) -> dict[str, str]:
    """Each real school name in the ``names`` columns -> the pseudonym the project's key gives it (as in the texts).

    Pass every column that holds school names (pupil results, school results): each name gets its
    pseudonym, including schools no transcript or quote mentions.
    """
    from .privacy import Pseudonymiser, known_from_table, load_or_create_key, load_roster, merge

    files = find_corpus(corpus)
    values = pd.concat([n.dropna().astype(str) for n in names]) if names else pd.Series(dtype=str)
    frame = pd.DataFrame({"school": sorted(values.unique())})
    from .privacy.publish import schools_public

    if schools_public(project.config):  # the schools agreed to be named: no pseudonyms for them
        return {name: name for name in frame["school"]}
    known = known_from_table(frame, "school", "school")
    if files.roster is not None:
        known = merge(load_roster(files.roster), known)
    key = load_or_create_key(project.private_dir)
    worker = Pseudonymiser(known, key)
    mapping = {name: worker.name(name, "school") for name in frame["school"]}
    if key.changed:
        key.save()
    return mapping


def outcomes_table(pupils: pd.DataFrame, schools: dict[str, str]) -> pd.DataFrame:
    """Pupil results in bundle columns: pupil, school (pseudonym), urn, group, pre, post, gain, + extras."""
    from .privacy.publish import publishable_table

    table = pupils.drop(columns=["_row"], errors="ignore").rename(
        columns={"pupil_id": "pupil", "pre_score": "pre", "post_score": "post"})
    if "school" in table:
        table["school"] = table["school"].map(lambda s: schools.get(s, s) if isinstance(s, str) else s)
    return publishable_table(table)  # no URN, address or name beside a pseudonym


def schools_table(outcome_table: Any, schools: dict[str, str]) -> pd.DataFrame:
    """School results (DfE KS4 shape) with each measure's status code beside it and names pseudonymised."""
    measures = [c for c in outcome_table.frame.columns if c.isupper() and c not in ("URN", "SCHNAME")]
    table = outcome_table.with_status(measures)
    table = table.drop(columns=[c for c in ("URN", "SCHNAME", "_row") if c in table.columns])
    table["school"] = table["school"].map(lambda s: schools.get(s, s) if isinstance(s, str) else s)
    from .privacy.publish import publishable_table

    return publishable_table(table)  # no URN, LA/ESTAB, address, postcode or phone beside a pseudonym


def effects_table(effects: pd.DataFrame, outcome: str = "gain") -> pd.DataFrame:
    """tutoring_effects rows in bundle columns (comparison, outcome, g, ci, n per group, EEF months...)."""
    table = effects.rename(columns={"n1": "n_treatment", "n2": "n_comparison", "impact": "label"})
    table.insert(1, "outcome", outcome)
    table["comparison"] = [c if s == "all pupils" else f"{c} ({s})" for c, s in zip(table["comparison"], table["subset"])]
    return table


def voice_pairs_table(voice: pd.DataFrame, stances: pd.DataFrame) -> pd.DataFrame:
    """Before/after pairs in bundle columns: pupil, code, before_text, after_text, change, stances."""
    table = voice.rename(columns={"case": "pupil", "before_quotes": "before_text", "after_quotes": "after_text",
                                  "before": "n_before", "after": "n_after"})
    table["change"] = table["change"].map({"appears": "appeared", "vanishes": "vanished", "stays": "kept"})
    stance = stances.rename(columns={"case": "pupil", "change": "stance_change"})
    return table.merge(stance, on="pupil", how="left")


def joint_display_table(joint: pd.DataFrame, effects: pd.DataFrame) -> pd.DataFrame:
    """The joint display with ``n_segments`` and the headline effect (tutored vs comparison) beside each theme."""
    table = joint.rename(columns={"units": "n_segments"})
    headline = effects[effects["comparison"].str.startswith("tutored vs comparison")
                       & ~effects["comparison"].str.contains(r"\(", regex=True)]
    if len(headline):
        row = headline.iloc[0]
        for column in ("g", "ci_low", "ci_high", "months", "label"):
            if f"effect_{column}" not in table:
                table[f"effect_{column}"] = row[column]
    return table


def import_corpus_codings(project: Any, corpus: str | Path) -> pd.DataFrame:
    """Import each spreadsheet in CORPUS/codings/ as one researcher's codings (coder: the file name's stem).

    Importing the same file again adds nothing (codings already there are skipped).
    """
    from .coding.spreadsheets import import_codings

    rows = []
    for path in find_corpus(corpus).codings:
        coder = path.stem.removesuffix("_wide").removesuffix("_turns")  # one researcher's quotes and turns
        report = import_codings(project, path, coder=coder)
        rows.append({"file": path.name, "coder": coder, "layout": report.layout,
                     "codings": len(project.codings(coder=coder, origin="import")),
                     "already_there": report.already_there})
    return pd.DataFrame(rows, columns=["file", "coder", "layout", "codings", "already_there"])


# -- 04 agreement -------------------------------------------------------------------------------------
HUMAN_ORIGINS = ("human", "import")


def agreement_coders(project: Any, coders: str | list[str] = "") -> list[str]:
    """The coders to compare: as given (comma-separated), else every human coder plus the rules coder."""
    if isinstance(coders, str):
        coders = [c.strip() for c in coders.split(",") if c.strip()]
    if coders:
        return list(coders)
    codings = project.codings()
    humans = sorted(set(codings.loc[codings["origin"].isin(HUMAN_ORIGINS), "coder"]))
    machines = ["rules"] if (codings["coder"] == "rules").any() else []
    chosen = humans + machines
    if len(chosen) < 2:
        chosen = sorted(set(codings["coder"]))
    if len(chosen) < 2:
        raise EvidenceError(f"agreement needs two coders; the project has {chosen or 'none'}")
    return chosen


def shared_units(project: Any, codings: pd.DataFrame, coders: list[str]) -> list[str] | None:
    """Segments every human coder among ``coders`` coded (a machine coder saw all units); None if no human."""
    human = codings[codings["coder"].isin(coders) & codings["origin"].isin(HUMAN_ORIGINS)]
    if human.empty:
        return None
    seen = [set(part["segment"]) for _, part in human.groupby("coder")]
    return sorted(set.intersection(*seen))
