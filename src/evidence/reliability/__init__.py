"""Agreement between coders (inter-rater reliability) and the table of their disagreements.

``measures`` holds the statistics on plain arrays (percent agreement, Cohen's kappa, Fleiss' kappa,
Krippendorff's alpha at any level of measurement); ``codings`` applies them to a project's codings,
per code and pooled, at segment level.
"""

from evidence.reliability.codings import (
    AGREEMENT_COLUMNS,
    POOLED_CODE,
    agreement,
    agreement_units,
    coding_decisions,
    disagreements,
    ratings_matrix,
)
from evidence.reliability.measures import (
    LEVELS,
    KappaEstimate,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    fleiss_kappa_per_category,
    krippendorff_alpha,
    percent_agreement,
    reliability_array,
    why_undefined,
)

__all__ = [
    "AGREEMENT_COLUMNS",
    "LEVELS",
    "POOLED_CODE",
    "KappaEstimate",
    "agreement",
    "agreement_units",
    "cohen_kappa",
    "cohen_kappa_table",
    "coding_decisions",
    "disagreements",
    "fleiss_kappa",
    "fleiss_kappa_per_category",
    "krippendorff_alpha",
    "percent_agreement",
    "ratings_matrix",
    "reliability_array",
    "why_undefined",
]
