"""Dispatch parts: the loads of one warehouse and dispatch day as one `RoutingProblem`, with the travel
they need (warehouse -> area, area -> area, area -> warehouse per vehicle type, from the instance's
network) and the reason for each load that cannot be part of any problem.

Clock: each problem counts seconds from 00:00 of its dispatch day. Vehicles leave at
`policy.day_start_h` and work inside their duty window (`VehicleType.duty_window_h`: daylight-only
types not before 06:00 and back by 18:00). A load no vehicle can deliver within one shift (the
allocation's delivery lag) is counted on the delivery day's clock, and a round trip longer than a shift
(a multi-day haul) lets the vehicle stay away that many more days. Reasons, in the order they are
checked: `over_capacity` (set on the load), `unreachable` (no vehicle type based at the warehouse
reaches the area and comes back), `time_window` (no such vehicle can arrive inside the area's access
window and be back inside its shift).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from network import TravelMatrix
from scenarios.model import VehicleType as ScenarioVehicle

from ..instance import PlanningInstance
from . import units as u
from .loads import Load
from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, VehicleType

__all__ = ["DEFAULT_SETTINGS", "DispatchPart", "DispatchSettings", "PartTravel", "dispatch_parts"]


@dataclass(frozen=True)
class DispatchSettings:
    stop_h: float = 0.25  # per load: parking, paperwork
    handling_h_per_t: float = 0.25  # loading at the warehouse plus unloading at the stop, per tonne
    max_reloads: int = 8  # trips per vehicle and day, minus one
    prize_trips: float = 10.0  # a full vehicle load's prize, in multiples of the costliest single trip
    max_part_jobs: int = 60  # a warehouse-day with more loads is split into sectors round the warehouse


DEFAULT_SETTINGS = DispatchSettings()


@dataclass(frozen=True)
class DispatchPart:
    warehouse: str
    day: int
    lag_days: int
    problem: RoutingProblem
    loads: tuple[Load, ...]  # job j carries loads[j]
    vehicle_types: tuple[str, ...]  # problem vehicle type -> scenario vehicle type
    areas: tuple[str, ...]  # problem location k + 1 -> area


class PartTravel:
    """An instance's fleet and travel as dispatch reads them, by id: vehicles per warehouse and type,
    duty windows, and per vehicle type the warehouse/area matrices (computed on demand, once)."""

    def __init__(self, instance: PlanningInstance, *, pooled: bool | None = None) -> None:
        if instance.network is None:
            raise ValueError("routing needs the instance's network (area-to-area travel)")
        self.instance, self.sn = instance, instance.network
        self.vt = {v.id: v for v in instance.scenario.vehicle_types}
        self.day_start_h = instance.fleet.duty.day_start_h
        self.pooled = instance.scenario.policy.fleet == "pooled" if pooled is None else pooled
        self._m: dict[tuple[str, str, str], TravelMatrix] = {}
        self._fleet: dict[str, dict[str, int]] = {}

    def fleet(self, w: str) -> dict[str, int]:
        """Vehicle type -> vehicles that may load at warehouse `w`: those based there, or when the
        fleet is pooled those of its pool (`Fleet.pool_of`; types with none left out)."""
        inst = self.instance
        if w not in inst.warehouses:
            return {}
        if w not in self._fleet:
            count = inst.fleet.count
            out: dict[str, int] = {}
            for v_i, v in enumerate(inst.vehicle_types.ids):
                key = self.pool_key(w, v)
                n = sum(
                    int(count[b, v_i])
                    for b, base in enumerate(inst.warehouses.ids)
                    if self.pool_key(base, v) == key
                )
                if n:
                    out[v] = n
            self._fleet[w] = out
        return self._fleet[w]

    def pool_key(self, w: str, v: str) -> tuple[int, str]:
        """The pool of vehicles of type `v` that warehouse `w`'s loads draw on: its `Fleet.pool_of`
        when the fleet is pooled, else the warehouse alone (a negative key of its own)."""
        inst = self.instance
        wi = inst.warehouses[w]
        return (int(inst.fleet.pool_of[wi, inst.vehicle_types[v]]) if self.pooled else -1 - wi, v)

    def may_load(self, base: str, v: str, w: str) -> bool:
        """A vehicle of type `v` based at `base` may load at `w`: the same pool."""
        return base == w or self.pool_key(base, v) == self.pool_key(w, v)

    def window_h(self, v: str) -> tuple[float, float]:
        return self.instance.fleet.duty.window(self.instance.vehicle_types[v])

    def m(self, v: str, rows: str, cols: str) -> TravelMatrix:
        key = (v, rows, cols)
        if key not in self._m:
            self._m[key] = self.sn.matrix(self.vt[v], rows, cols)
        return self._m[key]

    def out_back_h(self, v: str, w: str, a: str) -> tuple[float, float]:
        wi, ai = self.instance.warehouses[w], self.instance.areas[a]
        return (
            self.m(v, "warehouses", "areas").time_h[wi, ai],
            self.m(v, "areas", "warehouses").time_h[ai, wi],
        )

    def lag(self, out_h: float, v: str) -> int:
        """Whole days a trip of `out_h` hours takes when the vehicle drives inside its duty window."""
        lo, hi = self.window_h(v)
        shift = max(hi - lo, 1e-9)
        return max(math.ceil(out_h / shift) - 1, 0)


def service_h(load: Load, st: DispatchSettings) -> float:
    """Hours at the stop: parking and paperwork, plus handling per tonne."""
    return st.stop_h + st.handling_h_per_t * load.kg / 1000


def reach(tr: PartTravel, shipments: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(warehouse, area) -> the vehicle types based there that reach the area and come back."""
    out = {}
    for w, a in shipments[["warehouse", "area"]].drop_duplicates().itertuples(index=False):
        types = []
        for v in sorted(tr.fleet(w)):
            go, back = tr.out_back_h(v, w, a)
            if np.isfinite(go) and np.isfinite(back):
                types.append(v)
        out[(w, a)] = types
    return out


def largest_capacity(
    tr: PartTravel, reach_of: Mapping[tuple[str, str], list[str]]
) -> dict[tuple[str, str], tuple[float, float]]:
    """(warehouse, area) -> (kg, m3) of the largest vehicle type that makes the trip."""
    cap = {}
    for (w, a), types in reach_of.items():
        if types:
            best = max(types, key=lambda v: (tr.vt[v].capacity_kg, tr.vt[v].capacity_m3))
            cap[(w, a)] = (tr.vt[best].capacity_kg, tr.vt[best].capacity_m3)
    return cap


def _fits_window(tr: PartTravel, v: str, load: Load, st: DispatchSettings) -> bool:
    w, a = load.warehouse, load.area
    go, back = tr.out_back_h(v, w, a)
    lag = tr.lag(go, v)
    lo, hi = tr.window_h(v)
    hi += 24 * tr.lag(go + back + service_h(load, st), v)
    arrive = lo + go
    area = tr.instance.scenario.areas[tr.instance.areas[a]]
    if area.access_window_h is not None:
        open_h, close_h = (x + 24 * lag for x in area.access_window_h)
        if arrive > close_h:
            return False
        arrive = max(arrive, open_h)
    return arrive + service_h(load, st) + back <= hi + 1e-9


def dispatch_parts(
    tr: PartTravel,
    reach_of: Mapping[tuple[str, str], list[str]],
    loads: Sequence[Load],
    st: DispatchSettings,
) -> tuple[list[DispatchPart], list[tuple[Load, str]]]:
    """One part per (warehouse, delivery day) with loads to carry, in that order (split into sectors
    when it has more than `max_part_jobs` loads); and the loads no part can take, with their reason."""
    rejected: list[tuple[Load, str]] = []
    by_key: dict[tuple[str, int], list[Load]] = {}
    for load in loads:
        types = reach_of.get((load.warehouse, load.area), [])
        if load.reason is not None:
            rejected.append((load, load.reason))
        elif not types:
            rejected.append((load, "unreachable"))
        elif not any(_fits_window(tr, v, load, st) for v in types):
            rejected.append((load, "time_window"))
        else:
            by_key.setdefault((load.warehouse, load.day), []).append(load)
    parts = [
        _part(tr, reach_of, (w, d), chunk, st)
        for (w, d), ls in sorted(by_key.items())
        for chunk in _sectors(tr, w, ls, st.max_part_jobs)
    ]
    return parts, rejected


def _sectors(tr: PartTravel, w: str, loads: list[Load], most: int) -> list[list[Load]]:
    """`loads` in as few sectors round warehouse `w` (by bearing, an area's loads together) as keep
    each within `most` loads: the routing problems stay small enough for a quick search."""
    if len(loads) <= most:
        return [loads]
    wx, wy = _position(tr, "warehouses", w)
    by_area: dict[str, list[Load]] = {}
    for ld in loads:
        by_area.setdefault(ld.area, []).append(ld)

    def bearing(a: str) -> tuple[float, str]:
        x, y = _position(tr, "areas", a)
        return math.atan2(y - wy, x - wx), a

    n = math.ceil(len(loads) / most)
    size = math.ceil(len(loads) / n)
    out: list[list[Load]] = [[]]
    for a in sorted(by_area, key=bearing):
        if out[-1] and len(out[-1]) + len(by_area[a]) > size:
            out.append([])
        out[-1] += by_area[a]
    return out


def _position(tr: PartTravel, kind: str, item_id: str) -> tuple[float, float]:
    """(lon, lat) of a warehouse or area: its own, else its network node's."""
    inst = tr.instance
    s = inst.scenario
    item = s.warehouses[inst.warehouses[item_id]] if kind == "warehouses" else s.areas[inst.areas[item_id]]
    if item.lat is not None and item.lon is not None:
        return float(item.lon), float(item.lat)
    k = tr.sn.net.node(item.node) if item.node is not None else 0
    return float(tr.sn.net.lon[k]), float(tr.sn.net.lat[k])


def _part(
    tr: PartTravel,
    reach_of: Mapping[tuple[str, str], list[str]],
    key: tuple[str, int],
    loads: list[Load],
    st: DispatchSettings,
) -> DispatchPart:
    w, day = key
    areas = tuple(sorted({ld.area for ld in loads}))
    fleet_w = tr.fleet(w)
    types = tuple(sorted(fleet_w))
    lag = max(min(tr.lag(tr.out_back_h(v, w, ld.area)[0], v) for v in reach_of[(w, ld.area)]) for ld in loads)
    away = {
        v: max(
            (
                tr.lag(sum(tr.out_back_h(v, w, ld.area)) + service_h(ld, st), v)
                for ld in loads
                if v in reach_of[(w, ld.area)]
            ),
            default=0,
        )
        for v in types
    }
    dists, durs = _matrices(tr, w, areas, types)
    classes: dict[frozenset[int], int] = {}
    jobs = _jobs(
        tr, reach_of, (w, lag), loads, areas, types, classes, st, _prize_base(tr, types, dists, durs, st)
    )
    vts = []
    for k, v in enumerate(types):
        vt = tr.vt[v]
        lo, hi = tr.window_h(v)
        fixed, per_m, per_s = unit_costs(vt)
        extra_h = 24 * max(lag, away[v])
        vts.append(
            VehicleType(
                count=fleet_w[v],
                capacity=u.capacity(vt.capacity_kg, vt.capacity_m3),
                tw_early=u.seconds(lo),
                tw_late=u.seconds(hi + extra_h),
                max_duration=u.seconds(hi - lo + extra_h),
                fixed_cost=fixed,
                unit_distance_cost=per_m,
                unit_duration_cost=per_s,
                profile=k,
                skills=frozenset(c for ok, c in classes.items() if k in ok),
                reload_depots=(0,),
                max_reloads=st.max_reloads,
                name=v,
            )
        )
    problem = RoutingProblem(
        (Depot(0, name=w),), tuple(jobs), tuple(vts), tuple(dists), tuple(durs), name=f"{w}/day{day}"
    )
    return DispatchPart(w, day, lag, problem, tuple(loads), types, areas)


def _matrices(
    tr: PartTravel, w: str, areas: tuple[str, ...], types: tuple[str, ...]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per vehicle type: metres and seconds between the warehouse (location 0) and the areas."""
    dists, durs = [], []
    a_idx = np.array([tr.instance.areas[a] for a in areas])
    wi = tr.instance.warehouses[w]
    for v in types:
        n = len(areas) + 1
        t_h, d_km = np.zeros((n, n)), np.zeros((n, n))
        wa, aa, aw = tr.m(v, "warehouses", "areas"), tr.m(v, "areas", "areas"), tr.m(v, "areas", "warehouses")
        for mat, src in ((t_h, "time_h"), (d_km, "distance_km")):
            mat[0, 1:] = getattr(wa, src)[wi, a_idx]
            mat[1:, 0] = getattr(aw, src)[a_idx, wi]
            mat[1:, 1:] = getattr(aa, src)[np.ix_(a_idx, a_idx)]
            np.fill_diagonal(mat, 0.0)
        durs.append(u.matrix_seconds(t_h))
        dists.append(u.matrix_metres(d_km))
    return dists, durs


def _jobs(
    tr: PartTravel,
    reach_of: Mapping[tuple[str, str], list[str]],
    at: tuple[str, int],
    loads: list[Load],
    areas: tuple[str, ...],
    types: tuple[str, ...],
    classes: dict[frozenset[int], int],
    st: DispatchSettings,
    base: int,
) -> list[Job]:
    """One optional job per load, its prize by priority and size; `classes` collects the sets of
    vehicle types that may carry a load (a skill each)."""
    w, lag = at
    max_kg = max(u.capacity(tr.vt[v].capacity_kg, tr.vt[v].capacity_m3)[0] for v in types)
    loc_of = {a: k + 1 for k, a in enumerate(areas)}
    jobs = []
    for ld in loads:
        kg, litres = u.load_amount(ld.kg, ld.m3)
        ok = frozenset(
            k for k, v in enumerate(types) if v in reach_of[(w, ld.area)] and _fits(tr.vt[v], kg, litres)
        )
        cls = classes.setdefault(ok, len(classes))
        area = tr.instance.scenario.areas[tr.instance.areas[ld.area]]
        lo, hi = 0, INF_TIME
        if area.access_window_h is not None:
            lo, hi = (u.seconds(x + 24 * lag) for x in area.access_window_h)
        jobs.append(
            Job(
                location=loc_of[ld.area],
                delivery=(kg, litres),
                service=u.seconds(service_h(ld, st)),
                tw_early=lo,
                tw_late=hi,
                prize=round(base * ld.priority * max(kg / max_kg, 0.05)),
                required=False,
                skills=frozenset({cls}),
                name=ld.area,
            )
        )
    return jobs


def _fits(vt: ScenarioVehicle, kg: int, litres: int) -> bool:
    cap_kg, cap_l = u.capacity(vt.capacity_kg, vt.capacity_m3)
    return kg <= cap_kg and litres <= cap_l


def unit_costs(vt: ScenarioVehicle) -> tuple[int, int, int]:
    """(fixed, per metre, per second) in money units; vehicle seconds when the type has no prices."""
    priced = vt.cost_per_km > 0 or vt.cost_per_h > 0 or vt.fixed_cost > 0
    if not priced:
        return 0, 0, 1
    return u.money(vt.fixed_cost), u.per_metre(vt.cost_per_km), u.per_second(vt.cost_per_h)


def _prize_base(
    tr: PartTravel,
    types: tuple[str, ...],
    dists: list[np.ndarray],
    durs: list[np.ndarray],
    st: DispatchSettings,
) -> int:
    """A full load's prize: `prize_trips` times the cost of the costliest out-and-back trip to one area
    of the problem (plus 4 h of handling)."""
    worst = 1
    for k, v in enumerate(types):
        fixed, per_m, per_s = unit_costs(tr.vt[v])
        d, t = dists[k][0, 1:] + dists[k][1:, 0], durs[k][0, 1:] + durs[k][1:, 0]
        ok = (dists[k][0, 1:] < UNREACHABLE) & (dists[k][1:, 0] < UNREACHABLE)
        if ok.any():
            worst = max(worst, fixed + per_m * int(d[ok].max()) + per_s * (int(t[ok].max()) + u.seconds(4)))
    return round(st.prize_trips * worst)
