"""Why a job of a `RoutingProblem` stays unassigned. Cheap checks before solving find the jobs no
vehicle type can ever serve; after solving, the rest left out are `fleet_exhausted`."""

from __future__ import annotations

import numpy as np

from .problem import UNREACHABLE, RoutingProblem
from .solution import RoutingSolution

__all__ = ["explain_unassigned", "explain_unassigned_shipments", "impossible_jobs"]


def _reason(p: RoutingProblem, j: int) -> str | None:
    job = p.jobs[j]
    vts = [vt for vt in p.vehicle_types if vt.count > 0 and p.allowed(job, vt)]
    reach = []
    for vt in vts:
        dur = p.durations[vt.profile]
        s, e = p.depots[vt.start_depot].location, p.depots[vt.end_depot].location
        if dur[s, job.location] < UNREACHABLE and dur[job.location, e] < UNREACHABLE:
            reach.append(vt)
    if not reach:
        return "unreachable"
    amount = np.maximum(p.delivery(j), p.pickup(j))
    fit = [vt for vt in reach if (amount <= np.asarray(vt.capacity)).all()]
    if not fit:
        return "over_capacity"
    for vt in fit:
        dur = p.durations[vt.profile]
        s, e = p.depots[vt.start_depot].location, p.depots[vt.end_depot].location
        start = max(vt.tw_early + int(dur[s, job.location]), job.tw_early)
        back = start + job.service + int(dur[job.location, e])
        if start <= job.tw_late and back <= vt.tw_late and back - vt.tw_early <= vt.max_duration:
            return None
    return "time_window"


def impossible_jobs(problem: RoutingProblem) -> dict[int, str]:
    """Jobs no vehicle type can serve even alone: `unreachable` (no vehicle type with the job's skills
    reaches it and gets back), `over_capacity` (bigger than every such vehicle), `time_window` (none
    can arrive inside the job's window and be back inside its shift)."""
    out = {}
    for j in range(len(problem.jobs)):
        why = _reason(problem, j)
        if why is not None:
            out[j] = why
    return out


def explain_unassigned(problem: RoutingProblem, solution: RoutingSolution) -> dict[int, str]:
    """A reason for every unassigned job: one of `impossible_jobs`, else `fleet_exhausted`."""
    return {j: _reason(problem, j) or "fleet_exhausted" for j in solution.unassigned}


def _shipment_reason(p: RoutingProblem, k: int) -> str:
    sh = p.shipments[k]
    reach = []
    for vt in p.vehicle_types:
        if vt.count == 0 or not p.allowed(sh, vt):
            continue
        dur = p.durations[vt.profile]
        s, e = p.depots[vt.start_depot].location, p.depots[vt.end_depot].location
        legs = (dur[s, sh.pickup], dur[sh.pickup, sh.delivery], dur[sh.delivery, e])
        if all(x < UNREACHABLE for x in legs):
            reach.append((vt, [int(x) for x in legs]))
    if not reach:
        return "unreachable"
    fit = [(vt, legs) for vt, legs in reach if (np.asarray(sh.amount) <= np.asarray(vt.capacity)).all()]
    if not fit:
        return "over_capacity"
    for vt, (a, b, c) in fit:
        at_p = max(vt.tw_early + a, sh.pickup_tw[0])
        at_d = max(at_p + sh.pickup_service + b, sh.delivery_tw[0])
        back = at_d + sh.delivery_service + c
        on_time = at_p <= sh.pickup_tw[1] and at_d <= sh.delivery_tw[1]
        if on_time and back <= vt.tw_late and back - vt.tw_early <= vt.max_duration:
            return "fleet_exhausted"
    return "time_window"


def explain_unassigned_shipments(problem: RoutingProblem, solution: RoutingSolution) -> dict[int, str]:
    """A reason for every unassigned shipment, checked as for jobs (pickup, then delivery)."""
    return {k: _shipment_reason(problem, k) for k in solution.unassigned_shipments}
