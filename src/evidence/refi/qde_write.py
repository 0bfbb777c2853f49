"""Write :mod:`.records` as a REFI-QDA 1.0 project.qde or .qdc codebook (elements in schema order).

Text sources are written with ``plainTextPath="internal://GUID.txt"`` (the text goes into the
archive's ``sources/`` folder) and selections in Unicode code points of that text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from .records import Code, Coding, RefiProject, Selection, TextSource

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"


def _set(element: Element, **attributes: Any) -> Element:
    for key, value in attributes.items():
        if value not in (None, ""):
            element.set(key, str(value))
    return element


def _sub(parent: Element, ns: str, tag: str, /, **attributes: Any) -> Element:
    return _set(SubElement(parent, tag), **attributes)  # the namespace is the root's default (xmlns)


def _text(parent: Element, ns: str, tag: str, text: str) -> None:
    if text:
        _sub(parent, ns, tag).text = text


def _note_refs(parent: Element, ns: str, guids: list[str]) -> None:
    for guid in guids:
        _sub(parent, ns, "NoteRef", targetGUID=guid)


def _codes(parent: Element, ns: str, codes: list[Code], with_notes: bool) -> None:
    by_parent: dict[str, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent, []).append(code)

    def add(container: Element, code: Code) -> None:
        element = _sub(container, ns, "Code", guid=code.guid, name=code.name,
                       isCodable="true" if code.codable else "false", color=code.colour)
        _text(element, ns, "Description", code.description)
        if with_notes:
            _note_refs(element, ns, code.notes)
        for sub in by_parent.get(code.guid, []):
            add(element, sub)

    known = {c.guid for c in codes}
    for code in codes:
        if not code.parent or code.parent not in known:
            add(parent, code)


def _value(parent: Element, ns: str, variable: str, kind: str, value: Any) -> None:
    element = _sub(parent, ns, "VariableValue")
    _sub(element, ns, "VariableRef", targetGUID=variable)
    if kind == "Boolean":
        text = "true" if value else "false"
    elif kind == "Integer":
        text = str(int(value))
    elif kind == "Float":
        text = repr(float(value)) if not float(value).is_integer() else f"{float(value):.1f}"
    elif kind == "Date":
        text = value.isoformat()[:10] if isinstance(value, (dt.date, dt.datetime)) else str(value)[:10]
    elif kind == "DateTime":
        text = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    else:
        text = str(value)
    _sub(element, ns, f"{kind}Value").text = text


def _coding(parent: Element, ns: str, coding: Coding) -> None:
    element = _sub(parent, ns, "Coding", guid=coding.guid, creatingUser=coding.user,
                   creationDateTime=coding.created)
    _sub(element, ns, "CodeRef", targetGUID=coding.code)
    _note_refs(element, ns, coding.notes)


def _selection(parent: Element, ns: str, selection: Selection) -> None:
    element = _sub(parent, ns, "PlainTextSelection", guid=selection.guid, name=selection.name,
                   startPosition=selection.start, endPosition=selection.end, creatingUser=selection.user,
                   creationDateTime=selection.created)
    _text(element, ns, "Description", selection.description)
    for coding in selection.codings:
        _coding(element, ns, coding)
    _note_refs(element, ns, selection.notes)


def _source(parent: Element, ns: str, source: TextSource, types: dict[str, str]) -> None:
    element = _sub(parent, ns, "TextSource", guid=source.guid, name=source.name, plainTextPath=source.plain_path,
                   creatingUser=source.user, creationDateTime=source.created)
    _text(element, ns, "Description", source.description)
    for selection in source.selections:
        _selection(element, ns, selection)
    for coding in source.codings:
        _coding(element, ns, coding)
    _note_refs(element, ns, source.notes)
    for variable, value in source.values.items():
        _value(element, ns, variable, types.get(variable, "Text"), value)


def project_xml(project: RefiProject) -> bytes:
    """The project.qde document (UTF-8, with XML declaration)."""
    ns = PROJECT_NS
    root = _set(Element("Project", xmlns=ns), name=project.name or "Untitled", origin=project.origin)
    if project.users:
        users = _sub(root, ns, "Users")
        for user in project.users:
            _sub(users, ns, "User", guid=user.guid, name=user.name, id=user.short_id)
    if project.codes:
        _codes(_sub(_sub(root, ns, "CodeBook"), ns, "Codes"), ns, project.codes, with_notes=True)
    types = {v.guid: v.type for v in project.variables}
    if project.variables:
        variables = _sub(root, ns, "Variables")
        for variable in project.variables:
            element = _sub(variables, ns, "Variable", guid=variable.guid, name=variable.name,
                           typeOfVariable=variable.type)
            _text(element, ns, "Description", variable.description)
    if project.cases:
        cases = _sub(root, ns, "Cases")
        for case in project.cases:
            element = _sub(cases, ns, "Case", guid=case.guid, name=case.name)
            _text(element, ns, "Description", case.description)
            for code in case.codes:
                _sub(element, ns, "CodeRef", targetGUID=code)
            for variable, value in case.values.items():
                _value(element, ns, variable, types.get(variable, "Text"), value)
            for source in case.sources:
                _sub(element, ns, "SourceRef", targetGUID=source)
            for selection in case.selections:
                _sub(element, ns, "SelectionRef", targetGUID=selection)
    if project.sources:
        sources = _sub(root, ns, "Sources")
        for source in project.sources:
            _source(sources, ns, source, types)
    if project.notes:
        notes = _sub(root, ns, "Notes")
        for note in project.notes:
            element = _sub(notes, ns, "Note", guid=note.guid, name=note.name, creatingUser=note.user,
                           creationDateTime=note.created)
            _sub(element, ns, "PlainTextContent").text = note.text or ""
    _text(root, ns, "Description", project.description)
    _note_refs(root, ns, project.project_notes)
    return _document(root, ns)


def codebook_xml(codes: list[Code], origin: str = "") -> bytes:
    """A .qdc codebook document (REFI-QDA Codebook 1.0)."""
    ns = CODEBOOK_NS
    root = _set(Element("CodeBook", xmlns=ns), origin=origin)
    _codes(_sub(root, ns, "Codes"), ns, codes, with_notes=False)
    return _document(root, ns)


def _document(root: Element, ns: str) -> bytes:
    from xml.etree.ElementTree import indent

    indent(root, space="  ")
    body = tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"
