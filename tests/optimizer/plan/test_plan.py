"""The plan: `siaga plan` on every bundled scenario checks clean, plans are reproducible, KPIs agree
with an independent recomputation, tampered plans fail `siaga check` naming the violation, and the
allocation-routing rounds feed what the fleet cannot carry back as transport cuts."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.allocation import AllocationOptions, solve_allocation
from optimizer.plan import PlanOptions, gini, plan_scenario, serve_groups
from optimizer.plan.check import check_plan
from optimizer.plan.people import row_values, weighted_person_days
from optimizer.plan.whole import whole_units
from optimizer.routing import RoutingOptions
from scenarios import bundled_scenarios, compute_needs, load_scenario

from ... import plan_oracle
from ...conftest import DATA_DIR, run_siaga

PLANS = DATA_DIR / "plans"
ROOT = Path(__file__).resolve().parents[3]
BUDGET = RoutingOptions(time_limit_s=None, iterations=100, seed=0, workers=1)


def _options(iterations: int = 100, workers: int = 1) -> PlanOptions:
    return PlanOptions(
        routing=RoutingOptions(time_limit_s=None, iterations=iterations, seed=0, workers=workers)
    )


@pytest.fixture(scope="module")
def samarinda_plan():
    """The bundled Samarinda flood and its plan (seed 0, 100 iterations) as plan.json content."""
    s = load_scenario("banjir-samarinda-2019")
    return s, json.loads(json.dumps(plan_scenario(s, _options()).to_dict()))


@pytest.fixture(scope="module")
def small_fleet():
    """The small-fleet fixture (one truck on a 3-hour shift per depot) and its plan."""
    s = load_scenario(DATA_DIR / "tiny_flood_small_fleet")
    return s, plan_scenario(s, _options(200))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_siaga_plan_on_each_bundled_scenario_checks_clean(name: str, tmp_path: Path):
    """`siaga plan` exits 0 and writes every output; `siaga check` on its plan.json finds no violation."""
    out = tmp_path / "out"
    r = run_siaga("plan", name, "--out", str(out), "--iterations", "60", "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "Relief distribution plan" in r.stdout and "Worst-served areas" in r.stdout
    for f in (
        "plan.json",
        "routes.geojson",
        "shipments.csv",
        "unmet.csv",
        "plan.xlsx",
        "dispatch/index.html",
    ):
        assert (out / f).is_file(), f
    doc = json.loads((out / "plan.json").read_text())
    assert doc["status"] in ("optimal", "feasible", "partial") and doc["trips"]
    c = run_siaga("check", name, str(out / "plan.json"), "--lang", "en")
    assert c.returncode == 0, c.stdout + c.stderr
    assert "Plan is feasible; 0 violation(s)" in c.stdout
    assert plan_oracle.timeline_problems(load_scenario(name), doc) == []


@pytest.mark.slow
def test_same_seed_and_iteration_budget_give_the_same_plan(samarinda_plan):
    """Planning Samarinda again with the same seed and budget (and with two worker processes instead
    of one) gives identical shipments and trips."""
    s, first = samarinda_plan
    again = plan_scenario(s, _options(workers=2)).to_dict()
    assert again["shipments"] == first["shipments"]
    assert again["trips"] == first["trips"]
    assert again["unmet"] == first["unmet"]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["fixture", "samarinda", "small_fleet"])
def test_kpis_match_an_independent_recomputation(source, samarinda_plan, small_fleet):
    """Every KPI in plan.json equals the same KPI recomputed by separate code from the trips, the
    scenario and its needs; the plan's unmet list carries exactly the priority-weighted unmet need."""
    if source == "fixture":
        s, plan = (
            load_scenario(DATA_DIR / "tiny_flood"),
            json.loads((PLANS / "tiny_flood_plan.json").read_text()),
        )
    elif source == "samarinda":
        s, plan = samarinda_plan
    else:
        s, plan = small_fleet[0], small_fleet[1].to_dict()
    k, ref = plan["kpis"], plan_oracle.kpis(s, plan)
    for key in ("fill_rate", "weighted_unmet", "person_days_deprived", "gini", "cost", "vehicle_hours"):
        assert k[key] == pytest.approx(ref[key], rel=1e-6, abs=1e-3), key
    for key in ("min_area_fill_rate", "max_area_fill_rate", "vehicles_used"):
        assert k[key] == pytest.approx(ref[key], rel=1e-9), key
    for key in ("fill_rate_by_commodity", "fill_rate_by_area", "fill_rate_by_group", "person_days_without"):
        assert k[key].keys() == ref[key].keys(), key
        for x, v in ref[key].items():
            assert k[key][x] == pytest.approx(v, rel=1e-6, abs=1e-3), (key, x)
    for a, h in ref["first_delivery_h"].items():
        assert k["first_delivery_h"][a] == pytest.approx(h, abs=1e-3), a
    for x in ("mean", "p90", "max"):
        assert k["arrival_h"][x] == pytest.approx(ref["arrival_h"][x], abs=1e-3)


def test_trip_distances_follow_the_network(samarinda_plan):
    """Each trip's distance equals the network distance of warehouse -> stops -> warehouse."""
    s, plan = samarinda_plan
    for stated, km in plan_oracle.trip_distances_km(s, plan):
        assert stated == pytest.approx(km, rel=1e-3, abs=0.01)


@pytest.mark.slow
def test_the_fixture_plan_checks_clean():
    """The stored tiny-flood plan is feasible: `siaga check` exits 0."""
    r = run_siaga("check", str(DATA_DIR / "tiny_flood"), str(PLANS / "tiny_flood_plan.json"), "--lang", "en")
    assert r.returncode == 0, r.stdout
    assert "0 violation(s)" in r.stdout


TAMPERED = sorted(p.stem.removeprefix("bad_") for p in PLANS.glob("bad_*.json"))


@pytest.mark.parametrize("kind", TAMPERED)
def test_tampered_plan_fails_the_check_naming_the_violation(kind: str, tiny_flood):
    """Each tampered copy of the tiny-flood plan (tests/data/plans/bad_<kind>.json) is infeasible, and
    the check names its violation."""
    plan = json.loads((PLANS / f"bad_{kind}.json").read_text())
    c = check_plan(tiny_flood, plan)
    assert not c.feasible
    assert kind in {v.kind for v in c.violations}, c.violations


TIMELINE_KINDS = ("vehicle_overlap", "before_start", "duty", "late_credit", "after_horizon")


@pytest.mark.parametrize("kind", TIMELINE_KINDS)
def test_the_oracle_also_finds_each_tampered_timeline(kind: str, tiny_flood):
    """The independent timeline oracle (tests/plan_oracle.py) finds a problem in each tampered timeline
    fixture and none in the stored plan: the checker and the oracle agree."""
    assert (
        plan_oracle.timeline_problems(tiny_flood, json.loads((PLANS / "tiny_flood_plan.json").read_text()))
        == []
    )
    assert plan_oracle.timeline_problems(tiny_flood, json.loads((PLANS / f"bad_{kind}.json").read_text()))


def test_a_daylight_only_vehicle_driving_at_night_breaks_its_duty(tiny_flood):
    """The stored plan's last trip moved to leave at 19:00: fine for the trucks of the fixture, a `duty`
    violation once the truck type is daylight-only."""
    plan = json.loads((PLANS / "tiny_flood_plan.json").read_text())
    last = plan["trips"][-1]
    offset = 19.0 - last["depart_h"] % 24
    for f in ("start_h", "depart_h", "return_h"):
        last[f] = round(last[f] + offset, 3)
    for st in last["stops"]:
        st["arrive_h"], st["leave_h"] = round(st["arrive_h"] + offset, 3), round(st["leave_h"] + offset, 3)
    assert "duty" not in {v.kind for v in check_plan(tiny_flood, plan).violations}
    vts = tuple(v.model_copy(update={"daylight_only": True}) for v in tiny_flood.vehicle_types)
    night = check_plan(tiny_flood.model_copy(update={"vehicle_types": vts}), plan)
    assert any(v.kind == "duty" and "daylight" in v.message for v in night.violations), night.violations


def test_samarinda_rice_is_never_unmet_for_lack_of_stock(samarinda_plan):
    """Bulog Samarinda holds rice within reach of the pooled fleet: no unmet rice in the Samarinda plan
    has the reason `no_stock`."""
    _, plan = samarinda_plan
    assert not [u for u in plan["unmet"] if u["commodity"] == "beras" and u["reason"] == "no_stock"]


@pytest.mark.slow
def test_siaga_check_exits_1_and_names_the_violation():
    """`siaga check` on a plan sending more baby kits than the warehouse holds exits 1 and says
    over_stock."""
    r = run_siaga("check", str(DATA_DIR / "tiny_flood"), str(PLANS / "bad_over_stock.json"), "--lang", "en")
    assert r.returncode == 1
    assert "over_stock" in r.stdout and "NOT feasible" in r.stdout


def test_a_plan_made_before_the_road_went_under_fails_the_check():
    """The tiny-flood plan checked against the same flood once Desa B is reachable by boat only: its
    truck trips to Desa B are unreachable stops."""
    s = load_scenario(DATA_DIR / "tiny_flood_boat_only")
    c = check_plan(s, json.loads((PLANS / "tiny_flood_plan.json").read_text()))
    bad = [v for v in c.violations if v.kind == "unreachable_stop"]
    assert bad and all("desa_b" in v.message for v in bad)


@pytest.mark.slow
def test_check_refuses_a_plan_for_another_scenario(tmp_path: Path):
    """`siaga check` exits 2 when the plan names another scenario."""
    plan = json.loads((PLANS / "tiny_flood_plan.json").read_text())
    plan["scenario"] = "banjir-samarinda-2019"
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(plan))
    r = run_siaga("check", str(DATA_DIR / "tiny_flood"), str(f))
    assert r.returncode == 2 and "not 'tiny-flood'" in r.stderr


def test_rounds_move_need_the_fleet_cannot_carry_to_a_depot_with_transport_to_spare(small_fleet):
    """On the small-fleet fixture the first round's routes leave loads `fleet_exhausted`; the transport
    cut moves that need to gudang_b, later rounds carry more of what they allocate, and the plan keeps
    the best round: fewer priority-weighted person-days unmet than the first, checked clean."""
    s, plan = small_fleet
    rounds = plan.rounds
    assert len(rounds) >= 2 and rounds[0].uncarried_kg_by_reason.get("fleet_exhausted", 0) > 0
    assert rounds[0].transport_cuts >= 1
    assert rounds[-1].carried_share > rounds[0].carried_share
    kept = weighted_person_days(plan.unmet_frame, row_values(compute_needs(s)))
    assert kept < rounds[0].weighted_unmet - 1.0
    assert kept <= min(r.weighted_unmet for r in rounds) + 1e-6
    from_b = sum(x.units for x in plan.shipments if x.warehouse == "gudang_b")
    assert from_b > 0
    c = check_plan(s, plan.to_dict())
    assert c.feasible, c.violations


def test_allocation_transport_cut_bounds_vehicle_hours(tiny_flood):
    """A transport cut of 1 vehicle hour on gudang's day-1 deliveries holds in the allocation's vehicle
    loads (per-area model, where they are exact): less arrives on day 1 and deprivation grows."""
    r = solve_allocation(tiny_flood, AllocationOptions(aggregate=False, transport_cuts=(("gudang", 1, 1.0),)))
    vl = r.vehicle_loads
    day1 = vl[(vl["warehouse"] == "gudang") & (vl["day"] == 1)]
    assert (day1["loads"] * day1["round_trip_h"]).sum() <= 1.0 + 1e-6
    free = solve_allocation(tiny_flood, AllocationOptions(aggregate=False))
    day1_kg = {x: f.shipments[f.shipments["day"] == 1]["kg"].sum() for x, f in (("cut", r), ("free", free))}
    assert day1_kg["cut"] < day1_kg["free"] - 100
    assert r.kpis["deprivation"] > free.kpis["deprivation"]
    with pytest.raises(ValueError, match="unknown warehouse"):
        solve_allocation(tiny_flood, AllocationOptions(transport_cuts=(("nowhere", 1, 1.0),)))


def test_whole_units_stay_within_stock_and_need(tiny_flood):
    """Rounded shipments are whole units, never more than a warehouse's initial stock, and never more
    than an area's need to date plus less than one unit."""
    needs = compute_needs(tiny_flood)
    ship = whole_units(tiny_flood, solve_allocation(tiny_flood).shipments, needs)
    assert np.allclose(ship["units"], np.round(ship["units"]))
    stock = {(w.id, c): u for w in tiny_flood.warehouses for c, u in w.stock.items()}
    for (w, c), u in ship.groupby(["warehouse", "commodity"])["units"].sum().items():
        assert u <= stock[(w, c)]
    for (a, c), g in ship.groupby(["area", "commodity"]):
        n = needs[(needs["area"] == a) & (needs["commodity"] == c)].groupby("day")["units"].sum()
        got = g.groupby("day")["units"].sum().reindex(n.index, fill_value=0.0)
        assert (got.cumsum() < n.cumsum() + 1).all()


def test_goods_serve_the_highest_priority_first_and_carry_over():
    """Delivered goods go to the need rows of highest priority first (equal priorities share by what
    they lack), oldest need first; a surplus serves the next day; unmet = need - delivered."""
    needs = pd.DataFrame(
        [
            ("a", "rice", "elderly", 1, 10.0, 3.0),
            ("a", "rice", "general", 1, 30.0, 1.0),
            ("a", "rice", "disabled", 1, 10.0, 3.0),
            ("a", "rice", "elderly", 2, 10.0, 3.0),
        ],
        columns=["area", "commodity", "group", "day", "units", "priority"],
    )
    delivered = pd.DataFrame(
        [("a", "rice", 1, 15.0), ("a", "rice", 2, 20.0)], columns=["area", "commodity", "day", "units"]
    )
    sv = serve_groups(needs, delivered, 2)
    day1 = sv.served[sv.served["day"] == 1].set_index("group")["units"]
    assert day1["elderly"] == pytest.approx(7.5) and day1["disabled"] == pytest.approx(7.5)
    assert "general" not in day1.index
    un = sv.unmet.groupby("group")["units"].sum()
    assert un.sum() == pytest.approx(60.0 - 35.0)
    assert un["general"] == pytest.approx(25.0) and "elderly" not in un.index


def test_gini_of_known_distributions():
    """Gini is 0 for equal fill rates and (n - 1) / n when one area gets everything."""
    assert gini(np.array([0.5, 0.5, 0.5])) == pytest.approx(0.0)
    assert gini(np.array([0.0, 0.0, 1.0])) == pytest.approx(2 / 3)
    assert gini(np.array([])) == 0.0


def test_plan_to_dict_from_dict_round_trip_on_tiny_flood(tiny_flood):
    """A tiny-flood plan written as plan.json (`to_dict`, through JSON text) and read back with
    `Plan.from_dict` gives typed records (trips, shipments, unmet, KPIs, rounds) and writes the same
    JSON again, byte for byte."""
    from optimizer.plan import Plan, PlanKpis, RoundRecord, Shipment, Unmet
    from optimizer.routing.trips import Trip

    plan = plan_scenario(tiny_flood, _options())
    text = json.dumps(plan.to_dict(), indent=1, ensure_ascii=False)
    back = Plan.from_dict(json.loads(text))
    assert json.dumps(back.to_dict(), indent=1, ensure_ascii=False) == text
    assert back.trips and all(isinstance(t, Trip) for t in back.trips)
    assert back.shipments and all(isinstance(x, Shipment) for x in back.shipments)
    assert all(isinstance(x, Unmet) for x in back.unmet)
    assert isinstance(back.kpis, PlanKpis) and all(isinstance(r, RoundRecord) for r in back.rounds)
    assert back.trips == plan.trips and back.kpis == plan.kpis and back.rounds == plan.rounds


def test_plan_kpis_keys_are_the_documented_ones(tiny_flood):
    """`PlanKpis.to_dict()` has exactly the KPI keys docs/plan-format.md lists in its KPI table, in the
    table's order, and `arrival_h` the documented mean, p90, max and areas."""
    import re

    from optimizer.plan.kpis import PlanKpis

    doc = (Path(__file__).parents[3] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    table = doc.split("## KPIs", 1)[1].split("\n## ", 1)[0]
    documented = [
        key
        for row in table.splitlines()
        if row.startswith("| `")
        for key in re.findall(r"`([a-z_0-9]+)`", row.split("|")[1])
    ]
    k = plan_scenario(tiny_flood, _options()).kpis
    assert isinstance(k, PlanKpis)
    assert list(k.to_dict()) == documented
    assert list(k.to_dict()["arrival_h"]) == ["mean", "p90", "max", "areas"]


@pytest.mark.slow
def test_the_province_plan_of_the_benchmark_is_executable():
    """The province scenario of bench/plan.py (1,038 desa, 35 warehouses, 182 vehicles), planned on an
    iteration budget: `check_plan` finds no violation and the independent timeline oracle no problem (no
    overlap, no time before the start, nothing credited before it arrives or after the horizon)."""
    spec = importlib.util.spec_from_file_location("bench_plan", ROOT / "bench" / "plan.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    s = bench.province_scenario(20, 0)
    o = PlanOptions(
        routing=RoutingOptions(time_limit_s=None, iterations=50, seed=0, workers=2),
        max_rounds=1,
        round_share=0.02,
    )
    plan = plan_scenario(s, o)
    doc = plan.to_dict()
    assert plan.trips and plan.kpis.delivered_kg > 0
    assert check_plan(s, doc, plan.network).violations == []
    assert plan_oracle.timeline_problems(s, doc) == []
