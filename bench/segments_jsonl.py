"""`evidence segments --jsonl` on a big store: streamed rows against the whole-DataFrame route, same run.

Builds a store with ``--rows`` quote segments (written straight through ``Store.write_source``, no spaCy, from
a seed), then writes every segment as JSON lines to /dev/null twice: through ``Store.iter_segments`` (what the
command does) and through ``Store.segments_frame(...).to_dict("records")`` (what it did before). Prints the
CPU time and the peak Python memory (tracemalloc) of each, and the ratios streamed/frame.

    .venv/bin/python bench/segments_jsonl.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

WORDS = "reading club helped pupils talk about books with more confidence every week after lunch".split()


def build(path: Path, rows: int, seed: int) -> None:
    from evidence.core.model import Segment, Source
    from evidence.store import Store

    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 20))) for _ in range(rows)]
    body, segments, offset = [], [], 0
    for n, text in enumerate(texts):
        segments.append(Segment(id=f"Q{n}", source="quotes", kind="quote", start=offset, end=offset + len(text),
                                text=text, order=n, case=f"Pupil {n % 997:03d}", wave="before" if n % 2 else "after"))
        body.append(text)
        offset += len(text) + 2
    source = Source(id="quotes", kind="quotes", text="\n\n".join(body))
    with Store(path) as store, store.transaction() as conn:
        store.write_source(conn, source, segments)


def write_lines(records, out) -> int:
    n = 0
    for row in records:
        out.write(json.dumps({k: (int(v) if k in ("start", "end", "order") else v) for k, v in row.items()},
                             ensure_ascii=False) + "\n")
        n += 1
    return n


def measure(step) -> tuple[float, float, int]:
    """CPU seconds of one pass, then peak traced memory of a second pass (tracing slows it down)."""
    started = time.process_time()
    count = step()
    seconds = time.process_time() - started
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from evidence.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evidence.sqlite"
        build(path, args.rows, args.seed)
        with Store(path) as store, open(os.devnull, "w", encoding="utf-8") as out:
            streamed = measure(lambda: write_lines(store.iter_segments(), out))
            framed = measure(lambda: write_lines(store.segments_frame().to_dict("records"), out))
    assert streamed[2] == framed[2] == args.rows
    print(f"rows: {args.rows:,}")
    print(f"streamed (iter_segments): {streamed[0]:7.2f} s CPU, peak {streamed[1]:8.1f} MiB")
    print(f"frame (segments_frame)  : {framed[0]:7.2f} s CPU, peak {framed[1]:8.1f} MiB")
    print(f"ratios streamed/frame   : time {streamed[0] / framed[0]:.2f}, memory {streamed[1] / framed[1]:.3f}")


if __name__ == "__main__":
    main()
