"""The coding commands end to end: codebook load/show, import-codings, autocode, learning-curve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample's pupil quotes and the codebook, put in through the CLI; the tests run in file order."""
    folder = str(tmp_path_factory.mktemp("cli") / "proj")
    assert main(["init", "--project", folder]) == 0
    assert main(["ingest", "--project", folder, str(SAMPLE / "quotes" / "pupil_quotes.csv")]) == 0
    assert main(["codebook", "load", "--project", folder, str(ROOT / "corpora" / "codebook.yaml")]) == 0
    return folder


def test_codebook_show_and_bad_codebook(sample_dir: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    capsys.readouterr()
    assert main(["codebook", "show", "--project", sample_dir, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown) == 28 and shown[0]["id"] == "features"
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - id: x\n    name: X\n    parent: nowhere\n    definition: d\n", encoding="utf-8")
    assert main(["codebook", "load", "--project", sample_dir, str(bad)]) == 1
    assert f"{bad}, line 2: code 'x' has unknown parent 'nowhere'" in capsys.readouterr().err


@pytest.mark.slow
def test_import_then_learning_curve_json(sample_dir: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["import-codings", "--project", sample_dir, str(SAMPLE / "codings" / "researcher_a.csv"),
                 "--coder", "A"]) == 0
    assert main(["import-codings", "--project", sample_dir, str(SAMPLE / "codings" / "researcher_b_wide.xlsx"),
                 "--coder", "B"]) == 0
    out = capsys.readouterr().out
    assert "codings imported for coder 'A' (long layout)" in out and "(wide layout)" in out
    assert main(["learning-curve", "--project", sample_dir, "--coder", "A", "--fractions", "0.1,0.3",
                 "--seed", "3", "--features", "tfidf", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["fraction"] for r in results] == [0.1, 0.3]
    for result in results:
        assert set(result) >= {"fraction", "kappa_mean", "per_code"}
        assert all(set(p) >= {"code", "kappa"} for p in result["per_code"])
    assert results[1]["kappa_mean"] > 0.3


@pytest.mark.slow
def test_autocode_rules_keeps_reviewed_work_and_failed_runs_lose_nothing(sample_dir: str, capsys) -> None:
    from evidence.project import Project

    assert main(["autocode", "--project", sample_dir, "--method", "rules", "--coder", "kw"]) == 0
    with Project.open(sample_dir) as p:
        first = p.codings(coder="kw")
        assert len(first) > 50 and set(first["status"]) == {"suggested"} and set(first["origin"]) == {"rule"}
        reviewed = int(first["id"].iloc[0])
        p.set_coding_status([reviewed], "rejected")
    assert main(["autocode", "--project", sample_dir, "--method", "rules", "--coder", "kw"]) == 0
    with Project.open(sample_dir) as p:
        again = p.codings(coder="kw")
        assert reviewed in set(again["id"])  # the rejected suggestion stays, and is not suggested twice
        row = again.set_index("id").loc[reviewed]
        assert len(again[(again["segment"] == row["segment"]) & (again["code"] == row["code"])]) == 1
        before = len(again)
    capsys.readouterr()
    assert main(["autocode", "--project", sample_dir, "--method", "similarity", "--coder", "kw",
                 "--embedder", "path:/no/such/model"]) == 1
    assert "error:" in capsys.readouterr().err
    with Project.open(sample_dir) as p:
        assert len(p.codings(coder="kw")) == before
        runs = p.store.read_sql("SELECT status FROM runs WHERE kind = 'autocode' ORDER BY id")
        assert runs["status"].tolist()[-1] == "failed"


@pytest.mark.slow
def test_autocode_similarity_stores_explained_suggestions(sample_dir: str) -> None:
    """The similarity coder through `evidence autocode` (the path the analysis notebook takes)."""
    from evidence.project import Project

    assert main(["autocode", "--project", sample_dir, "--method", "similarity", "--coder", "sim",
                 "--embedder", "tfidf"]) == 0
    with Project.open(sample_dir) as p:
        suggested = p.codings(coder="sim")
    assert not suggested.empty
    assert set(suggested["origin"]) == {"similarity"} and set(suggested["status"]) == {"suggested"}
    assert suggested["explanation"].str.len().min() > 0 and suggested["confidence"].notna().all()
