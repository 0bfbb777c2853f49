"""Where the workbench's own files are: the analysis notebooks, the dashboards, the sample corpus, the codebook.

An installed wheel carries copies of them at ``evidence/_data/`` (setup.py puts them there at build time);
a checkout or an editable install has no such copies, so the repository's own folders are used. Code that
needs one of these folders asks here, never builds the path itself.

    from evidence.core.resources import notebooks_folder
    notebooks_folder()          # .../evidence/_data/notebooks in a wheel, REPO/notebooks in a checkout
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).resolve().parents[1] / "_data"
"""The copies inside an installed wheel."""
REPOSITORY = Path(__file__).resolve().parents[3]
"""The checkout this package runs from (meaningful only when it is one)."""


def _folder(*parts: str) -> Path:
    packaged = PACKAGED.joinpath(*parts)
    return packaged if packaged.exists() else REPOSITORY.joinpath(*parts)


def notebooks_folder() -> Path:
    """The tagged analysis notebooks `evidence run` executes (``notebooks/`` in the repository)."""
    return _folder("notebooks")


def dashboards_folder() -> Path:
    """The Voila dashboard notebooks (``dashboards/`` in the repository)."""
    return _folder("dashboards")


def sample_corpus() -> Path:
    """The synthetic sample corpus (``corpora/sample``): transcripts, quotes, outcomes, codings, roster."""
    return _folder("corpora", "sample")


def starter_codebook() -> Path:
    """The starter codebook for partnership evaluation (``corpora/codebook.yaml``)."""
    return _folder("corpora", "codebook.yaml")
