"""The codebook: hierarchical codes in YAML, validated with line numbers, changed without losing codings.

    from evidence.codebook import load_codebook
    codebook = load_codebook("corpora/codebook.yaml")       # CodebookError names file and line
    codebook.to_frame()                                       # one row per code

See docs/codebook.md for the YAML format, :mod:`.operations` for changes to a codebook and
:mod:`.changes` for the same changes applied to a project (codings follow, every change logged).
"""

from evidence.codebook.files import codebook_to_data, codebook_to_yaml, load_codebook, read_codebook, save_codebook
from evidence.codebook.schema import DEFAULT_THRESHOLDS, OKABE_ITO, Codebook, parse_codebook

__all__ = [
    "Codebook", "DEFAULT_THRESHOLDS", "OKABE_ITO", "codebook_to_data", "codebook_to_yaml", "load_codebook",
    "parse_codebook", "read_codebook", "save_codebook",
]
