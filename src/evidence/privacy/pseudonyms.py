"""Readable, consistent pseudonyms ("Pupil 017", "School C", "Charity lead 2") from a keyed hash.

The number or letter of a pseudonym comes from HMAC-SHA256(project key, identity), so the same person
gets the same pseudonym in every run and every file; a clash with someone else's pseudonym moves to the
next free slot, and the first holder keeps it (the map is saved). The key and the
pseudonym -> original map live in one file, ``PROJECT/private/pseudonym-key.json``, readable by the
owner only (0600, folder 0700). Nothing else in a project may hold an original.
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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ProjectError
from .roster import KnownName

KEY_FILE_NAME = "pseudonym-key.json"
FORMAT_VERSION = 1

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

    def __repr__(self) -> str:  # never print the secret or the originals
        return f"PseudonymKey(path={str(self.path)!r}, pseudonyms={len(self.entries)})"

    def digest(self, identity: str) -> int:
        return int.from_bytes(hmac.new(self.secret, identity.encode("utf-8"), hashlib.sha256).digest(), "big")

    def pseudonym(self, known: KnownName) -> str:
        """The pseudonym of a known person or organisation (made and remembered on first use)."""
        existing = self._by_identity.get(known.identity)
        if existing is not None:
            return existing
        label, style = label_for(known)
        for candidate in candidates(label, style, self.digest(known.identity)):
            if candidate not in self.entries:
                break
        self.entries[candidate] = {"identity": known.identity, "original": known.name, "kind": known.kind,
                                   "aliases": "; ".join(known.aliases), "role": known.role}
        self._by_identity[known.identity] = candidate
        self.changed = True
        return candidate

    def remember(self, names: Any) -> None:
        """Keep a roster's names in the key file, so later ingests without ``--roster`` still know them."""
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
            names.add(entry["original"], entry["kind"], aliases, role=entry.get("role", ""), origin="key")
        return names

    def pseudonym_of_identity(self, identity: str) -> str | None:
        return self._by_identity.get(identity)

    def original(self, pseudonym: str) -> str | None:
        """The original name behind a pseudonym (None if it is not one of this project's)."""
        entry = self.entries.get(pseudonym)
        return entry["original"] if entry else None

    def save(self, path: Path | None = None) -> Path:
        """Write the key file atomically with owner-only permissions."""
        path = Path(path or self.path or "")
        if not path.name:
            raise ProjectError("pseudonym key has no file to be saved to")
        _private_folder(path.parent)
        payload = {
            "format": FORMAT_VERSION,
            "warning": "Secret. Maps pseudonyms back to real names of pupils and staff. Never publish.",
            "created": self.created or _now(),
            "key": self.secret.hex(),
            "pseudonyms": dict(sorted(self.entries.items())),
            "known": self.known,
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=1, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()
        self.path, self.changed = path, False
        return path


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
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)


def key_path(private_dir: str | Path) -> Path:
    """``private_dir/pseudonym-key.json``, or the path itself when it names a file."""
    path = Path(private_dir)
    return path if path.suffix == ".json" else path / KEY_FILE_NAME


def create_key(private_dir: str | Path) -> PseudonymKey:
    """Create a new key file with a fresh random 256-bit key; ProjectError if one exists already."""
    path = key_path(private_dir)
    if path.exists():
        raise ProjectError(f"{path}: a pseudonym key exists already; load it with load_key (a new key "
                           "would give everyone new pseudonyms)")
    key = PseudonymKey(secret=secrets.token_bytes(32), path=path, created=_now())
    key.save()
    return key


def load_key(private_dir: str | Path) -> PseudonymKey:
    """Load the key file from a project's private folder (or from the file path itself)."""
    path = key_path(private_dir)
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
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProjectError(f"{path}: not a valid pseudonym key file ({exc}); restore it from your "
                           "backup") from None
    if len(secret) < 16:
        raise ProjectError(f"{path}: the key is too short; restore the key file from your backup")
    return PseudonymKey(secret=secret, entries=entries, known=known, path=path,
                        created=str(payload.get("created", "")))


def load_or_create_key(private_dir: str | Path) -> PseudonymKey:
    """The project's key: loaded if the file exists, else created."""
    path = key_path(private_dir)
    return load_key(path) if path.exists() else create_key(path)
