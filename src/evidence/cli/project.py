"""Foundation commands: init, ingest, summary, sources, segments."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import add_project_option


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "init", help="create a project folder (config + store) and an empty corpus folder to fill",
        description="Create a project folder with evidence.yaml and the SQLite store, and an empty corpus "
                    "folder (PROJECT/corpus unless --corpus or --no-corpus) with transcripts/, quotes/, "
                    "articles/, codings/ and quant/, a README.md of what goes where and the starter codebook "
                    "(codebook.yaml) to edit. Running it again keeps everything already there.")
    add_project_option(p)
    p.add_argument("--name", help="project name (default: the folder name)")
    p.add_argument("--corpus", metavar="DIR", help="where to make the empty corpus folder (default: PROJECT/corpus)")
    p.add_argument("--no-corpus", action="store_true", help="make no corpus folder")
    p.add_argument("--json", action="store_true", help="print one JSON object (project, corpus, created)")
    p.set_defaults(func=cmd_init)

    p = subparsers.add_parser(
        "ingest", help="read transcripts, quote tables and articles into the project",
        description="Ingest files or folders: .txt/.md transcripts or articles, .vtt/.srt captions, .docx, "
                    ".csv/.xlsx quote tables, .html articles. A FILE.meta.yaml beside a file gives its "
                    "metadata (title, date, partnership, school, event, wave, speakers, columns). Text is "
                    "pseudonymised before it is stored. Re-ingesting an unchanged file does nothing; a changed "
                    "file is reported (use --replace). Exits 0 only when every file went in.",
    )
    add_project_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to ingest")
    p.add_argument("--roster", metavar="FILE",
                   help="csv with name, kind (pupil, staff, school, speaker) and optional aliases (';'-separated): "
                        "names to pseudonymise")
    p.add_argument("--kind", choices=["transcript", "article", "quotes"], default="",
                   help="read every file as this kind instead of guessing")
    p.add_argument("--columns", metavar="ROLE=HEADER,...", default="",
                   help="quote-table column mapping, e.g. id=QuoteID,text=Response,pupil=Student")
    p.add_argument("--replace", action="store_true", help="ingest changed files in place of their old version")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.set_defaults(func=cmd_ingest)

    p = subparsers.add_parser("summary", help="counts of sources, segments, speakers, cases, words, codes",
                              description="Print what the project holds.")
    add_project_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_summary)

    p = subparsers.add_parser("sources", help="list the ingested sources",
                              description="List the ingested sources: id, kind, reader and title.")
    add_project_option(p)
    p.add_argument("--json", action="store_true", help="print JSON lines")
    p.set_defaults(func=cmd_sources)

    p = subparsers.add_parser("segments", help="print segments (turns, sentences, quotes, paragraphs)",
                              description="Print the segments exactly as the store holds them.")
    add_project_option(p)
    p.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    p.add_argument("--kind", action="append", choices=["turn", "sentence", "quote", "paragraph"],
                   help="only this kind (repeatable)")
    p.add_argument("--source", help="only this source id")
    p.set_defaults(func=cmd_segments)


def parse_columns(text: str) -> dict[str, str]:
    from ..core.errors import EvidenceError

    mapping = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        role, sep, header = part.partition("=")
        if not sep or not role.strip() or not header.strip():
            raise EvidenceError(f"--columns expects ROLE=HEADER pairs, got {part!r}")
        mapping[role.strip().lower()] = header.strip()
    return mapping


def cmd_init(args: argparse.Namespace) -> int:
    from ..pipeline.analysis import make_corpus_skeleton
    from ..project import resolve_project_dir

    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.init(resolve_project_dir(args.project), name=args.name) as project:
        folder = project.path.resolve()
    corpus = None if args.no_corpus else Path(args.corpus or folder / "corpus").resolve()
    created = make_corpus_skeleton(corpus) if corpus is not None else []
    if args.json:
        print(json.dumps({"project": str(folder), "corpus": str(corpus) if corpus else None,
                          "created": [str(p) for p in created]}))
        return 0
    print(f"project ready in {folder}")
    if corpus is not None:
        print(f"corpus folder: {corpus} ({'made; ' if created else ''}see its README.md for what goes where, "
              f"then: evidence run --project {folder} --corpus {corpus})")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        report = project.ingest(args.paths, roster=args.roster, kind=args.kind,
                                columns=parse_columns(args.columns), replace=args.replace,
                                progress=sys.stderr.isatty())
    for result in report.files:
        if args.json:
            print(json.dumps(result.__dict__, ensure_ascii=False))
        elif result.status == "failed":
            continue
        else:
            print(f"{result.status:9} {result.path} -> {result.source} ({result.segments} segments"
                  f"{'; ' + result.message if result.message else ''})")
    for result in report.failed:
        print(f"FAILED {result.message}", file=sys.stderr)
    if not report.files:
        print("no files found to ingest", file=sys.stderr)
        return 1
    return 0 if report.ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        summary = project.summary()
    if args.json:
        print(json.dumps(summary, sort_keys=True))
        return 0
    by_role = summary.pop("turns_by_role")
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    for role, n in by_role.items():
        print(f"  {role:<{width - 2}}  {n} turns/quotes")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        frame = project.sources()
    for row in frame.to_dict("records"):
        if args.json:
            print(json.dumps(row, ensure_ascii=False, default=str))
        else:
            print(f"{row['id']:<30} {row['kind']:<10} {row['reader']:<12} {row['title']}")
    return 0


def cmd_segments(args: argparse.Namespace) -> int:
    out = sys.stdout
    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:  # streamed: a million segments never sit in memory at once
        for row in project.store.iter_segments(kinds=args.kind, source=args.source):
            if args.jsonl:
                out.write(json.dumps({k: (int(v) if k in ("start", "end", "order") else v) for k, v in row.items()},
                                     ensure_ascii=False) + "\n")
            else:
                out.write(f"{row['id']:<28} {row['speaker'][:18]:<18} {row['text'][:90]!r}\n")
    return 0
