"""`evidence outcomes FILE [--kind pupil|school|dfe-ks4] [--json] [--save]`: load and check a results table.

The work is done by :func:`evidence.mixed.outcomes.load_outcomes`; this module only parses the
arguments and prints. With ``--save`` the checked table is kept in ``PROJECT/private/outcomes/`` (owner-only: it holds real names) for joins.
"""

from __future__ import annotations

import argparse
import json

from . import add_project_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `outcomes` command."""
    parser = subparsers.add_parser(
        "outcomes",
        help="load and check a results table (pupil scores, school results, DfE KS4 table)",
        description=(
            "Load a csv/xlsx results table and check it against its declared columns. Kinds: 'pupil' "
            "(pupil_id, school or urn, group tutored/comparison, pre_score, post_score, optional "
            "disadvantaged, year_group; common header synonyms accepted), 'school' (urn or school plus "
            "measures) and 'dfe-ks4' (the DfE key stage 4 performance table as published, with its "
            "*_meta.csv beside it or given by --meta). DfE status codes (SUPP, NE, NP, NA, NEW, LOWCOV, "
            "x, ...) are read as missing values and counted. Problems are reported with file, row and column."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the results table (.csv or .xlsx)")
    parser.add_argument("--kind", choices=["pupil", "school", "dfe-ks4"], default=None,
                        help="what the table holds (default: guessed from its headers)")
    parser.add_argument("--meta", metavar="FILE", default=None,
                        help="DfE metadata file for column meanings (default: the one *meta*.csv beside FILE)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: rows, schools, columns_recognised, missing_by_code, ...")
    parser.add_argument("--save", action="store_true",
                        help="keep the checked table in PROJECT/private/outcomes/ (owner-only: it holds real names) for later joins")
    add_project_option(parser)
    parser.set_defaults(func=cmd_outcomes)


def cmd_outcomes(args: argparse.Namespace) -> int:
    from evidence.mixed.outcomes import load_outcomes

    table = load_outcomes(args.file, args.kind, meta=args.meta)
    summary = table.summary()
    if args.save:
        from evidence.mixed.saved import save_outcomes
        from evidence.project import Project, resolve_project_dir

        with Project.open(resolve_project_dir(args.project)) as project:
            summary["saved"] = str(save_outcomes(table, project.path))
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"{summary['path']}: {summary['kind']} table, {summary['rows']} rows, {summary['schools']} schools")
    print(f"columns recognised: {len(summary['columns_recognised'])}"
          + (f"; not recognised: {', '.join(summary['columns_unrecognised'])}" if summary["columns_unrecognised"] else ""))
    if summary["missing_by_code"]:
        print("missing values by status code:")
        for code, count in summary["missing_by_code"].items():
            print(f"  {code:>7}  {count:>6}  {table.status.loc[table.status['code'] == code, 'meaning'].iloc[0]}")
    else:
        print("no status codes found")
    if summary["totals_rows"]:
        print(f"{summary['totals_rows']} totals row(s) (local authority / England) kept apart")
    for note in summary["notes"]:
        print(f"note: {note}")
    if "saved" in summary:
        print(f"saved to {summary['saved']}")
    return 0
