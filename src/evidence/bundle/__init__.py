"""The published results bundle: the Parquet tables the dashboards read (see docs/CONTRACTS.md).

    from evidence import bundle
    bundle.stage(project, effects=effects, joint_display=joint)   # an analysis notebook hands on tables
    bundle.publish(project)                                        # store + staged tables -> PROJECT/results/
    bundle.read_bundle(project.results_dir)["codings"]

``schema`` lists the tables (the only list), ``canonical`` gives their canonical form and hashes, ``io`` writes
and reads a bundle atomically, ``build`` stages tables and publishes a project's bundle.
"""

from __future__ import annotations

from .schema import MANIFEST_NAME, STAGED_FOLDER, TableSpec, BUNDLE_TABLES
from .canonical import canonical_table, canonical_csv, table_hash, bundle_manifest
from .io import write_bundle, read_bundle, read_manifest
from .build import staged_dir, stage, staged, clear_staged, store_tables, segments_table, codes_table, codings_table, build_bundle, publish, check_no_real_names, pseudonym_key_hash

__all__ = [
    "BUNDLE_TABLES",
    "MANIFEST_NAME",
    "STAGED_FOLDER",
    "TableSpec",
    "build_bundle",
    "bundle_manifest",
    "canonical_csv",
    "canonical_table",
    "check_no_real_names",
    "clear_staged",
    "codes_table",
    "codings_table",
    "pseudonym_key_hash",
    "publish",
    "read_bundle",
    "read_manifest",
    "segments_table",
    "stage",
    "staged",
    "staged_dir",
    "store_tables",
    "table_hash",
    "write_bundle",
]
