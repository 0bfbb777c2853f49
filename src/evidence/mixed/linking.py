"""Link qualitative cases (pupils who gave quotes, schools named in the evidence) to results rows.

Pupils link by id: a segment's ``case`` is the pupil id (or a pseudonym, translated through an
optional ``id_map`` of pseudonym -> pupil id). Ids are compared ignoring case, spaces and
punctuation (``p-001`` links to ``P001``).

Schools link by URN: a name in the evidence (a quote's ``attributes["school"]``, a transcript
turn's or paragraph's ``case``) is looked up in a name-to-URN map (``school_urns.csv``: name, urn),
then in the school names of the results table; a value that already is a URN links directly.
Names are compared without case, punctuation, "&"/"and" and a leading "The".

Nothing is dropped silently: :class:`LinkReport` lists every case with how it linked, and an
``unlinked`` table with the reason for each case (or results row) that did not link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evidence.core.errors import InputError

LINK_COLUMNS = ["case", "kind", "value", "target", "method", "linked", "reason"]
UNLINKED_COLUMNS = ["side", "kind", "case", "value", "reason"]


@dataclass
class LinkReport:
    """``links``: one row per qualitative case (``target`` is the pupil id or URN);
    ``unlinked``: what did not link, from either side, with the reason."""

    links: pd.DataFrame
    unlinked: pd.DataFrame

    def mapping(self, kind: str) -> dict[str, str]:
        """case -> pupil id (``kind="pupil"``) or URN (``kind="school"``) for the linked cases."""
        rows = self.links[(self.links["kind"] == kind) & self.links["linked"]]
        return dict(zip(rows["case"], rows["target"]))

    @staticmethod
    def combine(*reports: LinkReport) -> LinkReport:
        return LinkReport(
            pd.concat([r.links for r in reports], ignore_index=True).reindex(columns=LINK_COLUMNS),
            pd.concat([r.unlinked for r in reports], ignore_index=True).reindex(columns=UNLINKED_COLUMNS),
        )


def id_key(value: object) -> str:
    """How pupil ids are compared: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(value).casefold())


def name_key(value: object) -> str:
    """How school names are compared: 'The St. Mary's C of E School & Sixth Form' ->
    'st marys c of e school and sixth form'."""
    text = str(value).casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^0-9a-z]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def read_name_to_urn(path: str | Path) -> pd.DataFrame:
    """A name-to-URN map file (csv/xlsx with columns name and urn) as a frame of name, urn."""
    from evidence.mixed.tables import match_columns, read_raw_table

    raw = read_raw_table(path)
    found = match_columns([c for c in raw.columns if c != "_row"],
                          {"name": ("school", "school name", "schname"), "urn": ("school urn",)})
    if set(found) != {"name", "urn"}:
        raise InputError(str(path), "a name-to-URN map needs columns 'name' and 'urn'", line=1,
                         hint="e.g. name,urn / Oak Academy,123456")
    frame = raw.rename(columns={v: k for k, v in found.items()})[["name", "urn", "_row"]]
    frame["urn"] = frame["urn"].astype(str).str.strip()
    bad = frame[~frame["urn"].str.fullmatch(r"\d{6,7}")]
    if not bad.empty:
        raise InputError(str(path), f"'{bad['urn'].iloc[0]}' is not a URN (6-7 digits)",
                         row=int(bad["_row"].iloc[0]), hint="correct the urn of that row")
    return frame[["name", "urn"]].reset_index(drop=True)


def _as_map(id_map: dict | pd.DataFrame | None) -> dict[str, str]:
    if id_map is None:
        return {}
    if isinstance(id_map, pd.DataFrame):
        if id_map.shape[1] < 2:
            raise ValueError("id_map needs two columns: pseudonym (or alias), pupil id")
        id_map = dict(zip(id_map.iloc[:, 0].astype(str), id_map.iloc[:, 1].astype(str)))
    return {id_key(k): str(v) for k, v in id_map.items()}


def link_pupils(
    segments: pd.DataFrame, pupils: pd.DataFrame, *, id_map: dict | pd.DataFrame | None = None,
    kinds: tuple[str, ...] = ("quote",),
) -> LinkReport:
    """Link the pupils speaking in ``segments`` (their ``case``) to ``pupils.pupil_id``."""
    cases = segments.loc[segments["kind"].isin(kinds) & segments["case"].astype(str).str.strip().ne(""), "case"]
    cases = sorted(set(cases.astype(str)))
    by_key: dict[str, list[str]] = {}
    for pupil in pupils["pupil_id"].astype(str):
        by_key.setdefault(id_key(pupil), []).append(pupil)
    aliases = _as_map(id_map)
    rows = []
    for case in cases:
        method, value = "id", case
        if id_key(case) in aliases:
            method, value = "pseudonym", aliases[id_key(case)]
        found = by_key.get(id_key(value), [])
        if len(found) == 1:
            rows.append((case, "pupil", value, found[0], method, True, ""))
        elif found:
            rows.append((case, "pupil", value, "", method, False, f"matches {len(found)} pupil ids: {', '.join(found)}"))
        else:
            reason = "no pupil with this id in the results table"
            if aliases and method == "id":
                reason += " (and not in the pseudonym map)"
            rows.append((case, "pupil", value, "", method, False, reason))
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    linked = set(links.loc[links["linked"], "target"])
    unlinked = [("qualitative", "pupil", r.case, r.value, r.reason) for r in links.itertuples() if not r.linked]
    for pupil, group in zip(pupils["pupil_id"].astype(str), pupils.get("group", pd.Series("", index=pupils.index))):
        if pupil not in linked:
            unlinked.append(("quantitative", "pupil", "", pupil, f"no quotes from this pupil ({group or 'no group'})"))
    return LinkReport(links, pd.DataFrame(unlinked, columns=UNLINKED_COLUMNS))


def school_mentions(segments: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each school named in the evidence, with where: columns case, school, segments.

    A quote's school is ``attributes["school"]``; a transcript turn or paragraph whose ``case``
    is not a pupil names its school in ``case``; with ``sources``, a source's ``school`` counts too.
    """
    names: list[tuple[str, str]] = []
    for kind, case, attributes, source in zip(segments["kind"], segments["case"], segments["attributes"],
                                              segments["source"]):
        attributes = attributes if isinstance(attributes, dict) else {}
        school = str(attributes.get("school", "") or "").strip()
        if kind in ("turn", "paragraph", "sentence") and str(case).strip():
            school = school or str(case).strip()
        if school:
            names.append((school, str(source)))
    if sources is not None and "school" in sources:
        names += [(str(s).strip(), str(i)) for s, i in zip(sources["school"], sources["id"]) if str(s).strip()]
    frame = pd.DataFrame(names, columns=["school", "source"])
    if frame.empty:
        return pd.DataFrame(columns=["case", "school", "segments"])
    counts = frame.groupby("school").size().rename("segments").reset_index()
    counts.insert(0, "case", counts["school"])
    return counts


def link_schools(
    names: pd.DataFrame | list[str], schools: pd.DataFrame | None = None, *,
    name_to_urn: pd.DataFrame | dict | None = None,
) -> LinkReport:
    """Link school names (a list, or :func:`school_mentions` output) to URNs of ``schools``."""
    values = sorted(set(names["school"].astype(str))) if isinstance(names, pd.DataFrame) else sorted(set(names))
    lookup: dict[str, set[str]] = {}
    if isinstance(name_to_urn, dict):
        name_to_urn = pd.DataFrame({"name": list(name_to_urn), "urn": [str(v) for v in name_to_urn.values()]})
    if name_to_urn is not None:
        for name, urn in zip(name_to_urn["name"], name_to_urn["urn"].astype(str)):
            lookup.setdefault(name_key(name), set()).add(urn.strip())
    table_names: dict[str, set[str]] = {}
    known_urns: set[str] | None = None
    if schools is not None:
        known_urns = set(schools["urn"].dropna().astype(str)) if "urn" in schools else None
        if "school" in schools and "urn" in schools:
            for name, urn in zip(schools["school"], schools["urn"]):
                if pd.notna(name) and pd.notna(urn):
                    table_names.setdefault(name_key(name), set()).add(str(urn))
    rows = []
    for value in values:
        text = value.strip()
        if re.fullmatch(r"\d{6,7}", text):
            method, found = "urn", {text}
        elif name_key(text) in lookup:
            method, found = "name-to-URN map", lookup[name_key(text)]
        else:
            method, found = "name in results table", table_names.get(name_key(text), set())
        reason = ""
        if not found:
            reason = "school name not in the name-to-URN map" + (" or the results table" if table_names else "")
        elif len(found) > 1:
            reason = f"name matches {len(found)} URNs ({', '.join(sorted(found))}); add it to the name-to-URN map"
        elif known_urns is not None and next(iter(found)) not in known_urns:
            reason = f"URN {next(iter(found))} is not in the results table"
        target = next(iter(found)) if len(found) == 1 else ""
        rows.append((value, "school", value, target, method, reason == "", reason))
    links = pd.DataFrame(rows, columns=LINK_COLUMNS)
    unlinked = [("qualitative", "school", r.case, r.value, r.reason) for r in links.itertuples() if not r.linked]
    return LinkReport(links, pd.DataFrame(unlinked, columns=UNLINKED_COLUMNS))


def link_cases(
    segments: pd.DataFrame, *, pupils: pd.DataFrame | None = None, schools: pd.DataFrame | None = None,
    name_to_urn: pd.DataFrame | dict | None = None, id_map: dict | pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
) -> LinkReport:
    """Link pupils (when a pupil table is given) and schools (always) of ``segments``."""
    reports = []
    if pupils is not None:
        reports.append(link_pupils(segments, pupils, id_map=id_map))
    reports.append(link_schools(school_mentions(segments, sources), schools, name_to_urn=name_to_urn))
    return LinkReport.combine(*reports)
