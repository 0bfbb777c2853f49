"""Codebook and coding commands.

    evidence codebook load FILE [--accept-renames] [--replace]    put a YAML codebook into the project
    evidence codebook show [--json] | export FILE | changes        look at it, write it back out, its log
    evidence codebook add|rename|merge|move ...                    change codes; codings follow
    evidence import-codings FILE --coder NAME [--skip-unknown]     codings from csv/xlsx
    evidence autocode --method rules|similarity|classifier --coder NAME [--train-coder NAME]
    evidence learning-curve --coder NAME --fractions 0.1,0.2,0.3 [--seed N] [--sampling ...] [--json]
    evidence suggest-next --coder NAME [-n 10]                     segments worth coding next
    evidence frequencies [--by school,wave] [--json]               code counts by any attribute
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import EMBEDDER_HELP, add_project_option
from .output import to_json


def to_dict(report: Any) -> dict[str, Any]:
    import dataclasses

    return dataclasses.asdict(report)


def _project(args: argparse.Namespace) -> Any:
    from evidence.project import Project

    return Project.open(args.project)


def _author(args: argparse.Namespace) -> str:
    import getpass

    return getattr(args, "author", None) or getpass.getuser()


# -- codebook ---------------------------------------------------------------------------------------
def _codebook_load(args: argparse.Namespace) -> int:
    from evidence.codebook import load_codebook
    from evidence.codebook.changes import load_into_project

    codebook = load_codebook(args.file)
    with _project(args) as project:
        report = load_into_project(project, codebook, author=_author(args), accept_renames=args.accept_renames,
                                   replace=args.replace)
    if args.json:
        print(to_json({"file": args.file, "codes": len(codebook), **to_dict(report)}))
        return 0
    print(f"{args.file}: {len(codebook)} codes; {report.summary()}")
    return 0


def _codebook_show(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import coding_counts, project_codebook

    with _project(args) as project:
        book = project_codebook(project)
        counts = coding_counts(project.store)
    if args.json:
        frame = book.to_frame()
        frame["codings"] = frame["id"].map(counts).fillna(0).astype(int)
        print(json.dumps(frame.to_dict(orient="records"), indent=2, ensure_ascii=False))
        return 0
    if not len(book):
        print("the project has no codebook yet (evidence codebook load corpora/codebook.yaml)")
        return 0
    for code in book:
        indent = "  " * book.level(code.id)
        print(f"{indent}{code.id:<{40 - len(indent)}} {code.name}  [{counts.get(code.id, 0)} codings]")
    return 0


def _codebook_export(args: argparse.Namespace) -> int:
    from evidence.codebook import save_codebook
    from evidence.codebook.changes import project_codebook

    with _project(args) as project:
        book = project_codebook(project)
        book.name = book.name or str(project.config.get("name", ""))
    written = save_codebook(book, args.file)
    if args.json:
        print(to_json({"path": written, "codes": len(book)}))
        return 0
    print(f"wrote {written} ({len(book)} codes)")
    return 0


def _codebook_changes(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import code_changes

    with _project(args) as project:
        log = code_changes(project)
    if args.json:
        print(json.dumps(log.to_dict(orient="records"), indent=2, ensure_ascii=False))
    else:
        for row in log.itertuples(index=False):
            print(f"{row.at}  {row.action:<7} {row.author:<12} {json.dumps(row.detail, ensure_ascii=False)[:160]}")
    return 0


def _codebook_add(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import add_code
    from evidence.core.model import Code

    with _project(args) as project:
        add_code(project, Code(id=args.id, name=args.name, parent=args.parent or "", definition=args.definition,
                               colour=args.colour or ""), author=_author(args))
    if args.json:
        print(to_json({"action": "add", "code": args.id}))
        return 0
    print(f"added {args.id}")
    return 0


def _codebook_rename(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import rename_code

    with _project(args) as project:
        change = rename_code(project, args.id, name=args.name, new_id=args.new_id, author=_author(args))
    if args.json:
        print(to_json({"action": "rename", **change.detail}))
        return 0
    print(f"renamed: {json.dumps(change.detail, ensure_ascii=False)}")
    return 0


def _codebook_merge(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import merge_codes

    with _project(args) as project:
        change = merge_codes(project, args.codes, args.into, author=_author(args))
    if args.json:
        print(to_json({"action": "merge", "into": args.into, **change.detail}))
        return 0
    print(f"merged {', '.join(change.detail['codes'])} into {args.into}")
    return 0


def _codebook_move(args: argparse.Namespace) -> int:
    from evidence.codebook.changes import move_code

    with _project(args) as project:
        move_code(project, args.id, args.parent, author=_author(args))
    if args.json:
        print(to_json({"action": "move", "code": args.id, "parent": args.parent}))
        return 0
    print(f"moved {args.id} under {args.parent or '(top level)'}")
    return 0


# -- coding -----------------------------------------------------------------------------------------
def _import_codings(args: argparse.Namespace) -> int:
    from evidence.coding.spreadsheets import import_codings

    with _project(args) as project:
        report = import_codings(project, args.file, args.coder, skip_unknown=args.skip_unknown, author=_author(args))
    print(to_json(report) if args.json else report.summary())
    return 0


def _autocode(args: argparse.Namespace) -> int:
    from evidence.coding.autocode import autocode

    with _project(args) as project:
        kinds = args.kinds.split(",") if args.kinds else None
        report = autocode(project, args.method, coder=args.coder, train_coder=args.train_coder,
                          embedder=args.embedder, kinds=kinds, seed=args.seed,
                          scheduler=args.scheduler, include_procedural=args.include_procedural,
                          any_scope=args.any_scope)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.summary())
    return 0


def _fractions(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"fractions must be numbers like 0.1,0.2,0.3, not {text!r}") from None
    if not values or not all(0 < v < 1 for v in values):
        raise argparse.ArgumentTypeError("each fraction must lie between 0 and 1 (e.g. 0.1,0.2,0.3)")
    return values


def _learning_curve(args: argparse.Namespace) -> int:
    from evidence.coding.curve import project_learning_curve

    with _project(args) as project:
        embedder = None
        if args.embedder:
            from evidence.nlp.embeddings import project_embedder

            embedder = project_embedder(project, args.embedder)
        seed = project.seed if args.seed is None else args.seed
        results = project_learning_curve(project, args.coder, args.fractions, seed=seed, sampling=args.sampling,
                                         embedder=embedder, features=args.features)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"classifier vs {args.coder} ({args.sampling} sampling, seed {seed}); kappa measured on the held-out "
          "segments (never those trained on), with a 95% bootstrap interval")
    for result in results:
        mean = "n/a" if result["kappa_mean"] is None else f"{result['kappa_mean']:.3f}"
        if result.get("kappa_low") is not None:
            mean += f" (95% interval {result['kappa_low']:.3f}-{result['kappa_high']:.3f})"
        print(f"  {result['fraction']:.0%} ({result['n_train']} coded, {result['n_test']} held out): mean kappa {mean}")
        for code in result["per_code"]:
            kappa = "n/a" if code["kappa"] is None else f"{code['kappa']:.3f}"
            print(f"      {code['code']:<36} {kappa}  ({code['positives']} positives)")
    return 0


def _suggest_next(args: argparse.Namespace) -> int:
    from evidence.coding.active import suggest_next
    from evidence.coding.autocode import build_coder
    from evidence.core.model import UNIT_KINDS

    with _project(args) as project:
        model, embedder = build_coder(project, "classifier", train_coder=args.coder)
        segments = project.segments(list(UNIT_KINDS))
        coded = set(project.codings(coder=args.coder)["segment"])
        pool = segments[~segments["id"].isin(coded) & (segments["text"].str.strip() != "")]
        vectors = embedder.embed(pool["text"].tolist())
        ranked = suggest_next(model, pool.reset_index(drop=True), n=args.n, vectors=vectors)
    if args.json:
        print(ranked[["id", "uncertainty", "text"]].to_json(orient="records", force_ascii=False, indent=2))
        return 0
    for row in ranked.itertuples(index=False):
        print(f"{row.id}\t{row.uncertainty:.3f}\t{row.text[:100]}")
    return 0


def _frequencies(args: argparse.Namespace) -> int:
    from evidence.coding.queries import code_frequencies

    by = [b for b in (args.by or "").split(",") if b]
    with _project(args) as project:
        try:
            table = code_frequencies(project, by=by, coder=args.coder, status=None if args.all else "accepted")
        except KeyError as exc:
            from evidence.core.errors import EvidenceError

            raise EvidenceError(str(exc).strip('"')) from None
    if args.json:
        print(table.to_json(orient="records", force_ascii=False, indent=2))
    else:
        print(table.to_string(index=False) if not table.empty else "no codings yet")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the codebook and coding commands to the `evidence` parser."""
    book = subparsers.add_parser(
        "codebook", help="load, show, export and change the codebook",
        description="Load a YAML codebook into the project (validated first), look at it, write it back out, "
                    "and change codes: add, rename, merge, move. Codings follow every change, and each change "
                    "is logged (`evidence codebook changes`). The format is described in docs/codebook.md.")
    actions = book.add_subparsers(dest="codebook_command", metavar="ACTION", required=True)

    def action(name: str, func: Any, help_text: str, description: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text, description=description)
        add_project_option(parser)
        parser.add_argument("--author", default=None, help="who made the change (default: your login)")
        parser.set_defaults(func=func)
        return parser

    load = action("load", _codebook_load, "load a YAML codebook into the project (validated first)",
                  "Validate a YAML codebook (a bad one is reported with its file and line) and load it: new "
                  "codes are added, changed ones updated; codes with codings are never lost.")
    load.add_argument("file", metavar="FILE", help="the codebook YAML, e.g. corpora/codebook.yaml")
    load.add_argument("--accept-renames", action="store_true",
                      help="allow codes that already have codings to take a new name")
    load.add_argument("--replace", action="store_true",
                      help="remove codes missing from the file (codes with codings are always kept)")
    load.add_argument("--json", action="store_true", help="print what was added, updated and kept as JSON")
    show = action("show", _codebook_show, "print the codebook with coding counts",
                  "Print the project's codebook as a tree, each code with how many codings it has.")
    show.add_argument("--json", action="store_true", help="print a JSON list of codes with their coding counts")
    export = action("export", _codebook_export, "write the project's codebook as YAML",
                    "Write the project's codebook, with every change made since loading it, as a YAML "
                    "codebook that `evidence codebook load` reads back.")
    export.add_argument("file", metavar="FILE", help="the YAML file to write")
    export.add_argument("--json", action="store_true", help="print the written path and code count as JSON")
    changes = action("changes", _codebook_changes, "the log of every change to the codebook",
                     "Print the log of every change to the codebook: when, what, and who made it.")
    changes.add_argument("--json", action="store_true", help="print the log as a JSON list")
    add = action("add", _codebook_add, "add a code",
                 "Add one code to the project's codebook (logged under --author).")
    add.add_argument("id", metavar="ID", help="the new code's id, e.g. tutoring.attendance")
    add.add_argument("--name", required=True, help="the code's name as researchers read it")
    add.add_argument("--definition", required=True, help="when to apply the code (and when not)")
    add.add_argument("--parent", default="", help="id of the parent code (default: top level)")
    add.add_argument("--colour", default="", help="colour for charts and QDA exports, e.g. #1f77b4")
    add.add_argument("--json", action="store_true", help="print the change as JSON")
    rename = action("rename", _codebook_rename, "rename a code (name and/or id); codings follow",
                    "Give a code a new name and/or a new id; every coding follows it.")
    rename.add_argument("id", metavar="ID", help="the code's current id")
    rename.add_argument("--name", default=None, help="the new name")
    rename.add_argument("--new-id", default=None, help="the new id")
    rename.add_argument("--json", action="store_true", help="print the change as JSON")
    merge = action("merge", _codebook_merge, "merge codes into one; every coding moves over",
                   "Merge codes into one code: every coding of the merged codes moves to it, and the "
                   "merged codes leave the codebook.")
    merge.add_argument("codes", nargs="+", metavar="ID", help="the codes to merge")
    merge.add_argument("--into", required=True, metavar="ID", help="the code they are merged into")
    merge.add_argument("--json", action="store_true", help="print the change as JSON")
    move = action("move", _codebook_move, "put a code under another parent ('' for top level)",
                  "Move a code (with its children) under another parent code.")
    move.add_argument("id", metavar="ID", help="the code to move")
    move.add_argument("--parent", required=True, metavar="ID", help="the new parent's id ('' for top level)")
    move.add_argument("--json", action="store_true", help="print the change as JSON")

    imp = subparsers.add_parser(
        "import-codings", help="import codings from a csv/xlsx (long id,code or wide Code 1..n)",
        description="Import a researcher's codings kept in Excel or csv, as accepted codings of --coder: long "
                    "(one row per id and code) or wide (columns Code 1..n). Names like parent->child create "
                    "the hierarchy; codes not yet in the codebook are added.")
    add_project_option(imp)
    imp.add_argument("file", metavar="FILE", help="the .csv or .xlsx file")
    imp.add_argument("--coder", required=True, help="whose codings these are")
    imp.add_argument("--skip-unknown", action="store_true", help="import rows whose id is known, list the rest")
    imp.add_argument("--author", default=None, help="who made the change (default: your login)")
    imp.add_argument("--json", action="store_true", help="print the import report as JSON")
    imp.set_defaults(func=_import_codings)

    from evidence.coding.registry import coder_method, method_names

    auto = subparsers.add_parser(
        "autocode", help="suggest codes with rules, similarity or a trained classifier",
        description="Suggest codes for every unit with the codebook's rules, semantic similarity to the code "
                    "definitions, or a classifier trained on a researcher's accepted codings. Suggestions are "
                    "stored under --coder and stay suggestions until a person accepts them.")
    add_project_option(auto)
    auto.add_argument("--method", required=True, choices=method_names(),
                      help="; ".join(f"{m}: {coder_method(m).help}" for m in method_names()))
    auto.add_argument("--coder", required=True, help="name the suggestions are stored under")
    auto.add_argument("--train-coder", default=None, help="whose accepted codings the classifier learns from")
    auto.add_argument("--embedder", default=None, help=EMBEDDER_HELP)
    auto.add_argument("--kinds", default=None, help="segment kinds to code (default quote,turn,paragraph)")
    auto.add_argument("--seed", type=int, default=None, help="random seed (default: the project's)")
    auto.add_argument("--json", action="store_true", help="print the report (suggestions per code) as JSON")
    auto.add_argument("--scheduler", metavar="ADDRESS", default=None,
                      help="embed and code on a Dask cluster: 'local' (one worker per core) or tcp://HOST:8786 "
                           "(default: the project's `scheduler` setting, else in this process)")
    auto.add_argument("--include-procedural", action="store_true",
                      help="also code procedural turns (thanks, turn taking, audio checks), left uncoded by default")
    auto.add_argument("--any-scope", action="store_true",
                      help="let the classifier code segment kinds and questions it never learnt from "
                           "(the codebook's own scope still applies)")
    auto.set_defaults(func=_autocode)

    curve = subparsers.add_parser(
        "learning-curve", help="classifier kappa vs a coder after coding 10%%, 20%%, ...",
        description="How well the classifier would agree with a researcher after they code a share of the "
                    "units: trains on each fraction of their codings and reports Cohen's kappa on the rest, "
                    "per code and on average.")
    add_project_option(curve)
    curve.add_argument("--coder", required=True, help="the researcher whose codings are the reference")
    curve.add_argument("--fractions", type=_fractions, default=[0.1, 0.2, 0.3], metavar="F,F,...",
                       help="shares of the coded units to train on (default: 0.1,0.2,0.3)")
    curve.add_argument("--seed", type=int, default=None, help="random seed (default: the project's)")
    curve.add_argument("--sampling", choices=["random", "uncertainty"], default="random",
                       help="how the training units are picked (default: random)")
    curve.add_argument("--features", choices=["embeddings+tfidf", "embeddings", "tfidf"], default="embeddings+tfidf",
                       help="what the classifier reads (default: embeddings+tfidf)")
    curve.add_argument("--embedder", default=None, help=EMBEDDER_HELP)
    curve.add_argument("--json", action="store_true", help="print the curve as JSON")
    curve.set_defaults(func=_learning_curve)

    nxt = subparsers.add_parser(
        "suggest-next", help="the uncoded segments whose coding would teach the classifier most",
        description="List the units a researcher has not coded yet on which the classifier, trained on their "
                    "codings, is least sure: coding these next improves it fastest (active learning).")
    add_project_option(nxt)
    nxt.add_argument("--coder", required=True, help="the researcher whose codings train the classifier")
    nxt.add_argument("-n", type=int, default=10, metavar="N", help="how many units to list (default: 10)")
    nxt.add_argument("--json", action="store_true", help="print a JSON list of {id, uncertainty, text}")
    nxt.set_defaults(func=_suggest_next)

    freq = subparsers.add_parser(
        "frequencies", help="code frequencies, optionally by attributes (school, wave, role...)",
        description="Count the units each code was applied to (accepted codings unless --all), overall or "
                    "by any attribute of the units: school, wave, role, partnership, ...")
    add_project_option(freq)
    freq.add_argument("--by", default="", metavar="ATTR,...", help="attributes to count by, e.g. school,wave")
    freq.add_argument("--coder", default=None, help="only this coder's codings (default: every coder)")
    freq.add_argument("--all", action="store_true", help="count suggestions too")
    freq.add_argument("--json", action="store_true", help="print the table as a JSON list")
    freq.set_defaults(func=_frequencies)
