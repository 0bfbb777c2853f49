"""`evidence privacy-report`: what pseudonymisation replaced, and whether any original is left."""

from __future__ import annotations

import argparse
import json
import sys

from . import add_project_option


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "privacy-report", help="what was pseudonymised (counts by kind) and a check for leftover names",
        description="Counts of replaced personal data by kind (pupil, staff, school, speaker, email, phone, "
                    "postcode, ...), per source. With --key FILE (the project's private/pseudonym-key.json) it "
                    "also lists each pseudonym with the original it stands for and shows where in the store an "
                    "original name is still found. Without --key no original is ever printed; the leak check "
                    "then only counts. It also checks every file of the project folder outside private/ (the "
                    "results bundle and its manifest, runs/, models/, cache/, saved tables and exports) for "
                    "full names, partial names, name fragments beside pseudonyms, glued pseudonyms, e-mails, "
                    "phones and postcodes, per file and kind. Exits 1 when anything is found.",
    )
    add_project_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--key", metavar="FILE", help="the pseudonym key file: show originals (keep the output private)")
    p.set_defaults(func=cmd_privacy_report)


def cmd_privacy_report(args: argparse.Namespace) -> int:
    from ..privacy import load_key
    from ..privacy.pseudonyms import key_path
    from ..privacy.report import privacy_report
    from ..project import Project

    with Project.open(args.project) as project:
        if args.key:
            key, show = load_key(args.key), True
        else:
            own = key_path(project.path / "private")
            key, show = (load_key(own) if own.exists() else None), False
        report = privacy_report(project.store, key, show_originals=show, project_dir=project.path)
    if args.json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
    else:
        _print(report, show)
    return 0 if report.clean else 1


def _print(report, show: bool) -> None:
    total = int(report.counts["n"].sum()) if len(report.counts) else 0
    print(f"Replaced {total} personal items in {report.by_source['source'].nunique()} sources.")
    for row in report.counts.itertuples(index=False):
        print(f"  {row.kind:<12} {row.n:>6}")
    if report.sources_without_pseudonymisation:
        print(f"Not pseudonymised (ingested with pseudonymisation off or before it existed): "
              f"{', '.join(report.sources_without_pseudonymisation)}")
    if len(report.people):
        print(f"\n{len(report.people)} pseudonyms in the key file" + (":" if show else
              " (give --key FILE to see who is who)."))
        if show:
            for row in report.people.itertuples(index=False):
                print(f"  {row.pseudonym:<20} {row.kind:<10} {row.original}")
    if len(report.leaks):
        print(f"\nWARNING: {int(report.leaks['count'].sum())} original names are still in the store:")
        for row in report.leaks.itertuples(index=False):
            extra = f"  ({row.original})" if show else ""
            what = f" ({row.names})" if getattr(row, "names", "") else ""
            print(f"  {row.table}.{row.column} row {row.row}: {row.count}{what}{extra}")
        print("Re-ingest those sources with --roster naming these people, or remove them.")
    elif len(report.people):
        print("\nNo original name from the key file was found in the store.")
    if len(report.files):
        totals = report.files.groupby("kind")["n"].sum()
        print(f"\nWARNING: files outside private/ still hold names or personal details "
              f"({', '.join(f'{n} {kind}' for kind, n in totals.items())}):")
        for file, rows in report.files.groupby("file", sort=True):
            print(f"  {file}: " + ", ".join(f"{r.n} {r.kind}" for r in rows.itertuples(index=False)))
        print("Delete or regenerate them from the pseudonymised store (`evidence run`), and keep raw inputs, "
              "rosters and results tables with real names inside private/.")
    elif len(report.people):
        print("No name from the key file was found in the project's files outside private/.")
