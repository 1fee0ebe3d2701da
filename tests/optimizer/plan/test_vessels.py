"""Rivers by vessel type and water level: edges that only some boats pass (a riam), levels that close
them, the plan that keeps to them and the checker that rejects a plan that does not."""

from __future__ import annotations

import json

import numpy as np
import pytest

from network import ScenarioNetwork
from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.routing import RoutingOptions
from scenarios import ScenarioError, load_scenario
from scenarios.model import Policy

from ... import plan_oracle
from ...conftest import DATA_DIR

RIVER = DATA_DIR / "plans" / "river"
OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))


@pytest.fixture(scope="module")
def tiny_river():
    return load_scenario(DATA_DIR / "tiny_river")


def _hours(s, vehicle_type: str) -> np.ndarray:
    vt = next(v for v in s.vehicle_types if v.id == vehicle_type)
    return ScenarioNetwork(s).matrix(vt, "warehouses", "areas").time_h[0]


def test_the_riam_is_closed_to_the_cargo_boat_and_open_to_the_small_boat(tiny_river):
    """The riam edge lists only `perahu`: the cargo boat reaches Desa A but not Desa B above it, the
    small boat reaches both; without the edge's vessel list the cargo boat reaches Desa B too."""
    kapal, perahu = _hours(tiny_river, "kapal"), _hours(tiny_river, "perahu")
    assert np.isfinite(kapal[0]) and not np.isfinite(kapal[1])
    assert np.isfinite(perahu).all()
    open_edges = tuple(e.model_copy(update={"vessels": None}) for e in tiny_river.network.edges)
    relaxed = tiny_river.model_copy(
        update={"network": tiny_river.network.model_copy(update={"edges": open_edges})}
    )
    assert np.isfinite(_hours(relaxed, "kapal")).all()


def test_the_plan_sends_no_cargo_boat_above_the_riam_and_checks_clean(tiny_river):
    """The tiny-river plan (seed 0, 200 iterations) serves Desa B by the small boat only, and both the
    checker and the independent oracle find it feasible."""
    plan = plan_scenario(tiny_river, OPTIONS)
    to_b = {t.vehicle_type for t in plan.trips for st in t.stops if st.area == "desa_b"}
    assert to_b == {"perahu"}
    assert "kapal" in {t.vehicle_type for t in plan.trips}
    doc = plan.to_dict()
    assert check_plan(tiny_river, doc).feasible
    assert plan_oracle.vessel_problems(tiny_river, doc) == []


def test_low_water_from_day_2_closes_the_shallows_to_the_cargo_boat_for_the_plan():
    """tiny_river_low turns low on day 2, when only the small boat clears the shallows to Desa A. A plan
    must hold at every level of its horizon, so the cargo boat makes no trip at all and the small boat
    serves both kampung."""
    s = load_scenario(DATA_DIR / "tiny_river_low")
    assert s.policy.water_levels == ("normal", "low")
    assert not np.isfinite(_hours(s, "kapal")).any()
    plan = plan_scenario(s, OPTIONS)
    assert {t.vehicle_type for t in plan.trips} == {"perahu"}
    assert {st.area for t in plan.trips for st in t.stops} == {"desa_a", "desa_b"}
    assert check_plan(s, plan.to_dict()).feasible


def test_the_checker_rejects_a_cargo_boat_through_the_riam_naming_the_edge(tiny_river):
    """tests/data/plans/river/bad_vessel_barred.json gives the small boat's trip to Desa B to the cargo
    boat: the checker reports `vessel_barred` naming the riam edge, and the oracle also rejects it; the
    stored plan itself checks clean."""
    assert check_plan(tiny_river, json.loads((RIVER / "tiny_river_plan.json").read_text())).feasible
    bad = json.loads((RIVER / "bad_vessel_barred.json").read_text())
    c = check_plan(tiny_river, bad)
    barred = [v for v in c.violations if v.kind == "vessel_barred"]
    assert barred and "e_ab_river" in barred[0].message, c.violations
    assert plan_oracle.vessel_problems(tiny_river, bad)


def test_one_network_shared_by_two_water_levels_keeps_their_times_apart(tiny_river):
    """A network built once and shared (as a study or the API does) gives each scenario its own level's
    vessel rules: the cached edge times are keyed by the edges each level bars."""
    low = tiny_river.model_copy(
        update={"policy": Policy(horizon_days=3, standards="sphere", water_level="low")}
    )
    normal_sn = ScenarioNetwork(tiny_river)
    low_sn = ScenarioNetwork(low, network=normal_sn.net)
    kapal = next(v for v in tiny_river.vehicle_types if v.id == "kapal")
    assert np.isfinite(normal_sn.matrix(kapal, "warehouses", "areas").time_h[0, 0])
    assert not np.isfinite(low_sn.matrix(kapal, "warehouses", "areas").time_h[0, 0])


def test_a_water_level_change_after_the_horizon_is_an_input_error(tmp_path):
    """`water_level_by_day` naming a day after the horizon is refused at load, naming the field."""
    (tmp_path / "scenario.yaml").write_text(
        f"id: x\nname: x\nbase: {DATA_DIR / 'tiny_river'}\n"
        "policy: {horizon_days: 3, standards: sphere, water_level_by_day: {5: low}}\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path)
    assert "water_level_by_day" in str(err.value) and "after the horizon" in str(err.value)
