"""The project store: the only place that writes SQL against a project's ``evidence.sqlite``.

``Store`` (db.py) owns the connection, transactions, schema migrations and the ingest/coding writers;
each table group has its own module, reached from a store as an attribute:

- ``store.sources`` (sources.py): sources, segments, speakers, cases, attributes
- ``store.codes`` (codes.py): codes and the codebook change log
- ``store.codings`` (codings.py): codings and memos
- ``store.themes`` (themes.py): topic-model runs, themes, assignments, discussion sections
- ``store.refi`` (refi.py): REFI-QDA GUIDs and the import log

Every other module calls these named functions; tests/test_architecture.py refuses SQL anywhere else.
"""

from __future__ import annotations

from .codings import hand_work
from .db import BUSY_TIMEOUT_MS, IntegrityError, Store, copy_store, migrations
from .values import now, to_json

__all__ = ["BUSY_TIMEOUT_MS", "IntegrityError", "Store", "copy_store", "hand_work", "migrations", "now",
           "to_json"]
