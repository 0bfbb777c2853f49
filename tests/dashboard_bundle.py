"""A results bundle for the dashboard tests, built from corpora/sample through the real pipeline pieces.

The sample transcripts and pupil quotes are read by the ingest readers and pseudonymised with the
roster (``corpora/sample/roster.csv``) before they are stored; the codebook is loaded into the
project; the codings are the researchers' own (``codings/researcher_a.csv`` for quotes and the
turn-level ground truth ``corpora/truth/sections.csv`` for roundtables, half of them as spans on the
turn's first sentence) plus the rules coder's suggestions (those it is most sure of accepted). The
numbers come from ``quant/`` through evidence.mixed, with school names pseudonymised by the same key.
:func:`evidence.bundle.publish` then writes ``PROJECT/results`` exactly as ``evidence run`` would.

``build_sample_bundle(folder)`` returns the project folder; ``roster_names()`` the real names that
must never appear on a dashboard.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "corpora" / "sample"
ROSTER = SAMPLE / "roster.csv"
TRUTH = REPO / "corpora" / "truth" / "sections.csv"
CODEBOOK = REPO / "corpora" / "codebook.yaml"


def roster_names() -> list[str]:
    """Every real name and alias in the roster of the sample (long enough to be a name, not a word)."""
    names: set[str] = set()
    with ROSTER.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.add(row["name"].strip())
            names.update(a.strip() for a in (row.get("aliases") or "").split(";") if len(a.strip()) > 3)
    return sorted(n for n in names if n)


def build_sample_bundle(folder: str | Path) -> Path:
    """Make a project in ``folder`` from corpora/sample and publish its results bundle; returns the folder."""
    from evidence import bundle
    from evidence.project import Project

    folder = Path(folder)
    project = Project.init(folder, name="dashboard-test")
    try:
        worker = _ingest(project)
        _load_codebook(project)
        _add_codings(project)
        _stage_analysis(project, worker)
        bundle.publish(project)
    finally:
        project.close()
    return folder


# -- ingest -------------------------------------------------------------------------------------------
def _ingest(project):
    """Read and pseudonymise the sample files into the store; the returned worker pseudonymises names."""
    from evidence.ingest import ReadOptions, discover, read_file
    from evidence.privacy import Pseudonymiser, load_or_create_key, load_roster, pseudonymise_reading

    known = load_roster(ROSTER)
    key = load_or_create_key(project.private_dir)
    files = discover([SAMPLE / "transcripts", SAMPLE / "quotes" / "pupil_quotes.csv"])
    for path in files:
        source_id = path.name.split(".")[0].replace("_", "-")
        reading = read_file(path, ReadOptions(source_id=source_id, pipeline="blank:en"))
        reading.source.path = str(path.relative_to(REPO))
        reading, _ = pseudonymise_reading(reading, known, key)
        with project.store.transaction() as conn:
            project.store.write_source(conn, reading.source, reading.segments, reading.speakers, reading.cases)
    return Pseudonymiser(known, key)


def _load_codebook(project) -> None:
    from evidence.codebook import load_codebook
    from evidence.codebook.changes import load_into_project

    load_into_project(project, load_codebook(CODEBOOK), author="test")


# -- codings ------------------------------------------------------------------------------------------
def _add_codings(project) -> None:
    from evidence.codebook import load_codebook
    from evidence.coding.rules import RuleCoder
    from evidence.core.model import Coding

    segments = project.segments()
    codings: list[Coding] = []
    quotes = segments[segments["kind"] == "quote"]
    quote_ids = dict(zip(quotes["id"].str.split(":").str[-1], quotes["id"]))
    for row in pd.read_csv(SAMPLE / "codings" / "researcher_a.csv", dtype=str).itertuples(index=False):
        if row.id in quote_ids:
            codings.append(Coding(segment=quote_ids[row.id], code=row.code, coder="researcher_a"))

    turns = segments[segments["kind"] == "turn"].sort_values(["source", "order"])
    sentences = segments[segments["kind"] == "sentence"].sort_values(["parent", "order"])
    first_sentence = sentences.drop_duplicates("parent").set_index("parent")
    sources = project.sources()
    source_of_file = {Path(p).name: s for p, s in zip(sources["path"], sources["id"])}
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    for n, row in enumerate(truth.itertuples(index=False)):
        source = source_of_file.get(Path(row.source_file).name)
        if not source or not row.codes:
            continue
        turn = turns[(turns["source"] == source) & (turns["order"] == int(row.turn_index))]
        if turn.empty:
            continue
        turn_id = turn["id"].iloc[0]
        for code in row.codes.split(";"):
            span = first_sentence.loc[turn_id] if (n % 2 == 0 and turn_id in first_sentence.index) else None
            codings.append(Coding(
                segment=turn_id, code=code, coder="facilitator",
                start=None if span is None else int(span["start"]),
                end=None if span is None else int(span["end"]),
            ))

    rules = RuleCoder(load_codebook(CODEBOOK)).fit()
    units = segments[segments["kind"].isin(["quote", "turn"])]
    for coding in rules.codings(units):
        if coding.confidence is not None and coding.confidence >= 0.75:
            coding.status = "accepted"
        codings.append(coding)
    project.add_codings(codings)


# -- analysis tables ----------------------------------------------------------------------------------
def _stage_analysis(project, worker) -> None:
    from evidence import bundle
    from evidence.mixed.effects import tutoring_effects
    from evidence.mixed.joint import joint_display
    from evidence.mixed.voice import before_after, stance

    def school(name: str) -> str:
        return worker.name(name, "school") if name else name

    pupils = pd.read_csv(SAMPLE / "quant" / "pupils.csv")
    pupils["school"] = pupils["school"].map(school)
    outcomes = pd.DataFrame({
        "pupil": pupils["pupil_id"], "school": pupils["school"], "urn": pupils["urn"].astype(str),
        "group": pupils["group"], "pre": pupils["pre_score"], "post": pupils["post_score"],
        "gain": pupils["post_score"] - pupils["pre_score"], "disadvantaged": pupils["disadvantaged"],
    })
    from evidence.pipeline.analysis import schools_table
    from evidence.mixed.outcomes import load_outcomes
    from evidence.privacy.publish import publishable_table

    outcomes = publishable_table(outcomes)  # as the run publishes it: the school's pseudonym in place of its URN

    ks4 = load_outcomes(SAMPLE / "quant" / "schools_ks4.csv")  # measures as numbers, DfE status codes kept
    schools = schools_table(ks4, {name: school(name) for name in ks4.frame["school"].dropna()})

    raw = tutoring_effects(pupils, by="school")
    effects = pd.DataFrame({
        "comparison": raw["subset"] + ": " + raw["comparison"], "outcome": "test score",
        "g": raw["g"], "ci_low": raw["ci_low"], "ci_high": raw["ci_high"],
        "n_treatment": raw["n1"], "n_comparison": raw["n2"], "months": raw["months"], "label": raw["impact"],
        "note": raw["note"].fillna(""), "subset": raw["subset"], "design": raw["design"],
    }).dropna(subset=["g"])

    segments = project.segments()
    codings = project.codings()
    joint = joint_display(segments, codings, codes=project.codes())
    voice = before_after(segments, codings)
    voice_pairs = pd.DataFrame({
        "pupil": voice["case"], "code": voice["code"], "before_text": voice["before_quotes"],
        "after_text": voice["after_quotes"],
        "change": voice["change"].map({"appears": "appeared", "vanishes": "vanished", "stays": "kept"}),
        "stance_before": [stance(t)[2] if t else None for t in voice["before_quotes"]],
        "stance_after": [stance(t)[2] if t else None for t in voice["after_quotes"]],
    })
    bundle.stage(project, outcomes=outcomes, schools=schools, effects=effects, joint_display=joint,
                  voice_pairs=voice_pairs)
    _stage_themes(project)


def _stage_themes(project) -> None:
    """Themes nobody expected, fitted by BERTopic on the quotes and turns (TF-IDF embeddings: fast, offline,
    seeded) as notebook 03 stages them."""
    import warnings

    from evidence import bundle
    from evidence.themes.persist import theme_tables
    from evidence.themes.recipes import fit_project_themes

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TF-IDF embedder warns that it codes worse than MiniLM
        run_id, _, _ = fit_project_themes(project, unit="segment", n_themes=5, seed=3, embedder_name="tfidf")
    themes, assignments = theme_tables(project, run_id)
    bundle.stage(project, themes=themes[["id", "label", "size", "words", "quotes"]], theme_assignments=assignments)


# -- one bundle per test session ----------------------------------------------------------------------
_SHARED: dict[str, Path] = {}


def shared_bundle(tmp_path_factory) -> Path:
    """The sample project, built once per pytest session whichever dashboard test module asks first."""
    if "project" not in _SHARED:
        _SHARED["project"] = build_sample_bundle(tmp_path_factory.mktemp("dashboard") / "project")
    return _SHARED["project"]


def expected_units(project: Path, *, school: str = "", partnership: str = "", role: str = "", wave: str = "",
                   code: str = "", search: str = "") -> list[str]:
    """Unit ids a filter should show, in reading order, computed directly from the bundle's Parquet files.

    Written independently of evidence.dashboard: units are quotes, turns and paragraphs; accepted codings
    count, a sentence's for its turn; a code stands for itself and every code below it.
    """
    folder = Path(project) / "results"
    segments = pd.read_parquet(folder / "segments.parquet")
    codings = pd.read_parquet(folder / "codings.parquet")
    codes = pd.read_parquet(folder / "codes.parquet")
    units = segments[segments["kind"].isin(["quote", "turn", "paragraph"])]
    for column, value in (("school", school), ("partnership", partnership), ("role", role), ("wave", wave)):
        if value:
            units = units[units[column] == value]
    if code:
        wanted = {code}
        while True:
            more = set(codes.loc[codes["parent"].isin(wanted), "id"]) - wanted
            if not more:
                break
            wanted |= more
        accepted = codings[(codings["status"] == "accepted") & codings["code"].isin(wanted)]
        parent = segments.set_index("id")["parent"]
        coded = set(accepted["segment"]) | set(parent.reindex(accepted["segment"]).dropna())
        units = units[units["id"].isin(coded)]
    if search:
        units = units[units["text"].str.contains(search, case=False, regex=False)]
    return units.sort_values(["source", "order", "id"])["id"].tolist()
