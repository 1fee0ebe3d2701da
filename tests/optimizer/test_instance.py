"""The compiled planning instance: built once from a validated scenario, frozen, and what every
solver stage reads."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.allocation import solve_allocation
from optimizer.instance import compile_instance
from scenarios import compute_needs, load_scenario

from ..conftest import DATA_DIR


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(DATA_DIR / "tiny_flood")


def test_fleet_sums_the_rows_of_one_warehouse_and_vehicle_type() -> None:
    """Two fleet rows for one warehouse and vehicle type (2 + 3 trucks) count as five vehicles."""
    inst = compile_instance(load_scenario(DATA_DIR / "dashboard_two_fleet_rows"))
    w, v = inst.warehouses["gudang"], inst.vehicle_types["truk"]
    assert inst.fleet.count[w, v] == 5
    assert inst.fleet.count[w, inst.vehicle_types["perahu"]] == 1


def test_index_maps_follow_scenario_order(tiny) -> None:
    """Each index lists the scenario's ids in order; positions map ids back (-1 for unknown ids)."""
    inst = compile_instance(tiny)
    assert tuple(inst.areas) == tuple(a.id for a in tiny.areas)
    assert tuple(inst.vehicle_types) == tuple(v.id for v in tiny.vehicle_types)
    ids = [tiny.areas[-1].id, "no_such_area", tiny.areas[0].id]
    assert inst.areas.positions(ids).tolist() == [len(tiny.areas) - 1, -1, 0]


def test_arrays_are_frozen(tiny) -> None:
    """Nobody changes an instance: its arrays refuse writes."""
    inst = compile_instance(tiny)
    for a in (inst.stock, inst.kg_per_unit, inst.group_weight, inst.travel.time_h, inst.fleet.count):
        with pytest.raises(ValueError):
            a.flat[0] = 0


def test_a_closed_link_mask_gives_new_travel_and_leaves_the_instance_alone(tiny) -> None:
    """`TravelArrays.closed(mask)` makes the masked warehouse-area pairs unreachable for every type in
    a copy; the instance's own travel is unchanged."""
    inst = compile_instance(tiny)
    mask = np.zeros(inst.travel.time_h.shape[:2], bool)
    w, a = np.argwhere(np.isfinite(inst.travel.time_h).any(axis=2))[0]
    mask[w, a] = True
    closed = inst.travel.closed(mask)
    assert np.isinf(closed.time_h[w, a]).all()
    assert np.isfinite(inst.travel.time_h[w, a]).any()
    assert inst.travel.closed(None) is inst.travel


def test_allocation_from_the_instance_equals_allocation_from_the_scenario(tiny) -> None:
    """solve_allocation gives the same shipments whether handed the scenario or its instance."""
    a = solve_allocation(tiny)
    b = solve_allocation(compile_instance(tiny))
    cols = ["warehouse", "area", "commodity", "day", "units"]
    assert a.shipments[cols].equals(b.shipments[cols])


def test_needs_default_to_the_standards_and_a_replan_passes_its_own(tiny) -> None:
    """Without `needs` the instance plans for compute_needs(scenario); given needs are kept as they are."""
    full = compute_needs(tiny)
    assert compile_instance(tiny).needs.frame["units"].sum() == pytest.approx(full["units"].sum())
    half = full.assign(units=full["units"] / 2)
    inst = compile_instance(tiny, needs=half)
    assert inst.needs.frame["units"].sum() == pytest.approx(full["units"].sum() / 2)
