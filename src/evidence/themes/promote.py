"""Where inductive themes meet the codebook: promote a theme to a code, map themes onto codes.

    code = promote_theme(project, model, theme=2, name="Travel costs", parent="barriers")
    mapping = map_themes_to_codes(model, project.codes(), embedder)   # theme -> nearest code
    store_theme_codings(project, model, {0: "outcomes.confidence"})

A theme's members become codings with origin ``topic`` and status ``suggested``: evidence only once
a researcher accepts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evidence.nlp.embeddings import Embedder
from evidence.core.errors import InputError
from evidence.core.model import Coding, Code
from evidence.themes.fit import ThemeModel

if TYPE_CHECKING:
    from evidence.project import Project

TOPIC_CODER = "themes"


def draft_code(model: ThemeModel, theme: int, *, code_id: str | None = None, name: str | None = None,
               parent: str = "") -> Code:
    """A new code drafted from a theme: definition from its words, examples from its typical quotes."""
    from evidence.codebook.operations import slug

    row = _theme_row(model, theme)
    words = [w for w in row["words"] if w][:8]
    name = name or row["label"].capitalize()
    texts = model.units_.set_index("id")["text"]
    examples = [str(texts.get(q, "")).strip() for q in row["quotes"]]
    examples = [e for e in examples if e]
    prefix = f"{parent}." if parent else ""
    code = Code(
        id=code_id or f"{prefix}{slug(name)}",
        name=name,
        parent=parent,
        definition=(f"Segments about {', '.join(words[:5])}. Drafted from inductive theme {theme} "
                    f"({row['size']} segments); review and rewrite before relying on it."),
        spec={"keywords": [w for w in words if " " not in w][:6], "phrases": [w for w in words if " " in w],
              "examples": examples, "origin": "topic", "theme": int(theme)},
    )
    return code


def theme_codings(model: ThemeModel, theme: int, code_id: str, *, coder: str = TOPIC_CODER) -> list[Coding]:
    """One suggested coding (origin ``topic``) per member of a theme, similarity as confidence."""
    row = _theme_row(model, theme)
    members = model.assignments_.loc[model.assignments_["theme"] == theme]
    return [
        Coding(segment=str(m.segment_id), code=code_id, coder=coder, origin="topic", status="suggested",
               confidence=float(m.similarity),
               explanation=f"in inductive theme {theme} '{row['label']}' (similarity {m.similarity:.2f})",
               model_id="bertopic", model_version=str(getattr(model, "run_id_", "")))
        for m in members.itertuples()
    ]


def promote_theme(project: Project, model: ThemeModel, theme: int, *, code_id: str | None = None,
                  name: str | None = None, parent: str = "", author: str = "",
                  add_codings: bool = True) -> Code:
    """Add a theme to the codebook as a new code and suggest it for the theme's members."""
    from evidence.codebook.changes import add_code

    code = draft_code(model, theme, code_id=code_id, name=name, parent=parent)
    add_code(project, code, author=author)
    if add_codings:
        project.add_codings(theme_codings(model, theme, code.id))
    _remember_code(project, model, {theme: code.id})
    return code


def store_theme_codings(project: Project, model: ThemeModel, mapping: dict[int, str], *,
                        coder: str = TOPIC_CODER) -> list[int]:
    """Store the members of mapped themes as suggested ``topic`` codings of existing codes."""
    codings: list[Coding] = []
    for theme, code_id in mapping.items():
        codings += theme_codings(model, int(theme), code_id, coder=coder)
    ids = project.add_codings(codings)
    _remember_code(project, model, mapping)
    return ids


def map_themes_to_codes(model: ThemeModel, codes: pd.DataFrame, embedder: Embedder, *,
                        top: int = 1) -> pd.DataFrame:
    """Nearest existing codes of each theme: cosine between the theme's centre and the code's
    definition + examples (embedded with the same embedder). Columns: theme, label, code, name,
    similarity, rank."""
    if codes.empty:
        return pd.DataFrame(columns=["theme", "label", "code", "name", "similarity", "rank"])
    vectors = []
    for row in codes.itertuples():
        spec = row.spec if isinstance(getattr(row, "spec", None), dict) else {}
        texts = [f"{row.name}: {row.definition}".strip(": ")] + [str(e) for e in spec.get("examples", [])]
        v = embedder.embed(texts).mean(axis=0)
        vectors.append(v / (np.linalg.norm(v) or 1.0))
    code_matrix = np.vstack(vectors)
    rows = []
    for theme in model.themes_.itertuples():
        if theme.id == -1:
            continue
        sims = code_matrix @ model.centroids_[int(theme.id)]
        for rank, i in enumerate(np.argsort(-sims, kind="stable")[:top], start=1):
            rows.append({"theme": int(theme.id), "label": theme.label, "code": codes["id"].iloc[i],
                         "name": codes["name"].iloc[i], "similarity": round(float(sims[i]), 4),
                         "rank": rank})
    return pd.DataFrame(rows)


def _theme_row(model: ThemeModel, theme: int) -> dict[str, Any]:
    found = model.themes_.loc[model.themes_["id"] == theme]
    if found.empty:
        raise InputError("themes", f"no theme {theme}; themes are {sorted(model.themes_['id'])}")
    return found.iloc[0].to_dict()


def _remember_code(project: Project, model: ThemeModel, mapping: dict[int, str]) -> None:
    run_id = getattr(model, "run_id_", None)
    if run_id is None:
        return
    project.store.themes.set_codes(run_id, mapping)
