"""`evidence embed FILE --out VECTORS.npy`: sentence vectors for a researcher's own analysis."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from ..core.errors import EvidenceError, InputError
from ..core.files import atomic_path
from . import EMBEDDER_HELP


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "embed", help="write sentence vectors for a file of texts (one per line) to a .npy file",
        description="Embed every line of a UTF-8 text file (blank lines too, so row i of the output is line "
                    "i of the file) and save the L2-normalised float32 vectors with numpy.save. Inside a "
                    "project (--project, $EVIDENCE_PROJECT or a current folder holding evidence.yaml) the "
                    "project's embedder and embedding cache are used; elsewhere nothing is cached unless "
                    "--cache DIR is given.",
    )
    p.add_argument("file", metavar="FILE", help="UTF-8 text file, one text per line")
    p.add_argument("--out", metavar="VECTORS.npy", required=True, help="where to write the (lines x dim) array")
    p.add_argument("--embedder", default=None, help=EMBEDDER_HELP)
    p.add_argument("--project", metavar="DIR", default=None,
                   help="use this project's embedder setting and cache (default: $EVIDENCE_PROJECT or the "
                        "current folder, when it is a project)")
    p.add_argument("--cache", metavar="DIR", default=None,
                   help="embedding cache folder to use outside a project (default: no cache)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="embed on a Dask cluster: 'local' starts one worker per core on this machine, "
                        "tcp://HOST:8786 uses a running scheduler (default: the project's `scheduler` "
                        "setting, else in this process)")
    p.add_argument("--json", action="store_true", help="print one JSON object describing the result")
    p.set_defaults(func=cmd_embed)


def read_lines(path: Path) -> list[str]:
    """The file's lines (without line endings); a clear error naming the line that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file") from None
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read it ({exc.strerror})") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(str(path), "not UTF-8 text", line=line,
                         hint="save the file as UTF-8, one text per line") from None
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []


def _project_folder(args: argparse.Namespace) -> Path | None:
    from ..core.config import CONFIG_NAME

    named = args.project or os.environ.get("EVIDENCE_PROJECT")
    folder = Path(named) if named else Path.cwd()
    if (folder / CONFIG_NAME).is_file():
        return folder
    if args.project:
        raise EvidenceError(f"{folder}: not a project folder (no {CONFIG_NAME}); run `evidence init` first")
    return None


def cmd_embed(args: argparse.Namespace) -> int:
    import numpy as np

    from ..nlp.embeddings import get_embedder, project_embedder
    from ..core.scale import embed_texts, scheduler_setting

    source, out = Path(args.file), Path(args.out)
    if out.suffix != ".npy":
        raise EvidenceError(f"{out}: the output is a numpy array file; name it with .npy")
    texts = [line.rstrip("\r") for line in read_lines(source)]
    start = time.perf_counter()
    folder = _project_folder(args)
    config: dict = {}
    if folder is not None:
        from ..project import Project

        with Project.open(folder) as project:
            embedder = project_embedder(project, args.embedder)
            config = dict(project.config)
    else:
        embedder = get_embedder(args.embedder, cache_dir=Path(args.cache) if args.cache else None)
    scheduler = scheduler_setting(args.scheduler, config)
    before = embedder.encoded_texts
    vectors = embed_texts(embedder, texts, scheduler=scheduler)
    computed = embedder.encoded_texts - before
    with atomic_path(out) as partial, open(partial, "wb") as handle:  # a reader never sees half an array
        np.save(handle, vectors)
    seconds = time.perf_counter() - start
    report = {"file": str(source), "out": str(out), "texts": len(texts),
              "dimension": int(vectors.shape[1]) if vectors.ndim == 2 else 0,
              "embedder": embedder.model_id, "computed": int(computed),
              "from_cache": max(len(set(texts)) - int(computed), 0),
              "scheduler": scheduler or "", "seconds": round(seconds, 3)}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"{len(texts)} texts -> {out} ({vectors.shape[0]} x {report['dimension']}, {embedder.model_id}; "
              f"{computed} computed, {seconds:.1f} s)", file=sys.stdout)
    return 0
