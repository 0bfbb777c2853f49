"""The steps of an analysis run that the notebooks in notebooks/ call, one function per step.

Each step is safe to run again on the same project (re-running a notebook replaces what the step made
before instead of adding to it), and each returns tidy DataFrames; the ``*_table`` functions shape the
mixed-methods results into the bundle's documented columns (docs/CONTRACTS.md, evidence.bundle).

A corpus folder may hold any of these parts (:data:`CORPUS_LAYOUT`; ``evidence init`` makes an empty one)::

    transcripts/  quotes/  articles/     texts to ingest (any reader evidence.ingest knows)
    codings/      one csv/xlsx per coder (the coder is the file's stem) or with a ``coder`` column
    quant/        csv/xlsx results tables, recognised by their columns: a pupil table (pupil id, group,
                  pre and post scores), a school table (DfE KS2/KS4 download with its *_meta.csv, or
                  urn/school plus measures), a school name -> URN list (name, urn)
    roster.csv    names to pseudonymise (name, kind, aliases)
    codebook.yaml the codebook (else ``--codebook``, else the starter codebook, with a note)

A step whose inputs are absent is skipped with :func:`note`: a plain sentence in the run log, the
manifest and the bundle's ``notes`` table, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.errors import EvidenceError, InputError, ProjectError
from .layout import CORPUS_LAYOUT, TABLE_SUFFIXES, TEXT_FOLDERS

if TYPE_CHECKING:
    from evidence.project import Project

NOTES_TABLE = "notes"


@dataclass
class CorpusFiles:
    """Where the parts of a corpus folder are (missing parts are ``None`` or empty)."""

    folder: Path
    texts: list[Path] = field(default_factory=list)
    roster: Path | None = None
    codings: list[Path] = field(default_factory=list)
    codebook: Path | None = None
    pupils: Path | None = None
    schools: Path | None = None
    schools_kind: str = ""
    schools_meta: Path | None = None
    school_urns: Path | None = None
    unused: list[str] = field(default_factory=list)  # a sentence per quant file that was not used, and why


def _tables(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def find_corpus(corpus: str | Path) -> CorpusFiles:
    """The parts of a corpus folder (see the module docstring); quant tables are told apart by their columns."""
    folder = Path(corpus)
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no corpus folder here (expected any of {', '.join(CORPUS_LAYOUT)})")
    files = CorpusFiles(folder)
    files.texts = [folder / n for n in TEXT_FOLDERS if (folder / n).is_dir()]
    files.roster = folder / "roster.csv" if (folder / "roster.csv").is_file() else None
    files.codebook = next((folder / n for n in ("codebook.yaml", "codebook.yml") if (folder / n).is_file()), None)
    files.codings = _tables(folder / "codings")
    for path in _tables(folder / "quant"):
        if "meta" in path.stem.lower() and path.suffix.lower() == ".csv":
            continue  # a DfE *_meta.csv describes the table beside it
        kind = quant_kind(path)
        if kind == "pupil" and files.pupils is None:
            files.pupils = path
        elif kind in ("dfe-ks4", "school") and files.schools is None:
            files.schools, files.schools_kind = path, kind
            if kind == "dfe-ks4":
                from ..mixed.dfe import find_metadata

                files.schools_meta = find_metadata(path)
        elif kind == "school_urns" and files.school_urns is None:
            files.school_urns = path
        elif kind in ("pupil", "dfe-ks4", "school", "school_urns"):
            first = {"pupil": files.pupils, "school_urns": files.school_urns}.get(kind, files.schools)
            files.unused.append(f"quant/{path.name}: a second {kind.replace('_', ' ')} table; only the first "
                                f"(quant/{first.name}) is used")
        else:
            files.unused.append(f"quant/{path.name}: {kind}")
    return files


def check_corpus(corpus: str | Path) -> CorpusFiles:
    """The corpus's parts, or a ProjectError when it holds no text at all to analyse."""
    files = find_corpus(corpus)
    texts = [p for folder in files.texts for p in folder.rglob("*") if p.is_file()
             and not p.name.startswith((".", "~$")) and not p.name.endswith((".meta.yaml", ".meta.yml"))]
    if not texts:
        raise ProjectError(f"{files.folder}: nothing to analyse: no file in transcripts/, quotes/ or articles/ "
                           "(see `evidence run --help` for what goes where)")
    return files


LONG_PUPIL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "wave": ("wave", "time", "timepoint", "time point", "occasion", "phase", "test", "assessment"),
    "score": ("score", "result", "mark", "scaled score", "standardised score", "outcome"),
}


def load_pupils(path: Path) -> Any:
    """A pupil results table, wide (pre_score, post_score) or long (one row per pupil and wave, with a score)."""
    from ..mixed.outcomes import PUPIL_SYNONYMS, load_outcomes, load_pupil_outcomes
    from ..mixed.tables import match_columns, read_raw_table
    from ..core.model import normalise_wave

    raw = read_raw_table(path)
    headers = [c for c in raw.columns if c != "_row"]
    found = match_columns(headers, PUPIL_SYNONYMS)
    long = match_columns(headers, LONG_PUPIL_SYNONYMS)
    if {"pre_score", "post_score"} & set(found) or set(long) != {"wave", "score"}:
        return load_outcomes(path, "pupil")
    waves = raw[long["wave"]].map(normalise_wave)
    odd = sorted(set(waves) - {"before", "after"})
    if odd:
        row = int(raw.loc[waves == odd[0], "_row"].iloc[0])
        raise InputError(str(path), f"wave {odd[0]!r} is neither before nor after", row=row,
                         hint="write each pupil's waves as before/after (or pre/post, baseline/endline)")
    pupil = found["pupil_id"]
    scores = raw.assign(_wave=waves).pivot_table(index=pupil, columns="_wave", values=long["score"], aggfunc="first")
    rest = raw.drop(columns=[long["wave"], long["score"]]).groupby(pupil, sort=True).first()
    wide = rest.join(scores.rename(columns={"before": "pre_score", "after": "post_score"})).reset_index()
    for column in ("pre_score", "post_score"):
        if column not in wide:
            wide[column] = ""
    wide[["pre_score", "post_score"]] = wide[["pre_score", "post_score"]].fillna("")
    return load_pupil_outcomes(path, raw=wide)


def quant_kind(path: Path) -> str:
    """pupil, dfe-ks4, school or school_urns, judged by the table's columns; otherwise a sentence saying why not."""
    from ..mixed.outcomes import PUPIL_SYNONYMS, guess_kind
    from ..mixed.tables import match_columns, read_raw_table

    try:
        headers = [c for c in read_raw_table(path).columns if c != "_row"]
    except InputError as exc:
        return f"not read ({str(exc).replace(str(path), path.name)})"
    lower = {h.strip().lower() for h in headers}
    if lower == {"name", "urn"} or lower == {"school", "urn"}:
        return "school_urns"
    kind = guess_kind(headers)
    if kind != "school":
        return kind
    found = match_columns(headers, PUPIL_SYNONYMS)
    if "pupil_id" in found and ({"group", "pre_score", "post_score"} & set(found)
                                or set(match_columns(headers, LONG_PUPIL_SYNONYMS)) == {"wave", "score"}):
        return "pupil"  # wide, long (one row per pupil and wave), or missing a column that loading names
    if lower & {"urn", "school", "schname", "school name"} and len(lower) > 1:
        return "school"
    return ("not recognised: neither a pupil table (pupil_id, group, pre_score, post_score) nor a school "
            f"table (urn or school plus measures); its columns are {', '.join(headers)}")


# -- where the inputs are ----------------------------------------------------------------------------
PROJECT_ENV, CORPUS_ENV, CODEBOOK_ENV = "EVIDENCE_PROJECT", "EVIDENCE_CORPUS", "EVIDENCE_CODEBOOK"


def starter_codebook() -> Path:
    """The starter codebook for partnership evaluation: the installed package's copy, else the checkout's
    corpora/codebook.yaml (:func:`evidence.core.resources.starter_codebook`)."""
    from ..core.resources import starter_codebook as packaged_or_checkout

    return packaged_or_checkout()


def corpus_codebook(corpus: str | Path, given: str | Path | None = None) -> tuple[Path, str]:
    """The codebook a run on ``corpus`` uses, and a note when it fell back to the starter codebook.

    ``given`` (``--codebook``) wins, else ``CORPUS/codebook.yaml``, else the starter codebook.
    """
    if given:
        path = Path(given).resolve()
        if not path.is_file():
            raise ProjectError(f"{path}: no such codebook file; give a codebook YAML with --codebook FILE")
        return path, ""
    found = find_corpus(corpus).codebook
    if found is not None:
        return found.resolve(), ""
    starter = starter_codebook()
    if not starter.is_file():
        raise ProjectError(f"{corpus}: no codebook.yaml here and no starter codebook installed; "
                           "pass --codebook FILE")
    return starter, ("no codebook.yaml in the corpus folder and no --codebook: the starter codebook for "
                     "partnership evaluation was used; copy it into the corpus folder (evidence init does) and "
                     "edit it to use your own")


def notebook_inputs(project: str = "", corpus: str = "", codebook: str = "") -> tuple[str, str, str]:
    """Fill a notebook's empty ``project``, ``corpus`` and ``codebook`` parameters for a person working in
    JupyterLab: what ``evidence lab`` chose ($EVIDENCE_PROJECT, $EVIDENCE_CORPUS, $EVIDENCE_CODEBOOK), else
    ../project, PROJECT/corpus and the corpus's codebook. ``evidence run`` always passes all three."""
    import os

    project = project or os.environ.get(PROJECT_ENV) or "../project"
    corpus = corpus or os.environ.get(CORPUS_ENV) or str(Path(project) / "corpus")
    codebook = codebook or os.environ.get(CODEBOOK_ENV) or ""
    if not codebook:
        codebook = str(corpus_codebook(corpus)[0] if Path(corpus).is_dir() else starter_codebook())
    return project, corpus, codebook


CORPUS_README = """# Your corpus

Put your files in these folders, then run `evidence run --project PROJECT --corpus THIS_FOLDER`.
Any part may be missing: a step whose inputs are absent is skipped, and the run says so.

{layout}

A `FILE.meta.yaml` beside any file gives its title, date, partnership, school, event, wave and speakers
(see the workbench README). Names in these files are pseudonymised before anything is stored; the key stays
in PROJECT/private/. Never put this folder where others can read it.
"""


def make_corpus_skeleton(folder: str | Path) -> list[Path]:
    """An empty corpus folder for a researcher: the folders, a README of what goes where and the starter
    codebook to edit. Files already there are kept as they are; returns what was created."""
    folder = Path(folder)
    created = []
    for part in CORPUS_LAYOUT:
        if part.endswith("/") and not (folder / part).is_dir():
            (folder / part).mkdir(parents=True)
            created.append(folder / part)
    layout = "\n".join(f"- `{part}`: {text}" for part, text in CORPUS_LAYOUT.items())
    readme = folder / "README.md"
    if not readme.exists():
        readme.write_text(CORPUS_README.format(layout=layout), encoding="utf-8")
        created.append(readme)
    codebook = folder / "codebook.yaml"
    starter = starter_codebook()
    if not codebook.exists() and starter.is_file():
        codebook.write_bytes(starter.read_bytes())
        created.append(codebook)
    return created


# -- notes on skipped steps ---------------------------------------------------------------------------
def note(project: Project, step: str, note: str, tables: tuple[str, ...] | list[str] = (), *, echo: bool = True) -> None:
    """Record that a step was skipped (or did less) and why: the run log, the manifest and the bundle say it.

    ``tables`` are the bundle tables the step would have made; a run does not expect them from it.
    """
    from .. import bundle

    current = bundle.staged(project).get(NOTES_TABLE)
    row = {"step": step, "note": note, "tables": ",".join(tables)}
    frame = pd.DataFrame([row]) if current is None else pd.concat([current, pd.DataFrame([row])])
    bundle.stage(project, **{NOTES_TABLE: frame.drop_duplicates(["step", "note"])})
    if echo:
        print(f"note ({step}): {note}")


def run_notes(project: Project) -> pd.DataFrame:
    """The notes recorded so far in this run (step, note, tables)."""
    from .. import bundle

    notes = bundle.staged(project).get(NOTES_TABLE)
    return notes if notes is not None else pd.DataFrame(columns=["step", "note", "tables"])


# -- 01 ingest ----------------------------------------------------------------------------------------
def ingest_corpus(project: Project, corpus: str | Path) -> pd.DataFrame:
    """Ingest (and pseudonymise with the corpus roster) every text of the corpus; one row per file."""
    files = find_corpus(corpus)
    if not files.texts:
        raise ProjectError(f"{files.folder}: nothing to analyse: no transcripts/, quotes/ or articles/ folder "
                           "(see `evidence run --help` for the corpus layout)")
    report = project.ingest(files.texts, roster=files.roster)
    table = pd.DataFrame([f.__dict__ for f in report.files])
    if not report.ok:
        failed = "\n  ".join(f.message for f in report.failed)
        raise EvidenceError(f"{len(report.failed)} file(s) of {files.folder} could not be ingested:\n  {failed}")
    if not report.files:
        raise ProjectError(f"{files.folder}: its {', '.join(p.name for p in files.texts)} folder(s) hold no "
                           "file the workbench can read")
    if files.roster is None:
        note(project, "ingest", "no roster.csv in the corpus: only speakers' names and the names "
                     "found in metadata were pseudonymised")
    return table


# -- 05 mixed methods ---------------------------------------------------------------------------------
def school_pseudonyms(project: Project, corpus: str | Path, *names: pd.Series) -> dict[str, str]:
    """Each real school name in the ``names`` columns -> the pseudonym the project's key gives it (as in the texts).

    Pass every column that holds school names (pupil results, school results): each name gets its
    pseudonym, including schools no transcript or quote mentions.
    """
    from ..privacy import Pseudonymiser, known_from_table, load_roster, merge, privacy_setup

    files = find_corpus(corpus)
    values = pd.concat([n.dropna().astype(str) for n in names]) if names else pd.Series(dtype=str)
    frame = pd.DataFrame({"school": sorted(values.unique())})
    setup = privacy_setup(project)
    # `pseudonymise: false`, or the schools agreed to be named (schools_public): names stay as in the texts
    if setup is None or "school" in setup.public_kinds:
        return {name: name for name in frame["school"]}
    known = known_from_table(frame, "school", "school")
    if files.roster is not None:
        known = merge(load_roster(files.roster), known)
    key = setup.key
    worker = Pseudonymiser(known, key)
    mapping = {name: worker.name(name, "school") for name in frame["school"]}
    if key.changed:
        key.save()
    return mapping


def outcomes_table(pupils: pd.DataFrame, schools: dict[str, str]) -> pd.DataFrame:
    """Pupil results in bundle columns: pupil, school (pseudonym), urn, group, pre, post, gain, + extras."""
    from ..privacy.publish import publishable_table

    table = pupils.drop(columns=["_row"], errors="ignore").rename(
        columns={"pupil_id": "pupil", "pre_score": "pre", "post_score": "post"})
    if "school" in table:
        table["school"] = table["school"].map(lambda s: schools.get(s, s) if isinstance(s, str) else s)
    return publishable_table(table)  # no URN, address or name beside a pseudonym


def schools_table(outcome_table: Any, schools: dict[str, str]) -> pd.DataFrame:
    """School results (DfE KS4 shape) with each measure's status code beside it and names pseudonymised."""
    from ..mixed.dfe import ID_COLUMNS

    # measures only: numbers (and their status codes); names, addresses, phone numbers and postcodes stay out
    frame = outcome_table.frame
    measures = [c for c in frame.columns if c not in (*ID_COLUMNS, "URN", "SCHNAME", "urn", "school", "_row")
                and pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]
    table = outcome_table.with_status(measures)
    table = table[[c for c in ("urn", "URN", "school", "SCHNAME") if c in table] +
                  [c for c in table.columns if c in measures or c.endswith("__status")] + ["_row"]]
    if "urn" not in table and "URN" in table:
        table["urn"] = table["URN"]
    if "school" not in table and "SCHNAME" in table:
        table["school"] = table["SCHNAME"]
    table = table.drop(columns=[c for c in ("URN", "SCHNAME", "_row") if c in table.columns])
    if "school" in table:
        table["school"] = table["school"].map(lambda s: schools.get(s, s) if isinstance(s, str) else s)
    from ..privacy.publish import publishable_table

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
    if effects.empty or "comparison" not in effects:
        return table
    headline = effects[effects["comparison"].str.startswith("tutored vs comparison")
                       & ~effects["comparison"].str.contains(r"\(", regex=True)]
    if len(headline):
        row = headline.iloc[0]
        for column in ("g", "ci_low", "ci_high", "months", "label"):
            if f"effect_{column}" not in table:
                table[f"effect_{column}"] = row[column]
    return table


def mixed_methods(project: Project, corpus: str | Path, *, include_suggestions: bool = False) -> dict[str, pd.DataFrame]:
    """Effect sizes, school results, the joint display and before/after voice, staged for the bundle.

    Counting follows :mod:`evidence.mixed.units` (accepted codings; suggestions only with
    ``include_suggestions``, and then the tables say so). Parts whose inputs the corpus lacks (no pupil
    table, no school table, no quotes in two waves) are skipped with a note.
    """
    from .. import bundle
    from ..mixed.effects import tutoring_effects
    from ..mixed.joint import joint_display
    from ..mixed.outcomes import load_outcomes
    from ..mixed.units import counting_label, evidence_statuses
    from ..mixed.voice import before_after, stance_change

    files = find_corpus(corpus)
    for line in files.unused:
        note(project, "quant", f"not used: {line}")
    statuses = evidence_statuses(include_suggestions)
    note(project, "counting", counting_label(include_suggestions))
    pupils = load_pupils(files.pupils) if files.pupils else None
    schools = load_outcomes(files.schools, files.schools_kind, meta=files.schools_meta) if files.schools else None
    names = school_pseudonyms(project, corpus, *[t.frame["school"] for t in (pupils, schools)
                                                 if t is not None and "school" in t.frame])
    tables: dict[str, pd.DataFrame] = {}
    effects = pd.DataFrame()
    if pupils is not None:
        effects = effects_table(tutoring_effects(pupils.frame))
        tables["outcomes"] = outcomes_table(pupils.frame, names)
        tables["effects"] = effects
    else:
        note(project, "mixed methods", "no pupil results table in quant/ (pupil_id, group, pre_score, "
             "post_score): no pupil outcomes or effect sizes", ("outcomes", "effects"))
    if schools is not None:
        tables["schools"] = schools_table(schools, names)
    else:
        note(project, "mixed methods", "no school results table in quant/ (a DfE KS2/KS4 download or urn/school "
             "plus measures): no school results", ("schools",))
    segments, codings = project.segments(), project.codings()
    if not codings["status"].isin(statuses).any():
        note(project, "mixed methods", "no accepted codings yet, so the joint display counts nothing: import "
             "your codings (codings/) or accept suggestions in notebooks/02_coding.ipynb (evidence lab)")
    groups = dict(zip(pupils.frame["pupil_id"], pupils.frame["group"])) if pupils is not None else {}
    joint = joint_display_table(joint_display(segments, codings, codes=project.codes(), groups=groups,
                                              statuses=statuses), effects)
    if include_suggestions:
        joint["counted"] = "accepted codings and unreviewed suggestions"
    tables["joint_display"] = joint
    quotes = segments[segments["kind"] == "quote"]
    if len(quotes) and quotes["wave"].fillna("").nunique() >= 2:
        voice = voice_pairs_table(before_after(segments, codings, statuses=statuses), stance_change(segments))
        if include_suggestions:
            voice["counted"] = "accepted codings and unreviewed suggestions"
        tables["voice_pairs"] = voice
    else:
        note(project, "mixed methods", "no pupil quotes from two waves (before and after): no before/after "
             "pupil voice", ("voice_pairs",))
    bundle.stage(project, **tables)
    return tables


def import_corpus_codings(project: Project, corpus: str | Path) -> pd.DataFrame:
    """Import CORPUS/codings/: one researcher per file (the coder is the file's stem, without a ``_wide`` or
    ``_turns`` ending), or a ``coder`` column naming the researcher on each row.

    Importing the same file again adds nothing (codings already there are skipped).
    """
    from ..coding.spreadsheets import import_codings, read_coding_table

    rows = []
    paths = find_corpus(corpus).codings
    if not paths:
        note(project, "codings", "no codings/ folder (or it is empty): no researchers' codings were imported, "
             "so no classifier learns from them and agreement between coders is not measured")
    for path in paths:
        table = read_coding_table(path)
        coder_column = next((c for c in table.columns if str(c).strip().lower() in ("coder", "coded by", "rater")),
                            None)
        if coder_column is None:
            parts = [(path.stem.removesuffix("_wide").removesuffix("_turns"), None)]
        else:
            names = table[coder_column].astype(str).str.strip()
            if (names == "").any():
                row = int(table.loc[names == "", "row"].iloc[0])
                raise InputError(str(path), f"the {coder_column!r} column is empty", row=row,
                                 hint="name the researcher who made each coding")
            parts = [(name, table[names == name].drop(columns=[coder_column])) for name in sorted(set(names))]
        for coder, part in parts:
            report = import_codings(project, path, coder=coder, table=part, skip_unknown=True)
            if report.unknown_segments:
                shown = ", ".join(f"row {r} ({i!r})" for r, i in report.unknown_segments[:5])
                note(project, "codings", f"codings/{path.name}: {len(report.unknown_segments)} of {coder}'s rows name "
                     f"no segment of the project and were not imported: {shown}"
                     f"{' ...' if len(report.unknown_segments) > 5 else ''}; check those ids against quotes/ "
                     "(or the file and turn numbers against transcripts/)")
            rows.append({"file": path.name, "coder": coder, "layout": report.layout,
                         "codings": len(project.codings(coder=coder, origin="import")),
                         "already_there": report.already_there})
    return pd.DataFrame(rows, columns=["file", "coder", "layout", "codings", "already_there"])


HUMAN_ORIGINS = ("human", "import")


def human_coders(project: Project) -> pd.Series:
    """Each human coder (codings made by a person or imported from their files) and how many codings they made."""
    codings = project.codings()
    human = codings[codings["origin"].isin(HUMAN_ORIGINS)]
    return human.groupby("coder").size().sort_index().sort_values(ascending=False, kind="mergesort")


TRAINED_ON = "the classifier learnt from {coder}'s codings ({n}), the human coder with the most"


def trained_on(project: Project) -> str:
    """The coder the classifier of this run learnt from (as :func:`training_coder` noted), or ""."""
    import re

    pattern = re.compile("^" + re.escape(TRAINED_ON).replace(r"\{coder\}", "(.+)").replace(r"\{n\}", r"\d+") + "$")
    for text in run_notes(project)["note"]:
        match = pattern.match(str(text))
        if match:
            return match.group(1)
    return ""


def training_coder(project: Project, given: str = "auto") -> str:
    """The coder the classifier learns from: ``given``, or with ``auto`` the human coder with the most codings.

    "" (no classifier, with a note) when the project has no human codings; a named coder who coded
    nothing is an error that lists the coders there are.
    """
    given = (given or "").strip()
    counts = human_coders(project)
    if given and given != "auto":
        known = set(project.codings()["coder"])
        if given not in known:
            raise EvidenceError(f"train_coder {given!r} made no codings in this project; the coders are "
                                f"{', '.join(sorted(known)) or 'none'} (use train_coder=auto for the human "
                                "coder with the most codings)")
        return given
    if not given:
        return ""
    if counts.empty:
        note(project, "classifier", "no human codings to learn from: the classifier was not trained",
             ("classifier",))
        return ""
    chosen = str(counts.index[0])
    note(project, "classifier", TRAINED_ON.format(coder=chosen, n=int(counts.iloc[0])))
    return chosen


def autocode_step(project: Project, autocoders: str = "rules,similarity", train_coder: str = "auto", *,
                  embedder: str | None = None, seed: int | None = None) -> list[str]:
    """Let each autocoder (and the classifier, learning from :func:`training_coder`) suggest codes.

    A coder that has too little to work from (no examples, too few codings) is skipped with a note; the
    summaries of those that ran are returned.
    """
    from ..coding.autocode import autocode
    from ..core.errors import NotEnoughDataError

    summaries = []
    plan = [(m.strip(), m.strip(), None) for m in autocoders.split(",") if m.strip()]
    learner = training_coder(project, train_coder)
    if learner:
        plan.append(("classifier", "classifier", learner))
    for method, coder, teacher in plan:
        try:
            report = autocode(project, method, coder=coder, train_coder=teacher, embedder=embedder, seed=seed)
        except NotEnoughDataError as exc:
            note(project, "coding", f"the {method} coder made no suggestions: {exc}")
            continue
        summaries.append(report.summary())
        print(report.summary())
    return summaries


# -- 03 themes ----------------------------------------------------------------------------------------
def themes_step(project: Project, *, unit: str = "segment", n_themes: int | str = "auto", seed: int | None = None,
                embedder: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """Fit inductive themes and stage them: (themes, assignments, units), or None (with a note) if too few units."""
    from .. import bundle
    from ..core.errors import NotEnoughDataError
    from ..themes.persist import theme_tables
    from ..themes.recipes import fit_project_themes

    try:
        run_id, model, units = fit_project_themes(project, unit=unit, n_themes=n_themes, seed=seed,
                                                  embedder_name=embedder)
    except NotEnoughDataError as exc:
        note(project, "themes", f"themes were not fitted: {exc}", ("themes", "theme_assignments"))
        return None
    for line in model.notes_:
        print(line)
    themes, assignments = theme_tables(project, run_id)
    bundle.stage(project, themes=themes[["id", "label", "size", "words", "quotes"]], theme_assignments=assignments)
    return themes, assignments, units


# -- 04 agreement -------------------------------------------------------------------------------------
def agreement_coders(project: Project, coders: str | list[str] = "") -> list[str]:
    """The coders to compare: as given (comma-separated), else every human coder (machines are compared apart)."""
    if isinstance(coders, str):
        coders = [c.strip() for c in coders.split(",") if c.strip()]
    if coders:
        return list(coders)
    return sorted(human_coders(project).index)


def machine_coders(project: Project) -> list[str]:
    """Coders whose codings the workbench suggested (rules, similarity, classifier, ...)."""
    codings = project.codings()
    return sorted(set(codings.loc[~codings["origin"].isin(HUMAN_ORIGINS), "coder"]))


def agreement_step(project: Project, coders: str | list[str] = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement between the human coders (``agreement``), and each machine coder against each of them
    (``machine_agreement``), both staged for the bundle. A side with too few coders is skipped with a note."""
    from .. import bundle
    from ..reliability import agreement, agreement_units

    codings = project.codings()
    chosen = agreement_coders(project, coders)
    per_code = pd.DataFrame()
    if len(chosen) >= 2:
        per_code, pooled = agreement(codings, chosen, units=agreement_units(codings, chosen))
        bundle.stage(project, agreement=per_code)
    else:
        note(project, "agreement", f"agreement between coders needs two human coders; the corpus has "
             f"{len(chosen)} ({', '.join(chosen) or 'none'}), so it was not measured", ("agreement",))
    humans = [c for c in chosen if c in set(human_coders(project).index)]
    teacher = trained_on(project)
    rows = []
    for machine in machine_coders(project):
        for human in humans:
            pair = codings[codings["coder"].isin([machine, human])]
            units = agreement_units(pair, [machine, human])
            if not units:
                continue
            table, pooled = agreement(pair, [machine, human], units=units)
            table = pd.concat([pd.DataFrame([pooled]), table], ignore_index=True)
            if machine == "classifier" and human == teacher:
                table["note"] = ("the classifier learnt from these codings: agreement on its own training data, "
                                 "not a test of it")
            rows.append(table.assign(coder=machine, against=human))
    machine = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if len(machine):
        bundle.stage(project, machine_agreement=machine)
    elif humans:
        note(project, "agreement", "no machine coder's suggestions to compare with the human coders",
             ("machine_agreement",))
    else:
        note(project, "agreement", "no human codings, so the machine coders were not compared with anyone",
             ("machine_agreement",))
    return per_code, machine
