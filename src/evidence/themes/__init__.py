"""Inductive themes (BERTopic) and discussion sections; see the modules:

fit        ThemeModel: fit themes on units with precomputed embeddings (seeded, offline)
components the parts chosen by corpus size (PCA + KMeans or UMAP + HDBSCAN) and the lemma tokenizer
charts    themes by class, over time, hierarchy (tidy DataFrames + plotly figures)
promote   promote a theme into the codebook, map themes onto codes, store topic codings
persist   save/load without pickle; runs, themes and assignments in the project store
sections  split a transcript's turns into discussion sections and label them
recipes   the top-level recipes used by the CLI (fit_project_themes, find_project_sections)

Nothing heavy is imported here, so ``import evidence.themes`` stays fast.
"""
