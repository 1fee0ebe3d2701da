"""The plan checker's timeline rules: each vehicle's trips recomputed on the plan's one clock (hours since
day 1, 00:00 local time) from the scenario and its network alone, with code of its own (not the routing's
duty clock).

A trip's work is its span (from the empty drive's start, else the departure, to its return) minus the
rests it lists; a leg's driving is the time between leaving one place and reaching the next minus the
rests in it. Violations:
- `before_start`: a time before 00:00 of day 1;
- `vehicle_overlap`: a trip beginning before the vehicle is back from the previous one, starting from
  somewhere else than where the vehicle is (its base first, then where its last trip ended), or a
  vehicle id used for two vehicle types;
- `over_fleet`: more vehicles of a type based at a warehouse than it has, or, under
  `policy.fleet: own_warehouse`, a vehicle loading away from its base; a chartered vehicle (`charter`)
  of a charter the scenario lacks, of another type or base, beyond its count, or at work before its
  `from_h`;
- `late`: a leg driven faster than the network allows, or unloading outside an area's access window;
- `duty`: more than the type's `shift_h` of work in a calendar day, or driving outside 06:00-18:00
  where the vehicle type or a link on the leg's path is daylight-only;
- `unreachable_stop`: no path for a leg (damage, mode), or an area the type may not serve;
- `vessel_barred`: a leg that only exists through edges whose vessel rule, at a water level in force
  during the horizon, leaves the vehicle type out (rapids a cargo boat cannot pass).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from network import ScenarioNetwork
from scenarios.model import DAYLIGHT_H, Scenario

from ..routing.trips import Trip

__all__ = ["TOL_H", "check_timelines"]

TOL_H = 0.02  # hours: rounding in plan.json (3 decimals) and the engines' whole seconds
Add = Callable[[str, str, str], None]
Interval = tuple[float, float]


@dataclass(frozen=True)
class _Leg:
    origin: str
    to: str
    span: Interval  # leaving origin, reaching `to`
    net_h: float
    daylight: bool


class _Travel:
    """Network hours and daylight flags between warehouses and areas, per vehicle type."""

    def __init__(self, s: Scenario, sn: ScenarioNetwork) -> None:
        self.s, self.sn = s, sn
        self.vts = {v.id: v for v in s.vehicle_types}
        self.index = {
            "warehouses": {w.id: i for i, w in enumerate(s.warehouses)},
            "areas": {a.id: i for i, a in enumerate(s.areas)},
        }
        self._m: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._relaxed: ScenarioNetwork | None = None

    def barred(self, v: str, a: tuple[str, str], b: tuple[str, str]) -> list[str]:
        """Edges with a vessel rule barring `v` on the path a leg would take without those rules."""
        levels = self.s.policy.water_levels
        if not any(self.sn.net.vessels.get(x) for x in levels):
            return []
        if self._relaxed is None:
            sn = self.sn
            self._relaxed = ScenarioNetwork(self.s, list(sn.damage_records), network=sn.net, water_levels=())
        shut = set(self.sn.net.barred_edges(v, levels))
        edges = self._relaxed.path_edges(self.vts[v], a, b)
        return [e for e in edges if self.sn.net.edge_index[e] in shut]

    def hours(self, v: str, a: tuple[str, str], b: tuple[str, str]) -> tuple[float, bool]:
        key = (v, a[0], b[0])
        if key not in self._m:
            m = self.sn.matrix(self.vts[v], a[0], b[0])
            self._m[key] = (m.time_h, m.daylight)
        t, day = self._m[key]
        i, j = self.index[a[0]][a[1]], self.index[b[0]][b[1]]
        if a == b:
            return 0.0, False
        return float(t[i, j]), bool(day[i, j])


def check_timelines(
    s: Scenario, sn: ScenarioNetwork, trips: Sequence[Trip], add: Add, feeds: Sequence[Trip] = ()
) -> None:
    """Every timeline rule of the module over the well-formed `trips` and `feeds` (trips to hubs: a
    vehicle's feeds and trips share its one timeline)."""
    tr = _Travel(s, sn)
    labelled = [(f"trips[{k}]", t) for k, t in enumerate(trips)]
    labelled += [(f"feeds[{k}]", t) for k, t in enumerate(feeds)]
    _check_times(labelled, add)
    _check_fleet(s, labelled, add)
    by_vehicle: dict[str, list[tuple[str, Trip]]] = {}
    for k, t in labelled:
        by_vehicle.setdefault(t.vehicle, []).append((k, t))
    for vehicle, items in sorted(by_vehicle.items()):
        _check_vehicle(s, tr, vehicle, items, add)


def _times(t: Trip) -> list[tuple[str, float | None]]:
    out: list[tuple[str, float | None]] = [("start_h", t.start_h), ("depart_h", t.depart_h)]
    out += [("return_h", t.return_h)]
    for j, st in enumerate(t.stops):
        out += [(f"stops[{j}].arrive_h", st.arrive_h), (f"stops[{j}].leave_h", st.leave_h)]
    for j, r in enumerate(t.rests):
        out += [(f"rests[{j}].from_h", r.from_h), (f"rests[{j}].until_h", r.until_h)]
    return out


def _check_times(trips: Sequence[tuple[str, Trip]], add: Add) -> None:
    for k, t in trips:
        neg = [f"{f} {h:g}" for f, h in _times(t) if h is not None and h < -TOL_H]
        if neg:
            add("before_start", f"{k} {t.vehicle}", "before 00:00 of day 1: " + ", ".join(neg))


def _check_fleet(s: Scenario, trips: Sequence[tuple[str, Trip]], add: Add) -> None:
    count: dict[tuple[str, str], int] = {}
    for f in s.fleet:
        count[(f.warehouse, f.vehicle_type)] = count.get((f.warehouse, f.vehicle_type), 0) + f.count
    types: dict[str, set[str]] = {}
    used: dict[tuple[str, str], set[str]] = {}
    chartered: dict[str, set[str]] = {}
    for k, t in trips:
        types.setdefault(t.vehicle, set()).add(t.vehicle_type)
        if t.charter is not None:
            chartered.setdefault(t.charter, set()).add(t.vehicle)
            _check_charter(s, k, t, add)
            continue
        used.setdefault((t.home, t.vehicle_type), set()).add(t.vehicle)
        if s.policy.fleet == "own_warehouse" and t.warehouse != t.home:
            add(
                "over_fleet",
                f"{k} {t.vehicle}",
                f"loads at {t.warehouse}, but the fleet rule is own_warehouse and it is based at {t.home}",
            )
    for vehicle, kinds in sorted(types.items()):
        if len(kinds) > 1:
            add("vehicle_overlap", vehicle, f"one vehicle id for types {', '.join(sorted(kinds))}")
    for (w, v), vehicles in sorted(used.items()):
        have = count.get((w, v), 0)
        if len(vehicles) > have:
            add("over_fleet", f"{w}/{v}", f"{len(vehicles)} vehicles based there used, {have} based there")
    charters = {c.id: c for c in s.charters}
    for c_id, vehicles in sorted(chartered.items()):
        if c_id in charters and len(vehicles) > charters[c_id].count:
            add(
                "over_fleet",
                c_id,
                f"{len(vehicles)} vehicles of the charter used, it offers {charters[c_id].count}",
            )


def _check_charter(s: Scenario, k: str, t: Trip, add: Add) -> None:
    """A chartered vehicle's trip: of a charter the scenario lists, of its type, based where it is
    based, and not at work before the hour it is there from."""
    ch = next((c for c in s.charters if c.id == t.charter), None)
    where = f"{k} {t.vehicle}"
    if ch is None:
        add("over_fleet", where, f"charter {t.charter!r} is not in the scenario")
    elif ch.vehicle_type != t.vehicle_type or ch.warehouse != t.home:
        add("over_fleet", where, f"charter {ch.id} is a {ch.vehicle_type} based at {ch.warehouse}")
    elif t.began_h is not None and t.began_h < ch.from_h - TOL_H:
        add(
            "over_fleet",
            where,
            f"works from {t.began_h:g} h, but charter {ch.id} is there from {ch.from_h:g} h",
        )


def _check_vehicle(s: Scenario, tr: _Travel, vehicle: str, items: list[tuple[str, Trip]], add: Add) -> None:
    """One vehicle: its trips in order of their start, without overlap, each from where the vehicle
    is, each leg feasible, and its work within duty hours."""
    timed = [(k, t) for k, t in items if t.began_h is not None and t.return_h is not None]
    timed.sort(key=lambda kt: (kt[1].began_h, kt[0]))
    at = timed[0][1].home if timed else None
    back = -math.inf
    work: list[Interval] = []
    vt = tr.vts[timed[0][1].vehicle_type] if timed else None
    for k, t in timed:
        where = f"{k} {vehicle}"
        began = float(t.began_h)  # type: ignore[arg-type]
        origin = t.empty_from or t.warehouse
        if began < back - TOL_H:
            add("vehicle_overlap", where, f"begins at {began:.2f} h, the vehicle is back at {back:.2f} h")
        if origin != at:
            add("vehicle_overlap", where, f"starts from {origin}, but the vehicle is at {at}")
        legs = _legs(tr, t, add, where)
        if legs is None:
            at, back = t.warehouse, float(t.return_h)  # type: ignore[arg-type]
            continue
        rests = [(r.from_h, r.until_h) for r in t.rests]
        for leg in legs:
            _check_leg(tr, t, leg, rests, add, where)
        _check_windows(s, t, rests, add, where)
        work += _minus((began, float(t.return_h)), rests)  # type: ignore[arg-type]
        at, back = t.warehouse, float(t.return_h)  # type: ignore[arg-type]
    if vt is not None:
        _check_shift(vt.shift_h, vehicle, work, add)


def _legs(tr: _Travel, t: Trip, add: Add, where: str) -> list[_Leg] | None:
    """The trip's legs with their spans and network hours; None when a time is missing or a leg has
    no path (reported)."""
    assert t.depart_h is not None and t.return_h is not None
    places: list[tuple[str, str]] = [("warehouses", t.warehouse)]
    spans: list[Interval] = []
    if t.empty_from is not None:
        places.insert(0, ("warehouses", t.empty_from))
        spans.append((float(t.began_h), t.depart_h))  # type: ignore[arg-type]
    leave = t.depart_h
    for st in t.stops:
        if st.arrive_h is None:
            return None
        places.append(("warehouses" if t.feed else "areas", st.area))
        spans.append((leave, st.arrive_h))
        leave = st.leave_h if st.leave_h is not None else st.arrive_h
    places.append(("warehouses", t.warehouse))
    spans.append((leave, t.return_h))
    legs = []
    for (a, b), span in zip(itertools.pairwise(places), spans, strict=True):
        h, day = tr.hours(t.vehicle_type, a, b)
        if not math.isfinite(h):
            _no_path(tr, t.vehicle_type, a, b, add, where)
            return None
        legs.append(_Leg(a[1], b[1], span, h, day or tr.vts[t.vehicle_type].daylight_only))
    return legs


def _no_path(tr: _Travel, v: str, a: tuple[str, str], b: tuple[str, str], add: Add, where: str) -> None:
    barred = tr.barred(v, a, b)
    if barred:
        shown = ", ".join(barred[:5]) + (f" and {len(barred) - 5} more" if len(barred) > 5 else "")
        levels = "/".join(tr.s.policy.water_levels)
        msg = f"{v} from {a[1]} to {b[1]} must pass {shown}, closed to it at water level {levels}"
        add("vessel_barred", where, msg)
        return
    add("unreachable_stop", where, f"no path for {v} from {a[1]} to {b[1]}")


def _check_leg(tr: _Travel, t: Trip, leg: _Leg, rests: list[Interval], add: Add, where: str) -> None:
    moving = _minus(leg.span, rests)
    driven = sum(b - a for a, b in moving)
    if driven < leg.net_h - TOL_H:
        add(
            "late",
            where,
            f"{leg.origin} -> {leg.to}: {driven:.2f} h of driving between {leg.span[0]:.2f} and "
            f"{leg.span[1]:.2f} h (rests left out), the network needs {leg.net_h:.2f} h",
        )
    if leg.daylight:
        dark = sum(b - a for a, b in moving) - _overlap_daylight(moving)
        if dark > TOL_H:
            add(
                "duty",
                where,
                f"{leg.origin} -> {leg.to}: {dark:.2f} h of driving outside daylight "
                f"({DAYLIGHT_H[0]:02.0f}:00-{DAYLIGHT_H[1]:02.0f}:00) on a daylight-only vehicle or link",
            )


def _check_windows(s: Scenario, t: Trip, rests: list[Interval], add: Add, where: str) -> None:
    """Unloading (a stop's time minus its rests) inside the area's daily access window."""
    areas = {a.id: a for a in s.areas}
    for st in t.stops:
        if t.feed:  # a hub's warehouse has no access window
            continue
        window = areas[st.area].access_window_h
        if window is None or st.arrive_h is None:
            continue
        leave = st.leave_h if st.leave_h is not None else st.arrive_h
        busy = _minus((st.arrive_h, leave), rests) or [(st.arrive_h, st.arrive_h)]
        start = busy[0][0]
        day = math.floor(start / 24)
        if not any(24 * k + window[0] - TOL_H <= start <= 24 * k + window[1] + TOL_H for k in (day - 1, day)):
            add(
                "late",
                where,
                f"unloads at {st.area} from {start:.2f} h, outside its access window "
                f"{window[0]:g}-{window[1]:g} h of the day",
            )


def _check_shift(shift_h: float, vehicle: str, work: list[Interval], add: Add) -> None:
    per_day: dict[int, float] = {}
    for a, b in work:
        for d in range(math.floor(a / 24), math.floor(max(a, b - 1e-9) / 24) + 1):
            lo, hi = max(a, 24 * d), min(b, 24 * d + 24)
            if hi > lo:
                per_day[d] = per_day.get(d, 0.0) + hi - lo
    for d, h in sorted(per_day.items()):
        if h > shift_h + TOL_H:
            add(
                "duty",
                f"{vehicle}/day {d + 1}",
                f"works {h:.2f} h on day {d + 1}, its shift is {shift_h:g} h",
            )


def _minus(span: Interval, rests: list[Interval]) -> list[Interval]:
    """`span` without the rests."""
    out = [span] if span[1] > span[0] else []
    for r0, r1 in rests:
        nxt = []
        for a, b in out:
            if r1 <= a or r0 >= b:
                nxt.append((a, b))
                continue
            if r0 > a:
                nxt.append((a, r0))
            if r1 < b:
                nxt.append((r1, b))
        out = nxt
    return out


def _overlap_daylight(intervals: list[Interval]) -> float:
    total = 0.0
    for a, b in intervals:
        for d in range(math.floor(a / 24) - 1, math.floor(b / 24) + 1):
            lo, hi = max(a, 24 * d + DAYLIGHT_H[0]), min(b, 24 * d + DAYLIGHT_H[1])
            if hi > lo:
                total += hi - lo
    return total
