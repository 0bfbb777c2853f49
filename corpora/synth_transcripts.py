"""Synthetic roundtable transcripts: a known agenda, known speakers, and the codes each turn was
written for, rendered in the shapes real exports take (plain text, Markdown notes, WebVTT, SRT, Word).

``build_roundtable`` makes the list of turns (the ground truth); the ``render_*`` functions write
one file shape each. Needs the people and lines modules passed in (see ``corpora/generate.py``).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class RoundtableSpec:
    file_name: str
    title: str
    date: str
    partnership: str
    school: str  # host school, "" if none
    event: str
    facilitator: str
    participants: tuple[str, ...]
    agenda: tuple[str, ...]
    turns_per_section: int


@dataclass
class Turn:
    speaker: str
    paragraphs: list[str]
    section: str
    codes: tuple[str, ...] = ()
    seconds: float = 0.0  # start time from the beginning of the recording
    plain_prefix: bool = False  # VTT only: write `Name: text` instead of a voice tag

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)


@dataclass
class Roundtable:
    spec: RoundtableSpec
    turns: list[Turn] = field(default_factory=list)


ROUNDTABLES: tuple[RoundtableSpec, ...] = (
    RoundtableSpec("roundtable_01_marlowmere.txt", "Lanternway tutoring roundtable at Marlowmere", "2023-03-15",
                   "Lanternway Tutoring Partnership", "Marlowmere Academy", "roundtable",
                   "Ruth Okafor", ("Helen Marsh", "Daniel Osei", "Priya Raman", "Marcus Bell", "Jamie Fraser", "Kwame Mensah"),
                   ("welcome", "aims", "what works", "barriers", "evidence"), 15),
    RoundtableSpec("roundtable_02_openfield_online.vtt", "Openfield mentoring online roundtable", "2023-06-21",
                   "Openfield Mentoring Partnership", "", "online roundtable (Teams)",
                   "Tom Brennan", ("Gareth Lloyd", "Siobhan Keane", "Owen Pritchard", "Aisha Rahman", "Chloe Winters", "Imran Qureshi"),
                   ("welcome", "aims", "barriers", "sustaining it", "evidence", "next steps"), 12),
    RoundtableSpec("roundtable_03_trust_network.docx", "Harrowdene trust partnerships roundtable", "2023-11-08",
                   "Lanternway Tutoring Partnership", "", "roundtable",
                   "Ruth Okafor", ("Fiona Hart", "Helen Marsh", "Gareth Lloyd", "Marcus Bell", "Aisha Rahman", "Priya Raman"),
                   ("welcome", "what works", "barriers", "sustaining it", "evidence"), 15),
    RoundtableSpec("roundtable_04_wexcombe_wp.srt", "Widening participation roundtable with the University of Wexcombe", "2024-02-07",
                   "Openfield Mentoring Partnership", "", "online roundtable (Zoom)",
                   "Tom Brennan", ("Imran Qureshi", "Owen Pritchard", "Siobhan Keane", "Chloe Winters", "Kwame Mensah", "Fiona Hart"),
                   ("welcome", "aims", "what works", "barriers", "next steps"), 13),
    RoundtableSpec("roundtable_05_fenwick_review.md", "End of year review at Fenwick Cross", "2024-06-26",
                   "Lanternway Tutoring Partnership", "Fenwick Cross School", "review meeting",
                   "Ruth Okafor", ("Daniel Osei", "Priya Raman", "Helen Marsh", "Marcus Bell", "Jamie Fraser", "Kwame Mensah"),
                   ("welcome", "evidence", "sustaining it", "next steps"), 16),
    RoundtableSpec("roundtable_06_staldrics_planning.txt", "Openfield planning roundtable at St Aldric's", "2024-09-18",
                   "Openfield Mentoring Partnership", "St Aldric's Catholic High School", "roundtable",
                   "Tom Brennan", ("Siobhan Keane", "Gareth Lloyd", "Aisha Rahman", "Chloe Winters", "Imran Qureshi", "Owen Pritchard"),
                   ("welcome", "aims", "what works", "sustaining it"), 16),
)

SECTION_CODES: dict[str, tuple[str, ...]] = {
    "aims": ("recommend.agreed_aims",) * 4 + ("features.disadvantage",) * 2 + ("features.mutual_benefit",) * 2
    + ("features.impactful", "barriers.outreach_not_partnership", "barriers.patronising"),
    "what works": ("recommend.link_people",) * 3 + ("features.mutual_benefit", "features.impactful", "recommend.agreed_aims",
                   "outcomes.confidence", "outcomes.engagement", "outcomes.belonging", "outcomes.aspiration", "outcomes.wellbeing"),
    "barriers": ("barriers.no_take_up", "barriers.patronising", "barriers.outreach_not_partnership") * 2
    + ("barriers.cost", "barriers.time") * 3 + ("fizzle.resources", "fizzle.awareness"),
    "sustaining it": ("fizzle.leadership", "fizzle.awareness", "fizzle.resources", "fizzle.turnover") * 2
    + ("features.sustainable",) * 3 + ("recommend.review_points",) * 2 + ("recommend.link_people",),
    "evidence": ("recommend.impact_evidence",) * 4 + ("features.impactful",) * 2 + ("outcomes.attainment",) * 2
    + ("outcomes.confidence", "outcomes.engagement", "outcomes.wellbeing", "recommend.review_points"),
    "next steps": ("recommend.review_points", "recommend.agreed_aims", "recommend.link_people", "features.sustainable",
                   "recommend.impact_evidence", "features.mutual_benefit"),
}

CHARITY_DOMAINS = {"Lanternway Tutoring": "lanternway.example.org", "Openfield Mentors": "openfield.example.org",
                   "Harrowdene Academies Trust": "harrowdene.example.org", "University of Wexcombe": "wexcombe.example.org",
                   "Fieldnote Research": "fieldnote.example.org"}


TAGS = ("S|", "P|", "T|")
SIDES = {"school leader": "S", "trust partner": "S", "charity lead": "P", "university partner": "P",
         "tutor": "PT", "facilitator": ""}


class _Writer:
    """Fills statement templates for one roundtable and keeps track of who spoke last."""

    def __init__(self, rt: RoundtableSpec, people: ModuleType, lines: ModuleType, pupils: list[Any],
                 rng: random.Random) -> None:
        self.rt, self.people, self.lines, self.rng = rt, people, lines, rng
        self.speakers = {s.name: s for s in people.SPEAKERS}
        schools = [s for s in people.SCHOOLS if s.partnership == rt.partnership]
        self.schools = schools
        self.pupils = [p for p in pupils if p.school in schools]
        self.charity = schools[0].charity
        self.turns: list[Turn] = []
        self.proper = {p.first for p in pupils}
        self.used: set[str] = set()

    def fill(self, template: str, speaker: str) -> str:
        rng = self.rng
        pupil = rng.choice(self.pupils)
        others = [n for n in self.rt.participants + (self.rt.facilitator,) if n != speaker]
        me = self.speakers[speaker]
        school_by_name = {s.name: s for s in self.people.SCHOOLS}
        domain = school_by_name[me.org].email_domain if me.org in school_by_name else CHARITY_DOMAINS[me.org]
        first, last = me.name.split(" ", 1)
        return template.format(
            charity=self.charity, school=rng.choice(self.schools).short, trust=self.people.TRUST,
            uni=self.people.UNIVERSITY, pupil=pupil.first, pupil_full=pupil.name,
            yr=f"Year {pupil.year_group}", n=rng.randint(2, 6),
            term=rng.choice(("September", "the autumn term", "October", "Year 9")),
            subject=rng.choice(("maths", "English", "science")),
            other=self.speakers[rng.choice(others)].name.split(" ")[0],
            email=f"{first[0].lower()}.{last.lower()}@{domain}",
            phone=f"07700 900{rng.randint(0, 999):03d}",
            postcode=f"NX{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            name=me.name, title=me.title, org=me.org, intro_tail="{intro_tail}",
        )

    def add(self, speaker: str, paragraphs: list[str], section: str, codes: tuple[str, ...] = ()) -> None:
        if self.turns and self.turns[-1].speaker == speaker:
            raise AssertionError("two turns in a row by one speaker would merge on reading")
        for paragraph in paragraphs:
            if ":" in paragraph:
                raise AssertionError(f"a colon in turn text could read as a speaker label: {paragraph!r}")
        self.turns.append(Turn(speaker, paragraphs, section, tuple(dict.fromkeys(codes))))

    def next_speaker(self) -> str:
        last = self.turns[-1].speaker if self.turns else ""
        choices = [n for n in self.rt.participants if n != last]
        return self.rng.choice(choices)

    def pick(self, templates: tuple[str, ...], speaker: str) -> str:
        """A template this speaker could plausibly say (see the S|/P|/T| tags), filled in."""
        side = SIDES[self.speakers[speaker].role]
        fitting = [t for t in templates if t[:2] not in TAGS or t[0] in side] or list(templates)
        fresh = [t for t in fitting if t not in self.used]  # nobody repeats a line in one meeting
        template = self.rng.choice(fresh or fitting)
        self.used.add(template)
        return self.fill(template.split("|", 1)[-1], speaker)

    def statement(self, code: str, speaker: str) -> str:
        return self.pick(self.lines.STATEMENTS[code], speaker)


def build_roundtable(rt: RoundtableSpec, people: ModuleType, lines: ModuleType, pupils: list[Any],
                     rng: random.Random) -> Roundtable:
    """The turns of one roundtable, in order, each with its agenda section and intended codes."""
    w = _Writer(rt, people, lines, pupils, rng)
    fac = rt.facilitator
    personal_slots = set(rng.sample(range(len(rt.agenda) - 1), min(2, len(rt.agenda) - 1)))
    for s_index, section in enumerate(rt.agenda):
        w.add(fac, [w.pick(lines.SECTION_PROMPTS[section], fac)], section)
        if section == "welcome":
            order = list(rt.participants)
            rng.shuffle(order)
            for i, name in enumerate(order):
                intro = w.fill(rng.choice(lines.INTRODUCTIONS), name)
                tail = w.pick(lines.INTRO_TAILS, name)
                w.add(name, [intro.replace("{intro_tail}", tail)], section)
                aside_by = [n for n in order[:i] if n not in order[i:i + 2]]
                if aside_by and rng.random() < 0.2:
                    who = rng.choice(aside_by)
                    w.add(who, [w.pick(lines.OFF_TOPIC, who)], section)
            continue
        personal_at = rng.randrange(2, rt.turns_per_section) if (s_index - 1) in personal_slots else -1
        for k in range(rt.turns_per_section):
            speaker = w.next_speaker()
            roll = rng.random()
            code = rng.choice(SECTION_CODES[section])
            if k == personal_at:
                template, codes = rng.choice(lines.PERSONAL_DATA)
                w.add(speaker, [w.fill(template, speaker)], section, codes)
            elif roll < 0.05:
                w.add(speaker, [w.pick(lines.OFF_TOPIC, speaker)], section)
            elif roll < 0.10:
                w.add(speaker, [w.fill(rng.choice(lines.BACKCHANNEL), speaker)], section)
            elif roll < 0.18 and w.turns[-1].speaker != fac and k < rt.turns_per_section - 1:
                w.add(fac, [w.pick(lines.FACILITATOR_FOLLOW_UPS, fac)], section)
            elif roll < 0.24 and len(w.turns) > 1:
                # A is cut off, B jumps in with their own point, A picks up again.
                sentences = w.statement(code, speaker).split(". ")
                w.add(speaker, [sentences[0].rstrip(".") + rng.choice(lines.INTERRUPT_TAILS)], section, (code,))
                other = w.next_speaker()
                code_b = rng.choice(SECTION_CODES[section])
                jump = rng.choice(lines.INTERRUPTERS) + _lower_first(w.statement(code_b, other), w.proper)
                w.add(other, [jump], section, (code_b,))
                rest = ". ".join(sentences[1:]) or w.statement(code, speaker)
                w.add(speaker, [rng.choice(lines.RESUMERS) + _lower_first(rest, w.proper)], section, (code,))
            elif roll < 0.34 and len(w.turns) > 1:
                opener = w.fill(rng.choice(lines.DISAGREE_OPENERS), speaker)
                w.add(speaker, [opener + w.statement(code, speaker)], section, (code,))
            else:
                codes = [code]
                if rng.random() < 0.25:
                    codes.append(rng.choice(SECTION_CODES[section]))
                codes = list(dict.fromkeys(codes))
                texts = [w.statement(c, speaker) for c in codes]
                opener = w.fill(rng.choice(lines.OPENERS), speaker)
                texts[0] = opener + (_lower_first(texts[0], w.proper) if opener.endswith((", ", "I think ", "I'd say ")) else texts[0])
                texts[-1] += rng.choice(lines.CLOSERS)
                paragraphs = texts if len(texts) > 1 and rng.random() < 0.5 else [" ".join(texts)]
                w.add(speaker, paragraphs, section, tuple(codes))
    _stamp_times(w.turns, rng)
    for turn in w.turns:
        turn.plain_prefix = rng.random() < 0.25
    return Roundtable(rt, w.turns)


def _lower_first(text: str, proper: set[str]) -> str:
    """Lower-case the first letter of a statement that now follows an opener, keeping names and
    acronyms ("I", "SLT", a pupil's name) as they are."""
    first_word = text.split(" ", 1)[0].rstrip(",.")
    if first_word in ("I", "I'm", "I'd", "I've", "I'll") or first_word[1:2].isupper():
        return text
    if first_word.endswith("'s") or first_word in proper:
        return text
    return text[0].lower() + text[1:]


def _stamp_times(turns: list[Turn], rng: random.Random) -> None:
    clock = 3.0 + rng.random() * 4
    for turn in turns:
        turn.seconds = clock
        clock += len(turn.text.split()) / 2.6 + 0.4 + rng.random() * 1.5


# ---------------------------------------------------------------- renderers (one file shape each)

def _hms(seconds: float, sep: str = ".") -> str:
    ms = int(round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def render_txt_roles(rt: Roundtable, people: ModuleType) -> str:
    """`Name (Role): text` the first time someone speaks, `Name: text` after; long turns hard-wrapped."""
    titles = {s.name: s.title for s in people.SPEAKERS}
    seen: set[str] = set()
    out: list[str] = []
    for i, turn in enumerate(rt.turns):
        label = turn.speaker if turn.speaker in seen else f"{turn.speaker} ({titles[turn.speaker]})"
        seen.add(turn.speaker)
        body = f"{label}: " + "\n\n".join(turn.paragraphs)
        if i % 3 == 1 and len(body) > 110:  # some turns come hard-wrapped, as copied from a PDF
            body = "\n".join(textwrap.wrap(body, 88, break_on_hyphens=False))
        out.append(body)
    return "\n\n".join(out) + "\n"


def render_txt_upper(rt: Roundtable) -> str:
    """`NAME: text`, as a court-style notetaker writes it; paragraphs on following lines."""
    return "\n\n".join(f"{t.speaker.upper()}: " + "\n".join(t.paragraphs) for t in rt.turns) + "\n"


def render_markdown(rt: Roundtable) -> str:
    """`**Name:** text` meeting notes under a heading; extra paragraphs after a blank line."""
    head = f"# {rt.spec.title}\n\n_{rt.spec.date}, {rt.spec.event}_\n\n"
    return head + "\n\n".join(f"**{t.speaker}:** " + "\n\n".join(t.paragraphs) for t in rt.turns) + "\n"


def _chunks(text: str, rng: random.Random) -> list[str]:
    words = text.split()
    out, i = [], 0
    while i < len(words):
        size = rng.randint(7, 15)
        out.append(" ".join(words[i:i + size]))
        i += size
    return out


def _cues(rt: Roundtable, rng: random.Random) -> list[tuple[float, float, Turn, str]]:
    cues = []
    for turn in rt.turns:
        start = turn.seconds
        for chunk in _chunks(turn.text, rng):
            end = start + len(chunk.split()) / 2.6
            cues.append((start, end, turn, chunk))
            start = end + 0.05
    return cues


def render_vtt(rt: Roundtable, rng: random.Random) -> str:
    """Teams-style WebVTT: `<v Name>` voice tags (some cues `Name: text`), long turns split over cues."""
    out = ["WEBVTT", ""]
    for n, (start, end, turn, chunk) in enumerate(_cues(rt, rng), 1):
        text = f"{turn.speaker}: {chunk}" if turn.plain_prefix else f"<v {turn.speaker}>{chunk}</v>"
        out += [f"{n}", f"{_hms(start)} --> {_hms(end)}", text, ""]
    return "\n".join(out)


def render_srt(rt: Roundtable, rng: random.Random) -> str:
    """Zoom-style SRT: every cue starts `Name: `; a speaker's consecutive cues form one turn."""
    out = []
    for n, (start, end, turn, chunk) in enumerate(_cues(rt, rng), 1):
        out += [f"{n}", f"{_hms(start, ',')} --> {_hms(end, ',')}", f"{turn.speaker}: {chunk}", ""]
    return "\n".join(out)


def render_docx(rt: Roundtable, path: str) -> None:
    """Word notes: a heading, then `[00:01:02] Name: text` paragraphs (name in bold); extra
    paragraphs of a turn follow without a label."""
    import docx  # python-docx

    document = docx.Document()
    document.add_heading(rt.spec.title, level=1)
    for turn in rt.turns:
        clock = _hms(turn.seconds)[:8]
        paragraph = document.add_paragraph(f"[{clock}] ")
        paragraph.add_run(f"{turn.speaker}:").bold = True
        paragraph.add_run(" " + turn.paragraphs[0])
        for extra in turn.paragraphs[1:]:
            document.add_paragraph(extra)
    document.save(path)


def meta_yaml(rt: RoundtableSpec, people: ModuleType) -> str:
    """The sidecar FILE.meta.yaml (written by hand: the generator needs only the standard library)."""
    speakers = {s.name: s for s in people.SPEAKERS}
    school_names = {s.name for s in people.SCHOOLS}
    lines = [f"title: {_q(rt.title)}", f"date: {_q(rt.date)}", f"partnership: {_q(rt.partnership)}"]
    if rt.school:
        lines.append(f"school: {_q(rt.school)}")
    lines += [f"event: {_q(rt.event)}", "synthetic: true", "speakers:"]
    for name in (rt.facilitator,) + rt.participants:
        s = speakers[name]
        lines.append(f"  {_q(name)}:")
        lines.append(f"    role: {_q(s.role)}")
        lines.append(f"    title: {_q(s.title)}")
        if s.org in school_names:
            lines.append(f"    school: {_q(s.org)}")
        lines.append(f"    organisation: {_q(s.org)}")
    return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
