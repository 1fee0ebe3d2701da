"""Independent check of a routing solution: recompute every trip's load, every arrival, waiting and
time window, each route's duration, distance and cost from the problem's matrices, and report each
violation in words. Shares no code with the engines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import UNREACHABLE, RoutingProblem
from .solution import Route, RoutingSolution

__all__ = ["RoutingCheck", "check_routes"]


@dataclass(frozen=True)
class RoutingCheck:
    violations: tuple[str, ...]
    cost: int
    distance: int
    duration: int

    @property
    def ok(self) -> bool:
        return not self.violations


def check_routes(problem: RoutingProblem, solution: RoutingSolution) -> RoutingCheck:
    """Violations of capacity, time windows, shift and duration limits, skills, reachability, fleet
    size, trips and reloads, job coverage and cost; plus cost, distance and duration recomputed."""
    p, out = problem, []
    seen: dict[int, int] = {}
    per_type: dict[int, set[int]] = {}
    cost = distance = duration = 0
    for r_i, r in enumerate(solution.routes):
        if not 0 <= r.vehicle_type < len(p.vehicle_types):
            out.append(f"route {r_i}: unknown vehicle type {r.vehicle_type}")
            continue
        per_type.setdefault(r.vehicle_type, set()).add(r.vehicle)
        for j in r.jobs:
            seen[j] = seen.get(j, 0) + 1
        c, d, t = _check_route(p, r_i, r, out)
        cost, distance, duration = cost + c, distance + d, duration + t
    for t, used in per_type.items():
        if len(used) > p.vehicle_types[t].count:
            out.append(f"vehicle type {t}: {len(used)} vehicles used, {p.vehicle_types[t].count} available")
    out += [f"job {j} served {k} times" for j, k in sorted(seen.items()) if k > 1]
    bad = [j for j in seen if not 0 <= j < len(p.jobs)]
    out += [f"unknown job {j}" for j in bad]
    missing = set(range(len(p.jobs))) - set(seen) - set(solution.unassigned)
    if missing:
        out.append(f"jobs neither served nor listed unassigned: {sorted(missing)[:10]}")
    both = set(seen) & set(solution.unassigned)
    if both:
        out.append(f"jobs served and listed unassigned: {sorted(both)[:10]}")
    for j in solution.unassigned:
        if 0 <= j < len(p.jobs):
            if p.jobs[j].required:
                out.append(f"required job {j} ({p.jobs[j].name}) not served")
            else:
                cost += p.jobs[j].prize
    if solution.feasible and out:
        out.append("solution claims feasibility")
    if cost != solution.cost:
        out.append(f"total cost {solution.cost} reported, {cost} recomputed")
    return RoutingCheck(tuple(out), cost, distance, duration)


def _check_route(p: RoutingProblem, r_i: int, r: Route, out: list[str]) -> tuple[int, int, int]:
    vt = p.vehicle_types[r.vehicle_type]
    dist, dur = p.distances[vt.profile], p.durations[vt.profile]
    where = f"route {r_i} ({vt.name or r.vehicle_type} #{r.vehicle})"
    if not r.trips:
        out.append(f"{where}: no trips")
        return 0, 0, 0
    if r.trips[0].start_depot != vt.start_depot or r.trips[-1].end_depot != vt.end_depot:
        out.append(f"{where}: starts or ends at the wrong depot")
    for a, b in zip(r.trips, r.trips[1:], strict=False):
        if a.end_depot != b.start_depot or a.end_depot not in vt.reload_depots:
            out.append(f"{where}: reload at depot {a.end_depot}, not a reload depot of this vehicle")
    if len(r.trips) - 1 > (vt.max_reloads if vt.reload_depots else 0):
        out.append(f"{where}: {len(r.trips) - 1} reloads, at most {vt.max_reloads} allowed")
    if r.start < vt.tw_early:
        out.append(f"{where}: starts at {r.start} before its shift opens at {vt.tw_early}")
    now, metres = r.start, 0
    for k, trip in enumerate(r.trips):
        here = p.depots[trip.start_depot].location
        _check_load(p, vt, [v.job for v in trip.visits], f"{where} trip {k}", out)
        for v in trip.visits:
            job = p.jobs[v.job]
            step_t, step_d = int(dur[here, job.location]), int(dist[here, job.location])
            if step_t >= UNREACHABLE or step_d >= UNREACHABLE:
                out.append(f"{where}: job {v.job} ({job.name}) unreachable for this vehicle type")
            if not job.skills <= vt.skills:
                out.append(f"{where}: job {v.job} needs skills {sorted(job.skills - vt.skills)}")
            arrive = now + step_t
            start = max(arrive, job.tw_early, v.start)
            if v.start < arrive or v.start < job.tw_early:
                out.append(f"{where}: job {v.job} served at {v.start}, before arrival {arrive} or opening")
            if start > job.tw_late:
                out.append(
                    f"{where}: job {v.job} ({job.name}) served at {start}, window closes {job.tw_late}"
                )
            now, metres, here = start + job.service, metres + step_d, job.location
        depot = p.depots[trip.end_depot]
        step_t, step_d = int(dur[here, depot.location]), int(dist[here, depot.location])
        now, metres = now + step_t, metres + step_d
        if now > depot.tw_late:
            out.append(
                f"{where}: back at depot {trip.end_depot} at {now}, after it closes at {depot.tw_late}"
            )
    end = max(now, r.end)
    if end > vt.tw_late:
        out.append(f"{where}: ends at {end}, after its shift closes at {vt.tw_late}")
    duration = end - r.start
    if duration > vt.max_duration:
        out.append(f"{where}: lasts {duration}, at most {vt.max_duration} allowed")
    cost = vt.fixed_cost + vt.unit_distance_cost * metres + vt.unit_duration_cost * duration
    if metres != r.distance:
        out.append(f"{where}: distance {r.distance} reported, {metres} recomputed")
    if cost != r.cost:
        out.append(f"{where}: cost {r.cost} reported, {cost} recomputed")
    return cost, metres, duration


def _check_load(p: RoutingProblem, vt, jobs: list[int], where: str, out: list[str]) -> None:
    cap = np.asarray(vt.capacity, np.int64)
    load = sum((p.delivery(j) for j in jobs), np.zeros(len(cap), np.int64))
    peak = load.copy()
    for j in jobs:
        load = load - p.delivery(j) + p.pickup(j)
        peak = np.maximum(peak, load)
    if (peak > cap).any():
        out.append(f"{where}: load {peak.tolist()} over capacity {cap.tolist()}")
