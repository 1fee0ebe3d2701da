"""Independent check of a routing solution: recompute every trip's load, every arrival, waiting and
time window, each route's duration, distance and cost from the problem's matrices, and report each
violation in words. Shares no code with the engines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import UNREACHABLE, RoutingProblem, VehicleType
from .solution import Route, RoutingSolution, Visit

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
    ships: dict[int, int] = {}
    for r in solution.routes:
        for k in r.shipments:
            ships[k] = ships.get(k, 0) + 1
    out += [f"shipment {k} picked up {n} times" for k, n in sorted(ships.items()) if n > 1]
    missing = set(range(len(p.shipments))) - set(ships) - set(solution.unassigned_shipments)
    if missing:
        out.append(f"shipments neither served nor listed unassigned: {sorted(missing)[:10]}")
    for k in set(solution.unassigned_shipments):
        if not 0 <= k < len(p.shipments):
            continue
        if p.shipments[k].required:
            out.append(f"required shipment {k} ({p.shipments[k].name}) not served")
        else:
            cost += p.shipments[k].prize
    for what, items, n in (
        ("job", solution.unassigned, len(p.jobs)),
        ("shipment", solution.unassigned_shipments, len(p.shipments)),
    ):
        if len(set(items)) != len(items):
            out.append(f"{what}s listed unassigned more than once")
        out += [f"unknown unassigned {what} {j}" for j in items if not 0 <= j < n]
    for j in set(solution.unassigned):
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
    bad = _bad_indices(p, r)
    if bad:
        out.append(f"{where}: unknown {', '.join(bad)}")
        return 0, 0, 0
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
    onboard = np.zeros(p.n_dims, np.int64)  # shipments picked up, not yet delivered
    picked: set[int] = set()
    for k, trip in enumerate(r.trips):
        here = p.depots[trip.start_depot].location
        load = onboard + sum(
            (p.delivery(v.job) for v in trip.visits if v.kind == "job"), np.zeros_like(onboard)
        )
        peak = load.copy()
        for v in trip.visits:
            loc, service, (lo, hi), skills, name = _stop(p, v)
            step_t, step_d = int(dur[here, loc]), int(dist[here, loc])
            what = f"{v.kind} {v.job} ({name})"
            if step_t >= UNREACHABLE or step_d >= UNREACHABLE:
                out.append(f"{where}: {what} unreachable for this vehicle type")
            if not skills <= vt.skills:
                out.append(f"{where}: {what} needs skills {sorted(skills - vt.skills)}")
            arrive = now + step_t
            start = max(arrive, lo, v.start)
            if v.start < arrive or v.start < lo:
                out.append(f"{where}: {what} served at {v.start}, before arrival {arrive} or opening")
            if start > hi:
                out.append(f"{where}: {what} served at {start}, window closes {hi}")
            if v.kind == "job":
                load = load - p.delivery(v.job) + p.pickup(v.job)
            elif v.kind == "pickup":
                picked.add(v.job)
                load = load + np.asarray(p.shipments[v.job].amount, np.int64)
            else:
                if v.job not in picked:
                    out.append(f"{where}: shipment {v.job} delivered before it was picked up")
                load = load - np.asarray(p.shipments[v.job].amount, np.int64)
            peak = np.maximum(peak, load)
            now, metres, here = start + service, metres + step_d, loc
        if (peak > np.asarray(vt.capacity)).any():
            out.append(f"{where} trip {k}: load {peak.tolist()} over capacity {list(vt.capacity)}")
        onboard = load - sum(
            (p.pickup(v.job) for v in trip.visits if v.kind == "job"), np.zeros_like(onboard)
        )
        depot = p.depots[trip.end_depot]
        step_t, step_d = int(dur[here, depot.location]), int(dist[here, depot.location])
        if step_t >= UNREACHABLE or step_d >= UNREACHABLE:
            out.append(f"{where} trip {k}: no way back to depot {trip.end_depot} for this vehicle type")
        now, metres = now + step_t, metres + step_d
        if now > depot.tw_late:
            out.append(
                f"{where}: back at depot {trip.end_depot} at {now}, after it closes at {depot.tw_late}"
            )
    delivered = {v.job for t in r.trips for v in t.visits if v.kind == "delivery"}
    if picked != delivered:
        out.append(
            f"{where}: shipments picked up but not delivered (or the reverse): {sorted(picked ^ delivered)}"
        )
    return _check_totals(vt, where, r, (now, metres), out)


def _check_totals(
    vt: VehicleType, where: str, r: Route, now_metres: tuple[int, int], out: list[str]
) -> tuple[int, int, int]:
    """The route's end, duration, distance and cost against its shift and what it reports."""
    now, metres = now_metres
    end = max(now, r.end)
    if end > vt.tw_late:
        out.append(f"{where}: ends at {end}, after its shift closes at {vt.tw_late}")
    duration = end - r.start
    if duration > vt.max_duration:
        out.append(f"{where}: lasts {duration}, at most {vt.max_duration} allowed")
    cost = vt.fixed_cost + vt.unit_distance_cost * metres + vt.unit_duration_cost * duration
    if duration != r.duration:
        out.append(f"{where}: duration {r.duration} reported, {duration} recomputed")
    if metres != r.distance:
        out.append(f"{where}: distance {r.distance} reported, {metres} recomputed")
    if cost != r.cost:
        out.append(f"{where}: cost {r.cost} reported, {cost} recomputed")
    return cost, metres, duration


def _bad_indices(p: RoutingProblem, r: Route) -> list[str]:
    bad = [f"depot {d}" for t in r.trips for d in (t.start_depot, t.end_depot) if not 0 <= d < len(p.depots)]
    for t in r.trips:
        for v in t.visits:
            n = len(p.jobs) if v.kind == "job" else len(p.shipments)
            if v.kind not in ("job", "pickup", "delivery") or not 0 <= v.job < n:
                bad.append(f"{v.kind} {v.job}")
    return bad


def _stop(p: RoutingProblem, v: Visit) -> tuple[int, int, tuple[int, int], frozenset[int], str]:
    """Location, service, window, skills and name of a visit."""
    if v.kind == "job":
        j = p.jobs[v.job]
        return j.location, j.service, (j.tw_early, j.tw_late), j.skills, j.name
    sh = p.shipments[v.job]
    if v.kind == "pickup":
        return sh.pickup, sh.pickup_service, sh.pickup_tw, sh.skills, sh.name
    return sh.delivery, sh.delivery_service, sh.delivery_tw, sh.skills, sh.name
