"""The dashboards in a real browser (Debian's chromium driven by Playwright): each page loads cleanly under
Voila, shows its charts and tables and no real name, and its filters show exactly what pandas computes
from the bundle. The offline export shows its charts with the network blocked."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_bundle import expected_units, roster_names, shared_bundle

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOAD_TIMEOUT = 150_000  # ms; a dashboard runs its notebook on a fresh kernel under load
UPDATE_TIMEOUT = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium; .ci/run installs it)"),
]


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    return shared_bundle(tmp_path_factory)


@pytest.fixture(scope="session")
def server(project):
    from evidence.dashboard.serve import start

    running = start(project, preheat=False)  # preheating all four at once competes with the first page for CPU
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page visit with everything the browser reported."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.remote: list[str] = []
        self.bundle_requests: list[str] = []  # the shared copy of plotly's widget bundle (see evidence.dashboard.charts)
        self.received = 0  # characters/bytes the page received over the kernel's websocket
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "blob:", "data:", "file:"))
                     else self.remote.append(r.url))
        self.page.on("request", lambda r: self.bundle_requests.append(r.url) if "/plotly-widget-" in r.url else None)
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.page.goto(url, timeout=LOAD_TIMEOUT)
        self.page.wait_for_selector(".ev-section", timeout=LOAD_TIMEOUT)

    def _count(self, payload: str | bytes) -> None:
        self.received += len(payload)

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def wait_count(self, selector: str, value: int) -> None:
        self.page.wait_for_function("([s, n]) => { const e = document.querySelector(s); "
                                    "return e !== null && e.dataset.count === String(n); }",
                                    arg=[selector, value], timeout=UPDATE_TIMEOUT)

    def check_clean(self, charts: int, tables: int) -> None:
        """No traceback, no browser error, no request off this machine, charts drawn, tables there, no names."""
        self.page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                                    arg=charts, timeout=LOAD_TIMEOUT)
        text = self.page.inner_text("body")
        assert "Traceback" not in text and "There was an error when executing cell" not in text
        assert not self.page_errors, self.page_errors
        assert not self.console_errors, self.console_errors
        assert not self.remote, f"requests off this machine: {self.remote}"
        assert self.count("table.ev-table") >= tables
        assert self.count("pre") == 0 and self.count(".jp-InputArea-editor") == 0, "code is shown"
        found = re.findall(r"\b(" + "|".join(re.escape(n) for n in roster_names()) + r")\b", text)
        assert not found, f"real names on the page: {sorted(set(found))}"

    def select(self, selector: str, label: str) -> None:
        """Pick an option by its label (ipywidgets keeps the label, with plain spaces, as the option's value)."""
        self.page.select_option(f"{selector} select", value=label)


def most_common(project: Path, field: str) -> str:
    segments = pd.read_parquet(project / "results" / "segments.parquet")
    units = segments[segments["kind"].isin(["quote", "turn"]) & segments[field].ne("")]
    return str(units[field].value_counts().index[0])


def shown_units(visit: Visit) -> list[str]:
    return visit.page.eval_on_selector_all(".ev-quotes li[data-unit]", "els => els.map(e => e.dataset.unit)")


def test_theme_explorer_filters_match_pandas(server, browser, project):
    visit = Visit(browser, server.page("2_theme_explorer"))
    visit.check_clean(charts=2, tables=2)
    everything = expected_units(project)
    visit.wait_count(".ev-quotes .ev-count", len(everything))
    assert shown_units(visit) == everything[:50]

    school = most_common(project, "school")
    steps = [
        (".ev-filter-school", school, dict(school=school)),
        (".ev-filter-wave", "after", dict(school=school, wave="after")),
        (".ev-filter-code", "Pupil outcomes", dict(school=school, wave="after", code="outcomes")),
    ]
    previous = len(everything)
    for selector, label, filters in steps:
        visit.select(selector, label)
        expected = expected_units(project, **filters)
        assert len(expected) != previous, f"{filters} does not change the selection; pick another value"
        visit.wait_count(".ev-quotes .ev-count", len(expected))
        assert shown_units(visit) == expected[:50]
        previous = len(expected)

    visit.page.fill(".ev-filter-search input", "maths")
    visit.page.press(".ev-filter-search input", "Enter")
    expected = expected_units(project, school=school, wave="after", code="outcomes", search="maths")
    assert len(expected) != previous
    visit.wait_count(".ev-quotes .ev-count", len(expected))
    assert shown_units(visit) == expected[:50]
    assert visit.count(".ev-quotes mark") > 0 or not expected  # coded words are marked
    visit.check_clean(charts=2, tables=2)
    visit.page.close()


def test_partnership_overview_counts_match_pandas(server, browser, project):
    from evidence.dashboard.overview import FEATURES

    visit = Visit(browser, server.page("1_partnership_overview"))
    visit.check_clean(charts=1, tables=2)
    school = most_common(project, "school")
    visit.select(".ev-filter-selection", f"School: {school}")
    visit.page.wait_for_selector(f"text=The four features of a good partnership \u2014 {school}", timeout=UPDATE_TIMEOUT)
    rows = visit.page.eval_on_selector_all('table[data-table="features"] tbody tr',
                                           "rows => rows.map(r => r.cells[1].innerText)")
    expected = [str(len(expected_units(project, school=school, code=code))) for code in FEATURES]
    assert rows == expected
    assert "effect size g =" in visit.page.inner_text(".ev-headline")
    visit.check_clean(charts=1, tables=2)
    visit.page.close()


def test_pupil_voice_pairs_match_pandas(server, browser, project):
    visit = Visit(browser, server.page("3_pupil_voice"))
    visit.check_clean(charts=1, tables=2)
    pairs = pd.read_parquet(project / "results" / "voice_pairs.parquet")
    visit.wait_count(".ev-pairs .ev-count", len(pairs))
    visit.select(".ev-filter-code", "\u2003Confidence")  # sub-themes are indented under their theme
    chosen = pairs[pairs["code"] == "outcomes.confidence"]
    visit.wait_count(".ev-pairs .ev-count", len(chosen))
    shown = visit.page.eval_on_selector_all(".ev-pairs tr[data-pupil]", "rows => rows.map(r => r.dataset.pupil)")
    assert sorted(shown) == sorted(chosen["pupil"])[: len(shown)] or set(shown) <= set(chosen["pupil"])
    assert len(shown) == min(30, len(chosen))
    visit.check_clean(charts=1, tables=2)
    visit.page.close()


def test_evidence_and_outcomes_shows_effects_and_caveats(server, browser, project):
    visit = Visit(browser, server.page("4_evidence_and_outcomes"))
    visit.check_clean(charts=2, tables=2)
    effects = pd.read_parquet(project / "results" / "effects.parquet").dropna(subset=["g"])
    assert visit.count('table[data-table="effects"] tbody tr') == len(effects)
    caveats = visit.page.inner_text("[data-section=caveats]")
    assert "Comparison group" in caveats and "Missing data" in caveats
    # both charts drew from one shared copy of plotly's widget bundle, fetched once; none came over the kernel
    assert len(visit.bundle_requests) == 1, visit.bundle_requests
    assert visit.received < 1_000_000, f"{visit.received} received over the kernel connection"
    visit.page.close()


def test_static_export_shows_charts_with_the_network_blocked(browser, project, tmp_path):
    from evidence.dashboard.export import export_html

    for path in export_html(project, tmp_path):
        context = browser.new_context()
        blocked: list[str] = []

        def block(route):
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", block)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        plots = page.locator(".plotly-graph-div").count()
        assert plots >= 1
        page.wait_for_function("n => document.querySelectorAll('.plotly-graph-div .main-svg').length >= n",
                               arg=plots, timeout=30_000)
        assert not errors and not blocked, (errors, blocked)
        context.close()
