"""The codebook: hierarchical codes with definitions, keywords, patterns and examples.

A :class:`Codebook` is an ordered collection of :class:`evidence.core.model.Code` records. Each code's
``spec`` dict keeps the researcher's guidance and the coders' settings:

    when_to_use, when_not_to_use   text
    keywords, phrases              lists of words/phrases, matched on lemmas by the rules coder
    patterns                       spaCy Matcher patterns (a list of token-pattern lists)
    examples                       example quotes (the similarity coder's anchors)
    threshold                      a number, or {rules: n, similarity: x, classifier: p}
    dashboard                      "feature" or "warning": shown on the partnership overview as a feature
                                   of a good partnership or a warning sign (:data:`DASHBOARD_ROLES`)
    scope                          where the code applies: {kinds: [quote, turn, paragraph], questions: [...]}

:func:`parse_codebook` turns YAML data (with line numbers, see :mod:`.yamlio`) into a Codebook and
reports every problem at once, each with its YAML line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evidence.core.errors import CodebookError
from evidence.core.model import Code

#: Okabe-Ito colour-blind-safe palette (black left out: it reads as text).
OKABE_ITO: tuple[str, ...] = (
    "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442",
)

SPEC_KEYS: tuple[str, ...] = (
    "when_to_use", "when_not_to_use", "keywords", "phrases", "patterns", "examples", "threshold", "dashboard",
    "scope",
)
DASHBOARD_ROLES: tuple[str, ...] = ("feature", "warning")
"""Values of a code's optional ``dashboard`` field: where the partnership overview shows the code."""
SCOPE_KINDS: tuple[str, ...] = ("quote", "turn", "paragraph", "sentence")
CODE_KEYS: tuple[str, ...] = ("id", "name", "parent", "colour", "definition", *SPEC_KEYS, "children")
CODER_NAMES: tuple[str, ...] = ("rules", "similarity", "classifier")
DEFAULT_THRESHOLDS: dict[str, float] = {"rules": 1.0, "similarity": 0.45, "classifier": 0.5}

_ID_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass
class Codebook:
    """An ordered, hierarchical set of codes. ``lines`` maps code id -> YAML line (when loaded)."""

    codes: dict[str, Code] = field(default_factory=dict)
    name: str = ""
    path: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def __iter__(self):
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, code_id: str) -> Code:
        try:
            return self.codes[code_id]
        except KeyError:
            raise CodebookError(
                f"no code {code_id!r} in the codebook{' ' + self.path if self.path else ''} "
                f"(known codes: {', '.join(list(self.codes)[:12])}{', ...' if len(self.codes) > 12 else ''})"
            ) from None

    @property
    def ids(self) -> list[str]:
        return list(self.codes)

    def children(self, code_id: str) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def themes(self) -> list[Code]:
        """Top-level codes (level 0)."""
        return [c for c in self.codes.values() if not c.parent]

    def level(self, code_id: str) -> int:
        depth, code = 0, self[code_id]
        while code.parent:
            depth, code = depth + 1, self[code.parent]
        return depth

    def descendants(self, code_id: str) -> list[str]:
        out: list[str] = []
        for child in self.children(code_id):
            out += [child.id, *self.descendants(child.id)]
        return out

    def theme_of(self, code_id: str) -> str:
        code = self[code_id]
        while code.parent:
            code = self[code.parent]
        return code.id

    def threshold(self, code_id: str, coder: str) -> float:
        """The code's threshold for a coder (rules/similarity/classifier), or that coder's default."""
        value = self[code_id].spec.get("threshold")
        if isinstance(value, dict):
            value = value.get(coder)
        if value is None:
            return DEFAULT_THRESHOLDS.get(coder, 0.5)
        return float(value)

    def scope(self, code_id: str) -> dict[str, list[str]]:
        """Where a code may be applied: {"kinds": [...], "questions": [...]}; an absent key means anywhere."""
        value = self[code_id].spec.get("scope") or {}
        return {key: list(value[key]) for key in ("kinds", "questions") if value.get(key)}

    def terms(self, code_id: str) -> list[str]:
        """Keywords and phrases of a code (matched on lemmas by the rules coder)."""
        spec = self[code_id].spec
        return [str(t) for t in [*spec.get("keywords", []), *spec.get("phrases", [])] if str(t).strip()]

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per code (id, parent, name, colour, definition, level, + spec columns)."""
        rows = []
        for code in self.codes.values():
            row = {
                "id": code.id, "parent": code.parent, "name": code.name, "colour": code.colour,
                "definition": code.definition, "level": self.level(code.id),
            }
            for key in SPEC_KEYS:
                row[key] = code.spec.get(key, [] if key in ("keywords", "phrases", "patterns", "examples") else "")
            rows.append(row)
        columns = ["id", "parent", "name", "colour", "definition", "level", *SPEC_KEYS]
        return pd.DataFrame(rows, columns=columns)

    def copy(self) -> "Codebook":
        import copy

        return copy.deepcopy(self)


@dataclass
class Problem:
    """One thing wrong with a codebook, at a YAML line."""

    line: int | None
    message: str
    hint: str = ""

    def text(self, path: str) -> str:
        where = f"{path}, line {self.line}" if self.line else path
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


def raise_problems(problems: list[Problem], path: str) -> None:
    """Raise one CodebookError listing every problem (``error.problems`` keeps them)."""
    if not problems:
        return
    problems = sorted(problems, key=lambda p: (p.line or 0))
    lines = [p.text(path) for p in problems]
    head = lines[0] if len(lines) == 1 else f"{len(lines)} problems in the codebook:\n  " + "\n  ".join(lines)
    error = CodebookError(head)
    error.problems = problems  # type: ignore[attr-defined]
    raise error


def _line(data: Any, key: str | None = None) -> int | None:
    if key is not None and hasattr(data, "key_lines"):
        return data.key_lines.get(key, getattr(data, "line", None))
    return getattr(data, "line", None)


def _as_text_list(value: Any, key: str, entry: Any, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(Problem(_line(entry, key), f"{key} must be a list of text",
                                'write e.g. keywords: [headteacher, "senior leader"]'))
        return []
    return [str(v) for v in value]


def _check_patterns(patterns: Any, entry: Any, problems: list[Problem]) -> list:
    """Check spaCy Matcher patterns with spaCy's own validator (spaCy imported only when needed)."""
    if patterns is None:
        return []
    line = _line(entry, "patterns")
    hint = "a pattern is a list of token dicts, e.g. [{LEMMA: senior}, {LEMMA: leader}]"
    if not isinstance(patterns, list):
        problems.append(Problem(line, "patterns must be a list of Matcher patterns", hint))
        return []
    from spacy.matcher import Matcher

    from evidence.nlp.pipeline import load_pipeline

    nlp = load_pipeline(purpose="vocab")
    clean: list = []
    for index, pattern in enumerate(patterns):
        item_line = pattern.line if hasattr(pattern, "line") else (
            patterns.item_lines[index] if hasattr(patterns, "item_lines") else line)
        if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
            problems.append(Problem(item_line, f"pattern {index + 1} is not a list of token dicts", hint))
            continue
        matcher = Matcher(nlp.vocab, validate=True)
        try:
            matcher.add("check", [[dict(token) for token in pattern]])
        except Exception as exc:  # spaCy raises MatchPatternError / ValueError with details
            detail = " ".join(str(exc).split())[:300]
            problems.append(Problem(item_line, f"pattern {index + 1} is not a valid spaCy Matcher pattern: {detail}", hint))
            continue
        clean.append([dict(token) for token in pattern])
    return clean


def _check_threshold(value: Any, entry: Any, problems: list[Problem]) -> Any:
    if value is None:
        return None
    line = _line(entry, "threshold")
    if isinstance(value, bool):
        problems.append(Problem(line, "threshold must be a number or a mapping of coder -> number"))
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        out = {}
        for coder, number in value.items():
            if coder not in CODER_NAMES:
                problems.append(Problem(line, f"threshold for unknown coder {coder!r}",
                                        f"use {', '.join(CODER_NAMES)}"))
            elif not isinstance(number, (int, float)) or isinstance(number, bool):
                problems.append(Problem(line, f"threshold for {coder} must be a number"))
            else:
                out[str(coder)] = float(number)
        return out
    problems.append(Problem(line, "threshold must be a number or a mapping of coder -> number",
                            "e.g. threshold: {similarity: 0.5, classifier: 0.4}"))
    return None


def _check_scope(value: Any, entry: Any, problems: list[Problem]) -> dict[str, list[str]] | None:
    if value is None:
        return None
    line = _line(entry, "scope")
    hint = "e.g. scope: {kinds: [quote], questions: [What changed for you?]}"
    if not isinstance(value, dict):
        problems.append(Problem(line, "scope must be a mapping with kinds and/or questions", hint))
        return None
    out: dict[str, list[str]] = {}
    for key, items in value.items():
        if key not in ("kinds", "questions"):
            problems.append(Problem(line, f"unknown scope field {key!r}", "use kinds and/or questions"))
            continue
        items = [items] if isinstance(items, str) else items
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            problems.append(Problem(line, f"scope {key} must be a list of names", hint))
            continue
        if key == "kinds":
            unknown = [i for i in items if i.strip() not in SCOPE_KINDS]
            if unknown:
                problems.append(Problem(line, f"unknown segment kind(s) in scope: {', '.join(unknown)}",
                                        f"use {', '.join(SCOPE_KINDS)}"))
                continue
        out[key] = [i.strip() for i in items]
    return out or None


def _parse_entry(entry: Any, parent: str, problems: list[Problem], out: list[tuple[Code, int | None, str]]) -> None:
    line = _line(entry)
    if not isinstance(entry, dict):
        problems.append(Problem(line, "each code must be a mapping with at least id, name and definition"))
        return
    for key in entry:
        if key == "color":
            continue
        if key not in CODE_KEYS:
            problems.append(Problem(_line(entry, key), f"unknown field {key!r}",
                                    f"known fields: {', '.join(CODE_KEYS)}"))
    code_id = entry.get("id")
    if code_id is None or not str(code_id).strip():
        problems.append(Problem(line, "code without an id", "give every code a stable id, e.g. id: fizzle.turnover"))
        return
    code_id = str(code_id).strip()
    if not _ID_PATTERN.match(code_id):
        problems.append(Problem(_line(entry, "id"), f"code id {code_id!r} has characters ids cannot have",
                                "use letters, digits, '_', '-' and '.' only"))
    explicit_parent = entry.get("parent")
    explicit_parent = str(explicit_parent).strip() if explicit_parent not in (None, "") else ""
    if parent and explicit_parent and explicit_parent != parent:
        problems.append(Problem(_line(entry, "parent"),
                                f"code {code_id!r} is nested under {parent!r} but says parent: {explicit_parent}",
                                "remove the parent field or move the code"))
    name = str(entry.get("name") or "").strip()
    if not name:
        problems.append(Problem(line, f"code {code_id!r} has no name", "add name: a short label researchers read"))
    definition = entry.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        problems.append(Problem(_line(entry, "definition"), f"code {code_id!r} has an empty definition",
                                "say in a sentence or two what this code means"))
        definition = ""
    colour = entry.get("colour", entry.get("color"))
    colour = str(colour).strip() if colour else ""
    if colour and not _COLOUR_PATTERN.match(colour):
        problems.append(Problem(_line(entry, "colour" if "colour" in entry else "color"),
                                f"colour {colour!r} of {code_id!r} is not #RRGGBB",
                                "use a hex colour such as \"#E69F00\" (quoted)"))
        colour = ""
    spec: dict[str, Any] = {}
    for key in ("when_to_use", "when_not_to_use"):
        if entry.get(key) is not None:
            spec[key] = str(entry[key]).strip()
    for key in ("keywords", "phrases", "examples"):
        values = _as_text_list(entry.get(key), key, entry, problems)
        if values:
            spec[key] = values
    patterns = _check_patterns(entry.get("patterns"), entry, problems)
    if patterns:
        spec["patterns"] = patterns
    threshold = _check_threshold(entry.get("threshold"), entry, problems)
    if threshold is not None:
        spec["threshold"] = threshold
    if entry.get("dashboard") not in (None, ""):
        role = str(entry["dashboard"]).strip().lower().replace("warning sign", "warning").replace("_sign", "")
        if role in DASHBOARD_ROLES:
            spec["dashboard"] = role
        else:
            problems.append(Problem(_line(entry, "dashboard"), f"dashboard {entry['dashboard']!r} of {code_id!r} is "
                                    "not a place on the dashboards", "use dashboard: feature or dashboard: warning"))
    scope = _check_scope(entry.get("scope"), entry, problems)
    if scope is not None:
        spec["scope"] = scope
    code = Code(id=code_id, name=name, parent=explicit_parent or parent, colour=colour,
                definition=str(definition).strip(), spec=spec)
    out.append((code, line, explicit_parent))
    children = entry.get("children") or []
    if not isinstance(children, list):
        problems.append(Problem(_line(entry, "children"), "children must be a list of codes"))
        return
    for child in children:
        _parse_entry(child, code_id, problems, out)


def parse_codebook(data: Any, path: str = "<codebook>") -> Codebook:
    """Build a Codebook from YAML data; raise CodebookError listing every problem with its line."""
    problems: list[Problem] = []
    if isinstance(data, dict):
        entries = data.get("codes")
        name = str(data.get("codebook") or data.get("name") or "")
        if entries is None:
            raise_problems([Problem(_line(data), "no 'codes:' list", "a codebook starts with codes: followed by a list of codes")], path)
    elif isinstance(data, list):
        entries, name = data, ""
    else:
        raise_problems([Problem(None, "empty or not a codebook", "a codebook is a mapping with a codes: list")], path)
        return Codebook()
    if not isinstance(entries, list):
        raise_problems([Problem(_line(data, "codes"), "codes must be a list")], path)
    parsed: list[tuple[Code, int | None, str]] = []
    for entry in entries:
        _parse_entry(entry, "", problems, parsed)
    codebook = Codebook(name=name, path=path)
    for code, line, _ in parsed:
        if code.id in codebook.codes:
            first = codebook.lines.get(code.id)
            problems.append(Problem(line, f"duplicate code id {code.id!r} (first defined at line {first})",
                                    "ids must be unique; rename one of them"))
            continue
        codebook.codes[code.id] = code
        codebook.lines[code.id] = line or 0
    for code, line, explicit in parsed:
        if code.parent and code.parent not in codebook.codes:
            problems.append(Problem(line, f"code {code.id!r} has unknown parent {code.parent!r}",
                                    "define the parent code, or nest this code under its children: list"))
    problems += _cycle_problems(codebook)
    raise_problems(problems, path)
    assign_colours(codebook)
    return codebook


def _cycle_problems(codebook: Codebook) -> list[Problem]:
    problems = []
    for code in codebook.codes.values():
        seen, current = {code.id}, code
        while current.parent and current.parent in codebook.codes:
            if current.parent in seen:
                problems.append(Problem(codebook.lines.get(code.id), f"code {code.id!r} is its own ancestor",
                                        "parents must form a tree"))
                break
            seen.add(current.parent)
            current = codebook.codes[current.parent]
    return problems


def assign_colours(codebook: Codebook) -> None:
    """Give themes without a colour the next Okabe-Ito colour, and sub-codes their theme's colour."""
    used = {c.colour.upper() for c in codebook.themes() if c.colour}
    free = [c for c in OKABE_ITO if c.upper() not in used] or list(OKABE_ITO)
    index = 0
    for theme in codebook.themes():
        if not theme.colour:
            theme.colour = free[index % len(free)]
            index += 1
    for code in codebook.codes.values():
        if not code.colour and code.parent:
            code.colour = codebook[codebook.theme_of(code.id)].colour
