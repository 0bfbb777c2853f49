"""Stable GUIDs: the same project object gets the same GUID in every export.

An object that came from another tool keeps the GUID it had there (table ``refi_objects``); any other
object gets ``uuid5(project namespace, "kind:local id")``, where the namespace is a random UUID made
once per project (table ``refi_namespace``). So re-exporting a project, or exporting again what was
imported, never invents new identities that the other tool would read as new codes or sources.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError

if TYPE_CHECKING:
    from ..store import Store

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


def normalise_guid(value: str | None, path: str = "<qde>", what: str = "object") -> str:
    """A GUID in lower case without braces (tools write ``{ABC-...}``, ``abc-...`` or either case)."""
    match = _GUID.match((value or "").strip())
    if not match:
        raise InputError(path, f"{what} has no valid GUID ({value!r})",
                         hint="the file does not follow the REFI-QDA standard; export it again")
    return match.group(1).lower()


def is_guid(value: str | None) -> bool:
    return bool(_GUID.match((value or "").strip()))


class GuidBook:
    """The GUIDs of one project: remembered ones from ``refi_objects``, else uuid5 from the namespace."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.namespace = store.refi.namespace()
        self._by_local: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self._by_guid: dict[tuple[str, str], str] = {}
        for kind, local_id, guid, data in store.refi.objects():
            self._by_local[(kind, local_id)] = (guid, json.loads(data or "{}"))
            self._by_guid[(kind, guid)] = local_id

    def guid(self, kind: str, local_id: str) -> str:
        """The GUID of a project object (remembered, else derived from the namespace)."""
        known = self._by_local.get((kind, str(local_id)))
        if known is not None:
            return known[0]
        return str(uuid.uuid5(self.namespace, f"{kind}:{local_id}"))

    def data(self, kind: str, local_id: str) -> dict[str, Any]:
        """Extra REFI details kept for an object (empty when none)."""
        known = self._by_local.get((kind, str(local_id)))
        return dict(known[1]) if known else {}

    def local_id(self, kind: str, guid: str) -> str | None:
        """The project object that an imported GUID became, or None."""
        return self._by_guid.get((kind, guid))

    def remember(self, kind: str, local_id: str, guid: str, data: dict[str, Any] | None = None) -> None:
        """Keep an object's GUID (and details) so later exports reuse it (inside the caller's transaction)."""
        local_id = str(local_id)
        old = self._by_local.get((kind, local_id))
        if old is not None:
            self._by_guid.pop((kind, old[0]), None)
        merged = {**(old[1] if old else {}), **(data or {})}
        self.store.refi.remember(kind, local_id, guid, merged)
        self._by_local[(kind, local_id)] = (guid, merged)
        self._by_guid[(kind, guid)] = local_id
