"""The supply side beyond the own warehouses and fleet: local suppliers bought from after their lead
time, and charters the plan takes only when the deprivation they avoid is worth their cost."""

from __future__ import annotations

import json

import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.charters import charter_cost
from optimizer.plan.check import check_plan
from optimizer.routing import RoutingOptions
from scenarios import load_scenario

from ...conftest import DATA_DIR

CHARTERS = DATA_DIR / "plans" / "charters"
OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))


def test_the_market_s_water_is_bought_after_its_lead_time_and_listed():
    """The warehouse holds 1,000 L of drinking water; the market delivers 3,000 L a day from day 2 (12 h
    lead time), 5,000 L at most, at IDR 4,000. Day 1 sends at most the own 1,000 L; the plan sends more
    than it holds; the purchase request is what it sends beyond its own stock, priced; the checker
    counts the market's deliveries as the warehouse's stock; without the market deprivation is higher."""
    s = load_scenario(DATA_DIR / "tiny_flood_market")
    plan = plan_scenario(s, OPTIONS)
    water = plan.shipments_frame.query("commodity == 'air_minum'")
    assert water.query("day == 1")["units"].sum() <= 1000
    sent = water["units"].sum()
    assert 1000 < sent <= 6000
    (buy,) = [r for r in plan.requests if r.kind == "purchase"]
    assert (buy.to, buy.owner, buy.commodity, buy.day) == ("Pasar Tiny (air minum)", "market", "air_minum", 1)
    assert buy.units == pytest.approx(sent - 1000) and buy.cost == pytest.approx(4000 * buy.units)
    assert check_plan(s, plan.to_dict()).feasible
    without = plan_scenario(s.model_copy(update={"suppliers": ()}), OPTIONS)
    assert without.kpis.person_days_deprived > plan.kpis.person_days_deprived


def test_a_chartered_boat_from_hour_24_is_used_and_deprivation_drops():
    """At low water the own small boat serves both kampung alone; a motoris' boat at IDR 600,000 a day
    from hour 24 is taken: its trips start at hour 24 or later, deprivation is lower than without it,
    and the charter request names the motoris, the day, the boat, its cost and a value above it."""
    s = load_scenario(DATA_DIR / "tiny_river_charter")
    plan = plan_scenario(s, OPTIONS)
    chartered = [t for t in plan.trips if t.charter == "sewa_perahu"]
    assert chartered and min(t.began_h for t in chartered) >= 24
    without = plan_scenario(s.model_copy(update={"charters": ()}), OPTIONS)
    assert plan.kpis.person_days_deprived < without.kpis.person_days_deprived
    (req,) = [r for r in plan.requests if r.kind == "charter"]
    assert (req.to, req.owner, req.vehicle_type, req.vehicles) == ("Motoris Desa A", "private", "perahu", 1)
    assert req.day == min(t.day for t in chartered)
    assert req.cost == pytest.approx(charter_cost(s.charters[0], plan.trips)) and req.value > req.cost
    assert check_plan(s, plan.to_dict()).feasible


def test_a_charter_dearer_than_its_value_is_left_out():
    """The same boat at IDR 900 million a day is worth less than the person-days it saves at the policy's
    IDR 100,000 each: the plan has no chartered trip and no charter request, and is the plan without it."""
    s = load_scenario(DATA_DIR / "tiny_river_charter_dear")
    plan = plan_scenario(s, OPTIONS)
    assert not any(t.charter for t in plan.trips)
    assert not [r for r in plan.requests if r.kind == "charter"]
    without = plan_scenario(s.model_copy(update={"charters": ()}), OPTIONS)
    assert plan.kpis.person_days_deprived == pytest.approx(without.kpis.person_days_deprived)


def test_the_checker_rejects_a_chartered_boat_at_work_before_its_hour():
    """tests/data/plans/charters/bad_over_fleet.json moves the chartered boat's first trip 12 hours
    earlier, before hour 24: `over_fleet`, naming the charter's hour; the stored plan checks clean."""
    s = load_scenario(DATA_DIR / "tiny_river_charter")
    assert check_plan(s, json.loads((CHARTERS / "tiny_river_charter_plan.json").read_text())).feasible
    c = check_plan(s, json.loads((CHARTERS / "bad_over_fleet.json").read_text()))
    early = [v for v in c.violations if v.kind == "over_fleet" and "there from 24 h" in v.message]
    assert early, c.violations
