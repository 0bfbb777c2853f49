"""Speaker turns in plain text: the common transcript shapes, and continuation lines.

Recognised turn openings (one per line)::

    Name: text                 Name (Role): text          NAME: text          Speaker 2: text
    [00:01:02] Name: text      00:01:02 Name: text        **Name:** text / **Name (Role):** text

A line that does not open a turn continues the previous turn (blank lines included), so a turn's span
runs from the first character of its text to the last non-space character before the next opening.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)"
_NAME = r"[^\W\d_][\w'’.\-]*(?:[ \t][^\W_][\w'’.\-]*){0,4}"  # later words may be numbers (Speaker 2, Pupil 017)
_ROLE = r"[^()\n:]{1,60}"
TURN_OPENING = re.compile(
    r"^[ \t]*(?:\[" + _TIME + r"\][ \t]*|" + _TIME.replace("ts", "ts2") + r"[ \t]+)?"
    r"(?:\*\*(?P<bname>" + _NAME + r")(?:[ \t]*\((?P<brole>" + _ROLE + r")\))?[ \t]*:?\*\*[ \t]*:?"
    r"|(?P<name>" + _NAME + r")(?:[ \t]*\((?P<role>" + _ROLE + r")\))?[ \t]*:)"
    r"(?:[ \t]+|$)",
    re.M,
)
# Words that open "Label: value" lines in articles and notes but are not speakers.
NOT_SPEAKERS = {
    "note", "notes", "http", "https", "update", "source", "sources", "summary", "date", "time", "title",
    "location", "venue", "agenda", "present", "apologies", "action", "actions", "re", "fwd", "subject",
    "from", "to", "cc", "photo", "image", "figure", "table", "step", "q", "a", "question", "answer",
    "warning", "tip", "example", "read more", "see also", "key findings", "recommendation",
}


@dataclass
class Turn:
    """One speaker turn: who spoke, and the [start, end) span of what they said in the text."""

    speaker: str
    role: str
    start: int
    end: int
    timestamp: str = ""
    line: int = 0


def normalise_timestamp(value: str) -> str:
    """``1:02`` -> ``00:01:02.000``; ``00:01:02,5`` -> ``00:01:02.500``."""
    if not value:
        return ""
    value = value.replace(",", ".")
    main, _, frac = value.partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    millis = int((frac + "000")[:3]) if frac else 0
    return f"{parts[0]:02d}:{parts[1]:02d}:{parts[2]:02d}.{millis:03d}"


def _opening(match: re.Match[str]) -> tuple[str, str, str] | None:
    name = (match.group("bname") or match.group("name") or "").strip()
    role = (match.group("brole") or match.group("role") or "").strip()
    if not name or name.lower() in NOT_SPEAKERS or len(name) > 60:
        return None
    words = name.split()
    # every word of a name starts with a capital letter (Ms Okafor, DR PATEL, Jean-Luc)
    if not all(w[0].isupper() or w[0].isdigit() for w in words
               if w.lower() not in ("de", "van", "von", "da", "al", "le", "la")):
        return None
    ts = match.group("ts") or match.group("ts2") or ""
    return name, role, normalise_timestamp(ts)


def find_turns(text: str, start: int = 0) -> list[Turn]:
    """All speaker turns in ``text[start:]``; empty when no line opens a turn."""
    openings: list[tuple[re.Match[str], tuple[str, str, str]]] = []
    for match in TURN_OPENING.finditer(text, start):
        parsed = _opening(match)
        if parsed is not None:
            openings.append((match, parsed))
    turns: list[Turn] = []
    line, counted = 1, 0  # line numbers counted on from the previous opening, so the whole is linear
    for i, (match, (name, role, ts)) in enumerate(openings):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        body_start = match.end()
        body_end = openings[i + 1][0].start() if i + 1 < len(openings) else len(text)
        body = text[body_start:body_end]
        stripped_end = body_start + len(body.rstrip())
        lead = len(body) - len(body.lstrip())
        s = min(body_start + lead, stripped_end)
        turns.append(Turn(speaker=name, role=role, start=s, end=stripped_end, timestamp=ts,
                          line=line))
    return turns


def looks_like_transcript(text: str, turns: list[Turn]) -> bool:
    """Enough lines open turns, by enough distinct speakers, to read the text as a transcript."""
    if len(turns) < 2:
        return False
    lines = [l for l in text.splitlines() if l.strip()]
    speakers = {t.speaker.lower() for t in turns}
    return len(speakers) >= 2 and len(turns) >= 0.2 * len(lines)
