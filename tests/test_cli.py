"""The command line as a newcomer meets it: help everywhere, --version, --json, --quiet/--verbose, warnings once.

The walker fails on any command or option added without a help text, so it also checks commands added later.
Runs against a small project of its own (another codebook, other coder names, the current folder as project).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from evidence.cli import EXIT_CODES, build_parser, command_parsers

JSON_OPTIONS = {"--json", "--jsonl"}


def _commands():
    return list(command_parsers(build_parser()))


def test_every_command_has_a_summary_and_a_description():
    missing = [" ".join(path) for path, parser, summary in _commands() if not summary or not parser.description]
    assert not missing, f"commands without a one-line help or a description: {missing}"


def test_every_option_and_argument_has_help():
    parser = build_parser()
    missing = []
    for path, command, _ in [((), parser, "evidence"), *_commands()]:
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"evidence {' '.join(path)} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, "options without help:\n" + "\n".join(missing)


def test_every_command_that_reports_has_json():
    leaves = [(path, p) for path, p, _ in _commands()
              if not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)]
    assert len(leaves) >= 30
    missing = [" ".join(path) for path, p in leaves if not JSON_OPTIONS & set(p._option_string_actions)]
    assert not missing, f"commands without --json: {missing}"


def test_quiet_and_verbose_on_every_command():
    parser = build_parser()
    for path, command, _ in _commands():
        if any(isinstance(a, argparse._SubParsersAction) for a in command._actions):
            continue
        assert {"-q", "--quiet", "-v", "--verbose"} <= set(command._option_string_actions), path
    assert parser.parse_args(["summary"]).verbosity == 0
    assert parser.parse_args(["-q", "summary"]).verbosity == -1
    assert parser.parse_args(["summary", "--quiet"]).verbosity == -1
    assert parser.parse_args(["codebook", "show", "-vv"]).verbosity == 2


def _evidence(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": ""}
    env.pop("EVIDENCE_PROJECT", None)
    result = subprocess.run([sys.executable, "-m", "evidence", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.slow
def test_help_lists_exit_codes_and_version_is_the_installed_one(tmp_path):
    result = _evidence("--help", cwd=tmp_path)
    assert "exit codes:" in result.stdout and "130" in result.stdout
    assert EXIT_CODES.splitlines()[0] in result.stdout
    version = _evidence("--version", cwd=tmp_path).stdout.strip()
    assert version == f"evidence {metadata.version('evidence-workbench')}"
    wrong = _evidence("no-such-command", cwd=tmp_path, check=False)
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr


CODEBOOK = """\
codebook: Library volunteering (test)
codes:
  - id: reading
    name: Reading for pleasure
    definition: Pupils choose to read books outside lessons.
    keywords: [book, read, library]
  - id: confidence
    name: Speaking up
    definition: Pupils talk more readily in front of others.
    keywords: [confident, speak, nervous]
"""

TRANSCRIPT = """\
Moderator: How did the library sessions go this term?
Volunteer Priya: The children started taking books home without being asked.
Teacher Okafor: One boy who was nervous now reads aloud to the group.
Volunteer Priya: The library is full at lunchtime, they read everything.
"""


@pytest.fixture
def here_project(tmp_path):
    """A project in the current folder (no --project), with a transcript and a codebook of its own."""
    (tmp_path / "talk.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    assert json.loads(_evidence("init", "--json", cwd=tmp_path).stdout)["project"] == str(tmp_path.resolve())
    _evidence("ingest", "talk.txt", cwd=tmp_path)
    loaded = json.loads(_evidence("codebook", "load", "book.yaml", "--json", cwd=tmp_path).stdout)
    assert sorted(loaded["added"]) == ["confidence", "reading"]
    return tmp_path


@pytest.mark.slow
def test_a_warning_is_printed_once_and_quiet_hides_it(here_project):
    args = ("autocode", "--method", "similarity", "--coder", "sim-bot", "--embedder", "tfidf")
    result = _evidence(*args, cwd=here_project)
    lines = [line for line in result.stderr.splitlines() if "TF-IDF fallback" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning: Using the TF-IDF fallback embedder")
    assert "UserWarning" not in result.stderr

    quiet = _evidence(*args, "--quiet", "--json", cwd=here_project)
    assert quiet.stderr.strip() == ""
    report = json.loads(quiet.stdout)
    assert report["coder"] == "sim-bot" and report["method"] == "similarity"
    assert report["segments"] >= 3


@pytest.mark.slow
def test_json_reports_parse(here_project):
    rules = json.loads(_evidence("autocode", "--method", "rules", "--coder", "kw-bot", "--json",
                                 cwd=here_project).stdout)
    assert rules["per_code"].get("reading", 0) >= 2  # "books", "library", "reads": lemmas of the keywords
    renamed = json.loads(_evidence("codebook", "rename", "confidence", "--name", "Confidence", "--json",
                                   cwd=here_project).stdout)
    assert renamed["action"] == "rename"
    exported = json.loads(_evidence("export-qdpx", "out.qdpx", "--json", cwd=here_project).stdout)
    assert Path(here_project / "out.qdpx").is_file() and exported["path"].endswith("out.qdpx")


def test_library_chatter_is_silenced_even_when_a_library_raises_its_own_level(monkeypatch):
    import io
    import logging
    import warnings

    import evidence
    from evidence.cli.output import configure, workbench_warning

    stream = io.StringIO()
    configure(0, stream=stream)
    library = logging.getLogger("BERTopic")
    library.setLevel(logging.DEBUG)  # what BERTopic(verbose=True) does
    library.info("Dimensionality - Fitting the dimensionality reduction algorithm")
    library.error("a real failure")
    logging.getLogger("evidence.core.progress").info("notebook 1 of 6")
    text = stream.getvalue()
    assert "Dimensionality" not in text and "error: a real failure" in text and "notebook 1 of 6" in text

    with warnings.catch_warnings():
        configure(0, stream=stream)
        warnings.warn("Unclosed socket <zmq.Socket(zmq.DEALER)>", ResourceWarning)  # jupyter_client at exit
        warnings.warn("Tensorflow not installed; ParametricUMAP will be unavailable", ImportWarning)
    assert "Unclosed socket" not in stream.getvalue() and "Tensorflow" not in stream.getvalue()

    package = Path(evidence.__file__).parent
    ours = warnings.WarningMessage("few units", UserWarning, str(package / "themes" / "fit.py"), 60)
    umap_note = warnings.WarningMessage("Tensorflow not installed", ImportWarning, "/x/site-packages/umap/__init__.py", 3)
    library_user = warnings.WarningMessage("n_jobs overridden", UserWarning, "/x/site-packages/umap/umap_.py", 9)
    assert workbench_warning(ours)
    assert not workbench_warning(umap_note) and not workbench_warning(library_user)

    quiet = io.StringIO()
    monkeypatch.setenv("TQDM_DISABLE", "")  # restored after the test; --quiet sets it to 1
    configure(-1, stream=quiet)
    logging.getLogger("evidence.core.progress").info("notebook 1 of 6")
    logging.getLogger("evidence.nlp.embeddings").warning("fallback")
    assert quiet.getvalue() == ""
    configure(0)  # leave the handler on the real stderr for later tests
