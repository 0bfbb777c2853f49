"""What a published table may hold: no direct identifier of a pseudonymised school, pupil or person.

A school pseudonym ("School C") printed next to its URN, LA/ESTAB number, address, postcode, phone
number, web address or real name is reversed in one look-up, and so is a pupil's. So, unless
``evidence.yaml`` says ``schools_public: true`` (the schools agreed to be named; then no school
pseudonyms may appear either), a bundle table must hold none of them:

    table = publishable_table(table)            # drops identifier columns; URN -> the school's pseudonym
    problems = check_tables(tables, key=key)    # what is still wrong, by table and column
    check_bundle(project, tables)               # raises PublishError naming the first table and column

``bundle.publish`` calls :func:`check_bundle` before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.errors import EvidenceError

if TYPE_CHECKING:
    from evidence.project import Project

IDENTIFIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "school number (URN, LA/ESTAB)": ("urn", "school_urn", "laestab", "la_estab", "estab", "lea", "la",
                                       "la_code", "dfe_number", "dfe_no", "ukprn", "upn", "uln"),
    "address": ("address", "address1", "address2", "address3", "address_1", "address_2", "address_3",
                "street", "locality", "town", "city", "pcon_code", "pcon_name", "ward"),
    "postcode": ("postcode", "pcode", "post_code", "zip"),
    "phone": ("telnum", "phone", "telephone", "tel", "mobile", "phone_number"),
    "web address": ("url", "website", "web", "schoolwebsite", "web_address", "homepage"),
    "e-mail": ("email", "e_mail", "email_address", "mail"),
    "real name": ("schname", "schname_ac", "school_name", "name_of_school", "establishmentname",
                  "pupil_name", "student_name", "first_name", "firstname", "forename", "surname",
                  "last_name", "lastname", "full_name", "fullname", "headteacher", "head_name"),
}
"""Column names (compared lower case, non-letters as ``_``, a ``__status`` suffix ignored) that hold a
direct identifier, by kind."""

SCHOOL_IDENTIFIER_KINDS = ("school number (URN, LA/ESTAB)", "address", "postcode", "phone", "web address",
                           "real name")
"""Kinds a table may keep when the schools are public (``schools_public: true``)."""

_PATTERN_KIND = {"email": "e-mail", "phone": "phone", "postcode": "postcode", "address": "address",
                 "url": "web address", "handle": "social-media handle"}
_SCHOOL_PSEUDONYM = re.compile(r"\bSchool [A-Z]{1,3}\b")
_NUMBER = re.compile(r"\s*\d+(?:\.0)?\s*")


class PublishError(EvidenceError):
    """A bundle table would publish a direct identifier; the message names the table and column."""


@dataclass(frozen=True)
class Problem:
    """One column of one table that may not be published, and why (never the value itself)."""

    table: str
    column: str
    kind: str
    rows: int
    advice: str
    pseudonyms: tuple[str, ...] = ()  # whose real names they are (safe to show)

    def message(self) -> str:
        whose = f" behind {', '.join(self.pseudonyms[:5])}" if self.pseudonyms else ""
        return (f"not published: table {self.table}, column {self.column} holds {self.kind}{whose} "
                f"({self.rows} row{'s' if self.rows != 1 else ''}); {self.advice}")


def schools_public(config: dict[str, Any] | None) -> bool:
    """True when ``evidence.yaml`` says the schools may be named (``schools_public: true``)."""
    return bool((config or {}).get("schools_public", False))


def column_kind(column: str) -> str:
    """The identifier kind a column name stands for ("PCODE" -> "postcode"), or ""."""
    key = re.sub(r"[^a-z0-9]+", "_", str(column).lower()).strip("_")
    key = re.sub(r"_+status$", "", key)
    for kind, names in IDENTIFIER_COLUMNS.items():
        if key in names:
            return kind
    return ""


def publishable_table(table: pd.DataFrame, *, school_column: str = "school", public: bool = False
                      ) -> pd.DataFrame:
    """``table`` without direct identifiers: address, postcode, phone, web, e-mail and name columns are
    dropped (LA and ESTAB numbers too), and a URN column takes the value of ``school_column`` (the school's
    pseudonym, with " (2)" for a second URN of the same school) so joins on it still work. With ``public`` (schools
    may be named) the school columns stay and only people's identifiers go."""
    out = table.copy()
    for column in list(out.columns):
        kind = column_kind(column)
        if not kind or (public and kind in SCHOOL_IDENTIFIER_KINDS and not _personal(column)):
            continue
        if str(column).lower() in ("urn", "school_urn") and school_column in out.columns:
            labels = out[school_column].astype("string").fillna("")
            given: dict[tuple[str, str], str] = {}  # (school, urn) -> label; a second URN of a school: "(2)"
            values = []
            for label, number in zip(labels, out[column].astype("string").fillna("")):
                if (label, number) not in given:
                    n = 1 + sum(1 for other, _ in given if other == label)
                    given[(label, number)] = label if n == 1 else f"{label} ({n})"
                values.append(given[(label, number)])
            out[column] = values
        else:
            out = out.drop(columns=[column])
    return out


def _personal(column: str) -> bool:
    key = re.sub(r"[^a-z0-9]+", "_", str(column).lower())
    return any(word in key for word in ("pupil", "student", "first", "fore", "surname", "last_name", "full",
                                        "upn", "uln", "head", "mobile", "email"))


def check_tables(tables: dict[str, pd.DataFrame], *, key: Any | None = None, public: bool = False
                 ) -> list[Problem]:
    """Every (table, column) that would publish a direct identifier: by column name (URN, PCODE, TELNUM,
    SCHNAME, ...), by value (postcodes, phones, e-mails, web addresses, raw URNs beside pseudonyms) and,
    with the project's pseudonym ``key``, any real name it knows, whole or in part."""
    from .detect import NameIndex, find_names, find_patterns, resolve_overlaps

    index = NameIndex(_publishable_names(key, public)) if key is not None else None
    problems: list[Problem] = []
    may_name = _name_prefilter(index)
    seen: dict[str, set[str]] = {}
    for name, table in sorted(tables.items()):
        for column in table.columns:
            kind = column_kind(column)
            values = table[column]
            texts = values[values.map(lambda v: isinstance(v, str) and v != "")] if values.dtype == object \
                or pd.api.types.is_string_dtype(values) else pd.Series(dtype=object)
            if kind and not (public and kind in SCHOOL_IDENTIFIER_KINDS and not _personal(column)):
                if kind != "school number (URN, LA/ESTAB)" or _raw_numbers(values):
                    filled = int(values.map(lambda v: not (v is None or v == "" or v is pd.NA
                                                           or isinstance(v, float) and v != v)).sum())
                    if filled:
                        problems.append(Problem(name, str(column), kind, filled, _advice(kind)))
                    continue
            if public and len(texts) and texts.str.contains(_SCHOOL_PSEUDONYM).any():
                problems.append(Problem(name, str(column), "school pseudonyms while schools are public",
                                        int(texts.str.contains(_SCHOOL_PSEUDONYM).sum()),
                                        "schools_public is set in evidence.yaml: publish the schools' names, "
                                        "or remove schools_public to keep them pseudonymised"))
                continue
            if not len(texts):
                continue
            found: dict[str, int] = {}
            whose: set[str] = set()
            for value in texts:
                kinds = seen.get(value)
                if kinds is None:  # columns repeat values (school, speaker, title): look at each once
                    kinds = set()
                    if _MAY_HOLD_PATTERN.search(value):
                        kinds = {_PATTERN_KIND[f.kind] for f in resolve_overlaps(find_patterns(value))
                                 if f.kind in _PATTERN_KIND}
                    if index is not None and may_name(value):
                        names = find_names(value.replace("_", " "), index)
                        if names:
                            kinds.add("real names")
                            kinds.update(f"pseudonym:{key.pseudonym_of_identity(f.identity) or ''}" for f in names
                                         if f.identity and key.pseudonym_of_identity(f.identity))
                    seen[value] = kinds
                for k in kinds:
                    if k.startswith("pseudonym:"):
                        whose.add(k.split(":", 1)[1])
                        continue
                    found[k] = found.get(k, 0) + 1
            for k, rows in sorted(found.items()):
                problems.append(Problem(name, str(column), k, rows, _advice(k),
                                        tuple(sorted(whose)) if k == "real names" else ()))
    return problems


def _raw_numbers(values: pd.Series) -> bool:
    text = values.dropna().astype(str)
    return bool(len(text)) and bool(text.str.fullmatch(_NUMBER).any())


_MAY_HOLD_PATTERN = re.compile(r"@|\.[A-Za-z]|\d{3}[\s-]?\d{3}|[A-Za-z]\d|\d[A-Za-z]{2}|(?:19|20)\d\d|"
                               r"\d,?\s+(?:[A-Z][a-z']+\s+){1,3}(?:Road|Rd|Street|St|Lane|Avenue|Close|Drive|Way|"
                               r"Crescent|Grove|Place|Gardens|Court|Terrace|Walk|Mews|Row|Hill|Rise|View|Square|"
                               r"Park|Green)\b")
"""Cheap test that a value may hold an e-mail, web address, phone, postcode, street address or date
(a measure such as "45.1" or "20%" cannot), so the pattern finders run only where they could match."""


def _name_prefilter(index: Any) -> Any:
    """A fast test (one regular expression) that a value may hold a known name; find_names confirms."""
    if index is None or not index.forms:
        return lambda value: False
    from .folding import fold

    from .detect import SCHOOL_WORDS, _is_honorific

    parts = {part for form in index.forms for part in (form.split(" ")[0], form.split(" ")[-1])}
    words = sorted((w for w in parts if len(w) > 1 and not _is_honorific(w) and w not in SCHOOL_WORDS),
                   key=len, reverse=True)
    pattern = re.compile(r"(?i)(?<![^\W_])(?:" + "|".join(re.escape(w) for w in words) + r")s?(?![^\W_])")

    def may_name(value: str) -> bool:
        plain = (value if value.isascii() else fold(value)).replace("'", "")
        return bool(pattern.search(plain) or _SPELLED_HINT.search(value))

    return may_name


_SPELLED_HINT = re.compile(r"\b[A-Za-z][-. ][A-Za-z][-. ][A-Za-z]\b")


def _publishable_names(key: Any, public: bool) -> Any:
    names = key.known_names()
    if public:
        from .roster import KnownNames

        kept = KnownNames(role_labels=names.role_labels)
        for known in names:
            if known.kind not in ("school",):
                kept.add(known.name, known.kind, known.aliases, role=known.role, origin=known.origin)
        return kept
    return names


def _advice(kind: str) -> str:
    if kind == "real names":
        return ("the name is in the project's pseudonym key but was not replaced there: re-ingest the input it "
                "came from (`evidence ingest --replace FILE`) or pseudonymise that column before staging it "
                "(`evidence.privacy.Pseudonymiser(...).text`); `evidence privacy-report` lists where")
    if kind in ("postcode", "phone", "e-mail", "web address", "address", "social-media handle"):
        return (f"drop or pseudonymise the column before bundle.stage (evidence.privacy.publish."
                f"publishable_table drops {kind} columns)")
    return ("drop it before bundle.stage (evidence.privacy.publish.publishable_table drops it and puts the "
            "school's pseudonym in a URN column), or set `schools_public: true` in evidence.yaml if every "
            "school agreed to be named")


def check_bundle(project: Project, tables: dict[str, pd.DataFrame]) -> None:
    """Refuse a bundle that would publish a direct identifier: PublishError naming table and column.

    Reads the project's pseudonym key (if any) to look for real names, whole or in part, and
    ``schools_public`` from its config. The message never shows the value itself.
    """
    from .pseudonyms import key_path, load_key

    path = key_path(Path(project.path) / "private")
    key = load_key(path) if path.exists() else None
    problems = check_tables(tables, key=key, public=schools_public(getattr(project, "config", {})))
    if problems:
        more = f" (and {len(problems) - 1} more: " + "; ".join(
            f"{p.table}.{p.column}" for p in problems[1:6]) + ")" if len(problems) > 1 else ""
        raise PublishError(problems[0].message() + more)
