"""Stock governance: every stock has an owner, a kab/kota warehouse keeps its reserve floor for its own
people unless the policy releases it, and every draw across owners is listed as a request."""

from __future__ import annotations

import json

import pytest

from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.plan.result import Plan
from optimizer.routing import RoutingOptions
from scenarios import load_scenario

from ...conftest import DATA_DIR

OWNERS = DATA_DIR / "plans" / "owners"
OPTIONS = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))


@pytest.fixture(scope="module")
def reserve():
    return load_scenario(DATA_DIR / "tiny_flood_reserve")


def _outside(plan, commodity: str) -> float:
    f = plan.shipments_frame
    return float(
        f.query("warehouse == 'gudang' and area == 'desa_b' and commodity == @commodity")["units"].sum()
    )


def test_the_kota_warehouse_keeps_half_for_its_own_people_unless_released(reserve):
    """The kota's warehouse (reserve_share 0.5) sends Desa B, across the kabupaten line, at most half of
    its 2,000 kg of rice and 5,000 L of water; Desa B's rice left unmet for that is `reserve_floor`.
    Released by the policy, it sends more and deprivation drops."""
    kept = plan_scenario(reserve, OPTIONS)
    assert _outside(kept, "beras") <= 1000 and _outside(kept, "air_minum") <= 2500
    unmet = kept.unmet_frame
    assert "reserve_floor" in set(
        unmet.loc[(unmet["area"] == "desa_b") & (unmet["commodity"] == "beras"), "reason"]
    )
    assert check_plan(reserve, kept.to_dict()).feasible
    policy = reserve.policy.model_copy(update={"released_reserves": ("gudang",)})
    released = plan_scenario(reserve.model_copy(update={"policy": policy}), OPTIONS)
    assert _outside(released, "beras") > 1000 and _outside(released, "air_minum") > 2500
    assert released.kpis.person_days_deprived < kept.kpis.person_days_deprived


def test_every_cross_owner_draw_is_a_request_and_own_stock_is_not(reserve):
    """The requests list the kota's stock for Desa B (another kabupaten's people) and the province's
    rice, each with its owner, the office to write to, the first dispatch day and the units the trips
    carry; the kota's stock for its own Desa A is no request. The list survives plan.json."""
    plan = plan_scenario(reserve, OPTIONS)
    by_key = {(r.warehouse, r.for_kab, r.commodity): r for r in plan.requests}
    assert ("gudang", "64.72", "beras") not in by_key
    kota = by_key[("gudang", "64.02", "beras")]
    assert (kota.kind, kota.owner, kota.to, kota.day) == (
        "stock_release",
        "kabkota",
        "Dinas Sosial Kota Tiny",
        1,
    )
    assert kota.units == pytest.approx(_outside(plan, "beras"))
    assert {r.owner for r in plan.requests if r.warehouse == "gudang_prov"} == {"province"}
    shipped = plan.shipments_frame.query("warehouse == 'gudang_prov'")["units"].sum()
    assert sum(r.units for r in plan.requests if r.warehouse == "gudang_prov") == pytest.approx(shipped)
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))).requests == plan.requests


def test_the_checker_rejects_a_draw_over_the_reserve_floor(reserve):
    """tests/data/plans/owners/bad_reserve_floor.json adds 500 kg of the kota's rice for Desa B: the
    checker reports `reserve_floor` with the units and the floor; the stored plan checks clean."""
    assert check_plan(reserve, json.loads((OWNERS / "tiny_flood_reserve_plan.json").read_text())).feasible
    c = check_plan(reserve, json.loads((OWNERS / "bad_reserve_floor.json").read_text()))
    floor = [v for v in c.violations if v.kind == "reserve_floor"]
    assert floor and "allows 1,000.0" in floor[0].message, c.violations
