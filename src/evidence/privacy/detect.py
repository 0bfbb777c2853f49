"""Find personal data in a text: known names (with possessives, first names, surnames, nicknames,
names split over lines), e-mail addresses, UK phone numbers, postcodes, web addresses, social-media
handles and dates of birth; and people's names found by a trained spaCy pipeline when one is installed.

Every finder returns :class:`Finding` spans (character offsets into the text, end exclusive);
:func:`find_personal_data` runs them all and keeps a non-overlapping set, longest span first.
"""

from __future__ import annotations

import bisect

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..nlp.pipeline import NER_PIPELINES as _NER_PIPELINES
from ..nlp.pipeline import load_ner as _load_ner
from .folding import COMMON_WORD_LOGPROB, _lexeme_logprob, fold, is_common_word  # noqa: F401 - callers use detect.fold too
from .roster import (  # noqa: F401 - name_parts is re-exported for callers of detect
    ORGANISATION_KINDS, POST_NOMINALS, TITLES, KnownName, KnownNames, _is_post_nominal, name_key, name_parts, role_words,
)

FORM_TITLES = ("mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof", "professor", "cllr", "lord", "lady")
"""Titles put before a roster surname to make a full form ("Ms Patel", "Professor White")."""
SCHOOL_WORDS = frozenset(
    "school academy primary secondary high college community church of england ce c e rc catholic "
    "infant infants junior juniors grammar free trust federation sixth form centre studio university "
    "technical technology the and nursery upper lower middle multi mat girls boys international "
    "voluntary aided controlled foundation first prep preparatory".split()
)
PATTERN_KINDS = ("email", "phone", "postcode", "address", "url", "handle", "dob")



@dataclass(frozen=True)
class Finding:
    """One item of personal data: ``text[start:end]``, its kind, the finder, and whose it is.

    ``identity`` is the known name's identity (see :class:`~evidence.privacy.roster.KnownName`), or
    "" for patterns and for a first name shared by several known people.
    """

    start: int
    end: int
    kind: str
    detector: str
    identity: str = ""


# -- known names ----------------------------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_GAP = re.compile(r"[ \t\n\-.]{1,4}")


def _token_key(token: str) -> str:
    key = token.replace("'", "").casefold()
    return "st" if key == "saint" else key


@dataclass(frozen=True)
class _Entry:
    identity: str
    strength: int  # 2: full name, alias, title + surname; 1: first name or surname alone
    case_sensitive: bool


class NameIndex:
    """Every written form of every known name, keyed by its loose token key."""

    def __init__(self, known: KnownNames) -> None:
        self.known: dict[str, KnownName] = {k.identity: k for k in known}
        self.forms: dict[str, list[_Entry]] = {}
        self.role_words = role_words(getattr(known, "role_labels", ()))
        for name in known:
            # a name read off a title in the text ("Dr. Nagy") is matched capitalised only: its parts may
            # be ordinary words in another language ("nagy" is Hungarian for big)
            cased = name.origin == "title"
            for form, strength in _forms(name):
                self._add(form, name.identity, strength, cased)
        self.max_tokens = max((len(k.split(" ")) for k in self.forms), default=0)

    def _add(self, form: str, identity: str, strength: int, cased: bool = False) -> None:
        tokens = [t for t in _TOKEN.findall(fold(form))]
        if not tokens:
            return
        significant = [t for t in tokens if not _is_honorific(t) and t.casefold() != "st"]
        if not significant:
            return
        if len(tokens) == 1 and (len(tokens[0]) < 2 or _is_honorific(tokens[0])
                                 or (strength == 1 and _token_key(tokens[0]) in self.role_words)):
            return  # "Professor", "AM" and role words ("Head", "Facilitator") are never a name alone
        key = " ".join(_token_key(t) for t in tokens)
        titled = len(tokens) > 1 and tokens[0].casefold() in FORM_TITLES  # "mr h" is a name in any case
        sensitive = not titled and (cased or all(is_common_word(t) for t in significant))
        entries = self.forms.setdefault(key, [])
        for i, entry in enumerate(entries):
            if entry.identity == identity:
                if strength > entry.strength or (not sensitive and entry.case_sensitive):
                    entries[i] = _Entry(identity, max(strength, entry.strength),
                                        sensitive and entry.case_sensitive)
                return
        entries.append(_Entry(identity, strength, sensitive))

    def lookup(self, name: str) -> KnownName | None:
        """The one known name a whole string (a speaker label, a case id) stands for, if any."""
        key = " ".join(_token_key(t) for t in _TOKEN.findall(fold(name)))
        entries = self.forms.get(key, [])
        if not entries:
            return None
        best = max(e.strength for e in entries)
        top = {e.identity for e in entries if e.strength == best}
        return self.known[top.pop()] if len(top) == 1 else None


def _is_honorific(token: str) -> bool:
    key = token.strip(".").replace("'", "").casefold()
    return key in TITLES or key in POST_NOMINALS


def _forms(name: KnownName) -> Iterable[tuple[str, int]]:
    yield name.name, 2
    for alias in name.aliases:
        yield alias, 2
    if name.is_organisation:
        yield from _school_short_forms(name.name.split())
        return
    tokens = name_parts(name.name)
    if len(tokens) == 1:  # "Mrs Patel" in a roster: Patel is the surname
        yield tokens[0], 1
        for title in FORM_TITLES:
            yield f"{title} {tokens[0]}", 2
        return
    if len(tokens) < 2:
        return
    first, middles, last = tokens[0], tokens[1:-1], tokens[-1]
    yield " ".join(tokens), 2
    yield first, 1
    yield last, 1
    for middle in middles:  # "Helen Mary Jones": "Mary" alone, "Mary Jones", "Helen Jones"
        yield middle, 1
        yield f"{middle} {last}", 2
    if middles:
        yield f"{first} {last}", 2
    yield f"{first[0]} {last}", 2
    for title in FORM_TITLES:
        yield f"{title} {last}", 2
        yield f"{title} {first} {last}", 2
        if middles:
            yield f"{title} {' '.join(tokens)}", 2
    for alias in name.aliases:
        if len(alias.split()) == 1:
            yield f"{alias} {last}", 2
    if "-" in last:  # double-barrelled surname: each half alone too
        for half in last.split("-"):
            if len(half) > 2 and not is_common_word(half):
                yield half, 1


def _school_short_forms(tokens: list[str]) -> Iterable[tuple[str, int]]:
    """ "Northfield Academy" -> "Northfield"; "St Mary's Catholic Primary School" -> "St Mary's"."""
    core = list(tokens)
    while core and _token_key(core[-1]) in SCHOOL_WORDS:
        core.pop()
    while core and _token_key(core[0]) in ("the",):
        core.pop(0)
    if not core or core == tokens:
        return
    if len(core) == 1 and (len(core[0]) < 4 or is_common_word(core[0])):
        return
    yield " ".join(core), 1


@dataclass
class _Hit:
    first: int  # token indices [first, last)
    last: int
    start: int
    end: int
    identities: list[str]  # one: whose name it is; several: a name part they share
    strength: int


def find_names(text: str, index: NameIndex) -> list[Finding]:
    """Known names in ``text`` (a folded copy is searched, so offsets are the text's own).

    A name part several known people share is resolved by who is named in full in the same text, else
    left unattributed ("[pupil name]"). A name part beside other parts of a name ("Andrew Morgan", "Dr Ann
    John", "Professor Jean White AM") is replaced as one whole name, with titles and letters after it, so
    no fragment stays beside a pseudonym and no one gets another person's pseudonym.
    """
    if not index.forms:
        return []
    folded = fold(text)
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(folded)]
    keys = [_token_key(t) for _, _, t in tokens]
    hits: list[_Hit] = []
    i = 0
    while i < len(tokens):
        hit = _match_at(folded, tokens, keys, i, index, _name_context(keys, i))
        if hit is None:
            i += 1
            continue
        n, end, entries = hit
        best = max(e.strength for e in entries)
        top = sorted({e.identity for e in entries if e.strength == best})
        hits.append(_Hit(i, i + n, tokens[i][0], end, top, best))
        i += n
    # a shared first name is resolved by who is mentioned in full elsewhere in the same text
    named_in_full = {h.identities[0] for h in hits if len(h.identities) == 1 and h.strength == 2}
    for h in hits:
        if len(h.identities) > 1:
            mentioned = [identity for identity in h.identities if identity in named_in_full]
            h.identities = mentioned if len(mentioned) == 1 else h.identities
    findings = []
    for start, end, identities, attributed in _whole_names(folded, tokens, hits, index):
        if attributed and len(identities) == 1:
            known = index.known[identities[0]]
            findings.append(Finding(start, end, known.kind, known.origin, known.identity))
        else:
            kinds = {index.known[identity].kind for identity in identities}
            findings.append(Finding(start, end, kinds.pop() if len(kinds) == 1 else "person", "ambiguous"))
    return findings + _spelled_names(folded, index)


def _whole_names(folded: str, tokens: list[tuple[int, int, str]], hits: list[_Hit], index: NameIndex
                 ) -> list[tuple[int, int, list[str], bool]]:
    """Each hit widened over the titles, letters and other name parts beside it: (start, end, identities,
    whether the widened name is that one person's)."""
    at = {j: h for h in hits for j in range(h.first, h.last)}

    def person(h: _Hit) -> bool:
        return not any(index.known[i].is_organisation for i in h.identities)

    def joined(j: int) -> bool:  # tokens j and j+1 stand side by side ("Ann John", "Dr. Ann")
        gap = folded[tokens[j][1]:tokens[j + 1][0]]
        return gap == " " or (gap == ". " and _is_honorific(tokens[j][2]))

    def name_like(j: int) -> bool:
        word = tokens[j][2]
        return (j not in at and len(word) > 1 and word[0].isupper() and not word.isupper()
                and not _is_honorific(word) and _token_key(word) not in index.role_words
                and not is_common_word(word) and not any(c.isdigit() for c in word))

    out = []
    done: set[int] = set()
    for h in hits:
        if id(h) in done:
            continue
        if not person(h):
            out.append((h.start, h.end, h.identities, True))
            continue
        group, unknown = [h], 0
        first, last = h.first, h.last
        titles_only = h.strength == 2
        while first > 0 and joined(first - 1):  # leftwards: other parts of the name, then titles
            j = first - 1
            other = at.get(j)
            if _is_honorific(tokens[j][2]) and tokens[j][2][:1].isupper():
                first, titles_only = j, True
            elif titles_only:
                break
            elif other is not None and person(other) and other.strength == 1 and id(other) not in done:
                group.insert(0, other)
                first = other.first
            elif name_like(j):
                first, unknown = j, unknown + 1
            else:
                break
        titles_only = h.strength == 2
        while last < len(tokens) and joined(last - 1):  # rightwards: other parts, then letters after it
            j = last
            other = at.get(j)
            word = tokens[j][2]
            if _is_post_nominal(word) and word.isupper():
                last, titles_only = j + 1, True
            elif titles_only:
                break
            elif other is not None and person(other) and other.strength == 1 and id(other) not in done:
                group.append(other)
                last = other.last
            elif name_like(j):
                last, unknown = j + 1, unknown + 1
            else:
                break
        done.update(id(g) for g in group)
        whose = {i for g in group for i in g.identities}
        same_person = all(len(g.identities) == 1 for g in group) and len(whose) == 1
        # an unknown word between two parts of one person's name is a middle name; beside one part it
        # makes another person's name ("Dr Ann John" is not John Griffiths)
        attributed = same_person and (unknown == 0 or len(group) > 1 and _ends_are_hits(group, first, last, tokens))
        end = group[-1].end if last == group[-1].last else tokens[last - 1][1]
        out.append((tokens[first][0], end, sorted(whose), attributed))
    return out


def _ends_are_hits(group: list[_Hit], first: int, last: int, tokens: list[tuple[int, int, str]]) -> bool:
    core = [j for j in range(first, last) if not _is_honorific(tokens[j][2])]
    return bool(core) and group[0].first <= core[0] and group[-1].last >= core[-1] + 1


_SPELLED = re.compile(r"(?<![\w'-])[A-Za-z](?P<sep>[-. ])[A-Za-z](?:(?P=sep)[A-Za-z])+(?![\w'-])")


def _spelled_names(folded: str, index: NameIndex) -> list[Finding]:
    """Names spelled out letter by letter ("A-i-s-h-a", "J. O. N. E. S")."""
    findings = []
    for m in _SPELLED.finditer(folded):
        key = "".join(c for c in m.group() if c.isalpha()).casefold()
        entries = index.forms.get(key)
        if not entries:
            continue
        identities = sorted({e.identity for e in entries})
        if len(identities) == 1:
            known = index.known[identities[0]]
            findings.append(Finding(m.start(), m.end(), known.kind, known.origin, known.identity))
        else:
            kinds = {index.known[i].kind for i in identities}
            findings.append(Finding(m.start(), m.end(), kinds.pop() if len(kinds) == 1 else "person",
                                    "ambiguous"))
    return findings


_NAME_BEFORE = (("me", "and"), ("my", "friend"), ("my", "mate"), ("my", "bestie"), ("my", "brother"),
                ("my", "sister"), ("my", "cousin"))
_NAME_AFTER = (("and", "me"), ("and", "i"))


def _name_context(keys: list[str], i: int) -> bool:
    """Words around token ``i`` that make a lower-case ordinary word a name ("me and grace")."""
    return tuple(keys[max(i - 2, 0):i]) in _NAME_BEFORE or tuple(keys[i + 1:i + 3]) in _NAME_AFTER


def _match_at(folded: str, tokens: list[tuple[int, int, str]], keys: list[str], i: int,
              index: NameIndex, name_context: bool = False) -> tuple[int, int, list[_Entry]] | None:
    """The longest known form starting at token ``i``: (tokens used, end offset, entries)."""
    most = min(index.max_tokens, len(tokens) - i)
    for n in range(most, 0, -1):
        if any(not _GAP.fullmatch(folded[tokens[j][1]:tokens[j + 1][0]]) for j in range(i, i + n - 1)):
            continue
        head = " ".join(keys[i:i + n - 1])
        last_start, last_end, last = tokens[i + n - 1]
        candidates = [(keys[i + n - 1], last_end, False)]
        if last.lower().endswith("'s"):  # Jayden's
            candidates.append((_token_key(last[:-2]), last_end - 2, False))
        if last.endswith("s") and len(last) > 4:  # Jaydens (possessive without the apostrophe)
            candidates.append((_token_key(last[:-1]), last_end - 1, True))
        for last_key, end, bare_s in candidates:
            key = f"{head} {last_key}" if head else last_key
            entries = index.forms.get(key)
            if not entries:
                continue
            capitalised = name_context or all(t[2][:1].isupper() for t in tokens[i:i + n])
            fitting = [e for e in entries if capitalised or not e.case_sensitive]
            if bare_s:  # dropped a bare "s": only for names that are no ordinary word
                fitting = [e for e in fitting if not e.case_sensitive]
            if fitting:
                return n, end, fitting
    return None


# -- patterns -------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_URL = re.compile(
    r"(?:\b(?:https?://|www\.)[^\s<>\"']+)"
    r"|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:sch\.uk|org\.uk|co\.uk|ac\.uk|gov\.uk|nhs\.uk|com|org|net|uk|io|"
    r"edu|info|me)\b(?:/[^\s<>\"']*)?",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][ABD-HJLNP-UW-Z]{2}\b", re.I)
_UK_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w])"
)
_ADDRESS = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z']+\s+){1,3}"
    r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Cres|Grove|Place|Pl|Gardens|"
    r"Court|Ct|Terrace|Walk|Mews|Row|Hill|Rise|View|Square|Park|Green)\b\.?"
)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}\.?,?(?:\s+(?:19|20)\d\d)?"
    rf"|{_MONTH}\.?\s+{_DAY}(?:,?\s+(?:19|20)\d\d)?"
    rf"|{_MONTH}\s+(?:of\s+)?(?:19|20)\d\d"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|(?:19|20)\d\d-\d\d-\d\d"
    r"|(?:19|20)\d\d)"
)
_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on|\s+in)?)"
    rf"(?:\s*(?:[:\-=]|is|was|on)\s*|\s+)(?P<date>{_DATE})(?!\d)",
    re.I,
)
PATTERN_LABELS = {"email": "[email]", "phone": "[phone]", "postcode": "[postcode]", "address": "[address]",
                  "url": "[web address]", "handle": "[handle]", "dob": "[date of birth]"}


def find_patterns(text: str) -> list[Finding]:
    """E-mail addresses, phone numbers, postcodes, web addresses, handles and dates of birth."""
    folded = fold(text)
    found = [Finding(m.start(), m.end(), "email", "pattern") for m in _EMAIL.finditer(folded)]
    for m in _URL.finditer(folded):
        end = m.end()
        while end > m.start() and folded[end - 1] in ".,;:!?)]}'\"":
            end -= 1
        found.append(Finding(m.start(), end, "url", "pattern"))
    found += [Finding(m.start(), m.end(), "handle", "pattern") for m in _HANDLE.finditer(folded)]
    found += [Finding(m.start(), m.end(), "postcode", "pattern") for m in _POSTCODE.finditer(folded)]
    found += [Finding(m.start(), m.end(), "address", "pattern") for m in _ADDRESS.finditer(folded)]
    found += [Finding(m.start("date"), m.end("date"), "dob", "pattern") for m in _DOB.finditer(folded)]
    found += _phones(folded)
    return found


_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_LONG_ID = re.compile(r"[\w-]*\d[\w-]*")


def _phones(text: str) -> list[Finding]:
    found = [Finding(m.start(), m.end(), "phone", "pattern") for m in _UK_PHONE.finditer(text)]
    try:
        import phonenumbers
    except ModuleNotFoundError:  # pragma: no cover - it is a dependency
        return [f for f in found if _plausible_phone(text, f.start, f.end)]
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = match.raw_string
        digits = re.sub(r"\D", "", raw)
        if raw.lstrip("( ").startswith(("0", "+")) and 10 <= len(digits) <= 15:
            found.append(Finding(match.start, match.end, "phone", "phonenumbers"))
    return [f for f in found if _plausible_phone(text, f.start, f.end)]


def _plausible_phone(text: str, start: int, end: int) -> bool:
    """Not a phone: digits inside a GUID or a longer id ("...-8000-0305e82c3301", "REF-01134960123"), or an
    unbroken run of digits of a length no UK number has."""
    for m in _GUID.finditer(text, max(0, start - 40), min(len(text), end + 40)):
        if m.start() < end and start < m.end():
            return False
    before = text[start - 2:start] if start >= 2 else text[:start]
    after = text[end:end + 2]
    if re.fullmatch(r"[A-Za-z0-9][-_/.]", before) or re.match(r"[-_/][A-Za-z0-9]", after):
        return False
    raw = text[start:end]
    if raw.isdigit() and len(raw) not in (10, 11):
        return False
    return True


# -- named-entity recognition (optional) ------------------------------------------------------------
# The trained pipelines are loaded by evidence.nlp.pipeline, the one owner of spaCy pipelines.
NER_PIPELINES = _NER_PIPELINES


def load_ner(name: str | None = None) -> Any | None:
    """A trained spaCy pipeline with an ``ner`` component, or None when none is installed (:func:`evidence.nlp.pipeline.load_ner`)."""
    return _load_ner(name)


def find_entities(text: str, nlp: Any) -> list[Finding]:
    """People (PERSON) and schools (ORG with a school word) found by a spaCy pipeline."""
    findings = []
    for ent in nlp(text).ents:
        span = ent.text.strip()
        if len(span) < 2 or not any(c.isupper() for c in span):
            continue
        if ent.label_ == "PERSON":
            kind = "person"
        elif ent.label_ == "ORG" and any(_token_key(t) in ("school", "academy", "college")
                                         for t in _TOKEN.findall(span)):
            kind = "school"
        else:
            continue
        group = "org" if kind in ORGANISATION_KINDS else "person"
        findings.append(Finding(ent.start_char, ent.end_char, kind, "ner", f"{group}:{name_key(span)}"))
    return findings


# -- all together ----------------------------------------------------------------------------------
_PRIORITY = {"pattern": 0, "phonenumbers": 0}


def find_personal_data(text: str, index: NameIndex, nlp: Any | None = None) -> list[Finding]:
    """All personal data in ``text``: sorted, non-overlapping, the longest span winning a clash."""
    findings = find_patterns(text) + find_names(text, index)
    if nlp is not None:
        findings += find_entities(text, nlp)
    return resolve_overlaps(findings)


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings (patterns before names, names before NER on a tie)."""
    def rank(f: Finding) -> tuple[int, int, int]:
        detector = 2 if f.detector == "ner" else _PRIORITY.get(f.detector, 1)
        return (-(f.end - f.start), detector, f.start)

    kept: list[Finding] = []
    # the kept spans never overlap, so sorted by start they are sorted by end too: a new span clashes
    # with one of them only if it clashes with the last one starting before it ends (a bisection, so a
    # transcript with 100,000 names is not 10^10 comparisons)
    starts: list[int] = []
    ends: list[int] = []
    for finding in sorted(findings, key=rank):
        if finding.end <= finding.start:
            continue
        before = bisect.bisect_left(starts, finding.end) - 1
        if before >= 0 and ends[before] > finding.start:
            continue
        kept.append(finding)
        starts.insert(before + 1, finding.start)
        ends.insert(before + 1, finding.end)
    return sorted(kept, key=lambda f: f.start)
