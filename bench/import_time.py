"""How long `import evidence` takes, against `import pandas`, measured in the same run.

Each import runs in a fresh interpreter (so nothing is cached in-process), several times; the median
is reported. Target: `import evidence` under 2x `import pandas`.

    .venv/bin/python bench/import_time.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "import pandas": "import pandas",
    "import evidence": "import evidence",
    "import evidence.nlp.embeddings, evidence.themes.fit": "import evidence.nlp.embeddings, evidence.themes.fit",
    "import evidence.cli": "import evidence.cli",
}


def seconds(statement: str) -> float:
    """Wall time of one fresh interpreter running ``statement`` (minus an empty interpreter)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    seconds("import pandas, evidence")  # warm the file cache once
    empty = statistics.median(seconds("pass") for _ in range(args.repeats))
    medians = {name: statistics.median(seconds(code) for _ in range(args.repeats)) - empty
               for name, code in STATEMENTS.items()}
    base = medians["import pandas"]
    print(f"empty interpreter: {empty * 1000:.0f} ms (subtracted); median of {args.repeats} runs")
    for name, value in medians.items():
        print(f"{name:<50} {value * 1000:7.0f} ms   {value / base:5.2f}x pandas")
    verdict = "OK" if medians["import evidence"] < 2 * base else "TOO SLOW"
    print(f"target `import evidence` < 2x `import pandas`: {verdict}")


if __name__ == "__main__":
    main()
