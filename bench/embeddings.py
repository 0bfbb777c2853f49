"""The default embedder against the PyTorch MiniLM: speed cold, same vectors, same coding and themes.

    .venv/bin/python bench/embeddings.py [--n 1500] [--repeats 2] [--seeds 3] [--skip-quality]

1. Speed, cold, on the same texts in one run: each embedder runs `evidence embed FILE --out X.npy` in a
   fresh process with an empty embedding cache (imports, model loading and embedding all counted), in
   alternating order, best of --repeats. Baselines: `--embedder minilm` (the PyTorch reference) and plain
   sentence-transformers `encode` on the same texts. Target: the default >= 3x the PyTorch MiniLM.
   The ONNX model is built once per machine before timing (it is a one-off, like installing it).
2. Vectors: cosine between the default's and the PyTorch MiniLM's vector of each text.
3. Coding quality: classifier kappa against researcher_a on the sample pupil quotes (unseen segments,
   30% coded at random, mean over codes with >= 8 positives and over seeds) with each embedder.
   Target: the default loses at most 0.02.
4. Themes and sections: ARI against the sample roundtables' known agenda (corpora/truth/sections.csv)
   with each embedder.

Texts are the sample corpus's segments (turns, sentences and quotes), ingested into a scratch project.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PLAIN_ST = """
import os, sys, time
os.environ["HF_HUB_OFFLINE"] = "1"
from evidence.nlp.embeddings import minilm_folder
from sentence_transformers import SentenceTransformer
texts = open(sys.argv[1], encoding="utf-8").read().split("\\n")[:-1]
model = SentenceTransformer(str(minilm_folder()), device="cpu")
model.encode(texts, batch_size=64, normalize_embeddings=True)
"""


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_texts(workdir: Path, n: int) -> list[str]:
    project = _bench_module("themes").sample_project(workdir)
    texts = [t.replace("\n", " ") for t in project.segments()["text"] if t and t.strip()]
    project.close()
    return texts[:n]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_speed(texts: list[str], workdir: Path, repeats: int) -> dict[str, np.ndarray]:
    from evidence.nlp.embeddings import get_embedder

    get_embedder("minilm-onnx").embed(["build the ONNX model once, before timing"])
    file = workdir / "texts.txt"
    file.write_text("\n".join(texts) + "\n", encoding="utf-8")
    env = dict(os.environ, EVIDENCE_PROGRESS="0", PYTHONPATH=str(ROOT / "src"))
    runs = {"minilm-onnx (default)": "minilm-onnx", "minilm-int8": "minilm-int8", "minilm (PyTorch)": "minilm"}
    get_embedder("minilm-int8").embed(["build the int8 model once, before timing"])
    one = workdir / "one.txt"
    one.write_text("a single line: what starting the command costs\n", encoding="utf-8")
    best: dict[str, float] = {}
    startup: dict[str, float] = {}  # the same command on one line: imports and model loading
    vectors: dict[str, np.ndarray] = {}
    for repeat in range(repeats):
        order = list(runs.items()) + [("plain sentence-transformers", None)]
        if repeat % 2:
            order.reverse()
        for label, name in order:
            out = workdir / f"{name or 'plain'}.npy"
            if name is None:
                command = [sys.executable, "-c", PLAIN_ST, str(file)]
            else:  # outside a project and with no --cache: nothing is cached, every run is cold
                command = [sys.executable, "-m", "evidence", "embed", str(file), "--out", str(out),
                           "--embedder", name]
            seconds = timed(command, env)
            best[label] = min(best.get(label, float("inf")), seconds)
            if name:
                vectors[name] = np.load(out)
            start = (command[:-1] + [str(one)] if name is None
                     else command[:4] + [str(one), "--out", str(workdir / "one.npy")] + command[7:])
            startup[label] = min(startup.get(label, float("inf")), timed(start, env))
    reference = best["minilm (PyTorch)"]
    print(f"1. Speed, cold, {len(texts)} sample segments ({sum(len(t.split()) for t in texts):,} words), "
          f"best of {repeats}, one process each:")
    for label, seconds in best.items():
        compute = max(seconds - startup[label], 1e-9)
        reference_compute = max(reference - startup["minilm (PyTorch)"], 1e-9)
        print(f"  {label:<30} {seconds:7.1f} s  {len(texts) / seconds:7.1f} texts/s  "
              f"x{reference / seconds:.2f} the PyTorch MiniLM | start-up {startup[label]:5.1f} s, embedding alone "
              f"{len(texts) / compute:7.1f} texts/s x{reference_compute / compute:.2f}")
    print(f"  default vs PyTorch MiniLM: x{reference / best['minilm-onnx (default)']:.2f} (target >= 3); "
          f"PyTorch MiniLM vs plain sentence-transformers: x{best['plain sentence-transformers'] / reference:.2f}")
    for name in ("minilm-onnx", "minilm-int8"):
        cosine = np.sum(vectors[name] * vectors["minilm"], axis=1)
        print(f"2. Vectors: cosine {name} vs PyTorch per text: min {cosine.min():.6f}, mean {cosine.mean():.6f}; "
              f"max |difference| {np.abs(vectors[name] - vectors['minilm']).max():.2e}")
    return vectors


def bench_kappa(names: list[str], seeds: int) -> None:
    import pandas as pd

    from evidence.codebook import load_codebook
    from evidence.coding.classifier import ClassifierCoder
    from evidence.coding.curve import learning_curve
    from evidence.coding.labels import label_matrix
    from evidence.coding.priors import CodebookPriors
    from evidence.nlp.embeddings import get_embedder

    sample = ROOT / "corpora" / "sample"
    quotes = pd.read_csv(sample / "quotes" / "pupil_quotes.csv", dtype=str, keep_default_na=False)
    codings = pd.read_csv(sample / "codings" / "researcher_a.csv", dtype=str).rename(columns={"id": "segment"})
    quotes = quotes[quotes["text"].str.strip() != ""]
    ids = [i for i in quotes["id"] if i in set(codings["segment"])]
    labels = label_matrix(codings, ids).reset_index(drop=True)
    texts = quotes.set_index("id").loc[ids, "text"].tolist()
    codebook = load_codebook(ROOT / "corpora" / "codebook.yaml")
    print(f"3. Classifier kappa vs researcher_a, {len(texts)} sample quotes, 30% coded at random, {seeds} seeds:")
    kappas = {}
    for name in names:
        with tempfile.TemporaryDirectory() as cache:
            embedder = get_embedder(name, cache_dir=Path(cache))
            vectors = embedder.embed(texts)
            priors = CodebookPriors(codebook, embedder).fit()
            values = []
            for seed in range(seeds):
                result = learning_curve(
                    texts, labels, [0.3], seed=seed, sampling="random", vectors=vectors,
                    make_coder=lambda seed=seed: ClassifierCoder(embedder, priors=priors, random_state=seed))
                values.append(result[0]["kappa_mean"])
        kappas[name] = statistics.mean(values)
        print(f"  {name:<12} mean kappa {kappas[name]:.4f}  (per seed {' '.join(f'{v:.3f}' for v in values)})")
    for name in kappas:
        if name != "minilm":
            print(f"  {name} minus PyTorch: {kappas[name] - kappas['minilm']:+.4f} (target: no worse than -0.02)")


def bench_structure(names: list[str], workdir: Path) -> None:
    from evidence.nlp.embeddings import get_embedder
    from evidence.themes.fit import ThemeModel
    from evidence.themes.sections import find_sections

    themes = _bench_module("themes")
    from evidence.project import Project

    with Project.open(workdir / "project") as project:
        turns = themes.agenda_turns(project)
    k = turns["agenda"].nunique()
    print(f"4. Themes and sections vs the known agenda ({turns['source'].nunique()} transcripts, {len(turns)} turns):")
    for name in names:
        with tempfile.TemporaryDirectory() as cache:
            vectors = get_embedder(name, cache_dir=Path(cache)).embed(turns["text"].tolist())
        model = ThemeModel(k, seed=0).fit(turns[["id", "text"]], vectors)
        assigned = turns.merge(model.assignments_, left_on="id", right_on="segment_id")  # procedural turns left out
        theme_ari = themes.ari(assigned["agenda"], assigned["theme"])
        sections = []
        for _, part in turns.groupby("source", sort=True):
            _, assigned = find_sections(part, vectors[part.index.to_numpy()], method="hybrid")
            sections.append(themes.ari(part["agenda"], assigned["section"]))
        print(f"  {name:<12} themes (n={k}) ARI {theme_ari:.3f}; sections (hybrid) mean ARI "
              f"{statistics.mean(sections):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1500, help="sample segments to embed (default 1500)")
    parser.add_argument("--repeats", type=int, default=2, help="cold runs per embedder; the best counts")
    parser.add_argument("--seeds", type=int, default=3, help="seeds for the classifier kappa")
    parser.add_argument("--skip-quality", action="store_true", help="speed and vectors only")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        texts = sample_texts(workdir, args.n)
        bench_speed(texts, workdir, args.repeats)
        if not args.skip_quality:
            bench_kappa(["minilm-onnx", "minilm-int8", "minilm"], args.seeds)
            bench_structure(["minilm-onnx", "minilm-int8", "minilm"], workdir)
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
