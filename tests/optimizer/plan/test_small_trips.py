"""Dispatch economics: no long trip for a small load, small consignments travel together, and the
checker rejects a plan that makes such a trip."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.plan.check_dispatch import loop_km
from optimizer.routing import RoutingOptions
from optimizer.routing.small_trips import consolidate
from scenarios import load_scenario
from scenarios.model import Arrival

from ...conftest import DATA_DIR

DISPATCH = DATA_DIR / "plans" / "dispatch"
OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))


@pytest.fixture(scope="module")
def min_trip():
    return load_scenario(DATA_DIR / "tiny_flood_min_trip")


def _kg(s, trip) -> float:
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    return sum(q * kg[c] for st in trip.stops for c, q in st.deliver.items())


def test_no_trip_over_the_distance_carries_under_the_minimum_load(min_trip):
    """Under min_trip_kg 200 and min_trip_km 10, Desa B (a 19 km loop for the boat) gets nothing: its
    goods are unmet for `small_load`; Desa A (3 km) is still served. With the rule off (min_trip_kg 0)
    the boat makes the small trips to Desa B."""
    plan = plan_scenario(min_trip, OPTIONS)
    for t in plan.trips:
        assert _kg(min_trip, t) >= 200 or loop_km(min_trip, plan.network, t) <= 10
    assert {st.area for t in plan.trips for st in t.stops} == {"desa_a"}
    unmet = plan.unmet_frame
    assert set(unmet.loc[unmet["reason"] == "small_load", "area"]) == {"desa_b"}
    assert check_plan(min_trip, plan.to_dict()).feasible
    off = min_trip.model_copy(update={"policy": min_trip.policy.model_copy(update={"min_trip_kg": 0.0})})
    plan_off = plan_scenario(off, OPTIONS)
    assert any(st.area == "desa_b" for t in plan_off.trips for st in t.stops)
    assert "small_load" not in set(plan_off.unmet_frame["reason"])


def test_small_daily_consignments_move_to_the_earliest_day_while_under_the_minimum(min_trip):
    """30, 10 and 15 kg of rice for Desa B on days 1-3 (under 200 kg together) all leave on day 1; a
    warehouse with stock arriving later keeps its days (what leaves by a day must be there by then)."""
    ship = pd.DataFrame(
        {
            "warehouse": ["gudang"] * 3,
            "area": ["desa_b"] * 3,
            "commodity": ["beras"] * 3,
            "day": [1, 2, 3],
            "units": [30.0, 10.0, 15.0],
        }
    )
    kg = {c.id: c.kg_per_unit for c in min_trip.commodities}
    out = consolidate(min_trip, ship, kg)
    assert out[["day", "units"]].values.tolist() == [[1, 55.0]]
    w = min_trip.warehouses[0]
    arriving = w.model_copy(update={"arrivals": (Arrival(commodity="beras", day=2, units=10),)})
    later = min_trip.model_copy(update={"warehouses": (arriving,)})
    assert consolidate(later, ship, kg)["day"].tolist() == [1, 2, 3]


def test_the_checker_rejects_a_long_trip_for_a_small_load(min_trip):
    """tests/data/plans/dispatch/bad_small_trip.json takes the 49 kg of Desa A's trip to Desa B, 19 km
    out and back: `small_trip`, with the km and kg in the message; the stored plan checks clean."""
    assert check_plan(min_trip, json.loads((DISPATCH / "tiny_flood_min_trip_plan.json").read_text())).feasible
    c = check_plan(min_trip, json.loads((DISPATCH / "bad_small_trip.json").read_text()))
    small = [v for v in c.violations if v.kind == "small_trip"]
    assert small and "19.1 km for 49.0 kg" in small[0].message, c.violations
