"""Values as the store keeps them: timestamps and JSON text."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any


def now() -> str:
    """UTC timestamp in ISO 8601 with seconds, as stored in every ``*_at`` column."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode  # built once, not per row


def to_json(value: Any) -> str:
    """JSON text as stored in the ``metadata``/``spec``/``detail``/``data`` columns (sorted keys, UTF-8)."""
    return _ENCODE(value)


def _json(value: dict[str, Any]) -> str:
    return to_json(value) if value else "{}"
