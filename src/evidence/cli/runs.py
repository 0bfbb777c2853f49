"""`evidence run` and `evidence reproduce`: the tagged notebooks, executed and checked headlessly."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import yaml

from ..errors import EvidenceError
from . import EMBEDDER_HELP, add_project_option


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run", help="run the tagged analysis notebooks and publish the results bundle",
        description="Execute the tagged notebooks in notebooks/ headlessly (papermill), in dependency order, on "
                    "a corpus folder: ingest and pseudonymise, code, find themes, measure agreement, join the "
                    "numbers. Executed copies and a manifest (input hashes, parameters, seeds, package versions, "
                    "git commit, output table hashes) go to PROJECT/runs/RUN/; the Parquet results bundle the "
                    "dashboards read goes to PROJECT/results/. A failing cell stops the run and names the "
                    "notebook and cell.",
    )
    add_project_option(p)
    p.add_argument("--corpus", metavar="DIR", default="corpora/sample",
                   help="folder of transcripts/, quotes/, quant/, codings/ and roster.csv (default: corpora/sample)")
    p.add_argument("--codebook", metavar="FILE",
                   help="codebook YAML (default: CORPUS/codebook.yaml, else codebook.yaml beside the corpus folder)")
    p.add_argument("--tag", help="only notebooks with this tag (and those they need), e.g. analysis or dashboards")
    p.add_argument("--seed", type=int, help="seed for every random step (default: the project's seed)")
    p.add_argument("--embedder", help=EMBEDDER_HELP)
    p.add_argument("--notebooks", metavar="DIR", help="notebooks folder (default: ./notebooks)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a notebook parameter (VALUE read as YAML: 3, true, text); repeatable")
    p.add_argument("--timeout", type=int, help="seconds any one cell may take (default: no limit)")
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
    p.set_defaults(func=cmd_reproduce)


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
    print(message, file=sys.stderr, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    from ..notebooks import run_analysis
    from ..project import resolve_project_dir

    run = run_analysis(resolve_project_dir(args.project), args.corpus, codebook=args.codebook, tag=args.tag,
                       seed=args.seed, embedder=args.embedder, notebooks=args.notebooks,
                       parameters=parse_params(args.param), report=_say, timeout=args.timeout)
    print(f"run {run.run_id}: {len(run.executed)} notebooks executed into {run.run_dir}")
    print(f"results bundle: {run.results_dir}")
    print(f"manifest: {run.manifest_path}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    from ..reproduce import reproduce

    report = reproduce(args.manifest, project=args.project, corpus=args.corpus, codebook=args.codebook,
                       notebooks=args.notebooks, report=_say, keep=args.keep)
    print(report.describe())
    if args.keep and args.project is None:
        print(f"the re-run project is kept in {report.project}")
    return 0 if report.ok else 1
