"""The bundle's tables: the one list of them (:data:`BUNDLE_TABLES`), their columns and keys."""

from __future__ import annotations

from dataclasses import dataclass

MANIFEST_NAME = "manifest.json"
STAGED_FOLDER = ("cache", "staged")


@dataclass(frozen=True)
class TableSpec:
    """A bundle table: its documented columns (in order) and the key its rows are sorted and diffed on.

    ``required`` columns must be present; any further columns a producer adds are kept after them.
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...] = ()
    source: str = "staged"  # "store" (read at publish time), "staged" (made by an analysis notebook) or
    # "run" (what the run itself notes: steps skipped for want of inputs, evidence.pipeline.analysis.note)


BUNDLE_TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("segments", ("id", "source", "kind", "start", "end", "text", "order", "speaker", "role", "case",
                           "wave", "parent", "timestamp", "school", "partnership", "source_title", "question"),
              key=("id",), required=("id", "source", "kind", "text"), source="store"),
    TableSpec("codes", ("id", "parent", "name", "colour", "definition", "level", "dashboard"),
              key=("id",), required=("id", "name"), source="store"),
    TableSpec("codings", ("id", "segment", "code", "coder", "origin", "status", "start", "end", "confidence",
                          "explanation"),
              key=("segment", "code", "coder", "origin", "start", "end"), required=("segment", "code"),
              source="store"),
    TableSpec("cases", ("id", "kind", "name"), key=("id",), required=("id", "kind"), source="store"),
    TableSpec("themes", ("id", "label", "size", "words"), key=("id",), required=("id", "label")),
    TableSpec("theme_assignments", ("segment", "theme"), key=("segment",), required=("segment", "theme")),
    TableSpec("outcomes", ("pupil", "school", "urn", "group", "pre", "post", "gain"), key=("pupil",),
              required=("pupil",)),
    TableSpec("schools", ("urn", "school"), key=("urn",), required=("urn",)),
    TableSpec("effects", ("comparison", "outcome", "g", "ci_low", "ci_high", "n_treatment", "n_comparison",
                          "months", "label", "note"),
              key=("comparison", "outcome"), required=("comparison", "g")),
    TableSpec("joint_display", ("code", "name", "n_segments"), key=("code",), required=("code",)),
    TableSpec("voice_pairs", ("pupil", "code", "before_text", "after_text", "change", "stance_before",
                              "stance_after"),
              key=("pupil", "code"), required=("pupil", "code")),
    TableSpec("agreement", ("code", "n", "kappa", "alpha", "agreement"), key=("code",), required=("code",)),
    TableSpec("machine_agreement", ("coder", "against", "code", "n", "kappa", "alpha", "agreement", "note"),
              key=("coder", "against", "code"), required=("coder", "against", "code")),
    TableSpec("notes", ("step", "note", "tables"), key=("step", "note"), required=("step", "note"), source="run"),
)}
"""Every table a bundle may hold. Staged tables not named here are published as they are (key: all columns)."""
