"""`evidence themes` (fit inductive themes) and `evidence sections` (discussion sections)."""

from __future__ import annotations

import argparse
import json
import warnings
from typing import Any

from . import EMBEDDER_HELP, add_project_option
from .output import workbench_warning


def _n_themes(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--n-themes takes a number or 'auto', not {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("--n-themes must be at least 1")
    return number


def register(subparsers: Any) -> None:
    themes = subparsers.add_parser(
        "themes", help="find inductive themes (BERTopic) in the units",
        description="Find themes nobody expected with BERTopic, offline and seeded: embeds the units, groups "
                    "them (PCA + KMeans below 1,000 units, UMAP + HDBSCAN above) and labels each theme with its "
                    "top words and representative quotes. Saved as a themes run in the project; a theme "
                    "becomes a code only when you promote it.")
    add_project_option(themes)
    themes.add_argument("--unit", choices=["segment", "turn", "quote"], default="segment",
                        help="what to group: all coding units (default), speaker turns, or pupil quotes")
    themes.add_argument("--source", default=None, help="only the units of this source id")
    themes.add_argument("--n-themes", type=_n_themes, default="auto", metavar="N|auto",
                        help="number of themes (default: auto)")
    themes.add_argument("--seed", type=int, default=None, help="random seed (default: the project's)")
    themes.add_argument("--embedder", default=None, help=EMBEDDER_HELP)
    themes.add_argument("--include-procedural", action="store_true",
                        help="keep procedural turns (thanks, turn taking, audio checks), left out by default")
    themes.add_argument("--json", action="store_true", help="print JSON")
    themes.set_defaults(func=run_themes)

    sections = subparsers.add_parser(
        "sections", help="split a transcript into discussion sections",
        description="Split one transcript into its discussion sections and label each with its main codes and "
                    "themes and the words that set it apart. Procedural turns are set aside; a meeting gets at most "
                    "0.09 x sqrt(words spoken) sections, fewer where its talk stops changing, placed by change-point "
                    "detection; a turn that names an item (\"next item\", \"item 3\", \"docket number 0712\", \"may I "
                    "call\") or, in a meeting that names none, moves on (\"let's turn to\") always starts a "
                    "section; a meeting naming at least 3 items, or with as many cues as its length suggests "
                    "sections, is split at its cues alone.")
    add_project_option(sections)
    sections.add_argument("--source", required=True, help="the transcript's source id")
    sections.add_argument("--method", choices=["hybrid", "texttiling", "changepoint"], default="hybrid",
                          help="how to find boundaries (default: hybrid, measured best)")
    sections.add_argument("--embedder", default=None, help=EMBEDDER_HELP)
    sections.add_argument("--json", action="store_true", help="print JSON")
    sections.set_defaults(func=run_sections)


def themes_report(model: Any, units: Any, unit: str, run_id: int) -> dict[str, Any]:
    """JSON: themes [{id, label, size, words}], assignments [{segment_id, (turn_index), theme}]."""
    index = units.set_index(units["id"].astype(str))["turn_index"] if "turn_index" in units else None
    assignments = []
    for row in model.assignments_.itertuples():
        record: dict[str, Any] = {"segment_id": row.segment_id}
        if unit == "turn" and index is not None:
            record["turn_index"] = int(index[row.segment_id])
        record["theme"] = int(row.theme)
        assignments.append(record)
    return {
        "run": run_id,
        "themes": [{"id": int(t.id), "label": t.label, "size": int(t.size), "words": list(t.words)}
                   for t in model.themes_.itertuples()],
        "assignments": assignments,
        "notes": list(model.notes_),
    }


def run_themes(args: argparse.Namespace) -> int:
    from evidence.core.progress import progress_wanted
    from evidence.project import Project
    from evidence.themes.recipes import fit_project_themes

    with Project.open(args.project) as project, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_id, model, units = fit_project_themes(
            project, unit=args.unit, source=args.source, n_themes=args.n_themes, seed=args.seed,
            embedder_name=args.embedder, progress=not args.json and progress_wanted(),
            include_procedural=args.include_procedural)
        report = themes_report(model, units, args.unit, run_id)
    for warning in caught:  # fallbacks and embedder warnings: say them once, on stderr
        if workbench_warning(warning) and str(warning.message) not in report["notes"]:
            report["notes"].append(str(warning.message))
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    import sys

    for note in report["notes"]:
        print(f"note: {note}", file=sys.stderr)
    print(f"themes run {run_id}: {len(report['themes'])} themes over {len(report['assignments'])} units")
    for theme in report["themes"]:
        print(f"{theme['id']:>3}  {theme['size']:>5}  {theme['label']}  ({', '.join(theme['words'][:6])})")
    return 0


def run_sections(args: argparse.Namespace) -> int:
    from evidence.project import Project
    from evidence.themes.recipes import find_project_sections

    with Project.open(args.project) as project:
        sections, assignments = find_project_sections(project, args.source, method=args.method,
                                                      embedder_name=args.embedder)
    report = {
        "source": args.source,
        "sections": [{"start_turn": int(r.start_turn), "end_turn": int(r.end_turn), "label": r.label}
                     for r in sections.itertuples()],
        "assignments": [{"turn_index": int(r.turn_index), "section": int(r.section)}
                        for r in assignments.itertuples()],
    }
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    for i, r in enumerate(sections.itertuples()):
        print(f"{i + 1:>2}. turns {r.start_turn}-{r.end_turn}: {r.label}")
    return 0
