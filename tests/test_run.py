"""The runner on small, real notebooks executed by papermill: order, failures, manifest, reproduce."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from evidence.cli import main
from evidence.core.errors import EvidenceError
from evidence.pipeline.notebooks import NotebookFailed, discover, run_analysis
from evidence.pipeline.reproduce import reproduce
from evidence.bundle import read_bundle, read_manifest

PARAMS = 'project = ""\ncorpus = ""\nseed = 0\nrun_dir = ""'


def write_notebook(path: Path, cells: list[str], meta: dict | None) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    if meta is not None:
        nb.metadata["evidence"] = meta
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


LOAD = """
import numpy as np, pandas as pd
from evidence import bundle as results
from evidence.project import Project
p = Project.init(project)
quotes = pd.read_csv(f"{corpus}/quotes.csv")
rng = np.random.default_rng(seed)
results.stage(p, themes=pd.DataFrame({"id": range(len(quotes)), "label": quotes["text"].str.upper(),
                                      "size": rng.integers(1, 100, len(quotes)), "words": [[w] for w in quotes["pupil"]]}))
"""
EFFECTS = """
import pandas as pd
from evidence import bundle as results
from evidence.project import Project
p = Project.open(project)
themes = results.staged(p)["themes"]
results.stage(p, effects=pd.DataFrame({"comparison": ["tutored vs comparison"], "outcome": ["gain"],
                                       "g": [themes["size"].mean() / 100], "n_treatment": [len(themes)]}))
"""


@pytest.fixture
def tiny(tmp_path: Path) -> dict[str, Path]:
    """A corpus with one quote table and three notebooks (one untagged, so never run)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "quotes.csv").write_text("id,pupil,text\nQ1,P-1,I like maths now\nQ2,P-2,Tutoring was boring\n"
                                       "Q3,P-1,I feel more confident\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    # file names sort against the dependency order, so the runner must follow 'needs', not names
    write_notebook(notebooks / "a_effects.ipynb", [EFFECTS], {"tags": ["analysis"], "order": 1,
                                                             "produces": ["effects"], "needs": ["themes"]})
    write_notebook(notebooks / "b_load.ipynb", [LOAD], {"tags": ["analysis"], "order": 2, "produces": ["themes"]})
    write_notebook(notebooks / "c_scratch.ipynb", ["raise RuntimeError('never run')"], None)
    return {"corpus": corpus, "notebooks": notebooks, "project": tmp_path / "project"}


def test_discover_orders_by_needs_and_skips_untagged(tiny: dict[str, Path]) -> None:
    names = [s.path.name for s in discover(tiny["notebooks"])]
    assert names == ["b_load.ipynb", "a_effects.ipynb"]
    assert [s.path.name for s in discover(tiny["notebooks"], "analysis")] == names
    with pytest.raises(EvidenceError, match="tagged 'nope'"):
        discover(tiny["notebooks"], "nope")


@pytest.mark.slow
def test_run_twice_gives_identical_hashes_and_writes_manifest(tiny: dict[str, Path]) -> None:
    first = run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"], seed=3)
    second = run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"], seed=3)
    one, two = read_manifest(first.manifest_path), read_manifest(second.manifest_path)
    assert first.run_id != second.run_id
    assert one["tables"] == two["tables"]
    assert {"themes", "effects", "segments", "codes", "codings", "cases"} <= set(one["tables"])
    from evidence.privacy.paths import input_key

    quotes = input_key("quotes.csv")  # file names are hashed: they can name pupils
    assert one["inputs"]["corpus"]["files"][quotes] == two["inputs"]["corpus"]["files"][quotes]
    assert one["seed"] == 3 and one["parameters"]["seed"] == 3
    assert one["packages"]["pandas"] and one["packages"]["papermill"]
    assert [n["name"] for n in one["notebooks"]] == ["b_load.ipynb", "a_effects.ipynb"]
    # the bundle holds the same manifest and the executed copies sit in the run folder
    assert read_manifest(first.results_dir)["tables"] == two["tables"]
    assert (second.run_dir / "b_load.ipynb").exists() and (second.run_dir / "a_effects.ipynb").exists()
    assert not (second.run_dir / "c_scratch.ipynb").exists()
    bundle = read_bundle(first.results_dir)
    assert list(bundle["themes"]["label"]) == ["I LIKE MATHS NOW", "TUTORING WAS BORING", "I FEEL MORE CONFIDENT"]
    # a different seed changes a table, and its hash
    third = run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"], seed=4)
    assert read_manifest(third.manifest_path)["tables"]["themes"]["sha256"] != one["tables"]["themes"]["sha256"]


@pytest.mark.slow
def test_failing_cell_stops_the_run_naming_notebook_and_cell(tiny: dict[str, Path], capsys) -> None:
    write_notebook(tiny["notebooks"] / "b_load.ipynb", ["x = 1", "y = 2", "raise ValueError('bad quote table')"],
                   {"tags": ["analysis"], "order": 2, "produces": ["themes"]})
    with pytest.raises(NotebookFailed) as caught:
        run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"])
    error = caught.value
    assert error.notebook == "b_load.ipynb" and error.cell == 4  # parameters cell is 1; papermill's own is not counted
    assert error.ename == "ValueError" and "bad quote table" in str(error)
    assert error.executed.exists()
    assert not (tiny["project"] / "results").exists()  # nothing published
    code = main(["run", "--project", str(tiny["project"]), "--corpus", str(tiny["corpus"]),
                 "--notebooks", str(tiny["notebooks"])])
    assert code == 1
    err = capsys.readouterr().err
    assert "b_load.ipynb, cell 4" in err and "ValueError: bad quote table" in err


@pytest.mark.slow
def test_a_notebook_that_does_not_stage_what_it_promises_fails(tiny: dict[str, Path]) -> None:
    write_notebook(tiny["notebooks"] / "b_load.ipynb", ["x = 1"], {"tags": ["analysis"], "produces": ["themes"]})
    with pytest.raises(EvidenceError, match="b_load.ipynb says it produces \\['themes'\\]"):
        run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"])


@pytest.mark.slow
def test_reproduce_matches_then_names_the_tables_an_edited_quote_changes(tiny: dict[str, Path], capsys) -> None:
    run = run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"], seed=3)
    report = reproduce(run.manifest_path)
    assert report.ok and not report.inputs, report.describe()
    assert main(["reproduce", str(run.manifest_path)]) == 0
    assert "Reproduced exactly" in capsys.readouterr().out

    quotes = tiny["corpus"] / "quotes.csv"
    quotes.write_text(quotes.read_text(encoding="utf-8").replace("Tutoring was boring", "Tutoring was great"),
                      encoding="utf-8")
    report = reproduce(run.manifest_path)
    assert not report.ok
    assert [d.table for d in report.drifts] == ["themes"]  # effects depend on sizes only, not on the text
    assert report.inputs == [report.inputs[0]] and "quotes.csv: changed" in report.inputs[0]
    text = report.describe()
    assert "table themes: differs" in text
    assert "id='1': label: 'TUTORING WAS BORING' -> 'TUTORING WAS GREAT'" in text
    assert main(["reproduce", str(run.manifest_path)]) == 1
    out = capsys.readouterr().out
    assert "The inputs differ from the manifest" in out and "table themes" in out


@pytest.mark.slow
def test_reproduce_reports_versions_and_needs_a_moved_corpus(tiny: dict[str, Path], tmp_path: Path) -> None:
    run = run_analysis(tiny["project"], tiny["corpus"], notebooks=tiny["notebooks"])
    manifest = json.loads(run.manifest_path.read_text(encoding="utf-8"))
    manifest["packages"]["pandas"] = "0.0.1"
    manifest["packages"]["evidence (source code hash)"] = "an-older-checkout"
    run.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    moved = tmp_path / "moved"
    shutil.move(tiny["corpus"], moved)
    with pytest.raises(EvidenceError, match="pass --corpus DIR"):
        reproduce(run.manifest_path)
    report = reproduce(run.manifest_path, corpus=moved)
    assert report.ok
    assert any(line.startswith("package pandas: 0.0.1 in the manifest") for line in report.versions)
    assert "Package versions differ" in report.describe()
    assert any(line.startswith("package evidence (source code hash): an-older-checkout") for line in report.versions)


def test_param_values_are_read_as_yaml_and_bad_ones_refused() -> None:
    from evidence.cli.runs import parse_params

    assert parse_params(["n_themes=3", "unit=quote", "import_codings=false", "coders=a,b", "embedder="]) == {
        "n_themes": 3, "unit": "quote", "import_codings": False, "coders": "a,b", "embedder": ""}
    with pytest.raises(EvidenceError, match="NAME=VALUE"):
        parse_params(["3=x"])
    with pytest.raises(EvidenceError, match="NAME=VALUE"):
        parse_params(["novalue"])
