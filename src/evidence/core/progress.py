"""Progress bars for steps that take more than a few seconds, shown only to a person at a terminal.

    for batch in progress_bar(batches, total=n, desc="embedding", unit="text"):
        ...

One rule decides whether a bar is drawn (:func:`progress_wanted`): when standard error is a terminal,
unless ``EVIDENCE_PROGRESS=0`` turns bars off (``EVIDENCE_PROGRESS=1`` forces them on, for a notebook
or a log). Bars go to standard error, so ``--json`` output on standard output stays clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any


def progress_wanted() -> bool:
    """True when a progress bar should be drawn (see the module docstring)."""
    setting = os.environ.get("EVIDENCE_PROGRESS", "").strip().lower()
    if setting in {"0", "false", "no", "off"}:
        return False
    if setting in {"1", "true", "yes", "on"}:
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def progress_bar(iterable: Iterable[Any] | None = None, *, total: int | None = None, desc: str = "",
                 unit: str = "it", enabled: bool | None = None) -> Any:
    """A tqdm bar on standard error; silent unless ``enabled`` (default: :func:`progress_wanted`)."""
    from tqdm import tqdm

    show = progress_wanted() if enabled is None else bool(enabled)
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not show, file=sys.stderr,
                dynamic_ncols=True, leave=False)
