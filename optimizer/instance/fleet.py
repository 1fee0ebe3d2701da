"""The fleet of a planning instance: vehicles per (warehouse, vehicle type), what each type carries
and costs, and the duty rules (shift and daylight) that bound when it works."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios.model import Scenario

from .index import Index

__all__ = ["POOL_REACH_H", "DutyRules", "Fleet", "fleet_of"]

POOL_REACH_H = 3.0  # a pool: the warehouses this many hours' drive from its first one


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
    per type: capacity and prices (money per km, per hour, fixed per trip). The fleet rule
    (`policy.fleet`) as pools: `pool_of` [W, V] the pool of vehicles of each type that a warehouse's
    loads draw on, `pool_count` [P, V] the vehicles in each pool, `loadable` [W, V] where a vehicle of
    the type may load. Pooled: warehouses within `POOL_REACH_H` hours both ways of a pool's first warehouse
    share its vehicles (a unified command post shares its trucks; a boat does
    not come from the other end of the province overnight); own_warehouse: each warehouse is a pool of
    the vehicles based there."""

    count: np.ndarray  # [W, V] int
    capacity_kg: np.ndarray  # [V]
    capacity_m3: np.ndarray
    cost_per_km: np.ndarray
    cost_per_h: np.ndarray
    fixed_cost: np.ndarray
    duty: DutyRules
    loadable: np.ndarray  # [W, V] bool
    pool_of: np.ndarray  # [W, V] int
    pool_count: np.ndarray  # [P, V] int
    # the scenario's charters, in `count` too: [W, V] how many, and [W, V, day] the duty hours they are
    # not yet there on each day of the horizon (a charter from hour 24 misses all of day 1)
    chartered: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    late_h: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    def own_at(self, w: int) -> dict[int, int]:
        """Vehicle type index -> vehicles of the own fleet based at warehouse `w` (no charters)."""
        own = self.count[w] - (self.chartered[w] if self.chartered.size else 0)
        return {int(v): int(own[v]) for v in np.flatnonzero(own > 0)}

    @property
    def based(self) -> np.ndarray:
        """[W, V]: at least one vehicle of the type is based at the warehouse."""
        return self.count > 0

    def at(self, w: int) -> dict[int, int]:
        """Vehicle type index -> vehicles based at warehouse `w` (types with none left out)."""
        return {int(v): int(self.count[w, v]) for v in np.flatnonzero(self.count[w] > 0)}


def fleet_of(
    scenario: Scenario, warehouses: Index, vehicle_types: Index, reach_h: np.ndarray | None = None
) -> Fleet:
    """The scenario's fleet rows summed per (warehouse, vehicle type), with the types' facts and the
    fleet rule of its policy. `reach_h` [W, W, V]: hours a vehicle of the type drives from one
    warehouse to the other (None: not known, so vehicles load at their base only)."""
    vts = scenario.vehicle_types
    count = np.zeros((len(warehouses), len(vehicle_types)), np.int64)
    for f in scenario.fleet:
        count[warehouses[f.warehouse], vehicle_types[f.vehicle_type]] += f.count
    start = scenario.policy.day_start_h
    duty = DutyRules(
        day_start_h=start,
        duty_h=_frozen([v.duty_h for v in vts], float),
        window_h=_frozen([v.duty_window_h(start) for v in vts], float).reshape(len(vts), 2),
        daylight_only=_frozen([v.daylight_only for v in vts], bool),
    )
    chartered, late_h = _charters(scenario, warehouses, vehicle_types, duty)
    count += chartered
    count.setflags(write=False)
    if scenario.policy.fleet == "pooled" and reach_h is not None:
        pool_of = _pools(reach_h, POOL_REACH_H)
    else:
        pool_of = np.repeat(np.arange(len(warehouses))[:, None], len(vehicle_types), axis=1)
    pool_count = np.zeros((int(pool_of.max(initial=-1)) + 1, len(vehicle_types)), np.int64)
    for v in range(len(vehicle_types)):
        np.add.at(pool_count[:, v], pool_of[:, v], count[:, v])
    loadable = pool_count[pool_of, np.arange(len(vehicle_types))[None, :]] > 0
    for a in (loadable, pool_of, pool_count):
        a.setflags(write=False)
    return Fleet(
        loadable=loadable,
        pool_of=pool_of,
        pool_count=pool_count,
        count=count,
        capacity_kg=_frozen([v.capacity_kg for v in vts], float),
        capacity_m3=_frozen([v.capacity_m3 for v in vts], float),
        cost_per_km=_frozen([v.cost_per_km for v in vts], float),
        cost_per_h=_frozen([v.cost_per_h for v in vts], float),
        fixed_cost=_frozen([v.fixed_cost for v in vts], float),
        duty=duty,
        chartered=chartered,
        late_h=late_h,
    )


def _charters(
    s: Scenario, warehouses: Index, vehicle_types: Index, duty: DutyRules
) -> tuple[np.ndarray, np.ndarray]:
    """[W, V] chartered vehicles and [W, V, H] the duty hours they miss each day before their
    `from_h` (each works its type's duty window, `duty_h` hours of it, once there)."""
    H = s.policy.horizon_days
    chartered = np.zeros((len(warehouses), len(vehicle_types)), np.int64)
    late_h = np.zeros((len(warehouses), len(vehicle_types), H))
    for ch in s.charters:
        w, v = warehouses[ch.warehouse], vehicle_types[ch.vehicle_type]
        chartered[w, v] += ch.count
        lo, hi = duty.window_h[v]
        for d in range(H):
            start, end = 24.0 * d + lo, 24.0 * d + hi
            missed = np.clip(ch.from_h - start, 0.0, end - start)
            late_h[w, v, d] += ch.count * min(float(duty.duty_h[v]), float(missed))
    for a in (chartered, late_h):
        a.setflags(write=False)
    return chartered, late_h


def _pools(reach_h: np.ndarray, within_h: float) -> np.ndarray:
    """[W, V]: per type, warehouses grouped round centres: in warehouse order, each joins the first
    centre it reaches and is reached from within `within_h`, else becomes a centre (no chains: a pool
    spans at most twice `within_h`)."""
    W, _, V = reach_h.shape
    out = np.zeros((W, V), np.int64)
    for v in range(V):
        t = reach_h[:, :, v]
        centres: list[int] = []
        for w in range(W):
            near = [k for k, c in enumerate(centres) if t[w, c] <= within_h and t[c, w] <= within_h]
            if near:
                out[w, v] = near[0]
            else:
                out[w, v] = len(centres)
                centres.append(w)
    return out


def _frozen(values: list[object], dtype: type) -> np.ndarray:
    a: np.ndarray = np.array(values, dtype)
    a.setflags(write=False)
    return a
