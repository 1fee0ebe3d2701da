"""What the supply side limits in the allocation: reserve floors kept for a warehouse's own kab/kota,
and chartered vehicles that are not there before their hour."""

from __future__ import annotations

import numpy as np

from ..instance import PlanningInstance

__all__ = ["pool_late_h", "reserve_inputs"]


def pool_late_h(inst: PlanningInstance) -> np.ndarray:
    """[pool, vehicle type, day]: duty hours of chartered vehicles not yet there (`Fleet.late_h`)."""
    fl = inst.fleet
    out = np.zeros((*fl.pool_count.shape, inst.days))
    if fl.late_h.size:
        for v in range(fl.pool_count.shape[1]):
            np.add.at(out[:, v, :], fl.pool_of[:, v], fl.late_h[:, v, :])
    return out


def reserve_inputs(inst: PlanningInstance) -> dict[str, np.ndarray]:
    """`reserve_cap` and `outside` of the warehouses whose reserve floor holds (a `reserve_share` the
    policy does not release): of each commodity, (1 - share) of what it holds over the horizon may go to
    areas outside its kab/kota (an area with no kab_code counts as outside)."""
    s = inst.scenario
    W, C, A = len(s.warehouses), len(s.commodities), len(s.areas)
    cap, outside = np.full((W, C), np.inf), np.zeros((W, A), bool)
    released = set(s.policy.released_reserves)
    for i, w in enumerate(s.warehouses):
        if w.reserve_share > 0 and w.id not in released:
            cap[i] = (1 - w.reserve_share) * inst.stock[i, :, -1]
            outside[i] = [a.kab_code != w.kab_code for a in s.areas]
    return {"reserve_cap": cap, "outside": outside}
