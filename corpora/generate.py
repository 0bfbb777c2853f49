"""Write the SYNTHETIC sample corpora (corpora/sample/) and their ground truth (corpora/truth/).

    python corpora/generate.py              # rewrite corpora/sample and corpora/truth in place
    python corpora/generate.py --out DIR    # write DIR/sample and DIR/truth instead

Everything is invented by this project (see corpora/README.md). The run is seeded (``SEED``) and
byte-for-byte reproducible: Word and Excel files get fixed zip timestamps and document dates.
Needs only the standard library, python-docx and openpyxl.

Benchmarks can make large labelled quote sets without touching disk::

    spec = importlib.util.spec_from_file_location("corpora_generate", "corpora/generate.py")
    gen = importlib.util.module_from_spec(spec); sys.modules[spec.name] = gen; spec.loader.exec_module(gen)
    quotes = gen.synthetic_quotes(50_000, seed=1)      # list of dicts, columns as pupil_quotes.csv
    codings = gen.synthetic_codings(50_000, seed=1)    # list of {"id", "code"} for those quotes
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import random
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

SEED = 20240517
HERE = Path(__file__).resolve().parent
PUPILS_PER_SCHOOL = 25

CODE_IDS: tuple[str, ...] = (
    "features", "features.impactful", "features.sustainable", "features.mutual_benefit", "features.disadvantage",
    "fizzle", "fizzle.leadership", "fizzle.awareness", "fizzle.resources", "fizzle.turnover",
    "recommend", "recommend.agreed_aims", "recommend.link_people", "recommend.review_points", "recommend.impact_evidence",
    "barriers", "barriers.no_take_up", "barriers.patronising", "barriers.outreach_not_partnership", "barriers.cost",
    "barriers.time",
    "outcomes", "outcomes.confidence", "outcomes.aspiration", "outcomes.attainment", "outcomes.engagement",
    "outcomes.wellbeing", "outcomes.belonging",
)

# The names a second researcher uses in a spreadsheet ("Parent->Child").
CODE_NAMES: dict[str, str] = {
    "features": "Four features of good partnerships", "features.impactful": "Impactful",
    "features.sustainable": "Sustainable", "features.mutual_benefit": "Mutually beneficial",
    "features.disadvantage": "Addressing disadvantage",
    "fizzle": "Why partnerships fizzle out", "fizzle.leadership": "Senior leadership support",
    "fizzle.awareness": "Stakeholder awareness and communication", "fizzle.resources": "Stretched resources",
    "fizzle.turnover": "Staff turnover",
    "recommend": "What roundtables recommend", "recommend.agreed_aims": "Agreed aims",
    "recommend.link_people": "Link people and communication", "recommend.review_points": "Review points",
    "recommend.impact_evidence": "Impact evidence",
    "barriers": "Barriers", "barriers.no_take_up": "No take-up", "barriers.patronising": "Seeming patronising",
    "barriers.outreach_not_partnership": "Outreach instead of partnership", "barriers.cost": "Cost",
    "barriers.time": "Time",
    "outcomes": "Pupil outcomes", "outcomes.confidence": "Confidence", "outcomes.aspiration": "Aspiration",
    "outcomes.attainment": "Attainment", "outcomes.engagement": "Engagement", "outcomes.wellbeing": "Wellbeing",
    "outcomes.belonging": "Belonging",
}

QUOTE_COLUMNS = ("id", "pupil", "school", "partnership", "wave", "question", "text", "year_group", "tutoring_subject")
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2024-01-01T00:00:00Z"


def _load(name: str) -> ModuleType:
    """Load a sibling module by path (corpora/ is deliberately not a package)."""
    key = f"corpora_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


people = _load("synth_people")
quote_lines = _load("synth_quotes")
transcript_lines = _load("synth_transcript_lines")
transcripts = _load("synth_transcripts")
quant = _load("synth_quant")


# ---------------------------------------------------------------- quotes

def _pupil_context(pupil: Any, rng: random.Random) -> Any:
    return quote_lines.PupilContext(
        subject=pupil.subject,
        tutor=rng.choice(people.TUTORS_BY_CHARITY[pupil.school.charity]),
        friend=rng.choice(pupil.friends),
        teacher=people.TEACHER_BY_SCHOOL[pupil.school.name],
        voice=quote_lines.choose_voice(rng),
    )


def _quotes_for_pupils(pupils: list[Any], rng: random.Random, id_width: int,
                       limit: int | None = None) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """Quote rows (before and after the programme) and the codes each quote was written for."""
    rows: list[dict[str, str]] = []
    codes: dict[str, list[str]] = {}
    for pupil in pupils:
        ctx = _pupil_context(pupil, rng)
        plan = [("before", q) for q in rng.sample(quote_lines.BEFORE_QUESTIONS, rng.choice((1, 1, 2)))]
        if rng.random() > 0.05:  # a few pupils left before the end-of-programme survey
            plan += [("after", q) for q in rng.sample(quote_lines.AFTER_QUESTIONS, rng.choice((1, 2, 2)))]
        for wave, question in plan:
            if limit is not None and len(rows) >= limit:
                return rows, codes
            text, quote_codes = quote_lines.make_quote(rng, ctx, question, wave)
            quote_id = f"Q{len(rows) + 1:0{id_width}d}"
            rows.append({
                "id": quote_id, "pupil": pupil.pupil_id, "school": pupil.school.name,
                "partnership": pupil.school.partnership, "wave": wave,
                "question": quote_lines.QUESTIONS[question].format(subject=pupil.subject),
                "text": text, "year_group": str(pupil.year_group), "tutoring_subject": pupil.subject,
            })
            codes[quote_id] = quote_codes
    return rows, codes


def _many_pupils(rng: random.Random, count: int) -> list[Any]:
    """Pupils for large synthetic sets: first names may repeat, ids stay unique."""
    pupils = []
    for i in range(count):
        school = people.SCHOOLS[i % len(people.SCHOOLS)]
        first, nick = rng.choice(people.PUPIL_FIRST_NAMES)
        pupil = people.Pupil(f"P-{i + 1:06d}", first, rng.choice(people.SURNAMES), school,
                             rng.choice((9, 10, 11)), rng.choice(people.SUBJECTS), rng.random() < 0.6, nick)
        pupil.friends = [rng.choice(people.PUPIL_FIRST_NAMES)[0] for _ in range(3)]
        pupils.append(pupil)
    return pupils


def _synthetic(n: int, seed: int) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    rng = random.Random(seed)
    pupils = _many_pupils(rng, n // 2 + 10)  # a pupil gives 2-4 quotes, so this is always enough
    return _quotes_for_pupils(pupils, rng, id_width=max(4, len(str(n))), limit=n)


def synthetic_quotes(n: int, seed: int) -> list[dict[str, str]]:
    """``n`` labelled-style pupil quotes (columns as quotes/pupil_quotes.csv), fast enough for 100,000."""
    return _synthetic(n, seed)[0]


def synthetic_codings(n: int, seed: int, disagreement: float = 0.0) -> list[dict[str, str]]:
    """Long-form codings ``{"id", "code"}`` of ``synthetic_quotes(n, seed)``: the codes each quote
    was written for, or, with ``disagreement`` > 0, a second coder who changes about that share."""
    return synthetic_corpus(n, seed, disagreement)[1]


def synthetic_corpus(n: int, seed: int, disagreement: float = 0.0) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(synthetic_quotes(n, seed), synthetic_codings(n, seed, disagreement))`` in one pass."""
    rows, codes = _synthetic(n, seed)
    if disagreement > 0:
        codes = _second_coder(codes, random.Random(seed + 1), disagreement)
    return rows, [{"id": r["id"], "code": c} for r in rows for c in codes.get(r["id"], [])]


def _second_coder(codes: dict[str, list[str]], rng: random.Random, disagreement: float) -> dict[str, list[str]]:
    """Another researcher's coding of the same quotes: each code kept with 1 - disagreement chance,
    otherwise swapped for a sibling code or dropped; now and then an extra code is added."""
    leaves = [c for c in CODE_IDS if "." in c]
    out: dict[str, list[str]] = {}
    for quote_id, quote_codes in codes.items():
        if not quote_codes:
            out[quote_id] = []
            continue
        mine: list[str] = []
        for code in quote_codes:
            if rng.random() >= disagreement:
                mine.append(code)
                continue
            siblings = [c for c in leaves if c.split(".")[0] == code.split(".")[0] and c != code]
            if rng.random() < 0.6 or len(quote_codes) == 1:
                mine.append(rng.choice(siblings))
        if rng.random() < disagreement / 3:
            mine.append(rng.choice(leaves))
        out[quote_id] = list(dict.fromkeys(mine))[:3]
    return out


# ---------------------------------------------------------------- writers

def _write_csv(path: Path, columns: tuple[str, ...] | list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _make_reproducible(path: Path) -> None:
    """Rewrite an Office zip with fixed member timestamps and fixed document dates."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{FIXED_DOC_TIME}\g<2>", text)
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    path.write_bytes(buffer.getvalue())


def _write_xlsx(path: Path, title: str, columns: list[str], rows: list[list[str]]) -> None:
    import datetime

    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    fixed = datetime.datetime(2024, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    workbook.properties.creator = "corpora/generate.py (synthetic data)"
    workbook.save(path)
    _make_reproducible(path)


# ---------------------------------------------------------------- the recipe

def generate(out: Path, seed: int = SEED) -> list[Path]:
    """Write OUT/sample/** and OUT/truth/** and return the files written."""
    sample, truth = out / "sample", out / "truth"
    written: list[Path] = []
    rng_people, rng_quotes, rng_talk, rng_quant, rng_b = (random.Random(f"{seed}-{part}") for part in
                                                          ("people", "quotes", "talk", "quant", "coder-b"))
    pupils = people.make_pupils(rng_people, PUPILS_PER_SCHOOL)

    written += _write_transcripts(sample / "transcripts", truth, pupils, rng_talk)
    rows, codes = _quotes_for_pupils(pupils, rng_quotes, id_width=4)
    written += _write_quotes(sample / "quotes", rows, pupils, rng_quotes)
    written += _write_codings(sample / "codings", rows, codes, rng_b)
    written += _write_quant(sample / "quant", pupils, rng_quant)
    written.append(_write_roster(sample / "roster.csv", pupils))
    return written


def _write_transcripts(folder: Path, truth: Path, pupils: list[Any], rng: random.Random) -> list[Path]:
    written: list[Path] = []
    truth_rows: list[dict[str, str]] = []
    for spec in transcripts.ROUNDTABLES:
        rt = transcripts.build_roundtable(spec, people, transcript_lines, pupils, rng)
        path = folder / spec.file_name
        folder.mkdir(parents=True, exist_ok=True)
        if spec.file_name.endswith(".vtt"):
            _write_text(path, transcripts.render_vtt(rt, rng))
        elif spec.file_name.endswith(".srt"):
            _write_text(path, transcripts.render_srt(rt, rng))
        elif spec.file_name.endswith(".md"):
            _write_text(path, transcripts.render_markdown(rt))
        elif spec.file_name.endswith(".docx"):
            transcripts.render_docx(rt, str(path))
            _make_reproducible(path)
        elif "_06_" in spec.file_name:
            _write_text(path, transcripts.render_txt_upper(rt))
        else:
            _write_text(path, transcripts.render_txt_roles(rt, people))
        meta = folder / f"{spec.file_name}.meta.yaml"
        _write_text(meta, transcripts.meta_yaml(spec, people))
        written += [path, meta]
        for index, turn in enumerate(rt.turns):
            truth_rows.append({"source_file": f"transcripts/{spec.file_name}", "turn_index": str(index),
                               "section": turn.section, "codes": ";".join(turn.codes), "speaker": turn.speaker})
    _write_csv(truth / "sections.csv", ("source_file", "turn_index", "section", "codes", "speaker"), truth_rows)
    # researcher A also coded the roundtables: turns are named by file and turn number, since the
    # workbench pseudonymises source ids at ingest
    turns_path = folder.parent / "codings" / "researcher_a_turns.csv"
    turns_path.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(turns_path, ("source_file", "turn", "code"), [
        {"source_file": r["source_file"], "turn": r["turn_index"], "code": code}
        for r in truth_rows for code in r["codes"].split(";") if code])
    return written + [truth / "sections.csv", turns_path]


def _write_quotes(folder: Path, rows: list[dict[str, str]], pupils: list[Any], rng: random.Random) -> list[Path]:
    long_path = folder / "pupil_quotes.csv"
    _write_csv(long_path, QUOTE_COLUMNS, rows)
    _write_text(folder / "pupil_quotes.csv.meta.yaml", (
        'title: "Pupil quotes before and after tutoring (synthetic)"\n'
        "layout: long\nsynthetic: true\ncolumns:\n  id: id\n  text: text\n  pupil: pupil\n"
        "  school: school\n  wave: wave\n  question: question\n"))
    wide_rows = []
    for i, pupil in enumerate(rng.sample(pupils, 30), 1):
        ctx = _pupil_context(pupil, rng)
        before = quote_lines.make_quote(rng, ctx, "feel_subject", "before")[0]
        after = quote_lines.make_quote(rng, ctx, "feel_subject", "after")[0]
        wide_rows.append([f"W{i:03d}", pupil.pupil_id, pupil.school.name, before, after])
    wide_path = folder / "pupil_quotes_wide.xlsx"
    _write_xlsx(wide_path, "quotes", ["id", "pupil", "school", "before", "after"], wide_rows)
    wide_meta = folder / "pupil_quotes_wide.xlsx.meta.yaml"
    _write_text(wide_meta, (
        'title: "How pupils feel about their tutored subject, before and after (synthetic)"\n'
        f'question: "{quote_lines.QUESTIONS["feel_subject"].format(subject="the subject")}"\n'
        "layout: wide\nsynthetic: true\ncolumns:\n  id: id\n  pupil: pupil\n  school: school\n"
        "  before: before\n  after: after\n"))
    return [long_path, folder / "pupil_quotes.csv.meta.yaml", wide_path, wide_meta]


def _write_codings(folder: Path, rows: list[dict[str, str]], codes: dict[str, list[str]],
                   rng: random.Random) -> list[Path]:
    a_path = folder / "researcher_a.csv"
    _write_csv(a_path, ("id", "code"), [{"id": r["id"], "code": c} for r in rows for c in codes[r["id"]]])
    coded = [r["id"] for r in rows if codes[r["id"]]]
    subset = sorted(rng.sample(coded, 150))
    b_codes = _second_coder({q: codes[q] for q in subset}, rng, disagreement=0.2)
    b_rows = []
    for quote_id in subset:
        names = [f"{CODE_NAMES[c.split('.')[0]]}->{CODE_NAMES[c]}" for c in b_codes[quote_id]]
        b_rows.append([quote_id] + names + [None] * (3 - len(names)))
    b_path = folder / "researcher_b_wide.xlsx"
    _write_xlsx(b_path, "coding", ["id", "Code 1", "Code 2", "Code 3"], b_rows)
    return [a_path, b_path]


def _write_quant(folder: Path, pupils: list[Any], rng: random.Random) -> list[Path]:
    pupils_path = folder / "pupils.csv"
    _write_csv(pupils_path, ("pupil_id", "school", "urn", "group", "pre_score", "post_score", "disadvantaged",
                             "year_group"), quant.pupil_scores(rng, pupils, people))
    ks4_path = folder / "schools_ks4.csv"
    _write_csv(ks4_path, quant.KS4_COLUMNS, quant.schools_ks4(rng, people))
    urns_path = folder / "school_urns.csv"
    urns = [{"name": s.name, "urn": str(s.urn)} for s in people.SCHOOLS]
    urns += [{"name": name, "urn": str(urn)} for name, urn in people.OTHER_SCHOOLS]
    _write_csv(urns_path, ("name", "urn"), urns)
    return [pupils_path, ks4_path, urns_path]


def _write_roster(path: Path, pupils: list[Any]) -> Path:
    rows = [{"name": p.name, "kind": "pupil", "aliases": ";".join(a for a in (p.first, p.nickname) if a)}
            for p in pupils]
    rows += [{"name": name, "kind": "staff", "aliases": ";".join((name.split(" ")[0],) + aliases)}
             for name, _, aliases in people.STAFF]
    rows += [{"name": s.name, "kind": "speaker", "aliases": ";".join(s.aliases)} for s in people.SPEAKERS]
    rows += [{"name": s.name, "kind": "school", "aliases": s.short} for s in people.SCHOOLS]
    rows += [{"name": name, "kind": "school", "aliases": ""} for name, _ in people.OTHER_SCHOOLS]
    for row in rows:
        aliases = row["aliases"].split(";")
        row["aliases"] = ";".join(a for a in dict.fromkeys(aliases) if a and a != row["name"])
    _write_csv(path, ("name", "kind", "aliases"), rows)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder to write sample/ and truth/ into (default: corpora/ next to this script)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED}; keep it for the committed files)")
    args = parser.parse_args(argv)
    written = generate(args.out, args.seed)
    total = sum(p.stat().st_size for p in written)
    print(f"wrote {len(written)} files ({total / 1024:.0f} KiB) under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
