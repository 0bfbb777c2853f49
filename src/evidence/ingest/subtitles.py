"""Readers for WebVTT and SRT captions (Zoom / Teams exports).

Speakers come from ``<v Name>`` voice tags or a ``Name:`` prefix; consecutive cues of one speaker are
merged into one turn that keeps the first cue's start time. The stored text is a clean transcript
(``Name: what they said`` turns separated by blank lines) that the segment offsets point into.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from ..core.errors import InputError
from ..core.model import normalise_text
from .build import make_source, transcript_reading
from .decode import read_text
from .metadata import read_sidecar
from .registry import Reading, ReadOptions, reader
from .turns import Turn, normalise_timestamp

_VTT_TIME = r"(?:\d{1,2}:)?\d{2}:\d{2}\.\d{3}"
_SRT_TIME = r"\d{1,2}:\d{2}:\d{2},\d{3}"
_PREFIX = re.compile(r"^\s*([^\W\d_][\w'’.\-]*(?:\s[^\W\d_][\w'’.\-]*){0,4})\s*:\s+(.*)$", re.S)
_TAGS = re.compile(r"</?[^>]+>")


def _check_timings(path: Path, text: str, pattern: str) -> None:
    """Every caption block must be ``[id]`` + a timing line + text; InputError naming the first line that
    is not, so a damaged block is never read as more text of the cue before it (one pass, linear)."""
    timing = re.compile(rf"^\s*{pattern}\s+-->\s+{pattern}(\s.*)?$")
    vtt = pattern == _VTT_TIME
    block: list[tuple[int, str]] = []
    lines = text.split("\n")
    for number, line in enumerate([*lines, ""], start=1):
        if "-->" in line and not timing.match(line):
            raise InputError(path, f"broken cue timing {line.strip()!r}", line=number,
                             hint="timings look like 00:01:02.000 --> 00:01:05.500")
        if line.strip():
            block.append((number, line))
            continue
        if block:
            _check_block(path, block, timing, vtt, first=block[0][0] == _first_text_line(lines))
        block = []


def _first_text_line(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines, start=1) if line.strip()), 0)


def _check_block(path: Path, block: list[tuple[int, str]], timing: re.Pattern[str], vtt: bool,
                 first: bool) -> None:
    heads = [line.strip() for _, line in block[:2]]
    if vtt and (first and heads[0].startswith("WEBVTT")
                or heads[0].split(" ")[0] in ("NOTE", "STYLE", "REGION")):
        return
    where = next((i for i, (_, line) in enumerate(block[:2]) if timing.match(line)), None)
    if where is None:
        raise InputError(path, f"caption block without a timing line (starts {heads[0][:40]!r})",
                         line=block[0][0], hint="each block is a number, a timing line such as "
                         "00:01:02,000 --> 00:01:05,500, then its text, with a blank line between blocks")
    if where == 1 and not vtt and not heads[0].isdigit():
        raise InputError(path, f"caption number {heads[0][:20]!r} is not a number", line=block[0][0],
                         hint="each block starts with its number (1, 2, 3, ...)")
    if vtt:  # WebVTT's own parsing rules start a new cue at a timing line even without a blank line
        return
    for number, line in block[where + 1:]:
        if timing.match(line):
            raise InputError(path, "a timing line inside a caption's text (a missing blank line?)", line=number,
                             hint="put a blank line between caption blocks")


def _split_speaker(voice: str | None, text: str) -> tuple[str, str]:
    text = " ".join(_TAGS.sub("", text).split())
    if voice:
        return voice.strip(), text
    match = _PREFIX.match(text)
    if match and match.group(1)[0].isupper():
        return match.group(1).strip(), match.group(2).strip()
    return "", text


def _assemble(path: Path, options: ReadOptions, cues: list[tuple[str, str, str]], reader_name: str,
              encoding: str, file_hash: str) -> Reading:
    merged: list[list[str]] = []  # [speaker, text, timestamp]
    for speaker, text, ts in cues:
        if not text:
            continue
        if merged and (speaker == merged[-1][0] or not speaker):
            merged[-1][1] += " " + text
        else:
            merged.append([speaker or "Unknown speaker", text, ts])
    if not merged:
        raise InputError(path, "no captions with text", line=1, hint="is this an empty recording export?")
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for speaker, text, ts in merged:
        label = f"{speaker}: "
        text = normalise_text(text)
        turns.append(Turn(speaker=speaker, role="", start=offset + len(label),
                          end=offset + len(label) + len(text), timestamp=ts))
        block = label + text
        parts.append(block)
        offset += len(block) + 2
    body = "\n\n".join(parts) + "\n"
    meta = read_sidecar(path)
    source = make_source(path, options, "transcript", body, reader_name, encoding, file_hash, meta)
    reading = transcript_reading(path, options, source, turns, meta)
    reading.notes.append(f"encoding {encoding}; {len(cues)} cues merged into {len(turns)} turns")
    return reading


@reader("webvtt", ".vtt")
def read_vtt(path: Path, options: ReadOptions) -> Reading:
    import webvtt

    decoded = read_text(path)
    if not decoded.text.lstrip().startswith("WEBVTT"):
        raise InputError(path, "not a WebVTT file (it must start with 'WEBVTT')", line=1)
    _check_timings(path, decoded.text, _VTT_TIME)
    try:
        captions = webvtt.from_string(decoded.text)
    except Exception as exc:  # webvtt raises its own MalformedFileError / MalformedCaptionError
        raise InputError(path, f"cannot parse captions: {exc}", hint="check the cue layout") from None
    cues = []
    for caption in captions:
        speaker, text = _split_speaker(getattr(caption, "voice", None), caption.text)
        cues.append((speaker, text, normalise_timestamp(caption.start)))
    return _assemble(path, options, cues, "webvtt", decoded.encoding, decoded.file_hash)


def _srt_time(delta: timedelta) -> str:
    total = delta.total_seconds()
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{seconds:06.3f}"


@reader("srt", ".srt")
def read_srt(path: Path, options: ReadOptions) -> Reading:
    import srt

    decoded = read_text(path)
    _check_timings(path, decoded.text, _SRT_TIME)
    try:
        subtitles = list(srt.parse(decoded.text))
    except srt.SRTParseError as exc:
        line = decoded.text.count("\n", 0, getattr(exc, "expected_start", 0)) + 1
        raise InputError(path, f"cannot parse subtitles: {exc}", line=line) from None
    cues = []
    for sub in subtitles:
        speaker, text = _split_speaker(None, sub.content)
        cues.append((speaker, text, _srt_time(sub.start)))
    return _assemble(path, options, cues, "srt", decoded.encoding, decoded.file_hash)
