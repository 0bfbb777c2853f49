"""A national survey's worth of short answers: peak memory and time per 100,000 answers, stage by stage.

    .venv/bin/python bench/scale.py [--n 200000] [--embed-n 10000] [--workdir DIR]

Each stage runs in its own process, through the `evidence` command line, on a seeded synthetic survey
(corpora/generate.py's pupil quotes, every answer distinct):

  ingest       N answers from one csv into a fresh project (pseudonymisation on, no roster)
  rules        autocode --method rules over the N answers
  classifier   import 2,000 codings, then autocode --method classifier over EMBED_N/2 and EMBED_N answers with the
               default embedder, from an empty embedding cache (embedding dominates; it is the step a
               cluster takes over, see docs/scale.md)

Printed per stage: peak resident memory (ru_maxrss of that process) and seconds per 100,000 answers,
with ratios against baselines measured in the same run: a process that only imports the workbench and
reads the csv with pandas (memory), and pandas.read_csv of the same file (time). Target: every stage under
4 GB at 1,000,000 answers; memory per stage is measured at two sizes (N/2 and N) so its growth per
100,000 answers, and so the 1,000,000 figure, can be read off.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = """
import json, resource, sys, time
from evidence.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
print(json.dumps({"code": code, "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""
BASELINE = """
import json, resource, sys, time
import evidence.project, pandas
start = time.perf_counter()
table = pandas.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
seconds = time.perf_counter() - start
print(json.dumps({"code": 0, "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), file=sys.stderr)
"""


def write_survey(folder: Path, n: int, coded: int) -> tuple[Path, Path]:
    spec = importlib.util.spec_from_file_location("corpora_generate", ROOT / "corpora" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows, codings = module.synthetic_corpus(n, seed=2025)
    answers = folder / f"answers_{n}.csv"
    with answers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    keep = {r["id"] for r in rows[:coded]}
    coded_file = folder / f"coded_{n}.csv"
    with coded_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "code"])
        writer.writeheader()
        writer.writerows(c for c in codings if c["id"] in keep)
    return answers, coded_file


def run(script: str, args: list[str], env: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True)
    lines = [line for line in done.stderr.splitlines() if line.startswith('{"code"')]
    if done.returncode or not lines or json.loads(lines[-1])["code"] != 0:
        raise SystemExit(f"stage failed: {args}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return json.loads(lines[-1])


def project_for(folder: Path, name: str, env: dict[str, str]) -> Path:
    project = folder / name
    if project.exists():
        shutil.rmtree(project)
    run(STAGE, ["init", "--project", str(project)], env)
    return project


def shown(row: tuple) -> None:
    """One stage's figures as soon as it ends (a long run keeps what it measured if stopped)."""
    stage, n, result, base = row
    print(f"  done: {stage} at {n:,}: {result['peak_mb']:,.0f} MB peak, {result['seconds']:,.1f} s "
          f"(read_csv baseline {base['peak_mb']:,.0f} MB, {base['seconds']:,.2f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="answers for ingest and rules (default 200000)")
    parser.add_argument("--embed-n", type=int, default=10_000,
                        help="answers for the embedding + classifier stage (default 10000)")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: temporary)")
    parser.add_argument("--only-classifier", action="store_true",
                        help="skip ingest and rules; measure the embedding + classifier stage only (use an --embed-n "
                             "of several coding batches, 10,000 answers each, to see memory stay flat)")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), EVIDENCE_PROGRESS="0", PYTHONWARNINGS="ignore")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in ([] if args.only_classifier else sorted({args.n // 2, args.n})):
            answers, _ = write_survey(folder, n, coded=0)
            base = run(BASELINE, [str(answers)], env)
            project = project_for(folder, f"survey_{n}", env)
            ingest = run(STAGE, ["ingest", "--project", str(project), str(answers)], env)
            rules_book = ["codebook", "load", "--project", str(project), str(ROOT / "corpora" / "codebook.yaml")]
            run(STAGE, rules_book, env)
            rules = run(STAGE, ["autocode", "--project", str(project), "--method", "rules", "--coder", "kw"], env)
            rows += [("ingest", n, ingest, base), ("rules", n, rules, base)]
            shown(rows[-2])
            shown(rows[-1])
            shutil.rmtree(project)
        for n in sorted({args.embed_n // 2, args.embed_n}):  # two sizes: flat memory shows it streams
            answers, coded = write_survey(folder, n, coded=min(2000, n // 2))
            base = run(BASELINE, [str(answers)], env)
            project = project_for(folder, f"embedded_{n}", env)
            run(STAGE, ["ingest", "--project", str(project), str(answers)], env)
            run(STAGE, ["codebook", "load", "--project", str(project), str(ROOT / "corpora" / "codebook.yaml")],
                env)
            run(STAGE, ["import-codings", "--project", str(project), str(coded), "--coder", "Lead"], env)
            classifier = run(STAGE, ["autocode", "--project", str(project), "--method", "classifier",
                                     "--coder", "auto", "--train-coder", "Lead"], env)
            rows.append(("classifier+embedding", n, classifier, base))
            shown(rows[-1])
            shutil.rmtree(project)
    print(f"{'stage':<22}{'answers':>10}{'peak MB':>10}{'x baseline':>12}{'s/100k':>10}{'x read_csv':>12}")
    for stage, n, result, base in rows:
        per_100k = result["seconds"] * 100_000 / n
        print(f"{stage:<22}{n:>10,}{result['peak_mb']:>10,.0f}{result['peak_mb'] / base['peak_mb']:>12.2f}"
              f"{per_100k:>10,.1f}{result['seconds'] / base['seconds']:>12.1f}")
    by_stage: dict[str, list] = {}
    for stage, n, result, _ in rows:
        by_stage.setdefault(stage, []).append((n, result["peak_mb"]))
    for stage, points in by_stage.items():
        if len(points) == 2:
            (n1, m1), (n2, m2) = points
            slope = (m2 - m1) / (n2 - n1) * 100_000
            print(f"{stage}: +{slope:,.0f} MB per 100,000 answers; at 1,000,000 about "
                  f"{m2 + slope * (1_000_000 - n2) / 100_000:,.0f} MB (target < 4,096)")


if __name__ == "__main__":
    main()
