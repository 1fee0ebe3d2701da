"""Need counted in people: priority per household, the monotone effect of a group's weight, and the
unit a commodity is counted in changing nothing of a plan (issue: needs and objective in people)."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest

from optimizer.allocation import solve_allocation
from optimizer.plan import PlanOptions, plan_scenario
from optimizer.plan.check import check_plan
from optimizer.plan.people import row_values
from optimizer.routing import RoutingOptions
from scenarios import Scenario, compute_needs, load_scenario

from ..conftest import DATA_DIR


def _unmet(result, **where) -> float:
    un = result.unmet
    for col, value in where.items():
        un = un[un[col] == value]
    return float(un["units"].sum())


def test_a_household_with_a_vulnerable_member_comes_first():
    """Rice for one village of two equal ones: Desa B's households with an older member (its 30 older
    people and the general people living with them) are served in full before any general household,
    and inside such a household the older person's ration weighs the same as the others'."""
    s = load_scenario(DATA_DIR / "people_vulnerable_household")
    needs = compute_needs(s)
    rice = needs[needs["commodity"] == "beras"].set_index(["area", "group"])["priority"]
    assert rice[("desa_b", "lansia")] == rice[("desa_b", "anggota_keluarga_rentan")] == 2.0
    assert rice[("desa_a", "umum")] == rice[("desa_b", "umum")] == 1.0
    result = solve_allocation(s)
    assert _unmet(result, area="desa_b", group="lansia", commodity="beras") == pytest.approx(0, abs=1e-6)
    assert _unmet(result, group="anggota_keluarga_rentan", commodity="beras") == pytest.approx(0, abs=1e-6)
    # 200 people need 80 kg and the depot holds 40: all that is short is the general households'
    assert _unmet(result, group="umum", commodity="beras") == pytest.approx(80 - 40)


def test_the_person_rule_weighs_each_ration_by_its_group():
    """Under `priority_rule: person` the older person's rice weighs the group's 2.5 and nobody is moved
    to the household group."""
    s = load_scenario(DATA_DIR / "people_vulnerable_household")
    s = s.model_copy(update={"policy": s.policy.model_copy(update={"priority_rule": "person"})})
    rice = compute_needs(s).query("commodity == 'beras'").set_index(["area", "group"])["priority"]
    assert rice[("desa_b", "lansia")] == 2.5
    assert "anggota_keluarga_rentan" not in set(rice.index.get_level_values("group"))


def _with_weight(s: Scenario, group: str, weight: float) -> Scenario:
    groups = tuple(g.model_copy(update={"priority_weight": weight}) if g.id == group else g for g in s.groups)
    policy = s.policy.model_copy(update={"priority_rule": "person"})
    return s.model_copy(update={"groups": groups, "policy": policy})


def _served_person_days(s: Scenario, group: str) -> float:
    needs = compute_needs(s)
    values = row_values(needs)
    result = solve_allocation(s)
    un = result.unmet[result.unmet["group"] == group]
    v = values.reindex(pd.MultiIndex.from_frame(un[["area", "commodity", "group"]]))["pd_per_unit"]
    short = float((un["units"].to_numpy() * v.fillna(0).to_numpy()).sum())
    n = needs[needs["group"] == group]
    need = float((n["units"] * n["covers"] * n["persons"] / n["units"]).sum())
    return need - short


def test_raising_a_groups_weight_never_lowers_its_coverage():
    """Where one truck a day binds (tiny_flood_small_fleet), the older people's served person-days
    never fall as their weight rises from 0.5 to 10."""
    base = load_scenario(DATA_DIR / "tiny_flood_small_fleet")
    served = [_served_person_days(_with_weight(base, "lansia", w), "lansia") for w in (0.5, 1, 2.5, 5, 10)]
    assert all(b >= a - 1e-6 for a, b in itertools.pairwise(served)), served
    assert served[-1] > served[0]


# ---- unit invariance ----------------------------------------------------------------------------

FACTORS = {"beras": 1000.0, "air_minum": 0.1, "air_bersih": 0.001}  # grams, 10-L cans, m3


def rescaled(s: Scenario, factors: dict[str, float]) -> Scenario:
    """`s` with commodity c counted in a unit of 1/f of the old one (one old unit = f new units): kg
    and m3 per unit divided by f; standards, stock, arrivals and assessed needs times f."""

    def q(c: str, x: float) -> float:
        return x * factors.get(c, 1.0)

    coms = tuple(
        c.model_copy(
            update={
                "kg_per_unit": c.kg_per_unit / factors[c.id],
                "m3_per_unit": c.m3_per_unit / factors[c.id],
            }
        )
        if c.id in factors
        else c
        for c in s.commodities
    )
    profiles = tuple(
        p.model_copy(
            update={
                "items": tuple(i.model_copy(update={"quantity": q(i.commodity, i.quantity)}) for i in p.items)
            }
        )
        for p in s.standards
    )
    warehouses = tuple(
        w.model_copy(
            update={
                "stock": {c: q(c, u) for c, u in w.stock.items()},
                "arrivals": tuple(
                    a.model_copy(update={"units": q(a.commodity, a.units)}) for a in w.arrivals
                ),
            }
        )
        for w in s.warehouses
    )
    areas = tuple(a.model_copy(update={"needs": {c: q(c, u) for c, u in a.needs.items()}}) for a in s.areas)
    return Scenario.model_validate(
        {
            **s.model_dump(),
            "commodities": [c.model_dump() for c in coms],
            "standards": [p.model_dump() for p in profiles],
            "warehouses": [w.model_dump() for w in warehouses],
            "areas": [a.model_dump() for a in areas],
        }
    )


def _kg_by_commodity(frame: pd.DataFrame, s: Scenario) -> pd.Series:
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    return (frame["units"] * frame["commodity"].map(kg)).groupby(frame["commodity"]).sum()


def test_the_allocation_does_not_depend_on_the_unit_of_a_commodity():
    """Rice in grams, drinking water in 10-L cans and clean water in m3, where one truck a day binds:
    the allocation ships the same kg of every commodity and leaves the same person-days unmet."""
    s = load_scenario(DATA_DIR / "tiny_flood_small_fleet")
    r = rescaled(s, FACTORS)
    a, b = solve_allocation(s), solve_allocation(r)
    ka, kb = _kg_by_commodity(a.shipments, s), _kg_by_commodity(b.shipments, r)
    pd.testing.assert_series_equal(ka, kb.reindex(ka.index), rtol=1e-6)
    assert a.kpis["deprivation"] == pytest.approx(b.kpis["deprivation"], rel=1e-6)


def test_a_plan_does_not_depend_on_the_unit_of_a_commodity():
    """The same re-expression through the whole plan (allocation, whole-unit loads, routing): delivered
    kg per commodity and person-days without each category stay the same, within whole-unit rounding
    (a rice load rounds to the kg in one unit and to the gram in the other)."""
    s = load_scenario(DATA_DIR / "tiny_flood_small_fleet")
    r = rescaled(s, FACTORS)
    opts = PlanOptions(routing=RoutingOptions(time_limit_s=5, iterations=200, seed=7))
    pa, pb = plan_scenario(s, opts), plan_scenario(r, opts)
    ka, kb = _kg_by_commodity(pa.shipments_frame, s), _kg_by_commodity(pb.shipments_frame, r)
    assert set(ka.index) == set(kb.index)
    kg = {c.id: max(c.kg_per_unit, d.kg_per_unit) for c, d in zip(s.commodities, r.commodities, strict=True)}
    loads = max(len(pa.trips), len(pb.trips))
    for c in ka.index:  # whole units: at most one unit of the coarser of the two per trip apart
        assert kb[c] == pytest.approx(ka[c], abs=kg[c] * loads), c
    # person-days: what that rounding is worth, each kg apart short for every day of the horizon
    values = row_values(compute_needs(s)).reset_index()
    old_kg = pd.Series({c.id: c.kg_per_unit for c in s.commodities})
    per_kg = values.groupby("commodity")["pd_per_unit"].max() / old_kg
    kind = {c.id: c.kind for c in s.commodities}
    H = s.policy.horizon_days
    for cat, pd_a in pa.kpis.person_days_without.items():
        slack = sum(abs(kb[c] - ka[c]) * per_kg.get(c, 0.0) * H for c in ka.index if kind[c] == cat)
        assert pb.kpis.person_days_without[cat] == pytest.approx(pd_a, abs=slack + 1e-6), cat


# ---- water as a service -------------------------------------------------------------------------

WATER_PLANS = DATA_DIR / "plans" / "water"


def test_a_water_point_serves_the_areas_in_its_reach_before_any_haul():
    """A PDAM tanker service of 4,000 L a day within 3 km of Desa A serves Desa A 4,000 L of clean water
    each day and Desa B (6 km off) nothing; the trips haul only the rest, the plan checks clean and its
    `water_l` reports water on its own: need = from water points + hauled + unmet."""
    s = load_scenario(DATA_DIR / "tiny_flood_water")
    opts = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))
    plan = plan_scenario(s, opts)
    water = plan.water_service_frame
    assert set(water["area"]) == {"desa_a"} and list(water["day"]) == [1, 2, 3]
    assert water["units"].tolist() == pytest.approx([4000.0] * 3)
    w = plan.kpis.water_l
    assert w["from_water_points"] == pytest.approx(12_000.0)
    assert w["need"] == pytest.approx(w["from_water_points"] + w["hauled"] + w["unmet"], abs=1.0)
    hauled_a = plan.shipments_frame.query("area == 'desa_a' and commodity == 'air_bersih'")["units"].sum()
    assert hauled_a <= 3 * 6000 - 12_000 + 1.0
    assert check_plan(s, plan.to_dict()).feasible


@pytest.mark.parametrize("kind", ["water_out_of_reach", "over_water_capacity"])
def test_a_tampered_water_service_fails_the_check(kind: str):
    """Each tampered copy of the water fixture plan (tests/data/plans/water/bad_<kind>.json) is infeasible
    and the check names its violation; the stored plan itself checks clean."""
    s = load_scenario(DATA_DIR / "tiny_flood_water")
    assert check_plan(s, json.loads((WATER_PLANS / "tiny_flood_water_plan.json").read_text())).feasible
    c = check_plan(s, json.loads((WATER_PLANS / f"bad_{kind}.json").read_text()))
    assert kind in {v.kind for v in c.violations}, c.violations


# ---- dapur umum ---------------------------------------------------------------------------------


def test_a_dapur_umum_feeds_what_its_staff_can_cook():
    """Desa A's kitchen: 5 TAGANA volunteers x 100 meals (less than its stated 600) feed 250 of the 500
    displaced 2 meals on days 1 and 2; their rice becomes the kitchen's 0.2 kg a meal (205 kg of rice
    on those days, 210 on day 3) and the plan reports the kitchen's meals and ingredients."""
    s = load_scenario(DATA_DIR / "tiny_flood_kitchen")
    needs = compute_needs(s)
    rice = needs.query("area == 'desa_a' and commodity == 'beras'").set_index("day")["units"]
    assert rice.tolist() == pytest.approx([250 * 0.4 + 250 * 0.42, 250 * 0.4 + 250 * 0.42, 500 * 0.42])
    opts = PlanOptions(routing=RoutingOptions(time_limit_s=None, iterations=200, seed=0))
    plan = plan_scenario(s, opts)
    assert plan.kpis.kitchens["dapur_a"] == {
        "meals": 1000.0,
        "people_days": 500.0,
        "staff": 5.0,
        "rice_kg": 200.0,
        "side_dishes": 500.0,
    }
    assert check_plan(s, plan.to_dict()).feasible


def test_a_dapur_umum_feeds_vulnerable_households_first():
    """A kitchen of 60 meals a day between the two villages feeds 30 people: all of them from Desa B's
    households with an older member (priority 2), in proportion to their people; no general household."""
    from scenarios.kitchens import apply_kitchens
    from scenarios.model import Kitchen

    s = load_scenario(DATA_DIR / "people_vulnerable_household")
    kitchen = Kitchen(id="dapur_b", name="Dapur B", area="desa_b", reach_km=3, meals_per_day=60, staff=1)
    s = s.model_copy(update={"kitchens": (kitchen,)})
    _, fed = apply_kitchens(s, compute_needs(s, kitchens=False))
    assert fed["people"].sum() == pytest.approx(30)
    assert set(fed["group"]) == {"lansia", "anggota_keluarga_rentan"}
    by_group = fed.set_index("group")["people"]
    assert by_group["lansia"] / by_group["anggota_keluarga_rentan"] == pytest.approx(30 / 41.302561, rel=1e-4)


def test_kitchens_and_water_points_do_not_depend_on_the_unit_of_their_goods():
    """Rice in grams and clean water in m3: a kitchen still needs 200 kg of rice for its 1,000 meals,
    and a water point of 4,000 L a day still serves 4,000 kg of clean water a day."""
    kitchen = load_scenario(DATA_DIR / "tiny_flood_kitchen")
    a, b = compute_needs(kitchen), compute_needs(rescaled(kitchen, {"beras": 1000.0}))
    pd.testing.assert_series_equal(
        a.groupby(["area", "commodity", "day"])["kg"].sum(),
        b.groupby(["area", "commodity", "day"])["kg"].sum(),
    )
    from optimizer.plan.water import water_service

    water = load_scenario(DATA_DIR / "tiny_flood_water")
    m3 = rescaled(water, {"air_bersih": 0.001})
    litres = water_service(water, compute_needs(water))["units"].sum()
    cubic = water_service(m3, compute_needs(m3))["units"].sum()
    assert litres == pytest.approx(12_000.0) and cubic == pytest.approx(12.0)
