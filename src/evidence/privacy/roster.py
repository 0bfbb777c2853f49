"""Known names: the people and schools whose names must never leave the researcher's own files.

They come from a roster csv (``name, kind, aliases``), from each transcript's speakers (always known),
from corpus metadata (school, partnership) and from the pupil/school columns of quote tables and
quantitative files. :class:`KnownNames` collects them; :mod:`evidence.privacy.detect` finds them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.model import Segment, Source
from .folding import is_common_word

PERSON_KINDS = ("pupil", "staff", "speaker", "parent", "person")
ORGANISATION_KINDS = ("school", "partnership", "charity")
ROSTER_KINDS = PERSON_KINDS + ORGANISATION_KINDS
KIND_SYNONYMS = {
    "student": "pupil", "child": "pupil", "young person": "pupil", "learner": "pupil",
    "teacher": "staff", "tutor": "staff", "volunteer": "staff", "employee": "staff",
    "carer": "parent", "guardian": "parent", "academy": "school", "trust": "school",
    "organisation": "charity", "organization": "charity",
}

ROLE_LABELS = (
    "interviewer", "facilitator", "co-facilitator", "moderator", "chair", "chairperson", "co-chair", "host",
    "researcher", "speaker", "participant", "respondent", "interviewee", "unknown", "inaudible", "crosstalk",
    "all", "several", "everyone", "audience", "group", "panel", "pupil", "student", "learner", "child",
    "young person", "teacher", "tutor", "mentor", "coach", "volunteer", "head", "headteacher", "head teacher",
    "deputy head", "principal", "teaching assistant", "senco", "governor", "trustee", "parent", "carer",
    "coordinator", "co-ordinator", "lead", "charity lead", "school lead", "programme lead", "manager",
    "officer", "clerk", "witness", "member", "observer", "note taker", "note-taker", "translator",
    "interpreter", "staff", "q", "a", "question", "answer", "note", "narrator", "presenter", "guest",
    "members present", "present", "in attendance", "apologies", "attendees", "clerks", "chairs",
)
"""Speaker labels that are roles, not names: ``Tutor:``, ``Chair:``, ``Pupil 3:``, ``Interviewer A:``.
Extend the list per project with ``role_labels: [Link worker, Youth worker]`` in ``evidence.yaml``."""

GENERIC_SPEAKERS = re.compile(
    r"(?i)^(?:the\s+)?(?:" + "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in ROLE_LABELS) + r")(?:e?s)?"
    + r"(?:\s*(?:\d+|#\s*\d+)|\s+[A-Z])?[\s.:]*$|^[A-Z]?\d+$|.*\d"
)
"""Speaker labels that are roles or numbers, not names (``Interviewer``, ``Speaker 2``, ``P07``)."""

TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof", "professor", "master", "lord", "lady",
          "cllr", "councillor", "rev", "revd", "reverend", "baroness", "baron", "rt", "hon", "judge", "dean",
          "councilor", "councilwoman", "councilman", "alderman", "alderwoman", "senator", "rabbi", "imam")
"""Titles and honorifics: never a name on their own, and stripped from a roster name before its parts
(first, middle, last) are taken."""
POST_NOMINALS = ("am", "ms", "mp", "msp", "mla", "mep", "obe", "mbe", "cbe", "kbe", "dbe", "cb", "qc", "kc",
                 "frs", "phd", "jp", "dl", "ma", "msc", "bsc", "bed", "pgce")
"""Letters after a name (``Helen Mary Jones AM``, ``Jo Bell OBE``): never a name part."""


def is_role_label(label: str, extra: Iterable[str] = ()) -> bool:
    """True when a speaker label is a role or a number (``Tutor``, ``Chair``, ``Pupil 3``), not a name;
    ``extra`` adds a project's own roles (``role_labels`` in evidence.yaml)."""
    label = label.strip()
    if GENERIC_SPEAKERS.match(label):
        return True
    if not extra:
        return False
    core = re.sub(r"(?:\s*(?:\d+|#\s*\d+)|\s+[A-Z])?[\s.:]*$", "", label)
    core = re.sub(r"(?i)^the\s+", "", core)
    return _role_key(core) in {_role_key(r) for r in extra}


def role_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """Single words that name a role ("tutor", "head", "facilitator"): a name part only beside the rest
    of the name ("Jo Facilitator", "Ms Head"), never on its own."""
    words = set()
    for role in (*ROLE_LABELS, *extra):
        parts = re.split(r"\s+", str(role).casefold().strip())
        if len(parts[-1]) > 2:  # "head teacher" -> "teacher"; "young person" -> "person"
            words.add(parts[-1])
    return frozenset(words)


def _role_key(text: str) -> str:
    return " ".join(re.split(r"[\s\-]+", str(text).casefold().strip()))


@dataclass
class KnownName:
    """One person or organisation: its name, kind, other names it goes by, and (for speakers) a role."""

    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    role: str = ""
    origin: str = "roster"

    @property
    def is_organisation(self) -> bool:
        return self.kind in ORGANISATION_KINDS

    @property
    def identity(self) -> str:
        """The key the pseudonym is derived from: same person, same key, in every file."""
        group = "org" if self.is_organisation else "person"
        return f"{group}:{name_key(self.name)}"


def name_key(name: str) -> str:
    """Compare names loosely: accents, case, apostrophes, dots and runs of spaces/hyphens ignored."""
    from .folding import fold

    text = fold(name).replace("'", "").replace(".", " ").casefold()
    return " ".join(re.split(r"[\s\-]+", text.strip()))


def _is_post_nominal(token: str) -> bool:
    """ "AM", "OBE", "Ph.D.", "PhD" after a name (written as such: "Ma" in "Jack Ma" is a surname)."""
    token = token.strip(",")
    key = token.replace(".", "").casefold()
    return key in POST_NOMINALS and (token.isupper() or "." in token or token in ("PhD", "MSc", "BSc", "BEd"))


def name_parts(name: str) -> list[str]:
    """A person's name without titles and letters after it: "Professor Jean White OBE" -> [Jean, White]."""
    tokens = name.split()
    while tokens and tokens[0].strip(".").casefold() in TITLES:
        tokens = tokens[1:]
    while len(tokens) > 1 and _is_post_nominal(tokens[-1]):
        tokens = tokens[:-1]
    return [t.strip(",") for t in tokens]


def _core_key(name: str) -> str:
    return name_key(" ".join(name_parts(name)))


#: titles that put a person's name after them in running text ("Councilor Arroyo", "Mr. Dawson")
NAME_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "cllr", "councillor",
               "councilor", "councilwoman", "councilman", "alderman", "alderwoman", "rev", "revd", "reverend",
               "father", "sister", "judge", "lord", "lady", "baroness", "baron", "senator", "rabbi", "imam")
#: words that follow a title without being a name ("Mr President", "Madam Chair", "Dr Who")
NOT_NAMES_AFTER_TITLE = frozenset("""
president vice chair chairman chairwoman chairperson speaker clerk mayor secretary deputy chief minister governor
director commissioner member members council city right honourable hon gentleman gentlemen lady ladies justice
attorney general sheriff treasurer leader convener convenor presiding officer head principal teacher and or the of
in on at to for with who what when where how why from by as but so if it is was are be this that these those
thank thanks yes no please sorry madam sir dame lord president's chair's investigator executive officer lead
manager coordinator designate elect emeritus pro tem general
""".split())
#: roles that work as a title before a surname ("Council President Flynn", "Mayor Wu"); the word after
#: them counts as a name only when it is not an everyday word ("Principal Investigator" is not)
ROLE_TITLES = ("president", "chair", "chairman", "chairwoman", "mayor", "commissioner", "governor", "minister",
               "superintendent", "principal", "headteacher", "inspector", "sergeant", "detective", "captain",
               "coach", "director", "secretary")
_NAME_WORD = r"[A-Z][A-Za-z\u00c0-\u00ff'\u2019]*[a-z\u00e0-\u00ff]"
#: titles written short: "Mr. Dawson" (after a full word, "Thank you, Councilor. We ..." ends a sentence)
SHORT_TITLES = frozenset(("mr", "mrs", "ms", "mx", "dr", "prof", "rev", "revd", "cllr"))
#: two-letter words that open a sentence ("So Flynn said"); other short capitalised words before a
#: surname are first names ("Ed Flynn", "Jo Bell")
TWO_LETTER_WORDS = frozenset("am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we ye".split())
#: titles that are never an ordinary word ("miss" is a verb too): a lower-case word after them is a name
UNMISTAKABLE_TITLES = frozenset(("mr", "mrs", "ms", "mx", "cllr"))
_TITLED = re.compile(r"\b(" + "|".join(NAME_TITLES + ROLE_TITLES) + r")(\.?)[ \t]+(" + _NAME_WORD
                     + r"(?:[ \t]?-[ \t]?" + _NAME_WORD + r")?)(?:[ \t]+(" + _NAME_WORD
                     + r"(?:[ \t]?-[ \t]?" + _NAME_WORD + r")?))?", re.IGNORECASE)


def titled_names(text: str, roles: Iterable[str] = ()) -> list[str]:
    """People named after a title in running text: "Councilor Arroyo" gives "Arroyo", "Dr Ana Silva"
    "Ana Silva", "Councilor Fernandez -Anderson" "Fernandez-Anderson". Found without a trained
    pipeline or a roster, so a transcript without speaker labels still loses the names it mentions
    (and the surname then goes wherever it stands alone). Role words after a title ("Mr President",
    "Madam Chair") are not names."""
    stop = NOT_NAMES_AFTER_TITLE | role_words(roles) | set(NAME_TITLES) | set(ROLE_TITLES) | set(TITLES)
    stop |= {f"{title}s" for title in NAME_TITLES + ROLE_TITLES}
    found: list[str] = []
    starts = re.finditer(r"\b(?:" + "|".join(NAME_TITLES + ROLE_TITLES) + r")\b", text, re.IGNORECASE)
    for match in filter(None, (_TITLED.match(text, start.start()) for start in starts)):  # "mr and mrs jones"
        title, stop_mark = match.group(1), match.group(2)
        if stop_mark and title.casefold() not in SHORT_TITLES:
            continue
        first, second = (re.sub(r"[ \t]*-[ \t]*", "-", g) if g else g for g in match.groups()[2:])
        if first.casefold() in stop or (first.isupper() and len(first) <= 3):  # "miss PE", "Dr NHS"
            continue
        if not first[0].isupper():
            # pupils write "mrs hughes": after an unmistakable title a lower-case word is a name too
            if title.casefold() not in UNMISTAKABLE_TITLES or is_common_word(first):
                continue
            first, second = first.title(), (second.title() if second else second)
        if not title[0].isupper() and title.casefold() in ("father", "sister", "lady", "lord", "judge") + ROLE_TITLES:
            continue  # "my father Tom", "the chair Tom": a relative or a role, not a title
        if title.casefold() in ROLE_TITLES and len(first) > 2 and is_common_word(first.split("-")[0]):
            continue
        name = first
        if (second and second[0].isupper() and second.casefold() not in stop
                and not is_common_word(second.split("-")[0])):  # "Dr Ana Silva", not "Councilor Flynn Seeks"
            name = f"{first} {second}"
        if name not in found:
            found.append(name)
    # the same people named without the title: "Ed Flynn" beside "Council President Flynn"
    for surname in [name for name in found if " " not in name]:
        for match in re.finditer(r"\b(" + _NAME_WORD + r")[ \t]+" + re.escape(surname) + r"\b", text):
            given = match.group(1)
            ordinary = given.casefold() in TWO_LETTER_WORDS if len(given) <= 2 else is_common_word(given)
            if given.casefold() not in stop and not ordinary and f"{given} {surname}" not in found:
                found.append(f"{given} {surname}")
    return found


def looks_like_name(value: str, roles: Iterable[str] = ()) -> bool:
    """True for "Jayden Okafor" or "jayden"; false for ids such as "P017", "Q-3" or role labels."""
    value = value.strip()
    return bool(value) and any(c.isalpha() for c in value) and not is_role_label(value, roles)


@dataclass
class KnownNames:
    """All known names for one ingest. ``add`` merges a name given twice (aliases are united)."""

    names: list[KnownName] = field(default_factory=list)
    role_labels: tuple[str, ...] = ()
    """A project's own role labels (``role_labels`` in evidence.yaml), besides :data:`ROLE_LABELS`."""
    public_kinds: tuple[str, ...] = ()
    """Kinds that are named openly and never pseudonymised (``("school",)`` with ``schools_public: true``)."""

    def __post_init__(self) -> None:
        self._by_identity: dict[str, KnownName] = {}
        merged, self.names = self.names, []
        for known in merged:
            self.add(known.name, known.kind, known.aliases, role=known.role, origin=known.origin)

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return iter(self.names)

    def add(self, name: str, kind: str, aliases: Iterable[str] = (), *, role: str = "",
            origin: str = "roster") -> KnownName | None:
        """Add (or merge into) a known name; blank names are ignored. Returns the record."""
        name = re.sub(r"\s+", " ", str(name)).strip()
        if not name or not any(c.isalpha() for c in name):
            return None
        kind = normalise_kind(kind)
        if kind in self.public_kinds:
            return None
        record = KnownName(name, kind, [], role, origin)
        existing = self._by_identity.get(record.identity)
        if existing is None:
            existing = record
            self._by_identity[record.identity] = record
            self.names.append(record)
        elif role and not existing.role:
            existing.role = role
        if existing.origin == "title" and origin != "title":  # a roster or speaker label confirms the name
            existing.origin = origin
        for alias in aliases:
            alias = re.sub(r"\s+", " ", str(alias)).strip()
            if alias and alias not in existing.aliases and name_key(alias) != name_key(existing.name):
                existing.aliases.append(alias)
        return existing

    def copy(self) -> KnownNames:
        return KnownNames([KnownName(k.name, k.kind, list(k.aliases), k.role, k.origin) for k in self.names],
                          self.role_labels, self.public_kinds)

    def find(self, name: str) -> KnownName | None:
        """The record whose full name or alias is ``name`` (loosely compared), if exactly one."""
        key = name_key(name)
        direct = [k for k in self.names if name_key(k.name) == key]
        if direct:
            return direct[0]
        by_alias = [k for k in self.names if any(name_key(a) == key for a in k.aliases)]
        if by_alias:
            return by_alias[0] if len(by_alias) == 1 else None
        # "Professor Jean White" as a speaker label is the roster's "Jean White" (and "Helen Jones AM" hers)
        core = _core_key(name)
        titled = [k for k in self.names if not k.is_organisation and _core_key(k.name) == core]
        return titled[0] if len(titled) == 1 and " " in core else None

    def with_source(self, source: Source, segments: list[Segment]) -> KnownNames:
        """A copy that also knows this source's speakers, school, partnership and quote-table names."""
        known = self.copy()
        if source.school:
            known.add(source.school, "school", origin="metadata")
        if source.partnership:
            known.add(source.partnership, "partnership", origin="metadata")
        for name, value in _metadata_speakers(source.metadata):
            known._add_speaker(name, value)
        for segment in segments:
            if segment.kind == "quote":  # a quote table's pupil column: pupils, by name or by id
                for value in (segment.case, segment.speaker):
                    if value and looks_like_name(value, self.role_labels):
                        known.add(value, "pupil", origin="quotes")
            elif segment.speaker:
                known._add_speaker(segment.speaker, segment.role)
            for column, value in segment.attributes.items():
                kind = _column_kind(str(column))
                if kind and isinstance(value, str):
                    known.add(value, kind, origin="quotes")
        parts = {part.casefold() for k in known.names if not k.is_organisation
                 for n in (k.name, *k.aliases) for part in name_parts(n)}
        for name in titled_names(source.text or "", self.role_labels):
            # "Mrs Patel" where the roster knows Priya Patel is hers, not a new person
            if known.find(name) is None and not all(p.casefold() in parts for p in name_parts(name)):
                known.add(name, "person", origin="title")
        return known

    def _add_speaker(self, name: str, role: str) -> None:
        if not looks_like_name(name, self.role_labels):
            return
        role = role if isinstance(role, str) else str((role or {}).get("role", ""))
        existing = self.find(name) or self._first_name_match(name)
        if existing is not None:
            if role and not existing.role:
                existing.role = role
            return
        kind = "pupil" if role.strip().lower() in ("pupil", "student") else "speaker"
        self.add(name, kind, role=role, origin="speaker")

    def _first_name_match(self, name: str) -> KnownName | None:
        """A speaker shown by first name only ("Sarah") who is one person of the roster."""
        key = name_key(name)
        if " " in key:
            return None
        people = [k for k in self.names if not k.is_organisation and name_key(k.name).split(" ")[0] == key]
        return people[0] if len(people) == 1 else None


def _metadata_speakers(metadata: dict[str, Any]) -> list[tuple[str, str]]:
    speakers = metadata.get("speakers") if isinstance(metadata, dict) else None
    if not isinstance(speakers, dict):
        return []
    out = []
    for name, value in speakers.items():
        role = value.get("role", "") if isinstance(value, dict) else str(value or "")
        out.append((str(name), role))
    return out


def _column_kind(column: str) -> str:
    column = column.strip().lower()
    if column in ("school", "school_name", "schoolname", "school name", "establishment"):
        return "school"
    if column in ("pupil", "pupil_name", "student", "name", "pupil name", "student name", "child"):
        return "pupil"
    if column in ("teacher", "tutor", "staff", "mentor", "teacher_name"):
        return "staff"
    if column in ("partnership", "charity"):
        return "partnership"
    return ""


def normalise_kind(kind: str) -> str:
    text = re.sub(r"\s+", " ", str(kind or "")).strip().lower()
    text = KIND_SYNONYMS.get(text, text)
    return text if text in ROSTER_KINDS else "person"


def load_roster(path: str | Path) -> KnownNames:
    """Read a roster csv with columns ``name``, ``kind`` and optional ``aliases`` (``;``-separated).

    ``kind`` is one of pupil, staff, school, speaker (also parent, partnership, charity, person).
    An optional ``role`` column gives speakers' roles. Errors name the file and the row.
    """
    path = Path(path)
    from ..core.safety import check_file_size

    check_file_size(path, 50 * 2**20)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = path.read_bytes().decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(str(path), f"roster is not UTF-8 text ({exc.reason})",
                             hint="save the roster as CSV UTF-8") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise InputError(str(path), "roster is empty", hint="give a csv with columns name, kind, aliases")
    header = [h.strip().lower() for h in rows[0]]
    for required in ("name", "kind"):
        if required not in header:
            raise InputError(str(path), f"roster has no '{required}' column (columns: {', '.join(header)})",
                             line=1, hint="the first row must name the columns: name, kind, aliases")
    col = {name: header.index(name) for name in header}
    alias_col = col.get("aliases", col.get("alias"))
    known = KnownNames()
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        name, kind = row[col["name"]].strip(), row[col["kind"]].strip()
        if not name:
            raise InputError(str(path), "empty name", row=number, hint="give every row a name or delete it")
        if normalise_kind(kind) == "person" and kind.strip().lower() != "person":
            raise InputError(str(path), f"unknown kind {kind!r}", row=number,
                             hint=f"use one of: {', '.join(ROSTER_KINDS)}")
        aliases = [a for a in (row[alias_col].split(";") if alias_col is not None else []) if a.strip()]
        role = row[col["role"]].strip() if "role" in col else ""
        known.add(name, kind, aliases, role=role, origin="roster")
    return known


def known_from_table(frame: Any, column: str, kind: str, origin: str = "table") -> KnownNames:
    """Known names from one column of a DataFrame (e.g. the school names of a results table)."""
    known = KnownNames()
    for value in frame[column].dropna().astype(str).unique():
        if looks_like_name(value) or kind in ORGANISATION_KINDS:
            known.add(value, kind, origin=origin)
    return known


def merge(*collections: KnownNames) -> KnownNames:
    """One KnownNames holding every name of the given collections."""
    merged = KnownNames(role_labels=tuple(r for c in collections for r in c.role_labels))
    for collection in collections:
        for known in collection:
            merged.add(known.name, known.kind, known.aliases, role=known.role, origin=known.origin)
    return merged
