"""Plan exports: HXL-tagged CSVs that read back as the plan's rows, route GeoJSON along the network,
the workbook, printable dispatch sheets per vehicle in Indonesian and English, and write_plan's files."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime
from itertools import pairwise

import pandas as pd
import pytest

from api.reports.plan import (
    HXL_TAGS,
    dispatch_html,
    routes_geojson,
    shipments_frame,
    unmet_frame,
    vehicle_file_name,
    write_hxl_csv,
    write_plan,
    write_xlsx,
)
from api.reports.plan.formats import day_clock, eta, number
from api.reports.plan.xlsx import HEADER_KEYS, SHEETS
from network import ScenarioNetwork
from optimizer.plan import Plan, PlanOptions, plan_scenario
from optimizer.plan.local_time import local_iso
from optimizer.routing import RoutingOptions
from optimizer.routing.trips import Stop
from scenarios import Scenario, load_scenario

KALTIM_LON = (113.0, 120.0)
KALTIM_LAT = (-3.0, 3.0)


def _plan(scenario: Scenario, iterations: int = 200) -> Plan:
    """The plan pipeline's plan on a fixed seed and iteration budget."""
    opts = RoutingOptions("pyvrp", time_limit_s=None, iterations=iterations, seed=0)
    return plan_scenario(scenario, PlanOptions(routing=opts))


@pytest.fixture(scope="module")
def tiny_plan(tiny_flood) -> Plan:
    """The tiny flood's plan."""
    return _plan(tiny_flood)


@pytest.fixture(scope="module")
def tiny_doc(tiny_plan) -> dict:
    """The tiny flood's plan as plan.json content."""
    return json.loads(json.dumps(tiny_plan.to_dict()))


@pytest.fixture(scope="module")
def samarinda() -> tuple[Scenario, Plan]:
    """The bundled Samarinda flood and its plan on a small routing budget."""
    scenario = load_scenario("banjir-samarinda-2019")
    return scenario, _plan(scenario, iterations=30)


def _ordered_plan(plan: Plan) -> Plan:
    """A copy of `plan` with one vehicle visiting desa_b then desa_a on trip 1 and the reverse on trip 2."""
    base = plan.trips[0]
    stops = {
        "desa_a": Stop("desa_a", 7.0, {"beras": 10.0}),
        "desa_b": Stop("desa_b", 8.0, {"beras": 5.0, "selimut": 2.0}),
    }
    trips = tuple(
        replace(base, vehicle="gudang/truk/9", trip=k, stops=(stops[a], stops[b]))
        for k, (a, b) in enumerate([("desa_b", "desa_a"), ("desa_a", "desa_b")], start=1)
    )
    return replace(plan, trips=trips)


def _sections(html: str) -> list[str]:
    return html.split('<section class="trip">')[1:]


def _in_order(seq: str | list, items: list) -> bool:
    """Whether `items` occur in `seq` (a text or a list) one after the other, in this order."""
    at = 0
    for item in items:
        at = seq.find(item, at) if isinstance(seq, str) else _index(seq, item, at)
        if at < 0:
            return False
        at += len(item) if isinstance(seq, str) else 1
    return True


def _index(seq: list, item, start: int) -> int:
    return next((k for k in range(start, len(seq)) if seq[k] == item), -1)


def _hxl_csv_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_csv_hxl_row_under_header(tiny_flood, tiny_plan, tmp_path):
    """Both CSVs carry a hashtag row directly under the header: one tag per column, each starting with
    '#', as in HXL_TAGS."""
    frames = {
        "shipments": shipments_frame(tiny_flood, tiny_plan),
        "unmet": unmet_frame(tiny_flood, tiny_plan),
    }
    for table, frame in frames.items():
        rows = _hxl_csv_rows(write_hxl_csv(frame, table, tmp_path / f"{table}.csv"))
        header, tags = rows[0], rows[1]
        assert header == list(HXL_TAGS[table])
        assert tags == list(HXL_TAGS[table].values())
        assert all(tag.startswith("#") and " " not in tag for tag in tags)
        assert len(rows) == 2 + len(getattr(tiny_plan, table))


def test_csv_rows_read_back_as_the_plan(tiny_flood, tiny_plan, tiny_doc, tmp_path):
    """Read back with pandas (skipping the HXL row), shipments.csv and unmet.csv hold exactly the plan's
    rows, plus names and kg from the scenario."""
    write_plan(tiny_flood, tiny_plan, tmp_path)
    ship = pd.read_csv(tmp_path / "shipments.csv", skiprows=[1], encoding="utf-8")
    cols = ["warehouse", "area", "commodity", "day", "units"]
    pd.testing.assert_frame_equal(ship[cols], pd.DataFrame(tiny_doc["shipments"])[cols], check_dtype=False)
    kg = {c.id: c.kg_per_unit for c in tiny_flood.commodities}
    assert ship["kg"].tolist() == pytest.approx((ship["units"] * ship["commodity"].map(kg)).tolist())
    assert set(ship["area_name"]) <= {a.name for a in tiny_flood.areas}
    unmet = pd.read_csv(tmp_path / "unmet.csv", skiprows=[1], encoding="utf-8")
    cols = ["area", "commodity", "group", "day", "units", "reason"]
    pd.testing.assert_frame_equal(unmet[cols], pd.DataFrame(tiny_doc["unmet"])[cols], check_dtype=False)
    assert unmet["area_code"].str.startswith("64.72.01.").all()


@pytest.mark.slow
def test_routes_geojson_in_kaltim(samarinda):
    """On the Samarinda flood the routes are a FeatureCollection: one LineString per trip with >= 2
    [lon, lat] positions inside Kaltim, starting and ending at its warehouse, without consecutive
    duplicates or straight fallback legs; warehouses and served areas as points."""
    scenario, plan = samarinda
    gj = json.loads(json.dumps(routes_geojson(scenario, plan, ScenarioNetwork(scenario))))
    assert gj["type"] == "FeatureCollection"
    lines = [f for f in gj["features"] if f["properties"]["kind"] == "trip"]
    assert len(lines) == len(plan.trips) > 0
    warehouses = {w.id: [w.lon, w.lat] for w in scenario.warehouses}
    for feature, trip in zip(lines, plan.trips, strict=True):
        coords = feature["geometry"]["coordinates"]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "LineString"
        assert len(coords) >= 2 and all(a != b for a, b in pairwise(coords))
        assert all(
            KALTIM_LON[0] <= lon <= KALTIM_LON[1] and KALTIM_LAT[0] <= lat <= KALTIM_LAT[1]
            for lon, lat in coords
        )
        for end in (coords[0], coords[-1]):
            assert end == pytest.approx(warehouses[trip.warehouse], abs=1e-6)
        assert [s["area"] for s in feature["properties"]["stops"]] == list(trip.areas)
        assert "straight_legs" not in feature["properties"]
    kinds = {f["properties"]["kind"] for f in gj["features"]}
    assert kinds == {"trip", "warehouse", "area"}


def test_routes_geojson_visits_stops_in_order(tiny_flood, tiny_plan):
    """A trip's line leaves from its warehouse, passes each stop's own position in visiting order along
    the network's nodes (desa_b -> desa_a goes back through n_a's position) and returns; an area off the
    network gets its straight access leg between its own position and its snapped node (n_b)."""
    off = {"desa_b": {"lat": -0.525, "lon": 117.205}}
    areas = tuple(a.model_copy(update=off.get(a.id, {})) for a in tiny_flood.areas)
    scenario = tiny_flood.model_copy(update={"areas": areas})
    plan = _ordered_plan(tiny_plan)
    gj = routes_geojson(scenario, plan, ScenarioNetwork(scenario))
    own = {a.id: [a.lon, a.lat] for a in scenario.areas}
    warehouse, n_a, n_b = [117.14, -0.49], [117.15, -0.5], [117.2, -0.52]
    for feature, trip in zip(gj["features"], plan.trips, strict=False):
        coords = feature["geometry"]["coordinates"]
        assert coords[0] == coords[-1] == warehouse
        assert _in_order(coords, [warehouse, *(own[a] for a in trip.areas), warehouse])
        at = coords.index(own["desa_b"])
        assert coords[at - 1] == coords[at + 1] == n_b
    first = gj["features"][0]["geometry"]["coordinates"]
    assert first == [warehouse, n_a, n_b, own["desa_b"], n_b, n_a, warehouse]


def test_routes_geojson_straight_when_no_path(tiny_flood, tiny_plan, monkeypatch):
    """A leg without a network path is drawn straight between the places and counted in straight_legs."""
    plan = _ordered_plan(tiny_plan)
    network = ScenarioNetwork(tiny_flood)
    monkeypatch.setattr(network.graph, "path", lambda vt, source, target: [])
    trip = routes_geojson(tiny_flood, plan, network)["features"][0]
    assert trip["properties"]["straight_legs"] == 3
    own = {a.id: [a.lon, a.lat] for a in tiny_flood.areas}
    assert trip["geometry"]["coordinates"] == [[117.14, -0.49], own["desa_b"], own["desa_a"], [117.14, -0.49]]


def test_xlsx_reads_back(tiny_flood, tiny_plan, tiny_doc, tmp_path):
    """plan.xlsx has the sheets summary, shipments, timeline, trips, unmet with as many rows as the plan has
    (trips: one per stop), and the summary holds the KPIs with nested dicts flattened."""
    path = write_xlsx(tiny_flood, tiny_plan, tmp_path / "plan.xlsx", "id")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == list(SHEETS)
    assert len(sheets["shipments"]) == len(tiny_plan.shipments)
    assert len(sheets["unmet"]) == len(tiny_plan.unmet)
    assert len(sheets["trips"]) == sum(len(t.stops) for t in tiny_plan.trips)
    summary = dict(zip(sheets["summary"]["key"], sheets["summary"]["value"], strict=True))
    kpis = tiny_doc["kpis"]

    def leaves_of(v: object) -> int:
        return sum(leaves_of(x) for x in v.values()) if isinstance(v, dict) else 1

    leaves = sum(leaves_of(v) for v in kpis.values())
    assert len(summary) == leaves + sum(k in tiny_doc for k in HEADER_KEYS)
    assert float(summary["fill_rate"]) == pytest.approx(kpis["fill_rate"])
    assert float(summary["fill_rate_by_commodity.beras"]) == pytest.approx(
        kpis["fill_rate_by_commodity"]["beras"]
    )
    assert summary["status"] == tiny_plan.status


def test_dispatch_sheet_in_indonesian(tiny_flood, tiny_plan):
    """By default a vehicle's sheet is Indonesian and lists each trip's stops by area name in visiting
    order, with ETAs, the load list and the signature block."""
    plan = _ordered_plan(tiny_plan)
    html = dispatch_html(tiny_flood, plan, "gudang/truk/9")
    sections = _sections(html)
    assert len(sections) == len(plan.trips) == 2
    assert _in_order(sections[0], ["Desa B", "Desa A"]) and not _in_order(sections[0], ["Desa A", "Desa B"])
    assert _in_order(sections[1], ["Desa A", "Desa B"]) and not _in_order(sections[1], ["Desa B", "Desa A"])
    assert '<html lang="id">' in html and "Hari 1 07:00" in html and "@media print" in html
    for word in ("Pengemudi", "Petugas gudang", "Penerima", "Daftar muatan", "Kec. 64.72.01"):
        assert word in html
    assert "http" not in html and "<script" not in html


def test_dispatch_sheet_in_english(tiny_flood, tiny_plan):
    """With lang="en" the same sheet is in English: ETAs as "Day 1 07:00", English commodity names."""
    html = dispatch_html(tiny_flood, _ordered_plan(tiny_plan), "gudang/truk/9", lang="en")
    assert '<html lang="en">' in html and "Day 1 07:00" in html and "Hari" not in html
    for word in ("Driver", "Warehouse officer", "Receiving officer", "Load list"):
        assert word in html
    assert "Pengemudi" not in html
    assert _in_order(_sections(html)[0], ["Desa B", "Desa A"])


def test_dispatch_sheet_every_real_trip(tiny_flood, tiny_plan):
    """Every vehicle's sheet of the tiny flood's plan has one section per trip listing its stops in order."""
    for vehicle in {t.vehicle for t in tiny_plan.trips}:
        trips = sorted((t for t in tiny_plan.trips if t.vehicle == vehicle), key=lambda t: (t.day, t.trip))
        sections = _sections(dispatch_html(tiny_flood, tiny_plan, vehicle))
        assert len(sections) == len(trips)
        names = {a.id: a.name for a in tiny_flood.areas}
        for section, trip in zip(sections, trips, strict=True):
            assert _in_order(section, [names[a] for a in trip.areas])


def test_dispatch_sheet_escapes_html(tiny_flood, tiny_plan):
    """Names from the scenario are HTML-escaped on the sheet."""
    evil = '<script>alert("x")</script> & Co'
    areas = tuple(a.model_copy(update={"name": evil}) if a.id == "desa_a" else a for a in tiny_flood.areas)
    scenario = tiny_flood.model_copy(update={"areas": areas, "name": "<b>banjir</b>"})
    plan = replace(_ordered_plan(tiny_plan), scenario_name="<b>banjir</b>")
    html = dispatch_html(scenario, plan, "gudang/truk/9")
    assert "<script>" not in html and "<b>banjir</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;b&gt;banjir&lt;/b&gt;" in html


def test_clock_carries_hours_across_days():
    """ETAs carry hours >= 24 into later days and negative hours into earlier days."""
    assert day_clock(2, 9.5) == (2, "09:30")
    assert day_clock(1, 25.25) == (2, "01:15")
    assert day_clock(3, -2.0) == (2, "22:00")
    assert day_clock(1, 23.999) == (2, "00:00")
    assert eta(33.5, "id") == "Hari 2 09:30" and eta(33.5, "en") == "Day 2 09:30"


def test_numbers_with_thousands_separators():
    """Whole units get thousands separators without decimals; Indonesian swaps '.' and ','."""
    assert number(12000, "id") == "12.000" and number(12000, "en") == "12,000"
    assert number(1250.5, "id") == "1.250,5" and number(1250.5, "en") == "1,250.5"
    assert number(3.0, "en") == "3"


def test_write_plan_writes_every_file(tiny_flood, tiny_plan, tiny_doc, tmp_path):
    """write_plan writes plan.json (equal to the plan), routes.geojson, both CSVs, plan.xlsx, one dispatch
    sheet per vehicle under a safe file name and an index linking them, and returns exactly those paths."""
    out = tmp_path / "out"
    paths = write_plan(tiny_flood, tiny_plan, out)
    assert all(p.is_file() for p in paths) and len(set(paths)) == len(paths)
    vehicles = {t.vehicle for t in tiny_plan.trips}
    sheets = {f"dispatch/{vehicle_file_name(v)}" for v in vehicles}
    expected = {
        "plan.json",
        "routes.geojson",
        "shipments.csv",
        "unmet.csv",
        "plan.xlsx",
        "dispatch/index.html",
    }
    assert {p.relative_to(out).as_posix() for p in paths} == expected | sheets
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == expected | sheets
    assert json.loads((out / "plan.json").read_text(encoding="utf-8")) == tiny_doc
    index = (out / "dispatch" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{vehicle_file_name(v)}"' in index for v in vehicles)
    assert vehicle_file_name("WH-SMD/truck-6t/2") == "WH-SMD_truck-6t_2.html"


def test_write_plan_draws_on_the_network_the_plan_was_routed_on(tiny_flood, tiny_plan, tmp_path, monkeypatch):
    """`plan_scenario` hands back the network it routed on (`Plan.network`, built on the same scenario)
    and `write_plan` draws the routes on it: no second ScenarioNetwork is built for the exports. A plan
    read back from plan.json has no network, and then write_plan builds the scenario's own once."""
    import api.reports.plan.write as write_module

    assert isinstance(tiny_plan.network, ScenarioNetwork)
    assert tiny_plan.network.scenario.id == tiny_flood.id
    built: list[Scenario] = []

    class Counting(ScenarioNetwork):
        def __init__(self, scenario, *args, **kwargs):
            built.append(scenario)
            super().__init__(scenario, *args, **kwargs)

    monkeypatch.setattr(write_module, "ScenarioNetwork", Counting)
    write_plan(tiny_flood, tiny_plan, tmp_path / "reused")
    assert built == []
    read_back = Plan.from_dict(json.loads((tmp_path / "reused" / "plan.json").read_text(encoding="utf-8")))
    assert read_back.network is None
    write_plan(tiny_flood, read_back, tmp_path / "built")
    assert len(built) == 1
    for name in ("routes.geojson", "plan.json", "shipments.csv", "unmet.csv"):
        assert (tmp_path / "built" / name).read_bytes() == (tmp_path / "reused" / name).read_bytes(), name


def test_local_date_times_when_the_scenario_gives_its_start(tiny_flood, tiny_plan):
    """With `policy.start` 2019-06-09 00:00 WITA, an ETA of 33.5 h reads "Hari 2, 10 Jun 2019 09:30 WITA";
    plan.json gives every trip time as a local ISO date-time beside its hours; the dispatch sheet shows
    the local dates."""
    start = datetime.fromisoformat("2019-06-09T00:00:00+08:00")
    assert eta(33.5, "id", start) == "Hari 2, 10 Jun 2019 09:30 WITA"
    assert eta(33.5, "en", start) == "Day 2, 10 Jun 2019 09:30 WITA"
    plan = replace(tiny_plan, start=start.isoformat())
    trip = plan.to_dict()["trips"][0]
    assert trip["depart_local"] == local_iso(start, trip["depart_h"])
    assert trip["stops"][0]["arrive_local"].startswith("2019-06-09T") and trip["depart_local"].endswith(
        "+08:00"
    )
    dated = tiny_flood.model_copy(update={"policy": tiny_flood.policy.model_copy(update={"start": start})})
    html = dispatch_html(dated, plan, plan.trips[0].vehicle)
    assert "9 Jun 2019" in html and "WITA" in html


def test_the_timeline_sheet_has_one_row_per_vehicle_and_trip(tiny_flood, tiny_plan, tmp_path):
    """plan.xlsx's timeline sheet has a row per trip, vehicle by vehicle in time order, with where it
    loads and when it departs and is back; the dispatch sheet opens with the vehicle's timeline."""
    sheets = pd.read_excel(write_xlsx(tiny_flood, tiny_plan, tmp_path / "plan.xlsx", "en"), sheet_name=None)
    tl = sheets["timeline"]
    assert len(tl) == len(tiny_plan.trips)
    for _, rows in tl.groupby("vehicle"):
        assert list(rows["depart_h"]) == sorted(rows["depart_h"])
    assert set(tl["load_at"]) == {t.warehouse for t in tiny_plan.trips}
    html = dispatch_html(tiny_flood, tiny_plan, tiny_plan.trips[0].vehicle, lang="en")
    assert "Vehicle timeline over the response" in html and "Loads at" in html
