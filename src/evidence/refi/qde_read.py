"""Read a project.qde (or a .qdc codebook) into :mod:`.records`, tolerating what real tools write.

Parsing goes through :func:`evidence.core.safety.parse_xml` (defusedxml: no entity bombs, no external
entities). Element names are matched without their namespace, so ``urn:QDA-XML:project:1.0``,
``...:1.5`` or no namespace at all read the same; GUIDs may carry braces and any letter case.
Everything the workbench cannot hold (pictures, audio, video, PDF areas, links, sets, graphs) is
listed in ``RefiProject.skipped`` with the reason, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree.ElementTree import Element

from ..core.errors import InputError
from ..core.safety import parse_xml
from .guids import is_guid, normalise_guid
from .records import (
    VARIABLE_TYPES, Case, Code, Coding, Note, RefiProject, Selection, Skipped, TextSource, User, Variable,
)


def local(tag: Any) -> str:
    """An element's name without its namespace (``{urn:QDA-XML:project:1.0}Code`` -> ``Code``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def text_of(element: Element | None) -> str:
    return "" if element is None else "".join(element.itertext())


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.project = RefiProject()

    def guid(self, element: Element, what: str) -> str:
        return normalise_guid(element.get("guid"), self.path, f"{what} {element.get('name', '')!r}".strip())

    def ref(self, element: Element | None) -> str:
        if element is None:
            return ""
        target = element.get("targetGUID", "")
        return normalise_guid(target, self.path, f"{local(element.tag)}") if target else ""

    def user_ref(self, element: Element, attribute: str) -> str:
        value = element.get(attribute, "")
        return normalise_guid(value, self.path, attribute) if is_guid(value) else ""

    def note_refs(self, element: Element) -> list[str]:
        return [self.ref(n) for n in children(element, "NoteRef") if n.get("targetGUID")]

    def skip(self, what: str, name: str, reason: str) -> None:
        self.project.skipped.append(Skipped(what, name, reason))

    # -- codes --------------------------------------------------------------------------------
    def codes(self, container: Element, parent: str = "") -> None:
        for element in children(container, "Code"):
            guid = self.guid(element, "code")
            codable = element.get("isCodable", "true").strip().lower() not in ("false", "0")
            self.project.codes.append(Code(
                guid=guid, name=element.get("name", "").strip() or "(unnamed code)", parent=parent,
                colour=(element.get("color") or "").strip(), description=text_of(child(element, "Description")),
                codable=codable, notes=self.note_refs(element),
            ))
            self.codes(element, guid)

    def codebook_sets(self, codebook: Element) -> None:
        sets = child(codebook, "Sets")
        for element in children(sets, "Set") if sets is not None else []:
            members = len(children(element, "MemberCode"))
            self.skip("code set", element.get("name", ""),
                      f"sets have no place in the workbench's codebook ({members} member codes; the codes "
                      "themselves were imported)")

    # -- project ------------------------------------------------------------------------------
    def read_project(self, root: Element) -> RefiProject:
        project = self.project
        project.name = root.get("name", "")
        project.origin = root.get("origin", "")
        project.namespace = namespace(root.tag)
        users = child(root, "Users")
        for element in children(users, "User") if users is not None else []:
            project.users.append(User(self.guid(element, "user"), element.get("name", "").strip(),
                                      element.get("id", "")))
        codebook = child(root, "CodeBook")
        if codebook is not None:
            codes = child(codebook, "Codes")
            if codes is not None:
                self.codes(codes)
        variables = child(root, "Variables")
        for element in children(variables, "Variable") if variables is not None else []:
            kind = element.get("typeOfVariable", "Text")
            if kind not in VARIABLE_TYPES:
                self.skip("variable type", element.get("name", ""), f"unknown type {kind!r}, read as Text")
                kind = "Text"
            project.variables.append(Variable(self.guid(element, "variable"), element.get("name", ""), kind,
                                              text_of(child(element, "Description"))))
        cases = child(root, "Cases")
        for element in children(cases, "Case") if cases is not None else []:
            project.cases.append(Case(
                guid=self.guid(element, "case"), name=element.get("name", ""),
                description=text_of(child(element, "Description")),
                values=self.values(element),
                codes=[self.ref(e) for e in children(element, "CodeRef")],
                sources=[self.ref(e) for e in children(element, "SourceRef")],
                selections=[self.ref(e) for e in children(element, "SelectionRef")],
            ))
        sources = child(root, "Sources")
        for element in list(sources) if sources is not None else []:
            self.source(element)
        notes = child(root, "Notes")
        for element in children(notes, "Note") if notes is not None else []:
            note = Note(self.guid(element, "note"), element.get("name", ""),
                        text_of(child(element, "PlainTextContent")) if child(element, "PlainTextContent") is not None
                        else None, element.get("plainTextPath", ""), self.user_ref(element, "creatingUser"),
                        element.get("creationDateTime", ""))
            project.notes.append(note)
            extra = len(children(element, "PlainTextSelection")) + len(children(element, "Coding"))
            if extra:
                self.skip("note selections", note.name or note.guid,
                          f"{extra} selections/codings inside a note cannot be held (the note's text was imported)")
        for name in ("Links", "Sets", "Graphs"):
            container = child(root, name)
            if container is not None:
                for element in container:
                    self.skip(local(element.tag).lower(), element.get("name", "") or element.get("guid", ""),
                              f"{name.lower()} have no place in the workbench")
        project.description = text_of(child(root, "Description"))
        project.project_notes = self.note_refs(root)
        return project

    def values(self, element: Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for value in children(element, "VariableValue"):
            ref = self.ref(child(value, "VariableRef"))
            for kind in ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"):
                found = child(value, kind)
                if found is not None and ref:
                    out[ref] = typed_value(kind, text_of(found).strip(), self.path)
        return out

    def selection(self, element: Element) -> Selection:
        try:
            start, end = int(element.get("startPosition", "")), int(element.get("endPosition", ""))
        except ValueError:
            raise InputError(self.path, f"selection {element.get('guid')} has no whole-number start/endPosition",
                             hint="the file does not follow the REFI-QDA standard; export it again") from None
        return Selection(
            guid=self.guid(element, "selection"), start=start, end=end, name=element.get("name", ""),
            description=text_of(child(element, "Description")), user=self.user_ref(element, "creatingUser"),
            created=element.get("creationDateTime", ""), codings=self.codings(element),
            notes=self.note_refs(element),
        )

    def codings(self, element: Element) -> list[Coding]:
        out = []
        for coding in children(element, "Coding"):
            out.append(Coding(self.guid(coding, "coding"), self.ref(child(coding, "CodeRef")),
                              self.user_ref(coding, "creatingUser"), coding.get("creationDateTime", ""),
                              self.note_refs(coding)))
        return out

    def text_source(self, element: Element, guid: str, name: str, kind: str) -> TextSource:
        content = child(element, "PlainTextContent")
        return TextSource(
            guid=guid, name=name, element=kind, description=text_of(child(element, "Description")),
            plain_text=text_of(content) if content is not None else None,
            plain_path=element.get("plainTextPath", ""), rich_path=element.get("richTextPath", ""),
            user=self.user_ref(element, "creatingUser"), created=element.get("creationDateTime", ""),
            selections=[self.selection(s) for s in children(element, "PlainTextSelection")],
            codings=self.codings(element), notes=self.note_refs(element), values=self.values(element),
        )

    def source(self, element: Element) -> None:
        kind = local(element.tag)
        name = element.get("name", "") or element.get("guid", "")
        if kind == "TextSource":
            self.project.sources.append(self.text_source(element, self.guid(element, "source"), name, kind))
            return
        if kind == "PDFSource":
            guid = self.guid(element, "source")
            areas = children(element, "PDFSelection")
            if areas:
                self.skip("PDF area selections", name,
                          f"{len(areas)} selections of page areas (x/y boxes) cannot be held: the workbench codes text")
            representation = child(element, "Representation")
            if representation is not None:
                source = self.text_source(representation, guid, name, "PDFSource")
            else:
                source = TextSource(guid=guid, name=name, element="PDFSource", rich_path=element.get("path", ""))
            source.description = source.description or text_of(child(element, "Description"))
            source.notes += self.note_refs(element)
            source.codings += self.codings(element)
            source.rich_path = element.get("path", "") or source.rich_path
            source.values.update(self.values(element))
            self.project.sources.append(source)
            return
        selections = sum(len(children(element, n)) for n in
                         ("PictureSelection", "AudioSelection", "VideoSelection", "Transcript"))
        self.skip(kind, name, f"{kind} (with {selections} selections/transcripts) cannot be held: the workbench "
                  "imports text sources only")


def typed_value(kind: str, text: str, path: str) -> Any:
    """A VariableValue as a Python value (bool, int, float, date, datetime or str)."""
    try:
        if kind == "BooleanValue":
            return text.lower() in ("true", "1")
        if kind == "IntegerValue":
            return int(text)
        if kind == "FloatValue":
            return float(text)
        if kind == "DateValue":
            return dt.date.fromisoformat(text[:10])
        if kind == "DateTimeValue":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    return text


def read_qde(data: bytes, path: str = "project.qde") -> RefiProject:
    """Parse project.qde bytes; InputError if it is not XML or its root is not a Project."""
    root = parse_xml(data, path)
    if local(root.tag) != "Project":
        raise InputError(path, f"the root element is <{local(root.tag)}>, not <Project>",
                         hint="this is not a REFI-QDA project file")
    return _Reader(path).read_project(root)


def read_qdc(data: bytes, path: str = "codebook.qdc") -> RefiProject:
    """Parse a .qdc codebook (root CodeBook; a Project's CodeBook is accepted too)."""
    root = parse_xml(data, path)
    reader = _Reader(path)
    if local(root.tag) == "Project":
        project = reader.read_project(root)
        return RefiProject(name=project.name, origin=project.origin, namespace=project.namespace,
                           codes=project.codes, skipped=project.skipped)
    if local(root.tag) != "CodeBook":
        raise InputError(path, f"the root element is <{local(root.tag)}>, not <CodeBook>",
                         hint="this is not a REFI-QDA codebook (.qdc) file")
    reader.project.origin = root.get("origin", "")
    reader.project.namespace = namespace(root.tag)
    codes = child(root, "Codes")
    if codes is not None:
        reader.codes(codes)
    reader.codebook_sets(root)
    return reader.project
