"""Measure the dashboards in a real browser (Debian chromium + Playwright); prints figures, asserts nothing.

1. Time from navigation to the first chart drawn, for each dashboard on the sample bundle, against a trivial
   Voila notebook (one markdown cell, one plotly FigureWidget) served by the same server in the same run.
   Target: each dashboard within 1.5x of the trivial notebook. Two trivial notebooks are timed: one with
   plotly's own FigureWidget (which sends plotly's 5 MB bundle with the chart) and one with the dashboards'
   FigureWidget (which imports the copy the server shares); each dashboard's ratio against both is printed.
   Pages are visited in turn, each round starting one page later, so load and warm-up fall on all of them alike.
2. Time for a filter change in the theme explorer to update the quote list, with 100,000 synthetic segments
   in the bundle. Target: under 300 ms. The library's own share (filter + quote HTML) is printed too.
3. Memory under repeated visits: the resident memory of Voila and its kernels after each tour of the four
   dashboards, as a ratio of the idle server's measured in the same run; tabs are closed both politely (the
   page tells Voila to shut its kernel down) and abruptly (no word: the kernel waits for culling), then the
   memory once idle kernels have been culled (``serve.CULL_IDLE_SECONDS``). Target: back to within 1.5x of
   idle after culling, whatever the number of visits.

    .venv/bin/python bench/dashboards.py [--repeat 3] [--preheat] [--only filter|load|memory]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


TRIVIAL = {
    # plotly's own FigureWidget: its 5 MB front-end bundle travels over the kernel connection with the chart
    "0_trivial": "import plotly.graph_objects as go\ngo.FigureWidget(go.Bar(x=['a', 'b'], y=[1, 2]))",
    # the FigureWidget class the dashboards use: it imports the one copy of the bundle the server shares
    "0_trivial_shared": "import plotly.graph_objects as go\nfrom evidence.dashboard.charts import widget_class\n"
                        "widget_class()(go.Bar(x=['a', 'b'], y=[1, 2]))",
}


def trivial_notebook(folder: Path, name: str = "0_trivial") -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Trivial"), nbformat.v4.new_code_cell(TRIVIAL[name])]
    nbformat.write(nb, folder / f"{name}.ipynb")


def first_chart_seconds(browser, url: str) -> float:
    page = browser.new_page()
    started = time.perf_counter()
    page.goto(url, timeout=300_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
    seconds = time.perf_counter() - started
    page.close()
    return seconds


def bench_load(browser, repeat: int, preheat: bool) -> None:
    from dashboard_bundle import build_sample_bundle

    from evidence.dashboard import DASHBOARDS
    from evidence.dashboard.notebooks import write_notebooks
    from evidence.dashboard.serve import start

    with tempfile.TemporaryDirectory() as tmp:
        project = build_sample_bundle(Path(tmp) / "project")
        folder = Path(tmp) / "notebooks"
        write_notebooks(folder)
        for name in TRIVIAL:
            trivial_notebook(folder, name)
        server = start(project, notebooks=folder, preheat=preheat)
        try:
            if preheat:
                time.sleep(45)  # let the pool of pre-heated kernels fill before timing
            names = [*TRIVIAL, *DASHBOARDS]
            times: dict[str, list[float]] = {n: [] for n in names}
            for round_ in range(repeat):
                for name in names[round_ % len(names):] + names[:round_ % len(names)]:  # each round starts elsewhere
                    times[name].append(first_chart_seconds(browser, server.page(name)))
                    if preheat:
                        time.sleep(15)  # the pool refills the kernel just used
        finally:
            server.stop()
    base, shared = statistics.median(times["0_trivial"]), statistics.median(times["0_trivial_shared"])
    print(f"navigation to first chart (median of {repeat}, preheat={preheat}); ratios against the trivial notebook "
          "with plotly's FigureWidget / with the dashboards' FigureWidget (shared bundle):")
    print(f"  {'trivial notebook':28} {base:6.2f} s  1.00x")
    print(f"  {'trivial notebook, shared':28} {shared:6.2f} s  {shared / base:4.2f}x")
    for name in DASHBOARDS:
        value = statistics.median(times[name])
        print(f"  {name:28} {value:6.2f} s  {value / base:4.2f}x  {value / shared:4.2f}x  (target <= 1.5x)")


def bench_filter(browser, repeat: int) -> None:
    from evidence.dashboard.bundle import load_bundle
    from evidence.dashboard.explorer import quotes_html
    from evidence.dashboard.filters import Filters, build_index, filter_mask
    from evidence.dashboard.serve import start
    from evidence.dashboard.synthetic import write_synthetic_bundle

    with tempfile.TemporaryDirectory() as tmp:
        project = write_synthetic_bundle(Path(tmp) / "project", 100_000, seed=1)
        bundle = load_bundle(project)
        started = time.perf_counter()
        index = build_index(bundle)
        print(f"100,000 segments: index built in {time.perf_counter() - started:.2f} s (once per page load)")
        steps = [("school", "School C"), ("wave", "after"), ("code", "\u2003Staff turnover"), ("school", "School H"),
                 ("wave", "before"), ("code", "\u2003Confidence")] * repeat
        library = []
        for field, value in steps[:6]:
            filters = Filters(**{field: value.strip()}) if field != "code" else Filters(code="fizzle.turnover")
            t = time.perf_counter()
            quotes_html(index, filters, filter_mask(index, filters))
            library.append(time.perf_counter() - t)
        print(f"  library share (filter + first 50 quotes as HTML): median {1000 * statistics.median(library):.0f} ms")

        server = start(project, preheat=False)
        try:
            page = browser.new_page()
            page.goto(server.page("2_theme_explorer"), timeout=300_000)
            page.wait_for_selector(".ev-quotes .ev-count", timeout=300_000)
            timings = []
            for field, value in steps:
                before = page.eval_on_selector(".ev-quotes .ev-count", "e => e.outerHTML + e.nextSibling.innerHTML.length")
                page.select_option(f".ev-filter-{field} select", value=value)
                t = time.perf_counter()
                page.wait_for_function("old => { const e = document.querySelector('.ev-quotes .ev-count'); "
                                       "return e && (e.outerHTML + e.nextSibling.innerHTML.length) !== old; }",
                                       arg=before, timeout=60_000, polling="raf")
                timings.append(time.perf_counter() - t)
        finally:
            server.stop()
    print(f"  filter change to quote list updated in the browser: median {1000 * statistics.median(timings):.0f} ms, "
          f"max {1000 * max(timings):.0f} ms over {len(timings)} changes (target < 300 ms)")


def server_memory(server) -> tuple[float, int]:
    """Resident memory (MB) of the Voila process and all its children, and how many kernels are running."""
    import psutil

    root = psutil.Process(server.process.pid)
    total, kernels = root.memory_info().rss, 0
    for process in root.children(recursive=True):
        try:  # a kernel being culled can vanish (or linger as a zombie) between listing and reading
            total += process.memory_info().rss
            kernels += "ipykernel" in " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
    return total / 1e6, kernels


def bench_memory(browser, repeat: int) -> None:
    from dashboard_other_bundle import build_other_bundle

    from evidence.dashboard import DASHBOARDS
    from evidence.dashboard.serve import CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS, start

    with tempfile.TemporaryDirectory() as tmp:
        project = build_other_bundle(Path(tmp))
        server = start(project, preheat=False)
        try:
            time.sleep(3)
            idle, _ = server_memory(server)
            print(f"memory of Voila and its kernels (ratio against the idle server, {idle:.0f} MB):")
            for polite in (True, False):
                for round_ in range(1, repeat + 1):
                    for name in DASHBOARDS:
                        page = browser.new_page()
                        page.goto(server.page(name), timeout=300_000)
                        page.wait_for_selector(".ev-section", timeout=300_000)
                        page.close(run_before_unload=polite)
                    time.sleep(2)
                    memory, kernels = server_memory(server)
                    how = "tabs closed politely " if polite else "tabs closed abruptly"
                    print(f"  {how}, after {round_ * len(DASHBOARDS):2d} visits: {memory:6.0f} MB "
                          f"{memory / idle:5.2f}x, {kernels} kernels running")
            waited = 0.0
            started = time.monotonic()
            while time.monotonic() - started < CULL_IDLE_SECONDS + 3 * CULL_INTERVAL_SECONDS:
                time.sleep(10)
                memory, kernels = server_memory(server)
                waited = time.monotonic() - started
                if not kernels:
                    break
            print(f"  {waited:.0f} s later (idle kernels culled after {CULL_IDLE_SECONDS} s): {memory:6.0f} MB "
                  f"{memory / idle:5.2f}x, {kernels} kernels running (target <= 1.5x)")
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--preheat", action="store_true", help="serve with pre-heated kernels (as `evidence dashboards`)")
    parser.add_argument("--only", choices=["filter", "load", "memory"], default=None,
                        help="run one of the three measurements")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            if args.only in (None, "filter"):
                bench_filter(browser, args.repeat)
            if args.only in (None, "load"):
                bench_load(browser, args.repeat, args.preheat)
            if args.only in (None, "memory"):
                bench_memory(browser, args.repeat)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
