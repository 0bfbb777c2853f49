"""The `evidence` command line. Each area registers its subcommands from its own module.

Every command takes ``--project DIR`` (default: ``$EVIDENCE_PROJECT`` or the current folder) and
``--quiet``/``--verbose``. Errors the user can act on print one clear line and exit 1; nothing else is
swallowed. Every command and option has a help text (tests/test_cli_help.py walks the parser to check).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence

from ..core.errors import EvidenceError

# Command modules, in the order their commands are listed in --help.
COMMAND_MODULES = (
    "project", "coding", "agreement", "themes", "mixed", "privacy", "refi", "runs", "dashboards", "embed",
)
EMBEDDER_HELP = ("minilm-onnx (default: MiniLM on ONNX Runtime, about 4x faster cold), minilm-int8 (the same "
                 "model in int8: faster again, vectors within cosine 0.97), minilm (the PyTorch reference), "
                 "path:DIR (a local sentence-transformers folder) or tfidf (word overlap, far worse); "
                 "default: the project's `embedder` setting")

EXIT_CODES = """\
exit codes:
  0    done (for checks: nothing wrong found)
  1    an error you can act on, printed as one line naming the file, row or setting; or a check that
       found a problem (privacy-report: original names left; reproduce: tables drifted)
  2    the command line itself is wrong (unknown command or option, a bad value); see the usage line
  130  interrupted with Ctrl+C

Run `evidence COMMAND --help` for what a command does and its options. Commands that report something
take --json for output a program can read."""


def add_project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project", metavar="DIR", default=None,
        help="project folder (default: $EVIDENCE_PROJECT or the current folder)",
    )


def workbench_version() -> str:
    """The installed distribution's version (``evidence-workbench``)."""
    from importlib import metadata

    try:
        return metadata.version("evidence-workbench")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown (not installed)"


def add_output_options(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``-q/--quiet`` and ``-v/--verbose``, on the main parser and again on every command."""
    taken = set(parser._option_string_actions)
    default = 0 if top_level else argparse.SUPPRESS
    group = parser.add_argument_group("output") if top_level else parser
    if not taken & {"-q", "--quiet"}:
        group.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=default,
                           help="print only results and errors: no progress, notes or warnings")
    if not taken & {"-v", "--verbose"}:
        group.add_argument("-v", "--verbose", dest="verbosity", action="count", default=default,
                           help="say what is done step by step; -vv also shows the libraries' own "
                                "warnings and logs")


def command_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
                    ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str | None]]:
    """Every (sub)command below ``parser``: its name path, its parser, and its one-line help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*path, name), sub, helps.get(name)
                yield from command_parsers(sub, (*path, name))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evidence",
        description="Evidence workbench: ingest roundtable transcripts and pupil quotes, code them into "
                    "themes, measure agreement, join themes to outcomes, and publish dashboards. "
                    "Everything stays on this machine.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {workbench_version()}",
                        help="print the workbench's version and exit")
    add_output_options(parser, top_level=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    for _, command, _ in command_parsers(parser):
        if not any(isinstance(a, argparse._SubParsersAction) for a in command._actions):
            add_output_options(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .output import configure

    parser = build_parser()
    args = parser.parse_args(argv)
    configure(getattr(args, "verbosity", 0))
    try:
        result = args.func(args)
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head or less that closed early
        sys.stderr.close()
        return 0
    except RecursionError:  # a hostile input nested deeper than any check foresaw
        print("error: the input is nested too deeply to read; flatten it (no codebook or document needs "
              "this depth)", file=sys.stderr)
        return 1
    except OSError as exc:  # a read-only folder, a full disk: one line, not a traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
