"""The project's pseudonymiser, set up in one place, and the ingest step that uses it.

:func:`privacy_setup` is the one function that builds a project's pseudonymiser: the key file (with
a roster's names remembered in it), the project's settings (``pseudonymise``, ``role_labels``,
``schools_public``) and the trained spaCy pipeline for names (:func:`evidence.nlp.pipeline.ner_pipeline`).
``Project.ingest`` (through :func:`protector`), ``evidence import-qdpx`` and the codebook
(:mod:`evidence.refi.pseudonymise`) all ask it, so the same name gets the same pseudonym, with the same
role labels and public kinds, whichever way it came in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ProjectError
from ..nlp.pipeline import ner_pipeline
from .pseudonyms import PseudonymKey, load_or_create_key
from .replace import pseudonymise_reading
from .roster import KnownNames, load_roster

if TYPE_CHECKING:
    from evidence.project import Project

@dataclass
class PrivacySetup:
    """A project's pseudonymiser settings: its key, role labels, public kinds and (loaded when first used) the
    NER pipeline its config names."""

    key: PseudonymKey
    config: dict[str, Any] = field(default_factory=dict)
    role_labels: tuple[str, ...] = ()
    public_kinds: tuple[str, ...] = ()

    @cached_property
    def nlp(self) -> Any | None:
        """The trained spaCy pipeline that finds names (:func:`evidence.nlp.pipeline.ner_pipeline`), or None."""
        return ner_pipeline(self.config)

    def known_names(self) -> KnownNames:
        """Every name the key knows, with the project's role labels; public kinds (schools with
        ``schools_public: true``) left out, since they keep their names."""
        known = self.key.known_names()
        known.role_labels = self.role_labels
        if self.public_kinds:
            known = KnownNames([k for k in known if k.kind not in self.public_kinds], self.role_labels,
                               self.public_kinds)
        return known


def privacy_setup(project: Project, roster: str | Path | None = None) -> PrivacySetup | None:
    """The project's pseudonymiser, or None when evidence.yaml sets ``pseudonymise: false``.

    A roster's names are remembered in the key file (saved under the key's lock), so a later ingest or
    import without ``--roster`` still knows them. A roster with ``pseudonymise: false`` is an error.
    """
    from .publish import schools_public

    config = getattr(project, "config", None) or {}
    if not config.get("pseudonymise", True):
        if roster:
            raise ProjectError("a roster was given but `pseudonymise: false` is set in evidence.yaml")
        return None
    key = load_or_create_key(project.private_dir)
    if roster:
        key.remember(load_roster(roster))
    return PrivacySetup(key, dict(config), role_labels(project), ("school",) if schools_public(config) else ())


def protector(project: Project, roster: str | Path | None = None) -> Callable[[Any], Any] | None:
    """A function that pseudonymises one ingest ``Reading`` of ``project`` (None with ``pseudonymise: false``).

    Known names are the roster's (remembered in the key file, so a later ingest without ``--roster``
    still knows them), every name the key has pseudonymised before, and each file's own speakers,
    school, partnership and quote-table pupils. Counts of what was replaced (never originals) go into
    ``source.metadata["privacy"]`` for ``evidence privacy-report``.
    """
    setup = privacy_setup(project, roster)
    if setup is None:
        return None
    key, nlp = setup.key, setup.nlp

    def protect(reading: Any) -> Any:
        with key.locked():  # one file's new pseudonyms are assigned and saved while no other command can
            new, replacements = pseudonymise_reading(reading, setup.known_names(), key, nlp=nlp)
        counts = Counter(r.kind for r in replacements)
        new.source.metadata = {**new.source.metadata, "privacy": {
            "replaced": dict(sorted(counts.items())), "detectors": dict(sorted(Counter(
                r.detector for r in replacements).items())), "ner": nlp is not None,
        }}
        if counts:
            new.notes.append("pseudonymised " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())))
        return new

    return protect


def role_labels(project: Project) -> tuple[str, ...]:
    """The project's own role labels (``role_labels`` in evidence.yaml), besides the built-in list."""
    config = getattr(project, "config", {}) or {}
    value = config.get("role_labels") or ()
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    return tuple(str(v).strip() for v in value if str(v).strip())
