"""A repair after the search: loads left out that a vehicle could still carry on one more trip.

An engine's search may stop with jobs unassigned although a vehicle of the part has the hours for
another trip (PyVRP 0.14 finds reload trips to the same depot poorly when one trip fills a vehicle).
`fill_reloads` appends such trips greedily, highest prize first: a trip depot -> job -> depot at the end
of a route whose type may reload there and has reloads left, or as a new route of a vehicle of the
part not yet used, within the job's and the vehicle's time windows, the vehicle's shift and capacity.
The timeline later runs every trip again on the duty clock, so a trip this adds is checked as any other.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .problem import UNREACHABLE, RoutingProblem
from .solution import Route, RoutingSolution, Trip, Visit

__all__ = ["fill_reloads"]


def fill_reloads(p: RoutingProblem, sol: RoutingSolution) -> RoutingSolution:
    """`sol` with the unassigned jobs that fit one more trip added (see the module)."""
    if not sol.feasible or not sol.unassigned or p.shipments:
        return sol
    routes = list(sol.routes)
    left = set(sol.unassigned)
    cost = sol.cost
    for j in sorted(sol.unassigned, key=lambda j: (-p.jobs[j].prize, j)):
        placed = _append(p, routes, j) or _new_route(p, routes, j)
        if placed is not None:
            left.discard(j)
            cost += placed - p.jobs[j].prize
    if len(left) == len(sol.unassigned):
        return sol
    return replace(sol, routes=tuple(routes), unassigned=tuple(sorted(left)), cost=int(cost))


def _trip(p: RoutingProblem, k: int, j: int, depot: int, ready: int) -> tuple[Trip, int, int] | None:
    """(trip, back, metres) of a trip of vehicle type `k` from `depot` at `ready` to
    job `j` and back; None where it cannot be made."""
    vt, job = p.vehicle_types[k], p.jobs[j]
    if not p.allowed(job, vt) or any(np.asarray(job.delivery) > np.asarray(vt.capacity)):
        return None
    dur, dist = p.durations[vt.profile], p.distances[vt.profile]
    loc, home = job.location, p.depots[depot].location
    if dur[home, loc] >= UNREACHABLE or dur[loc, home] >= UNREACHABLE:
        return None
    arrive = ready + int(dur[home, loc])
    start = max(arrive, job.tw_early)
    back = start + job.service + int(dur[loc, home])
    if start > job.tw_late or back > vt.tw_late:
        return None
    trip = Trip(depot, depot, (Visit(j, arrive, start),))
    return trip, back, int(dist[home, loc] + dist[loc, home])


def _append(p: RoutingProblem, routes: list[Route], j: int) -> int | None:
    for n, r in enumerate(routes):
        vt = p.vehicle_types[r.vehicle_type]
        depot = r.trips[-1].end_depot if r.trips else vt.end_depot
        if depot not in vt.reload_depots or len(r.trips) > vt.max_reloads:
            continue
        made = _trip(p, r.vehicle_type, j, depot, r.end)
        if made is None or made[1] - r.start > vt.max_duration:
            continue
        trip, back, metres = made
        extra = vt.unit_distance_cost * metres + vt.unit_duration_cost * (back - r.end)
        routes[n] = replace(
            r,
            trips=(*r.trips, trip),
            end=back,
            distance=r.distance + metres,
            duration=r.duration + (back - r.end),
            cost=r.cost + extra,
        )
        return extra
    return None


def _new_route(p: RoutingProblem, routes: list[Route], j: int) -> int | None:
    for k, vt in enumerate(p.vehicle_types):
        used = [r.vehicle for r in routes if r.vehicle_type == k]
        if len(used) >= vt.count:
            continue
        made = _trip(p, k, j, vt.start_depot, vt.tw_early)
        if made is None or made[1] - vt.tw_early > vt.max_duration:
            continue
        trip, back, metres = made
        extra = vt.fixed_cost + vt.unit_distance_cost * metres + vt.unit_duration_cost * (back - vt.tw_early)
        vehicle = next(i for i in range(vt.count) if i not in used)
        routes.append(Route(k, vehicle, vt.tw_early, back, (trip,), metres, back - vt.tw_early, extra))
        return extra
    return None
