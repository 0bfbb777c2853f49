"""`evidence run` and `evidence reproduce`: the tagged notebooks, executed and checked headlessly."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

import yaml

from ..core.errors import EvidenceError
from . import EMBEDDER_HELP, add_project_option
from .output import progress, to_json


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..pipeline.layout import CORPUS_LAYOUT

    layout = "\n".join(textwrap.fill(text, width=100, initial_indent=f"  {part:<15}", subsequent_indent=" " * 17)
                       for part, text in CORPUS_LAYOUT.items())
    p = subparsers.add_parser(
        "run", help="run the tagged analysis notebooks on a corpus folder and publish the results bundle",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Execute the tagged notebooks in notebooks/ headlessly (papermill), in dependency order, on\n"
                    "a corpus folder: ingest and pseudonymise, code, find themes, measure agreement, join the\n"
                    "numbers. Executed copies and a manifest (input hashes, parameters, seeds, package versions,\n"
                    "git commit, output table hashes) go to PROJECT/runs/RUN/; the Parquet results bundle the\n"
                    "dashboards read goes to PROJECT/results/. A failing cell stops the run, names the notebook\n"
                    "and cell, and leaves the project as it was before the run.\n\n"
                    "The corpus folder (evidence init makes an empty one) may hold any of:\n" + layout + "\n\n"
                    "A part that is missing skips the steps that need it, with a note in the run log, the\n"
                    "manifest and the bundle's notes table. Running again on the same files changes nothing.",
    )
    add_project_option(p)
    p.add_argument("--corpus", metavar="DIR",
                   help="the corpus folder (default: PROJECT/corpus, the one evidence init made)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default: CORPUS/codebook.yaml, else the starter codebook, with a note)")
    p.add_argument("--tag", help="only notebooks with this tag (and those they need), e.g. analysis or dashboards")
    p.add_argument("--seed", type=int, help="seed for every random step (default: the project's seed)")
    p.add_argument("--embedder", help=EMBEDDER_HELP)
    p.add_argument("--notebooks", metavar="DIR", help="notebooks folder (default: the workbench's notebooks)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter (VALUE read as YAML: 3, true, text); repeatable")
    p.add_argument("--timeout", type=int, help="seconds any one cell may take (default: no limit)")
    p.add_argument("--json", action="store_true", help="print the run id, folders and notebooks as JSON")
    p.set_defaults(func=cmd_run)

    p = subparsers.add_parser(
        "reproduce", help="re-run a manifest's notebooks on the same inputs and compare every table",
        description="Re-execute the notebooks of a run manifest on the same inputs in a fresh temporary project "
                    "and compare every output table with the manifest. Exits 0 on an exact match; otherwise 1 "
                    "with which tables, rows and values drifted. Says when inputs, notebooks or package versions "
                    "differ from the manifest.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="PROJECT/runs/RUN/manifest.json or PROJECT/results/manifest.json")
    p.add_argument("--project", metavar="DIR", help="re-run into this project folder instead of a temporary one")
    p.add_argument("--corpus", metavar="DIR", help="the corpus folder, if it moved since the run")
    p.add_argument("--codebook", metavar="FILE", help="the codebook, if it moved since the run")
    p.add_argument("--notebooks", metavar="DIR", help="the notebooks folder, if it moved since the run")
    p.add_argument("--keep", action="store_true", help="keep the temporary project and print where it is")
    p.add_argument("--json", action="store_true", help="print the comparison (ok, drifts, differences) as JSON")
    p.set_defaults(func=cmd_reproduce)

    p = subparsers.add_parser(
        "lab", help="open JupyterLab on the analysis notebooks with this project already chosen",
        description="Start JupyterLab (on 127.0.0.1) on the analysis notebooks. Their kernel runs the "
                    "workbench's own Python, and a notebook whose project, corpus and codebook parameters are "
                    "empty works on this project: the corpus of its last run (else PROJECT/corpus) and that "
                    "corpus's codebook. Review suggestions in notebooks/02_coding.ipynb. Ctrl+C stops it.",
    )
    add_project_option(p)
    p.add_argument("--corpus", metavar="DIR", help="corpus folder (default: the last run's, else PROJECT/corpus)")
    p.add_argument("--codebook", metavar="FILE", help="codebook (default: CORPUS/codebook.yaml, else the starter)")
    p.add_argument("--notebooks", metavar="DIR", help="notebooks folder (default: the workbench's notebooks)")
    p.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default: 8888, else the next free)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser; print the address")
    p.add_argument("--json", action="store_true",
                   help="first print one JSON line (port, notebooks folder, the command it runs), then start")
    p.set_defaults(func=cmd_lab)


def parse_params(pairs: list[str]) -> dict[str, Any]:
    values = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise EvidenceError(f"--param expects NAME=VALUE with NAME a Python name, got {pair!r}")
        try:
            values[name.strip()] = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            values[name.strip()] = text
    return values


def _say(message: str) -> None:
    progress(message)


def cmd_run(args: argparse.Namespace) -> int:
    from ..pipeline.notebooks import run_analysis
    from ..project import resolve_project_dir

    project = resolve_project_dir(args.project)
    corpus = args.corpus or project / "corpus"
    if args.corpus is None and not corpus.is_dir():
        raise EvidenceError(f"no corpus folder: pass --corpus DIR, or fill {corpus}/ (evidence init makes it)")
    run = run_analysis(project, corpus, codebook=args.codebook, tag=args.tag,
                       seed=args.seed, embedder=args.embedder, notebooks=args.notebooks,
                       parameters=parse_params(args.param), report=_say, timeout=args.timeout)
    if args.json:
        print(to_json(run))
        return 0
    print(f"run {run.run_id}: {len(run.executed)} notebooks executed into {run.run_dir}")
    print(f"results bundle: {run.results_dir}")
    print(f"manifest: {run.manifest_path}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from ..pipeline.reproduce import reproduce

    report = reproduce(args.manifest, project=args.project, corpus=args.corpus, codebook=args.codebook,
                       notebooks=args.notebooks, report=_say, keep=args.keep)
    if args.json:
        print(to_json(report))
        return 0 if report.ok else 1
    print(report.describe())
    if args.keep and args.project is None:
        print(f"the re-run project is kept in {report.project}")
    return 0 if report.ok else 1


def cmd_lab(args: argparse.Namespace) -> int:
    import os

    from ..pipeline.lab import lab_command

    argv, env = lab_command(args.project, corpus=args.corpus, codebook=args.codebook, notebooks=args.notebooks,
                            port=args.port, browser=not args.no_browser)
    if args.json:
        import json

        notebooks = next((a.split("=", 1)[1] for a in argv if a.startswith("--ServerApp.root_dir=")), "")
        print(json.dumps({"host": "127.0.0.1", "port": args.port, "notebooks": notebooks, "command": argv}))
    sys.stdout.flush()
    os.execvpe(argv[0], argv, env)  # JupyterLab takes this process over: Ctrl+C and signals reach it directly
    return 0
