"""Atomic file writes: the one place the workbench replaces a file so a crash never leaves half of it.

    atomic_write_text(path, text)              # or atomic_write_bytes(path, data)
    with atomic_path(path) as temp:            # for writers that want a path (parquet, zip, np.save)
        frame.to_parquet(temp)

Every write goes to a temporary file in the target's own folder (so the rename stays on one file
system), is flushed to disk (``fsync``), renamed over the target with ``os.replace`` and the folder is
flushed too, so after a crash or power cut the path holds either the old file or the whole new one.
A failed write removes its temporary file and leaves the old file as it was. ``mode`` (e.g. ``0o600``
for the pseudonym key) is set on the temporary file before it takes the target's name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _default_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (0o666 less the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: str | Path) -> None:
    """Flush a folder's entries (a rename into it) to disk; a no-op where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a folder; the rename itself is still atomic
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | Path, *, mode: int | None = None) -> Iterator[Path]:
    """A temporary path next to ``path`` to write to; on leaving the block it is flushed and renamed over
    ``path`` (nothing is replaced if the block raises). The target's folder is created if missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, _default_mode() if mode is None else mode)
        _fsync_file(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync_folder(path.parent)


def atomic_write_bytes(path: str | Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename, fsync the folder)."""
    path = Path(path)
    with atomic_path(path, mode=mode) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)
    return path


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8", mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode(encoding), mode=mode)


__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "fsync_folder"]
