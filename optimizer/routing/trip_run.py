"""A trip as a crew drives it: legs, waits and unloading on the duty clock, with the rests recorded
where they happen (`TripRunner`), and the trip record made of it (`trip_record`). Used by `timeline`.

Hours are on the plan's one clock (hours since day 1, 00:00 local time), rounded to 3 decimals when a
record is made.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from network import DAYLIGHT_BIT

from .clock import DutyClock
from .loads import Load
from .parts import DispatchPart, DispatchSettings, PartTravel, service_h
from .trips import Rest, Stop, Trip

__all__ = ["EPS_H", "Leg", "Run", "StopPlan", "TripRunner", "hours3", "plan_stops", "trip_record"]

EPS_H = 1e-6
MAX_WAIT_DAYS = 60


@dataclass(frozen=True)
class Leg:
    origin: str
    to: str
    hours: float
    km: float
    daylight: bool


@dataclass(frozen=True)
class StopPlan:
    area: str
    service_h: float
    loads: tuple[Load, ...]


@dataclass
class Run:
    """One trip as run: times, rests, stops made and loads left for the horizon."""

    depart_h: float
    return_h: float
    stops: list[tuple[StopPlan, float, float]]  # plan, arrive_h, leave_h
    rests: list[Rest]
    km: float
    tonne_km: float


class TripRunner:
    def __init__(self, tr: PartTravel, st: DispatchSettings, *, horizon_h: float) -> None:
        self.tr, self.st, self.horizon_h = tr, st, horizon_h
        inst = tr.instance
        self.clock = {v.id: DutyClock.of(v, inst.fleet.duty.day_start_h) for v in inst.scenario.vehicle_types}
        self.areas = {a.id: a for a in inst.scenario.areas}

    def leg(self, v: str, kinds: tuple[str, str], ends: tuple[str, str]) -> Leg:
        m = self.tr.m(v, *kinds)
        idx = [
            (self.tr.instance.warehouses if k == "warehouses" else self.tr.instance.areas)[e]
            for k, e in zip(kinds, ends, strict=True)
        ]
        i, j = idx
        if ends[0] == ends[1] and kinds[0] == kinds[1]:
            return Leg(ends[0], ends[1], 0.0, 0.0, False)
        return Leg(
            ends[0],
            ends[1],
            float(m.time_h[i, j]),
            float(m.distance_km[i, j]),
            bool(int(m.modes[i, j]) & DAYLIGHT_BIT),
        )

    def drive(self, v: str, leg: Leg, t_h: float, rests: list[Rest]) -> float:
        """Drive `leg` from `t_h`; rests on the way appended; the arrival."""
        worked = self.clock[v].work(t_h, leg.hours, daylight=leg.daylight)
        driven, prev = 0.0, t_h
        for a, b in worked.rests:
            driven += a - prev
            if driven <= EPS_H:
                rests.append(Rest(hours3(a), hours3(b), at=leg.origin))
            elif driven >= leg.hours - EPS_H:
                rests.append(Rest(hours3(a), hours3(b), at=leg.to))
            else:
                rests.append(
                    Rest(hours3(a), hours3(b), between=(leg.origin, leg.to), driven_h=hours3(driven))
                )
            prev = b
        return worked.end_h

    def unload(self, v: str, stop: StopPlan, arrive_h: float, rests: list[Rest]) -> float:
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
            rests.append(Rest(hours3(arrive_h), hours3(t), at=stop.area))
        worked = clock.work(t, stop.service_h)
        rests += [Rest(hours3(a), hours3(b), at=stop.area) for a, b in worked.rests]
        return worked.end_h

    def run_trip(
        self,
        v: str,
        w: str,
        stops: Sequence[StopPlan],
        ready_h: float,
        rests: list[Rest],
        *,
        waits: bool,
        release_h: float,
    ) -> Run:
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
        stops: Sequence[StopPlan],
        times: tuple[float, float],
        rests: list[Rest],
        waits: bool,
    ) -> Run:
        ready_h, release_h = times
        places = [("warehouses", w), *[("areas", s.area) for s in stops], ("warehouses", w)]
        legs = [self.leg(v, (a[0], b[0]), (a[1], b[1])) for a, b in itertools.pairwise(places)]
        if not stops:
            return Run(ready_h, ready_h, [], rests, 0.0, 0.0)
        depart = self.clock[v].start(max(ready_h, release_h), daylight=legs[0].daylight)
        if waits and depart > ready_h + EPS_H:
            rests.append(Rest(hours3(ready_h), hours3(depart), at=w))
        onboard = sum(ld.kg for s in stops for ld in s.loads)
        km = tkm = 0.0
        t = depart
        made: list[tuple[StopPlan, float, float]] = []
        for k, leg in enumerate(legs):
            t = self.drive(v, leg, t, rests)
            km += leg.km
            tkm += onboard / 1000 * leg.km
            if k < len(stops):
                arrive = t
                t = self.unload(v, stops[k], arrive, rests)
                made.append((stops[k], arrive, t))
                onboard -= sum(ld.kg for ld in stops[k].loads)
        return Run(depart, t, made, rests, km, tkm)


def plan_stops(part: DispatchPart, jobs: Sequence[int], st: DispatchSettings) -> list[StopPlan]:
    """Consecutive loads for one area make one stop."""
    out: list[StopPlan] = []
    for j in jobs:
        ld = part.loads[j]
        if out and out[-1].area == ld.area:
            prev = out[-1]
            out[-1] = StopPlan(ld.area, prev.service_h + service_h(ld, st), (*prev.loads, ld))
        else:
            out.append(StopPlan(ld.area, service_h(ld, st), (ld,)))
    return out


def trip_record(
    vehicle: tuple[str, str, int], v: str, w: str, run: Run, empty: tuple[str | None, float, float]
) -> Trip:
    """The record of `run`: `vehicle` (id, base, trip number), type `v`, loading warehouse `w`, and the
    empty drive before it, (origin, start, km), origin None when there is none."""
    loads = [ld for s, _, _ in run.stops for ld in s.loads]
    origin, start, km0 = empty
    start_h = start if origin is not None else run.depart_h
    empty_km = km0 if origin is not None else 0.0
    stops = []
    for s, arrive, leave in run.stops:
        deliver: dict[str, float] = {}
        for ld in s.loads:
            for c, q in ld.units.items():
                deliver[c] = deliver.get(c, 0.0) + q
        stops.append(
            Stop(s.area, hours3(arrive), {c: round(q, 6) for c, q in deliver.items()}, hours3(leave))
        )
    return Trip(
        vehicle=vehicle[0],
        vehicle_type=v,
        warehouse=w,
        day=math.floor(hours3(run.depart_h) / 24) + 1,
        trip=vehicle[2],
        depart_h=hours3(run.depart_h),
        return_h=hours3(run.return_h),
        stops=tuple(stops),
        distance_km=round(run.km + empty_km, 3),
        duration_h=hours3(run.return_h - start_h),
        load_kg=round(sum(ld.kg for ld in loads), 3),
        load_m3=round(sum(ld.m3 for ld in loads), 4),
        tonne_km=round(run.tonne_km, 4),
        base=vehicle[1],
        start_h=hours3(start_h),
        empty_from=origin,
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


def hours3(hours: float) -> float:
    return round(hours, 3)
