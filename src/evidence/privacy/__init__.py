"""Pseudonymisation: real names of pupils, staff and schools never reach the store or a dashboard.

    known = load_roster("roster.csv")                    # plus speakers, found per source
    key = load_or_create_key(project.private_dir)         # PROJECT/private/pseudonym-key.json (0600)
    source, segments, replacements = pseudonymise(source, segments, known, key)

See :mod:`.detect` (what counts as personal data), :mod:`.pseudonyms` (the keyed hash and key file),
:mod:`.replace` (replacing and remapping offsets) and :mod:`.report` (what was replaced).
"""

from __future__ import annotations

from .detect import Finding, NameIndex, find_personal_data, load_ner
from .pseudonyms import KEY_FILE_NAME, PseudonymKey, create_key, load_key, load_or_create_key
from .protect import PrivacySetup, privacy_setup, protector
from .replace import Pseudonymiser, Replacement, pseudonymise, pseudonymise_reading
from .roster import KnownName, KnownNames, known_from_table, load_roster, merge

__all__ = [
    "KEY_FILE_NAME", "Finding", "KnownName", "KnownNames", "NameIndex", "PrivacySetup", "PseudonymKey",
    "Pseudonymiser", "privacy_setup",
    "Replacement", "create_key", "find_personal_data", "known_from_table", "load_key", "load_ner",
    "load_or_create_key", "load_roster", "merge", "protector", "pseudonymise", "pseudonymise_reading",
]
