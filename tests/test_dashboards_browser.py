"""The dashboards in a real browser (Debian's chromium driven by Playwright): each page loads cleanly under
Voila, shows its charts and tables and no real name, and its filters show exactly what pandas computes
from the bundle. What a person sees is checked: every chart's traces hold numbers and the chart has an
accessible name, every table a caption, header scope and CSV/Excel download links, a theme's count is the
same on every dashboard, and a bundle unlike the sample (other codebook, no waves, no results) shows plain
sentences instead of empty charts. The offline export shows its charts with the network blocked, lays out
without a chart covering a table at 1024, 1280 and 1920 px, and its picker works by keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_bundle import expected_units, roster_names
from dashboard_other_bundle import build_other_bundle

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
LOAD_TIMEOUT = 150_000  # ms; a dashboard runs its notebook on a fresh kernel under load
UPDATE_TIMEOUT = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # a Voila server and chromium pages: minutes
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium; .ci/run installs it)"),
]


@pytest.fixture(scope="session")
def server(sample_bundle):
    from evidence.dashboard.serve import start

    running = start(sample_bundle, preheat=False)  # preheating all four at once competes with the first page for CPU
    yield running
    running.stop()


@pytest.fixture(scope="session")
def other_project(tmp_path_factory) -> Path:
    return build_other_bundle(tmp_path_factory.mktemp("other"))


@pytest.fixture(scope="session")
def other_server(other_project):
    from evidence.dashboard.serve import start

    running = start(other_project, preheat=False)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def exported(sample_bundle, tmp_path_factory) -> dict[str, Path]:
    """The offline export of the sample, written once: dashboard name -> page."""
    from evidence.dashboard.export import export_html

    return {path.stem: path for path in export_html(sample_bundle, tmp_path_factory.mktemp("export"))}


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
        check_charts_and_tables(self.page)

    def select(self, selector: str, label: str) -> None:
        """Pick an option by its label (ipywidgets keeps the label, with plain spaces, as the option's value)."""
        self.page.select_option(f"{selector} select", value=label)


CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(el => el.offsetParent !== null)
  .map(el => {
    const named = el.closest('[role=img][aria-label]');
    const numbers = (el.data || []).map(t => {
      const values = t.type === 'heatmap' ? [].concat(...(t.z || [])) : Array.from(t.x || []);
      return values.length > 0 && values.every(v => typeof v === 'number' && isFinite(v));
    });
    return {name: named ? named.getAttribute('aria-label') : '', traces: numbers.length,
            numbers: numbers.length > 0 && numbers.every(Boolean)};
  })"""
TABLES_JS = """() => Array.from(document.querySelectorAll('table.ev-table')).filter(t => t.offsetParent !== null)
  .map(t => {
    const wrap = t.closest('.ev-table-wrap');
    const links = wrap && wrap.nextElementSibling && wrap.nextElementSibling.classList.contains('ev-downloads')
      ? Array.from(wrap.nextElementSibling.querySelectorAll('a[download]')).map(a => a.dataset.download) : [];
    const heads = Array.from(t.querySelectorAll('thead th'));
    return {name: t.dataset.table, caption: t.caption ? t.caption.innerText.trim() : '', links: links,
            scoped: heads.length > 0 && heads.every(h => h.getAttribute('scope') === 'col')};
  })"""


def check_charts_and_tables(page) -> None:
    """What a person (and a screen reader) gets from each visible chart and table."""
    for chart in page.evaluate(CHARTS_JS):
        assert chart["numbers"], f"a chart without numbers in its traces: {chart}"
        assert chart["name"].startswith("Chart: ") and len(chart["name"]) > 12, f"a chart without a name: {chart}"
    for table in page.evaluate(TABLES_JS):
        assert table["caption"], f"table {table['name']} has no caption"
        assert table["scoped"], f"table {table['name']} has header cells without scope"
        assert sorted(table["links"]) == ["csv", "xlsx"], f"table {table['name']} cannot be downloaded: {table}"


def table_column(page, name: str, column: str) -> dict[str, str]:
    """First column -> ``column`` of a visible table, as the page shows them."""
    return page.evaluate("""([name, column]) => {
        const table = Array.from(document.querySelectorAll(`table[data-table="${name}"]`))
          .find(t => t.offsetParent !== null);
        const heads = Array.from(table.querySelectorAll('thead th')).map(h => h.innerText.trim());
        const at = heads.indexOf(column);
        return Object.fromEntries(Array.from(table.querySelectorAll('tbody tr'))
          .map(r => [r.cells[0].innerText.trim(), r.cells[at].innerText.trim()]));
    }""", [name, column])


def most_common(sample_bundle: Path, field: str) -> str:
    segments = pd.read_parquet(sample_bundle / "results" / "segments.parquet")
    units = segments[segments["kind"].isin(["quote", "turn"]) & segments[field].ne("")]
    return str(units[field].value_counts().index[0])


def shown_units(visit: Visit) -> list[str]:
    return visit.page.eval_on_selector_all(".ev-quotes li[data-unit]", "els => els.map(e => e.dataset.unit)")


def test_theme_explorer_filters_match_pandas(server, browser, sample_bundle):
    visit = Visit(browser, server.page("2_theme_explorer"))
    visit.check_clean(charts=2, tables=2)
    everything = expected_units(sample_bundle)
    visit.wait_count(".ev-quotes .ev-count", len(everything))
    assert shown_units(visit) == everything[:50]

    school = most_common(sample_bundle, "school")
    steps = [
        (".ev-filter-school", school, dict(school=school)),
        (".ev-filter-wave", "after", dict(school=school, wave="after")),
        (".ev-filter-code", "Pupil outcomes", dict(school=school, wave="after", code="outcomes")),
    ]
    previous = len(everything)
    for selector, label, filters in steps:
        visit.select(selector, label)
        expected = expected_units(sample_bundle, **filters)
        assert len(expected) != previous, f"{filters} does not change the selection; pick another value"
        visit.wait_count(".ev-quotes .ev-count", len(expected))
        assert shown_units(visit) == expected[:50]
        previous = len(expected)

    visit.page.fill(".ev-filter-search input", "maths")
    visit.page.press(".ev-filter-search input", "Enter")
    expected = expected_units(sample_bundle, school=school, wave="after", code="outcomes", search="maths")
    assert len(expected) != previous
    visit.wait_count(".ev-quotes .ev-count", len(expected))
    assert shown_units(visit) == expected[:50]
    assert visit.count(".ev-quotes mark") > 0 or not expected  # coded words are marked
    visit.check_clean(charts=2, tables=2)
    visit.page.close()


def marked_codes(sample_bundle: Path, role: str) -> dict[str, str]:
    codes = pd.read_parquet(sample_bundle / "results" / "codes.parquet")
    chosen = codes[codes["dashboard"] == role]
    return dict(zip(chosen["id"], chosen["name"]))


def test_partnership_overview_counts_match_pandas(server, browser, sample_bundle):
    features = marked_codes(sample_bundle, "feature")
    assert len(features) == 4  # the starter codebook marks its four features (dashboard: feature)
    visit = Visit(browser, server.page("1_partnership_overview"))
    visit.check_clean(charts=1, tables=2)
    school = most_common(sample_bundle, "school")
    visit.select(".ev-filter-selection", f"School: {school}")
    visit.page.wait_for_selector(f"text=Features of a good partnership \u2014 {school}", timeout=UPDATE_TIMEOUT)
    shown = table_column(visit.page, "features", "supporting quotes")
    expected = {name: str(len(expected_units(sample_bundle, school=school, code=code)))
                for code, name in features.items()}
    assert shown == expected
    assert "effect size g =" in visit.page.inner_text(".ev-headline")
    results = table_column(visit.page, "schools", "Progress 8")  # the school's KS4 results beside its themes
    assert list(results) == [school]
    warnings = marked_codes(sample_bundle, "warning")
    raised = table_column(visit.page, "warnings", "times raised")
    assert raised and set(raised) <= set(warnings.values())
    for code, name in warnings.items():
        if name in raised:
            assert raised[name] == str(len(expected_units(sample_bundle, school=school, code=code)))
    visit.check_clean(charts=1, tables=2)
    visit.page.close()


def test_pupil_voice_pairs_match_pandas(server, browser, sample_bundle):
    visit = Visit(browser, server.page("3_pupil_voice"))
    visit.check_clean(charts=1, tables=2)
    pairs = pd.read_parquet(sample_bundle / "results" / "voice_pairs.parquet")
    visit.wait_count(".ev-pairs .ev-count", len(pairs))
    visit.select(".ev-filter-code", "\u2003Confidence")  # sub-themes are indented under their theme
    chosen = pairs[pairs["code"] == "outcomes.confidence"]
    visit.wait_count(".ev-pairs .ev-count", len(chosen))
    shown = visit.page.eval_on_selector_all(".ev-pairs tr[data-pupil]", "rows => rows.map(r => r.dataset.pupil)")
    assert sorted(shown) == sorted(chosen["pupil"])[: len(shown)] or set(shown) <= set(chosen["pupil"])
    assert len(shown) == min(30, len(chosen))
    visit.check_clean(charts=1, tables=2)
    visit.page.close()


def test_evidence_and_outcomes_shows_effects_first_and_plain_columns(server, browser, sample_bundle, tmp_path):
    visit = Visit(browser, server.page("4_evidence_and_outcomes"))
    visit.check_clean(charts=2, tables=3)
    effects = pd.read_parquet(sample_bundle / "results" / "effects.parquet").dropna(subset=["g"])
    assert visit.count('table[data-table="effects"] tbody tr') == len(effects)
    sections = visit.page.eval_on_selector_all(".ev-section[data-section]", "els => els.map(e => e.dataset.section)")
    assert sections.index("effects") < sections.index("joint")  # effect sizes near the top
    heads = visit.page.eval_on_selector_all('table[data-table="joint"] thead th', "els => els.map(e => e.innerText)")
    assert len(heads) == len(set(heads)), f"two columns share a name: {heads}"
    assert not any("_" in h for h in heads), f"raw column names: {heads}"
    assert not any(h.startswith("effect") for h in heads)  # the overall effect is not repeated on every theme
    caveats = visit.page.inner_text("[data-section=caveats]")
    assert "Comparison group" in caveats and "Missing data" in caveats
    # a long quote is shortened with its full text one click away
    details = visit.page.locator('table[data-table="joint"] details').first
    assert details.count() == 1
    full = details.evaluate("d => d.textContent")
    details.locator("summary").click()
    assert details.evaluate("d => d.open") and len(details.inner_text()) >= len(full) - 20
    # the CSV download holds the table's rows
    with visit.page.expect_download() as download:
        visit.page.click('.ev-downloads[data-downloads="effects"] a[data-download="csv"]')
    saved = tmp_path / "effects.csv"
    download.value.save_as(saved)
    assert len(pd.read_csv(saved, encoding="utf-8-sig")) == len(effects)
    # both charts drew from one shared copy of plotly's widget bundle, fetched once; none came over the kernel
    assert len(visit.bundle_requests) == 1, visit.bundle_requests
    assert visit.received < 1_500_000, f"{visit.received} received over the kernel connection"
    visit.page.close()


def test_a_counted_theme_is_equal_across_dashboards(server, browser, sample_bundle):
    features = marked_codes(sample_bundle, "feature")
    code, name = sorted(features.items())[0]
    expected = str(len(expected_units(sample_bundle, code=code)))
    counts = {}
    visit = Visit(browser, server.page("1_partnership_overview"))  # "All the evidence" comes first
    visit.check_clean(charts=1, tables=2)
    counts["overview"] = table_column(visit.page, "features", "supporting quotes")[name]
    visit.page.close()
    visit = Visit(browser, server.page("2_theme_explorer"))
    visit.check_clean(charts=2, tables=2)
    counts["explorer"] = table_column(visit.page, "prevalence", "quotes")[name]
    visit.page.close()
    visit = Visit(browser, server.page("4_evidence_and_outcomes"))
    visit.check_clean(charts=2, tables=2)
    counts["outcomes"] = table_column(visit.page, "joint", "times raised")[name]
    visit.page.close()
    assert counts == {"overview": expected, "explorer": expected, "outcomes": expected}


def test_a_bundle_unlike_the_sample_says_what_it_lacks(other_server, browser, other_project):
    visit = Visit(browser, other_server.page("3_pupil_voice"))
    text = visit.page.inner_text("body")
    assert "No before/after waves in this analysis" in text
    assert visit.count(".js-plotly-plot") == 0  # a sentence, never empty axes
    visit.page.close()

    codings = pd.read_parquet(other_project / "results" / "codings.parquet")
    segments = pd.read_parquet(other_project / "results" / "segments.parquet")
    visit = Visit(browser, other_server.page("1_partnership_overview"))
    visit.check_clean(charts=1, tables=1)
    text = visit.page.inner_text("body")
    assert "What people raised most" in text  # no feature metadata: the most raised codes
    assert "marks no codes as warning signs" in text and "No pupil outcomes in this analysis" in text
    shown = table_column(visit.page, "features", "supporting quotes")
    names = dict(zip(*[pd.read_parquet(other_project / "results" / "codes.parquet")[c] for c in ("id", "name")]))
    units = set(segments.loc[segments["kind"].isin(["quote", "turn"]), "id"])
    per_code = codings[codings["segment"].isin(units)].drop_duplicates(["segment", "code"])["code"].value_counts()
    assert shown == {names[c]: str(n) for c, n in per_code.items()}
    visit.page.close()

    visit = Visit(browser, other_server.page("2_theme_explorer"))
    visit.check_clean(charts=2, tables=2)
    speakers = visit.page.eval_on_selector_all(".ev-quotes .ev-who", "els => els.map(e => e.dataset.speaker)")
    assert speakers and all(speakers), "a turn or quote is listed without its speaker"
    assert "No themes from topic modelling" in visit.page.inner_text("body")
    visit.page.close()


OVERLAPS_JS = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? r : null; };
  const charts = Array.from(document.querySelectorAll('.plotly-graph-div')).map(visible).filter(Boolean);
  const tables = Array.from(document.querySelectorAll('table')).map(visible).filter(Boolean);
  const hits = [];
  for (const c of charts) for (const t of tables) {
    if (c.left < t.right - 1 && t.left < c.right - 1 && c.top < t.bottom - 1 && t.top < c.bottom - 1) hits.push([c, t]);
  }
  return {hits: hits.length, charts: charts.length, wide: document.documentElement.scrollWidth > window.innerWidth + 1};
}"""


def offline_page(browser, path: Path, width: int = 1400):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    blocked: list[str] = []

    def block(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), timeout=LOAD_TIMEOUT)
    plots = page.locator(".plotly-graph-div").count()
    page.wait_for_function("n => document.querySelectorAll('.plotly-graph-div .main-svg').length >= n",
                           arg=plots, timeout=LOAD_TIMEOUT)
    page.set_default_timeout(UPDATE_TIMEOUT)
    return context, page, errors, blocked


def test_static_export_shows_charts_with_the_network_blocked(browser, exported):
    for path in exported.values():
        context, page, errors, blocked = offline_page(browser, path)
        assert page.locator(".plotly-graph-div").count() >= 1
        check_charts_and_tables(page)
        assert not errors and not blocked, (errors, blocked)
        context.close()


@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_static_export_lays_out_without_a_chart_covering_a_table(browser, exported, width):
    for path in exported.values():
        context, page, errors, _ = offline_page(browser, path, width)
        page.wait_for_timeout(300)  # plotly's responsive resize after the first draw
        layout = page.evaluate(OVERLAPS_JS)
        assert layout["charts"] >= 1 and layout["hits"] == 0, f"{path.name} at {width}px: {layout}"
        assert not layout["wide"], f"{path.name} at {width}px runs off the right edge"
        assert not errors
        context.close()


def test_static_overview_picker_works_offline_by_keyboard(browser, sample_bundle, exported):
    path = exported["1_partnership_overview"]
    context, page, errors, blocked = offline_page(browser, path, 1280)
    labels = page.eval_on_selector_all("#ev-choice option", "os => os.map(o => o.textContent)")
    assert labels[0] == "All the evidence"
    page.focus("#ev-choice")
    page.keyboard.press("ArrowDown")
    chosen = labels[1]
    field, value = chosen.split(": ", 1)
    page.wait_for_selector(f"text=Features of a good partnership \u2014 {value}")
    shown = table_column(page, "features", "supporting quotes")
    features = marked_codes(sample_bundle, "feature")
    assert shown == {name: str(len(expected_units(sample_bundle, **{field.lower(): value}, code=code)))
                     for code, name in features.items()}
    check_charts_and_tables(page)
    assert page.evaluate(OVERLAPS_JS)["hits"] == 0
    assert not errors and not blocked
    context.close()


def test_static_explorer_filters_work_offline(browser, sample_bundle, exported):
    path = exported["2_theme_explorer"]
    context, page, errors, blocked = offline_page(browser, path, 1280)

    def shown() -> tuple[int, list[str]]:
        count = int(page.get_attribute(".ev-quotes .ev-count", "data-count"))
        return count, page.eval_on_selector_all(".ev-quotes li[data-unit]", "els => els.map(e => e.dataset.unit)")

    everything = expected_units(sample_bundle)
    assert shown() == (len(everything), everything[:50])
    school = most_common(sample_bundle, "school")
    page.select_option('select[data-filter="school"]', value=school)
    page.select_option('select[data-filter="wave"]', value="after")
    expected = expected_units(sample_bundle, school=school, wave="after")
    assert shown() == (len(expected), expected[:50])
    page.select_option('select[data-filter="code"]', label="Pupil outcomes")
    page.fill('input[data-filter="search"]', "maths")
    page.press('input[data-filter="search"]', "Enter")
    expected = expected_units(sample_bundle, school=school, wave="after", code="outcomes", search="maths")
    assert shown() == (len(expected), expected[:50])
    # the chart and its table follow the filters, by the same counting rule
    page.fill('input[data-filter="search"]', "")
    page.press('input[data-filter="search"]', "Enter")
    codes = pd.read_parquet(sample_bundle / "results" / "codes.parquet")
    counts = table_column(page, "prevalence", "quotes")
    for code, name in zip(codes["id"], codes["name"]):
        if name in counts:
            assert counts[name] == str(len(expected_units(sample_bundle, school=school, wave="after", code=code)))
    bars = page.evaluate("""() => { const d = document.querySelector('section[data-section="prevalence"] .plotly-graph-div');
                               return Object.fromEntries(d.data[0].y.map((y, i) => [y, String(d.data[0].x[i])])); }""")
    assert bars == counts
    check_charts_and_tables(page)
    assert not errors and not blocked, (errors, blocked)
    context.close()
