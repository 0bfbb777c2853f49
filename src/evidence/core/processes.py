"""Which of this machine's processes are still alive: for runs and temp folders left by a killed command.

A command records who it is (``process_identity()``: host, pid and the process's start time, so a pid
reused by another program does not count) when it starts a run; the next command to open the project asks
:func:`alive` and marks runs whose process is gone as ``interrupted``. Kernel folders in the temp folder are
named after their process (``evidence-kernel-PID-...``) and removed by :func:`clean_dead_kernel_folders`
once that process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from pathlib import Path

KERNEL_PREFIX = "evidence-kernel-"
_KERNEL_FOLDER = re.compile(re.escape(KERNEL_PREFIX) + r"(?P<pid>\d+)-")
OLD_FOLDER_SECONDS = 7 * 24 * 3600
"""Kernel folders named without a pid (made by older versions) are removed after a week."""


def process_identity(pid: int | None = None) -> dict[str, object]:
    """``{"host", "pid", "started"}`` of a process (this one by default)."""
    pid = os.getpid() if pid is None else pid
    return {"host": socket.gethostname(), "pid": pid, "started": _start_time(pid)}


def _start_time(pid: int) -> float | None:
    import psutil

    try:
        return round(psutil.Process(pid).create_time(), 2)
    except (psutil.Error, OSError):
        return None


def alive(pid: int | None, started: float | None = None, host: str = "") -> bool:
    """True while the process that recorded ``(host, pid, started)`` still runs (or cannot be checked,
    because it ran on another machine)."""
    if host and host != socket.gethostname():
        return True
    if not pid:
        return False
    now = _start_time(int(pid))
    if now is None:
        return False
    return started is None or abs(now - float(started)) < 1.0


def kernel_folder_prefix() -> str:
    """The temp-folder prefix for this process's kernel specs (``evidence-kernel-PID-``)."""
    return f"{KERNEL_PREFIX}{os.getpid()}-"


def clean_dead_kernel_folders(temp_dir: str | Path | None = None) -> list[Path]:
    """Remove ``evidence-kernel-*`` folders whose process is gone; returns the folders removed."""
    folder = Path(temp_dir or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(KERNEL_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        match = _KERNEL_FOLDER.match(path.name)
        try:
            if not path.is_dir() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            if match:
                if alive(int(match["pid"])):
                    continue
            elif time.time() - path.stat().st_mtime < OLD_FOLDER_SECONDS:
                continue
            shutil.rmtree(path)
            removed.append(path)
        except OSError:
            continue
    return removed
