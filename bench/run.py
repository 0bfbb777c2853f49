"""The main job's speed: `evidence run` on a corpus with this checkout against a baseline commit, same run.

    python bench/run.py                                   # sample corpus, baseline = origin of this branch (main)
    python bench/run.py --baseline abc2cbc --corpus corpora/sample --embedder tfidf

Both runs start from a fresh project (cold embedding cache) and execute every tagged notebook the way a
researcher types it (relative --project, current folder = a fresh folder). The baseline's src/ and notebooks/
come from ``git archive BASELINE``. Printed: wall time, CPU time of the run and its notebook kernels, and the
ratios this/baseline (below 1 is faster). Wall time depends on what else the machine runs; CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def extract(commit: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "src", "notebooks"], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def timed_run(label: str, src: Path, notebooks: Path, corpus: Path, work: Path, extra: list[str]) -> dict:
    folder = work / label
    folder.mkdir()
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("EVIDENCE_PROJECT", None)
    subprocess.run([sys.executable, "-m", "evidence", "init", "--project", "proj", "--no-corpus"], cwd=folder,
                   env=env, check=False, capture_output=True)  # an older baseline may not know --no-corpus
    subprocess.run([sys.executable, "-m", "evidence", "init", "--project", "proj"], cwd=folder, env=env,
                   check=True, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "evidence", "run", "--project", "proj", "--corpus", str(corpus),
                           "--notebooks", str(notebooks), *extra], cwd=folder, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{label}: evidence run failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"label": label, "wall": wall, "cpu": cpu, "rss_mb": after.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="git commit or branch to compare with (default: main)")
    parser.add_argument("--corpus", default=str(REPO / "corpora" / "sample"), help="corpus folder")
    parser.add_argument("--embedder", default="", help="embedder for both runs (default: the project's, MiniLM)")
    args = parser.parse_args()
    extra = ["--embedder", args.embedder] if args.embedder else []
    corpus = Path(args.corpus).resolve()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as temp:
        work = Path(temp)
        base = extract(args.baseline, work / "baseline-src")
        results = [timed_run("baseline", base / "src", base / "notebooks", corpus, work, extra),
                   timed_run("this", REPO / "src", REPO / "notebooks", corpus, work, extra)]
    load = os.getloadavg()[0]
    print(f"evidence run on {corpus.name} (load average now {load:.1f} on {os.cpu_count()} cores)")
    for r in results:
        print(f"  {r['label']:<9} wall {r['wall']:7.1f} s   cpu {r['cpu']:7.1f} s   peak RSS of a child {r['rss_mb']:.0f} MB")
    b, t = results
    print(f"  ratio this/baseline: wall {t['wall'] / b['wall']:.2f}, cpu {t['cpu'] / b['cpu']:.2f}")


if __name__ == "__main__":
    main()
