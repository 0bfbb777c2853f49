"""Export a workbench project as .qdpx (schema-valid, stable GUIDs) and import it back unchanged."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from conftest import FIXTURES, need_shared

SCHEMAS = FIXTURES / "refi" / "schemas"

ROUNDTABLE = (
    "Facilitator: Welcome, everyone, and thank you for coming.\n\n"
    "Ms Green (Head): Our pupils meet their tutors every week. Attendance rose over the year.\n\n"
    "Mr Shah (Charity lead): We recruit tutors from the university and train them in June.\n"
)


@pytest.fixture
def source_project(tmp_path):
    from evidence.core.model import Case, Code, Coding, Memo
    from evidence.project import Project

    project = Project.init(tmp_path / "a", name="Tutoring roundtables", pseudonymise=False)
    path = tmp_path / "roundtable.txt"
    path.write_text(ROUNDTABLE, encoding="utf-8")
    assert project.ingest([path]).ok
    store = project.store
    with store.transaction() as conn:
        store.upsert_case(conn, Case("P01", "pupil", "Pupil One",
                                     {"age": 12, "fsm": True, "started": dt.date(2024, 9, 3), "score": 4.5}))
        store.upsert_case(conn, Case("URN100001", "school", "Hilltop School", {"urn": 100001, "phase": "secondary"}))
        for order, code in enumerate([
            Code("tutoring", "Tutoring", colour="#E69F00", definition="Anything about the tutoring itself."),
            Code("tutoring.weekly", "Weekly sessions", parent="tutoring", colour="#E69F00",
                 definition="Sessions that happen every week."),
            Code("recruitment", "Recruiting tutors", colour="#56B4E9", definition="Where tutors come from."),
        ]):
            store.upsert_code(conn, code, order)
    turns = project.segments(kinds=["turn"]).set_index("speaker")
    green, shah = turns.loc["Ms Green", "id"], turns.loc["Mr Shah", "id"]
    text = project.source_text(turns.loc["Mr Shah", "source"])
    start = text.index("tutors from the university")
    project.add_codings([
        Coding(green, "tutoring.weekly", "Ana"),
        Coding(shah, "recruitment", "Ben", start=start, end=start + len("tutors from the university")),
        Coding(shah, "tutoring", "Ana"),
        Coding(green, "recruitment", "rules", origin="rule", status="suggested", confidence=0.8),
    ])
    project.add_memo(Memo("Weekly is the key word here.", "Ana", segment=green))
    project.add_memo(Memo("Weekly or fortnightly?", "Ben", segment=green, code="tutoring.weekly"))
    project.add_memo(Memo("Check whether June training is every year.", "Ben", code="recruitment"))
    project.add_memo(Memo("Recorded in the school library.", "Ana", source=turns.loc["Mr Shah", "source"]))
    project.add_memo(Memo("First pass of coding done.", "Ana"))
    yield project
    project.close()


def _codes(project):
    codes = project.codes().set_index("id")
    return {(r.name, codes.loc[r.parent, "name"] if r.parent else "", r.colour, r.definition)
            for r in codes.itertuples()}


def _codings(project, statuses=("accepted",)):
    codes = project.codes().set_index("id")["name"]
    segments = project.segments().set_index("id")
    rows = set()
    for c in project.codings().itertuples():
        if c.status not in statuses:
            continue
        seg = segments.loc[c.segment]
        start, end = (seg["start"], seg["end"]) if c.start != c.start or c.start is None else (c.start, c.end)
        text = project.source_text(seg["source"])[int(start):int(end)]
        rows.add((codes[c.code], c.coder, int(start), int(end), text))
    return rows


def _memos(project):
    codes = project.codes().set_index("id")["name"]
    segments = project.segments().set_index("id")
    return {(m.text, m.author, codes.get(m.code, ""), segments.loc[m.segment, "text"] if m.segment else "",
             bool(m.source)) for m in project.memos().itertuples()}


def test_export_validates_and_is_stable(source_project, tmp_path):
    need_shared(SCHEMAS)
    import xmlschema

    from evidence.refi.codebook_qdc import export_codebook
    from evidence.refi.export_qdpx import export_qdpx

    first, second = tmp_path / "one.qdpx", tmp_path / "two.qdpx"
    summary = export_qdpx(source_project, first)
    export_qdpx(source_project, second)
    assert first.read_bytes() == second.read_bytes()  # same GUIDs, same bytes
    with zipfile.ZipFile(first) as archive:
        names = archive.namelist()
        document = archive.read("project.qde")
    assert names[0] == "project.qde" and all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(document)
    assert summary.counts["codings"] == 3 and summary.counts["selections"] == 3
    assert any("1 suggested" in item for item in summary.left_out)
    qdc = export_codebook(source_project, tmp_path / "codebook.qdc")
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(qdc.read_bytes())


def test_round_trip_keeps_codes_codings_cases_attributes_and_memos(source_project, tmp_path):
    from evidence.project import Project
    from evidence.refi.export_qdpx import export_qdpx
    from evidence.refi.import_qdpx import import_qdpx

    out = tmp_path / "project.qdpx"
    export_qdpx(source_project, out)
    target = Project.init(tmp_path / "b", pseudonymise=False)
    report = import_qdpx(target, out)
    assert report.skipped == []
    assert _codes(target) == _codes(source_project)
    assert _codings(target) == _codings(source_project)
    cases = lambda p: {(r.id, r.kind, r.name) for r in p.store.read_sql("SELECT * FROM cases").itertuples()}  # noqa: E731
    assert cases(target) == cases(source_project)
    attributes = lambda p: {tuple(r) for r in p.attributes().itertuples(index=False)}  # noqa: E731
    assert attributes(target) == attributes(source_project)
    assert _memos(target) == _memos(source_project)
    source = target.sources().iloc[0]
    assert source["kind"] == "transcript" and source["title"] == source_project.sources().iloc[0]["title"]
    assert set(target.codings()["origin"]) == {"import"}


def test_codebook_formats(source_project, tmp_path):
    from evidence.codebook import load_codebook
    from evidence.project import Project
    from evidence.refi.codebook_qdc import export_codebook, import_codebook_qdc

    written = {fmt: export_codebook(source_project, tmp_path / f"codebook.{fmt}") for fmt in
               ("qdc", "yaml", "csv", "docx", "md")}
    assert sorted(c.id for c in load_codebook(written["yaml"])) == sorted(source_project.codes()["id"])
    assert "Weekly sessions" in written["md"].read_text(encoding="utf-8")
    assert "tutoring.weekly" in written["csv"].read_text(encoding="utf-8")
    import docx

    assert any("Recruiting tutors" in p.text for p in docx.Document(str(written["docx"])).paragraphs)
    other = Project.init(tmp_path / "c")
    report = import_codebook_qdc(other, written["qdc"])
    assert report.counts["codes"] == 3 and _codes(other) == _codes(source_project)


def test_cli_commands(source_project, tmp_path, capsys):
    from evidence.cli import main

    folder = str(source_project.path)
    out = tmp_path / "cli.qdpx"
    assert main(["export-qdpx", str(out), "--project", folder, "--include-suggested"]) == 0
    assert "4 codings" in capsys.readouterr().out
    target = tmp_path / "cli-target"
    assert main(["init", "--project", str(target)]) == 0
    assert main(["import-qdpx", str(out), "--project", str(target)]) == 0
    printed = capsys.readouterr().out
    assert "4 codings" in printed and "nothing was skipped" in printed
    assert main(["export-codebook", str(tmp_path / "cb.md"), "--project", folder]) == 0
    assert main(["export-codebook", str(tmp_path / "cb.txt"), "--format", "qdc", "--project", folder]) == 0
    assert main(["import-codebook", str(tmp_path / "cb.txt"), "--project", str(target), "--json"]) == 0
    assert main(["import-qdpx", str(tmp_path / "missing.qdpx"), "--project", str(target)]) == 1
    assert "missing.qdpx: file not found" in capsys.readouterr().err


def test_coding_done_elsewhere_merges_back_into_the_same_project(source_project, tmp_path):
    """Export, code more in another tool (simulated by adding a selection), import back: only the new
    coding is added, on the same source; nothing is duplicated."""
    import re

    from evidence.refi.export_qdpx import export_qdpx
    from evidence.refi.import_qdpx import import_qdpx

    out = tmp_path / "to_nvivo.qdpx"
    export_qdpx(source_project, out)
    with zipfile.ZipFile(out) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    qde = members["project.qde"].decode("utf-8")
    text = source_project.source_text(source_project.sources().iloc[0]["id"])
    start = text.index("Attendance rose")
    tutoring = re.search(r'<Code guid="([^"]+)" name="Tutoring"', qde).group(1)
    ana = re.search(r'<User guid="([^"]+)" name="Ana"', qde).group(1)
    extra = (f'<PlainTextSelection guid="12345678-1234-4234-8234-123456789abc" startPosition="{start}" '
             f'endPosition="{start + 15}"><Coding guid="12345678-1234-4234-8234-123456789abd" creatingUser="{ana}">'
             f'<CodeRef targetGUID="{tutoring}"/></Coding></PlainTextSelection>')
    qde = qde.replace("</TextSource>", extra + "</TextSource>", 1)
    back = tmp_path / "from_nvivo.qdpx"
    with zipfile.ZipFile(back, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, qde.encode("utf-8") if name == "project.qde" else data)
    before = _codings(source_project)
    report = import_qdpx(source_project, back)
    assert report.counts.get("sources merged") == 1 and len(source_project.sources()) == 1
    assert len(source_project.codes()) == 3
    assert _codings(source_project) - before == {("Tutoring", "Ana", start, start + 15, "Attendance rose")}
