"""`evidence run` and `evidence reproduce` on researchers' own corpora, unlike the sample, with relative paths.

Each corpus is built here: another codebook, other coder names, another partnership; some parts missing.
The commands run as a researcher types them (current folder = a fresh folder, relative --project and
--corpus), through the real notebooks, papermill kernels and the project store.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evidence.bundle import read_bundle, read_manifest

REPO = Path(__file__).resolve().parents[1]
DFE = REPO.parent / "shared" / "fixtures" / "dfe"
DFE_TABLE, DFE_META = "2018-2019_936_ks4final.csv", "2018_2019_ks4_final_meta.csv"

CODEBOOK = """codebook: Allotment mentoring evaluation
codes:
  - id: growing
    name: Growing things
    colour: "#009E73"
    definition: Pupils talk about planting, seedlings and harvests at the allotment.
    keywords: [seed, plant, harvest, soil, grow, compost]
  - id: belonging
    name: Belonging
    colour: "#E69F00"
    definition: Pupils or staff describe feeling part of a group or welcomed.
    keywords: [friend, team, welcome, belong, together]
    children:
      - id: belonging.mentor
        name: Trust in the mentor
        definition: A pupil trusts or relies on their adult mentor.
        keywords: [mentor, trust, listen]
  - id: logistics
    name: Getting there
    colour: "#56B4E9"
    definition: Transport, weather and timetabling that help or stop sessions.
    keywords: [bus, rain, timetable, minibus, late, cancel]
"""

PLACES = ["allotment", "greenhouse", "orchard", "pond", "shed"]
THINGS = ["seedlings", "potatoes", "beans", "compost", "soil", "tomatoes"]
FEELINGS = ["welcome", "part of the team", "listened to", "with friends", "trusted by my mentor"]
TRANSPORT = ["the minibus was late", "rain cancelled the session", "the timetable clashed", "the bus broke down"]


def quote_rows(n: int, prefix: str = "G") -> list[dict[str, str]]:
    """Pupil answers in two waves (before/after), varied wording, deterministic."""
    rows = []
    for i in range(n):
        pupil = f"{prefix}-{i // 2 + 1:02d}"
        wave = "before" if i % 2 == 0 else "after"
        kind = i % 3
        if kind == 0:
            text = f"At the {PLACES[i % 5]} we plant {THINGS[i % 6]} and I like watching them grow in the soil."
        elif kind == 1:
            text = f"I feel {FEELINGS[i % 5]} when we work together at the {PLACES[(i + 2) % 5]}."
        else:
            text = f"Sometimes {TRANSPORT[i % 4]} so we missed the {PLACES[(i + 1) % 5]} and the {THINGS[i % 6]}."
        rows.append({"id": f"{prefix}{i + 1:03d}", "pupil": pupil, "school": "Hollowbrook High",
                     "wave": wave, "text": text})
    return rows


TRANSCRIPT = """Facilitator: Welcome everyone, let's talk about the allotment mentoring this term.
Dana Okafor (Head of Year): The pupils come back from the allotment calmer. They talk about the seedlings all week.
Rhys Llewellyn (Programme manager): Our mentors say trust builds slowly, but once a pupil feels listened to they open up.
Dana Okafor: The minibus was late three times and rain cancelled two sessions, which really hurt attendance.
Facilitator: What would you change for next year?
Rhys Llewellyn: A fixed timetable slot, and a shed where the pupils can keep their own tools and compost.
Dana Okafor: And more harvest days with parents invited, so families see what the children grow.
"""

TRANSCRIPT_2 = """Chair: Thank you for joining the review of the gardening partnership.
Priya Natt (Deputy Head): Attendance at the greenhouse sessions was strong until the timetable changed in spring.
Tom Beck (Volunteer mentor): Two of my mentees now run the compost rota themselves; they feel part of the team.
Priya Natt: We need the bus booked a term ahead, otherwise the sessions get cancelled.
Tom Beck: The pupils trust their mentor more when the same adult comes every week.
Chair: Let us agree the plan for the orchard planting next year.
"""


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def mentoring_corpus(folder: Path) -> Path:
    """Everything a researcher might have: another codebook, coders named in a column, pupils with other
    headers and group words, a roster, and a DfE KS4 table under its published file name (when available)."""
    (folder / "transcripts").mkdir(parents=True)
    (folder / "transcripts" / "review_spring.txt").write_text(TRANSCRIPT_2, encoding="utf-8")
    (folder / "transcripts" / "termly_meeting.txt").write_text(TRANSCRIPT, encoding="utf-8")
    quotes = quote_rows(48)
    write_csv(folder / "quotes" / "answers.csv", quotes)
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    codes = {0: "growing", 1: "belonging", 2: "logistics"}
    rows = []
    for i, quote in enumerate(quotes[:36]):
        rows.append({"Coder": "Ines", "id": quote["id"], "code": codes[i % 3]})
        other = codes[i % 3] if i % 6 else codes[(i + 1) % 3]  # Kofi disagrees on every sixth quote
        rows.append({"Coder": "Kofi", "id": quote["id"], "code": other})
    for i, quote in enumerate(quotes[36:42]):  # only Ines coded these: she has the most codings
        rows.append({"Coder": "Ines", "id": quote["id"], "code": codes[i % 3]})
    write_csv(folder / "codings" / "team_codings.csv", rows)
    pupils = [{"Student ID": f"G-{n:02d}", "School": "Hollowbrook High", "Arm": "intervention" if n % 2 else "control",
               "Baseline": 90 + (n * 7) % 15, "Endline": 95 + (n * 5) % 17 + (4 if n % 2 else 0)} for n in range(1, 25)]
    write_csv(folder / "quant" / "pupil_results.csv", pupils)
    if DFE.is_dir():
        shutil.copy(DFE / DFE_TABLE, folder / "quant" / DFE_TABLE)
        shutil.copy(DFE / DFE_META, folder / "quant" / DFE_META)
    write_csv(folder / "roster.csv", [{"name": "Dana Okafor", "kind": "staff", "aliases": "Dana"},
                                      {"name": "Hollowbrook High", "kind": "school", "aliases": "Hollowbrook"}])
    return folder


def transcripts_only(folder: Path) -> Path:
    """Two transcripts and nothing else: no codebook, no codings, no quotes, no numbers."""
    (folder / "transcripts").mkdir(parents=True)
    (folder / "transcripts" / "meeting one.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (folder / "transcripts" / "meeting-two.md").write_text(TRANSCRIPT_2, encoding="utf-8")
    return folder


def quotes_only(folder: Path) -> Path:
    """Pupil quotes and two coders' files named by the coder (other names), with another codebook."""
    quotes = quote_rows(40, prefix="Q")
    write_csv(folder / "quotes" / "survey.csv", quotes)
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    codes = ["growing", "belonging", "logistics"]
    write_csv(folder / "codings" / "amara.csv", [{"id": q["id"], "code": codes[i % 3]} for i, q in enumerate(quotes[:30])])
    write_csv(folder / "codings" / "jun.csv", [{"id": q["id"], "code": codes[(i + (i % 5 == 0)) % 3]}
                                               for i, q in enumerate(quotes[:24])] + [{"id": "Q999", "code": "growing"}])
    return folder


def evidence(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("EVIDENCE_PROJECT", None)
    done = subprocess.run([sys.executable, "-m", "evidence", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    if check and done.returncode != 0:
        raise AssertionError(f"evidence {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


RUN = ("--embedder", "tfidf", "-p", "n_themes=2")


def run_and_reproduce(tmp_path: Path, make) -> tuple[dict[str, pd.DataFrame], dict, subprocess.CompletedProcess]:
    make(tmp_path / "my corpus")
    done = evidence(tmp_path, "run", "--project", "proj", "--corpus", "my corpus", *RUN)
    bundle = read_bundle(tmp_path / "proj" / "results")
    manifest = read_manifest(tmp_path / "proj" / "results")
    again = evidence(tmp_path, "reproduce", "proj/results/manifest.json")
    assert "Reproduced exactly" in again.stdout, again.stdout + again.stderr
    return bundle, manifest, done


def notes_of(bundle: dict[str, pd.DataFrame]) -> str:
    return "\n".join(bundle["notes"]["note"]) if "notes" in bundle else ""


@pytest.mark.slow
def test_mentoring_corpus_with_coder_column_other_headers_and_dfe_table(tmp_path: Path) -> None:
    bundle, manifest, done = run_and_reproduce(tmp_path, mentoring_corpus)
    # the corpus's own codebook, not the starter
    assert set(bundle["codes"]["id"]) == {"growing", "belonging", "belonging.mentor", "logistics"}
    assert manifest["inputs"]["codebook"]["path"].endswith("my corpus/codebook.yaml")
    # both coders from the coder column; agreement is between the two people only
    humans = bundle["codings"][bundle["codings"]["origin"] == "import"]
    assert humans.groupby("coder").size().to_dict() == {"Ines": 42, "Kofi": 36}
    pooled = bundle["agreement"]
    assert set(pooled["code"]) == {"growing", "belonging", "logistics"}
    assert (pooled.loc[pooled["code"] == "growing", "n"] == 36).all()
    # machine coders are compared with each person separately, never pooled with them
    machines = bundle["machine_agreement"]
    assert set(machines["against"]) == {"Ines", "Kofi"}
    assert {"rules", "classifier"} <= set(machines["coder"])
    # the classifier learnt from Ines (most codings), and its agreement with her is marked as on training data
    assert (bundle["codings"]["coder"] == "classifier").any()
    assert "the classifier learnt from Ines's codings (42)" in notes_of(bundle)
    assert "the classifier learnt from Ines's codings" in done.stderr
    own = machines[(machines["coder"] == "classifier") & (machines["against"] == "Ines")]
    assert own["note"].str.contains("training data").all()
    assert not machines[machines["against"] == "Kofi"]["note"].fillna("").str.contains("training data").any()
    # pupils read through their own headers; effects computed
    assert len(bundle["outcomes"]) == 24 and set(bundle["outcomes"]["group"]) == {"tutored", "comparison"}
    assert bundle["effects"]["comparison"].str.startswith("tutored vs comparison").any()
    # counting: accepted codings only, and the joint display says what the bundle's codings say
    segments, codings = bundle["segments"], bundle["codings"]
    units = segments[segments["kind"].isin(["quote", "turn", "paragraph"])]
    counted = codings[codings["segment"].isin(units["id"]) & (codings["status"] == "accepted")]
    expected = counted.drop_duplicates(["segment", "code"]).groupby("code").size()
    joint = bundle["joint_display"].set_index("code")["n_segments"]
    assert joint.loc[expected.index].astype(int).to_dict() == expected.astype(int).to_dict()
    assert "accepted codings only" in notes_of(bundle)
    # no real name in any text
    text = "\n".join(t.astype(str).str.cat(sep="\n") for table in bundle.values()
                     for _, t in table.select_dtypes(include=["object", "string"]).items())
    assert "Dana Okafor" not in text and "Hollowbrook" not in text
    if DFE.is_dir():  # the DfE table under its published name, recognised by its columns
        assert len(bundle["schools"]) > 5 and "P8MEA" in bundle["schools"].columns
        assert "P8MEA__status" in bundle["schools"].columns


@pytest.mark.slow
def test_transcripts_only_skips_what_needs_codings_quotes_and_numbers(tmp_path: Path) -> None:
    bundle, manifest, done = run_and_reproduce(tmp_path, transcripts_only)
    notes = notes_of(bundle)
    assert "starter codebook" in notes and "starter codebook" in done.stderr
    assert "no codings/ folder" in notes and "agreement between coders needs two human coders" in notes
    assert "no pupil results table" in notes and "no school results table" in notes
    assert "no pupil quotes from two waves" in notes and "no roster.csv" in notes
    assert {"agreement", "outcomes", "effects", "schools", "voice_pairs"}.isdisjoint(bundle)
    assert manifest["notes"] and all(set(n) == {"step", "note"} for n in manifest["notes"])
    assert set(bundle["segments"]["kind"]) == {"turn", "sentence"}
    assert (bundle["codings"]["origin"] == "rule").any()  # the starter codebook's rules still suggest
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_quotes_only_with_coders_named_by_file(tmp_path: Path) -> None:
    bundle, manifest, done = run_and_reproduce(tmp_path, quotes_only)
    assert set(bundle["segments"]["kind"]) == {"quote"}
    assert set(bundle["agreement"]["code"]) >= {"growing", "belonging", "logistics"}
    assert (bundle["agreement"]["n"] == 24).any()  # the quotes both Amara and Jun coded
    assert set(bundle["machine_agreement"]["against"]) == {"amara", "jun"}
    assert "voice_pairs" in bundle and len(bundle["voice_pairs"])
    assert "no pupil results table" in notes_of(bundle)
    # a coding row naming no quote is not imported, and the note says which row (nothing else is lost)
    assert "codings/jun.csv: 1 of jun's rows name no segment" in notes_of(bundle) and "'Q999'" in notes_of(bundle)
    assert (bundle["codings"]["coder"] == "jun").sum() == 24


def source_rows(project: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(project / "evidence.sqlite") as connection:
        return sorted(connection.execute("SELECT id, file_hash FROM sources"))


@pytest.mark.slow
def test_failed_run_leaves_the_project_as_it_was_and_reruns_add_no_duplicates(tmp_path: Path) -> None:
    quotes_only(tmp_path / "corpus")
    evidence(tmp_path, "run", "--project", "proj", "--corpus", "corpus", *RUN, "--tag", "analysis")
    sources = source_rows(tmp_path / "proj")
    codings_before = sqlite3.connect(tmp_path / "proj" / "evidence.sqlite").execute(
        "SELECT COUNT(*) FROM codings").fetchone()[0]
    bundle_before = (tmp_path / "proj" / "results" / "manifest.json").read_bytes()
    # the same corpus from another path, plus a new transcript, and quotes whose ids clash with those stored
    moved = tmp_path / "elsewhere" / "corpus copy"
    shutil.copytree(tmp_path / "corpus", moved)
    (moved / "transcripts").mkdir()
    (moved / "transcripts" / "new meeting.txt").write_text(TRANSCRIPT, encoding="utf-8")
    write_csv(moved / "quotes" / "more answers.csv", [{**row, "text": row["text"].upper()} for row in quote_rows(3, "Q")])
    failed = evidence(tmp_path, "run", "--project", "proj", "--corpus", "elsewhere/corpus copy", *RUN, check=False)
    assert failed.returncode == 1
    assert "error: notebook 01_ingest.ipynb" in failed.stderr and "'Q001' is already used" in failed.stderr
    assert "as it was before this run" in failed.stderr
    assert source_rows(tmp_path / "proj") == sources  # the new transcript's ingest was undone
    assert sqlite3.connect(tmp_path / "proj" / "evidence.sqlite").execute(
        "SELECT COUNT(*) FROM codings").fetchone()[0] == codings_before
    assert (tmp_path / "proj" / "results" / "manifest.json").read_bytes() == bundle_before
    # the same content from the other path is "unchanged", never a second source
    (moved / "quotes" / "more answers.csv").unlink()
    shutil.rmtree(moved / "transcripts")
    evidence(tmp_path, "run", "--project", "proj", "--corpus", "elsewhere/corpus copy", *RUN, "--tag", "analysis")
    assert source_rows(tmp_path / "proj") == sources
    ingest = evidence(tmp_path, "ingest", "--project", "proj", "--json", "elsewhere/corpus copy/quotes")
    (line,) = [json.loads(x) for x in ingest.stdout.splitlines()]
    assert line["status"] == "unchanged" and "same content" in line["message"]


@pytest.mark.slow
def test_init_makes_an_empty_corpus_skeleton_with_readme_and_codebook(tmp_path: Path) -> None:
    done = evidence(tmp_path, "init", "--project", "study", "--json")
    made = json.loads(done.stdout)
    corpus = tmp_path / "study" / "corpus"
    assert made["corpus"] == str(corpus.resolve())
    for part in ("transcripts", "quotes", "articles", "codings", "quant"):
        assert (corpus / part).is_dir()
    readme = (corpus / "README.md").read_text(encoding="utf-8")
    assert "codings/" in readme and "coder column" in readme and "_meta.csv" in readme
    assert (corpus / "codebook.yaml").read_bytes() == (REPO / "corpora" / "codebook.yaml").read_bytes()
    (corpus / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    evidence(tmp_path / "study", "init")  # again, from inside, with no --project: edits are kept
    assert (corpus / "codebook.yaml").read_text(encoding="utf-8") == CODEBOOK
    empty = evidence(tmp_path / "study", "run", check=False)  # the empty skeleton: one clear line
    assert empty.returncode == 1 and "nothing to analyse" in empty.stderr and "Traceback" not in empty.stderr


@pytest.mark.slow
def test_run_help_documents_the_corpus_layout() -> None:
    done = evidence(REPO, "run", "--help")
    for part in ("transcripts/", "quotes/", "articles/", "codings/", "quant/", "roster.csv", "codebook.yaml",
                 "coder column", "_meta.csv", "starter codebook"):
        assert part in done.stdout, part


def test_quant_tables_are_recognised_by_their_columns(tmp_path: Path) -> None:
    from evidence.pipeline.analysis import find_corpus

    quant = tmp_path / "c" / "quant"
    write_csv(quant / "zz_students.csv", [{"Student ID": "A1", "School": "X", "Arm": "control", "Baseline": 1,
                                           "Endline": 2}])
    write_csv(quant / "aa_lookup.csv", [{"name": "X", "urn": "100001"}])
    write_csv(quant / "notes.csv", [{"comment": "hello"}])
    if DFE.is_dir():
        shutil.copy(DFE / DFE_TABLE, quant / DFE_TABLE)
        shutil.copy(DFE / DFE_META, quant / DFE_META)
    files = find_corpus(tmp_path / "c")
    assert files.pupils == quant / "zz_students.csv"
    assert files.school_urns == quant / "aa_lookup.csv"
    assert any("notes.csv" in line and "not recognised" in line for line in files.unused)
    if DFE.is_dir():
        assert files.schools == quant / DFE_TABLE and files.schools_kind == "dfe-ks4"
        assert files.schools_meta == quant / DFE_META


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_lab_starts_jupyterlab_on_the_notebooks_with_the_project_chosen(tmp_path: Path) -> None:
    import signal
    import time
    import urllib.request

    pytest.importorskip("jupyterlab")
    evidence(tmp_path, "init", "--project", "study")
    port, token = free_port(), "t0ken-for-this-test"
    env = {**os.environ, "JUPYTER_TOKEN": token, "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("EVIDENCE_PROJECT", None)
    server = subprocess.Popen([sys.executable, "-m", "evidence", "lab", "--no-browser", "--port", str(port)],
                              cwd=tmp_path / "study", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def get(path: str) -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=10) as answer:
            assert answer.status == 200
            return answer.read()

    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                specs = json.loads(get("/api/kernelspecs"))
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode(errors="replace")
                assert time.monotonic() < deadline, "JupyterLab did not answer within 180 s"
                time.sleep(1)
        kernel = specs["kernelspecs"]["evidence-python"]["spec"]
        assert kernel["argv"][0] == sys.executable
        assert kernel["env"]["EVIDENCE_PROJECT"] == str((tmp_path / "study").resolve())
        assert kernel["env"]["EVIDENCE_CORPUS"] == str((tmp_path / "study" / "corpus").resolve())
        assert specs["default"] == "evidence-python"
        notebook = json.loads(get("/api/contents/02_coding.ipynb"))
        assert notebook["type"] == "notebook"
        assert notebook["content"]["metadata"]["kernelspec"]["name"] == "evidence-python"
        assert b"JupyterLab" in get("/lab")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_same_content_from_another_path_is_unchanged_not_a_second_source(tmp_path: Path, monkeypatch) -> None:
    from evidence.project import Project

    monkeypatch.chdir(tmp_path)
    write_csv(Path("first/answers.csv"), quote_rows(6))
    shutil.copytree("first", "second copy")
    with Project.init("proj") as project:
        first = project.ingest(["first"])
        again = project.ingest(["second copy/answers.csv"])
        assert [f.status for f in first.files] == ["ingested"]
        assert [(f.status, f.source) for f in again.files] == [("unchanged", first.files[0].source)]
        assert "same content" in again.files[0].message
        assert len(project.sources()) == 1 and len(project.segments(["quote"])) == 6


FAILING_NOTEBOOKS = {
    "a_ingest.ipynb": ({"tags": ["analysis"], "order": 1, "produces": ["segments"]},
                       "from evidence.project import Project\n"
                       "with Project.init(project) as p:\n"
                       "    report = p.ingest([corpus + '/quotes'])\n"
                       "    assert report.ok, report.failed"),
    "b_fails.ipynb": ({"tags": ["analysis"], "order": 2, "needs": ["segments"]},
                      "raise RuntimeError('this step breaks on purpose')"),
}


def write_notebooks(folder: Path, notebooks: dict) -> Path:
    import nbformat

    folder.mkdir()
    for name, (meta, code) in notebooks.items():
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell('project = ""\ncorpus = ""\nseed = 0')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(code)]
        nb.metadata["evidence"] = meta
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / name)
    return folder


@pytest.mark.slow
def test_a_failed_run_puts_the_store_and_the_key_back(tmp_path: Path, monkeypatch) -> None:
    from evidence.core.errors import EvidenceError
    from evidence.pipeline.notebooks import run_analysis
    from evidence.project import Project

    monkeypatch.chdir(tmp_path)
    write_csv(Path("corpus/quotes/answers.csv"), quote_rows(4))
    with Project.init("proj") as project:  # what was there before the run: one source, a key
        project.ingest([write_csv(Path("earlier/old.csv"), quote_rows(3, prefix="E"))])
    key = Path("proj/private/pseudonym-key.json")
    key_before = key.read_bytes() if key.exists() else None
    notebooks = write_notebooks(Path("nbs"), FAILING_NOTEBOOKS)
    with pytest.raises(EvidenceError, match="breaks on purpose"):
        run_analysis("proj", "corpus", notebooks=notebooks, codebook=REPO / "corpora" / "codebook.yaml")
    with Project.open("proj") as project:
        assert list(project.sources()["id"]) == ["old"]  # the run's ingest was undone
        runs = project.store.read_sql("SELECT status FROM runs WHERE kind = 'run'")
        assert list(runs["status"]) == ["failed"]  # the failure is remembered
    assert (key.read_bytes() if key.exists() else None) == key_before
    assert not list(Path("proj/runs").glob("*/.before"))  # the snapshot is gone
    assert list(Path("proj/runs").glob("*/b_fails.ipynb"))  # the executed copy shows what broke


def test_a_long_pupil_table_one_row_per_wave_is_read_as_pre_and_post(tmp_path: Path) -> None:
    from evidence.pipeline.analysis import find_corpus, load_pupils
    from evidence.core.errors import InputError

    rows = [{"Learner ID": f"L{n}", "School name": "Kestrel Primary", "Condition": "treatment" if n % 2 else "control",
             "Timepoint": wave, "Scaled score": 100 + n + (6 if wave == "endline" and n % 2 else 0)}
            for n in range(1, 7) for wave in ("baseline", "endline")]
    write_csv(tmp_path / "c" / "quant" / "ks2_scores.csv", rows)
    files = find_corpus(tmp_path / "c")
    assert files.pupils == tmp_path / "c" / "quant" / "ks2_scores.csv" and files.schools is None
    frame = load_pupils(files.pupils).frame.set_index("pupil_id")
    assert frame.loc["L1", ["pre_score", "post_score", "group"]].tolist() == [101.0, 107.0, "tutored"]
    assert frame.loc["L2", ["pre_score", "post_score", "group"]].tolist() == [102.0, 102.0, "comparison"]
    rows[3]["Timepoint"] = "midway"
    write_csv(tmp_path / "c" / "quant" / "ks2_scores.csv", rows)
    with pytest.raises(InputError, match=r"ks2_scores.csv.*row 4.*'midway'"):
        load_pupils(files.pupils)


def test_mixed_methods_counts_accepted_codings_unless_asked_and_then_says_so(tmp_path: Path, monkeypatch) -> None:
    from evidence.pipeline import analysis
    from evidence import bundle as results
    from evidence.codebook import load_codebook
    from evidence.codebook.changes import load_into_project
    from evidence.core.model import Coding
    from evidence.project import Project

    monkeypatch.chdir(tmp_path)
    write_csv(Path("c/quotes/answers.csv"), quote_rows(12))
    Path("c/codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init("proj") as project:
        project.ingest(["c/quotes"])
        load_into_project(project, load_codebook("c/codebook.yaml"), author="test")
        ids = list(project.segments(["quote"])["id"])
        project.add_codings([Coding(segment=i, code="growing", coder="Wren") for i in ids[:3]]
                            + [Coding(segment=i, code="growing", coder="rules", origin="rule", status="suggested")
                               for i in ids[3:8]])
        accepted = analysis.mixed_methods(project, "c")
        assert accepted["joint_display"].set_index("code").loc["growing", "n_segments"] == 3
        assert "counted" not in accepted["joint_display"]
        assert "accepted codings only" in "\n".join(analysis.run_notes(project)["note"])
        results.clear_staged(project)
        both = analysis.mixed_methods(project, "c", include_suggestions=True)
        assert both["joint_display"].set_index("code").loc["growing", "n_segments"] == 8
        assert set(both["joint_display"]["counted"]) == {"accepted codings and unreviewed suggestions"}
        assert "suggestions that nobody has reviewed" in "\n".join(analysis.run_notes(project)["note"])


def test_notebook_inputs_fill_empty_parameters_from_what_lab_chose(tmp_path: Path, monkeypatch) -> None:
    from evidence.pipeline.analysis import notebook_inputs, starter_codebook

    monkeypatch.chdir(tmp_path)
    for name in ("EVIDENCE_PROJECT", "EVIDENCE_CORPUS", "EVIDENCE_CODEBOOK"):
        monkeypatch.delenv(name, raising=False)
    assert notebook_inputs() == ("../project", str(Path("../project/corpus")), str(starter_codebook()))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    monkeypatch.setenv("EVIDENCE_PROJECT", str(tmp_path / "p"))
    monkeypatch.setenv("EVIDENCE_CORPUS", str(tmp_path / "c"))
    assert notebook_inputs() == (str(tmp_path / "p"), str(tmp_path / "c"), str((tmp_path / "c" / "codebook.yaml").resolve()))
    assert notebook_inputs("given", "c2", "book.yaml") == ("given", "c2", "book.yaml")  # evidence run's values win
