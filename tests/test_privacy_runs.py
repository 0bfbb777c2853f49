"""A run's manifest and executed notebooks keep no real name from file or folder names or printed output."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from evidence.pipeline.notebooks import run_analysis
from evidence.privacy.paths import input_key
from evidence.bundle import read_manifest

INGEST = """
from pathlib import Path
from evidence.project import Project
p = Project.init(project)
report = p.ingest([Path(corpus) / "transcripts"], roster=Path(corpus) / "roster.csv")
for f in report.files:
    print(f.path, "->", f.source)
print(corpus)
"""


@pytest.mark.slow
def test_manifest_and_executed_notebooks_hold_no_names(tmp_path: Path) -> None:
    corpus = tmp_path / "visit_nkechi_adeyemi"  # a folder named after a pupil
    (corpus / "transcripts").mkdir(parents=True)
    (corpus / "transcripts" / "nkechi_adeyemi_chat.txt").write_text(
        "Mentor: How was the term?\nNkechi Adeyemi: Good, thanks to Mr Fairclough.\nMentor: Great.\n"
        "Nkechi Adeyemi: Yes.\n", encoding="utf-8")
    (corpus / "roster.csv").write_text("name,kind\nNkechi Adeyemi,pupil\nOsric Fairclough,staff\n", encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('project = ""\ncorpus = ""\nseed = 0\nrun_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(INGEST)]
    nb.metadata["evidence"] = {"tags": ["analysis"], "order": 1}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebooks / "ingest.ipynb")

    run = run_analysis(tmp_path / "project", corpus, notebooks=notebooks, seed=1)
    manifest_text = run.manifest_path.read_text(encoding="utf-8")
    executed = (run.run_dir / "ingest.ipynb").read_text(encoding="utf-8")
    bundle_manifest = json.dumps(read_manifest(run.results_dir))
    for text in (manifest_text, executed, bundle_manifest):
        assert "nkechi" not in text.lower() and "adeyemi" not in text.lower() and "Fairclough" not in text
    manifest = read_manifest(run.manifest_path)
    assert input_key("transcripts/nkechi_adeyemi_chat.txt") in manifest["inputs"]["corpus"]["files"]
    assert manifest["inputs"]["corpus"]["path"] == ""  # it named a pupil: reproduce asks for --corpus
    assert "Pupil " in executed  # the printed source id is the pseudonymised one
