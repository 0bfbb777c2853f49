"""Writing a bundle atomically (a reader sees the old bundle or the new one, never half of one) and reading it
back, every table from the same bundle."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.errors import ProjectError
from ..core.files import atomic_path, atomic_write_text

if TYPE_CHECKING:
    pass
from .canonical import bundle_manifest
from .schema import MANIFEST_NAME


def write_bundle(tables: dict[str, pd.DataFrame], folder: str | Path,
                 manifest: dict[str, Any] | None = None) -> Path:
    """Write tables and ``manifest.json`` (which lists them) into ``folder`` atomically: temp folder, rename.

    The temporary folder sits in the same parent, so the final rename never crosses a file system.
    An existing bundle is swapped out and removed only after the new one is in place.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        for name, frame in tables.items():
            _write_parquet(frame, temp / f"{name}.parquet")
        manifest = dict(manifest or {})
        manifest.setdefault("tables", bundle_manifest(tables))  # readers read exactly the tables listed here
        (temp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
        os.chmod(temp, 0o755)
        _swap_into_place(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return folder


def _swap_into_place(new: Path, folder: Path) -> None:
    """Replace ``folder`` by ``new``: at every moment ``folder`` is one whole bundle (or, at first, absent).

    On Linux the two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)`` call; elsewhere the
    old bundle moves aside and the new one moves in, so a reader in between finds no folder (and retries),
    never a mixture of two bundles.
    """
    if not folder.exists():
        os.replace(new, folder)
        return
    if _exchange(new, folder):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old bundle
        return
    old = new.with_name(new.name.replace(".new-", ".old-"))
    os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2(RENAME_EXCHANGE); False where unavailable."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def read_bundle(folder: str | Path, *, attempts: int = 20) -> dict[str, pd.DataFrame]:
    """Every table of a bundle (or of a run's ``tables`` copy), by name, all from the same bundle.

    The folder is opened once and every table read through that handle, so a publish that swaps a new
    bundle in half-way through cannot mix tables of two bundles; if the old one is removed under the
    reader, it starts again on the new one.
    """
    folder = Path(folder)
    for attempt in range(attempts):
        try:
            # a folder without its manifest is being removed, or was written by hand: trust it only at the end
            return _read_tables_once(folder, require_manifest=attempt < attempts - 1)
        except FileNotFoundError:
            if not folder.is_dir() or attempt == attempts - 1:
                raise ProjectError(f"{folder}: no results bundle here; run `evidence run` first") from None
            time.sleep(0.01 * (attempt + 1))
    return {}


def _read_tables_once(folder: Path, require_manifest: bool) -> dict[str, pd.DataFrame]:
    if not hasattr(os, "O_DIRECTORY") or os.open not in os.supports_dir_fd:
        return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fd = os.open(MANIFEST_NAME, os.O_RDONLY, dir_fd=handle)
        except FileNotFoundError:
            if require_manifest:
                raise
            names = sorted(n for n in os.listdir(handle) if n.endswith(".parquet") and not n.startswith("."))
            if not names:
                raise
        else:
            with open(fd, encoding="utf-8") as stream:
                names = [f"{name}.parquet" for name in json.load(stream).get("tables", {})]
        tables = {}
        for name in names:
            fd = os.open(name, os.O_RDONLY, dir_fd=handle)
            with open(fd, "rb") as stream:
                tables[name[: -len(".parquet")]] = pd.read_parquet(stream)
        return tables
    finally:
        os.close(handle)


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such manifest; give the manifest.json of a run "
                           "(PROJECT/results/manifest.json or PROJECT/runs/RUN/manifest.json)") from None
    except json.JSONDecodeError as exc:
        raise ProjectError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(manifest, dict):
        raise ProjectError(f"{path}: a manifest must be a JSON object")
    return manifest


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def _write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as temp:
        _write_parquet(frame, temp)


def _write_text_atomic(path: Path, text: str) -> None:
    atomic_write_text(path, text)
