"""The fleet of a planning instance: vehicles per (warehouse, vehicle type), what each type carries
and costs, and the duty rules (shift and daylight) that bound when it works."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenarios.model import Scenario

from .index import Index

__all__ = ["DutyRules", "Fleet", "fleet_of"]


@dataclass(frozen=True)
class DutyRules:
    """Per vehicle type: the hours it may work a day (`duty_h`: its shift, at most the daylight window
    when daylight-only) and the (start, end) hour of the day it works (`window_h` [V, 2]), from the
    policy's `day_start_h`. One definition: `VehicleType.duty_h` and `duty_window_h`."""

    day_start_h: float
    duty_h: np.ndarray  # [V]
    window_h: np.ndarray  # [V, 2]
    daylight_only: np.ndarray  # [V] bool

    def window(self, v: int) -> tuple[float, float]:
        lo, hi = self.window_h[v]
        return float(lo), float(hi)


@dataclass(frozen=True)
class Fleet:
    """`count` [W, V]: vehicles of each type based at each warehouse, summed over the fleet rows;
    per type: capacity and prices (money per km, per hour, fixed per trip)."""

    count: np.ndarray  # [W, V] int
    capacity_kg: np.ndarray  # [V]
    capacity_m3: np.ndarray
    cost_per_km: np.ndarray
    cost_per_h: np.ndarray
    fixed_cost: np.ndarray
    duty: DutyRules

    @property
    def based(self) -> np.ndarray:
        """[W, V]: at least one vehicle of the type is based at the warehouse."""
        return self.count > 0

    def at(self, w: int) -> dict[int, int]:
        """Vehicle type index -> vehicles based at warehouse `w` (types with none left out)."""
        return {int(v): int(self.count[w, v]) for v in np.flatnonzero(self.count[w] > 0)}


def fleet_of(scenario: Scenario, warehouses: Index, vehicle_types: Index) -> Fleet:
    """The scenario's fleet rows summed per (warehouse, vehicle type), with the types' facts."""
    vts = scenario.vehicle_types
    count = np.zeros((len(warehouses), len(vehicle_types)), np.int64)
    for f in scenario.fleet:
        count[warehouses[f.warehouse], vehicle_types[f.vehicle_type]] += f.count
    count.setflags(write=False)
    start = scenario.policy.day_start_h
    duty = DutyRules(
        day_start_h=start,
        duty_h=_frozen([v.duty_h for v in vts], float),
        window_h=_frozen([v.duty_window_h(start) for v in vts], float).reshape(len(vts), 2),
        daylight_only=_frozen([v.daylight_only for v in vts], bool),
    )
    return Fleet(
        count=count,
        capacity_kg=_frozen([v.capacity_kg for v in vts], float),
        capacity_m3=_frozen([v.capacity_m3 for v in vts], float),
        cost_per_km=_frozen([v.cost_per_km for v in vts], float),
        cost_per_h=_frozen([v.cost_per_h for v in vts], float),
        fixed_cost=_frozen([v.fixed_cost for v in vts], float),
        duty=duty,
    )


def _frozen(values: list[object], dtype: type) -> np.ndarray:
    a: np.ndarray = np.array(values, dtype)
    a.setflags(write=False)
    return a
