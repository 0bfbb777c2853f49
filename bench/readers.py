"""Reader scaling: every ingest reader's time on inputs of 1, 2, 4 and 8 MB, as ratios to its own 1 MB time.

Linear readers print ratios close to the size ratios (2, 4, 8); a reader that rescans its input per line
or per turn shows ratios near their squares (4, 16, 64). Sizes are bytes of text written (for .docx and
.xlsx, the text inside the zip). Each figure is the best of ``--repeats`` runs, measured in this run; the
times are CPU seconds of this process, so other programs on a busy machine do not
blur them. The inputs are generated here from a seed, so nothing is read from the network or the corpora.

    .venv/bin/python bench/readers.py [--sizes 1,2,4,8] [--formats txt,md,srt,vtt,csv,html,docx,xlsx]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

NAMES = ["Ama Boateng", "Bryn Lewis", "Chidi Okeke", "Dana Kovac", "Eli Morgan", "Farah Aziz", "Gus Tran"]
WORDS = ("reading club helped pupils talk about books with more confidence and the mentors came every "
         "week to the library after lunch so the group grew").split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def lines_until(size: int, rng: random.Random, make: Callable[[int], str]) -> list[str]:
    out, total, n = [], 0, 0
    while total < size:
        line = make(n)
        out.append(line)
        total += len(line.encode("utf-8")) + 1
        n += 1
    return out


def _stamp(seconds: int, comma: bool) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}000"


def write_input(kind: str, size: int, folder: Path, seed: int = 0) -> Path:
    """A ``kind`` file of about ``size`` bytes of text, made from ``seed``."""
    rng = random.Random(seed)
    path = folder / f"input_{size}.{kind}"
    if kind in ("txt", "md"):
        form = "{name}: {text}" if kind == "txt" else "**{name}:** {text}"
        lines = lines_until(size, rng, lambda n: form.format(name=NAMES[n % len(NAMES)],
                                                             text=" ".join(sentence(rng) for _ in range(2))))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind in ("srt", "vtt"):
        srt = kind == "srt"

        def cue(n: int) -> str:
            timing = f"{_stamp(n, srt)} --> {_stamp(n + 1, srt)}"
            speaker = NAMES[(n // 3) % len(NAMES)]
            body = f"{speaker}: {sentence(rng)}" if srt else f"<v {speaker}>{sentence(rng)}"
            return f"{n + 1}\n{timing}\n{body}\n" if srt else f"{timing}\n{body}\n"

        text = "\n".join(lines_until(size, rng, cue))
        path.write_text(text if srt else "WEBVTT\n\n" + text, encoding="utf-8")
    elif kind == "csv":
        lines = lines_until(size, rng, lambda n: f'Q{n},P{n % 500},School {n % 9},{"before" if n % 2 else "after"},'
                            f'"{sentence(rng)} {sentence(rng)}"')
        path.write_text("id,pupil,school,wave,text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "html":
        lines = lines_until(size, rng, lambda n: f"<p>{sentence(rng)} {sentence(rng)}</p>")
        path.write_text("<html><head><title>Report</title></head><body>" + "\n".join(lines) + "</body></html>",
                        encoding="utf-8")
    elif kind == "docx":
        import docx

        document = docx.Document()
        for line in lines_until(size, rng, lambda n: f"{NAMES[n % len(NAMES)]}: {sentence(rng)} {sentence(rng)}"):
            document.add_paragraph(line)
        document.save(path)
    elif kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["id", "pupil", "school", "wave", "text"])
        for n, line in enumerate(lines_until(size, rng, lambda n: f"{sentence(rng)} {sentence(rng)}")):
            sheet.append([f"Q{n}", f"P{n % 500}", f"School {n % 9}", "before" if n % 2 else "after", line])
        book.save(path)
    else:
        raise SystemExit(f"unknown format {kind!r}")
    return path


def time_reader(path: Path, repeats: int) -> float:
    from evidence.ingest import ReadOptions, read_file

    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()  # CPU time: other work on a shared machine does not count
        read_file(path, ReadOptions(source_id="bench"))
        best = min(best, time.process_time() - started)
    return best


def scaling(kind: str, sizes_mb: list[float], repeats: int = 1, seed: int = 0) -> list[tuple[float, float]]:
    """(size in MB, best seconds) for each size."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        time_reader(write_input(kind, 2**16, Path(tmp), seed), 1)  # first use loads libraries: not timed
        for size in sizes_mb:
            path = write_input(kind, int(size * 2**20), Path(tmp), seed)
            out.append((size, time_reader(path, repeats)))
            path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="input sizes in MB (comma-separated)")
    parser.add_argument("--formats", default="txt,md,srt,vtt,csv,html,docx,xlsx")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    from evidence.nlp.pipeline import load_pipeline

    load_pipeline()("warm up")
    print(f"{'format':<6} " + " ".join(f"{s:>8g} MB" for s in sizes) + "   time ratios to the first size "
          f"(linear: {', '.join(f'{s / sizes[0]:g}' for s in sizes[1:])})")
    for kind in args.formats.split(","):
        rows = scaling(kind, sizes, args.repeats, args.seed)
        base = rows[0][1]
        print(f"{kind:<6} " + " ".join(f"{t:>9.2f}s" for _, t in rows) + "   "
              + ", ".join(f"{t / base:.2f}" for _, t in rows[1:]), flush=True)


if __name__ == "__main__":
    main()
