"""Transshipment hubs: goods brought to a landing by feeds change vehicles there, the transfers link
each onward trip to the feed that brought its goods, and the checker rejects goods that leave a hub
before they have arrived."""

from __future__ import annotations

import json

import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.plan.relay import weighted_deprivation
from optimizer.plan.result import Plan
from optimizer.routing import RoutingOptions
from scenarios import load_scenario

from ...conftest import DATA_DIR

HUBS = DATA_DIR / "plans" / "hubs"
OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))


@pytest.fixture(scope="module")
def hub_scenario():
    return load_scenario(DATA_DIR / "tiny_river_hub")


@pytest.fixture(scope="module")
def relayed(hub_scenario):
    return plan_scenario(hub_scenario, OPTIONS)


def test_goods_for_the_kampung_above_the_riam_change_boats_at_the_landing(hub_scenario, relayed):
    """Desa B is too far upriver for the warehouse's small boat to go and return in a day. The plan feeds
    the landing at Desa A (the cargo boat, 80 km) and the motoris' boat waiting there takes the goods
    on to Desa B: the plan has feeds to hub_a, onward trips from hub_a to Desa B, and leaves less
    priority-weighted deprivation than the plan without the hub."""
    assert relayed.feeds and {st.area for t in relayed.feeds for st in t.stops} == {"hub_a"}
    onward = [t for t in relayed.trips if t.warehouse == "hub_a"]
    assert onward and {st.area for t in onward for st in t.stops} == {"desa_b"}
    without = plan_scenario(hub_scenario.model_copy(update={"hubs": ()}), OPTIONS)
    assert not without.feeds
    assert weighted_deprivation(hub_scenario, relayed) < weighted_deprivation(hub_scenario, without)


def test_transfers_chain_each_onward_load_to_the_feed_that_brought_it(hub_scenario, relayed):
    """Every transfer names a feed and an onward trip of the plan; the onward trip leaves at least the
    hub's 2 h of handling after the feed arrived; what the transfers hand a trip of a commodity is at
    most what it carries; the plan checks clean and its feeds and transfers survive plan.json."""
    feeds = {(t.vehicle, t.trip): t for t in relayed.feeds}
    trips = {(t.vehicle, t.trip): t for t in relayed.trips}
    assert relayed.transfers
    handed: dict[tuple, float] = {}
    for x in relayed.transfers:
        assert (x.from_vehicle, x.from_trip) in feeds and (x.to_vehicle, x.to_trip) in trips
        assert x.depart_h >= x.arrive_h + 2.0 - 1e-6
        key = (x.to_vehicle, x.to_trip, x.commodity)
        handed[key] = handed.get(key, 0.0) + x.units
    for (v, k, c), units in handed.items():
        assert units <= sum(st.deliver.get(c, 0.0) for st in trips[(v, k)].stops) + 1e-6
    doc = relayed.to_dict()
    assert check_plan(hub_scenario, doc).feasible
    back = Plan.from_dict(json.loads(json.dumps(doc)))
    assert back.feeds == relayed.feeds and back.transfers == relayed.transfers


def test_the_checker_rejects_goods_that_leave_the_hub_before_they_arrive(hub_scenario):
    """tests/data/plans/hubs/bad_hub_early.json moves the first onward trip 20 h earlier, before the
    feed that brings its goods: `hub_early`, naming the hub and what was there; the stored plan checks
    clean."""
    assert check_plan(hub_scenario, json.loads((HUBS / "tiny_river_hub_plan.json").read_text())).feasible
    c = check_plan(hub_scenario, json.loads((HUBS / "bad_hub_early.json").read_text()))
    early = [v for v in c.violations if v.kind == "hub_early"]
    assert early and early[0].where.startswith("dermaga_a/") and "only 0.0 were there" in early[0].message


def test_the_feeder_crew_gets_a_dispatch_sheet_naming_the_hub(hub_scenario, relayed):
    """The cargo boat's crew has a dispatch sheet for its feed: the trip is marked as one to a
    transshipment hub, in Indonesian and English, and its stop is the landing by name."""
    from api.reports.plan.dispatch import dispatch_html, vehicle_trips

    feeder = relayed.feeds[0].vehicle
    assert any(t.feed for t in vehicle_trips(relayed)[feeder])
    page_id = dispatch_html(hub_scenario, relayed, feeder, "id")
    page_en = dispatch_html(hub_scenario, relayed, feeder, "en")
    assert "titik alih muat (hub)" in page_id and "Trip to a transshipment hub" in page_en
    assert "Dermaga Desa A" in page_id
