"""Ingest throughput: words per second of ingest + segmentation against plain spaCy ``nlp.pipe``.

Both sides use the same pipeline (spacy.blank("en") + sentencizer + lookup lemmatizer) on the same texts,
measured in the same run. The ingest side reads the sample transcripts and quote table (copied N times
under new names), segments them and writes them to a fresh project store; the baseline only runs
``nlp.pipe`` over the turn and quote texts. Target: ingest at least 0.7 of plain spaCy's throughput. Ingest runs only the
components that set sentence boundaries (lemmas are not stored), so a stricter ratio against ``nlp.pipe``
without the lemmatizer is printed too. Each ratio is given for wall-clock time and for this process's CPU
time (``time.process_time``): on a shared, busy machine the wall-clock ratio moves by tens of percent
between runs, the CPU-time one much less.

    .venv/bin/python bench/ingest.py [--copies 8]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"


def make_corpus(folder: Path, copies: int) -> list[Path]:
    files = []
    for n in range(copies):
        for sub in ("transcripts", "quotes"):
            for path in sorted((SAMPLE / sub).iterdir()):
                if path.name.endswith(".meta.yaml") or path.suffix == ".xlsx":
                    continue
                target = folder / f"copy{n}_{path.name}"
                if path.suffix == ".csv":  # quote ids are unique per project: give each copy its own
                    import pandas as pd

                    table = pd.read_csv(path, dtype=str, keep_default_na=False)
                    table["id"] = f"c{n}-" + table["id"]
                    table.to_csv(target, index=False)
                else:
                    shutil.copy(path, target)
                sidecar = path.with_name(path.name + ".meta.yaml")
                if sidecar.exists():
                    shutil.copy(sidecar, target.with_name(target.name + ".meta.yaml"))
                files.append(target)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from evidence.nlp.pipeline import load_pipeline
    from evidence.project import Project

    nlp = load_pipeline()
    nlp("warm up")
    best_ingest, best_spacy, best_sentencizer, words = float("inf"), float("inf"), float("inf"), 0
    cpu_ingest, cpu_spacy, cpu_sentencizer = float("inf"), float("inf"), float("inf")
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            files = make_corpus(folder, args.copies)
            project = Project.init(Path(tmp) / "project", pseudonymise=False)
            start, cpu = time.perf_counter(), time.process_time()
            report = project.ingest(files)
            best_ingest = min(best_ingest, time.perf_counter() - start)
            cpu_ingest = min(cpu_ingest, time.process_time() - cpu)
            assert report.ok, [f.message for f in report.failed]
            units = project.segments(["turn", "quote"])
            texts = [t for t in units["text"] if t]
            words = sum(len(t.split()) for t in texts)
            project.close()
            start, cpu = time.perf_counter(), time.process_time()
            for _ in nlp.pipe(texts, batch_size=256):
                pass
            best_spacy = min(best_spacy, time.perf_counter() - start)
            cpu_spacy = min(cpu_spacy, time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            for _ in nlp.pipe(texts, batch_size=256, disable=["lemmatizer"]):
                pass
            best_sentencizer = min(best_sentencizer, time.perf_counter() - start)
            cpu_sentencizer = min(cpu_sentencizer, time.process_time() - cpu)
    ingest_wps, spacy_wps = words / best_ingest, words / best_spacy
    print(f"files: {len(files)}, words: {words}, best of {args.repeats} runs")
    print(f"plain spaCy nlp.pipe : {spacy_wps:12,.0f} words/s")
    print(f"ingest+segmentation  : {ingest_wps:12,.0f} words/s (read, parse turns, sentences, store)")
    print(f"ratio ingest/spaCy   : {ingest_wps / spacy_wps:.2f} (target >= 0.70)")
    sentencizer_wps = words / best_sentencizer
    print(f"stricter baseline    : {sentencizer_wps:12,.0f} words/s (nlp.pipe without the lemmatizer, as ingest runs it)")
    print(f"ratio ingest/that    : {ingest_wps / sentencizer_wps:.2f}")
    print(f"CPU-time ratios      : ingest/spaCy {cpu_spacy / cpu_ingest:.2f} (target >= 0.70), "
          f"ingest/that {cpu_sentencizer / cpu_ingest:.2f}")


if __name__ == "__main__":
    main()
