"""The Mahakam Ulu 2024 flood with the river's rules: no river cargo boat above the riam, and at low
water only longboats and the helicopter reach the kampung above it."""

from __future__ import annotations

import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.routing import RoutingOptions
from scenarios import load_scenario

OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=100, seed=7))


@pytest.fixture(scope="module")
def mahulu():
    return load_scenario("banjir-mahakam-ulu-2024")


def _above_riam(s) -> set[str]:
    """The kampung on the river legs (and their connectors) that carry a vessel rule: above Long Bagun."""
    riam = {n for e in s.network.edges if e.vessels is not None for n in (e.source, e.target)}
    return {a.id for a in s.areas if a.node in riam}


def _types_above(s, plan) -> set[str]:
    above = _above_riam(s)
    return {t.vehicle_type for t in plan.trips if any(st.area in above for st in t.stops)}


@pytest.mark.slow
def test_no_river_cargo_boat_stops_above_long_bagun_in_flood(mahulu):
    """As bundled (water level flood), ten kampung lie above the riam (found from the data's vessel
    rules, apart from the planner); the plan serves some of them and never with the kapal_sungai; the
    checker finds the plan feasible."""
    assert len(_above_riam(mahulu)) == 10
    plan = plan_scenario(mahulu, OPTIONS)
    types = _types_above(mahulu, plan)
    assert types and "kapal_sungai" not in types
    assert check_plan(mahulu, plan.to_dict()).feasible


@pytest.mark.slow
def test_at_low_water_longboats_and_the_helicopter_go_above_the_riam(mahulu):
    """At low water the riam is longboats only: the kampung above it are reached by longboat and by
    helicopter, both, and by nothing else."""
    low = mahulu.model_copy(update={"policy": mahulu.policy.model_copy(update={"water_level": "low"})})
    plan = plan_scenario(low.model_copy(update={"charters": ()}), OPTIONS)
    assert _types_above(low, plan) == {"longboat", "helikopter"}
    assert check_plan(low, plan.to_dict()).feasible
