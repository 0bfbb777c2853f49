"""Inductive themes and discussion sections, measured on the sample corpora. Prints figures.

    .venv/bin/python bench/themes.py [--workdir /tmp/evidence-bench-themes] [--sizes 1000,10000]

1. Fit time with cached embeddings for 1,000 and 10,000 units (target: 10,000 under 2 minutes),
   against a plain KMeans on the same embeddings timed in the same run.
2. Stability: same seed twice (identical assignments?), different seeds (adjusted Rand index).
3. Known structure: the sample roundtables' agenda (corpora/truth/sections.csv). ARI of themes
   fitted on all turns against the agenda item of each turn, and ARI of discussion sections per
   transcript (TextTiling and change-point) against a baseline that cuts each transcript into the
   same number of equal parts.
4. Real meetings (``--agendas DIR``, skipped with a message when absent): TinyRec, 21 real recorded
   work meetings with human topic annotations at two levels (Apache-2.0; the ``datasets/augmend``
   folder of github.com/AugmendTech/treeseg, kept outside the repo, e.g. /work/scratch/i17/tinyrec).
   Section ARI against the coarse human agenda, the equal-parts baseline, distinct neighbouring
   labels, and themes in each of the five longest meetings: how many, their labels, and labels
   holding a speaker's name. DIR may instead hold one CSV per meeting (text, agenda; optional
   order, speaker), e.g. real council meetings whose agenda items a person marked, or hearing days
   with one item per witness.

Units beyond the sample corpus are made by joining two sample units (seeded), so every text is
distinct. The first run embeds them (minutes); later runs read the embedding cache.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import random
import statistics
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def sample_project(workdir: Path):
    from evidence.project import Project

    folder = workdir / "project"
    project = Project.open(folder) if (folder / "evidence.yaml").exists() else Project.init(folder)
    files = [Path(f) for f in sorted(glob.glob(str(REPO / "corpora/sample/transcripts/*")))
             + [str(REPO / "corpora/sample/quotes/pupil_quotes.csv")] if not f.endswith(".yaml")]
    report = project.ingest(files)
    for failed in report.failed:
        print(f"  (could not ingest {failed.path}: {failed.message})")
    return project


def synthetic_units(base: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """n distinct units: the base units, then pairs of base units joined (seeded)."""
    rng = random.Random(seed)
    texts = base["text"].tolist()
    out = list(texts[:n])
    seen = set(out)
    while len(out) < n:
        a, b = rng.sample(range(len(texts)), 2)
        text = f"{texts[a]} {texts[b]}"
        if text not in seen:
            seen.add(text)
            out.append(text)
    return pd.DataFrame({"id": [f"u{i:05d}" for i in range(n)], "text": out})


def ari(a, b) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def bench_fit_time(units: pd.DataFrame, embedder, sizes: list[int]) -> None:
    from sklearn.cluster import KMeans

    from evidence.themes.fit import ThemeModel

    print("\n1. Fit time with cached embeddings")
    print(f"  (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times "
          "stretch when the machine is busy; the KMeans ratio and CPU time do less)")
    for n in sizes:
        part = synthetic_units(units, n)
        start = time.perf_counter()
        vectors = embedder.embed(part["text"].tolist(), progress=True)
        embed_seconds = time.perf_counter() - start
        start = time.perf_counter()
        KMeans(n_clusters=10, random_state=0, n_init=10).fit(vectors)
        baseline = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        model = ThemeModel("auto", seed=0).fit(part, vectors)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"  {n:>6} units: themes fit {seconds:6.1f} s wall, {cpu:6.1f} s CPU "
              f"({len(model.themes_)} themes, "
              f"{model.params_['components']['clustering']}); KMeans(10) alone {baseline:5.2f} s "
              f"-> {seconds / baseline:5.1f}x; embedding (cache) {embed_seconds:5.1f} s"
              + ("   [target < 120 s: " + ("OK" if seconds < 120 else "MISSED") + "]" if n >= 10000 else ""))


def bench_stability(units: pd.DataFrame, embedder, n: int) -> None:
    from evidence.themes.fit import ThemeModel

    print(f"\n2. Stability on {n} units")
    part = synthetic_units(units, n)
    vectors = embedder.embed(part["text"].tolist())
    for n_themes in (10, "auto"):
        runs = {seed: ThemeModel(n_themes, seed=seed).fit(part, vectors).assignments_["theme"].to_numpy()
                for seed in (0, 1, 2)}
        again = ThemeModel(n_themes, seed=0).fit(part, vectors).assignments_["theme"].to_numpy()
        pairs = [ari(runs[a], runs[b]) for a, b in combinations(runs, 2)]
        print(f"  n_themes={n_themes!s:<5} same seed identical: {bool((again == runs[0]).all())}; "
              f"different seeds ARI mean {statistics.mean(pairs):.3f} (min {min(pairs):.3f})")


def agenda_turns(project) -> pd.DataFrame:
    """Turns of the sample roundtables with their known agenda item (corpora/truth/sections.csv)."""
    truth = pd.read_csv(REPO / "corpora/truth/sections.csv")
    sources = project.sources()
    turns = project.segments(kinds=["turn"])
    frames = []
    by_hash = {}  # the store keeps no file names (they can name pupils): match files by content hash
    for key in truth["source_file"].unique():
        by_hash[hashlib.sha256((REPO / "corpora/sample" / key).read_bytes()).hexdigest()] = key
    for source_id, file_hash in zip(sources["id"], sources["file_hash"]):
        key = by_hash.get(file_hash)
        known = truth[truth["source_file"] == key].sort_values("turn_index")
        mine = turns[turns["source"] == source_id].sort_values("order").reset_index(drop=True)
        if known.empty or len(known) != len(mine):
            continue
        frames.append(mine.assign(agenda=known["section"].to_numpy(), turn_index=range(len(mine))))
    return pd.concat(frames, ignore_index=True)


def bench_known_structure(project, embedder) -> None:
    from evidence.themes.fit import ThemeModel
    from evidence.themes.sections import find_sections

    print("\n3. Against the sample roundtables' known agenda")
    turns = agenda_turns(project)
    vectors = embedder.embed(turns["text"].tolist())
    k = turns["agenda"].nunique()
    print(f"  {turns['source'].nunique()} transcripts, {len(turns)} turns, {k} agenda items")
    for n_themes in (k, "auto"):
        model = ThemeModel(n_themes, seed=0).fit(turns[["id", "text"]], vectors)
        assigned = turns.merge(model.assignments_, left_on="id", right_on="segment_id")  # procedural turns left out
        print(f"  themes (n_themes={n_themes}, {len(model.themes_)} found) vs agenda on {len(assigned)} "
              f"non-procedural turns: ARI {ari(assigned['agenda'], assigned['theme']):.3f}")
    scores: dict[str, list[float]] = {"hybrid": [], "texttiling": [], "changepoint": [], "equal parts": []}
    for _, part in turns.groupby("source", sort=True):
        part_vectors = vectors[part.index.to_numpy()]
        for method in ("hybrid", "texttiling", "changepoint"):
            _, assigned = find_sections(part, part_vectors, method=method)
            scores[method].append(ari(part["agenda"], assigned["section"]))
        n_sections = part["agenda"].ne(part["agenda"].shift()).sum()
        equal = np.floor(np.arange(len(part)) * n_sections / len(part)).astype(int)
        scores["equal parts"].append(ari(part["agenda"], equal))
    base = statistics.mean(scores["equal parts"])
    for method, values in scores.items():
        mean = statistics.mean(values)
        print(f"  sections {method:<12} ARI mean {mean:.3f} ({' '.join(f'{v:.2f}' for v in values)})"
              f"  {mean / base:4.2f}x the equal-parts baseline")


def load_agenda_meetings(folder: Path) -> pd.DataFrame:
    """Turns of real meetings with their human agenda item: id, text, speaker, order, source, agenda.

    Reads TinyRec's ``*_anno.json`` (coarse and fine topic spans over entry indices) beside the
    meeting's ``*.json`` (entries with ``doc`` text and ``composite`` "Speaker: text"). Screen-share
    events (no ``doc``) keep their index so the spans stay aligned, but are dropped as turns.
    """
    import json

    frames = []
    for anno_file in sorted(Path(folder).glob("**/*_anno.json")):
        annotation = json.loads(anno_file.read_text())
        (meeting, spans), = annotation.items()
        entries = json.loads(anno_file.with_name(anno_file.name.replace("_anno", "")).read_text())[meeting]["entries"]
        agenda = np.full(len(entries), -1)
        for number, (start, end, _title) in enumerate(spans["coarse"]):
            agenda[start:end + 1] = number
        rows = []
        for index, entry in enumerate(entries):
            if "doc" not in entry or agenda[index] < 0:
                continue
            composite = str(entry.get("composite", ""))
            speaker = composite.split(":", 1)[0] if ":" in composite else ""
            rows.append({"id": f"{meeting[:8]}-{index:04d}", "text": str(entry["doc"]), "speaker": speaker,
                         "order": index, "source": meeting[:8], "agenda": int(agenda[index])})
        frames.append(pd.DataFrame(rows))
    if not frames:
        return load_csv_meetings(folder)
    return pd.concat(frames, ignore_index=True)


def load_csv_meetings(folder: Path) -> pd.DataFrame:
    """Turns of real meetings kept as one CSV per meeting: text and agenda (the human item number,
    one contiguous run per item), optionally order and speaker. E.g. the Boston City Council
    transcripts of github.com/CouncilDataProject/minutes-item-seg (commit f549af16), cut into
    sentences, a new item at each human-marked MINUTES-BOUNDARY."""
    frames = []
    for file in sorted(Path(folder).glob("*.csv")):
        meeting = pd.read_csv(file)
        missing = {"text", "agenda"} - set(meeting.columns)
        if missing:
            raise ValueError(f"{file}: no column {', '.join(sorted(missing))} (need text and agenda per turn)")
        if "order" in meeting.columns:
            meeting = meeting.sort_values("order", kind="stable")
        meeting = meeting.reset_index(drop=True)
        frames.append(pd.DataFrame({
            "id": [f"{file.stem}-{i:05d}" for i in range(len(meeting))],
            "text": meeting["text"].fillna("").astype(str),
            "speaker": meeting["speaker"].fillna("").astype(str) if "speaker" in meeting.columns else "",
            "order": range(len(meeting)), "source": file.stem, "agenda": meeting["agenda"].astype(int)}))
    if not frames:
        raise FileNotFoundError(f"no *_anno.json meeting annotations or meeting CSVs under {folder}")
    return pd.concat(frames, ignore_index=True)


def bench_real_agendas(folder: Path, embedder) -> None:
    from evidence.themes.fit import ThemeModel
    from evidence.themes.sections import find_sections, label_sections

    print(f"\n4. Real meetings with human agendas ({folder})")
    if not Path(folder).exists():
        print(f"  skipped: {folder} does not exist (fetch AugmendTech/treeseg and copy datasets/augmend there)")
        return
    turns = load_agenda_meetings(Path(folder))
    vectors = embedder.embed(turns["text"].tolist())
    print(f"  {turns['source'].nunique()} meetings, {len(turns)} turns, "
          f"{turns.groupby('source')['agenda'].nunique().sum()} agenda items")
    scores: dict[str, list[float]] = {"hybrid": [], "equal parts": []}
    repeated, labelled = 0, 0
    for _, part in turns.groupby("source", sort=True):
        part = part.reset_index(drop=True)
        part_vectors = vectors[turns.index[turns["source"] == part["source"].iloc[0]].to_numpy()]
        sections, assigned = find_sections(part, part_vectors)
        scores["hybrid"].append(ari(part["agenda"], assigned["section"]))
        n_sections = part["agenda"].nunique()
        equal = np.floor(np.arange(len(part)) * n_sections / len(part)).astype(int)
        scores["equal parts"].append(ari(part["agenda"], equal))
        named = label_sections(sections, assigned, turns=part)
        labels = named["label"].tolist()
        labelled += len(labels)
        repeated += sum(a == b for a, b in zip(labels, labels[1:]))
    base = statistics.mean(scores["equal parts"])
    for method, values in scores.items():
        mean = statistics.mean(values)
        low, high = _bootstrap_interval(values)
        print(f"  sections {method:<12} ARI mean {mean:.3f} (95% bootstrap interval over meetings {low:.3f}-{high:.3f})"
              f"  {mean / base:4.2f}x the equal-parts baseline")
    print(f"  section labels: {repeated} of {labelled} repeat their neighbour's label")
    names = {w.lower() for s in turns["speaker"] for w in s.split()}
    longest = turns["source"].value_counts().index[:5]
    print("  themes auto in each of the 5 longest meetings (turns: themes found; labels; labels with a speaker's name):")
    for source in longest:
        part = turns[turns["source"] == source]
        model = ThemeModel("auto", seed=0).fit(part[["id", "text", "speaker"]], vectors[part.index.to_numpy()])
        leaked = [label for label in model.themes_["label"]
                  if names & set(label.lower().replace("/", " ").replace(",", " ").split())]
        print(f"    {len(part)} turns: {len(model.themes_)} themes; {' | '.join(model.themes_['label'])}; "
              f"{len(leaked)} with a name")


def _bootstrap_interval(values: list[float], seed: int = 0, rounds: int = 2000) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    data = np.asarray(values, dtype=float)
    means = data[rng.integers(0, len(data), size=(rounds, len(data)))].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/evidence-bench-themes"))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--agendas", type=Path, default=None,
                        help="folder of real meetings with human agendas (TinyRec, or one CSV per meeting); see point 4 above")
    parser.add_argument("--only-agendas", action="store_true", help="run point 4 only")
    parser.add_argument("--skip-scale", action="store_true", help="skip points 1 and 2 (fit time, stability)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from evidence.nlp.embeddings import project_embedder

    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.only_agendas:
        from evidence.nlp.embeddings import get_embedder

        bench_real_agendas(args.agendas or Path("missing"), get_embedder(cache_dir=args.workdir / "embeddings"))
        return
    project = sample_project(args.workdir)
    embedder = project_embedder(project)
    units = project.units()[["id", "text"]]
    print(f"embedder {embedder.model_id}; sample corpus {len(units)} units")
    bench_known_structure(project, embedder)
    if args.agendas is not None:
        bench_real_agendas(args.agendas, embedder)
    if args.skip_scale:
        return
    bench_stability(units, embedder, 1000)
    bench_fit_time(units, embedder, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
