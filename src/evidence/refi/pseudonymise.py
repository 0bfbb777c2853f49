"""Pseudonymise what a .qdpx brings in, as ``evidence ingest`` does, and move each selection with its words.

``evidence ingest`` replaces names, e-mail addresses, handles and the like before anything is stored
(:mod:`evidence.privacy`); an import does the same, with the same key and known names, so the same
person gets the same pseudonym whether they came in through ingest or through NVivo. Replacing a name
moves every offset after it, so each imported selection goes through the very edits the text went
through: an edge outside a replaced item moves with the text; an edge *inside* one (a selection that
starts or ends mid-name, or covers only part of a handle) is widened to the whole pseudonym, since
half a pseudonym would be neither the original words nor a readable label.

Coders (REFI users) are kept as they are unless the roster or key knows them: they are the
researchers, whose names the reliability reports need; a coder who is also a listed person (a teacher
who codes) gets that person's pseudonym. Code names and descriptions keep their words but lose any
known name ("All about Pupil 017"); cases, memos and the source titles, speakers and metadata are
pseudonymised.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ProjectError
from ..core.model import Case, Segment, Source
from ..privacy import KnownNames, PrivacySetup, Pseudonymiser, PseudonymKey, privacy_setup
from ..privacy.pseudonyms import LABELS
from ..privacy.replace import apply_edits, offset_mapper, pseudonymise_cases
from ..privacy.roster import GENERIC_SPEAKERS, looks_like_name

if TYPE_CHECKING:
    from evidence.project import Project

_PSEUDONYM_SHAPE = re.compile(
    r"(?:%s) (?:\d+|[A-Z]{1,3})" % "|".join(re.escape(label) for label, _ in LABELS.values()))
"""What the workbench's own pseudonyms look like ("Pupil 017", "School C"): text exported by a
pseudonymising project holds these, and a re-import must not take them for names."""
_LABEL_IN_TEXT = re.compile(r"\b%s\b|\[[a-z ]{2,20}\]" % _PSEUDONYM_SHAPE.pattern)
"""Pseudonyms and labels ("[handle]", "[pupil name]") inside a text."""


@dataclass
class PseudonymisedSource:
    """One imported source after pseudonymisation, with its selection spans moved to the new text."""

    source: Source
    segments: list[Segment]
    speakers: list[dict[str, Any]]
    spans: list[tuple[int, int] | None]
    widened: int  # selections with an edge inside a replaced item, widened to its whole pseudonym
    replaced: Counter


@dataclass
class ImportPrivacy:
    """The pseudonymiser of one import: the project's set-up (:func:`evidence.privacy.privacy_setup`: key,
    names, role labels, public kinds, NER pipeline), and what it replaced."""

    setup: PrivacySetup
    replaced: Counter = field(default_factory=Counter)
    widened: int = 0
    _general: tuple[tuple[int, int], Pseudonymiser] | None = field(default=None, repr=False)

    @property
    def key(self) -> PseudonymKey:
        return self.setup.key

    @property
    def nlp(self) -> Any | None:
        return self.setup.nlp

    def worker(self, known: KnownNames | None = None) -> Pseudonymiser:
        """A pseudonymiser for ``known`` names, else for every name the key knows (kept while it knows no more)."""
        if known is not None:
            return _ImportPseudonymiser(known, self.key, self.nlp)
        size = (len(self.key.entries), len(self.key.known))
        if self._general is None or self._general[0] != size:
            self._general = (size, _ImportPseudonymiser(self.setup.known_names(), self.key, self.nlp))
        return self._general[1]

    def is_pseudonym(self, value: str) -> bool:
        """True for one of this key's pseudonyms, or anything shaped like a workbench pseudonym."""
        value = value.strip()
        return self.key.original(value) is not None or bool(_PSEUDONYM_SHAPE.fullmatch(value))

    def save_key(self) -> None:
        """Write new pseudonyms to the key file before the store holds text that uses them."""
        if self.key.changed and self.key.path is not None:
            self.key.save()

    # -- sources and their selections -------------------------------------------------------------
    def source(self, source: Source, segments: list[Segment], speakers: list[dict[str, Any]],
               spans: list[tuple[int, int] | None]) -> PseudonymisedSource:
        """The source, segments and speakers with pseudonyms only, and ``spans`` moved to the new text."""
        for segment in segments:
            segment.check_offsets(source.text)
        worker = self.worker(self._known_for(source, segments))
        boundaries = [offset for s in segments for offset in (s.start, s.end)]
        edits = worker.edits(source.text, boundaries)  # remembered: worker.source uses the same edits
        new_source, new_segments, replacements = worker.source(source, segments)
        if apply_edits(source.text, edits)[0] != new_source.text:  # the privacy module changed its recipe
            raise ProjectError(f"source {source.id!r}: the pseudonymised text does not match the edits used to "
                               "move the selections; nothing was imported (please report this)")
        moved, widened = move_spans(edits, spans)
        new_speakers = [self._speaker(worker, entry) for entry in speakers]
        counts = Counter(r.kind for r in replacements)
        new_source.metadata = {**new_source.metadata, "privacy": {
            "replaced": dict(sorted(counts.items())),
            "detectors": dict(sorted(Counter(r.detector for r in replacements).items())),
            "ner": self.nlp is not None,
        }}
        self.replaced.update(counts)
        self.widened += widened
        self.save_key()
        return PseudonymisedSource(new_source, new_segments, new_speakers, moved, widened, counts)

    def _known_for(self, source: Source, segments: list[Segment]) -> KnownNames:
        """The key's names plus this source's speakers, school and partnership (but not pseudonyms)."""
        plain = dataclasses.replace(source, school="" if self.is_pseudonym(source.school) else source.school,
                                    partnership="" if self.is_pseudonym(source.partnership) else source.partnership)
        return self.setup.known_names().with_source(plain, segments)

    def _speaker(self, worker: Pseudonymiser, entry: dict[str, Any]) -> dict[str, Any]:
        entry = dict(entry)
        name = str(entry.get("name", ""))
        if name and not GENERIC_SPEAKERS.match(name.strip()) and not self.is_pseudonym(name):
            entry["name"] = worker.name(name, "speaker")
        if entry.get("school") and not self.is_pseudonym(str(entry["school"])):
            entry["school"] = worker.name(str(entry["school"]), "school")
        if entry.get("role"):
            entry["role"] = worker.text(str(entry["role"]))[0]
        return entry

    # -- coders, cases and memos ---------------------------------------------------------------------
    def coder(self, name: str) -> str:
        """A coder's pseudonym when the roster or key knows them, else the name as it is."""
        if not looks_like_name(name) or self.is_pseudonym(name):
            return name
        known = self.worker().index.lookup(name)
        if known is None:
            return name
        self.replaced[f"coder ({known.kind})"] += 1
        return self.key.pseudonym(known)

    def cases(self, cases: list[Case]) -> list[Case]:
        """Cases with their names pseudonymised; a pupil case's name is taken as a pupil's name."""
        known = self.setup.known_names()
        for case in cases:
            if case.kind == "pupil" and looks_like_name(case.name) and not self.is_pseudonym(case.name):
                known.add(case.name, "pupil", origin="refi case")
        new = pseudonymise_cases(cases, self.worker(known))
        changed = sum(1 for a, b in zip(cases, new) if (a.id, a.name) != (b.id, b.name))
        if changed:
            self.replaced["case"] += changed
        return new

    def text(self, value: str, worker: Pseudonymiser | None = None, *, count: bool = True) -> str:
        """Free text (a memo, a description) with every known name and pattern replaced; ``count``
        adds what was replaced to the counts (as "KIND (memos)")."""
        if not value:
            return value
        new, placed = (worker or self.worker()).text(value)
        if count:
            self.replaced.update(f"{e.finding.kind} (memos)" for e in placed)
        return new

    def code_text(self, value: str) -> str:
        """A code's name or description with every known name replaced (counted as "KIND (codes)"): a
        code named after a pupil, or described with a school's name, must not carry the name into the store
        or out again through export-codebook / export-qdpx."""
        if not value:
            return value
        new, placed = self.worker().text(value)
        self.replaced.update(f"{e.finding.kind} (codes)" for e in placed)
        return new

    def scrub(self, report: Any) -> None:
        """Pseudonymise the import report's notes and skipped items (they quote titles and selected text)."""
        worker = self.worker()
        report.notes = [self.text(note, worker, count=False) for note in report.notes]
        report.skipped = [dataclasses.replace(s, name=self.text(s.name, worker, count=False),
                                              reason=self.text(s.reason, worker, count=False))
                          for s in report.skipped]


def import_privacy(project: Project, roster: str | Path | None = None) -> ImportPrivacy | None:
    """The pseudonymiser for an import into ``project``, or None when ``pseudonymise: false`` is set.

    Set up as for ingest (:func:`evidence.privacy.privacy_setup`): a roster's names are remembered in the
    key file, so later imports and ingests without ``--roster`` still know them.
    """
    setup = privacy_setup(project, roster)
    return None if setup is None else ImportPrivacy(setup)


def move_spans(edits: list[Any], spans: list[tuple[int, int] | None]) -> tuple[list[tuple[int, int] | None], int]:
    """Each (start, end) moved through ``edits`` (non-overlapping, with ``start``, ``end`` and
    ``replacement``); an edge strictly inside an edit widens to the whole replacement. Returns the
    moved spans (None stays None) and how many were widened."""
    ordered = sorted(edits, key=lambda e: e.start)
    starts = [e.start for e in ordered]
    new_offset = offset_mapper(ordered)  # an offset at an edit's start stays before its replacement

    def inside(offset: int) -> int | None:
        i = bisect_right(starts, offset) - 1
        return i if i >= 0 and ordered[i].start < offset < ordered[i].end else None

    moved: list[tuple[int, int] | None] = []
    widened = 0
    for span in spans:
        if span is None:
            moved.append(None)
            continue
        start, end = span
        empty = end <= start
        a, b = inside(start), (None if empty else inside(end))
        if a is not None:
            start = ordered[a].start
        if b is not None:
            end = ordered[b].end
        if empty:  # an empty span stays empty
            end = start
        widened += not empty and (a is not None or b is not None)
        moved.append((new_offset(start), new_offset(end)))
    return moved, widened


class _ImportPseudonymiser(Pseudonymiser):
    """Leaves the workbench's own pseudonyms alone (re-importing an export must not replace them
    again: "@Person 92" is no handle), and remembers the edits it worked out for a text, so the
    selections move through the very same edits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remembered: dict[tuple[str, tuple[int, ...]], list[Any]] = {}
        own = sorted(self.key.entries, key=len, reverse=True)
        self._own = re.compile("|".join(rf"\b{re.escape(p)}\b" for p in own)) if own else None

    def edits(self, text: str, boundaries: Any = ()) -> list[Any]:
        key = (text, tuple(sorted(set(boundaries))))
        if key not in self._remembered:
            kept = [(m.start(), m.end()) for m in _LABEL_IN_TEXT.finditer(text)]
            if self._own is not None:
                kept += [(m.start(), m.end()) for m in self._own.finditer(text)]
            merged: list[list[int]] = []
            for start, end in sorted(kept):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            starts = [start for start, _ in merged]

            def touches_a_pseudonym(edit: Any) -> bool:
                i = bisect_right(starts, edit.end - 1) - 1  # the last pseudonym starting before the edit ends
                return i >= 0 and merged[i][1] > edit.start

            self._remembered[key] = [e for e in super().edits(text, list(boundaries)) if not touches_a_pseudonym(e)]
        return self._remembered[key]

