"""Import of .qdpx files with the deviations real tools write, built here as small archives."""

from __future__ import annotations

import io
import zipfile

import pytest

QDE_NAMESPACE = "urn:QDA-XML:project:1.5"  # not 1.0
U1, U2 = "{A0000000-0000-4000-8000-000000000001}", "a0000000-0000-4000-8000-000000000002"
CODE_TOP, CODE_A, CODE_B = ("{C0000000-0000-4000-8000-00000000000A}", "c0000000-0000-4000-8000-00000000000b",
                            "C0000000-0000-4000-8000-00000000000C")
TXT, DOCX, PDF = ("50000000-0000-4000-8000-000000000001", "50000000-0000-4000-8000-000000000002",
                  "50000000-0000-4000-8000-000000000003")
VAR_AGE, VAR_FSM, VAR_START = ("70000000-0000-4000-8000-000000000001", "70000000-0000-4000-8000-000000000002",
                               "70000000-0000-4000-8000-000000000003")
NOTE = "90000000-0000-4000-8000-000000000001"

# Made-up interview text with Windows line breaks and an emoji.
TEXT = ("Interviewer: How did the tutoring start?\r\n"
        "Ms Okafor: The charity wrote to us in the spring. 🙂 We said yes at once.\r\n"
        "Interviewer: And the pupils?\r\n"
        "Ms Okafor: They came every Tuesday after lunch.\r\n")


def _offsets(phrase: str) -> tuple[int, int]:
    """Offsets as a tool that counts \\r\\n as ONE character (and code points) would write them."""
    flat = TEXT.replace("\r\n", "\n")
    start = flat.index(phrase)
    return start, start + len(phrase)


def _selection(guid: str, phrase: str, code: str, user: str, description: str = "") -> str:
    start, end = _offsets(phrase)
    return (f'<PlainTextSelection guid="{guid}" name="{phrase}" startPosition="{start}" endPosition="{end}" '
            f'creatingUser="{user}"><Description>{description}</Description>'
            f'<Coding guid="{guid[:-4]}c0de" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
            f'</PlainTextSelection>')


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def build_archive(path) -> None:
    phrase_a = "The charity wrote to us in the spring. 🙂 We said yes at once."
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{QDE_NAMESPACE}" name="Tutoring study" origin="SomeQDA 9">
  <Users><User guid="{U1}" name="Ana"/><User guid="{U2}" name="Ben" id="BB"/></Users>
  <CodeBook><Codes>
    <Code guid="{CODE_TOP}" name="Partnership" isCodable="false" color="#0a0">
      <Description>How the partnership works</Description>
      <NoteRef targetGUID="{{{NOTE.upper()}}}"/>
      <Code guid="{CODE_A}" name="Getting started" isCodable="true"/>
      <Code guid="{CODE_B}" name="Routine" isCodable="true" color="#123456"/>
    </Code>
  </Codes></CodeBook>
  <Variables>
    <Variable guid="{VAR_AGE}" name="age" typeOfVariable="Integer"/>
    <Variable guid="{VAR_FSM}" name="fsm" typeOfVariable="Boolean"/>
    <Variable guid="{VAR_START}" name="started" typeOfVariable="Date"/>
  </Variables>
  <Cases>
    <Case guid="60000000-0000-4000-8000-000000000001" name="Pupil A">
      <VariableValue><VariableRef targetGUID="{VAR_AGE}"/><IntegerValue>12</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{VAR_FSM}"/><BooleanValue>true</BooleanValue></VariableValue>
      <VariableValue><VariableRef targetGUID="{VAR_START}"/><DateValue>2024-09-03</DateValue></VariableValue>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{{{TXT.upper()}}}" name="Interview Okafor" plainTextPath="internal://{TXT.upper()}.txt">
      <Description>Recorded at the school</Description>
      {_selection("e0000000-0000-4000-8000-000000000001", phrase_a, CODE_A, U1, "Ana: key moment")}
      {_selection("e0000000-0000-4000-8000-000000000002", phrase_a, CODE_B, U2)}
      {_selection("e0000000-0000-4000-8000-000000000003", "every Tuesday after lunch", CODE_B, U2)}
    </TextSource>
    <TextSource guid="{DOCX}" name="Field notes" richTextPath="internal://{DOCX}.docx">
      <PlainTextSelection guid="e0000000-0000-4000-8000-000000000004" startPosition="0" endPosition="15">
        <Coding guid="e0000000-0000-4000-8000-0000000c0de4" creatingUser="{U1}"><CodeRef targetGUID="{CODE_A}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="{PDF}" name="Scanned letter" path="internal://{PDF}.pdf">
      <PDFSelection guid="e0000000-0000-4000-8000-000000000005" page="1" firstX="1" firstY="1" secondX="9" secondY="9"/>
    </PDFSource>
    <PictureSource guid="e0000000-0000-4000-8000-000000000006" name="Classroom photo" path="internal://x.jpg"/>
  </Sources>
  <Notes>
    <Note guid="{NOTE}" name="About the codes" creatingUser="{U2}">
      <PlainTextContent>Partnership codes follow the DfE case studies.</PlainTextContent>
    </Note>
  </Notes>
  <Sets><Set guid="e0000000-0000-4000-8000-000000000007" name="Favourites"/></Sets>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Tutoring study.qde", qde.encode("utf-8"))  # not project.qde
        archive.writestr(f"Sources/{TXT}.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8"))  # capital S, BOM, CRLF
        archive.writestr(f"Sources/{DOCX}.docx", _docx_bytes(["Tuesday sessions ran all year.", "Mostly well."]))
        archive.writestr(f"Sources/{PDF}.pdf", _blank_pdf())


@pytest.fixture
def imported(project, tmp_path):
    from evidence.refi.import_qdpx import import_qdpx

    path = tmp_path / "other tool.qdpx"
    build_archive(path)
    return project, import_qdpx(project, path)


def test_deviations_are_tolerated(imported):
    project, report = imported
    codes = project.codes().set_index("name")
    assert list(codes.loc[["Getting started", "Routine"], "parent"]) == [codes.loc["Partnership", "id"]] * 2
    assert codes.loc["Partnership", "colour"] == "#00AA00"
    source = project.sources().set_index("kind").loc["transcript"]  # "Interview Okafor", pseudonymised
    text = project.source_text(source["id"])
    assert "\r" not in text and "Okafor" not in text + source["title"] + source["id"]
    assert source["title"].startswith("Interview ")
    codings = project.codings()
    by_code = {c: group for c, group in codings.groupby("code")}
    a, b = codes.loc["Getting started", "id"], codes.loc["Routine", "id"]
    spans = {(r.code, r.coder, text[int(r.start):int(r.end)]) for r in codings.itertuples() if r.segment.startswith(source["id"])}
    phrase = "The charity wrote to us in the spring. 🙂 We said yes at once."
    assert spans == {(a, "Ana", phrase), (b, "Ben", phrase), (b, "Ben", "every Tuesday after lunch")}
    assert len(by_code[b]) == 2
    assert any("line break \\r\\n counted as one" in n and "recorded text" in n for n in report.notes)


def test_docx_text_is_imported_and_pdf_without_text_is_reported(imported):
    project, report = imported
    notes = project.sources().set_index("title").loc["Field notes"]
    assert project.source_text(notes["id"]).startswith("Tuesday sessions ran all year.")
    coded = [r for r in project.codings().itertuples() if r.segment.startswith(notes["id"])]
    assert [project.source_text(notes["id"])[r.start:r.end] for r in coded] == ["Tuesday session"]
    assert any("Field notes" in n and "check them" in n for n in report.notes)
    skipped = {(s.what, s.name) for s in report.skipped}
    assert ("PDF area selections", "Scanned letter") in skipped
    assert ("PDF pages", "Scanned letter") in skipped and ("source", "Scanned letter") in skipped
    assert ("PictureSource", "Classroom photo") in skipped
    assert ("set", "Favourites") in skipped
    assert "not imported (" in report.summary()


def test_cases_variables_users_and_memos(imported):
    project, report = imported
    attributes = project.attributes().set_index("name")
    assert attributes.loc["age", "value"] == 12 and attributes.loc["age", "type"] == "number"
    assert attributes.loc["fsm", "type"] == "boolean" and bool(attributes.loc["fsm", "value"]) is True
    assert attributes.loc["started", "type"] == "date" and attributes.loc["started", "value"] == "2024-09-03"
    cases = project.cases()
    assert list(cases["name"]) == ["Pupil A"] and list(cases["kind"]) == ["speaker"]
    memos = project.memos()
    texts = dict(zip(memos["text"], zip(memos["author"], memos["code"], memos["segment"], memos["source"])))
    partnership = project.codes().set_index("name").loc["Partnership", "id"]
    assert texts["Partnership codes follow the DfE case studies."] == ("Ben", partnership, "", "")
    assert texts["Ana: key moment"][0] == "Ana" and texts["Ana: key moment"][2]
    assert texts["Recorded at the school"][3]  # a source description is kept as a memo on the source
    users = set(project.store.read_sql("SELECT local_id FROM refi_objects WHERE kind='user'")["local_id"])
    assert users == {"Ana", "Ben"}


def test_importing_the_same_file_twice_adds_no_duplicates(imported, tmp_path):
    from evidence.refi.import_qdpx import import_qdpx

    project, _ = imported
    counts = lambda: (len(project.codes()), len(project.codings()), len(project.sources()),  # noqa: E731
                      len(project.memos()), len(project.segments()))
    before = counts()
    again = import_qdpx(project, tmp_path / "other tool.qdpx")
    assert counts() == before
    assert again.counts["sources merged"] == 2 and again.counts["codings"] == 0
    assert any("merged into it" in note for note in again.notes)


def test_unsafe_and_broken_archives_are_refused(project, tmp_path):
    from evidence.core.errors import InputError
    from evidence.refi.import_qdpx import import_qdpx

    bomb = tmp_path / "entities.qdpx"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("project.qde", '<?xml version="1.0"?><!DOCTYPE P [<!ENTITY a "aaaa">]><Project name="x">&a;</Project>')
    with pytest.raises(InputError, match="entities"):
        import_qdpx(project, bomb)
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("sources/readme.txt", "no project here")
    with pytest.raises(InputError, match="no .qde"):
        import_qdpx(project, empty)
    bad_guid = tmp_path / "badguid.qdpx"
    with zipfile.ZipFile(bad_guid, "w") as archive:
        archive.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
                                        '<Code guid="nope" name="A" isCodable="true"/></Codes></CodeBook></Project>')
    with pytest.raises(InputError, match="GUID"):
        import_qdpx(project, bad_guid)
    assert len(project.codes()) == 0  # nothing half-imported
