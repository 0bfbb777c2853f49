"""The `evidence` command line. Each area registers its subcommands from its own module.

Every command takes ``--project DIR`` (default: ``$EVIDENCE_PROJECT`` or the current folder). Errors the
user can act on print one clear line and exit 1; nothing else is swallowed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import EvidenceError

# Command modules, in the order their commands are listed in --help.
COMMAND_MODULES = (
    "project", "coding", "agreement", "themes", "mixed", "privacy", "refi", "runs", "dashboards", "embed",
)
EMBEDDER_HELP = ("minilm-onnx (default: MiniLM on ONNX Runtime, about 3x faster), minilm (the PyTorch reference), "
                 "path:DIR (a local sentence-transformers folder) or tfidf (word overlap, far worse); "
                 "default: the project's `embedder` setting")


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project", metavar="DIR", default=None,
        help="project folder (default: $EVIDENCE_PROJECT or the current folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence",
        description="Evidence workbench: ingest roundtable transcripts and pupil quotes, code them into "
                    "themes, measure agreement, join themes to outcomes, and publish dashboards. "
                    "Everything stays on this machine.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.func(args)
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
