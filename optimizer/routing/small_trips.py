"""Dispatch economics: a long trip for a small load is not made.

A trip (warehouse -> stops -> warehouse, as the engine planned it) longer than the policy's
`min_trip_km` that carries less than `min_trip_kg` is not made as planned, before it is put on a
vehicle: a 455 km overnight longboat trip for ten masks costs a crew a day and fuel the posko will not
get back. Its far stops are left out (the one that saves the most km first) until the loop is within
`min_trip_km`; their loads stay unmet, with the reason `small_load`. Either threshold at 0 turns the
rule off.

Before that, `consolidate` folds the small consignments from one warehouse to one area over several days
into the earliest of those days while they stay under `min_trip_kg`, so that what can travel together
does: the goods arrive earlier, never later. Only for a warehouse with no stock arriving during the
horizon, so that what leaves by a day stays within what it holds by then.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from scenarios.model import Policy, Scenario

from .loads import Load
from .parts import DispatchPart
from .solution import Route, RoutingSolution
from .solution import Trip as EngineTrip

__all__ = ["SMALL_LOAD", "consolidate", "drop_small_trips"]

SMALL_LOAD = "small_load"


def consolidate(scenario: Scenario, shipments: pd.DataFrame, kg_per_unit: dict[str, float]) -> pd.DataFrame:
    """`shipments` with each warehouse-area's small daily consignments (under `min_trip_kg`) moved to
    the earliest day of a run of them whose sum stays under `min_trip_kg`."""
    min_kg = scenario.policy.min_trip_kg
    if min_kg <= 0 or scenario.policy.min_trip_km <= 0 or shipments.empty:
        return shipments
    arriving = {w.id for w in scenario.warehouses if scenario.arrivals_of(w)}
    ship = shipments.copy()
    kg = ship["units"] * ship["commodity"].map(kg_per_unit).astype(float)
    day_kg = kg.groupby([ship["warehouse"], ship["area"], ship["day"]]).sum()
    target: dict[tuple[str, str, int], int] = {}
    for (w, a), per_day in day_kg.groupby(level=[0, 1]):
        if w in arriving:
            continue
        into, total = None, 0.0
        for (_, _, d), q in per_day.items():
            if into is not None and total + q < min_kg:
                target[(w, a, int(d))] = into
                total += q
            else:
                into, total = int(d), float(q)
    if not target:
        return shipments
    keys = list(zip(ship["warehouse"], ship["area"], ship["day"].astype(int), strict=True))
    ship["day"] = [target.get(k, k[2]) for k in keys]
    return ship.groupby(["warehouse", "area", "commodity", "day"], as_index=False, sort=False)["units"].sum()


def _trip_km(part: DispatchPart, route: Route, trip: EngineTrip) -> float:
    p = part.problem
    dist = p.distances[p.vehicle_types[route.vehicle_type].profile]
    places = [p.depots[trip.start_depot].location]
    places += [p.jobs[v.job].location for v in trip.visits]
    places.append(p.depots[trip.end_depot].location)
    return sum(float(dist[a, b]) for a, b in itertools.pairwise(places)) / 1000.0


def _shortened(part: DispatchPart, route: Route, trip: EngineTrip, max_km: float) -> EngineTrip:
    """The trip without the stops that make it long: the stop whose leaving out saves the most km goes
    first, until the loop is at most `max_km` (no visits left: nothing of it is worth the trip)."""
    while trip.visits and _trip_km(part, route, trip) > max_km:
        options = [
            replace(trip, visits=trip.visits[:k] + trip.visits[k + 1 :]) for k in range(len(trip.visits))
        ]
        trip = min(options, key=lambda t: _trip_km(part, route, t))
    return trip


def drop_small_trips(
    solved: Sequence[tuple[DispatchPart, RoutingSolution]], policy: Policy
) -> tuple[list[tuple[DispatchPart, RoutingSolution]], list[tuple[Load, str]]]:
    """The solutions without their trips over `min_trip_km` carrying under `min_trip_kg`, and the loads
    of those trips with the reason `small_load`."""
    if policy.min_trip_kg <= 0 or policy.min_trip_km <= 0:
        return list(solved), []
    out: list[tuple[DispatchPart, RoutingSolution]] = []
    left: list[tuple[Load, str]] = []
    for part, sol in solved:
        if not sol.feasible:
            out.append((part, sol))
            continue
        routes = []
        for r in sol.routes:
            keep = []
            for trip in r.trips:
                kg = sum(part.loads[v.job].kg for v in trip.visits)
                if kg < policy.min_trip_kg and _trip_km(part, r, trip) > policy.min_trip_km:
                    short = _shortened(part, r, trip, policy.min_trip_km)
                    kept = {v.job for v in short.visits}
                    left += [(part.loads[v.job], SMALL_LOAD) for v in trip.visits if v.job not in kept]
                    trip = short
                if trip.visits:
                    keep.append(trip)
            if keep:
                routes.append(replace(r, trips=tuple(keep)))
        out.append((part, replace(sol, routes=tuple(routes))))
    return out, left
