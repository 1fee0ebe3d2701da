"""The coordinator dashboard (docs/dashboard.md).

In a real browser: headless Chromium (Debian's /usr/bin/chromium, or SIAGA_CHROMIUM) driven by Playwright
against a real `siaga serve` on 127.0.0.1 with a temporary SQLite database and a coordinator key. Every
request the page makes is intercepted: one for any other host fails the test and is aborted, and the
browser's proxy is a dead port with only 127.0.0.1 bypassing it, so the page runs as if the network
outside were cut off. Screenshots go to out/screenshots/ (SIAGA_SCREENSHOTS_DIR to change); with
SIAGA_DOCS_SCREENSHOTS=1 (tools/dashboard_screenshots.py) they also replace docs/screenshots/*.png.

Without Chromium or Playwright the browser tests are skipped, except under CI=true, where they fail
(`make test` installs Chromium first). The dashboard's own routes are also tested in-process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.dashboard import DASHBOARD_DIR
from api.dashboard.geometry import douglas_peucker

from ...api_fixtures import service  # noqa: F401 - fixture
from ...live_server import serve_process

ROOT = Path(__file__).resolve().parents[3]
STUDY = Path(__file__).parents[2] / "data" / "studies" / "sample_study.json"
CHROMIUM = os.environ.get("SIAGA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SIAGA_SCREENSHOTS_DIR", ROOT / "out" / "screenshots"))
DOCS_SHOTS = ROOT / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 800}
TABLET = {"width": 820, "height": 1180}
SCENARIO = "banjir-samarinda-2019"
# small solves: the whole module runs in about a minute on two cores
TIME_LIMIT, ITERATIONS = "1", "50"


# --- the server and the browser


@dataclass
class Server:
    url: str
    key: str
    log: Path

    def api(self, path: str) -> Any:
        r = httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {self.key}"}, timeout=30)
        r.raise_for_status()
        return r.json()


def _need_browser() -> None:
    """Skip (fail under CI=true) when Playwright or Chromium is missing."""
    why = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as e:
        why = f"playwright is not installed ({e})"
    if why is None and not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        why = f"no Chromium at {CHROMIUM} (apt-get install chromium, or `make .venv/.chromium`)"
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the dashboard's browser tests need a browser under CI=true: {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """`siaga serve` on a free port of 127.0.0.1, a fresh SQLite database, and a coordinator key made
    with `siaga keys create`."""
    _need_browser()
    tmp = tmp_path_factory.mktemp("dashboard")
    env = {
        **os.environ,
        "SIAGA_DATABASE_URL": f"sqlite:///{tmp / 'siaga.db'}",
        "SIAGA_POLL_INTERVAL_S": "0.1",
        "SIAGA_WORKERS": "2",
    }
    made = subprocess.run(
        [sys.executable, "-m", "api", "keys", "create", "--role", "coordinator", "--name", "posko test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    with serve_process(env, tmp / "serve.log") as (_, url):
        yield Server(url, key, tmp / "serve.log")


@pytest.fixture(scope="module")
def browser(server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            # no way out but 127.0.0.1: a dead proxy for everything else, no background traffic
            proxy={"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"},
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--no-first-run",
                "--disable-features=Translate,OptimizationHints,MediaRouter",
            ],
        )
        yield b
        b.close()


@dataclass
class Tab:
    """A page of a fresh browser context, and what it asked for."""

    page: Any
    server: Server
    requests: list[str]
    outside: list[str]
    errors: list[str]


JOB_RECORDER = """
window.__jobLog = [];
new MutationObserver(() => {
  const box = document.querySelector('#job');
  if (!box || !box.dataset.status) return;
  const bar = box.querySelector('progress');
  const entry = box.dataset.status + ':' + (bar ? Number(bar.value).toFixed(2) : '');
  if (window.__jobLog[window.__jobLog.length - 1] !== entry) window.__jobLog.push(entry);
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def _tab(browser: Any, server: Server, viewport: dict[str, int] = LAPTOP) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport, service_workers="block", accept_downloads=True)
    port = urlsplit(server.url).port
    requests: list[str] = []
    outside: list[str] = []

    def guard(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.hostname == "127.0.0.1" and parts.port == port:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", guard)
    context.add_init_script(JOB_RECORDER)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    tab = Tab(page, server, requests, outside, errors)
    yield tab
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert all(u.startswith((server.url + "/", "blob:", "data:")) for u in requests), requests
    assert errors == [], f"errors in the page: {errors}"


@pytest.fixture
def tab(browser, server) -> Iterator[Tab]:
    """A laptop-sized page (1366 x 800) that may talk to the test server only."""
    yield from _tab(browser, server)


@pytest.fixture
def tablet(browser, server) -> Iterator[Tab]:
    """A tablet-sized page (820 x 1180, portrait)."""
    yield from _tab(browser, server, TABLET)


def shot(page: Any, name: str) -> Path:
    """Save a screenshot as a test artefact (and in docs/screenshots/ with SIAGA_DOCS_SCREENSHOTS=1)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("SIAGA_DOCS_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SHOTS / f"{name}.png")
    return path


def sign_in(tab: Tab) -> Any:
    """Open the page and enter the key in its dialog; the page once it has loaded its lists."""
    page = tab.page
    page.goto(tab.server.url + "/")
    page.wait_for_selector("#key-dialog[open]")
    page.fill("#key-input", tab.server.key)
    page.click("#key-submit")
    page.wait_for_selector("#scenario-select option", state="attached")
    return page


def load_scenario(page: Any, name: str = SCENARIO) -> None:
    page.select_option("#scenario-select", f"bundled:{name}")
    page.click("#scenario-load")
    page.wait_for_function("() => document.querySelectorAll('#map-main circle.area').length > 0")


def make_plan(page: Any) -> None:
    page.click(".views [data-view=plan]")
    page.fill("#set-time", TIME_LIMIT)
    page.fill("#set-iter", ITERATIONS)
    page.click("#plan-run")
    page.wait_for_selector("#kpis", timeout=90_000)


def open_latest_plan(page: Any) -> None:
    page.click(".views [data-view=plan]")
    if page.query_selector("#plan-open-latest"):
        page.click("#plan-open-latest")
        page.wait_for_selector("#kpis")
    else:
        make_plan(page)


# a point on a link the plan's trips use, where the link itself is what the pointer hits
PICK_LINK = """() => {
  const box = document.querySelector('#map-main svg').getBoundingClientRect();
  const found = [];
  for (const el of document.querySelectorAll('#map-main line.hit[tabindex]')) {
    const m = el.getScreenCTM();
    const at = (x, y) => ({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f});
    const a = at(+el.getAttribute('x1'), +el.getAttribute('y1'));
    const b = at(+el.getAttribute('x2'), +el.getAttribute('y2'));
    if (Math.hypot(b.x - a.x, b.y - a.y) < 30) continue;
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      const x = a.x + (b.x - a.x) * f, y = a.y + (b.y - a.y) * f;
      if (x < box.left + 60 || x > box.right - 260 || y < box.top + 20 || y > box.bottom - 20) continue;
      if (document.elementFromPoint(x, y) === el) {
        found.push({edge: el.dataset.edge, x, y, length: Math.hypot(b.x - a.x, b.y - a.y),
                    connector: el.dataset.edge.startsWith('cd_')});
        break;
      }
    }
  }
  found.sort((p, q) => q.connector - p.connector || q.length - p.length);  // an area's own road, long
  return found;
}"""


# --- in the browser


@pytest.mark.slow  # a real browser
def test_coordinator_flow(tab):
    """The coordinator's flow in headless Chromium, offline but for 127.0.0.1: enter the key, load a
    bundled scenario (areas, warehouses, damaged links on the map; an area's details by PMKS group),
    run a plan with a progress bar (KPI cards, fill rate by group, trips drawn coloured by vehicle type,
    a trip's numbered stops with ETAs, the vehicles' Gantt chart, unmet need with reasons, plan.json
    download), then close a road
    the trips use by clicking it on the map: the re-plan runs as a job with a progress bar and the new
    plan shows beside the old one with what changed; the update is stored with the coordinator as its
    sender and the incident's plan is the re-plan."""
    page = sign_in(tab)
    load_scenario(page)
    assert (
        page.locator("#map-main rect.wh").count() == 17
    )  # 15 depots and the 2 hub landings (Long Bagun, Long Lunuk)
    assert page.locator("#map-main line.dmg").count() > 0  # the scenario's damaged links
    assert page.locator("#map-main path.kab").count() >= 10  # the bundled kabupaten boundaries
    page.click("#panel table button.link >> nth=0")  # the area with the most need
    details = page.locator("#details [data-details^='area:']")
    details.wait_for()
    assert "Balita" in details.inner_text() and page.locator("#details tbody tr").count() >= 5
    shot(page, "scenario")

    make_plan(page)
    log = page.evaluate("window.__jobLog")
    assert log[-1] == "succeeded:1.00", log
    assert page.locator("#kpis .kpi").count() == 12
    assert re.search(r"\d+%", page.inner_text("[data-kpi=fill_rate] .kpi-value"))
    assert re.search(
        r"\d", page.inner_text("[data-kpi=without_water] .kpi-value")
    )  # person-days, people first
    assert page.locator("#panel figure svg rect.bar").count() >= 5  # fill rate by group
    trips = page.locator("#map-main polyline.trip")
    assert trips.count() > 10
    colours = set(
        page.eval_on_selector_all("#map-main polyline.trip", "els => els.map(e => e.getAttribute('stroke'))")
    )
    assert len(colours) >= 2  # coloured by vehicle type
    fills = set(
        page.eval_on_selector_all("#map-main circle.area", "els => els.map(e => e.getAttribute('fill'))")
    )
    assert len(fills) >= 2  # coloured by fill rate
    # the listed trip with the most stops
    stops = page.eval_on_selector_all(
        ".trip-button .trip-sub", "els => els.map(e => parseInt(e.textContent))"
    )
    page.click(f".trip-button >> nth={stops.index(max(stops))}")
    page.wait_for_selector("#map-main .layer-tripStops .stop")
    first = page.locator("#map-main .stop-no").first.text_content()
    assert first == "1" and re.match(
        r"H\d \d\d:\d\d", page.locator("#map-main .stop-eta").first.text_content()
    )
    assert page.locator("#trip-stops ol.stops li").count() >= 3
    assert page.locator("#unmet-table tbody tr").count() > 0
    with page.expect_download() as dl:
        page.click("[data-download='plan.dl.json']")
    plan = json.loads(Path(dl.value.path()).read_text())
    assert plan["format"] == "siaga-plan/3" and plan["scenario"] == SCENARIO
    # the Gantt chart: a bar per trip, one row per vehicle
    assert page.locator("#panel svg.gantt rect.bar").count() == len(plan["trips"])
    page.locator("#kpis").evaluate("e => e.closest('.card').scrollIntoView({block: 'start'})")
    shot(page, "plan")
    first_plan = re.search(r"plan=(\w+)", page.url).group(1)

    page.click(".views [data-view=incident]")
    page.wait_for_selector("#map-main svg.interactive")
    candidates = page.evaluate(PICK_LINK)
    assert candidates, "no link of the plan's trips to click"
    link = candidates[0]
    page.mouse.click(link["x"], link["y"])  # a real click on the map
    page.wait_for_selector(f"#incident-link [data-link='{link['edge']}']")
    page.evaluate("window.__jobLog = []")
    page.click("#link-close")
    page.wait_for_selector("#incident-status >> text=/1 laporan/")
    page.wait_for_selector("#changes", timeout=90_000)
    log = page.evaluate("window.__jobLog")
    assert any(e.startswith(("queued", "running")) for e in log) and log[-1] == "succeeded:1.00", log
    assert page.is_visible("#map-old") and page.is_visible("#map-main")
    assert page.locator("#kpi-compare tbody tr").count() == 8
    assert page.locator("#new-unmet").count() == 1 and page.locator("#later-arrivals").count() == 1
    closed = page.eval_on_selector_all("#map-main line.dmg.closed", "els => els.length")
    assert closed >= 1
    assert page.locator("#update-log li").count() == 1
    shot(page, "incident")

    incidents = tab.server.api("/v1/incidents")["data"]
    incident = tab.server.api(f"/v1/incidents/{incidents[0]['id']}")
    [update] = incident["updates"]
    assert update["kind"] == "road_closed" and update["payload"] == {"edge": link["edge"]}
    assert update["actor"].startswith("posko test")
    assert incident["plan_id"] not in (None, first_plan) and f"plan={incident['plan_id']}" in page.url


@pytest.mark.slow  # a real browser
def test_language_switch(tab):
    """The language button switches every label between Indonesian and English (also the units of
    the KPI cards and the unmet reasons); the choice survives a reload; Indonesian is the default."""
    page = sign_in(tab)
    assert page.get_attribute("html", "lang") == "id"
    assert page.inner_text(".views [data-view=plan]") == "Rencana"
    load_scenario(page)
    open_latest_plan(page)
    assert "Tingkat pemenuhan" in page.inner_text("#kpis")
    page.click("#lang-switch")
    assert page.get_attribute("html", "lang") == "en"
    assert [
        page.inner_text(f".views [data-view={v}]") for v in ("scenario", "plan", "incident", "study")
    ] == [
        "Scenario",
        "Plan",
        "Incident",
        "Stockpile study",
    ]
    assert "Fill rate" in page.inner_text("#kpis") and "Tingkat" not in page.inner_text("#panel")
    assert page.inner_text("#lang-switch") == "Bahasa Indonesia"
    reasons = page.inner_text("#unmet-table")
    assert "no stock" in reasons or "transport capacity" in reasons
    shot(page, "plan-english")
    page.reload()
    page.wait_for_selector("#kpis")  # the key is kept for the session, the plan in the address
    assert page.get_attribute("html", "lang") == "en"
    page.click("#lang-switch")
    assert page.inner_text(".views [data-view=plan]") == "Rencana"


@pytest.mark.slow  # a real browser
def test_study_view(tab):
    """The study view reads a study.json (siaga-study/1) picked from a file: the recommendation (in
    the page's language), the options ranked with cost and metrics, box plots of the weighted unmet
    need per scenario by option, and the fill rate by group for each option; a file of another format
    is refused with a message."""
    page = sign_in(tab)
    page.click(".views [data-view=study]")
    assert not page.is_visible("#map-main")
    page.set_input_files("#study-file", str(STUDY))
    page.wait_for_selector("#study-options")
    study = json.loads(STUDY.read_text())
    assert page.inner_text("#study-recommendation p") == study["recommendation"]["text_id"]
    rows = page.eval_on_selector_all("#study-options tbody tr", "els => els.map(e => e.dataset.option)")
    assert rows == ["optimal", "tambah-kukar", "status-quo"]  # by rank
    assert page.locator("#panel svg g.box").count() == len(study["options"])
    bars = page.locator("#panel figure svg rect[fill] title").count()
    assert bars == len(study["groups"]) * len(study["options"])
    page.locator("#study-options").evaluate("e => e.closest('.card').scrollIntoView({block: 'start'})")
    shot(page, "study")
    page.click("#lang-switch")
    assert page.inner_text("#study-recommendation p") == study["recommendation"]["text_en"]
    page.click("#lang-switch")
    page.set_input_files(
        "#study-file",
        files=[{"name": "plan.json", "mimeType": "application/json", "buffer": b'{"format": "x"}'}],
    )
    page.wait_for_selector("#status[data-kind=error]")
    assert "siaga-study/1" in page.inner_text("#status")


@pytest.mark.slow  # a real browser
def test_study_view_opens_a_study_of_the_server(tab):
    """A study run by the server (POST /v1/studies, a small spec) is listed in the study view with
    the server's studies; opening it shows its study.json (GET /v1/studies/{id}): the options ranked
    as in the document."""
    srv = tab.server
    headers = {"Authorization": f"Bearer {srv.key}"}
    spec = next(s["spec"] for s in srv.api("/v1/studies/bundled")["data"] if s["name"] == "kaltim-stockpile")
    spec = {**spec, "scenario_set": {**spec["scenario_set"], "n": 4}, "optimise": None}
    r = httpx.post(f"{srv.url}/v1/studies", json=spec, headers=headers, timeout=30)
    assert r.status_code == 202, r.text
    study_id, job_id = r.json()["id"], r.json()["job_id"]
    deadline = time.monotonic() + 60
    while srv.api(f"/v1/jobs/{job_id}")["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    doc = srv.api(f"/v1/studies/{study_id}")["document"]
    page = sign_in(tab)
    page.click(".views [data-view=study]")
    page.wait_for_selector(f"#study-api option[value='{study_id}']", state="attached")
    page.select_option("#study-api", study_id)
    page.click("#study-api ~ button")
    page.wait_for_selector("#study-options")
    rows = page.eval_on_selector_all("#study-options tbody tr", "els => els.map(e => e.dataset.option)")
    assert rows == [o["id"] for o in sorted(doc["options"], key=lambda o: o["rank"])]


@pytest.mark.slow  # a real browser
def test_keyboard(tab):
    """Without a mouse: Tab reaches the view buttons and the language switch; Enter on a view button
    opens it; on the map, Tab reaches the areas and Enter opens an area's details; the panel's area list
    is buttons too."""
    page = sign_in(tab)
    load_scenario(page)
    page.focus(".skip")  # the first stop: "skip to the panel"
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.id || document.activeElement.dataset.view || ''"))
    for wanted in ("scenario", "plan", "incident", "study", "lang-switch"):
        assert wanted in seen, seen
    page.focus(".views [data-view=plan]")
    page.keyboard.press("Enter")
    assert page.get_attribute(".views [data-view=plan]", "aria-current") == "page"
    page.focus(".views [data-view=scenario]")
    page.keyboard.press("Enter")
    page.focus("#map-main svg")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('circle.area')"):
            break
    else:
        pytest.fail("Tab never reached an area on the map")
    area = page.evaluate("document.activeElement.dataset.area")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#details [data-details='area:{area}']")
    page.focus("#map-main svg")
    page.keyboard.press("+")
    page.keyboard.press("ArrowLeft")  # pans; no error


@pytest.mark.slow  # a real browser
def test_key_is_asked_once_per_session(tab, browser, server):
    """A wrong key is refused in the dialog with the server's reason; the right one is kept in the
    tab's session storage (never in local storage), so a reload does not ask again, while a new browser
    session does."""
    page = tab.page
    page.goto(server.url + "/")
    page.fill("#key-input", "siaga_000000000000_wrong")
    page.click("#key-submit")
    page.wait_for_selector("#key-error >> text=/not valid|tidak/")
    assert page.is_visible("#key-dialog")
    page.fill("#key-input", server.key)
    page.click("#key-submit")
    page.wait_for_selector("#scenario-select option", state="attached")
    assert page.evaluate("sessionStorage.getItem('siaga.key')") == server.key
    assert server.key not in page.evaluate("JSON.stringify(localStorage)")
    page.reload()
    page.wait_for_selector("#scenario-select option", state="attached")
    assert not page.is_visible("#key-dialog")
    fresh = _tab(browser, server)
    other = next(fresh)
    other.page.goto(server.url + "/")
    other.page.wait_for_selector("#key-dialog[open]")
    next(fresh, None)  # closes that session and checks its requests


@pytest.mark.slow  # a real browser
def test_tablet_layout(tablet):
    """On a tablet held upright (820 x 1180) the panel goes under the map, nothing is wider than the
    screen, and the plan's map and KPI cards are readable."""
    page = sign_in(tablet)
    load_scenario(page)
    open_latest_plan(page)
    map_box = page.locator("#map-area").bounding_box()
    panel_box = page.locator("#panel").bounding_box()
    assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    assert page.locator("#map-main polyline.trip").count() > 0
    shot(page, "tablet")


COMPARE = """async () => {
  const { comparePlans, firstArrivals } = await import('/dashboard/js/compare.js');
  const { boxStats } = await import('/dashboard/js/charts.js');
  const trip = (day, stops) => ({ day, stops: stops.map(([area, arrive_h]) => ({ area, arrive_h })) });
  const kpis = (fill, mean) => ({
    fill_rate: fill, min_area_fill_rate: fill, arrival_h: { mean, p90: mean, max: mean },
    weighted_unmet: 10, gini: 0.1, cost: 1000 });
  const short = (area, group, commodity, units, reason) => ({ area, group, commodity, units, reason });
  const before = {
    kpis: kpis(0.8, 7), trips: [trip(1, [['a', 7], ['b', 9]]), trip(2, [['c', 30]])],
    unmet: [short('a', 'umum', 'beras', 100, 'no_stock')] };
  const after = {
    kpis: kpis(0.7, 7.02), trips: [trip(1, [['a', 8]]), trip(1, [['c', 10]])],
    unmet: [short('a', 'umum', 'beras', 100, 'no_stock'), short('b', 'balita', 'beras', 40, 'unreachable'),
            short('b', 'balita', 'air', 10, 'no_stock')] };
  const cmp = comparePlans(before, after, { beras: 1, air: 1 });
  return { arrivals: [...firstArrivals(before)], cmp, box: boxStats([1, 2, 3, 4, 100]) };
}"""


@pytest.mark.slow  # a real browser
def test_plan_comparison_rules(tab):
    """What the incident view calls a change, computed in the page from two plan.json documents: first
    arrivals are on the plan's one clock (day 2 at 06:00 is hour 30); new unmet need is per area and
    group in kg with its main reason; an area no longer served is a later arrival with no time; an
    indicator is worse only past its display precision. Box plots use quartiles and 1.5 IQR whiskers."""
    page = tab.page
    page.goto(tab.server.url + "/")
    got = page.evaluate(COMPARE)
    assert got["arrivals"] == [["a", 7], ["b", 9], ["c", 30]]
    cmp = got["cmp"]
    assert [(r["area"], r["group"], r["extra"], r["reason"]) for r in cmp["newUnmet"]] == [
        ("b", "balita", 50, "unreachable")
    ]
    assert [(r["area"], r["before"], r["after"]) for r in cmp["later"]] == [("b", 9, None), ("a", 7, 8)]
    worse = {r["key"] for r in cmp["kpis"] if r["worse"]}
    assert worse == {"fill_rate", "min_area"}  # the mean arrival moved by 0.02 h: shown the same
    box = got["box"]
    assert (box["q1"], box["med"], box["q3"], box["hi"], box["outliers"]) == (2, 3, 4, 4, [100])


# --- in-process: the dashboard's routes


def test_page_and_assets_are_local():
    """The shipped files name no other host: no CDN, fonts or tiles (the SVG namespace aside), and
    every module the page imports exists."""
    for f in DASHBOARD_DIR.rglob("*"):
        if f.suffix in (".html", ".js", ".css", ".svg"):
            text = f.read_text(encoding="utf-8")
            hosts = set(re.findall(r"(?:https?:)?//([\w.-]+\.[a-z]{2,})", text)) - {"www.w3.org"}
            assert not hosts, f"{f.name} names {hosts}"
    for f in (DASHBOARD_DIR / "js").rglob("*.js"):
        for imported in re.findall(r'from "(\.[^"]+)"', f.read_text(encoding="utf-8")):
            assert (f.parent / imported).resolve().is_file(), f"{f.name} imports {imported}"


@pytest.mark.slow
def test_dashboard_routes(service):  # noqa: F811
    """`/` and its files need no key (the page has a Content-Security-Policy allowing this server only;
    nothing outside api/dashboard is served); the map JSON needs a key; a bundled scenario is stored
    once by a coordinator (201, then 200 with the same id); its map has the network, damaged links and
    areas with need by group; after a road_closed update the incident's map shows that link closed."""
    c, auth = service.client, service.auth
    r = c.get("/")
    assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
    assert c.get("/dashboard/js/main.js").headers["content-type"].startswith("text/javascript")
    bad_paths = (
        "/dashboard/../http/routers/dashboard.py",
        "/dashboard/%2e%2e/http/app.py",
        "/dashboard/nothing.js",
        "/dashboard/map_document.py",  # the map's builder lives beside the page's files
        "/dashboard/__init__.py",
    )
    for bad in bad_paths:
        assert c.get(bad).status_code == 404, bad
    assert c.get("/v1/dashboard/bundled").status_code == 401
    assert c.post(f"/v1/dashboard/bundled/{SCENARIO}", headers=auth("viewer")).status_code == 403
    first = c.post(f"/v1/dashboard/bundled/{SCENARIO}", headers=auth("coordinator"))
    again = c.post(f"/v1/dashboard/bundled/{SCENARIO}", headers=auth("coordinator"))
    assert (first.status_code, again.status_code) == (201, 200) and first.json()["id"] == again.json()["id"]
    listed = {b["name"]: b for b in c.get("/v1/dashboard/bundled", headers=auth("viewer")).json()["data"]}
    assert listed[SCENARIO]["stored"] == first.json()["id"] and listed["karhutla-2019"]["stored"] is None
    bounds = c.get("/v1/dashboard/boundaries", headers=auth("viewer")).json()
    assert len(bounds["kabupaten"]["features"]) == 10 and len(bounds["kecamatan"]["features"]) > 100
    record = first.json()["id"]
    doc = c.get(f"/v1/dashboard/scenarios/{record}/map", headers=auth("viewer")).json()
    assert len(doc["areas"]) == 19 and len(doc["edges"]["id"]) == len(doc["edges"]["source"]) > 1000
    assert {d["state"] for d in doc["damage"]} <= {"closed", "degraded", "weight_limit"} and doc["damage"]
    area = doc["areas"][0]
    # need by group: the area's own groups, and the household group holding the base rations of the
    # general people who live with a vulnerable member (docs/needs.md)
    assert area["need_kg"] > 0
    assert set(area["need_by_group_kg"]) <= set(area["people"]) | {"anggota_keluarga_rentan"}
    edge = next(e for e in doc["edges"]["id"] if e.startswith("cd_"))
    incident = c.post("/v1/incidents", json={"scenario_id": record}, headers=auth("coordinator")).json()
    update = {"kind": "road_closed", "payload": {"edge": edge}, "replan": {"time_limit": 1, "iterations": 20}}
    assert (
        c.post(
            f"/v1/incidents/{incident['id']}/updates", json=update, headers=auth("coordinator")
        ).status_code
        == 202
    )
    after = c.get(
        f"/v1/dashboard/scenarios/{record}/map?incident={incident['id']}", headers=auth("viewer")
    ).json()
    closed = {d["edge"]: d for d in after["damage"] if d["state"] == "closed"}
    assert edge in closed and closed[edge]["records"][-1]["update"] is True
    assert after["incident"] == {"id": incident["id"], "seq": 1}
    assert (
        c.get(f"/v1/dashboard/scenarios/{record}/map?incident=nope", headers=auth("viewer")).status_code
        == 404
    )


def test_map_fleet_sums_rows_of_one_warehouse_and_type(service):  # noqa: F811
    """Two fleet rows for one warehouse and vehicle type (tests/data/dashboard_two_fleet_rows: 2 + 3
    trucks at gudang) show as their sum in the scenario's map document, as routing counts them
    (optimizer/routing/dispatch.py); another type at that warehouse keeps its own count."""
    c, auth = service.client, service.auth
    record = service.scenario("dashboard_two_fleet_rows")
    doc = c.get(f"/v1/dashboard/scenarios/{record}/map", headers=auth("viewer")).json()
    (gudang,) = doc["warehouses"]
    assert gudang["fleet"] == {"truk": 5, "perahu": 1}


def test_douglas_peucker():
    """Boundary simplification keeps the ends and every point farther than the tolerance from the
    simplified line, and drops the rest."""
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, -0.001), (3.0, 1.0), (4.0, 0.0)]
    assert douglas_peucker(line, 0.01) == [(0.0, 0.0), (2.0, -0.001), (3.0, 1.0), (4.0, 0.0)]
    assert douglas_peucker(line, 2.0) == [(0.0, 0.0), (4.0, 0.0)]
