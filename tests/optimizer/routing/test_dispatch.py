"""Scenario routing: shipments -> loads -> trips on the tiny flood; what allocation ships, routing
carries; each unassigned reason from a scenario built to produce it; priorities when the fleet is short."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import pytest

from optimizer.allocation import solve_allocation
from optimizer.instance import compile_instance
from optimizer.progress import ProgressEvent
from optimizer.routing import RoutingOptions, check_routes
from optimizer.routing.dispatch import route_shipments
from optimizer.routing.trips import Trip
from scenarios import load_scenario
from scenarios.model import Commodity

from ...conftest import DATA_DIR

BUDGET = RoutingOptions("pyvrp", time_limit_s=None, iterations=200, seed=0)


def ships(rows: list[tuple[str, str, int, float]], warehouse: str = "gudang") -> pd.DataFrame:
    return pd.DataFrame(
        [{"warehouse": warehouse, "area": a, "commodity": c, "day": d, "units": u} for a, c, d, u in rows]
    )


def delivered(trips: Sequence[Trip]) -> dict[tuple[str, str, int], float]:
    out: dict[tuple[str, str, int], float] = {}
    for t in trips:
        for st in t.stops:
            for c, q in st.deliver.items():
                key = (st.area, c, int((st.arrive_h or 0.0) // 24) + 1)
                out[key] = out.get(key, 0.0) + q
    return out


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_routing_carries_what_allocation_ships(tiny_flood, engine):
    """Every allocated unit of the tiny flood travels on some trip, in vehicles within capacity, every
    stop inside its area's access window, and the checker finds nothing wrong in any part."""
    alloc = solve_allocation(tiny_flood)
    opts = RoutingOptions(engine, time_limit_s=None, iterations=200, seed=0)
    r = route_shipments(tiny_flood, alloc.shipments, opts)
    assert r.status == "feasible" and r.unassigned.empty
    want = alloc.shipments.groupby(["area", "commodity", "day"])["units"].sum()
    got = delivered(r.trips)
    for key, units in want.items():
        assert got.get(key, 0.0) == pytest.approx(units, rel=1e-6)
    caps = {v.id: v.capacity_kg for v in tiny_flood.vehicle_types}
    for t in r.trips:
        assert t.load_kg is not None and t.load_kg <= caps[t.vehicle_type] + 1e-6
        for st in t.stops:
            if st.area == "desa_b":
                assert st.arrive_h is not None and 6.0 - 1e-9 <= st.arrive_h % 24 <= 18.0
    for part, sol in r.parts:
        assert check_routes(part.problem, sol).ok
    assert r.kpis.kg_carried_share == pytest.approx(1.0)
    assert r.kpis.trips == len(r.trips) and r.kpis.distance_km > 0


def test_same_seed_and_budget_same_trips(tiny_flood):
    """Same shipments, seed and iteration budget: the same trips."""
    alloc = solve_allocation(tiny_flood)
    a = route_shipments(tiny_flood, alloc.shipments, BUDGET)
    b = route_shipments(tiny_flood, alloc.shipments, BUDGET)
    assert a.trips == b.trips


def test_unreachable_area():
    """Rice shipped to a village every link into which is closed is `unreachable`."""
    s = load_scenario(DATA_DIR / "alloc_unreachable")
    r = route_shipments(s, ships([("t", "beras", 1, 50.0), ("u", "beras", 1, 20.0)], "w"), BUDGET)
    assert set(r.unassigned["area"]) == {"t"}
    assert set(r.unassigned["reason"]) == {"unreachable"}
    assert delivered(r.trips) == {("u", "beras", 1): pytest.approx(20.0)}


def test_over_capacity_unit(tiny_flood):
    """A 5-tonne generator (one indivisible unit) is bigger than every vehicle: `over_capacity`;
    the rice beside it still travels."""
    genset = Commodity(id="genset", name="Genset", unit="unit", kg_per_unit=5000, m3_per_unit=8)
    s = tiny_flood.model_copy(update={"commodities": (*tiny_flood.commodities, genset)})
    r = route_shipments(s, ships([("desa_a", "genset", 1, 1.0), ("desa_a", "beras", 1, 100.0)]), BUDGET)
    assert r.unassigned[["commodity", "reason"]].values.tolist() == [["genset", "over_capacity"]]
    assert delivered(r.trips) == {("desa_a", "beras", 1): pytest.approx(100.0)}


def test_access_window_no_vehicle_can_meet(tiny_flood):
    """An area open only 05:00-05:30, before any vehicle leaves at 06:00: `time_window`."""
    areas = tuple(
        a.model_copy(update={"access_window_h": (5.0, 5.5)}) if a.id == "desa_b" else a
        for a in tiny_flood.areas
    )
    s = tiny_flood.model_copy(update={"areas": areas})
    r = route_shipments(s, ships([("desa_b", "beras", 1, 100.0)]), BUDGET)
    assert r.unassigned["reason"].tolist() == ["time_window"]
    assert r.trips == ()


def test_fleet_short_serves_higher_priority_first(tiny_flood):
    """200 t each for both villages in one day is beyond two trucks and a boat: the rest is
    `fleet_exhausted`, and the village of elderly and under-fives (higher priority) gets a larger
    share carried than the village of general population."""
    rows = [("desa_a", "beras", 1, 200_000.0), ("desa_b", "beras", 1, 200_000.0)]
    r = route_shipments(tiny_flood, ships(rows), BUDGET)
    assert r.status == "partial"
    assert set(r.unassigned["reason"]) == {"fleet_exhausted"}
    got = delivered(r.trips)
    share_a = got.get(("desa_a", "beras", 1), 0.0) / 200_000
    share_b = got.get(("desa_b", "beras", 1), 0.0) / 200_000
    assert share_b > 0 and share_b >= share_a
    for part, sol in r.parts:
        assert check_routes(part.problem, sol).ok


def test_an_instance_routes_as_its_scenario(tiny_flood):
    """`route_shipments` on the compiled planning instance gives the same trips, unassigned loads and
    KPIs as on the scenario it was compiled from; an instance takes no separate network or needs."""
    alloc = solve_allocation(tiny_flood)
    inst = compile_instance(tiny_flood)
    a = route_shipments(inst, alloc.shipments, BUDGET)
    b = route_shipments(tiny_flood, alloc.shipments, BUDGET)
    assert a.trips == b.trips and a.kpis == b.kpis and a.status == b.status
    pd.testing.assert_frame_equal(a.unassigned, b.unassigned)
    with pytest.raises(ValueError, match="instance"):
        route_shipments(inst, alloc.shipments, BUDGET, network=inst.network)


TRIP_KEYS = [
    "vehicle", "vehicle_type", "warehouse", "day", "trip", "depart_h", "return_h", "stops", "distance_km",
    "duration_h", "load_kg", "load_m3", "tonne_km", "base", "start_h", "empty_from", "empty_km", "rests",
]  # fmt: skip


def test_trips_and_kpis_as_json_round_trip(tiny_flood):
    """Each trip written with `to_dict` (the plan.json shape) reads back equal with `from_dict`; the
    KPIs' `to_dict` has the keys `siaga route` writes."""
    alloc = solve_allocation(tiny_flood)
    r = route_shipments(tiny_flood, alloc.shipments, BUDGET)
    assert r.trips
    for t in r.trips:
        doc = json.loads(json.dumps(t.to_dict()))
        assert list(doc) == TRIP_KEYS
        assert Trip.from_dict(doc) == t
    k = r.kpis.to_dict()
    assert list(k) == [
        "trips", "vehicles_used", "distance_km", "vehicle_hours", "tonne_km", "cost", "loads",
        "kg_carried_share", "unassigned_kg_by_reason",
    ]  # fmt: skip
    assert k["trips"] == len(r.trips) and k["unassigned_kg_by_reason"] == {}


def test_routing_progress_counts_parts(tiny_flood):
    """Progress: one `routing` event per warehouse-day part solved, `done` counting up to `total`."""
    alloc = solve_allocation(tiny_flood)
    events: list[ProgressEvent] = []
    r = route_shipments(tiny_flood, alloc.shipments, BUDGET, progress=events.append)
    routing = [e for e in events if e.stage == "routing"]
    assert [(e.done, e.total) for e in routing] == [(k + 1, len(r.parts)) for k in range(len(r.parts))]
    assert {e.stage for e in events} <= {"routing", "search"}
