"""Writing a `RoutingSolution` of a VROOM problem as the solution document VROOM would write: per route
its steps (start, jobs or pickups and deliveries, end) with arrival, travel duration, load and
distance so far; `unassigned` entries with a `reason` (`reasons.explain_unassigned`); the summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import numpy as np

from scenarios.jsontypes import JSONDocument

from .problem import RoutingProblem
from .reasons import explain_unassigned, explain_unassigned_shipments
from .solution import Route, RoutingSolution, Visit
from .vroom_read import VroomProblem

__all__ = ["write_vroom"]


def write_vroom(vp: VroomProblem, sol: RoutingSolution, load_ms: int, solve_ms: int) -> JSONDocument:
    """The VROOM solution document of `sol`: routes with steps, `unassigned` with a `reason`, the
    summary (`computing_times` from the milliseconds given)."""
    p, raw = vp.problem, cast(dict[str, Any], vp.raw)
    jobs_in, vehicles = raw.get("jobs") or [], raw["vehicles"]
    routes: list[dict[str, Any]] = []
    for r in sorted(sol.routes, key=lambda r: r.vehicle_type):
        routes.append(_route(vp, r, jobs_in, vehicles[r.vehicle_type]))
    reasons = explain_unassigned(p, sol)
    unassigned = [
        {
            "id": jobs_in[j].get("id"),
            "type": "job",
            "location_index": jobs_in[j].get("location_index"),
            **({"description": jobs_in[j]["description"]} if "description" in jobs_in[j] else {}),
            "reason": reasons[j],
        }
        for j in sol.unassigned
    ]
    ship_reasons = explain_unassigned_shipments(p, sol)
    for k in sol.unassigned_shipments:
        for side in ("pickup", "delivery"):
            step = raw["shipments"][k][side]
            entry: dict[str, Any] = {
                "id": step.get("id"),
                "type": side,
                "location_index": step.get("location_index"),
            }
            if "description" in step:
                entry["description"] = step["description"]
            unassigned.append({**entry, "reason": ship_reasons[k]})
    keys = ("cost", "setup", "service", "duration", "waiting_time", "priority")
    totals = {k: sum(r[k] for r in routes) for k in keys}
    summary: dict[str, Any] = {
        "cost": totals["cost"],
        "routes": len(routes),
        "unassigned": len(unassigned),
        **{k: totals[k] for k in keys[1:]},
    }
    dims = p.n_dims
    if dims:
        for key in ("delivery", "pickup", "amount"):
            summary[key] = [sum(r[key][d] for r in routes) for d in range(dims)]
    if all("distance" in r for r in routes) and routes:
        summary["distance"] = sum(r["distance"] for r in routes)
    summary["violations"] = []
    summary["computing_times"] = {"loading": load_ms, "solving": solve_ms, "routing": 0}
    doc: dict[str, Any] = {"code": 0, "summary": summary, "unassigned": unassigned, "routes": routes}
    return doc


def _route(
    vp: VroomProblem, r: Route, jobs_in: Sequence[Mapping[str, Any]], vehicle: Mapping[str, Any]
) -> dict[str, Any]:
    p = vp.problem
    t = r.vehicle_type
    prof = vp.profile_of_vehicle[t]
    dur, dist = vp.durations[prof], vp.distances.get(prof)
    dims = p.n_dims
    visits = [x for trip in r.trips for x in trip.visits]
    ships_in = cast(dict[str, Any], vp.raw).get("shipments") or []
    load = sum((p.delivery(x.job) for x in visits if x.kind == "job"), np.zeros(dims, np.int64))
    steps: list[dict[str, Any]] = []
    travel, metres, service, waiting = 0, 0, 0, 0
    here = vp.start_loc[t]
    start_time = r.start
    if here is not None:
        steps.append(_step("start", here, start_time, 0, load, metres, dist))
    for x in visits:
        loc, srv, load, src = _visit(p, x, load, jobs_in, ships_in)
        if here is not None:
            travel += int(dur[here, loc])
            metres += int(dist[here, loc]) if dist is not None else 0
        else:
            start_time = x.arrival  # open start: the route begins at its first task
            steps.append(_step("start", loc, x.arrival, 0, load, metres, dist))
        wait = x.start - x.arrival
        at = _step(x.kind, loc, x.arrival, travel, load, metres, dist)
        step = {
            "type": x.kind,
            "id": src.get("id"),
            **{k: v for k, v in at.items() if k != "type"},
            "service": srv,
            "waiting_time": wait,
        }
        if x.kind == "job":
            step["job"] = src.get("id")
        if "description" in src:
            step["description"] = src["description"]
        steps.append(step)
        service += srv
        waiting += wait
        here = loc
        last_end = x.start + srv
    end = vp.end_loc[t]
    if end is not None:
        travel += int(dur[here, end])
        metres += int(dist[here, end]) if dist is not None else 0
        steps.append(
            _step(
                "end", end, x.start + p.jobs[x.job].service + int(dur[here, end]), travel, load, metres, dist
            )
        )
    else:
        assert here is not None  # a route has visits
        steps.append(_step("end", here, last_end, travel, load, metres, dist))
    prios = sum(int(jobs_in[x.job].get("priority", 0)) for x in visits if x.kind == "job")
    prios += sum(int(ships_in[x.job].get("priority", 0)) for x in visits if x.kind == "pickup")
    out = {
        "vehicle": vehicle.get("id"),
        "cost": r.cost,
        "setup": 0,
        "service": service,
        "duration": travel,
        "waiting_time": waiting,
        "priority": prios,
    }
    if dims:
        zero = np.zeros(dims, np.int64)
        moved = sum((np.asarray(p.shipments[x.job].amount) for x in visits if x.kind == "pickup"), zero)
        out["delivery"] = [int(v) for v in sum((p.delivery(x.job) for x in visits if x.kind == "job"), moved)]
        out["pickup"] = [int(v) for v in sum((p.pickup(x.job) for x in visits if x.kind == "job"), moved)]
        out["amount"] = out["delivery"]
    if dist is not None:
        out["distance"] = metres
    if "description" in vehicle:
        out["description"] = vehicle["description"]
    out["steps"] = steps
    out["violations"] = []
    return out


def _visit(
    p: RoutingProblem,
    x: Visit,
    load: np.ndarray,
    jobs_in: Sequence[Mapping[str, Any]],
    ships_in: Sequence[Mapping[str, Any]],
) -> tuple[int, int, np.ndarray, Mapping[str, Any]]:
    """Location, service, load after the visit, and the input object of a job, pickup or delivery."""
    if x.kind == "job":
        job = p.jobs[x.job]
        return job.location, job.service, load - p.delivery(x.job) + p.pickup(x.job), jobs_in[x.job]
    sh = p.shipments[x.job]
    amount = np.asarray(sh.amount, np.int64)
    if x.kind == "pickup":
        return sh.pickup, sh.pickup_service, load + amount, ships_in[x.job]["pickup"]
    return sh.delivery, sh.delivery_service, load - amount, ships_in[x.job]["delivery"]


def _step(
    kind: str, loc: int, arrival: int, travel: int, load: np.ndarray, metres: int, dist: np.ndarray | None
) -> dict[str, Any]:
    step: dict[str, Any] = {
        "type": kind,
        "location_index": int(loc),
        "setup": 0,
        "service": 0,
        "waiting_time": 0,
        "arrival": int(arrival),
        "duration": int(travel),
        "violations": [],
    }
    if len(load):
        step["load"] = [int(v) for v in load]
    if dist is not None:
        step["distance"] = int(metres)
    return step
