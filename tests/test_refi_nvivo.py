"""Import of a real NVivo 12.6 export (shared fixture oltas0517.qdpx), and its export/import round trip.

The expected values are read from the fixture independently of the importer: the XML with the
standard library, the selection texts by slicing the UTF-16 form of NVivo's plain-text file (NVivo
counts UTF-16 code units and ``\\r\\n`` as two).
"""

from __future__ import annotations

import zipfile
import xml.etree.ElementTree as ET

import pytest

from conftest import FIXTURES, need_shared

NVIVO = FIXTURES / "refi" / "oltas0517.qdpx"
SCHEMAS = FIXTURES / "refi" / "schemas"
NS = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def nvivo_xml():
    need_shared(NVIVO)
    with zipfile.ZipFile(NVIVO) as archive:
        return ET.fromstring(archive.read("project.qde")), {n: archive.read(n) for n in archive.namelist()}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    need_shared(NVIVO)
    from evidence.project import Project
    from evidence.refi.import_qdpx import import_qdpx

    project = Project.init(tmp_path_factory.mktemp("nvivo") / "project")
    report = import_qdpx(project, NVIVO)
    yield project, report
    project.close()


def _selection_rows(root):
    """(source GUID, selection GUID, start, end, code GUID, coding user GUID) from the XML."""
    rows = []
    for source in root.iter(f"{NS}TextSource"):
        for selection in source.findall(f"{NS}PlainTextSelection"):
            for coding in selection.findall(f"{NS}Coding"):
                rows.append((source.get("guid"), selection.get("guid"), int(selection.get("startPosition")),
                             int(selection.get("endPosition")), coding.find(f"{NS}CodeRef").get("targetGUID"),
                             coding.get("creatingUser")))
    return rows


def test_all_codes_with_their_hierarchy(nvivo_xml, imported):
    root, _ = nvivo_xml
    project, report = imported
    expected = {}  # code GUID -> (name, parent GUID)

    def walk(element, parent):
        for code in element.findall(f"{NS}Code"):
            expected[code.get("guid")] = (code.get("name"), parent)
            walk(code, code.get("guid"))

    walk(root.find(f"{NS}CodeBook/{NS}Codes"), "")
    assert len(expected) == 152
    codes = project.codes().set_index("id")
    assert len(codes) == 152
    for guid, (name, parent) in expected.items():
        code_id = report.codes[guid]
        assert codes.loc[code_id, "name"] == name
        assert codes.loc[code_id, "parent"] == (report.codes[parent] if parent else "")
    described = root.find(f"{NS}CodeBook/{NS}Codes/{NS}Code")
    assert codes.loc[report.codes[described.get("guid")], "definition"] == described.find(f"{NS}Description").text


def test_users_and_sources(nvivo_xml, imported):
    root, _ = nvivo_xml
    project, report = imported
    users = {u.get("name") for u in root.iter(f"{NS}User")}
    stored = set(project.store.read_sql("SELECT local_id FROM refi_objects WHERE kind = 'user'")["local_id"])
    assert stored == users == {"Gergo", "floriansipos"}
    sources = project.sources()
    assert len(sources) == 2
    assert set(sources["title"]) == {s.get("name") for s in root.iter(f"{NS}TextSource")}
    assert report.skipped == []


def test_every_selection_imported_with_the_text_nvivo_marked(nvivo_xml, imported):
    root, members = nvivo_xml
    project, report = imported
    rows = _selection_rows(root)
    assert len(rows) == 303
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    codings = project.codings()
    assert len(codings) == 303
    assert set(codings["origin"]) == {"import"} and set(codings["status"]) == {"accepted"}
    code_ids = report.codes
    found = {(r.code, r.coder, int(r.start), int(r.end)): r for r in codings.itertuples(index=False)}
    texts = {}
    for source_guid, _, start, end, code_guid, user_guid in rows:
        if source_guid not in texts:
            raw = members[f"Sources/{source_guid}.txt"].decode("utf-8-sig").encode("utf-16-le")
            texts[source_guid] = (raw, project.source_text(report.sources[source_guid]))
        raw, stored = texts[source_guid]
        marked = raw[2 * start:2 * end].decode("utf-16-le").replace("\r\n", "\n")
        matches = [key for key in found if key[0] == code_ids[code_guid] and key[1] == users[user_guid]
                   and stored[key[2]:key[3]] == marked]
        assert matches, f"no imported coding of {code_guid} with NVivo's text {marked[:40]!r}"
    segments = project.segments().set_index("id")
    for coding in codings.itertuples(index=False):  # each coding sits on a segment that contains it
        segment = segments.loc[coding.segment]
        assert segment["start"] <= coding.start and coding.end <= segment["end"]


def test_report_says_how_offsets_were_counted(imported):
    _, report = imported
    text = "\n".join(report.notes)
    assert "UTF-16 units, line break \\r\\n counted as two characters" in text
    assert "NOT pseudonymised" in text


def test_nvivo_export_then_import_loses_nothing(imported, tmp_path):
    need_shared(SCHEMAS)
    from evidence.project import Project
    from evidence.refi.export_qdpx import export_qdpx
    from evidence.refi.import_qdpx import import_qdpx

    project, first = imported
    out = tmp_path / "again.qdpx"
    export_qdpx(project, out, schema=SCHEMAS / "Project.xsd")
    with zipfile.ZipFile(out) as archive:
        document = ET.fromstring(archive.read("project.qde"))
    exported_codes = {c.get("guid") for c in document.iter(f"{NS}Code")}
    assert exported_codes == set(first.codes)  # NVivo's own GUIDs go back out
    again = Project.init(tmp_path / "again")
    second = import_qdpx(again, out)

    def spans(p):
        codes = p.codes().set_index("id")
        path = {i: (codes.loc[i, "name"], codes.loc[codes.loc[i, "parent"], "name"] if codes.loc[i, "parent"] else "")
                for i in codes.index}
        titles = p.sources().set_index("id")["title"]
        rows = set()
        for c in p.codings().itertuples(index=False):
            source = c.segment.split(":")[0]  # segment ids are SOURCE:unit
            text = p.source_text(source)[int(c.start):int(c.end)]
            rows.add((titles[source], path[c.code], c.coder, int(c.start), int(c.end), text))
        return rows

    assert spans(again) == spans(project)
    assert len(again.codes()) == 152 and len(again.codings()) == 303
    assert second.counts["users"] == 2 and second.skipped == []
