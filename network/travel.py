"""Edge travel times per vehicle type, after damage.

A vehicle type may use an edge when the edge's mode is one of its modes, a road edge's class is one of
its road classes (when it lists any), the edge's vessel rule lets it through at every water level in
force (when the edge has one), and its gross weight is within the edge's (damaged) weight limit.
Time on a usable edge is `duration_h` when the edge fixes one (ferries, flights), else
`length_km / speed` with speed the vehicle's speed for the road class, capped by the edge's
`speed_kmh`; a degraded edge's time is divided by its speed factor. Unusable edges take `inf`.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from scenarios.model import Mode, VehicleType

from .damage import DamageState
from .graph import MODE_CODE, Network

__all__ = ["MIN_EDGE_TIME_H", "VehicleKey", "edge_times_h", "vehicle_key"]

MIN_EDGE_TIME_H = 1e-9  # zero-time edges (ties) stay edges in sparse graphs

# modes, road classes, speed, speed per road class (sorted), weight, edges barred by vessel rules
VehicleKey: TypeAlias = tuple[
    tuple[Mode, ...],
    tuple[str, ...] | None,
    float,
    tuple[tuple[str, float], ...],
    float,
    tuple[int, ...],
]


def vehicle_key(net: Network, vt: VehicleType, levels: tuple[str, ...] = ("normal",)) -> VehicleKey:
    """What of a vehicle type, on `net` at the water `levels`, changes its edge times (for caches)."""
    return (
        vt.modes,
        vt.road_classes,
        vt.speed_kmh,
        tuple(sorted(vt.class_speed_kmh.items())),
        vt.weight_t,
        net.barred_edges(vt.id, levels),
    )


def _base_times(net: Network, vt: VehicleType, levels: tuple[str, ...]) -> np.ndarray:
    vkey = vehicle_key(net, vt, levels)
    key = ("base_times", vkey)
    cached = net._cache.get(key)
    if cached is not None:
        return cached
    codes = [MODE_CODE[m] for m in vt.modes]
    usable = np.isin(net.mode, codes)
    is_road = net.mode == MODE_CODE["road"]
    if vt.road_classes is not None:
        usable &= ~is_road | np.isin(net.road_class, list(vt.road_classes))
    usable &= net.max_weight_t >= vt.weight_t
    speed = np.full(net.n_edges, vt.speed_kmh)
    for cls, kmh in vt.class_speed_kmh.items():
        speed[is_road & (net.road_class == cls)] = kmh
    speed = np.fmin(speed, net.speed_kmh)
    times = np.where(np.isnan(net.duration_h), net.length_km / speed, net.duration_h)
    times = np.maximum(times, MIN_EDGE_TIME_H)
    times[~usable] = np.inf
    times[list(vkey[5])] = np.inf
    times.setflags(write=False)
    net._cache[key] = times
    return times


def edge_times_h(
    net: Network,
    vt: VehicleType,
    damage: DamageState | None = None,
    levels: tuple[str, ...] = ("normal",),
) -> np.ndarray:
    """Hours per edge for `vt` (inf where it cannot pass, or where a vessel rule at one of the water
    `levels` bars it), damage applied on a copy."""
    base = _base_times(net, vt, levels)
    if damage is None or not len(damage):
        return base
    times = base.copy()
    e = damage.edges
    times[e] = times[e] / damage.speed_factor
    blocked = damage.closed | (damage.max_weight_t < vt.weight_t)
    times[e[blocked]] = np.inf
    return times
