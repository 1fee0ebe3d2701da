"""One timeline per physical vehicle over the whole horizon: the engines' routes (one per vehicle of a
warehouse-day part) put on real vehicles, one after another, on the plan's one clock.

Rule: routes are taken by dispatch day, then by the prizes of their loads (priority and size), highest
first. Each goes to the vehicle of its type that can be loaded at the part's warehouse soonest: one
already there and free, or one that drives there empty from where its last trip ended (`pooled`: the
vehicles of the type in the warehouse's pool, `Fleet.pool_of`; `own_warehouse`: only those based
there), ties to the shorter empty drive, then to the vehicle's id. No trip leaves before its dispatch
day's duty window opens (the goods are released that day). Parts are sized dispatch day by dispatch
day to the vehicles free for them (`available`), so the engines plan with the vehicles at hand.
The vehicle runs the route's trips back to back, reloading at the warehouse between them, and is busy
until it is back: a voyage of five days holds the boat five days. Work follows the duty clock
(`clock.DutyClock`: shift hours, daylight-only types and legs); every wait and rest inside a trip is
recorded where it happens.

A stop that would arrive after the horizon is not made: its loads are left with reason `horizon` and the
trip is run again without it. Vehicles start the horizon at their base (`VehicleStart`: a later step
can start them from a reported position).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .loads import Load
from .parts import DispatchPart, DispatchSettings, PartTravel
from .small_trips import SMALL_LOAD
from .solution import Route, RoutingSolution
from .trip_run import EPS_H, Run, TripRunner, plan_stops, trip_record
from .trips import Rest, Trip

__all__ = ["FleetTimeline", "VehicleStart", "fleet_starts"]


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
    charter: str | None = None  # the scenario charter it comes from


@dataclass
class _State:
    start: VehicleStart
    at: str
    free_h: float
    trips: int = 0


def fleet_starts(tr: PartTravel) -> list[VehicleStart]:
    """Every vehicle of the scenario's fleet, at its base from 00:00 of day 1: `{base}/{type}/{k}`;
    then each charter's, at its warehouse from its `from_h`: `{charter}/{k}`."""
    inst = tr.instance
    out = []
    for w_i, w in enumerate(inst.warehouses.ids):
        for v_i, n in inst.fleet.own_at(w_i).items():
            v = inst.vehicle_types.ids[v_i]
            out += [VehicleStart(f"{w}/{v}/{k + 1}", v, w, w) for k in range(n)]
    for ch in inst.scenario.charters:
        w, v = ch.warehouse, ch.vehicle_type
        out += [
            VehicleStart(f"{ch.id}/{k + 1}", v, w, w, free_h=ch.from_h, charter=ch.id)
            for k in range(ch.count)
        ]
    return out


FREE_SHARE = 0.5  # a vehicle counts as free for a day's part when free by this share of its shift


class FleetTimeline:
    """The fleet's timelines as routes are put on them, dispatch day by dispatch day (the module's
    rule): `available` tells how many vehicles a part may count on, `assign` puts solved parts'
    routes on vehicles, `trips` reads every trip out, vehicle by vehicle in time order."""

    def __init__(
        self,
        tr: PartTravel,
        st: DispatchSettings,
        *,
        starts: Iterable[VehicleStart] | None = None,
    ) -> None:
        self.tr = tr
        self.sch = TripRunner(tr, st, horizon_h=24.0 * tr.instance.horizon_days)
        self.states = [
            _State(s, s.at, s.free_h) for s in (starts if starts is not None else fleet_starts(tr))
        ]
        self._trips: list[Trip] = []
        self.ledger = _Throughput(tr)

    def release_h(self, part: DispatchPart, v: str) -> float:
        """When the part's goods may leave on a vehicle of type `v`: its dispatch day's duty start."""
        return 24.0 * (part.day - part.lag_days - 1) + self.sch.clock[v].window_h[0]

    def available(self, part: DispatchPart, v: str) -> int:
        """Vehicles of type `v` that may load at the part's warehouse and are free before half of its
        dispatch day's duty window has passed (`FREE_SHARE`): later, a day's route would not fit."""
        lo, hi = self.sch.clock[v].window_h
        by_h = self.release_h(part, v) + FREE_SHARE * (hi - lo)
        return sum(
            1
            for s in self.states
            if s.start.vehicle_type == v
            and self.tr.may_load(s.start.base, v, part.warehouse)
            and s.free_h < by_h
        )

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
            why = _run_route(
                self.sch, state, part, route, (ready_h, release_h), empty, self.ledger, self._trips
            )
            left += [(ld, why[id(ld)]) for ld in loads if id(ld) in why]
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
    sch: TripRunner, states: list[_State], v: str, w: str, release_h: float
) -> tuple[_State, float, _Empty] | None:
    """The vehicle of type `v` that can be loaded at `w` soonest (see the module), with when it is
    there and its empty drive. Candidates are tried by the soonest they could be there at all (free,
    plus the drive without rests), so most are never run."""
    cands = []
    for s in states:
        if s.start.vehicle_type != v or not sch.tr.may_load(s.start.base, v, w):
            continue
        drive = 0.0 if s.at == w else sch.leg(v, ("warehouses", "warehouses"), (s.at, w)).hours
        cands.append((max(s.free_h + drive, release_h), s))
    cands.sort(key=lambda c: (c[0], c[1].start.vehicle))
    best: tuple[tuple[float, float, str], _State, float, _Empty] | None = None
    for bound, s in cands:
        if best is not None and round(bound, 6) > best[0][0]:
            break
        got = _reposition(sch, s, v, w, release_h)
        if got is None:
            continue
        ready, empty = got
        key = (round(max(ready, release_h), 6), empty.km, s.start.vehicle)
        if best is None or key < best[0]:
            best = (key, s, ready, empty)
    return None if best is None else (best[1], best[2], best[3])


def _reposition(sch: TripRunner, s: _State, v: str, w: str, release_h: float) -> tuple[float, _Empty] | None:
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


def _small(sch: TripRunner, run) -> bool:
    """Whether what is left of a trip once run (stops past the horizon dropped) is a long trip for a
    small load that the policy does not make (`small_trips`)."""
    pol = sch.tr.instance.scenario.policy
    if pol.min_trip_kg <= 0 or pol.min_trip_km <= 0:
        return False
    kg = sum(ld.kg for s, _, _ in run.stops for ld in s.loads)
    return kg < pol.min_trip_kg and run.km > pol.min_trip_km


def _run_route(
    sch: TripRunner,
    state: _State,
    part: DispatchPart,
    route: Route,
    times: tuple[float, float],
    empty: _Empty,
    ledger: _Throughput,
    out: list[Trip],
) -> dict[int, str]:
    """Run the route's trips on `state`'s vehicle, there from `times` = (ready_h, release_h: not
    before); append its trips to `out`. A trip
    that would take a day's dispatch from the warehouse over its throughput leaves on the next day that
    has room. Returns the reason for each load not delivered (by id): `horizon`, or `throughput` when no
    day of the horizon has room for its trip."""
    v, w = part.vehicle_types[route.vehicle_type], part.warehouse
    lo = sch.clock[v].window_h[0]
    ready_h, release_h = times
    left: dict[int, str] = {}
    t = ready_h
    first = True
    for trip in route.trips:
        stops = plan_stops(part, [x.job for x in trip.visits], sch.st)
        rests = list(empty.rests) if first else []
        waits = first and empty.origin is not None
        run = sch.run_trip(v, w, stops, t, list(rests), waits=waits, release_h=release_h)
        while run.stops and not ledger.room(w, run):
            nxt = 24.0 * (math.floor(run.depart_h / 24) + 1) + lo
            if nxt > sch.horizon_h:
                break
            run = sch.run_trip(v, w, stops, t, list(rests), waits=waits, release_h=max(release_h, nxt))
        if run.stops and not ledger.room(w, run):
            left |= {id(ld): "throughput" for s in stops for ld in s.loads}
            continue
        made = {id(ld) for s, _, _ in run.stops for ld in s.loads}
        left |= {id(ld): "horizon" for s in stops for ld in s.loads if id(ld) not in made}
        if run.stops and _small(sch, run):
            left |= {id(ld): SMALL_LOAD for s, _, _ in run.stops for ld in s.loads}
            continue
        if not run.stops:
            continue
        ledger.take(w, run)
        state.trips += 1
        e = (empty.origin, empty.start_h, empty.km) if first else (None, 0.0, 0.0)
        record = trip_record((state.start.vehicle, state.start.base, state.trips), v, w, run, e)
        out.append(record if state.start.charter is None else replace(record, charter=state.start.charter))
        t = run.return_h
        state.at, state.free_h = w, run.return_h
        first = False
    return left


class _Throughput:
    """Tonnes dispatched from each warehouse on each day, against its throughput (t/day)."""

    def __init__(self, tr: PartTravel) -> None:
        inst = tr.instance
        self.limit = {w: float(inst.throughput_t[i]) for i, w in enumerate(inst.warehouses.ids)}
        self.sent: dict[tuple[str, int], float] = {}

    @staticmethod
    def _tonnes(run: Run) -> tuple[int, float]:
        return math.floor(run.depart_h / 24), sum(ld.kg for s, _, _ in run.stops for ld in s.loads) / 1000

    def room(self, w: str, run: Run) -> bool:
        day, t = self._tonnes(run)
        return self.sent.get((w, day), 0.0) + t <= self.limit[w] * (1 + 1e-9) + 1e-9

    def take(self, w: str, run: Run) -> None:
        day, t = self._tonnes(run)
        self.sent[(w, day)] = self.sent.get((w, day), 0.0) + t
