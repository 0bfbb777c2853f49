"""What the command line prints besides its results: progress, warnings (each once) and errors.

``configure(verbosity)`` is called once by ``evidence.cli.main``:

- ``--quiet`` (verbosity -1): results and errors only; no progress lines, bars or warnings.
- default (0): results, progress lines, and each warning once as ``warning: ...`` on stderr.
- ``--verbose`` (1): also what the workbench does step by step (its INFO log); ``-vv`` (2) adds the
  workbench's DEBUG log and the third-party libraries' own warnings and INFO logs, otherwise kept quiet.

A warning raised with ``warnings.warn`` (the way library code tells a notebook user) reaches the
terminal through the same handler, so it is printed once, not once by ``warnings`` and again by a log line.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

PROGRESS = "evidence.core.progress"
"""Logger for progress lines (`evidence run` naming each notebook, ...): shown unless --quiet."""

THIRD_PARTY_LOGGERS = (
    "BERTopic", "papermill", "sentence_transformers", "transformers", "huggingface_hub", "numba", "umap",
    "pynndescent", "traitlets", "nbclient", "matplotlib", "jieba", "torch",
)
"""Libraries whose INFO/WARNING chatter (model loading notes, TensorFlow hints) means nothing to a user."""

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",             # TensorFlow's start-up notes, should a library import it
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TOKENIZERS_PARALLELISM": "false",       # the tokenizers fork warning
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_OFFLINE": "1",                   # nothing is ever downloaded at run time
    "TRANSFORMERS_OFFLINE": "1",
}


class OncePerMessage(logging.Filter):
    """Let each distinct message through once per command."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name.split(".")[0], record.levelno, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class BelowError(logging.Filter):
    """On a library's own logger: drop its INFO/WARNING records, even when it raises its own level
    (BERTopic(verbose=True) sets its logger to DEBUG and adds a handler of its own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def workbench_warning(warning: warnings.WarningMessage) -> bool:
    """A warning the workbench itself raised for the user (not a library's ImportWarning or runtime note)."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    try:
        inside = Path(warning.filename).resolve().is_relative_to(package)
    except (OSError, ValueError):
        inside = False
    return inside and issubclass(warning.category, UserWarning)


class TerminalFormatter(logging.Formatter):
    """``warning: message`` / ``error: message``; progress lines as they are; details with their module."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == PROGRESS:
            return message
        if record.name == "py.warnings":  # "path:line: UserWarning: text\n  source line" -> "text"
            message = _warning_text(message)
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return f"{record.name}: {message}"


def _warning_text(formatted: str) -> str:
    first = formatted.strip().splitlines()[0] if formatted.strip() else formatted
    for marker in ("Warning: ",):
        head, sep, tail = first.partition(marker)
        if sep and ":" in head:
            return tail
    return first


def configure(verbosity: int = 0, stream=None) -> logging.Handler:
    """Route warnings and logs to stderr for a command run at this verbosity (-1 quiet .. 2 debug)."""
    for name, value in QUIET_ENVIRONMENT.items():
        if verbosity < 2:
            os.environ.setdefault(name, value)
    if verbosity < 0:
        os.environ["TQDM_DISABLE"] = "1"  # tqdm >= 4.66 reads its options from TQDM_* variables

    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(TerminalFormatter())
    handler.addFilter(OncePerMessage())
    handler.setLevel(logging.ERROR if verbosity < 0 else logging.DEBUG)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_evidence_cli", False)]:
        root.removeHandler(old)
    handler._evidence_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)

    evidence = logging.getLogger("evidence")
    evidence.setLevel({-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG))
    logging.getLogger(PROGRESS).setLevel(logging.ERROR if verbosity < 0 else logging.INFO)
    for name in THIRD_PARTY_LOGGERS:
        library = logging.getLogger(name)
        for old in [f for f in library.filters if isinstance(f, BelowError)]:
            library.removeFilter(old)
        library.setLevel(logging.INFO if verbosity >= 2 else logging.ERROR)  # numba's DEBUG is a flood
        if verbosity < 2:
            library.addFilter(BelowError())

    logging.captureWarnings(True)
    # Python's own filters stay underneath (ResourceWarning, ImportWarning and DeprecationWarning hidden, the
    # rest once per place it is raised); OncePerMessage dedupes what is left.
    if verbosity < 2:
        for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning,
                         ImportWarning):
            warnings.filterwarnings("ignore", category=category)
        # Libraries' own runtime notes (numba, sklearn convergence, ...) stay hidden; the workbench's show.
        warnings.filterwarnings("ignore", category=UserWarning)
        warnings.filterwarnings("default", category=UserWarning, module=r"evidence(\.|$)")
        warnings.filterwarnings("ignore", category=RuntimeWarning)
    return handler


def progress(message: str) -> None:
    """A progress line on stderr (hidden by --quiet)."""
    logging.getLogger(PROGRESS).info(message)


def to_json(value: object) -> str:
    """A command's report as indented JSON: dataclasses become objects, paths and dates strings."""
    import dataclasses
    import json

    def plain(item: object) -> object:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            record = {f.name: plain(getattr(item, f.name)) for f in dataclasses.fields(item)}
            if isinstance(getattr(type(item), "ok", None), property):
                record["ok"] = bool(getattr(item, "ok"))
            return record
        if isinstance(item, dict):
            return {str(k): plain(v) for k, v in item.items()}
        if isinstance(item, (list, tuple, set)):
            return [plain(v) for v in item]
        if hasattr(item, "item") and callable(item.item):  # numpy scalars
            return item.item()
        return item

    return json.dumps(plain(value), indent=2, ensure_ascii=False, default=str)
