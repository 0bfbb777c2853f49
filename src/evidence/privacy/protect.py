"""The ingest step: ``Project.ingest`` calls ``protector(project, roster)(reading)`` on each file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .detect import load_ner
from .pseudonyms import load_or_create_key
from .replace import pseudonymise_reading
from .roster import KnownNames, load_roster

if TYPE_CHECKING:
    from evidence.project import Project


def protector(project: Project, roster: str | Path | None = None) -> Callable[[Any], Any]:
    """A function that pseudonymises one ingest ``Reading`` of ``project``.

    Known names are the roster's (remembered in the key file, so a later ingest without ``--roster``
    still knows them), every name the key has pseudonymised before, and each file's own speakers,
    school, partnership and quote-table pupils. Counts of what was replaced (never originals) go into
    ``source.metadata["privacy"]`` for ``evidence privacy-report``.
    """
    key = load_or_create_key(project.private_dir)
    if roster:
        key.remember(load_roster(roster))  # saved under the key's lock
    nlp = _ner(project)
    roles = role_labels(project)

    from .publish import schools_public

    public = ("school",) if schools_public(getattr(project, "config", {}) or {}) else ()

    def protect(reading: Any) -> Any:
        with key.locked():  # one file's new pseudonyms are assigned and saved while no other command can
            known = key.known_names()
            known.role_labels = roles
            if public:  # schools_public: true in evidence.yaml: schools keep their names
                known = KnownNames([k for k in known if k.kind not in public], roles, public)
            new, replacements = pseudonymise_reading(reading, known, key, nlp=nlp)
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


def _ner(project: Project) -> Any | None:
    """A trained spaCy pipeline named in the config (``ner_pipeline`` or ``spacy_pipeline``), else any installed."""
    config = getattr(project, "config", {}) or {}
    name = config.get("ner_pipeline") or config.get("spacy_pipeline") or ""
    if config.get("ner_pipeline") is False:
        return None
    if name and not str(name).startswith("blank:"):
        found = load_ner(str(name))
        if found is not None:
            return found
    return load_ner()
