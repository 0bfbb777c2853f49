"""The coders, by method name: one protocol every coder follows, and the registry ``autocode`` looks methods up in.

    spec = coder_method("rules")                  # an unknown name: an error listing the registered ones
    model = spec.build(project, CoderSetup(coder="rules", ...))
    model.codings(segments, vectors)              # vectors: embeddings of the segments when spec.embeds

A coder (:class:`Coder`) is fitted when built (from the codebook, and for a learning coder from a person's
codings), then codes segments into suggested :class:`evidence.core.model.Coding` records carrying its
``origin``, ``coder`` name and ``model_id``. ``evidence autocode --method`` offers :func:`method_names`.
Importing this module is cheap: each builder imports its coder only when called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from evidence.core.errors import EvidenceError

if TYPE_CHECKING:  # the registry is read when the CLI builds its parser: no pandas import for that
    import numpy as np
    import pandas as pd

    from evidence.core.model import Coding


@runtime_checkable
class Coder(Protocol):
    """What every coder offers once fitted: who it codes as, which model, and its codings of segments."""

    origin: str
    """The ``origin`` on its codings ("rule", "similarity", "classifier")."""
    coder: str
    """The coder name its codings are stored under."""

    @property
    def model_id(self) -> str: ...

    def codings(self, segments: pd.DataFrame, vectors: np.ndarray | None = None) -> list[Coding]:
        """Suggested codings for a segments frame (``id``, ``text``; ``vectors`` when the coder embeds)."""
        ...


@dataclass(frozen=True)
class CoderSetup:
    """What a builder may use: the codebook, the coder name, the embedder (for coders that embed), the
    person whose codings a learning coder learns from, the seed and the spaCy pipeline name."""

    codebook: Any
    coder: str
    embedder: Any = None
    train_coder: str | None = None
    seed: int = 0
    pipeline: str = ""


@dataclass(frozen=True)
class CoderMethod:
    """A registered method: its name, how to build (fit) its coder, and what it needs."""

    name: str
    build: Callable[[Any, CoderSetup], Coder]
    help: str
    embeds: bool = False
    """The coder needs the project's embedder (its codings take the segments' vectors)."""
    learns: bool = False
    """The coder learns from a person's codings (``train_coder``), so it reports cross-validated quality and
    the scope it learnt."""


_REGISTRY: dict[str, CoderMethod] = {}


def register(method: CoderMethod) -> CoderMethod:
    """Add (or replace) a method in the registry."""
    _REGISTRY[method.name] = method
    return method


def method_names() -> tuple[str, ...]:
    """The registered method names, in registration order."""
    return tuple(_REGISTRY)


def coder_method(name: str) -> CoderMethod:
    """The registered method called ``name``; an unknown name is an error that lists the registered ones."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise EvidenceError(f"unknown method {name!r}; choose one of {', '.join(method_names())}") from None


# -- the workbench's coders ---------------------------------------------------------------------------
def _rules(project: Any, setup: CoderSetup) -> Coder:
    from evidence.coding.rules import RuleCoder

    return RuleCoder(setup.codebook, coder=setup.coder or "rules", pipeline=setup.pipeline).fit()


def _similarity(project: Any, setup: CoderSetup) -> Coder:
    from evidence.coding.similarity import SimilarityCoder

    return SimilarityCoder(setup.codebook, setup.embedder, coder=setup.coder or "similarity").fit()


def _classifier(project: Any, setup: CoderSetup) -> Coder:
    from evidence.coding.classifier import ClassifierCoder
    from evidence.coding.labels import coded_segments
    from evidence.coding.priors import CodebookPriors
    from evidence.coding.scope import learnt_scope

    if not setup.train_coder:
        raise EvidenceError("the classifier learns from a person's codings: pass --train-coder NAME")
    segments, labels = coded_segments(project, setup.train_coder)
    vectors = setup.embedder.embed(segments["text"].tolist())
    priors = CodebookPriors(setup.codebook, setup.embedder).fit()
    model = ClassifierCoder(setup.embedder, priors=priors, random_state=setup.seed,
                            coder=setup.coder or "classifier")
    model.fit(segments["text"].tolist(), labels, vectors)
    model.scope_ = learnt_scope(segments)  # where it may apply what it learnt (evidence.coding.scope)
    return model


register(CoderMethod("rules", _rules, "the codebook's lemma rules"))
register(CoderMethod("similarity", _similarity, "similarity to the code definitions and examples", embeds=True))
register(CoderMethod("classifier", _classifier, "a classifier trained on a researcher's codings",
                     embeds=True, learns=True))

__all__ = ["Coder", "CoderMethod", "CoderSetup", "coder_method", "method_names", "register"]
