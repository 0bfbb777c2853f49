"""Benchmark the coders: throughput and agreement with a researcher. Prints figures; asserts nothing.

    .venv/bin/python bench/coding.py                      # everything (similarity cold run takes minutes)
    .venv/bin/python bench/coding.py --n 20000 --seeds 3 --skip-similarity

Throughput (synthetic pupil quotes from corpora/generate.py, >= 20,000 segments):
  rules       segments/s, vs the 2,000/s target and vs a plain lower-case substring search (baseline)
  similarity  segments/s with a cold embedding cache and with a warm one (target: warm >= 20x cold)
Quality (corpora/sample quotes coded by researcher_a):
  Cohen's kappa of the classifier vs the researcher on the segments it was not trained on, after
  training on 10/20/30% chosen at random or by uncertainty sampling, mean over codes with >= 8
  positives and over seeds; baseline: the keyword rules coder (no training) on the same codes (all
  segments: rules learn nothing, so every segment is held out for them). "before" is the classifier
  as first built (see BEFORE), rerun in the same run for an after/before ratio.
Quality on real data (--real DIR; nothing is downloaded):
  every CSV in DIR is one set of real answers coded by people: a text column ("text" or "verbatim"),
  an optional id column ("id" or "caseID") and one 0/1 column per code. Measured as above (held-out
  kappa after training on 20% and 30%, random vs uncertainty sampling, seeds 0..--seeds-1, 95%
  bootstrap interval over held-out answers averaged over seeds), for the classifier's defaults and,
  unless --skip-before, the variants tried against them (REAL_VARIANTS, random sampling). Used with
  the ANES 2008 Open Ended Coding Project answers as cleaned by github:mxli417/co_benchmark
  (clean_data/*.csv, MIT licence; ANES terms of use; kept outside the repo):
    .venv/bin/python bench/coding.py --real /work/scratch/quality/anes --real-sets dataset2,dataset5 --seeds 1
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from evidence.codebook import load_codebook  # noqa: E402
from evidence.coding.classifier import ClassifierCoder  # noqa: E402
from evidence.coding.curve import learning_curve  # noqa: E402
from evidence.coding.labels import label_matrix  # noqa: E402
from evidence.coding.priors import CodebookPriors  # noqa: E402
from evidence.coding.rules import RuleCoder  # noqa: E402
from evidence.coding.similarity import SimilarityCoder  # noqa: E402
from evidence.coding.thresholds import kappa_binary  # noqa: E402

CODEBOOK = ROOT / "corpora" / "codebook.yaml"
SAMPLE = ROOT / "corpora" / "sample"


def sample_labels() -> tuple[list[str], pd.DataFrame]:
    """The sample quotes coded by researcher_a: texts and their 0/1 label table."""
    quotes = pd.read_csv(SAMPLE / "quotes" / "pupil_quotes.csv", dtype=str, keep_default_na=False)
    codings = pd.read_csv(SAMPLE / "codings" / "researcher_a.csv", dtype=str).rename(columns={"id": "segment"})
    quotes = quotes[quotes["text"].str.strip() != ""]
    ids = [i for i in quotes["id"] if i in set(codings["segment"])]
    return quotes.set_index("id").loc[ids, "text"].tolist(), label_matrix(codings, ids).reset_index(drop=True)


def bench_rule_precision(before: Path | None) -> None:
    """Precision and recall of each code's rules against researcher_a, and on procedural turns.

    Precision: of the quotes the rules give a code, the share the researcher gave it too.
    "before": the codebook given with --codebook-before, measured in the same run.
    """
    from evidence.nlp.procedural import is_procedural

    texts, labels = sample_labels()
    # meeting talk that runs the meeting: every code a rule puts on one of these is a false positive
    procedural = ["Let's move on to the next item.", "Thank you, Chair.", "I can hear it, yes.",
                  "Can you share your screen?", "Both of you, go ahead.", "We need to finish by four.",
                  "Welcome everyone, thanks for joining.", "Could you include the link in the chat?",
                  "I'll leave it there.", "Over to you, we have time for one more."]
    print(f"rule precision vs researcher_a on {len(texts)} sample quotes (codes with >= 3 positives), "
          f"and codes put on {len(procedural)} procedural meeting turns:")
    books = [("after", CODEBOOK)] + ([("before", before)] if before else [])
    summary = {}
    for name, path in books:
        coder = RuleCoder(load_codebook(path)).fit()
        predicted = coder.predict(texts)
        rows = []
        for code in labels.columns:
            truth = labels[code].to_numpy()
            if truth.sum() < 3 or code not in predicted:
                continue
            guess = predicted[code].to_numpy()
            hits = int((guess & truth).sum())
            rows.append((code, hits / guess.sum() if guess.sum() else float("nan"), hits / truth.sum(),
                         kappa_binary(truth, guess)))
        on_procedural = int(coder.predict(procedural).to_numpy().sum())
        flagged = sum(is_procedural(t) for t in procedural)
        frame = pd.DataFrame(rows, columns=["code", "precision", "recall", "kappa"])
        summary[name] = frame.set_index("code")
        print(f"  {name}: mean precision {frame['precision'].mean():.3f}, recall {frame['recall'].mean():.3f}, "
              f"kappa {frame['kappa'].mean():.3f}; {on_procedural} codes on procedural turns "
              f"({flagged}/{len(procedural)} recognised as procedural and left uncoded by autocode)")
    if before:
        joined = summary["after"].merge(summary["before"], left_index=True, right_index=True, suffixes=("", "_before"))
        changed = joined[(joined["precision"] - joined["precision_before"]).abs() > 1e-9]
        for code, row in changed.iterrows():
            print(f"    {code:<36} precision {row['precision_before']:.2f} -> {row['precision']:.2f}, "
                  f"recall {row['recall_before']:.2f} -> {row['recall']:.2f}")


def synthetic_texts(n: int, seed: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("corpora_generate_bench", ROOT / "corpora" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [q["text"] for q in module.synthetic_quotes(n, seed)]


def bench_rules(texts: list[str]) -> None:
    codebook = load_codebook(CODEBOOK)
    coder = RuleCoder(codebook).fit()
    start = time.perf_counter()
    counts, _ = coder.scores(texts)
    rules_rate = len(texts) / (time.perf_counter() - start)
    terms = {c: [t.lower() for t in codebook.terms(c)] for c in coder.codes_}
    start = time.perf_counter()
    naive = [[any(t in text.lower() for t in words) for words in terms.values()] for text in texts]
    naive_rate = len(texts) / (time.perf_counter() - start)
    print(f"rules: {len(texts)} segments, {rules_rate:,.0f} segments/s "
          f"(x{rules_rate / 2000:.1f} the 2,000/s target; x{rules_rate / naive_rate:.2f} a plain substring search "
          f"at {naive_rate:,.0f}/s, which ignores lemmas and word boundaries); "
          f"{int((counts > 0).any(axis=1).sum())} segments matched, naive {sum(map(any, naive))}")


def bench_similarity(texts: list[str], embedder_name: str) -> None:
    from evidence.nlp.embeddings import get_embedder

    codebook = load_codebook(CODEBOOK)
    with tempfile.TemporaryDirectory() as cache:
        timings = []
        for label in ("cold", "warm"):
            start = time.perf_counter()
            embedder = get_embedder(embedder_name, cache_dir=Path(cache))
            coder = SimilarityCoder(codebook, embedder).fit()
            found = coder.suggest(pd.DataFrame({"id": range(len(texts)), "text": texts}))
            seconds = time.perf_counter() - start
            timings.append(seconds)
            print(f"similarity ({embedder.model_id}, {label} cache): {len(texts) / seconds:,.0f} segments/s "
                  f"({seconds:.1f}s, {embedder.encoded_texts} texts embedded, {len(found)} suggestions)")
        print(f"similarity: warm cache x{timings[0] / timings[1]:.1f} faster than cold (target x20)")


#: close to the classifier as first built (word n-grams only, >= 3 coded positives per model, no
#: codebook texts as examples, no lean towards rare codes, no diversity and no random share in
#: uncertainty batches),
#: measured in the same run as a before/after comparison
BEFORE = dict(anchor_weight=0.0, char_ngrams=False, min_positives=3, default_margin=0.0)


def bench_quality(seeds: int, embedder_name: str, compare: bool = True) -> None:
    from evidence.nlp.embeddings import get_embedder

    quotes = pd.read_csv(SAMPLE / "quotes" / "pupil_quotes.csv", dtype=str, keep_default_na=False)
    codings = pd.read_csv(SAMPLE / "codings" / "researcher_a.csv", dtype=str).rename(columns={"id": "segment"})
    quotes = quotes[quotes["text"].str.strip() != ""]
    ids = [i for i in quotes["id"] if i in set(codings["segment"])]
    labels = label_matrix(codings, ids).reset_index(drop=True)
    texts = quotes.set_index("id").loc[ids, "text"].tolist()
    codebook = load_codebook(CODEBOOK)
    with tempfile.TemporaryDirectory() as cache:
        embedder = get_embedder(embedder_name, cache_dir=Path(cache))
        vectors = embedder.embed(texts)
        priors = CodebookPriors(codebook, embedder).fit()
        rules = RuleCoder(codebook).fit().predict(texts)
        print(f"quality: {len(texts)} quotes coded by researcher_a, embedder {embedder.model_id}, {seeds} seeds; "
              "mean kappa over codes with >= 8 positives, on the segments not trained on")
        fractions = [0.1, 0.2, 0.3]
        runs = [("classifier", "random", {}), ("classifier", "uncertainty", {})]
        if compare:
            runs += [("before", "random", BEFORE), ("before", "uncertainty", BEFORE)]
        table, rules_table = {}, {}
        for name, sampling, options in runs:
            means, baselines, started = [], [], time.perf_counter()
            for seed in range(seeds):
                results = learning_curve(
                    texts, labels, fractions, seed=seed, sampling=sampling, vectors=vectors,
                    make_coder=lambda seed=seed: ClassifierCoder(embedder, priors=priors, random_state=seed, **options),
                    diversity=1.0 if options else 0.9, explore=0.0 if options else 0.5)
                means.append([r["kappa_mean"] for r in results])
                baselines.append([_rules_kappa(rules, labels, r) for r in results])
            table[name, sampling] = np.mean(means, axis=0)
            rules_table[name, sampling] = baseline = np.mean(baselines, axis=0)
            for fraction, kappa, base in zip(fractions, table[name, sampling], baseline):
                print(f"  {name:<10} {sampling:<11} {fraction:.0%}: kappa {kappa:.3f}  "
                      f"(keyword rules baseline {base:.3f}; x{kappa / base:.2f})")
            print(f"  ({name}, {sampling}: {time.perf_counter() - started:.0f}s)")
        if compare:
            print("  after vs before (same run, same seeds, same held-out protocol):")
            for sampling in ("random", "uncertainty"):
                for k, fraction in enumerate(fractions):
                    after, before = table["classifier", sampling][k], table["before", sampling][k]
                    base = rules_table["classifier", sampling][k]
                    print(f"    {sampling:<11} {fraction:.0%}: {before:.3f} -> {after:.3f} "
                          f"(x{before / base:.2f} -> x{after / base:.2f} the rules baseline; x{after / before:.2f})")


def _rules_kappa(rules: pd.DataFrame, labels: pd.DataFrame, result: dict) -> float:
    """Mean kappa of the keyword rules on the same held-out segments and codes as a curve result."""
    n = len(labels)
    kappas = []
    for entry in result["per_code"]:
        code = entry["code"]
        # the held-out rows are not returned; rules need no training, so all rows are a fair estimate
        truth = labels[code].to_numpy()
        guess = rules[code].to_numpy() if code in rules.columns else np.zeros(n, dtype=int)
        kappas.append(kappa_binary(truth, guess))
    return float(np.mean(kappas))


#: what was tried on the real answers besides the defaults (random sampling only; none won on both
#: sets tried, see docs/codebook.md): the embedding block weighted x2 with weaker regularisation, and
#: an exhaustive codebook (every answer gets at least its closest code)
REAL_VARIANTS: dict = {"embeddings x2, C=16": dict(embedding_weight=2.0, C=16.0),
                       "at least one code": dict(at_least_one=True)}
TEXT_COLUMNS = ("text", "verbatim")
ID_COLUMNS = ("id", "caseID")


def load_real_set(path: Path) -> tuple[list[str], pd.DataFrame]:
    """One CSV of human-coded answers: texts and their 0/1 label table (one column per code).

    Raises ValueError naming the file, row and column when a code cell is not 0 or 1.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    text_column = next((c for c in TEXT_COLUMNS if c in frame.columns), None)
    if text_column is None:
        raise ValueError(f"{path}: no text column (expected one of {', '.join(TEXT_COLUMNS)}); "
                         f"columns are {', '.join(frame.columns[:8])}")
    codes = [c for c in frame.columns if c != text_column and c not in ID_COLUMNS]
    if not codes:
        raise ValueError(f"{path}: no code columns besides the text and id columns")
    for code in codes:
        bad = ~frame[code].str.strip().isin(["0", "1"])
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(f"{path}: row {row + 2} (line in the file), column {code!r}: {frame[code].iloc[row]!r} "
                             "is not 0 or 1; code columns must hold 0/1 flags")
    labels = frame[codes].apply(lambda column: column.str.strip().astype(int))
    labels.columns = [f"code {c}" for c in codes]
    keep = frame[text_column].str.strip() != ""
    return frame.loc[keep, text_column].tolist(), labels[keep.to_numpy()].reset_index(drop=True)


def bench_real(folder: Path, sets: list[str] | None, seeds: int, embedder_name: str, compare: bool = True) -> None:
    """Held-out kappa on real human-coded answers: defaults (random vs uncertainty sampling) and variants."""
    from evidence.nlp.embeddings import get_embedder

    files = sorted(Path(folder).glob("*.csv"))
    if sets:
        files = [f for f in files if f.stem in sets]
    if not files:
        raise SystemExit(f"--real {folder}: no CSV files{' named ' + ', '.join(sets) if sets else ''} there")
    fractions = [0.2, 0.3]
    runs = [("default", {}, ("random", "uncertainty"))]
    if compare:
        runs += [(name, options, ("random",)) for name, options in REAL_VARIANTS.items()]
    with tempfile.TemporaryDirectory() as cache:
        embedder = get_embedder(embedder_name, cache_dir=Path(cache))
        totals: dict = {}
        for path in files:
            texts, labels = load_real_set(path)
            vectors = embedder.embed(texts)
            scored = int((labels.sum(axis=0) >= 8).sum())
            print(f"real: {path.name}: {len(texts)} answers, {labels.shape[1]} codes ({scored} with >= 8 positives), "
                  f"embedder {embedder.model_id}, seeds 0-{seeds - 1}; mean kappa over those codes on held-out answers")
            for name, options, samplings in runs:
                for sampling in samplings:
                    started, rows = time.perf_counter(), []
                    for seed in range(seeds):
                        results = learning_curve(
                            texts, labels, fractions, seed=seed, sampling=sampling, vectors=vectors,
                            make_coder=lambda seed=seed: ClassifierCoder(embedder, random_state=seed, **options))
                        rows.append([(r["kappa_mean"], r["kappa_low"], r["kappa_high"]) for r in results])
                    mean = np.mean(np.asarray(rows, dtype=float), axis=0)
                    totals.setdefault((name, sampling), []).append(mean[:, 0])
                    figures = "  ".join(f"{f:.0%}: {k:.3f} ({lo:.3f}-{hi:.3f})"
                                        for f, (k, lo, hi) in zip(fractions, mean))
                    print(f"  {name:<20} {sampling:<11} {figures}  ({time.perf_counter() - started:.0f}s)")
        if len(files) > 1:
            print(f"real: mean over {len(files)} sets")
            for (name, sampling), values in totals.items():
                mean = np.mean(values, axis=0)
                print(f"  {name:<20} {sampling:<11} " + "  ".join(f"{f:.0%}: {k:.3f}" for f, k in zip(fractions, mean)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20000, help="synthetic segments for throughput (default 20000)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--skip-similarity", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-before", action="store_true", help="skip the first-built classifier (comparison)")
    parser.add_argument("--codebook-before", type=Path, default=None,
                        help="an earlier codebook whose rules' precision is measured beside the current one")
    parser.add_argument("--only-rules", action="store_true", help="only the rules' precision table")
    parser.add_argument("--real", type=Path, default=None, metavar="DIR",
                        help="only the quality on real human-coded answers: CSVs in DIR (see above)")
    parser.add_argument("--real-sets", default="", help="comma-separated CSV names (without .csv) in --real DIR")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    if args.real is not None:
        bench_real(args.real, [s for s in args.real_sets.split(",") if s], args.seeds, args.embedder,
                   compare=not args.skip_before)
        return
    bench_rule_precision(args.codebook_before)
    if args.only_rules:
        return
    texts = synthetic_texts(args.n, seed=2024)
    bench_rules(texts)
    if not args.skip_similarity:
        bench_similarity(texts, args.embedder)
    if not args.skip_quality:
        bench_quality(args.seeds, args.embedder, compare=not args.skip_before)


if __name__ == "__main__":
    main()
