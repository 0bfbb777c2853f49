"""The results bundle: canonical hashes, atomic publishing, readable diffs."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evidence import bundle as results
from evidence.core.errors import EvidenceError
from evidence.project import Project
from evidence.pipeline.reproduce import compare_tables, row_diff


def themes(label: str = "confidence") -> pd.DataFrame:
    return pd.DataFrame({"id": [2, 0, 1], "label": ["cost", label, "time"], "size": [3, 10, 4],
                         "words": [["cost", "money"], ["confident"], np.array(["time"])]})


def test_hash_ignores_row_order_dtype_and_float_noise_but_not_values() -> None:
    a = results.canonical_table("themes", themes())
    shuffled = results.canonical_table("themes", themes().iloc[[2, 0, 1]])
    assert results.table_hash(a) == results.table_hash(shuffled)
    assert list(a["id"]) == [0, 1, 2]  # sorted on the key
    floats = a.assign(size=a["size"].astype(float) + 1e-14)
    assert results.table_hash(floats) == results.table_hash(a)
    assert results.table_hash(results.canonical_table("themes", themes("confident"))) != results.table_hash(a)
    assert a.loc[0, "words"] == '["confident"]'  # nested values as JSON text


def test_canonical_table_orders_documented_columns_and_requires_some() -> None:
    frame = pd.DataFrame({"extra": [1], "g": [0.3], "comparison": ["tutored vs comparison"]})
    assert list(results.canonical_table("effects", frame).columns) == ["comparison", "g", "extra"]
    with pytest.raises(EvidenceError, match="lacks the column"):
        results.canonical_table("effects", pd.DataFrame({"g": [0.1]}))


def test_stage_refuses_store_tables_and_non_frames(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    with pytest.raises(EvidenceError, match="read from the project store"):
        results.stage(project, codings=pd.DataFrame({"segment": ["a"], "code": ["b"]}))
    with pytest.raises(EvidenceError, match="must be a pandas DataFrame"):
        results.stage(project, themes=[1, 2])
    results.stage(project, themes=themes())
    assert list(results.staged(project)) == ["themes"]
    results.clear_staged(project)
    assert results.staged(project) == {}


def test_publish_writes_store_and_staged_tables_with_manifest(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    results.stage(project, themes=themes())
    folder = results.publish(project)
    bundle = results.read_bundle(folder)
    assert {"segments", "codes", "codings", "cases", "themes"} <= set(bundle)
    manifest = results.read_manifest(folder)
    assert manifest["tables"]["themes"]["sha256"] == results.table_hash(bundle["themes"])
    assert manifest["tables"]["themes"]["rows"] == 3
    assert not [p.name for p in folder.parent.iterdir() if p.name.startswith(".results")]


def test_write_bundle_replaces_atomically_and_a_failure_keeps_the_old(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "results"
    results.write_bundle({"themes": themes("one")}, folder, {"n": 1})
    results.write_bundle({"themes": themes("two")}, folder, {"n": 2})
    assert results.read_bundle(folder)["themes"]["label"].tolist() == ["cost", "two", "time"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]  # no temp folders left behind

    class Unwritable:
        def to_parquet(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        results.write_bundle({"themes": themes("three"), "bad": Unwritable()}, folder)  # type: ignore[dict-item]
    assert results.read_bundle(folder)["themes"]["label"].tolist() == ["cost", "two", "time"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]

    from evidence.bundle import io as bundle_io

    monkeypatch.setattr(bundle_io, "_exchange", lambda a, b: False)  # the portable path: move aside, move in
    results.write_bundle({"themes": themes("four")}, folder)
    assert results.read_bundle(folder)["themes"]["label"].tolist() == ["cost", "four", "time"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_a_reader_never_sees_half_a_bundle(tmp_path: Path) -> None:
    folder = tmp_path / "results"

    def bundle(n: int) -> dict[str, pd.DataFrame]:
        return {name: pd.DataFrame({"id": range(200), "label": [f"v{n}"] * 200, "size": n})
                for name in ("themes", "a", "b", "c")}

    results.write_bundle(bundle(0), folder)
    done = threading.Event()
    mixed: list[set] = []

    def reader() -> None:
        while not done.is_set():
            try:
                tables = results.read_bundle(folder)
            except (EvidenceError, FileNotFoundError):  # between bundles under a tight write loop: try again
                continue
            versions = {int(t["size"].iloc[0]) for t in tables.values()}
            if len(versions) != 1 or len(tables) != 4:
                mixed.append(versions)

    thread = threading.Thread(target=reader)
    thread.start()
    for n in range(1, 16):
        results.write_bundle(bundle(n), folder)
    done.set()
    thread.join()
    assert not mixed


def test_row_diff_names_rows_and_values() -> None:
    before = results.canonical_table("themes", themes())
    after = results.canonical_table("themes", pd.concat([themes("confident"), pd.DataFrame(
        {"id": [7], "label": ["new"], "size": [1], "words": [["x"]]})]))
    lines = row_diff("themes", before, after)
    assert "1 row(s) only in the re-run:" in lines
    assert "  id='7'" in lines
    assert "  id='0': label: 'confidence' -> 'confident'" in lines
    drifts = compare_tables(results.bundle_manifest({"themes": before, "gone": before}), {"themes": after},
                            {"themes": before})
    assert [d.table for d in drifts] == ["gone", "themes"]
    assert "missing from the re-run" in drifts[0].describe()


def test_publish_refuses_a_table_holding_a_real_name(tmp_path: Path) -> None:
    from evidence.privacy import load_or_create_key
    from evidence.privacy.roster import KnownName

    project = Project.init(tmp_path / "p")
    key = load_or_create_key(project.private_dir)
    pseudonym = key.pseudonym(KnownName("Millicent Wilkinson", "pupil"))
    key.save()
    results.stage(project, themes=themes(f"{pseudonym} feels confident"))
    results.publish(project)
    results.stage(project, themes=themes("Millicent Wilkinson feels confident"))
    with pytest.raises(EvidenceError) as caught:
        results.publish(project)
    message = str(caught.value)
    assert "table themes, column label" in message and pseudonym in message
    assert "Millicent" not in message
    assert "Millicent" not in results.read_bundle(project.results_dir)["themes"].to_string()  # old bundle kept
