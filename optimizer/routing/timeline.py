"""One timeline per physical vehicle over the whole horizon: the engines' routes (one per vehicle of a
warehouse-day part) put on real vehicles, one after another, on the plan's one clock.

Rule: routes are taken by dispatch day, then by the prizes of their loads (priority and size), highest
first. Each goes to the vehicle of its type that can be loaded at the part's warehouse soonest: one
already there and free, or one that drives there empty from where its last trip ended (`pooled`: the
vehicles of the type in the warehouse's pool, `Fleet.pool_of`; `own_warehouse`: only those based
there), ties to the shorter empty drive, then to the vehicle's id. No trip leaves before its dispatch
day's duty window opens (the goods are released that day). Parts are sized dispatch day by dispatch
day to the vehicles free for them (`available`), so the engines plan with the boats really at hand. The vehicle then runs the route's trips back to back,
reloading at the warehouse between them, and is busy until it is back: a voyage of five days holds the
boat five days. Work follows the duty clock (`clock.DutyClock`: shift hours, daylight-only types and
legs); every wait and rest inside a trip is recorded where it happens.

A stop that would arrive after the horizon is not made: its loads are left with reason `horizon` and the
trip is run again without it. Vehicles start the horizon at their base (`VehicleStart`: a later step
can start them from a reported position).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .clock import DutyClock
from .loads import Load
from .parts import DispatchPart, DispatchSettings, PartTravel, service_h
from .solution import Route, RoutingSolution
from .trips import Rest, Stop, Trip

__all__ = ["FleetTimeline", "VehicleStart", "fleet_starts"]

EPS_H = 1e-6
MAX_WAIT_DAYS = 60


@dataclass(frozen=True)
class VehicleStart:
    """Where and when a physical vehicle is first free: at warehouse `at` from `free_h` (hours on the
    plan's clock). `onboard` (commodity -> units) is kept for starts from a reported position."""

    vehicle: str
    vehicle_type: str
    base: str
    at: str
    free_h: float = 0.0
    onboard: Mapping[str, float] = field(default_factory=dict)


@dataclass
class _State:
    start: VehicleStart
    at: str
    free_h: float
    trips: int = 0


def fleet_starts(tr: PartTravel) -> list[VehicleStart]:
    """Every vehicle of the scenario's fleet, at its base from 00:00 of day 1: `{base}/{type}/{k}`."""
    inst = tr.instance
    out = []
    for w_i, w in enumerate(inst.warehouses.ids):
        for v_i, n in inst.fleet.at(w_i).items():
            v = inst.vehicle_types.ids[v_i]
            out += [VehicleStart(f"{w}/{v}/{k + 1}", v, w, w) for k in range(n)]
    return out


@dataclass(frozen=True)
class _Leg:
    origin: str
    to: str
    hours: float
    km: float
    daylight: bool


@dataclass(frozen=True)
class _StopPlan:
    area: str
    service_h: float
    loads: tuple[Load, ...]


@dataclass
class _Run:
    """One trip as run: times, rests, stops made and loads left for the horizon."""

    depart_h: float
    return_h: float
    stops: list[tuple[_StopPlan, float, float]]  # plan, arrive_h, leave_h
    rests: list[Rest]
    km: float
    tonne_km: float


class _Scheduler:
    def __init__(self, tr: PartTravel, st: DispatchSettings, *, pooled: bool, horizon_h: float) -> None:
        self.tr, self.st, self.pooled, self.horizon_h = tr, st, pooled, horizon_h
        inst = tr.instance
        self.clock = {v.id: DutyClock.of(v, inst.fleet.duty.day_start_h) for v in inst.scenario.vehicle_types}
        self.areas = {a.id: a for a in inst.scenario.areas}

    def may_load(self, base: str, v: str, w: str) -> bool:
        """A vehicle of type `v` based at `base` may load at `w`: its own warehouse, or one of its
        pool when the fleet is pooled."""
        if base == w:
            return True
        if not self.pooled:
            return False
        inst = self.tr.instance
        pool, vi = inst.fleet.pool_of, inst.vehicle_types[v]
        return bool(pool[inst.warehouses[base], vi] == pool[inst.warehouses[w], vi])

    def leg(self, v: str, kinds: tuple[str, str], ends: tuple[str, str]) -> _Leg:
        m = self.tr.m(v, *kinds)
        idx = [
            (self.tr.instance.warehouses if k == "warehouses" else self.tr.instance.areas)[e]
            for k, e in zip(kinds, ends, strict=True)
        ]
        i, j = idx
        if ends[0] == ends[1] and kinds[0] == kinds[1]:
            return _Leg(ends[0], ends[1], 0.0, 0.0, False)
        return _Leg(
            ends[0], ends[1], float(m.time_h[i, j]), float(m.distance_km[i, j]), bool(m.daylight[i, j])
        )

    def drive(self, v: str, leg: _Leg, t_h: float, rests: list[Rest]) -> float:
        """Drive `leg` from `t_h`; rests on the way appended; the arrival."""
        worked = self.clock[v].work(t_h, leg.hours, daylight=leg.daylight)
        driven, prev = 0.0, t_h
        for a, b in worked.rests:
            driven += a - prev
            if driven <= EPS_H:
                rests.append(Rest(_h(a), _h(b), at=leg.origin))
            elif driven >= leg.hours - EPS_H:
                rests.append(Rest(_h(a), _h(b), at=leg.to))
            else:
                rests.append(Rest(_h(a), _h(b), between=(leg.origin, leg.to), driven_h=_h(driven)))
            prev = b
        return worked.end_h

    def unload(self, v: str, stop: _StopPlan, arrive_h: float, rests: list[Rest]) -> float:
        """Wait for the area's access window and the crew's duty, then unload; the time it leaves."""
        window = self.areas[stop.area].access_window_h
        clock = self.clock[v]
        t = arrive_h
        for _ in range(MAX_WAIT_DAYS * 2):
            t = clock.start(_open_at(t, window))
            if _is_open(t, window):
                break
        if not math.isfinite(t):
            return math.inf
        if t > arrive_h + EPS_H:
            rests.append(Rest(_h(arrive_h), _h(t), at=stop.area))
        worked = clock.work(t, stop.service_h)
        rests += [Rest(_h(a), _h(b), at=stop.area) for a, b in worked.rests]
        return worked.end_h

    def run_trip(
        self,
        v: str,
        w: str,
        stops: Sequence[_StopPlan],
        ready_h: float,
        rests: list[Rest],
        *,
        waits: bool,
        release_h: float,
    ) -> _Run:
        """The trip from warehouse `w`, the vehicle there and ready at `ready_h`, leaving no sooner
        than `release_h`; stops that would arrive after the horizon are left out (the caller reads
        which from the stops made). `waits`: the trip's work began before (an empty drive), so a wait
        at `w` is part of it."""
        kept = list(stops)
        while True:
            run = self._try(v, w, kept, (ready_h, release_h), list(rests), waits)
            late = [s for s, arrive, _ in run.stops if arrive > self.horizon_h + EPS_H]
            if not late:
                return run
            kept = [s for s in kept if all(s is not x for x in late)]

    def _try(
        self,
        v: str,
        w: str,
        stops: Sequence[_StopPlan],
        times: tuple[float, float],
        rests: list[Rest],
        waits: bool,
    ) -> _Run:
        ready_h, release_h = times
        places = [("warehouses", w), *[("areas", s.area) for s in stops], ("warehouses", w)]
        legs = [self.leg(v, (a[0], b[0]), (a[1], b[1])) for a, b in itertools.pairwise(places)]
        if not stops:
            return _Run(ready_h, ready_h, [], rests, 0.0, 0.0)
        depart = self.clock[v].start(max(ready_h, release_h), daylight=legs[0].daylight)
        if waits and depart > ready_h + EPS_H:
            rests.append(Rest(_h(ready_h), _h(depart), at=w))
        onboard = sum(ld.kg for s in stops for ld in s.loads)
        km = tkm = 0.0
        t = depart
        made: list[tuple[_StopPlan, float, float]] = []
        for k, leg in enumerate(legs):
            t = self.drive(v, leg, t, rests)
            km += leg.km
            tkm += onboard / 1000 * leg.km
            if k < len(stops):
                arrive = t
                t = self.unload(v, stops[k], arrive, rests)
                made.append((stops[k], arrive, t))
                onboard -= sum(ld.kg for ld in stops[k].loads)
        return _Run(depart, t, made, rests, km, tkm)


class FleetTimeline:
    """The fleet's timelines as routes are put on them, dispatch day by dispatch day (the module's
    rule): `available` tells how many vehicles a part may count on, `assign` puts solved parts'
    routes on vehicles, `trips` reads every trip out, vehicle by vehicle in time order."""

    def __init__(
        self,
        tr: PartTravel,
        st: DispatchSettings,
        *,
        pooled: bool,
        starts: Iterable[VehicleStart] | None = None,
    ) -> None:
        self.sch = _Scheduler(tr, st, pooled=pooled, horizon_h=24.0 * tr.instance.horizon_days)
        self.states = [
            _State(s, s.at, s.free_h) for s in (starts if starts is not None else fleet_starts(tr))
        ]
        self._trips: list[Trip] = []

    def release_h(self, part: DispatchPart, v: str) -> float:
        """When the part's goods may leave on a vehicle of type `v`: its dispatch day's duty start."""
        return 24.0 * (part.day - part.lag_days - 1) + self.sch.clock[v].window_h[0]

    def available(self, part: DispatchPart, v: str) -> int:
        """Vehicles of type `v` that may load at the part's warehouse and are free before its dispatch
        day's duty window closes."""
        lo, hi = self.sch.clock[v].window_h
        by_h = self.release_h(part, v) + (hi - lo)
        return sum(
            1
            for s in self.states
            if s.start.vehicle_type == v
            and self.sch.may_load(s.start.base, v, part.warehouse)
            and s.free_h < by_h
        )

    def pool_key(self, w: str, v: str) -> tuple[int, str]:
        """Which pool of type `v` warehouse `w` draws on (own_warehouse: its own)."""
        inst = self.sch.tr.instance
        wi = inst.warehouses[w]
        return (int(inst.fleet.pool_of[wi, inst.vehicle_types[v]]) if self.sch.pooled else -1 - wi, v)

    def assign(self, solved: Sequence[tuple[DispatchPart, RoutingSolution]]) -> list[tuple[Load, str]]:
        """Put the routes of `solved` on vehicles; the loads left, with their reason (`horizon`, or
        `fleet_exhausted` when no vehicle of the type can load there)."""
        left: list[tuple[Load, str]] = []
        for part, route in _routes_in_order(solved):
            v = part.vehicle_types[route.vehicle_type]
            release_h = self.release_h(part, v)
            choice = _vehicle_for(self.sch, self.states, v, part.warehouse, release_h)
            loads = [part.loads[x.job] for t in route.trips for x in t.visits]
            if choice is None:
                left += [(ld, "fleet_exhausted") for ld in loads]
                continue
            state, ready_h, empty = choice
            made = _run_route(self.sch, state, part, route, ready_h, empty, self._trips)
            left += [(ld, "horizon") for ld in loads if id(ld) not in made]
        return left

    @property
    def trips(self) -> list[Trip]:
        return sorted(self._trips, key=lambda t: (t.vehicle, t.trip))


def _routes_in_order(
    solved: Sequence[tuple[DispatchPart, RoutingSolution]],
) -> list[tuple[DispatchPart, Route]]:
    items = []
    for n, (part, sol) in enumerate(solved):
        if not sol.feasible:
            continue
        for k, r in enumerate(sol.routes):
            prize = sum(part.problem.jobs[j].prize for j in r.jobs)
            items.append(((part.day - part.lag_days, -prize, n, k), part, r))
    items.sort(key=lambda x: x[0])
    return [(p, r) for _, p, r in items]


@dataclass(frozen=True)
class _Empty:
    """The empty drive to the loading warehouse: from where, when it starts, km and its rests."""

    origin: str | None
    start_h: float
    km: float
    rests: tuple[Rest, ...]


def _vehicle_for(
    sch: _Scheduler, states: list[_State], v: str, w: str, release_h: float
) -> tuple[_State, float, _Empty] | None:
    best: tuple[tuple[float, float, str], _State, float, _Empty] | None = None
    for s in states:
        if s.start.vehicle_type != v or not sch.may_load(s.start.base, v, w):
            continue
        got = _reposition(sch, s, v, w, release_h)
        if got is None:
            continue
        ready, empty = got
        key = (round(max(ready, release_h), 6), empty.km, s.start.vehicle)
        if best is None or key < best[0]:
            best = (key, s, ready, empty)
    return None if best is None else (best[1], best[2], best[3])


def _reposition(sch: _Scheduler, s: _State, v: str, w: str, release_h: float) -> tuple[float, _Empty] | None:
    """When the vehicle can be at `w`: driving there empty so as to arrive near `release_h` (no sooner
    than it is free); None when it cannot get there."""
    if s.at == w:
        return max(s.free_h, release_h), _Empty(None, max(s.free_h, release_h), 0.0, ())
    leg = sch.leg(v, ("warehouses", "warehouses"), (s.at, w))
    if not math.isfinite(leg.hours):
        return None
    best: tuple[float, _Empty] | None = None
    for start in sorted({max(s.free_h, release_h - leg.hours), s.free_h}, reverse=True):
        start = sch.clock[v].start(start, daylight=leg.daylight)
        rests: list[Rest] = []
        end = sch.drive(v, leg, start, rests)
        if best is None or end < best[0] - EPS_H:
            best = (end, _Empty(s.at, start, leg.km, tuple(rests)))
        if end <= release_h + EPS_H:
            break
    return best


def _run_route(
    sch: _Scheduler,
    state: _State,
    part: DispatchPart,
    route: Route,
    ready_h: float,
    empty: _Empty,
    out: list[Trip],
) -> set[int]:
    """Run the route's trips on `state`'s vehicle from `ready_h`; append its trips to `out`; the ids of
    the loads delivered."""
    v, w = part.vehicle_types[route.vehicle_type], part.warehouse
    release_h = 24.0 * (part.day - part.lag_days - 1) + sch.clock[v].window_h[0]
    made: set[int] = set()
    t = ready_h
    first = True
    for trip in route.trips:
        stops = _stops(part, [x.job for x in trip.visits], sch.st)
        rests = list(empty.rests) if first else []
        run = sch.run_trip(
            v, w, stops, t, rests, waits=first and empty.origin is not None, release_h=release_h
        )
        if not run.stops:
            continue
        state.trips += 1
        out.append(_trip_record(state, v, w, run, empty if first else None))
        made |= {id(ld) for s, _, _ in run.stops for ld in s.loads}
        t = run.return_h
        state.at, state.free_h = w, run.return_h
        first = False
    return made


def _stops(part: DispatchPart, jobs: Sequence[int], st: DispatchSettings) -> list[_StopPlan]:
    """Consecutive loads for one area make one stop."""
    out: list[_StopPlan] = []
    for j in jobs:
        ld = part.loads[j]
        if out and out[-1].area == ld.area:
            prev = out[-1]
            out[-1] = _StopPlan(ld.area, prev.service_h + service_h(ld, st), (*prev.loads, ld))
        else:
            out.append(_StopPlan(ld.area, service_h(ld, st), (ld,)))
    return out


def _trip_record(state: _State, v: str, w: str, run: _Run, empty: _Empty | None) -> Trip:
    loads = [ld for s, _, _ in run.stops for ld in s.loads]
    start_h = empty.start_h if empty is not None and empty.origin is not None else run.depart_h
    empty_km = empty.km if empty is not None and empty.origin is not None else 0.0
    stops = []
    for s, arrive, leave in run.stops:
        deliver: dict[str, float] = {}
        for ld in s.loads:
            for c, q in ld.units.items():
                deliver[c] = deliver.get(c, 0.0) + q
        stops.append(Stop(s.area, _h(arrive), {c: round(q, 6) for c, q in deliver.items()}, _h(leave)))
    return Trip(
        vehicle=state.start.vehicle,
        vehicle_type=v,
        warehouse=w,
        day=math.floor(_h(run.depart_h) / 24) + 1,
        trip=state.trips,
        depart_h=_h(run.depart_h),
        return_h=_h(run.return_h),
        stops=tuple(stops),
        distance_km=round(run.km + empty_km, 3),
        duration_h=_h(run.return_h - start_h),
        load_kg=round(sum(ld.kg for ld in loads), 3),
        load_m3=round(sum(ld.m3 for ld in loads), 4),
        tonne_km=round(run.tonne_km, 4),
        base=state.start.base,
        start_h=_h(start_h),
        empty_from=empty.origin if empty is not None else None,
        empty_km=round(empty_km, 3),
        rests=tuple(_merged(run.rests)),
    )


def _merged(rests: Sequence[Rest]) -> list[Rest]:
    """Rests in time order, touching ones at the same place joined, empty ones dropped."""
    out: list[Rest] = []
    for r in sorted(rests, key=lambda r: r.from_h):
        if r.until_h - r.from_h <= 1e-3:
            continue
        if out and out[-1].at == r.at and r.at is not None and abs(out[-1].until_h - r.from_h) <= 1e-3:
            out[-1] = Rest(out[-1].from_h, r.until_h, at=r.at)
        else:
            out.append(r)
    return out


def _open_at(t_h: float, window: tuple[float, float] | None) -> float:
    """The first moment at or after `t_h` inside the area's daily access window."""
    if window is None:
        return t_h
    day = math.floor(t_h / 24)
    for k in (day - 1, day, day + 1):
        lo, hi = 24 * k + window[0], 24 * k + window[1]
        if t_h <= hi + EPS_H:
            return max(t_h, lo)
    return 24 * (day + 1) + window[0]


def _is_open(t_h: float, window: tuple[float, float] | None) -> bool:
    return window is None or _open_at(t_h, window) <= t_h + EPS_H


def _h(hours: float) -> float:
    return round(hours, 3)
