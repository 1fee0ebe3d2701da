"""Incident updates applied to a scenario, and re-plans that keep confirmed deliveries delivered."""

from __future__ import annotations

import pandas as pd
import pytest

from network import ScenarioNetwork
from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.routing import RoutingOptions
from scenarios import UpdateError, apply_updates, compute_needs

FAST = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=50, workers=1))


def test_road_updates_close_degrade_and_reopen(tiny_flood):
    """road_closed adds a closure on the edge, road_degraded a slower speed and a weight limit,
    road_reopened lifts every damage record on it."""
    s, _ = apply_updates(tiny_flood, [("road_closed", {"edge": "e_wa"})])
    assert any(d.edge == "e_wa" and d.effect == "closed" for d in s.damage)
    s, _ = apply_updates(
        tiny_flood, [("road_degraded", {"edge": "e_wa", "speed_factor": 0.5, "max_weight_t": 5})]
    )
    assert {d.effect for d in s.damage if d.edge == "e_wa"} == {"degraded", "weight_limit"}
    s, _ = apply_updates(tiny_flood, [("road_closed", {"edge": "e_ab"}), ("road_reopened", {"edge": "e_ab"})])
    assert not [d for d in s.damage if d.edge == "e_ab"]


def test_closing_the_only_road_out_slows_the_trucks(tiny_flood):
    """With e_wa (warehouse to Desa A) closed, trucks reach Desa A only through the snap of the
    warehouse onto the network elsewhere: travel times change and the damage is in force."""
    before = ScenarioNetwork(tiny_flood).matrix(tiny_flood.vehicle_types[0], "warehouses", "areas").time_h
    s, _ = apply_updates(tiny_flood, [("road_closed", {"edge": "e_wa"})])
    after = ScenarioNetwork(s).matrix(s.vehicle_types[0], "warehouses", "areas").time_h
    assert (after != before).any()


def test_people_and_stock_updates(tiny_flood):
    """people_changed sets group counts; stock_received adds and stock_dispatched takes stock;
    delivery_confirmed from a warehouse takes its stock and is returned as delivered."""
    s, done = apply_updates(
        tiny_flood,
        [
            ("people_changed", {"area": "desa_a", "people": {"umum": 1500, "balita": 40}}),
            ("stock_received", {"warehouse": "gudang", "commodity": "kit_bayi", "units": 5}),
            ("stock_dispatched", {"warehouse": "gudang", "commodity": "beras", "units": 100}),
            (
                "delivery_confirmed",
                {"area": "desa_b", "commodity": "beras", "units": 40, "warehouse": "gudang"},
            ),
        ],
    )
    a = {x.id: x for x in s.areas}["desa_a"]
    assert a.people["umum"] == 1500 and a.people["balita"] == 40
    w = s.warehouses[0]
    assert w.stock["kit_bayi"] == 15 and w.stock["beras"] == 2000 - 100 - 40
    assert [(d.area, d.commodity, d.units) for d in done] == [("desa_b", "beras", 40.0)]


@pytest.mark.parametrize(
    ("update", "field"),
    [
        (("road_closed", {"edge": "no_such_edge"}), "/edge"),
        (("people_changed", {"area": "desa_a", "people": {"martians": 3}}), "/people/martians"),
        (("stock_dispatched", {"warehouse": "gudang", "commodity": "kit_bayi", "units": 11}), "/units"),
        (("stock_received", {"warehouse": "gudang", "commodity": "beras", "units": -1}), "/units"),
        (("road_degraded", {"edge": "e_wa", "speed_factor": 1.5}), "/speed_factor"),
        (("volcano", {}), "/kind"),
    ],
)
def test_bad_update_names_its_index_and_field(tiny_flood, update, field):
    """An update that cannot apply fails with the update's index and the JSON pointer of the field."""
    with pytest.raises(UpdateError) as e:
        apply_updates(tiny_flood, [("road_reopened", {"edge": "e_ab"}), update])
    assert e.value.index == 1 and e.value.field == field


def test_replan_keeps_confirmed_deliveries_delivered(tiny_flood):
    """Rice confirmed delivered to Desa A stays delivered: the re-plan ships less rice there, its KPIs
    count the delivery, its unmet need accounts for it, and the check passes."""
    updates = [
        ("delivery_confirmed", {"area": "desa_a", "commodity": "beras", "units": 300, "warehouse": "gudang"})
    ]
    s, done = apply_updates(tiny_flood, updates)
    committed = pd.DataFrame(
        [(d.area, d.commodity, d.units) for d in done], columns=["area", "commodity", "units"]
    )
    before = plan_scenario(tiny_flood, FAST)
    after = plan_scenario(s, FAST, committed=committed)
    rice = {
        k: p.shipments_frame.query("area == 'desa_a' and commodity == 'beras'")["units"].sum()
        for k, p in (("before", before), ("after", after))
    }
    assert rice["after"] <= rice["before"] - 300 + 1
    need = compute_needs(tiny_flood).query("area == 'desa_a' and commodity == 'beras'")["units"].sum()
    unmet = after.unmet_frame.query("area == 'desa_a' and commodity == 'beras'")["units"].sum()
    assert unmet == pytest.approx(max(0.0, need - rice["after"] - 300), abs=1e-6)
    doc = after.to_dict()
    assert doc["committed"] == [{"area": "desa_a", "commodity": "beras", "units": 300.0}]
    c = check_plan(s, doc)
    assert c.feasible, c.violations
    assert c.kpis is not None
    assert c.kpis.fill_rate_by_commodity["beras"] == pytest.approx(after.kpis.fill_rate_by_commodity["beras"])
