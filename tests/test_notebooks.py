"""The analysis notebooks: committed without outputs, tagged, and executed for real on a small corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evidence.pipeline.notebooks import discover, read_spec, run_analysis
from evidence.pipeline.reproduce import reproduce
from evidence.bundle import BUNDLE_TABLES, read_bundle, read_manifest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
SAMPLE = REPO / "corpora" / "sample"


def all_notebooks() -> list[Path]:
    return sorted([*NOTEBOOKS.glob("*.ipynb"), *(REPO / "dashboards").glob("*.ipynb")])


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"{path.name}: cell {number} has outputs; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name}: cell {number} has an execution count"


def test_analysis_notebooks_are_tagged_with_parameters_and_run_in_number_order() -> None:
    specs = discover(NOTEBOOKS)
    assert [s.path.name[:2] for s in specs] == ["01", "02", "03", "04", "05", "06"]
    for spec in specs:
        assert "analysis" in spec.tags
        assert {"project", "corpus", "seed"} <= set(spec.parameters), spec.path.name
    dashboards = [s.path.name for s in discover(NOTEBOOKS, "dashboards")]
    assert "06_publish.ipynb" in dashboards and "01_ingest.ipynb" in dashboards  # pulled in as a need
    produced = {t for s in specs for t in s.produces}
    staged = {name for name, spec in BUNDLE_TABLES.items() if spec.source == "staged"}
    assert staged <= produced, f"no notebook produces {staged - produced}"
    assert read_spec(NOTEBOOKS / "06_publish.ipynb").needs


def small_corpus(folder: Path) -> Path:
    """Two transcripts, the first 80 pupil quotes, the results tables, researcher A's codings, the codebook."""
    (folder / "transcripts").mkdir(parents=True)
    for name in ("roundtable_01_marlowmere.txt", "roundtable_05_fenwick_review.md"):
        for path in SAMPLE.glob(f"transcripts/{name}*"):
            shutil.copy(path, folder / "transcripts" / path.name)
    (folder / "quotes").mkdir()
    lines = (SAMPLE / "quotes" / "pupil_quotes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "quotes" / "pupil_quotes.csv").write_text("".join(lines[:81]), encoding="utf-8")
    shutil.copy(SAMPLE / "quotes" / "pupil_quotes.csv.meta.yaml", folder / "quotes")
    shutil.copytree(SAMPLE / "quant", folder / "quant")
    (folder / "codings").mkdir()
    ids = {line.split(",", 1)[0] for line in lines[1:81]}
    coded = (SAMPLE / "codings" / "researcher_a.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "codings" / "researcher_a.csv").write_text(
        "".join([coded[0]] + [row for row in coded[1:] if row.split(",", 1)[0] in ids]), encoding="utf-8")
    shutil.copy(SAMPLE / "roster.csv", folder / "roster.csv")
    shutil.copy(SAMPLE.parent / "codebook.yaml", folder / "codebook.yaml")
    return folder


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("notebooks")
    corpus = small_corpus(root / "corpus")
    params = {"n_themes": 3}
    run = run_analysis(root / "project", corpus, notebooks=NOTEBOOKS, seed=7, embedder="tfidf", parameters=params)
    return root, corpus, run, params


@pytest.mark.slow
def test_every_notebook_runs_and_the_bundle_has_the_documented_tables(first_run) -> None:
    root, corpus, run, _ = first_run
    assert [p.name for p in run.executed] == [f"{s.path.name}" for s in discover(NOTEBOOKS)]
    bundle = read_bundle(run.results_dir)
    skipped = {t for tables in bundle["notes"]["tables"].fillna("") for t in tables.split(",") if t}
    assert skipped == {"agreement"}  # one researcher's codings: agreement between people is skipped, with a note
    for name, spec in BUNDLE_TABLES.items():
        if name in skipped:
            continue
        assert name in bundle, f"the bundle lacks {name}"
        assert set(spec.required) <= set(bundle[name].columns), name
    assert set(bundle["machine_agreement"]["against"]) == {"researcher_a"}
    manifest = read_manifest(run.results_dir)
    assert set(manifest["tables"]) == set(bundle)
    assert manifest["inputs"]["codebook"]["sha256"]
    from evidence.privacy.paths import input_key

    assert input_key("quotes/pupil_quotes.csv") in manifest["inputs"]["corpus"]["files"]  # names hashed
    # nothing time-dependent in the tables
    for name, table in bundle.items():
        assert not {"created_at", "updated_at", "ingested_at"} & set(table.columns), name
    # the joint display counts what a direct pandas computation on the bundle counts
    segments, codings = bundle["segments"], bundle["codings"]
    units = segments[segments["kind"].isin(["quote", "turn", "paragraph"])]
    counted = codings[codings["segment"].isin(units["id"]) & (codings["status"] == "accepted")]  # evidence.mixed.units
    expected = counted.drop_duplicates(["segment", "code"]).groupby("code").size()
    joint = bundle["joint_display"].set_index("code")["n_segments"]
    pd.testing.assert_series_equal(joint.loc[expected.index].astype(int), expected.astype(int), check_names=False)
    # no roster name reaches the bundle's text
    roster = pd.read_csv(corpus / "roster.csv")
    names = [n for n in roster["name"] if len(n) > 3]
    text = "\n".join(t.astype(str).str.cat(sep="\n") for table in bundle.values()
                     for _, t in table.select_dtypes(include=["object", "string"]).items())
    leaked = [n for n in names if n in text]
    assert not leaked, f"real names in the bundle: {leaked[:5]}"


@pytest.mark.slow
def test_running_again_on_the_same_project_gives_identical_hashes(first_run) -> None:
    root, corpus, run, params = first_run
    again = run_analysis(root / "project", corpus, notebooks=NOTEBOOKS, seed=7, embedder="tfidf", parameters=params)
    before = read_manifest(run.manifest_path)["tables"]
    after = read_manifest(again.manifest_path)["tables"]
    assert {k: v["sha256"] for k, v in after.items()} == {k: v["sha256"] for k, v in before.items()}


@pytest.mark.slow
def test_reproduce_names_the_tables_an_edited_quote_changes(first_run, tmp_path: Path) -> None:
    root, corpus, run, _ = first_run
    edited = tmp_path / "edited"
    shutil.copytree(corpus, edited)
    quotes = edited / "quotes" / "pupil_quotes.csv"
    text = quotes.read_text(encoding="utf-8")
    assert "College maybe? not that bothered." in text
    quotes.write_text(text.replace("College maybe? not that bothered.", "College definitely. I want to be a vet."),
                      encoding="utf-8")
    report = reproduce(run.manifest_path, corpus=edited)
    assert not report.ok
    drifted = {d.table for d in report.drifts}
    assert "segments" in drifted
    assert {"codes", "outcomes", "schools", "effects"}.isdisjoint(drifted), report.describe()
    description = report.describe()
    assert "quotes/pupil_quotes.csv: changed" in description
    assert "College definitely. I want to be a vet." in description  # the changed value is shown
    json.dumps(report.inputs)
