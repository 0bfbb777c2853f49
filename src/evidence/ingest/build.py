"""Turning located turns, paragraphs or quotes into model records (shared by every reader)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.model import Case, Segment, Source, normalise_wave
from ..nlp.pipeline import sentence_spans
from .metadata import SOURCE_FIELDS, speaker_map
from .registry import Reading, ReadOptions
from .turns import Turn

ROLE_SYNONYMS = {
    "school leader": ("head", "headteacher", "head teacher", "principal", "deputy head", "assistant head",
                      "slt", "senior leader", "school leader", "head of year", "executive head",
                      "deputy headteacher", "assistant headteacher", "teacher", "school lead"),
    "charity lead": ("charity lead", "ceo", "chief executive", "programme manager", "programme lead",
                     "charity", "founder", "director", "charity director", "programme director"),
    "tutor": ("tutor", "volunteer tutor", "mentor", "coach"),
    "partner": ("trust partner", "university partner", "trust lead", "widening participation lead",
                "university", "trust", "partner", "academy trust"),
    "facilitator": ("facilitator", "chair", "host", "moderator", "researcher", "interviewer"),
    "pupil": ("pupil", "student", "young person", "learner"),
}
_ROLE_LOOKUP = {syn: canon for canon, syns in ROLE_SYNONYMS.items() for syn in syns}


@lru_cache(maxsize=1024)
def canonical_role(role: str) -> str:
    """Map a free-text role to one of the workbench's roles, or keep it (lower case) when unknown."""
    text = re.sub(r"\s+", " ", role.strip().lower())
    if not text:
        return ""
    if text in _ROLE_LOOKUP:
        return _ROLE_LOOKUP[text]
    for syn, canon in _ROLE_LOOKUP.items():
        if re.search(rf"\b{re.escape(syn)}\b", text):
            return canon
    return text


def make_source(path: Path, options: ReadOptions, kind: str, text: str, reader: str, encoding: str,
                file_hash: str, meta: dict[str, Any]) -> Source:
    fields = {key: str(meta.get(key, "") or "") for key in SOURCE_FIELDS}
    fields["wave"] = normalise_wave(fields["wave"])
    if not fields["title"]:
        fields["title"] = path.stem.replace("_", " ").replace("-", " ")
    extra = {k: v for k, v in meta.items() if k not in SOURCE_FIELDS and k not in ("speakers", "columns")}
    return Source(id=options.source_id, kind=kind, text=text, path=str(path), reader=reader,
                  encoding=encoding, file_hash=file_hash, metadata=extra, **fields)


def add_sentences(source: Source, parents: list[Segment], pipeline: str) -> list[Segment]:
    """Sentence segments inside each parent segment (turn or paragraph), ids ``PARENT.sNN``."""
    spans = sentence_spans([p.text for p in parents], pipeline)
    sentences: list[Segment] = []
    order = 0
    for parent, found in zip(parents, spans):
        for i, (s, e) in enumerate(found, start=1):
            start, end = parent.start + s, parent.start + e
            sentences.append(Segment(
                id=f"{parent.id}.s{i:02d}", source=source.id, kind="sentence", start=start, end=end,
                text=source.text[start:end], order=order, speaker=parent.speaker, role=parent.role,
                case=parent.case, wave=parent.wave, parent=parent.id, timestamp=parent.timestamp,
            ))
            order += 1
    return sentences


def transcript_reading(path: Path, options: ReadOptions, source: Source, turns: list[Turn],
                       meta: dict[str, Any]) -> Reading:
    """A transcript's turns (and the sentences inside them) as segments, with its speakers."""
    known = {**options.speakers, **speaker_map(meta)}
    known_lower = {k.lower(): v for k, v in known.items()}
    for turn in turns:  # a role given inline once ("Name (Role): ...") holds for the whole transcript
        if turn.role and not known_lower.get(turn.speaker.lower(), {}).get("role"):
            known_lower[turn.speaker.lower()] = {**known_lower.get(turn.speaker.lower(), {"school": ""}),
                                                 "role": turn.role}
    segments: list[Segment] = []
    speakers: dict[str, dict[str, Any]] = {}
    schools: set[str] = set()
    spelling = {k.lower(): k for k in known}
    for turn in turns:  # one spelling per person: the speaker list's, else Title Case for NAME: turns
        turn.speaker = spelling.get(turn.speaker.lower(),
                                    turn.speaker.title() if turn.speaker.isupper() else turn.speaker)
    for order, turn in enumerate(turns):
        info = known_lower.get(turn.speaker.lower(), {})
        role = canonical_role(turn.role or info.get("role", ""))
        school = info.get("school", "")
        if school:
            schools.add(school)
        seg = Segment(
            id=f"{source.id}:t{order + 1:04d}", source=source.id, kind="turn", start=turn.start,
            end=turn.end, text=source.text[turn.start:turn.end], order=order, speaker=turn.speaker,
            role=role, case=school, wave=source.wave, timestamp=turn.timestamp,
        )
        segments.append(seg)
        entry = speakers.setdefault(turn.speaker, {"name": turn.speaker, "role": role, "school": school, "turns": 0})
        entry["turns"] += 1
        if role and not entry["role"]:
            entry["role"] = role
    segments += add_sentences(source, [s for s in segments if s.text], options.pipeline)
    cases = [Case(id=school, kind="school", name=school) for school in sorted(schools)]
    if source.school:
        cases.append(Case(id=source.school, kind="school", name=source.school))
    if source.partnership:
        cases.append(Case(id=source.partnership, kind="partnership", name=source.partnership))
    return Reading(source=source, segments=segments, speakers=list(speakers.values()), cases=cases)


#: a block of text between blank lines longer than this is no paragraph (a list of answers, one per line,
#: or a file with no blank lines at all): it is split at its line breaks, one paragraph per line
MAX_PARAGRAPH_CHARS = 20_000


def _paragraph_spans(text: str, body_start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each paragraph: blocks between blank lines, whitespace trimmed; a block over
    :data:`MAX_PARAGRAPH_CHARS` gives one paragraph per non-blank line instead."""
    for match in re.finditer(r"\S(?:.*?\S)?(?=\n[ \t]*\n|\s*\Z)", text[body_start:], re.S):
        start, end = body_start + match.start(), body_start + match.end()
        if end - start <= MAX_PARAGRAPH_CHARS:
            yield start, end
            continue
        for line in re.finditer(r"[^\n]*\S[^\n]*", text[start:end]):
            chunk = line.group()
            left = start + line.start() + len(chunk) - len(chunk.lstrip())
            yield left, left + len(chunk.strip())


def article_reading(source: Source, body_start: int, options: ReadOptions) -> Reading:
    """An article without speakers: paragraphs (split on blank lines) and the sentences inside them."""
    paragraphs: list[Segment] = []
    for start, end in _paragraph_spans(source.text, body_start):
        paragraphs.append(Segment(
            id=f"{source.id}:p{len(paragraphs) + 1:04d}", source=source.id, kind="paragraph",
            start=start, end=end, text=source.text[start:end], order=len(paragraphs), wave=source.wave,
            case=source.school,
        ))
    sentences = add_sentences(source, paragraphs, options.pipeline)
    cases = []
    if source.school:
        cases.append(Case(id=source.school, kind="school", name=source.school))
    if source.partnership:
        cases.append(Case(id=source.partnership, kind="partnership", name=source.partnership))
    return Reading(source=source, segments=paragraphs + sentences, cases=cases)
