"""Replace personal data with pseudonyms and move every segment's offsets to match.

:func:`pseudonymise` is the step ingest runs on each source before it is stored: it returns a new
Source whose text (and title, school, partnership, event, path, metadata) hold pseudonyms only, the
segments remapped so ``source.text[start:end] == segment.text`` still holds, and a list of
:class:`Replacement` records (kinds, offsets and pseudonyms; never the originals).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.model import Case, Segment, Source
from .detect import PATTERN_LABELS, Finding, NameIndex, find_personal_data
from .pseudonyms import PseudonymKey
from .roster import KnownName, KnownNames, is_role_label, looks_like_name

SOURCE_TEXT_FIELDS = ("title", "school", "partnership", "event")


@dataclass
class Replacement:
    """One replaced item: where (source, field, offsets in the *new* value), what kind, which pseudonym."""

    source: str
    field: str  # "text", "title", "speaker", "case", "segment.attributes", "metadata", ...
    kind: str
    detector: str
    start: int
    end: int
    pseudonym: str
    segment: str = ""


@dataclass
class _Edit:
    start: int
    end: int
    replacement: str
    finding: Finding


class Pseudonymiser:
    """Finds and replaces personal data in the strings of one source, with one key and one index."""

    def __init__(self, known: KnownNames, key: PseudonymKey, nlp: Any | None = None) -> None:
        self.known = known
        self.key = key
        self.nlp = nlp
        self.index = NameIndex(known)

    def label(self, finding: Finding) -> str:
        if finding.kind in PATTERN_LABELS:
            return PATTERN_LABELS[finding.kind]
        if not finding.identity:  # a first name several known people share
            return f"[{finding.kind} name]"
        known = self.index.known.get(finding.identity)
        if known is None:  # found by NER: a person no list knew
            known = KnownName(finding.identity.split(":", 1)[1].title(), finding.kind, origin="ner")
            self.index.known[finding.identity] = known
        return self.key.pseudonym(known)

    def edits(self, text: str, boundaries: list[int] = ()) -> list[_Edit]:
        """Edits for ``text``, split where a finding would straddle a segment boundary."""
        edits = []
        cuts = sorted(set(boundaries))
        for finding in find_personal_data(text, self.index, self.nlp):
            label = self.label(finding)
            inner = cuts[bisect.bisect_right(cuts, finding.start):bisect.bisect_left(cuts, finding.end)]
            if not inner:
                edits.append(_Edit(finding.start, finding.end, label, finding))
                continue
            points = [finding.start, *inner, finding.end]
            for a, b in zip(points, points[1:]):
                match = re.search(r"\w(?:.*\w)?", text[a:b], re.S)
                if match:  # each piece with letters gets the pseudonym; spaces and line breaks stay
                    edits.append(_Edit(a + match.start(), a + match.end(), label, finding))
        return edits

    def text(self, value: str) -> tuple[str, list[_Edit]]:
        """``value`` with every finding replaced; the edits carry offsets into the new string."""
        return apply_edits(value, self.edits(value))

    def name(self, value: str, kind: str) -> str:
        """A whole value that is a name (a speaker label, a case id): its pseudonym, else its text pseudonymised."""
        if not value or not looks_like_name(value, self.known.role_labels):
            return self.text(value)[0] if value else value
        known = self.index.lookup(value)
        if known is None:
            return self.text(value)[0]
        return self.key.pseudonym(known)


    def source(self, source: Source, segments: list[Segment]
               ) -> tuple[Source, list[Segment], list[Replacement]]:
        """The pseudonymised source and segments (offsets remapped) and what was replaced."""
        replacements: list[Replacement] = []

        def record(field: str, placed: list[_Edit], segment: str = "") -> None:
            replacements.extend(Replacement(source.id, field, e.finding.kind, e.finding.detector, e.start,
                                            e.end, e.replacement, segment) for e in placed)

        boundaries = [offset for s in segments for offset in (s.start, s.end)]
        edits = self.edits(source.text, boundaries)
        new_text, placed = apply_edits(source.text, edits)
        record("text", placed)
        new_offset = offset_mapper(edits)
        new_segments = []
        for segment in segments:
            start, end = new_offset(segment.start), new_offset(segment.end)
            speaker = _speaker(self, segment.speaker, segment.role)
            if speaker != segment.speaker:
                replacements.append(Replacement(source.id, "speaker", _kind_of(self, segment.speaker),
                                                "speaker", 0, len(speaker), speaker, segment.id))
            case_kind = "pupil" if segment.kind == "quote" else "school"
            new_segments.append(dataclasses.replace(
                segment, start=start, end=end, text=new_text[start:end], speaker=speaker,
                role=self.text(segment.role)[0] if segment.role else segment.role,
                case=pseudonymise_case_id(self, segment.case, case_kind),
                attributes=_value(self, segment.attributes),
            ))
        changes: dict[str, Any] = {"text": new_text}
        for name in SOURCE_TEXT_FIELDS:
            value = getattr(source, name)
            if value:
                changes[name], placed = _field(self, name, value)
                record(name, placed)
        changes["metadata"] = _value(self, source.metadata)
        new_source = dataclasses.replace(source, **changes)
        for segment in new_segments:
            segment.check_offsets(new_source.text)
        return new_source, new_segments, replacements


def apply_edits(text: str, edits: list[_Edit]) -> tuple[str, list[_Edit]]:
    """Apply non-overlapping edits; return the new text and the edits with their new offsets."""
    parts, placed, last, shift = [], [], 0, 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts.append(text[last:edit.start])
        parts.append(edit.replacement)
        new_start = edit.start + shift
        placed.append(_Edit(new_start, new_start + len(edit.replacement), edit.replacement, edit.finding))
        shift += len(edit.replacement) - (edit.end - edit.start)
        last = edit.end
    parts.append(text[last:])
    return "".join(parts), placed


def offset_mapper(edits: list[_Edit]) -> Callable[[int], int]:
    """Map an old offset to the new text (an offset at an edit's start stays before its pseudonym)."""
    ordered = sorted(edits, key=lambda e: e.start)
    ends = [e.end for e in ordered]
    shifts, total = [0], 0
    for edit in ordered:
        total += len(edit.replacement) - (edit.end - edit.start)
        shifts.append(total)

    def new_offset(old: int) -> int:
        i = bisect.bisect_right(ends, old)
        if i < len(ordered) and ordered[i].start < old:
            raise ValueError(f"offset {old} falls inside a replaced span {ordered[i].start}-{ordered[i].end}")
        return old + shifts[i]

    return new_offset


def pseudonymise(
    source: Source,
    segments: list[Segment],
    known: KnownNames,
    key: PseudonymKey,
    *,
    nlp: Any | None = None,
    save_key: bool = True,
) -> tuple[Source, list[Segment], list[Replacement]]:
    """Replace every personal item of a source and its segments with pseudonyms.

    Speakers, the source's school/partnership and quote-table pupils are added to ``known``. The key
    gains any new pseudonyms and is saved (when it has a path and ``save_key``) before this returns,
    so the map back to the originals is on disk before the pseudonymised text is stored anywhere.
    ``source.path`` is left to the caller: Project.ingest stores only a hash of the real path and shows
    the pseudonymised source id instead; the privacy report flags any stored path that holds a name.
    """
    for segment in segments:
        segment.check_offsets(source.text)
    worker = Pseudonymiser(known.with_source(source, segments), key, nlp)
    result = worker.source(source, segments)
    if save_key and key.changed and key.path is not None:
        key.save()
    return result


def pseudonymise_reading(reading: Any, known: KnownNames, key: PseudonymKey, *, nlp: Any | None = None,
                         save_key: bool = True) -> tuple[Any, list[Replacement]]:
    """:func:`pseudonymise` for an ingest ``Reading``: its speakers and cases get the same pseudonyms."""
    for segment in reading.segments:
        segment.check_offsets(reading.source.text)
    worker = Pseudonymiser(known.with_source(reading.source, reading.segments), key, nlp)
    source, segments, replacements = worker.source(reading.source, reading.segments)
    speakers = []
    for speaker in reading.speakers:
        entry = dict(speaker)
        entry["name"] = _speaker(worker, str(entry.get("name", "")), str(entry.get("role", "")))
        if entry.get("school"):
            entry["school"] = worker.name(str(entry["school"]), "school")
        if entry.get("role"):
            entry["role"] = worker.text(str(entry["role"]))[0]
        speakers.append(entry)
    source, segments = _pseudonymise_source_id(worker, source, segments)
    new = dataclasses.replace(reading, source=source, segments=segments, speakers=speakers,
                              cases=pseudonymise_cases(reading.cases, worker))
    if save_key and key.changed and key.path is not None:
        key.save()
    return new, replacements


def _field(worker: Pseudonymiser, name: str, value: str) -> tuple[str, list[_Edit]]:
    if name in ("school", "partnership") and worker.index.lookup(value) is not None:
        pseudonym = worker.name(value, name)
        finding = Finding(0, len(value), name, "metadata")
        return pseudonym, [_Edit(0, len(pseudonym), pseudonym, finding)]
    return worker.text(value)


def _speaker(worker: Pseudonymiser, speaker: str, role: str) -> str:
    if not speaker or is_role_label(speaker, worker.known.role_labels):
        return speaker  # "Tutor", "Chair", "Pupil 3": a role, kept as it is
    return worker.name(speaker, "speaker")


def _kind_of(worker: Pseudonymiser, name: str) -> str:
    known = worker.index.lookup(name)
    return known.kind if known else "person"


def pseudonymise_case_id(worker: Pseudonymiser, case: str, kind: str) -> str:
    """A case id that is a name (a pupil, a school) becomes its pseudonym; ids like "P017" stay."""
    if not case:
        return case
    prefix, sep, rest = case.partition(":")
    if sep and prefix.lower() in ("pupil", "school", "partnership", "speaker", "staff"):
        return f"{prefix}:{worker.name(rest, prefix.lower())}"
    return worker.name(case, kind)


def _value(worker: Pseudonymiser, value: Any) -> Any:
    """Pseudonymise every string inside a JSON-like value (dict keys too: sidecars key speakers by name)."""
    if isinstance(value, str):
        return worker.name(value, "person") if worker.index.lookup(value) else worker.text(value)[0]
    if isinstance(value, dict):
        return {(_value(worker, k) if isinstance(k, str) else k): _value(worker, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_value(worker, v) for v in value)
    return value


def pseudonymise_cases(cases: list[Case], worker: Pseudonymiser) -> list[Case]:
    """Cases whose id or name is a person's or school's name get the same pseudonym as the segments."""
    out = []
    for case in cases:
        new_id = pseudonymise_case_id(worker, case.id, case.kind)
        name = new_id if case.name == case.id else worker.name(case.name, case.kind)
        out.append(dataclasses.replace(case, id=new_id, name=name, attributes=_value(worker, case.attributes)))
    return out


def _pseudonymise_source_id(worker: Pseudonymiser, source: Source, segments: list[Segment]
                            ) -> tuple[Source, list[Segment]]:
    """A source id made from a file name ("jayden-okafor-interview") loses the name, and so do the
    segment ids built from it; ids without names stay as they are (re-ingest finds sources by path)."""
    spaced = re.sub(r"[-_]+", " ", source.id)
    replaced, placed = worker.text(spaced)
    if not placed:
        return source, segments
    new_id = re.sub(r"[^a-z0-9]+", "-", replaced.lower()).strip("-") or "source"

    def moved(value: str) -> str:
        return new_id + value[len(source.id):] if value == source.id or value.startswith(source.id + ":") else value

    segments = [dataclasses.replace(s, id=moved(s.id), source=moved(s.source), parent=moved(s.parent))
                for s in segments]
    return dataclasses.replace(source, id=new_id), segments
