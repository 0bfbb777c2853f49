"""The parts a researcher's corpus folder may hold: the one description shared by `evidence run --help`,
`evidence init` and :func:`evidence.pipeline.analysis.find_corpus`.

Kept apart from :mod:`evidence.pipeline.analysis` (which needs pandas) so the command line can describe
the layout without loading the analysis stack.
"""

from __future__ import annotations

CORPUS_LAYOUT: dict[str, str] = {
    "transcripts/": "roundtable transcripts: .txt/.md (Name: text), .vtt/.srt captions, .docx",
    "quotes/": "pupil quote tables: .csv/.xlsx with id and text columns (pupil, school, wave, question)",
    "articles/": "articles and reports: .txt/.md/.html (split into paragraphs)",
    "codings/": "the researchers' codings: one .csv/.xlsx per coder named by the coder (ana.csv), or one "
                "file with a coder column; columns id,code (or source_file,turn,code for transcript turns)",
    "quant/": "results tables (.csv/.xlsx) recognised by their columns: pupils (pupil_id, school or urn, "
              "group, pre_score, post_score; or one row per pupil and wave with a score), DfE KS2/KS4 "
              "school tables with their *_meta.csv, or school names to URNs (name, urn)",
    "roster.csv": "names to pseudonymise: name, kind (pupil, staff, school, speaker), aliases (';'-separated)",
    "codebook.yaml": "the codebook (else --codebook, else the starter codebook)",
}
TEXT_FOLDERS = ("transcripts", "quotes", "articles")
TABLE_SUFFIXES = (".csv", ".xlsx")
