"""`evidence agreement --coders A,B [--json]`: how far coders agree, per code and pooled.

The work is done by :func:`agreement_report` on a codings DataFrame, so notebooks and tests can call
it without a project; the command only opens the project and prints.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any, Sequence

from . import add_project_option

if TYPE_CHECKING:
    import pandas as pd

KEYS = ["code", "n", "kappa", "alpha", "agreement"]


def _plain(value: Any) -> Any:
    """JSON-safe value: NaN becomes null, numpy numbers become Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _record(row: dict[str, Any]) -> dict[str, Any]:
    record = {key: _plain(row[key]) for key in KEYS}
    if row.get("note"):
        record["note"] = row["note"]
    return record


def agreement_report(
    codings: pd.DataFrame,
    coders: Sequence[str],
    *,
    statuses: Sequence[str] | None = None,
    with_disagreements: bool = False,
    segments: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The JSON report: ``per_code`` (list of {code, n, kappa, alpha, agreement}) and ``pooled``.

    The units are chosen by :func:`evidence.reliability.agreement_units`, as notebook 04 chooses them.
    Undefined values are ``None`` with a ``note`` saying why. With ``with_disagreements`` the report
    also lists the segments the coders coded differently (see ``reliability.disagreements``), with
    their text when a ``segments`` DataFrame is given.
    """
    from evidence.reliability import agreement, agreement_units, disagreements

    units = agreement_units(codings, coders)
    per_code, pooled = agreement(codings, coders, units, statuses=statuses)
    report: dict[str, Any] = {
        "coders": list(coders),
        "per_code": [_record(row) for row in per_code.to_dict(orient="records")],
        "pooled": _record(pooled),
    }
    if with_disagreements:
        table = disagreements(codings, coders, units, statuses=statuses, segments=segments)
        report["disagreements"] = table.to_dict(orient="records")
    return report


def _number(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    """A readable table of the report, one line per code and the pooled line last."""
    import pandas as pd

    rows = [*report["per_code"], report["pooled"]]
    table = pd.DataFrame(
        {
            "code": [row["code"] for row in rows],
            "n": [row["n"] for row in rows],
            "kappa": [_number(row["kappa"]) for row in rows],
            "alpha": [_number(row["alpha"]) for row in rows],
            "agreement": [_number(row["agreement"]) for row in rows],
            "note": [row.get("note", "") for row in rows],
        }
    )
    lines = [
        f"Agreement between {', '.join(report['coders'])} (kappa: "
        + ("Cohen" if len(report["coders"]) == 2 else "Fleiss")
        + "; alpha: Krippendorff, nominal; agreement: share of segment decisions alike)",
        table.to_string(index=False),
    ]
    if "disagreements" in report:
        lines.append(f"\n{len(report['disagreements'])} segment(s) coded differently:")
        if report["disagreements"]:
            lines.append(pd.DataFrame(report["disagreements"]).to_string(index=False))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Open the project, compare the coders, print JSON or a table."""
    from evidence.project import Project

    coders = [name.strip() for name in args.coders.split(",") if name.strip()]
    statuses = [s.strip() for s in args.statuses.split(",") if s.strip()] or None
    project = Project.open(args.project)
    try:
        segments = project.segments() if args.disagreements else None
        report = agreement_report(
            project.codings(), coders, statuses=statuses, with_disagreements=args.disagreements, segments=segments
        )
    finally:
        project.close()
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `agreement` command."""
    parser = subparsers.add_parser(
        "agreement",
        help="agreement between coders (Cohen's/Fleiss' kappa, Krippendorff's alpha), per code and pooled",
        description=(
            "Compare two or more coders (people or an autocoder, by coder name) on the segments every person "
            "among them coded at least once (an autocoder saw every segment; coders that are all autocoders "
            "are compared on the segments each of them coded). For each code, every such segment is a "
            "present/absent decision; "
            "reports Cohen's kappa (Fleiss' for more than two coders), Krippendorff's alpha (nominal) and "
            "percent agreement, per code and pooled over all decisions. A kappa that is undefined (a code "
            "nobody, or everybody, applied) is shown as n/a with a note, never as 0 or 1."
        ),
    )
    parser.add_argument("--coders", required=True, help="comma-separated coder names, e.g. alice,bob or alice,rules")
    parser.add_argument("--json", action="store_true", help="print JSON: {per_code: [...], pooled: {...}}")
    parser.add_argument(
        "--statuses",
        default="",
        help="only count codings with these statuses, e.g. accepted (default: every status, so an "
        "autocoder is judged on all it suggested)",
    )
    parser.add_argument(
        "--disagreements", action="store_true", help="also list each segment the coders coded differently"
    )
    add_project_option(parser)
    parser.set_defaults(func=run)
    return parser
