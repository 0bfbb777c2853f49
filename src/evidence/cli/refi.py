"""REFI-QDA commands: export-qdpx, import-qdpx, export-codebook, import-codebook."""

from __future__ import annotations

import argparse
import json
import sys

from . import add_project_option
from .output import to_json


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export-qdpx", help="export the project for NVivo, ATLAS.ti, MAXQDA or QualCoder (.qdpx)",
        description="Write the project as a REFI-QDA .qdpx: coders, codebook, cases with typed variables, "
                    "sources with coded selections, and memos as notes. Accepted codings only, unless "
                    "--include-suggested. GUIDs stay the same from one export to the next.",
    )
    add_project_option(p)
    p.add_argument("out", metavar="OUT.qdpx", help="file to write")
    p.add_argument("--include-suggested", action="store_true",
                   help="also export machine suggestions not yet accepted or rejected")
    p.add_argument("--schema", metavar="Project.xsd", help="validate the project.qde against this schema first")
    p.add_argument("--json", action="store_true", help="print what was exported (counts, left out) as JSON")
    p.set_defaults(func=cmd_export_qdpx)

    p = subparsers.add_parser(
        "import-qdpx", help="import a .qdpx written by NVivo, ATLAS.ti, MAXQDA, QualCoder or this workbench",
        description="Import users, codes, cases, variables, text sources (.txt, or the text of .docx/.pdf), "
                    "coded selections (as accepted codings with origin 'import') and notes (as memos). "
                    "Prints what was imported, how selection offsets were read, and everything that could "
                    "not be imported with the reason. Nothing is written unless all of it can be. Text, speakers, "
                    "cases and memos are pseudonymised as by `evidence ingest` (unless `pseudonymise: false`); "
                    "each selection moves with its words.",
    )
    add_project_option(p)
    p.add_argument("file", metavar="FILE.qdpx", help="the .qdpx project file to import")
    p.add_argument("--author", default="", help="your name, for the codebook change log")
    p.add_argument("--roster", metavar="FILE",
                   help="csv of names to pseudonymise (name, kind, aliases), as for `evidence ingest --roster`")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p.set_defaults(func=cmd_import_qdpx)

    p = subparsers.add_parser(
        "export-codebook", help="write the codebook as qdc, yaml, csv, docx or md",
        description="Write the project's codebook: .qdc (REFI-QDA, for other QDA programs), .yaml (the "
                    "workbench's own format), .csv, .docx or .md (to read and share).",
    )
    add_project_option(p)
    p.add_argument("out", metavar="OUT", help="file to write (.qdc, .yaml, .csv, .docx or .md)")
    p.add_argument("--format", choices=["qdc", "yaml", "csv", "docx", "md"], default=None,
                   help="format (default: from OUT's extension)")
    p.add_argument("--schema", metavar="Codebook.xsd", help="validate a .qdc against this schema first")
    p.add_argument("--json", action="store_true", help="print the written path as JSON")
    p.set_defaults(func=cmd_export_codebook)

    p = subparsers.add_parser("import-codebook", help="add the codes of a REFI-QDA .qdc codebook",
                              description="Add a .qdc codebook's codes (hierarchy, colour, description) to the "
                                          "project; codes already there (same GUID, or same name under the "
                                          "same parent) are matched, not duplicated.")
    add_project_option(p)
    p.add_argument("file", metavar="FILE.qdc", help="the REFI-QDA codebook to import")
    p.add_argument("--author", default="", help="your name, for the codebook change log")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")
    p.set_defaults(func=cmd_import_codebook)


def cmd_export_qdpx(args: argparse.Namespace) -> int:
    from ..refi.export_qdpx import export_qdpx

    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        summary = export_qdpx(project, args.out, include_suggested=args.include_suggested, schema=args.schema)
    print(to_json(summary) if args.json else summary.summary())
    return 0


def _print_report(report: object, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))  # type: ignore[attr-defined]
    else:
        print(report.summary())  # type: ignore[attr-defined]


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    from ..refi.import_qdpx import import_qdpx

    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        report = import_qdpx(project, args.file, author=args.author, roster=args.roster)
    _print_report(report, args.json)
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    from ..refi.codebook_qdc import export_codebook

    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        out = export_codebook(project, args.out, args.format, schema=args.schema)
        empty = project.store.codes.without_definition()
    if args.json:
        print(to_json({"path": out, "codes_without_definition": empty}))
        return 0
    print(f"wrote {out}")
    if empty and out.suffix.lower() in (".yaml", ".yml") or (empty and args.format == "yaml"):
        print(f"note: {empty} codes have no definition yet; write one for each before loading this YAML "
              "codebook again (the codebook requires definitions)", file=sys.stderr)
    return 0


def cmd_import_codebook(args: argparse.Namespace) -> int:
    from ..refi.codebook_qdc import import_codebook_qdc

    from ..project import Project  # here, not at the top: `evidence --help` and `embed` start without pandas
    with Project.open(args.project) as project:
        report = import_codebook_qdc(project, args.file, author=args.author)
    _print_report(report, args.json)
    return 0
