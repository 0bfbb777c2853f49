"""Readable, consistent pseudonyms ("Pupil 017", "School C", "Charity lead 2") from a keyed hash.

The number or letter of a pseudonym comes from HMAC-SHA256(project key, identity), so the same person
gets the same pseudonym in every run and every file; a clash with someone else's pseudonym moves to the
next free slot, and the first holder keeps it (the map is saved). The key and the
pseudonym -> original map live in one file, ``PROJECT/private/pseudonym-key.json``, readable by the
owner only (0600, folder 0700). Nothing else in a project may hold an original.

Any number of commands may share one key at once (two ``evidence ingest`` side by side): every new
pseudonym is assigned while holding an exclusive lock on ``private/.pseudonym-key.lock``, after
re-reading the file, and the file is written (atomically) before the lock is let go. So a name has one
pseudonym and a pseudonym one name, whichever command met it first. ``with key.locked():`` holds the
lock across many assignments (one reading of one file) so the file is written once; a second writer
waits for it (up to ``EVIDENCE_LOCK_TIMEOUT`` seconds, 600 by default) and then stops with a message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..core.errors import ProjectError
from ..core.files import atomic_write_text
from .roster import KnownName

KEY_FILE_NAME = "pseudonym-key.json"
LOCK_FILE_NAME = ".pseudonym-key.lock"
FORMAT_VERSION = 1
DEFAULT_LOCK_TIMEOUT = 600.0

# kind -> (label, style): "number:N" pads to N digits and starts at N digits' range; "letters"
LABELS = {
    "pupil": ("Pupil", "number:3"),
    "staff": ("Staff", "number:2"),
    "parent": ("Parent", "number:2"),
    "person": ("Person", "number:2"),
    "speaker": ("Speaker", "number:1"),
    "school": ("School", "letters"),
    "partnership": ("Partnership", "letters"),
    "charity": ("Charity", "letters"),
}


@dataclass
class PseudonymKey:
    """The project's secret key and the map from each pseudonym to the original it stands for."""

    secret: bytes
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    known: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    created: str = ""
    changed: bool = False

    def __post_init__(self) -> None:
        self._by_identity = {entry["identity"]: pseudonym for pseudonym, entry in self.entries.items()}
        self._lock: Any = None
        self._depth = 0
        self._seen: tuple[int, int, int] | None = _file_state(self.path) if self.path else None

    def __repr__(self) -> str:  # never print the secret or the originals
        return f"PseudonymKey(path={str(self.path)!r}, pseudonyms={len(self.entries)})"

    def digest(self, identity: str) -> int:
        return int.from_bytes(hmac.new(self.secret, identity.encode("utf-8"), hashlib.sha256).digest(), "big")

    def pseudonym(self, known: KnownName) -> str:
        """The pseudonym of a known person or organisation (made and remembered on first use)."""
        existing = self._by_identity.get(known.identity)
        if existing is not None:
            return existing
        if self.path is not None and not self._depth:
            with self.locked():  # another command may have given this person a pseudonym meanwhile
                return self.pseudonym(known)
        label, style = label_for(known)
        for candidate in candidates(label, style, self.digest(known.identity)):
            if candidate not in self.entries:
                break
        self.entries[candidate] = {"identity": known.identity, "original": known.name, "kind": known.kind,
                                   "aliases": "; ".join(known.aliases), "role": known.role}
        if known.origin == "title":  # read off "Dr. Nagy" in a text: stays matched capitalised only
            self.entries[candidate]["origin"] = "title"
        self._by_identity[known.identity] = candidate
        self.changed = True
        return candidate

    def remember(self, names: Any) -> None:
        """Keep a roster's names in the key file, so later ingests without ``--roster`` still know them."""
        if self.path is not None and not self._depth:
            with self.locked():
                self.remember(names)
            return
        have = {(k["name"], k["kind"]) for k in self.known}
        for known in names:
            record = {"name": known.name, "kind": known.kind, "aliases": list(known.aliases), "role": known.role}
            if (known.name, known.kind) in have:
                old = next(k for k in self.known if (k["name"], k["kind"]) == (known.name, known.kind))
                if set(record["aliases"]) - set(old["aliases"]):
                    old["aliases"] = sorted(set(old["aliases"]) | set(record["aliases"]))
                    self.changed = True
                continue
            self.known.append(record)
            have.add((known.name, known.kind))
            self.changed = True

    def known_names(self) -> Any:
        """Every name this key has seen: remembered roster entries and every pseudonymised original."""
        from .roster import KnownNames

        names = KnownNames()
        for k in self.known:
            names.add(k["name"], k["kind"], k.get("aliases", []), role=k.get("role", ""), origin="roster")
        for entry in self.entries.values():
            aliases = [a for a in entry.get("aliases", "").split("; ") if a]
            names.add(entry["original"], entry["kind"], aliases, role=entry.get("role", ""),
                      origin="title" if entry.get("origin") == "title" else "key")
        return names

    def pseudonym_of_identity(self, identity: str) -> str | None:
        return self._by_identity.get(identity)

    def original(self, pseudonym: str) -> str | None:
        """The original name behind a pseudonym (None if it is not one of this project's)."""
        entry = self.entries.get(pseudonym)
        return entry["original"] if entry else None

    @contextmanager
    def locked(self) -> Iterator[PseudonymKey]:
        """Hold the key file's exclusive lock: re-read it on the way in, write it (if changed) on the way out.

        Nested use joins the outer lock. Every pseudonym assigned inside is checked against what other
        commands have saved, so concurrent commands never give one name two pseudonyms or one
        pseudonym two names. A key without a file (tests, dry runs) needs no lock.
        """
        if self.path is None:
            yield self
            return
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        lock = _acquire(self.path)
        self._lock, self._depth = lock, 1
        try:
            self._refresh()
            yield self
        finally:
            try:
                if self.changed:
                    self._write(self.path)
            finally:
                self._depth, self._lock = 0, None
                lock.release()

    def save(self, path: Path | None = None) -> Path:
        """Write the key file atomically with owner-only permissions (under the key's lock)."""
        path = Path(path or self.path or "")
        if not path.name:
            raise ProjectError("pseudonym key has no file to be saved to")
        if self.path is not None and path != self.path:  # a copy elsewhere: no one else writes it
            self.path, self._seen = path, None
            if not path.exists():
                self._write(path)
                return path
        self.path = path
        self.changed = True
        with self.locked():
            pass
        return path

    def _refresh(self) -> None:
        """Take in what other commands saved since this key was read (called with the lock held)."""
        assert self.path is not None
        state = _file_state(self.path)
        if state is None or state == self._seen:
            return
        secret, entries, known, created = _read_payload(self.path)
        if secret != self.secret:
            raise ProjectError(f"{self.path}: the pseudonym key file was replaced by a different key while "
                               "this command ran; restore the right key from your backup before going on")
        for pseudonym, entry in self.entries.items():  # anything assigned here but never saved
            theirs = entries.get(pseudonym)
            if theirs is None:
                if any(e["identity"] == entry["identity"] for e in entries.values()):
                    continue  # the other command's pseudonym for this person wins
                entries[pseudonym] = entry
                self.changed = True
        have = {(k["name"], k["kind"]) for k in known}
        for record in self.known:
            if (record["name"], record["kind"]) not in have:
                known.append(record)
                self.changed = True
        self.entries, self.known, self.created = entries, known, created or self.created
        self._by_identity = {entry["identity"]: pseudonym for pseudonym, entry in entries.items()}
        self._seen = state

    def _write(self, path: Path) -> None:
        _private_folder(path.parent)
        payload = {
            "format": FORMAT_VERSION,
            "warning": "Secret. Maps pseudonyms back to real names of pupils and staff. Never publish.",
            "created": self.created or _now(),
            "key": self.secret.hex(),
            "pseudonyms": dict(sorted(self.entries.items())),
            "known": self.known,
        }
        try:  # the temporary file is private from the start, and the key stays 0o600
            atomic_write_text(path, json.dumps(payload, indent=1, ensure_ascii=False), mode=0o600)
        except OSError as exc:
            raise ProjectError(f"{path}: cannot write the pseudonym key ({exc.strerror}); is the project "
                               "folder read-only? Nothing was stored.") from None
        self.path, self.changed = path, False
        self._seen = _file_state(path)


def _file_state(path: Path | None) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of the key file, to know whether another command has replaced it."""
    try:
        info = Path(path or "").stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def lock_timeout() -> float:
    """Seconds a command waits for another one's hold on the key (``EVIDENCE_LOCK_TIMEOUT``, default 600)."""
    try:
        return float(os.environ.get("EVIDENCE_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _acquire(path: Path) -> Any:
    """The exclusive lock beside the key file, held; ProjectError when it cannot be had."""
    import filelock

    _private_folder(path.parent)
    lock = filelock.FileLock(path.parent / LOCK_FILE_NAME, mode=0o600, thread_local=False,
                             fallback_to_soft=False, preserve_lock_file=True)
    timeout = lock_timeout()
    try:
        lock.acquire(timeout=timeout)
    except filelock.Timeout:
        raise ProjectError(f"{path}: another evidence command has held the pseudonym key for {timeout:.0f} s; "
                           "wait for it to finish (or set EVIDENCE_LOCK_TIMEOUT) and run this again. "
                           "Nothing was stored.") from None
    except OSError as exc:
        raise ProjectError(f"{path.parent}: cannot lock the pseudonym key ({exc.strerror or exc}); is the "
                           "project folder read-only? Nothing was stored.") from None
    return lock


def label_for(known: KnownName) -> tuple[str, str]:
    """The pseudonym label: role-based for speakers ("Charity lead"), else by kind ("Pupil")."""
    if known.kind == "speaker" and known.role:
        role = known.role.split(",")[0].split("(")[0].strip()
        if role and len(role) <= 30 and all(c.isalpha() or c in " -'" for c in role):
            return role[:1].upper() + role[1:].lower(), "number:1"
    return LABELS.get(known.kind, LABELS["person"])


def candidates(label: str, style: str, digest: int) -> Iterator[str]:
    """Pseudonyms to try in order: a hash-chosen slot, then the next ones, tier by tier."""
    if style == "letters":
        width = 1
        while True:
            size = 26**width
            start = digest % size
            for step in range(size):
                yield f"{label} {_letters((start + step) % size, width)}"
            width += 1
    digits = int(style.split(":")[1])
    width = digits
    low = 1
    while True:
        high = 10**width - 1
        size = high - low + 1
        start = digest % size
        for step in range(size):
            number = low + (start + step) % size
            yield f"{label} {number:0{digits}d}"
        low, width = high + 1, width + 1


def _letters(index: int, width: int) -> str:
    out = []
    for _ in range(width):
        index, rest = divmod(index, 26)
        out.append(string.ascii_uppercase[rest])
    return "".join(reversed(out))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if stat.S_IMODE(folder.stat().st_mode) != 0o700:
            os.chmod(folder, 0o700)
    except OSError as exc:
        raise ProjectError(f"{folder}: cannot make the private folder owner-only ({exc.strerror or exc}); "
                           "is the project folder read-only?") from None


def key_path(private_dir: str | Path) -> Path:
    """``private_dir/pseudonym-key.json``, or the path itself when it names a file."""
    path = Path(private_dir)
    return path if path.suffix == ".json" else path / KEY_FILE_NAME


def create_key(private_dir: str | Path) -> PseudonymKey:
    """Create a new key file with a fresh random 256-bit key; ProjectError if one exists already."""
    path = key_path(private_dir)
    lock = _acquire(path)
    try:
        if path.exists():
            raise ProjectError(f"{path}: a pseudonym key exists already; load it with load_key (a new key "
                               "would give everyone new pseudonyms)")
        key = PseudonymKey(secret=secrets.token_bytes(32), path=path, created=_now())
        key._write(path)
    finally:
        lock.release()
    return key


def load_key(private_dir: str | Path) -> PseudonymKey:
    """Load the key file from a project's private folder (or from the file path itself)."""
    path = key_path(private_dir)
    state = _file_state(path)
    secret, entries, known, created = _read_payload(path)
    key = PseudonymKey(secret=secret, entries=entries, known=known, path=path, created=created)
    key._seen = state
    return key


def _read_payload(path: Path) -> tuple[bytes, dict[str, dict[str, str]], list[dict[str, Any]], str]:
    """The secret, entries, remembered names and creation time in a key file; ProjectError if unusable."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ProjectError(f"{path}: no pseudonym key file (it is made on the first ingest with "
                           "pseudonymisation)") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ProjectError(f"{path}: the key file can be read by other users; run `chmod 600 {path}` "
                           "and check who may have seen it")
    try:
        payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        secret = bytes.fromhex(payload["key"])
        entries = {str(k): dict(v) for k, v in payload.get("pseudonyms", {}).items()}
        known = [dict(k) for k in payload.get("known", [])]
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ProjectError(f"{path}: not a valid pseudonym key file ({exc}); restore it from your "
                           "backup") from None
    if len(secret) < 16:
        raise ProjectError(f"{path}: the key is too short; restore the key file from your backup")
    return secret, entries, known, str(payload.get("created", ""))


def load_or_create_key(private_dir: str | Path) -> PseudonymKey:
    """The project's key: loaded if the file exists, else created (two commands starting at once
    get the same key: the second waits for the first's lock, then loads what it made)."""
    path = key_path(private_dir)
    if path.exists():
        return load_key(path)
    try:
        return create_key(path)
    except ProjectError:
        if path.exists():
            return load_key(path)
        raise
