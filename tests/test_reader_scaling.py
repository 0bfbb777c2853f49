"""Readers are linear in their input: the parsing steps of every text reader on 256 KB and 2 MB inputs.

CPU time of this process (best of two) so a busy machine does not blur it; a reader that rescans its text
per turn or per line shows a ratio near 64, a linear one near 8. The full readers (with spaCy sentences)
on 1, 2, 4 and 8 MB are in bench/readers.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import readers as bench  # noqa: E402

LINEAR_LIMIT = 20.0  # for 8x the input: linear is ~8, quadratic ~64


def _cpu(step, repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return max(best, 1e-3)


def _parse_step(kind: str, path: Path):
    from evidence.ingest.decode import read_text
    from evidence.ingest.metadata import split_front_matter
    from evidence.ingest.quotes import _table
    from evidence.ingest.subtitles import _SRT_TIME, _VTT_TIME, _check_timings
    from evidence.ingest.turns import find_turns

    if kind in ("txt", "md"):
        return lambda: find_turns(read_text(path).text, split_front_matter(path, read_text(path).text)[1])
    if kind == "srt":
        import srt

        return lambda: (_check_timings(path, read_text(path).text, _SRT_TIME), list(srt.parse(read_text(path).text)))
    if kind == "vtt":
        import webvtt

        return lambda: (_check_timings(path, read_text(path).text, _VTT_TIME), webvtt.from_string(read_text(path).text))
    return lambda: _table(path)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["txt", "md", "srt", "vtt", "csv"])
def test_reader_parsing_is_linear(tmp_path, kind):
    small = bench.write_input(kind, 2**18, tmp_path, seed=3)
    large = bench.write_input(kind, 2**21, tmp_path, seed=3)
    _parse_step(kind, small)()  # warm up
    ratio = _cpu(_parse_step(kind, large)) / _cpu(_parse_step(kind, small))
    assert ratio < LINEAR_LIMIT, f"{kind}: 8x the input took {ratio:.1f}x the time"


def test_turn_line_numbers_are_right_after_the_change(tmp_path):
    from evidence.ingest.turns import find_turns

    text = "Intro line\n\nAma Boateng: one\ncontinued\n\nBryn Lewis: two\n" + "x\n" * 5 + "Ama Boateng: three\n"
    assert [t.line for t in find_turns(text)] == [3, 6, 12]
