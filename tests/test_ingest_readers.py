"""Each reader on small real files: turns, speakers, roles, timestamps, offsets."""

from __future__ import annotations

import docx
import pytest

from evidence.ingest import ReadOptions, read_file

TRANSCRIPT = """Partnership roundtable, spring term

[00:00:05] Jane Doe (Head teacher): Welcome, everyone. We have a lot to cover.
It is good to see you all here.
BOB SMITH (Charity lead): Thanks Jane. Our tutors started in September.

**Amira Khan (Tutor):** The pupils were shy at first.
Then they opened up.
Jane Doe: They grew in confidence!
00:03:10 Bob Smith: Attendance held up too.
"""


def options(source_id: str = "s", **kw) -> ReadOptions:
    return ReadOptions(source_id=source_id, **kw)


def turns(reading):
    return [s for s in reading.segments if s.kind == "turn"]


def test_text_transcript_turn_shapes(tmp_path):
    path = tmp_path / "round.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    reading = read_file(path, options())
    ts = turns(reading)
    assert [t.speaker for t in ts] == ["Jane Doe", "Bob Smith", "Amira Khan", "Jane Doe", "Bob Smith"]
    assert ts[0].text == "Welcome, everyone. We have a lot to cover.\nIt is good to see you all here."
    assert ts[2].text == "The pupils were shy at first.\nThen they opened up."
    assert ts[0].timestamp == "00:00:05.000" and ts[4].timestamp == "00:03:10.000"
    assert ts[0].role == "school leader" and ts[3].role == "school leader"  # inline role holds later
    assert ts[1].role == "charity lead" and ts[2].role == "tutor"
    assert reading.source.kind == "transcript"
    for seg in reading.segments:
        assert reading.source.text[seg.start:seg.end] == seg.text
    sentences = [s for s in reading.segments if s.kind == "sentence" and s.parent == ts[0].id]
    assert [s.text for s in sentences] == ["Welcome, everyone.", "We have a lot to cover.",
                                           "It is good to see you all here."]


def test_speaker_list_from_sidecar_gives_roles_and_schools(tmp_path):
    path = tmp_path / "round.txt"
    path.write_text("Ann Lee: Hello.\nTom Ray: Hi Ann.\nAnn Lee: Shall we start?\n", encoding="utf-8")
    (tmp_path / "round.txt.meta.yaml").write_text(
        "title: Autumn roundtable\ndate: 2024-10-01\npartnership: North Tutoring\n"
        "speakers:\n  Ann Lee: {role: Deputy head, school: Hill Academy}\n  Tom Ray: tutor\n",
        encoding="utf-8")
    reading = read_file(path, options())
    ts = turns(reading)
    assert [(t.role, t.case) for t in ts] == [("school leader", "Hill Academy"), ("tutor", ""),
                                              ("school leader", "Hill Academy")]
    assert reading.source.title == "Autumn roundtable" and reading.source.partnership == "North Tutoring"
    assert {c.id for c in reading.cases} == {"Hill Academy", "North Tutoring"}


def test_front_matter_is_metadata_not_text(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("---\ntitle: Summer\nwave: post\n---\nAnn Lee: One.\nTom Ray: Two.\n", encoding="utf-8")
    reading = read_file(path, options())
    assert reading.source.title == "Summer" and reading.source.wave == "after"
    assert [t.text for t in turns(reading)] == ["One.", "Two."]


VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Jane Doe>Hello there, everyone.</v>

2
00:00:04.000 --> 00:00:06.500
<v Jane Doe>This continues my turn.

3
00:00:07.000 --> 00:00:09.000
Bob Smith: I see it differently.

4
00:00:09.500 --> 00:00:11.000
Bob Smith: Quite differently.

5
00:00:12.000 --> 00:00:13.000
<v Jane Doe>Fair enough.
"""


def test_vtt_merges_consecutive_cues_and_keeps_timestamps(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(VTT, encoding="utf-8")
    reading = read_file(path, options())
    ts = turns(reading)
    assert [(t.speaker, t.text, t.timestamp) for t in ts] == [
        ("Jane Doe", "Hello there, everyone. This continues my turn.", "00:00:01.000"),
        ("Bob Smith", "I see it differently. Quite differently.", "00:00:07.000"),
        ("Jane Doe", "Fair enough.", "00:00:12.000"),
    ]
    for seg in reading.segments:
        assert reading.source.text[seg.start:seg.end] == seg.text


def test_srt_reader(tmp_path):
    path = tmp_path / "call.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nAnn Lee: Hi all.\n\n2\n00:00:02,500 --> 00:00:04,000\n"
                    "Tom Ray: Hello Ann.\n", encoding="utf-8")
    ts = turns(read_file(path, options()))
    assert [(t.speaker, t.text, t.timestamp) for t in ts] == [
        ("Ann Lee", "Hi all.", "00:00:01.000"), ("Tom Ray", "Hello Ann.", "00:00:02.500")]


def test_docx_transcript(tmp_path):
    document = docx.Document()
    document.add_paragraph("Roundtable notes")
    document.add_paragraph("Ann Lee (Head teacher): We need agreed aims.")
    document.add_paragraph("and a named link person.")
    document.add_paragraph("Tom Ray (Tutor): Agreed.")
    path = tmp_path / "notes.docx"
    document.save(path)
    reading = read_file(path, options())
    ts = turns(reading)
    assert [(t.speaker, t.role, t.text) for t in ts] == [
        ("Ann Lee", "school leader", "We need agreed aims.\nand a named link person."),
        ("Tom Ray", "tutor", "Agreed.")]


def test_quote_csv_columns_by_name_and_extra_attributes(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("ID,Pupil,School,Wave,Question,Text,Year group\n"
                    "Q1,P-001,Hill Academy,Pre,How do you feel about maths?,i hate maths tbh,9\n"
                    "Q2,P-001,Hill Academy,Post,How do you feel about maths?,its ok now,9\n"
                    "Q3,P-002,Vale School,after,How do you feel about maths?,,10\n", encoding="utf-8")
    reading = read_file(path, options("quotes"))
    quotes = reading.segments
    assert [q.id for q in quotes] == ["Q1", "Q2", "Q3"]
    assert [q.wave for q in quotes] == ["before", "after", "after"]
    assert quotes[0].case == "P-001" and quotes[0].attributes["Year group"] == "9"
    assert quotes[0].attributes["question"] == "How do you feel about maths?"
    assert quotes[2].text == "" and quotes[2].start == quotes[2].end  # an empty quote is kept, not dropped
    kinds = {c.id: c.kind for c in reading.cases}
    assert kinds == {"P-001": "pupil", "P-002": "pupil", "Hill Academy": "school", "Vale School": "school"}


def test_quote_xlsx_wide_layout(tmp_path):
    import pandas as pd

    path = tmp_path / "wide.xlsx"
    pd.DataFrame({"id": ["W1"], "pupil": ["P-9"], "school": ["Hill"], "before": ["scared"],
                  "after": ["braver"]}).to_excel(path, index=False)
    reading = read_file(path, options())
    assert [(q.id, q.wave, q.text) for q in reading.segments] == [
        ("W1:before", "before", "scared"), ("W1:after", "after", "braver")]


def test_column_mapping_from_options(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("QuoteRef;Response\nA;hello\n", encoding="utf-8")
    reading = read_file(path, options(columns={"id": "QuoteRef", "text": "Response"}))
    assert [(q.id, q.text) for q in reading.segments] == [("A", "hello")]


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1252", "windows-1252")])
def test_encodings_are_detected_and_reported(tmp_path, encoding, expected):
    path = tmp_path / "t.txt"
    path.write_bytes("Zoë Brontë: Café talk – “quoted”.\nAnn Lee: Right.\n".encode(encoding))
    reading = read_file(path, options())
    assert reading.source.encoding == expected
    assert turns(reading)[0].text == "Café talk – “quoted”."
    assert any(expected in note for note in reading.notes)


def test_crlf_and_nfd_are_normalised(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes("Ann Lee: Cafe\u0301 one.\r\nTom Ray: Two.\r\n".encode("utf-8"))
    reading = read_file(path, options())
    assert "\r" not in reading.source.text and turns(reading)[0].text == "Caf\u00e9 one."


def test_html_article(tmp_path):
    path = tmp_path / "a.html"
    path.write_text("<html><head><title>Tutoring news</title><script>x=1</script></head><body>"
                    "<h1>Tutoring works</h1><p>Schools and charities met. They agreed aims.</p>"
                    "<p>Review points help.</p></body></html>", encoding="utf-8")
    reading = read_file(path, options())
    assert reading.source.kind == "article" and reading.source.title == "Tutoring news"
    paragraphs = [s.text for s in reading.segments if s.kind == "paragraph"]
    assert paragraphs == ["Tutoring works", "Schools and charities met. They agreed aims.", "Review points help."]
    assert "x=1" not in reading.source.text


def test_sample_transcripts_parse_into_the_turns_their_authors_wrote(tmp_path):
    """corpora/truth/sections.csv lists every turn's speaker as written by the corpus generator."""
    import pandas as pd

    from conftest import REPO

    truth = pd.read_csv(REPO / "corpora" / "truth" / "sections.csv")
    for name, expected in truth.groupby("source_file"):
        reading = read_file(REPO / "corpora" / "sample" / name, options())
        assert [t.speaker for t in turns(reading)] == list(expected["speaker"]), name


def test_numbered_speaker_labels_open_turns(tmp_path):
    """Teams exports say "Speaker 2"; pseudonymised transcripts say "Pupil 017" or "Staff 84 (Head)"."""
    path = tmp_path / "t.txt"
    path.write_text("Speaker 1: Hello.\nStaff 84 (Head): Welcome.\nPupil 017: Hi miss.\n", encoding="utf-8")
    ts = turns(read_file(path, options()))
    assert [(t.speaker, t.text) for t in ts] == [("Speaker 1", "Hello."), ("Staff 84", "Welcome."),
                                                 ("Pupil 017", "Hi miss.")]
    assert ts[1].role == "school leader"


def test_a_text_file_of_one_answer_per_line_gives_one_paragraph_per_line(tmp_path):
    # no blank lines at all: one block of 3,000 lines (over 20,000 characters) is a list, not a paragraph;
    # read whole it was one unit (and, past 1,000,000 characters, a spaCy error)
    lines = [f"The tutoring helped me with fractions, answer {i}." for i in range(3000)]
    path = tmp_path / "answers.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reading = read_file(path, options())
    paragraphs = [s for s in reading.segments if s.kind == "paragraph"]
    assert [p.text for p in paragraphs] == lines
    assert all(reading.source.text[p.start:p.end] == p.text for p in paragraphs)
    assert sum(s.kind == "sentence" for s in reading.segments) == 3000
    # a short block keeps its line breaks inside one paragraph (hard-wrapped prose)
    path.write_text("Schools and charities met\nand agreed aims.\n\nReview points help.\n", encoding="utf-8")
    assert [s.text for s in read_file(path, options()).segments if s.kind == "paragraph"] == [
        "Schools and charities met\nand agreed aims.", "Review points help."]


def test_a_turn_over_a_million_characters_is_split_into_sentences():
    # spaCy's 1,000,000-character guard is for parsers and NER; the default pipeline has neither
    from evidence.nlp.pipeline import sentence_spans

    text = "We met the tutors again. " * 42_000  # 1,050,000 characters
    spans = sentence_spans([text])[0]
    assert len(text) > 1_000_000 and len(spans) == 42_000 and text[slice(*spans[-1])] == "We met the tutors again."
