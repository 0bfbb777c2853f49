"""Fuzzing every reader: hostile and broken variants of small valid files, fed to the workbench's readers.

Formats: txt, md, vtt, srt, docx, csv, xlsx, html, qdpx (the archive), qde (the project XML inside a
.qdpx), qdc, YAML codebooks and FILE.meta.yaml sidecars. Each input starts from a valid seed made here
and gets up to eight mutations chosen by hypothesis (flip, delete, duplicate, insert a token that matters
to the format -- quotes, ``-->``, ``<!DOCTYPE``, YAML anchors, deep brackets -- truncate, splice), or is
raw random bytes; for zip formats the mutation goes into one member and the zip is rebuilt, or into the
zip's own bytes. A reader passes when it returns a reading or raises the workbench's own error
(``EvidenceError``: a one-line message); anything else escaping, or taking more than ``--limit`` seconds,
is a failure, printed with the input's hash and kept under ``--keep`` to replay.

    .venv/bin/python bench/fuzz.py [--examples 300] [--formats all] [--seed 0] [--keep DIR] [--seed-files F ...]

The test suite runs the same harness with a short budget (tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import signal
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

FORMATS = ("txt", "md", "vtt", "srt", "docx", "csv", "xlsx", "html", "qdpx", "qde", "qdc", "codebook", "sidecar")
ZIP_FORMATS = ("docx", "xlsx", "qdpx")

TOKENS = [b'"', b"'", b",", b";", b"\t", b"\n", b"\r\n", b"\n\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3",
          b"-->", b" --> ", b"00:00:01,000 --> 00:00:02,000", b"00:01.000 --> 00:00.500", b"WEBVTT", b"NOTE",
          b"<v Ann Lee>", b"Ann Lee: ", b"**Bo Ray:** ", b"[00:01:02] ", b"Speaker 2 (Head): ",
          b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>", b"&a;", b"<![CDATA[", b"]]>", b"</", b"<p>", b"<script>",
          b"&#0;", b"&amp;", b"&a [x, y]", b"*a", b"&a", b"<<: *a", b"!!python/object:os.system", b"{", b"[",
          b"[" * 200, b"{a: " * 200, b"- " * 100, b"---\n", b"\n---\n", b"=HYPERLINK(\"x\")", b"@SUM(1)",
          b"9" * 40, b"-1", b"1e309", b"NaN", b"startPosition=\"-5\"", b"endPosition=\"999999999\"",
          b"guid=\"{\"", b"internal://../../etc/passwd", b"targetGUID=\"nope\"", b"\xe2\x80\xae", "\u2028".encode()]

SAMPLE_TEXT = ("Nia Holt (Charity lead): The mentors came every Tuesday, and reading club grew.\n"
               "Ravi Shah: At Larch Row the Year 8 group said it helped; Pupil 012 wrote a poem.\n"
               "Nia Holt: We'll keep going next term.\n")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Ravi Shah", "and a table row"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["id", "pupil", "school", "wave", "text"], ["R1", "Pupil 004", "Larch Row", "before", "I hid at lunch."],
                ["R2", "Pupil 004", "Larch Row", "after", "Now I run the club."], ["R3", "", "", "", "ok"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


QDE_NS = "urn:QDA-XML:project:1.0"
G = "d1000000-0000-4000-8000-0000000000{:02d}"


def _qde(text: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{QDE_NS}" name="Fuzz" origin="bench">
<Users><User guid="{G.format(1)}" name="Kit"/></Users>
<CodeBook><Codes><Code guid="{G.format(2)}" name="Belonging" isCodable="true" color="#336699">
<Description>Feeling part of school</Description>
<Code guid="{G.format(3)}" name="Friends" isCodable="true"/></Code></Codes></CodeBook>
<Cases><Case guid="{G.format(4)}" name="Pupil 012"/></Cases>
<Sources><TextSource guid="{G.format(5)}" name="Club talk" plainTextPath="internal://{G.format(5)}.txt">
<PlainTextSelection guid="{G.format(6)}" startPosition="0" endPosition="20" creatingUser="{G.format(1)}">
<Coding guid="{G.format(7)}" creatingUser="{G.format(1)}"><CodeRef targetGUID="{G.format(3)}"/></Coding>
</PlainTextSelection></TextSource>
<TextSource guid="{G.format(8)}" name="Notes" richTextPath="internal://{G.format(8)}.docx"/></Sources>
<Notes><Note guid="{G.format(9)}" name="Memo" creatingUser="{G.format(1)}"><PlainTextContent>{text[:30]}</PlainTextContent></Note></Notes>
</Project>""".encode()


def _qdpx(qde: bytes | None = None) -> bytes:
    return _zip({"project.qde": qde or _qde(SAMPLE_TEXT), f"sources/{G.format(5)}.txt": SAMPLE_TEXT.encode(),
                 f"sources/{G.format(8)}.docx": _docx(["Mentor notes: Tuesday went well."])})


def _qdc() -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="bench"><Codes>
<Code guid="{G.format(2)}" name="Belonging" isCodable="true" color="#336699"><Description>Part of school</Description>
<Code guid="{G.format(3)}" name="Friends" isCodable="true"/></Code>
<Code guid="{G.format(10)}" name="Worry" isCodable="true"/></Codes></CodeBook>""".encode()


CODEBOOK = """codes:
  - id: belonging
    name: Belonging
    definition: Pupils say they feel part of the school.
    keywords: [feel part of, belong]
    children:
      - id: friends
        name: Friends
        definition: Pupils talk about friends made in the club.
  - id: worry
    name: Worry
    definition: Pupils describe worries about reading aloud.
"""

SIDECAR = """title: Club talk
date: 2024-03-05
school: Larch Row
partnership: Read Together
wave: after
speakers:
  Nia Holt: charity lead
  Ravi Shah: {role: teacher, school: Larch Row}
"""


def seeds() -> dict[str, list[bytes]]:
    """Valid inputs of every format, made here (no corpus or network needed)."""
    vtt = ("WEBVTT\n\nNOTE made for fuzzing\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Nia Holt>The mentors came.\n\n"
           "00:00:04.000 --> 00:00:06.500 align:start\n<v Ravi Shah>Reading club grew.\n\n"
           "00:00:07.000 --> 00:00:09.000\nNia Holt: We'll keep going.\n")
    srt = ("1\n00:00:01,000 --> 00:00:04,000\nNia Holt: The mentors came.\n\n2\n00:00:04,000 --> 00:00:06,500\n"
           "Ravi Shah: Reading club grew.\n\n3\n00:00:07,000 --> 00:00:09,000\n<i>Nia Holt: We'll keep going.</i>\n")
    csv = ("id,pupil,school,wave,question,text\nR1,Pupil 004,Larch Row,before,How is reading?,\"I hid, at lunch.\"\n"
           "R2,Pupil 004,Larch Row,after,How is reading?,\"Now I \"\"run\"\" the club.\"\nR3,Pupil 009,,after,,ok\n")
    html = ("<html><head><title>Club report</title><style>p{}</style></head><body><h1>Read Together</h1>"
            "<p>The mentors came every Tuesday.</p><ul><li>Reading club grew.</li></ul><script>x()</script>"
            "<blockquote>It helped.</blockquote></body></html>")
    return {
        "txt": [SAMPLE_TEXT.encode(), ("---\ntitle: Notes\nschool: Larch Row\n---\n" + SAMPLE_TEXT).encode(),
                b"An article with no speakers.\n\nJust two paragraphs of text about reading."],
        "md": [("# Roundtable\n\n**Nia Holt:** The mentors came.\n\n**Ravi Shah (Teacher):** It grew.\n").encode()],
        "vtt": [vtt.encode()],
        "srt": [srt.encode(), srt.replace("\n", "\r\n").encode("utf-8-sig")],
        "docx": [_docx(SAMPLE_TEXT.splitlines())],
        "csv": [csv.encode(), csv.replace(",", ";").encode("cp1252")],
        "xlsx": [_xlsx()],
        "html": [html.encode()],
        "qdpx": [_qdpx()],
        "qde": [_qde(SAMPLE_TEXT)],
        "qdc": [_qdc()],
        "codebook": [CODEBOOK.encode()],
        "sidecar": [SIDECAR.encode()],
    }


# -- mutations ---------------------------------------------------------------------------------------------
OPS = ("flip", "delete", "duplicate", "insert", "truncate", "splice", "repeat")
Mutation = tuple[str, int, int, int]


def mutate(data: bytes, mutations: list[Mutation], other: bytes = b"") -> bytes:
    """Apply (op, position, length, token index) mutations in order; positions wrap around the data."""
    out = bytearray(data)
    for op, position, length, token in mutations:
        size = max(len(out), 1)
        at, length = position % size, length % 64 + 1
        if op == "flip" and out:
            out[at] ^= 1 << (token % 8)
        elif op == "delete":
            del out[at:at + length]
        elif op == "duplicate":
            out[at:at] = out[at:at + length]
        elif op == "insert":
            out[at:at] = TOKENS[token % len(TOKENS)]
        elif op == "truncate":
            del out[at:]
        elif op == "splice" and other:
            out[at:] = other[position % max(len(other), 1):]
        elif op == "repeat":
            piece = bytes(out[at:at + length]) or TOKENS[token % len(TOKENS)]
            out[at:at] = piece * (token % 50 + 2)
    return bytes(out)


def mutate_zip(data: bytes, member: int, mutations: list[Mutation]) -> bytes:
    """Mutate one member of a zip (chosen by index) and rebuild it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    names = sorted(members)
    name = names[member % len(names)]
    members[name] = mutate(members[name], mutations)
    return _zip(members)


@st.composite
def fuzz_input(draw: Any, kind: str, seed_list: list[bytes]) -> bytes:
    """One fuzzed input of ``kind``: raw bytes, or a seed with mutations (inside a zip member or not)."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2048))
    seed = draw(st.sampled_from(seed_list))
    mutations = draw(st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 2**20), st.integers(0, 2**10),
                                        st.integers(0, 2**10)), min_size=1, max_size=8))
    if kind in ZIP_FORMATS and draw(st.booleans()):
        return mutate_zip(seed, draw(st.integers(0, 64)), mutations)
    return mutate(seed, mutations, other=draw(st.sampled_from(seed_list)))


# -- running one input ---------------------------------------------------------------------------------------
class Hang(BaseException):
    """An input took longer than the limit (BaseException, so no reader's ``except Exception`` hides it)."""


@dataclass
class Tally:
    tried: Counter = field(default_factory=Counter)
    accepted: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # kind, digest, problem, input


class Harness:
    """Writes each input to a file and hands it to the reader of its kind, in one scratch folder and project."""

    def __init__(self, folder: Path, limit: float = 20.0) -> None:
        from evidence.project import Project

        self.folder, self.limit = folder, limit
        self.project = Project.init(folder / "project", ner_pipeline=False)
        self.tally = Tally()
        self._count = 0

    def close(self) -> None:
        self.project.close()

    def target(self, kind: str) -> Callable[[Path], Any]:
        from evidence.codebook import load_codebook
        from evidence.ingest import ReadOptions, read_file
        from evidence.refi.codebook_qdc import import_codebook_qdc
        from evidence.refi.import_qdpx import import_qdpx

        options = ReadOptions(source_id="fuzz")
        if kind == "codebook":
            return load_codebook
        if kind == "qdc":
            return lambda path: import_codebook_qdc(self.project, path)
        if kind in ("qdpx", "qde"):
            return lambda path: import_qdpx(self.project, path)
        if kind == "sidecar":
            def with_sidecar(path: Path) -> Any:
                text = path.with_name(path.name[: -len(".meta.yaml")])
                text.write_text(SAMPLE_TEXT, encoding="utf-8")
                return read_file(text, options)
            return with_sidecar
        return lambda path: read_file(path, options)

    def path_for(self, kind: str) -> Path:
        self._count += 1
        suffix = {"codebook": ".yaml", "sidecar": ".txt.meta.yaml", "qde": ".qdpx"}.get(kind, "." + kind)
        return self.folder / f"input{self._count}{suffix}"

    def warm_up(self, kind: str, data: bytes) -> None:
        """Read one valid input untimed and uncounted: the first use of a reader loads its libraries."""
        from evidence.core.errors import EvidenceError

        path = self.path_for(kind)
        path.write_bytes(_qdpx(data) if kind == "qde" else data)
        try:
            self.target(kind)(path)
        except EvidenceError:
            pass
        for leftover in self.folder.glob(f"input{self._count}*"):
            leftover.unlink()

    def check(self, kind: str, data: bytes) -> str | None:
        """None when the reader read it or refused it with a workbench error; else what went wrong."""
        from evidence.core.errors import EvidenceError

        if kind == "qde":
            data = _qdpx(data)
        path = self.path_for(kind)
        path.write_bytes(data)
        self.tally.tried[kind] += 1
        previous = signal.signal(signal.SIGALRM, _alarm)
        # after the limit, the alarm repeats every second: one that lands where Python ignores exceptions
        # (a garbage-collector callback) is followed by another
        signal.setitimer(signal.ITIMER_REAL, self.limit, 1.0)
        problem = None
        try:
            self.target(kind)(path)
            self.tally.accepted[kind] += 1
        except EvidenceError:
            self.tally.refused[kind] += 1
        except Hang:
            signal.setitimer(signal.ITIMER_REAL, 0)
            problem = f"took more than {self.limit:g} s"
        except Exception as exc:  # noqa: BLE001 - this is what the harness looks for
            tail = traceback.format_exc().strip().splitlines()[-3:]
            problem = f"{exc.__class__.__name__}: {str(exc)[:200]} | " + " | ".join(t.strip() for t in tail[:-1])
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            for leftover in self.folder.glob(f"input{self._count}*"):
                leftover.unlink()
        if problem:
            digest = hashlib.sha256(data).hexdigest()[:12]
            self.tally.failures.append((kind, digest, problem, data))
        return problem


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


def seed_files(paths: list[Path]) -> dict[str, list[bytes]]:
    """Real files to start from as well (by extension: .qdpx, .csv, .srt, ...; .yaml counts as a codebook)."""
    found: dict[str, list[bytes]] = {}
    for path in paths:
        kind = {"yaml": "codebook", "yml": "codebook", "htm": "html"}.get(path.suffix.lower()[1:],
                                                                         path.suffix.lower()[1:])
        if kind in FORMATS:
            found.setdefault(kind, []).append(path.read_bytes())
    return found


def fuzz(harness: Harness, kinds: list[str], examples: int, seed: int = 0,
         report: Callable[[str, Tally], None] | None = None, extra: dict[str, list[bytes]] | None = None) -> Tally:
    """Run ``examples`` hypothesis examples per kind through ``harness``; failures are collected, not raised.
    ``report(kind, tally)`` is called after each kind (the bench prints a line)."""
    all_seeds = seeds()
    for kind, more in (extra or {}).items():
        all_seeds[kind] = more  # real files given: fuzz from them alone
    for kind in kinds:
        harness.warm_up(kind, all_seeds[kind][0])
        @hypothesis_seed(seed)
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), print_blob=False)
        @given(data=fuzz_input(kind, all_seeds[kind]))
        def one(data: bytes) -> None:
            harness.check(kind, data)

        one()
        if report is not None:
            report(kind, harness.tally)
    return harness.tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="inputs per format")
    parser.add_argument("--formats", default="all", help=f"comma-separated, from: {', '.join(FORMATS)}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument("--keep", type=Path, default=None, help="folder to save failing inputs in")
    parser.add_argument("--seed-files", type=Path, nargs="*", default=[],
                        help="real files to mutate instead of the built-in seeds of their format")
    args = parser.parse_args()
    kinds = list(FORMATS) if args.formats == "all" else args.formats.split(",")
    started = time.perf_counter()

    def line(kind: str, tally: Tally) -> None:
        failed = sum(1 for k, *_ in tally.failures if k == kind)
        print(f"{kind:<9} {tally.tried[kind]:>6} {tally.accepted[kind]:>6} {tally.refused[kind]:>8} {failed:>7}"
              f"   ({time.perf_counter() - started:.0f} s)", flush=True)

    print(f"{'format':<9} {'tried':>6} {'read':>6} {'refused':>8} {'failed':>7}", flush=True)
    with tempfile.TemporaryDirectory(prefix="evidence-fuzz-") as tmp:
        harness = Harness(Path(tmp), args.limit)
        try:
            tally = fuzz(harness, kinds, args.examples, args.seed, report=line, extra=seed_files(args.seed_files))
        finally:
            harness.close()
    print(f"total     {sum(tally.tried.values()):>6} {sum(tally.accepted.values()):>6} "
          f"{sum(tally.refused.values()):>8} {len(tally.failures):>7}   ({time.perf_counter() - started:.0f} s)")
    seen = set()
    for kind, digest, problem, data in tally.failures:
        if (kind, problem) in seen:
            continue
        seen.add((kind, problem))
        print(f"FAILED {kind} {digest}: {problem}")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{kind}-{digest}.bin").write_bytes(data)


if __name__ == "__main__":
    main()
