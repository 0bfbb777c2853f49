"""The synthetic sample corpora: the counts the issue asks for, internal consistency (codings, pupils,
roster, ground truth) and a byte-for-byte reproducible generator."""

from __future__ import annotations

import csv
import importlib.util
import re
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
SAMPLE = CORPORA / "sample"
TRUTH = CORPORA / "truth" / "sections.csv"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpora_generate", CORPORA / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def quotes() -> list[dict[str, str]]:
    return read_csv(SAMPLE / "quotes" / "pupil_quotes.csv")


@pytest.fixture(scope="module")
def truth() -> list[dict[str, str]]:
    return read_csv(TRUTH)


def transcript_files() -> list[Path]:
    return sorted(p for p in (SAMPLE / "transcripts").iterdir() if not p.name.endswith(".meta.yaml"))


# ---------------------------------------------------------------- transcripts

def test_transcripts_come_in_txt_vtt_and_docx_each_with_metadata() -> None:
    files = transcript_files()
    assert {".txt", ".vtt", ".docx"} <= {p.suffix for p in files}
    assert len(files) >= 3
    for path in files:
        meta = yaml.safe_load((path.parent / f"{path.name}.meta.yaml").read_text(encoding="utf-8"))
        assert {"title", "date", "partnership", "event", "speakers"} <= set(meta), path.name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"])), path.name
        for name, info in meta["speakers"].items():
            assert info["role"] in {"facilitator", "school leader", "charity lead", "tutor", "trust partner",
                                    "university partner"}, (path.name, name)


def test_at_least_eight_distinct_speakers_with_school_leaders_charities_tutors_and_partners() -> None:
    speakers: dict[str, str] = {}
    for path in transcript_files():
        meta = yaml.safe_load((path.parent / f"{path.name}.meta.yaml").read_text(encoding="utf-8"))
        speakers.update({name: info["role"] for name, info in meta["speakers"].items()})
    assert len(speakers) >= 8
    assert {"school leader", "charity lead", "tutor", "facilitator"} <= set(speakers.values())
    assert {"trust partner", "university partner"} & set(speakers.values())


def test_truth_has_300_turns_with_known_sections_and_code_ids(gen: ModuleType, truth: list[dict[str, str]]) -> None:
    assert len(truth) >= 300
    by_file: dict[str, list[dict[str, str]]] = {}
    for row in truth:
        by_file.setdefault(row["source_file"], []).append(row)
        for code in filter(None, row["codes"].split(";")):
            assert code in gen.CODE_IDS, row
    assert len(by_file) == len(transcript_files())
    for source_file, rows in by_file.items():
        assert (SAMPLE / source_file).is_file()
        assert [int(r["turn_index"]) for r in rows] == list(range(len(rows)))
        sections = list(dict.fromkeys(r["section"] for r in rows))
        assert 4 <= len(sections) <= 6, source_file
        assert sum(bool(r["codes"]) for r in rows) > len(rows) / 2, "most turns should carry a code"


def _turn_speakers(path: Path) -> list[str]:
    """Speakers of each turn, read independently of the generator (maintained parsers for VTT/SRT/docx)."""
    label = r"([A-Z][A-Za-z' -]+?)(?: \([^)]*\))?"
    if path.suffix == ".vtt":
        import webvtt

        cues = []
        for cue in webvtt.read(str(path)):
            voice = re.match(r"<v ([^>]+)>", cue.raw_text)
            cues.append(voice.group(1) if voice else cue.text.split(":", 1)[0])
    elif path.suffix == ".srt":
        import srt

        cues = [c.content.split(":", 1)[0] for c in srt.parse(path.read_text(encoding="utf-8"))]
    elif path.suffix == ".docx":
        import docx

        cues = [m.group(1) for p in docx.Document(str(path)).paragraphs
                if (m := re.match(r"\[\d\d:\d\d:\d\d\] " + label + ":", p.text))]
    else:
        text = path.read_text(encoding="utf-8")
        cues = [m.group(1) for m in re.finditer(r"^(?:\*\*)?" + label + r":(?:\*\*)? ", text, re.M)]
    turns: list[str] = []
    for name in cues:
        if not turns or turns[-1].lower() != name.lower():
            turns.append(name)
    return turns


@pytest.mark.parametrize("path", transcript_files(), ids=lambda p: p.name)
def test_truth_turns_line_up_with_what_a_reader_parses(path: Path, truth: list[dict[str, str]]) -> None:
    expected = [r["speaker"] for r in truth if r["source_file"] == f"transcripts/{path.name}"]
    assert [s.lower() for s in _turn_speakers(path)] == [s.lower() for s in expected]


def test_vtt_has_voice_tags_name_prefixes_and_turns_split_over_cues() -> None:
    text = (SAMPLE / "transcripts" / "roundtable_02_openfield_online.vtt").read_text(encoding="utf-8")
    voices = re.findall(r"^<v ([^>]+)>", text, re.M)
    prefixed = re.findall(r"^([A-Z][a-z]+ [A-Z][a-z]+): ", text, re.M)
    assert voices and prefixed
    assert any(a == b for a, b in zip(voices, voices[1:])), "a speaker's turn should span several cues"


def test_transcripts_carry_personal_details_for_the_privacy_step() -> None:
    import docx

    texts = []
    for path in transcript_files():
        if path.suffix == ".docx":
            texts.append("\n".join(p.text for p in docx.Document(str(path)).paragraphs))
        else:
            texts.append(path.read_text(encoding="utf-8"))
    everything = "\n".join(texts)
    assert re.search(r"\b[a-z]\.[a-z'-]+@[a-z]+\.example\.org\b", everything)
    assert re.search(r"\b07700 900\d{3}\b", everything)
    assert re.search(r"\bNX\d{1,2} \d[A-Z]{2}\b", everything)
    for word in ("SLT", "Year 11", "Pupil Premium", "NTP"):
        assert word in everything


# ---------------------------------------------------------------- quotes and codings

def test_quote_counts_schools_waves_and_unique_ids(quotes: list[dict[str, str]]) -> None:
    assert len(quotes) >= 400
    assert len({q["pupil"] for q in quotes}) >= 120
    assert len({q["school"] for q in quotes}) >= 6
    assert len({q["partnership"] for q in quotes}) == 2
    assert {q["wave"] for q in quotes} == {"before", "after"}
    ids = [q["id"] for q in quotes]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"P-\d{3}", q["pupil"]) for q in quotes)


def test_quotes_read_like_pupils_wrote_them(quotes: list[dict[str, str]]) -> None:
    texts = [q["text"] for q in quotes]
    assert 2 <= sum(t == "" for t in texts) <= 20
    assert any(t.lower() == "n/a" for t in texts)
    assert any(t and t == t.lower() for t in texts)
    assert any(re.search(r"[\U0001F300-\U0001FAFF]", t) for t in texts)
    assert any(re.search(r"\b(idk|tbh|ngl|cos|u)\b", t) for t in texts)
    assert any(re.search(r"\b\w+'s (mum|brother)\b", t, re.I) for t in texts)
    assert len(set(texts)) > 0.8 * len(texts)


def test_researcher_a_codes_exist_and_cover_multilabel_quotes(gen: ModuleType, quotes: list[dict[str, str]]) -> None:
    codings = read_csv(SAMPLE / "codings" / "researcher_a.csv")
    ids = {q["id"] for q in quotes}
    assert all(c["id"] in ids for c in codings)
    assert all(c["code"] in gen.CODE_IDS for c in codings)
    coded = {c["id"] for c in codings}
    assert not coded & {q["id"] for q in quotes if q["text"] == ""}
    per_quote: dict[str, int] = {}
    for c in codings:
        per_quote[c["id"]] = per_quote.get(c["id"], 0) + 1
    assert sum(n > 1 for n in per_quote.values()) >= 40
    used = {c["code"] for c in codings}
    assert {c for c in gen.CODE_IDS if c.startswith("outcomes.")} <= used
    assert {c for c in gen.CODE_IDS if c.startswith("barriers.")} <= used


def test_researcher_b_uses_hierarchical_names_and_agrees_about_eighty_percent(gen: ModuleType) -> None:
    import openpyxl

    sheet = openpyxl.load_workbook(SAMPLE / "codings" / "researcher_b_wide.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("id", "Code 1", "Code 2", "Code 3")
    assert len(rows) - 1 == 150
    by_name = {f"{gen.CODE_NAMES[c.split('.')[0]]}->{gen.CODE_NAMES[c]}": c for c in gen.CODE_IDS if "." in c}
    a: dict[str, set[str]] = {}
    for c in read_csv(SAMPLE / "codings" / "researcher_a.csv"):
        a.setdefault(c["id"], set()).add(c["code"])
    agree = total = 0
    for quote_id, *names in rows[1:]:
        b = {by_name[n] for n in names if n}
        assert b and quote_id in a
        agree += len(a[quote_id] & b)
        total += len(a[quote_id] | b)
    assert 0.65 <= agree / total <= 0.9


def test_wide_quote_sheet_and_its_layout() -> None:
    import openpyxl

    rows = list(openpyxl.load_workbook(SAMPLE / "quotes" / "pupil_quotes_wide.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == ("id", "pupil", "school", "before", "after")
    assert 25 <= len(rows) - 1 <= 40
    meta = yaml.safe_load((SAMPLE / "quotes" / "pupil_quotes_wide.xlsx.meta.yaml").read_text(encoding="utf-8"))
    assert meta["layout"] == "wide"


# ---------------------------------------------------------------- quantitative results and roster

def test_pupils_table_has_every_quoted_pupil_and_a_comparison_group(quotes: list[dict[str, str]]) -> None:
    pupils = read_csv(SAMPLE / "quant" / "pupils.csv")
    tutored = {p["pupil_id"] for p in pupils if p["group"] == "tutored"}
    comparison = [p for p in pupils if p["group"] == "comparison"]
    assert {q["pupil"] for q in quotes} <= tutored
    assert 0.8 <= len(comparison) / len(tutored) <= 1.25
    assert {p["school"] for p in comparison} == {q["school"] for q in quotes}
    assert 1 <= sum(p["post_score"] == "" for p in pupils) <= 15
    assert {p["disadvantaged"] for p in pupils} == {"true", "false"}


def test_tutored_pupils_gain_more_by_a_hedges_g_of_about_0_3() -> None:
    gains: dict[str, list[float]] = {"tutored": [], "comparison": []}
    for p in read_csv(SAMPLE / "quant" / "pupils.csv"):
        if p["post_score"]:
            gains[p["group"]].append(float(p["post_score"]) - float(p["pre_score"]))
    t, c = gains["tutored"], gains["comparison"]
    n1, n2 = len(t), len(c)
    pooled = (((n1 - 1) * statistics.variance(t) + (n2 - 1) * statistics.variance(c)) / (n1 + n2 - 2)) ** 0.5
    g = (sum(t) / n1 - sum(c) / n2) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    assert 0.2 <= g <= 0.4


def test_ks4_table_is_shaped_like_the_dfe_one(quotes: list[dict[str, str]]) -> None:
    rows = read_csv(SAMPLE / "quant" / "schools_ks4.csv")
    assert list(rows[0]) == ["URN", "SCHNAME", "TPUP", "ATT8SCR", "P8MEA", "P8CILOW", "P8CIUPP", "PTFSM6CLA1A"]
    assert {q["school"] for q in quotes} < {r["SCHNAME"] for r in rows}
    assert all(re.fullmatch(r"9\d{5}", r["URN"]) for r in rows)
    cells = {v for r in rows for v in r.values()}
    assert {"SUPP", "NE", "LOWCOV", "NEW"} <= cells
    urns = {r["name"]: r["urn"] for r in read_csv(SAMPLE / "quant" / "school_urns.csv")}
    assert all(urns[r["SCHNAME"]] == r["URN"] for r in rows)


def test_roster_names_every_speaker_school_and_mentioned_pupil(quotes: list[dict[str, str]]) -> None:
    roster = read_csv(SAMPLE / "roster.csv")
    assert {r["kind"] for r in roster} == {"pupil", "staff", "speaker", "school"}
    names = {r["name"] for r in roster}
    for path in transcript_files():
        meta = yaml.safe_load((path.parent / f"{path.name}.meta.yaml").read_text(encoding="utf-8"))
        assert set(meta["speakers"]) <= names
    assert {q["school"] for q in quotes} <= names
    aliases = {a.lower() for r in roster for a in [r["name"].split(" ")[0], *r["aliases"].split(";")] if a}
    mentioned = {m.group(1).lower() for q in quotes for m in re.finditer(r"\b([A-Za-z-]+)'s (?:mum|brother)\b", q["text"])}
    assert mentioned and mentioned <= aliases


# ---------------------------------------------------------------- the generator

def test_generator_reproduces_the_committed_files_byte_for_byte(gen: ModuleType, tmp_path: Path) -> None:
    gen.generate(tmp_path)
    for folder in ("sample", "truth"):
        committed = {p.relative_to(CORPORA / folder): p for p in (CORPORA / folder).rglob("*") if p.is_file()}
        fresh = {p.relative_to(tmp_path / folder): p for p in (tmp_path / folder).rglob("*") if p.is_file()}
        assert set(committed) == set(fresh), folder
        for rel, path in committed.items():
            assert path.read_bytes() == fresh[rel].read_bytes(), f"{folder}/{rel} differs: run python corpora/generate.py"


def test_committed_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in CORPORA.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert total < 3_000_000


@pytest.mark.slow
def test_synthetic_quotes_for_benchmarks_are_labelled_and_seeded(gen: ModuleType) -> None:
    quotes, codings = gen.synthetic_corpus(3000, seed=7)
    assert len(quotes) == 3000 and len({q["id"] for q in quotes}) == 3000
    assert set(quotes[0]) == set(read_csv(SAMPLE / "quotes" / "pupil_quotes.csv")[0])
    ids = {q["id"] for q in quotes}
    assert codings and all(c["id"] in ids and c["code"] in gen.CODE_IDS for c in codings)
    assert gen.synthetic_quotes(3000, seed=7) == quotes
    assert gen.synthetic_codings(3000, seed=7) == codings
    assert gen.synthetic_quotes(50, seed=8) != quotes[:50]
    second = gen.synthetic_codings(3000, seed=7, disagreement=0.2)
    assert second != codings and {c["id"] for c in second} <= ids


def test_no_sentence_is_copied_from_the_seed_articles() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    words = lambda text: re.findall(r"[a-z']+", text.lower())  # noqa: E731
    seed_grams = set()
    for path in SEEDS.glob("*.txt"):
        w = words(path.read_text(encoding="utf-8", errors="replace"))
        seed_grams |= {" ".join(w[i:i + 9]) for i in range(len(w) - 8)}
    ours = [p for p in CORPORA.glob("synth_*.py")]
    for path in ours:
        w = words(path.read_text(encoding="utf-8"))
        copied = {" ".join(w[i:i + 9]) for i in range(len(w) - 8)} & seed_grams
        assert not copied, f"{path.name} repeats seed text: {sorted(copied)[:3]}"
