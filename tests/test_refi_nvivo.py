"""Import of a real NVivo 12.6 export (shared fixture oltas0517.qdpx), and its export/import round trip.

The expected values are read from the fixture independently of the importer: the XML with the
standard library, the selection texts by slicing the UTF-16 form of NVivo's plain-text file (NVivo
counts UTF-16 code units and ``\\r\\n`` as two). The file is imported twice: as written, where each
selection must hold NVivo's exact text, and pseudonymised with a small roster of names from the
(Hungarian) comments, where each selection must hold the same words with names and handles replaced.
"""

from __future__ import annotations

import re
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


# Public figures named in the comments (a roster as a researcher would write it; "Gergo" is one of the
# two NVivo users, listed to show that a coder on the roster gets a pseudonym too).
ROSTER = ("name,kind,aliases\nViktor Orbán,person,\nCecília Müller,staff,Müller Cecília\nBéla Merkely,staff,\n"
          "Gergely Gulyás,person,\nKatalin Karikó,person,\nFerenc Gyurcsány,person,\nHenry Kissinger,person,\n"
          "Krisztán Hadas,person,Hadas Krisztán\nZsolt Gordos,person,Gordos Zsolt\nMárton Bognár,person,\n"
          "Gergo,staff,\n")
ORIGINALS = ("Orbán", "Müller", "Merkely", "Gulyás", "Karikó", "Gyurcsány", "Kissinger", "Hadas", "Gordos",
             "Bognár", "Gergo")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The fixture imported with pseudonymisation on (the default) and a small roster."""
    need_shared(NVIVO)
    from evidence.project import Project
    from evidence.refi.import_qdpx import import_qdpx

    folder = tmp_path_factory.mktemp("nvivo")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    project = Project.init(folder / "project")
    report = import_qdpx(project, NVIVO, roster=folder / "roster.csv")
    yield project, report
    project.close()


@pytest.fixture(scope="module")
def imported_plain(tmp_path_factory):
    """The fixture imported as written (``pseudonymise: false``): selections must hold NVivo's exact text."""
    need_shared(NVIVO)
    from evidence.project import Project
    from evidence.refi.import_qdpx import import_qdpx

    project = Project.init(tmp_path_factory.mktemp("nvivo-plain") / "project", pseudonymise=False)
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
    assert users == {"Gergo", "floriansipos"}
    stored = set(project.store.read_sql("SELECT local_id FROM refi_objects WHERE kind = 'user'")["local_id"])
    gergo = _pseudonym(project, "Gergo")
    assert stored == {gergo, "floriansipos"}  # the coder on the roster has a pseudonym; the other keeps the name
    sources = project.sources()
    assert len(sources) == 2
    assert set(sources["title"]) == {s.get("name") for s in root.iter(f"{NS}TextSource")}
    assert report.skipped == []
    assert report.counts["users"] == 2 and report.counts["sources"] == 2 and report.counts["selections"] == 303


def test_every_selection_imported_with_the_text_nvivo_marked(nvivo_xml, imported_plain):
    root, members = nvivo_xml
    project, report = imported_plain
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
            texts[source_guid] = (_utf16(members, source_guid), project.source_text(report.sources[source_guid]))
        raw, stored = texts[source_guid]
        marked = raw[2 * start:2 * end].decode("utf-16-le").replace("\r\n", "\n")
        matches = [key for key in found if key[0] == code_ids[code_guid] and key[1] == users[user_guid]
                   and stored[key[2]:key[3]] == marked]
        assert matches, f"no imported coding of {code_guid} with NVivo's text {marked[:40]!r}"
    segments = project.segments().set_index("id")
    for coding in codings.itertuples(index=False):  # each coding sits on a segment that contains it
        segment = segments.loc[coding.segment]
        assert segment["start"] <= coding.start and coding.end <= segment["end"]
    assert "pseudonymisation is off" in report.summary()


def test_pseudonymised_selections_still_cover_the_words_nvivo_marked(nvivo_xml, imported):
    """Each coded text, with its pseudonyms and labels read as "some original words", is exactly the
    text NVivo marked; a pseudonym stands for a roster name, a [handle] for an @handle. A label at
    either end may stand for part of an item (the selection was widened to the whole pseudonym)."""
    from evidence.privacy import load_key

    root, members = nvivo_xml
    project, report = imported
    key = load_key(project.private_dir)
    labels = {pseudonym: entry["original"] for pseudonym, entry in key.entries.items()}
    label_pattern = re.compile("|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True)) +
                               r"|\[(?:handle|web address|email|phone|postcode|address|date of birth)\]"
                               r"|\[(?:pupil|staff|speaker|parent|person|school|partnership|charity) name\]")
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    coder = {"Gergo": _pseudonym(project, "Gergo"), "floriansipos": "floriansipos"}
    codings = project.codings()
    assert len(codings) == 303
    pool = {}
    for c in codings.itertuples(index=False):
        source = c.segment.split(":")[0]
        pool.setdefault((c.code, c.coder), []).append(project.source_text(source)[int(c.start):int(c.end)])
    raws = {}
    with_items = 0
    for source_guid, _, start, end, code_guid, user_guid in _selection_rows(root):
        raw = raws.setdefault(source_guid, _utf16(members, source_guid))
        marked = raw[2 * start:2 * end].decode("utf-16-le").replace("\r\n", "\n")
        candidates = pool[(report.codes[code_guid], coder[users[user_guid]])]
        hit = next((t for t in candidates if _covers(t, marked, label_pattern, labels)), None)
        assert hit is not None, f"no coding of {code_guid} lines up with NVivo's text {marked[:60]!r}"
        candidates.remove(hit)  # one coding per selection
        with_items += bool(label_pattern.search(hit))
    assert with_items >= 12  # the check above met replaced items, not only untouched text
    stored = " ".join(project.source_text(s) for s in project.sources()["id"])
    for original in ORIGINALS:  # as a word: inflected forms ("Orbánnak") are beyond the English-minded finder
        assert not re.search(rf"\b{original}\b", stored), original
    assert any(_pseudonym(project, "Viktor Orbán") in t for t in
               (project.source_text(s) for s in project.sources()["id"]))
    assert report.pseudonymised["handle"] > 1000 and report.pseudonymised["person"] > 0


def _covers(coded: str, marked: str, label_pattern: re.Pattern[str], labels: dict[str, str]) -> bool:
    parts, items, last = [], [], 0
    for match in label_pattern.finditer(coded):
        parts.append(re.escape(coded[last:match.start()]))
        edge = match.start() == 0 or match.end() == len(coded)
        parts.append("(.*?)" if edge else "(.+?)")
        items.append(match.group())
        last = match.end()
    parts.append(re.escape(coded[last:]))
    found = re.fullmatch("".join(parts), marked, re.S)
    if found is None:
        return False
    for item, original in zip(items, found.groups()):
        if item == "[handle]":
            ok = original.startswith("@") or original in marked[:len(original)] or marked.endswith(original)
        elif item in labels:  # a roster person: the words are (part of) their name, maybe inflected
            words = {w.casefold() for w in re.split(r"\W+", labels[item]) if w}
            ok = not original or any(w in original.casefold() or original.casefold() in w for w in words)
        else:
            ok = True
        if not ok:
            return False
    return True


def _utf16(members: dict[str, bytes], source_guid: str) -> bytes:
    return members[f"Sources/{source_guid}.txt"].decode("utf-8-sig").encode("utf-16-le")


def _pseudonym(project, name: str) -> str:
    from evidence.privacy import load_key

    key = load_key(project.private_dir)
    return next(p for p, entry in key.entries.items() if entry["original"] == name)


def test_report_says_how_offsets_were_counted_and_what_was_replaced(imported):
    _, report = imported
    text = "\n".join(report.notes)
    assert "UTF-16 units, line break \\r\\n counted as two characters" in text
    summary = report.summary()
    assert "NOT pseudonymised" not in summary and "pseudonymised: " in summary
    assert " handle" in summary and "1 coder (staff)" in summary
    for original in ORIGINALS:
        assert original not in summary and original not in str(report.to_dict())


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
    # the export holds pseudonymised text: importing it (pseudonymisation on) replaces nothing again
    assert second.pseudonymised == {} and second.widened == 0
    texts = lambda p: sorted(p.source_text(s) for s in p.sources()["id"])  # noqa: E731
    assert texts(again) == texts(project)
    again.close()
