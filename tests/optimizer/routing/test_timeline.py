"""One timeline per vehicle: the duty clock (shift windows, daylight legs), the pooled fleet (a vehicle
drives empty to where the goods are), the own-warehouse rule, rests written into the trips, and every
plan's timelines recomputed by the independent oracle of tests/plan_oracle.py."""

from __future__ import annotations

import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.routing import RoutingOptions
from optimizer.routing.clock import DutyClock
from scenarios import load_scenario
from scenarios.model import Scenario

from ... import plan_oracle
from ...conftest import DATA_DIR

OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=100, seed=0))


def _with(s: Scenario, **policy: object) -> Scenario:
    return s.model_copy(update={"policy": s.policy.model_copy(update=policy)})


def test_work_that_does_not_fit_a_shift_goes_on_the_next_morning():
    """A 6:00-16:00 crew given 12 h of work at 10:00 works to 16:00, rests until 6:00 the next day and
    ends at 12:00 (36 h on the clock)."""
    worked = DutyClock((6.0, 16.0)).work(10.0, 12.0)
    assert worked.end_h == pytest.approx(36.0)
    assert worked.rests == ((16.0, 30.0),)


def test_a_daylight_leg_waits_for_the_morning():
    """A crew on a 20-hour shift (6:00-2:00) driving a 3-hour daylight-only leg from 17:00 drives one
    hour, waits from 18:00 to 6:00 and arrives at 8:00 the next day."""
    worked = DutyClock((6.0, 26.0)).work(17.0, 3.0, daylight=True)
    assert worked.end_h == pytest.approx(32.0)
    assert worked.rests == ((18.0, 30.0),)


def test_a_crew_with_no_working_hours_never_finishes():
    """An empty duty window makes any work end at infinity (the caller treats it as impossible)."""
    assert DutyClock((6.0, 6.0)).work(0.0, 1.0).end_h == float("inf")


def test_a_pooled_vehicle_drives_empty_to_the_warehouse_that_holds_the_goods():
    """With every vehicle at a depot without stock, the pooled fleet still delivers: the first trip of
    each vehicle starts at the depot and loads at the warehouse; the plan checks clean, and the
    oracle finds nothing wrong with its timelines."""
    s = load_scenario(DATA_DIR / "tiny_flood_pooled_depot")
    plan = plan_scenario(s, OPTIONS)
    assert plan.kpis.delivered_kg > 0
    assert {t.warehouse for t in plan.trips} == {"gudang"}
    assert {t.base for t in plan.trips} == {"pangkalan"}
    firsts = [t for t in plan.trips if t.trip == 1]
    assert firsts and all(t.empty_from == "pangkalan" and t.empty_km > 0 for t in firsts)
    assert all(t.depart_h > t.start_h for t in firsts)
    doc = plan.to_dict()
    assert check_plan(s, doc).feasible
    assert plan_oracle.timeline_problems(s, doc) == []


def test_own_warehouse_vehicles_load_only_at_their_base():
    """The same scenario under `policy.fleet: own_warehouse`: no vehicle may load at the warehouse
    that holds the goods, so nothing is delivered and the need is unmet."""
    s = _with(load_scenario(DATA_DIR / "tiny_flood_pooled_depot"), fleet="own_warehouse")
    plan = plan_scenario(s, OPTIONS)
    assert plan.trips == ()
    assert plan.unmet and plan.kpis.delivered_kg == 0


def test_a_short_shift_spreads_the_work_over_days_with_rests_in_the_trips():
    """With a half-hour shift on the trucks of the tiny flood, a trip (more than half an hour of driving
    and unloading) rests overnight where its crew stops; no calendar day holds more than half an hour
    of a truck's work, and the plan checks clean."""
    s = load_scenario(DATA_DIR / "tiny_flood")
    vts = tuple(v.model_copy(update={"shift_h": 0.5}) if v.id == "truk" else v for v in s.vehicle_types)
    s = s.model_copy(update={"vehicle_types": vts})
    plan = plan_scenario(s, OPTIONS)
    doc = plan.to_dict()
    assert plan.trips and any(t.rests for t in plan.trips)
    assert check_plan(s, doc).feasible
    assert plan_oracle.timeline_problems(s, doc) == []
