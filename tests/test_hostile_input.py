"""Hostile and unlucky input: alias bombs, deep nesting, FIFOs, nested zip bombs, formula cells,
broken caption blocks and CSV quotes, read-only projects, killed runs. Each is a one-line error (or a
safe result), never a traceback, a hang or a silent merge."""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evidence.cli import main
from evidence.core.errors import CodebookError, InputError, ProjectError
from evidence.ingest import ReadOptions, read_file
from evidence.project import Project

ALIAS_BOMB = "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9 if p else ['lol'] * 9)}]\n"
    for n, p in zip("abcdefgh", ["", "a", "b", "c", "d", "e", "f", "g"]))


def _opts() -> ReadOptions:
    return ReadOptions(source_id="t")


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "proj"
    assert main(["init", "--project", str(folder)]) == 0
    with open(folder / "evidence.yaml", "a", encoding="utf-8") as handle:
        handle.write("ner_pipeline: false\n")
    return folder


# -- YAML: aliases and depth -----------------------------------------------------------------------------
def test_alias_bomb_in_a_sidecar_is_refused_quickly(tmp_path):
    text = tmp_path / "meeting.txt"
    text.write_text("Nell Ashby: we met.\nOrin Vale: we did.\n", encoding="utf-8")
    (tmp_path / "meeting.txt.meta.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError, match="alias bomb") as caught:
        read_file(text, _opts())
    assert time.perf_counter() - started < 5
    assert "meeting.txt.meta.yaml" in str(caught.value)


def test_a_few_aliases_are_still_fine(tmp_path):
    text = tmp_path / "m.txt"
    text.write_text("Nell Ashby: we met.\nOrin Vale: we did.\n", encoding="utf-8")
    (tmp_path / "m.txt.meta.yaml").write_text("school: &s Larch Row\npartnership: *s\n", encoding="utf-8")
    assert read_file(text, _opts()).source.partnership == "Larch Row"


def test_codebook_nested_5000_deep_is_one_line_error(tmp_path, capsys):
    folder = _project(tmp_path)
    deep = tmp_path / "deep.yaml"
    deep.write_text("codes:\n  - " + "{id: c, name: C, children: [" * 5000 + "{id: leaf, name: Leaf}"
                    + "]}" * 5000 + "\n", encoding="utf-8")
    assert main(["codebook", "load", "--project", str(folder), str(deep)]) == 1
    err = capsys.readouterr().err
    assert "nested more than" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_codebook_alias_bomb_is_a_codebook_error(tmp_path):
    from evidence.codebook.yamlio import read_yaml_with_lines

    with pytest.raises(CodebookError, match="alias bomb"):
        read_yaml_with_lines(ALIAS_BOMB, "bomb.yaml")


def test_project_settings_alias_bomb_is_a_project_error(tmp_path):
    folder = _project(tmp_path)
    (folder / "evidence.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    with pytest.raises(ProjectError, match="alias bomb"):
        Project.open(folder)


# -- regular files only ------------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_given_to_ingest_is_an_error_not_a_hang(tmp_path, capsys):
    folder = _project(tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text("Nell Ashby: we met.\nOrin Vale: we did.\n", encoding="utf-8")
    outcome: list[int] = []
    worker = threading.Thread(target=lambda: outcome.append(main(["ingest", "--project", str(folder),
                                                                  str(fifo), str(good)])), daemon=True)
    worker.start()
    worker.join(timeout=120)
    if worker.is_alive():  # it hangs on the FIFO: free it, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=10)
        pytest.fail("ingest blocked on a FIFO")
    assert outcome == [1]
    out = capsys.readouterr()
    assert "not a regular file" in out.out + out.err and "Traceback" not in out.err
    with Project.open(folder) as project:  # the good file still went in
        assert len(project.sources()) == 1


# -- zips inside zips ---------------------------------------------------------------------------------------
def _docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (40 * 2**20) + b"</w:document>")
    return buffer.getvalue()


def test_docx_inside_a_qdpx_gets_the_zip_limits():
    from evidence.refi.documents import docx_text

    data = _docx_bomb()
    assert len(data) < 200_000
    with pytest.raises(InputError, match="zip bomb") as caught:
        docx_text(data, "project.qdpx:sources/x.docx")
    assert "project.qdpx:sources/x.docx" in str(caught.value)


# -- formula injection -------------------------------------------------------------------------------------
FORMULAS = ['=HYPERLINK("http://example.org/x","click")', "@SUM(1+1)|cmd", "+1+2", "-3+4", "\tTAB", "\rCR"]


def test_spreadsheet_safe_quotes_formula_cells_and_round_trips():
    from evidence.core.safety import spreadsheet_restore, spreadsheet_safe

    frame = pd.DataFrame({"=col": FORMULAS + ["plain", "'=already"], "n": range(8)})
    safe = spreadsheet_safe(frame)
    assert all(v.startswith("'") for v in safe["'=col"][:6])
    assert safe["'=col"][6] == "plain" and safe["'=col"][7] == "''=already"
    assert list(safe["n"]) == list(range(8))
    assert spreadsheet_restore(safe).equals(frame)


def test_export_codebook_csv_neutralises_formulas(tmp_path):
    folder = _project(tmp_path)
    book = tmp_path / "book.yaml"
    book.write_text("codes:\n  - id: hyper\n    name: '=HYPERLINK(A1,\"x\")'\n"
                    "    definition: '+SUM(1)|cmd'\n  - id: calm\n    name: Calm pupils\n"
                    "    definition: Pupils say they feel calm in lessons.\n", encoding="utf-8")
    assert main(["codebook", "load", "--project", str(folder), str(book)]) == 0
    out = tmp_path / "book.csv"
    assert main(["export-codebook", "--project", str(folder), "--format", "csv", str(out)]) == 0
    cells = [cell for row in csv.reader(out.open(encoding="utf-8")) for cell in row]
    # (a web address or an @handle inside would itself be pseudonymised on loading, like any text)
    assert "'=HYPERLINK(A1,\"x\")" in cells and "'+SUM(1)|cmd" in cells
    assert not any(c[:1] in ("=", "@", "+", "-") for c in cells if c)
    assert "Calm pupils" in cells


def test_outcomes_save_neutralises_formulas_and_reads_back(tmp_path):
    from evidence.mixed.saved import load_saved_outcomes

    folder = _project(tmp_path)
    table = tmp_path / "pupils.csv"
    table.write_text("pupil_id,school,group,pre_score,post_score\n"
                     "=1+1,@SUM(A1)|cmd,tutored,10,12\nP2,Birch,comparison,11,13\n"
                     "P3,Birch,tutored,-4,3\n", encoding="utf-8")
    assert main(["outcomes", "--project", str(folder), "--kind", "pupil", "--save", str(table)]) == 0
    saved = (folder / "private" / "outcomes" / "pupil.csv").read_text(encoding="utf-8")
    assert "'=1+1" in saved and "'@SUM(A1)|cmd" in saved and "\n=" not in saved and ",@" not in saved
    back = load_saved_outcomes(folder, "pupil")
    assert back.frame.loc[0, "pupil_id"] == "=1+1" and back.frame.loc[0, "school"] == "@SUM(A1)|cmd"
    assert back.frame["pre_score"].tolist() == [10, 11, -4]


def test_case_by_code_xlsx_and_csv_hold_no_formula(tmp_path):
    from openpyxl import load_workbook

    from evidence.mixed.quantitise import write_case_by_code

    long = pd.DataFrame({"case": ["=cmd|' /C calc'!A0", "Pupil 004"], "code": ["@risk", "calm"],
                         "count": [2, 1], "presence": [1, 1], "units": [3, 2], "share": [0.6, 0.5]})
    path = write_case_by_code(long, tmp_path / "cases.xlsx")
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert "'=cmd|' /C calc'!A0" in [c.value for c in book["long"]["A"]]
    csv_path = write_case_by_code(long, tmp_path / "cases.csv")
    text = csv_path.read_text(encoding="utf-8")
    assert "'@risk" in text and "\n=" not in text


# -- captions and CSV rows never merged silently ------------------------------------------------------------
@pytest.mark.parametrize("name, text, line", [
    ("missing_timing.srt", "1\n00:00:01,000 --> 00:00:02,000\nAlice Brand: Hello\n\n2\nBob Crane: mine\n\n"
     "3\n00:00:04,000 --> 00:00:05,000\nAlice Brand: ok\n", 5),
    ("run_on.srt", "1\n00:00:01,000 --> 00:00:02,000\nAlice Brand: Hello\n2\n00:00:02,000 --> 00:00:03,000\n"
     "Bob Crane: mine\n", 5),
    ("bad_number.srt", "1\n00:00:01,000 --> 00:00:02,000\nAlice Brand: Hello\n\nx2\n"
     "00:00:02,000 --> 00:00:03,000\nBob Crane: mine\n", 5),
    ("missing_timing.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Alice Brand>Hello\n\nBob Crane: mine\n\n"
     "00:03.000 --> 00:04.000\n<v Alice Brand>ok\n", 6),
])
def test_broken_caption_block_is_an_error_with_its_line(tmp_path, name, text, line):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_file(path, _opts())
    assert caught.value.line == line


def test_well_formed_captions_with_notes_and_styles_still_read(tmp_path):
    path = tmp_path / "ok.vtt"
    path.write_text("WEBVTT - roundtable\nKind: captions\n\nNOTE written by hand\nsecond line\n\nSTYLE\n"
                    "::cue { color: red }\n\nintro\n00:01.000 --> 00:02.000 align:start\n<v Alice Brand>Hello\n\n"
                    "00:02.000 --> 00:03.000\n<v Bob Crane>Mine\n", encoding="utf-8")
    reading = read_file(path, _opts())
    assert [s["name"] for s in reading.speakers] == ["Alice Brand", "Bob Crane"]


def test_vtt_cue_without_a_blank_line_before_it_is_its_own_cue(tmp_path):
    """WebVTT's parsing rules (and YouTube's exports) start a new cue at a timing line."""
    path = tmp_path / "yt.vtt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Alice Brand>Hello there\n00:02.000 --> 00:03.000\n"
                    "<v Bob Crane>Mine now\n", encoding="utf-8")
    reading = read_file(path, _opts())
    turns = {s.speaker: s.text for s in reading.segments if s.kind == "turn"}
    assert turns == {"Alice Brand": "Hello there", "Bob Crane": "Mine now"}


@pytest.mark.parametrize("text, line", [
    ('ref,learner,answer\nR0,Zed,fine\n\nR1,Ann,"I like reading\nR2,Bob,Maths is fun\n', 4),
    ('ref,learner,answer\nR1,Ann,"I like reading\nR2,Bob,Maths is fun"\nR3,Cy,ok\n', 2),
    ('ref;learner;answer\nR1;Ann;"I like; reading\nR2;Bob;fun\nR3;Cy;"ok"\n', 2),
])
def test_csv_row_with_an_unterminated_quote_is_an_error_with_its_line(tmp_path, text, line):
    path = tmp_path / "quotes.csv"
    path.write_text(text, encoding="utf-8")
    options = ReadOptions(source_id="q", columns={"id": "ref", "pupil": "learner", "text": "answer"})
    with pytest.raises(InputError) as caught:
        read_file(path, options)
    assert caught.value.line == line
    assert "quote" in str(caught.value)


def test_quoted_text_over_several_lines_is_still_one_quote(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text('id,pupil,text\nQ1,Ann,"I like reading\nand writing, a lot"\nQ2,Bob,"Maths, ""is"" fun"\n',
                    encoding="utf-8")
    quotes = [s.text for s in read_file(path, _opts()).segments if s.kind == "quote"]
    assert quotes == ["I like reading\nand writing, a lot", 'Maths, "is" fun']


# -- read-only projects and folders that are files ----------------------------------------------------------
def test_init_on_a_file_is_one_line(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("x", encoding="utf-8")
    assert main(["init", "--project", str(target)]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and len(err.strip().splitlines()) == 1


def _read_only(folder: Path, *command: str) -> subprocess.CompletedProcess:
    """Run an evidence command with ``folder`` mounted read-only (a private mount namespace), or as a
    user who cannot write it; skip when neither is possible here."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    args = [sys.executable, "-m", "evidence", *command]
    if os.geteuid() != 0:
        os.chmod(folder, 0o500)
        os.chmod(folder / "evidence.sqlite", 0o400)
        try:
            return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        finally:
            os.chmod(folder, 0o700)
            os.chmod(folder / "evidence.sqlite", 0o600)
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root without mount namespaces: cannot make a folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"'
    return subprocess.run([unshare, "-rm", "sh", "-c", script, "sh", str(folder), *args], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_read_only_project_reads_and_refuses_writes_in_one_line(tmp_path):
    folder = _project(tmp_path)
    transcript = tmp_path / "talk.txt"
    transcript.write_text("Nell Ashby: we met on Tuesday.\nOrin Vale: we did.\n", encoding="utf-8")
    assert main(["ingest", "--project", str(folder), str(transcript)]) == 0
    listed = _read_only(folder, "sources", "--project", str(folder))
    assert listed.returncode == 0, listed.stderr
    assert "talk" in listed.stdout
    other = tmp_path / "more.txt"
    other.write_text("Pia Lund: another one.\nQuin Hart: yes.\n", encoding="utf-8")
    written = _read_only(folder, "ingest", "--project", str(folder), str(other))
    assert written.returncode == 1
    assert "read-only" in written.stdout + written.stderr and "Traceback" not in written.stderr
    loaded = _read_only(folder, "codebook", "load", "--project", str(folder),
                        str(Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"))
    assert loaded.returncode == 1 and "read-only" in loaded.stderr and "Traceback" not in loaded.stderr


# -- interrupted runs ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_run_of_a_killed_process_is_marked_interrupted(tmp_path):
    folder = _project(tmp_path)
    code = ("import sys, time\nfrom evidence.project import Project\n"
            f"p = Project.open({str(folder)!r})\nprint(p.store.start_run('autocode', {{}}), flush=True)\n"
            "time.sleep(120)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        run = int(child.stdout.readline())
        with Project.open(folder) as project:  # still running: left alone
            assert project.store.scalar("SELECT status FROM runs WHERE id = ?", (run,)) == "running"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with Project.open(folder) as project:
        assert project.store.scalar("SELECT status FROM runs WHERE id = ?", (run,)) == "interrupted"
        assert "killed" in project.store.scalar("SELECT result FROM runs WHERE id = ?", (run,))


def test_kernel_folders_of_dead_processes_are_removed(tmp_path):
    from evidence.core.processes import clean_dead_kernel_folders, kernel_folder_prefix

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    left = tmp_path / f"evidence-kernel-{dead}-abc123"
    (left / "kernels").mkdir(parents=True)
    mine = Path(tempfile.mkdtemp(prefix=kernel_folder_prefix(), dir=tmp_path))
    unrelated = tmp_path / "evidence-kernelish"
    unrelated.mkdir()
    removed = clean_dead_kernel_folders(tmp_path)
    assert removed == [left] and not left.exists() and mine.exists() and unrelated.exists()


def test_qdc_codebook_nested_5000_deep_is_one_line_error(tmp_path, capsys):
    folder = _project(tmp_path)
    codes = "".join(f'<Code guid="d1000000-0000-4000-8000-{i:012d}" name="C{i}" isCodable="true">' for i in range(5000))
    qdc = tmp_path / "deep.qdc"
    qdc.write_text('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                   + codes + "</Code>" * 5000 + "</Codes></CodeBook>", encoding="utf-8")
    assert main(["import-codebook", "--project", str(folder), str(qdc)]) == 1
    err = capsys.readouterr().err
    assert "nested more than" in err and len(err.strip().splitlines()) == 1


def test_streamed_segments_match_the_frame(tmp_path):
    folder = _project(tmp_path)
    quotes = tmp_path / "answers.csv"
    quotes.write_text("ref,learner,answer\nA1,Pupil 003,I like the club\nA2,Pupil 004,\"Two, lines\nof text\"\n",
                      encoding="utf-8")
    talk = tmp_path / "talk.txt"
    talk.write_text("Nell Ashby: we met on Tuesday. It went well.\nOrin Vale: we did.\n", encoding="utf-8")
    assert main(["ingest", "--project", str(folder), "--columns", "id=ref,pupil=learner,text=answer",
                 str(quotes)]) == 0
    assert main(["ingest", "--project", str(folder), str(talk)]) == 0
    with Project.open(folder) as project:
        frame = project.segments().to_dict("records")
        streamed = list(project.store.iter_segments(batch=2))
        assert streamed == frame and len(streamed) >= 6
        assert list(project.store.iter_segments(kinds=["quote"])) == project.segments(["quote"]).to_dict("records")
