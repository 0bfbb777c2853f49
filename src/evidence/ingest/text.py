"""Readers for plain text: transcripts and articles in .txt/.md, and articles in .html."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputError
from .build import article_reading, make_source, transcript_reading
from .decode import read_text
from .metadata import read_sidecar, split_front_matter
from .registry import Reading, ReadOptions, reader
from .turns import find_turns, looks_like_transcript


def text_reading(path: Path, options: ReadOptions, text: str, body_start: int, meta: dict,
                 reader_name: str, encoding: str, file_hash: str) -> Reading:
    """Read ``text`` as a transcript when it has speaker turns (or must), else as an article."""
    declared = options.kind or str(meta.get("kind", "") or "")
    turns = find_turns(text, body_start)
    if declared == "transcript" or (declared != "article" and looks_like_transcript(text[body_start:], turns)):
        if not turns:
            raise InputError(
                path, "no recognisable speaker turns", line=text.count("\n", 0, body_start) + 1,
                hint="start each turn with 'Name: text' (or 'Name (Role): text'), or ingest it as an "
                     "article with --kind article",
            )
        source = make_source(path, options, "transcript", text, reader_name, encoding, file_hash, meta)
        return transcript_reading(path, options, source, turns, meta)
    source = make_source(path, options, "article", text, reader_name, encoding, file_hash, meta)
    reading = article_reading(source, body_start, options)
    if not reading.segments:
        raise InputError(path, "no text to ingest", line=1)
    return reading


@reader("text", ".txt", ".md", ".markdown")
def read_plain_text(path: Path, options: ReadOptions) -> Reading:
    decoded = read_text(path)
    front, body_start = split_front_matter(path, decoded.text)
    meta = {**read_sidecar(path), **front}
    reading = text_reading(path, options, decoded.text, body_start, meta, "text", decoded.encoding,
                           decoded.file_hash)
    reading.notes.append(f"encoding {decoded.encoding}")
    return reading


@reader("html", ".html", ".htm")
def read_html(path: Path, options: ReadOptions) -> Reading:
    from bs4 import BeautifulSoup

    from ..core.model import normalise_text

    decoded = read_text(path)
    soup = BeautifulSoup(decoded.text, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "form"]):
        tag.decompose()
    blocks = []
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote"]):
        text = " ".join(element.get_text(" ").split())
        if text and not element.find_parent(["p", "li", "blockquote"]):
            blocks.append(text)
    if not blocks:
        blocks = [" ".join(soup.get_text(" ").split())]
    text = normalise_text("\n\n".join(b for b in blocks if b))
    if not text.strip():
        raise InputError(path, "the HTML page has no text", line=1)
    title = soup.title.get_text().strip() if soup.title else ""
    meta = {"title": title, **read_sidecar(path)}
    opts = ReadOptions(**{**options.__dict__, "kind": options.kind or "article"})
    reading = text_reading(path, opts, text, 0, meta, "html", decoded.encoding, decoded.file_hash)
    reading.notes.append(f"encoding {decoded.encoding}")
    return reading
