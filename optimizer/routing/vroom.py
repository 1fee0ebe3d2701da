"""VROOM-compatible problems and solutions (see VROOM's docs/API.md): read a problem with `jobs`,
`vehicles` and custom `matrices` (or the older single `matrix`), solve it with a SIAGA engine, and
write a VROOM-format solution whose `unassigned` entries carry a `reason`.

Mapping: every distinct start or end `*_index` is a depot; a vehicle without `end_index` ends at a
virtual depot reached from anywhere at no cost (and without `start_index` starts at one); skills keep
VROOM's meaning (a job needs all of its skills on the vehicle), which is how SIAGA maps modes. Travel
cost is VROOM's: the profile's `costs` matrix when given, else per_hour x duration / 3600 + per_km x
distance / 1000 (defaults 3600 and 0, so cost = travel seconds), plus the vehicle's fixed cost.
Every job is optional with a prize above the cost of adding it to any plan (twice the costliest arc
plus a fixed cost), raised by its priority (x 1 + priority / 100), so the solver assigns as many (and
as high-priority) jobs as it can, then minimises cost. `shipments` (pickup
then delivery by one vehicle) need engine `pyvrp`. Not supported (an error says so): coordinates
without a matrix, breaks, several time windows per task, `max_tasks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .engine import DEFAULT_OPTIONS, RoutingOptions, solve_routing
from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, Shipment, VehicleType
from .reasons import explain_unassigned, explain_unassigned_shipments
from .solution import RoutingSolution

__all__ = ["VroomError", "read_vroom", "solve_vroom"]


class VroomError(ValueError):
    """The input is not a VROOM problem SIAGA can solve; the message says where and why."""


@dataclass(frozen=True)
class VroomProblem:
    problem: RoutingProblem
    raw: dict
    distances: dict[str, np.ndarray | None]  # profile -> metres, when given
    durations: dict[str, np.ndarray]
    profile_of_vehicle: list[str]
    start_loc: list[int | None]
    end_loc: list[int | None]


def _matrices(raw: dict) -> dict[str, dict[str, np.ndarray]]:
    if "matrices" in raw:
        out = {}
        for prof, m in raw["matrices"].items():
            out[prof] = {
                k: np.asarray(v, np.int64) for k, v in m.items() if k in ("durations", "distances", "costs")
            }
            if "durations" not in out[prof]:
                raise VroomError(f"matrices.{prof}: 'durations' is required")
        return out
    if "matrix" in raw:
        return {"car": {"durations": np.asarray(raw["matrix"], np.int64)}}
    raise VroomError(
        "no 'matrices' (or 'matrix'): SIAGA needs custom matrices; coordinates alone need a routing server"
    )


def _window(obj: dict, key: str, where: str) -> tuple[int, int]:
    tws = obj.get(key)
    if key == "time_windows" and tws:
        if len(tws) > 1:
            raise VroomError(f"{where}: several time windows are not supported")
        tws = tws[0]
    if not tws:
        return 0, INF_TIME
    return int(tws[0]), int(tws[1])


def read_vroom(raw: dict) -> VroomProblem:
    """A `RoutingProblem` from a VROOM problem document (already parsed from JSON)."""
    if raw.get("breaks"):
        raise VroomError("'breaks' are not supported")
    mats = _matrices(raw)
    vehicles, jobs_in = raw.get("vehicles") or [], raw.get("jobs") or []
    if not vehicles:
        raise VroomError("'vehicles' is empty")
    sizes = {m["durations"].shape for p in mats.values() for m in [p]}
    if len(sizes) != 1 or next(iter(sizes))[0] != next(iter(sizes))[1]:
        raise VroomError(f"matrices must all be square and the same size, got {sorted(sizes)}")
    n = next(iter(sizes))[0]
    dims = max(
        [len(v.get("capacity", [])) for v in vehicles]
        + [len(j.get("delivery", j.get("amount", []))) for j in jobs_in]
        + [len(sh.get("amount", [])) for sh in raw.get("shipments") or []]
        + [len(j.get("pickup", [])) for j in jobs_in]
        + [0]
    )
    virt_start, virt_end = n, n + 1  # virtual depots for open routes
    n_all = n + 2
    depot_locs: dict[int, int] = {}

    def depot(loc: int) -> int:
        return depot_locs.setdefault(loc, len(depot_locs))

    profiles: dict[tuple[str, int, int, int], int] = {}
    dists, durs, vts, prof_of, starts, ends = [], [], [], [], [], []
    for i, v in enumerate(vehicles):
        where = f"vehicles[{i}] (id {v.get('id')})"
        prof = v.get("profile", "car")
        if prof not in mats:
            raise VroomError(f"{where}: profile {prof!r} has no matrix")
        if v.get("max_tasks") is not None or v.get("breaks"):
            raise VroomError(f"{where}: max_tasks and breaks are not supported")
        s, e = v.get("start_index"), v.get("end_index")
        if s is None and e is None:
            raise VroomError(f"{where}: needs start_index or end_index")
        for name, loc in (("start_index", s), ("end_index", e)):
            if loc is not None and not 0 <= int(loc) < n:
                raise VroomError(f"{where}: {name} {loc} outside the matrix (0..{n - 1})")
        costs = v.get("costs", {})
        per_hour, per_km = int(costs.get("per_hour", 3600)), int(costs.get("per_km", 0))
        key = (prof, per_hour, per_km)
        if key not in profiles:
            profiles[key] = len(dists)
            m = mats[prof]
            if "costs" in m:
                cost = m["costs"]
            else:
                cost = per_hour * m["durations"] / 3600
                if per_km:
                    if "distances" not in m:
                        raise VroomError(f"{where}: per_km cost needs a 'distances' matrix for {prof!r}")
                    cost = cost + per_km * m["distances"] / 1000
                cost = np.rint(cost).astype(np.int64)
            dists.append(_open(cost, n))
            durs.append(_open(m["durations"], n))
        tw = _window(v, "time_window", where)
        mtt = v.get("max_travel_time")
        vts.append(
            VehicleType(
                count=1,
                capacity=tuple(int(x) for x in v.get("capacity", []))
                + (0,) * (dims - len(v.get("capacity", [])))
                if v.get("capacity")
                else (2**40,) * dims,
                start_depot=depot(int(s) if s is not None else virt_start),
                end_depot=depot(int(e) if e is not None else virt_end),
                tw_early=tw[0],
                tw_late=tw[1],
                max_duration=int(mtt) if mtt is not None else INF_TIME,
                fixed_cost=int(costs.get("fixed", 0)),
                unit_distance_cost=1,
                unit_duration_cost=0,
                profile=profiles[key],
                skills=frozenset(int(x) for x in v.get("skills", [])),
                name=str(v.get("id", i)),
            )
        )
        prof_of.append(prof)
        starts.append(None if s is None else int(s))
        ends.append(None if e is None else int(e))
    bound = _prize_base(dists, vts, len(jobs_in))
    jobs = []
    for j, job in enumerate(jobs_in):
        where = f"jobs[{j}] (id {job.get('id')})"
        loc = job.get("location_index")
        if loc is None or not 0 <= int(loc) < n:
            raise VroomError(f"{where}: location_index {loc} missing or outside the matrix (0..{n - 1})")
        prio = int(job.get("priority", 0))
        if not 0 <= prio <= 100:
            raise VroomError(f"{where}: priority {prio} outside [0, 100]")
        lo, hi = _window(job, "time_windows", where)
        jobs.append(
            Job(
                location=int(loc),
                delivery=_amount(job.get("delivery", job.get("amount", [])), dims),
                pickup=_amount(job.get("pickup", []), dims),
                service=int(job.get("service", 0)),
                tw_early=lo,
                tw_late=hi,
                prize=bound + bound * prio // 100,
                required=False,
                skills=frozenset(int(x) for x in job.get("skills", [])),
                name=str(job.get("id", j)),
            )
        )
    ships = tuple(_shipment(k, sh, n, dims, bound) for k, sh in enumerate(raw.get("shipments") or []))
    depots = tuple(Depot(loc) for loc, _ in sorted(depot_locs.items(), key=lambda kv: kv[1]))
    problem = RoutingProblem(
        depots, tuple(jobs), tuple(vts), tuple(dists), tuple(durs), shipments=ships, name="vroom"
    )
    dist_by_prof = {p: m.get("distances") for p, m in mats.items()}
    dur_by_prof = {p: m["durations"] for p, m in mats.items()}
    assert n_all == problem.n_locations
    return VroomProblem(problem, raw, dist_by_prof, dur_by_prof, prof_of, starts, ends)


def _shipment(k: int, sh: dict, n: int, dims: int, bound: int) -> Shipment:
    where = f"shipments[{k}]"
    steps = {}
    for side in ("pickup", "delivery"):
        step = sh.get(side)
        if not isinstance(step, dict):
            raise VroomError(f"{where}: needs a '{side}' object")
        loc = step.get("location_index")
        if loc is None or not 0 <= int(loc) < n:
            raise VroomError(
                f"{where}.{side} (id {step.get('id')}): location_index {loc} missing or outside 0..{n - 1}"
            )
        steps[side] = (
            int(loc),
            int(step.get("service", 0)),
            _window(step, "time_windows", f"{where}.{side}"),
        )
    prio = int(sh.get("priority", 0))
    if not 0 <= prio <= 100:
        raise VroomError(f"{where}: priority {prio} outside [0, 100]")
    (p_loc, p_srv, p_tw), (d_loc, d_srv, d_tw) = steps["pickup"], steps["delivery"]
    return Shipment(
        pickup=p_loc,
        delivery=d_loc,
        amount=_amount(sh.get("amount", []), dims),
        pickup_service=p_srv,
        delivery_service=d_srv,
        pickup_tw=p_tw,
        delivery_tw=d_tw,
        prize=2 * (bound + bound * prio // 100),
        required=False,
        skills=frozenset(int(x) for x in sh.get("skills", [])),
        name=str(sh["pickup"].get("id", k)),
    )


def _amount(values, dims: int) -> tuple[int, ...]:
    vals = tuple(int(x) for x in values)
    return vals + (0,) * (dims - len(vals)) if dims else ()


def _open(m: np.ndarray, n: int) -> np.ndarray:
    """Add the virtual start (free to leave, never entered) and end (free to enter, never left)."""
    out = np.full((n + 2, n + 2), UNREACHABLE, np.int64)
    out[:n, :n] = m
    out[n, :n] = 0
    out[:n, n + 1] = 0
    out[n, n + 1] = 0
    out[n, n] = out[n + 1, n + 1] = 0
    return out


def _prize_base(costs, vts, n_jobs: int) -> int:
    """Above the cost of adding any one job to a plan (two arcs at most, plus a vehicle's fixed cost)."""
    worst = max(int(np.where(c < UNREACHABLE, c, 0).max()) for c in costs) if costs else 0
    fixed = max((v.fixed_cost for v in vts), default=0)
    return 2 * max(worst, 1) + fixed + 1


def solve_vroom(raw: dict, options: RoutingOptions = DEFAULT_OPTIONS) -> dict:
    """Solve a VROOM problem; the solution document VROOM would write, `unassigned[].reason` added."""
    t0 = time.perf_counter()
    vp = read_vroom(raw)
    t1 = time.perf_counter()
    sol = solve_routing(vp.problem, options)
    t2 = time.perf_counter()
    return _write(vp, sol, int((t1 - t0) * 1000), int((t2 - t1) * 1000))


def _write(vp: VroomProblem, sol: RoutingSolution, load_ms: int, solve_ms: int) -> dict:
    p, raw = vp.problem, vp.raw
    jobs_in, vehicles = raw.get("jobs") or [], raw["vehicles"]
    routes = []
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
            entry = {"id": step.get("id"), "type": side, "location_index": step.get("location_index")}
            if "description" in step:
                entry["description"] = step["description"]
            unassigned.append({**entry, "reason": ship_reasons[k]})
    keys = ("cost", "setup", "service", "duration", "waiting_time", "priority")
    summary = {k: sum(r[k] for r in routes) for k in keys}
    summary = {
        "cost": summary["cost"],
        "routes": len(routes),
        "unassigned": len(unassigned),
        **{k: summary[k] for k in keys[1:]},
    }
    dims = p.n_dims
    if dims:
        for k in ("delivery", "pickup", "amount"):
            summary[k] = [sum(r[k][d] for r in routes) for d in range(dims)]
    if all("distance" in r for r in routes) and routes:
        summary["distance"] = sum(r["distance"] for r in routes)
    summary["violations"] = []
    summary["computing_times"] = {"loading": load_ms, "solving": solve_ms, "routing": 0}
    return {"code": 0, "summary": summary, "unassigned": unassigned, "routes": routes}


def _route(vp: VroomProblem, r, jobs_in, vehicle: dict) -> dict:
    p = vp.problem
    t = r.vehicle_type
    prof = vp.profile_of_vehicle[t]
    dur, dist = vp.durations[prof], vp.distances.get(prof)
    dims = p.n_dims
    visits = [x for trip in r.trips for x in trip.visits]
    load = sum((p.delivery(x.job) for x in visits if x.kind == "job"), np.zeros(dims, np.int64))
    steps, travel, metres, service, waiting = [], 0, 0, 0, 0
    here = vp.start_loc[t]
    start_time = r.start
    if here is not None:
        steps.append(_step("start", here, start_time, 0, load, metres, dist))
    for x in visits:
        loc, srv, load, src = _visit(p, x, load, jobs_in, vp.raw.get("shipments") or [])
        if here is not None:
            travel += int(dur[here, loc])
            metres += int(dist[here, loc]) if dist is not None else 0
        else:
            start_time = x.arrival  # open start: the route begins at its first task
            steps.append(_step("start", loc, x.arrival, 0, load, metres, dist))
        wait = x.start - x.arrival
        step = _step(x.kind, loc, x.arrival, travel, load, metres, dist)
        step = {
            "type": x.kind,
            "id": src.get("id"),
            **{k: v for k, v in step.items() if k != "type"},
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
        steps.append(_step("end", here, last_end, travel, load, metres, dist))
    ships_in = vp.raw.get("shipments") or []
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


def _visit(p: RoutingProblem, x, load: np.ndarray, jobs_in, ships_in) -> tuple[int, int, np.ndarray, dict]:
    """Location, service, load after the visit, and the input object of a job, pickup or delivery."""
    if x.kind == "job":
        job = p.jobs[x.job]
        return job.location, job.service, load - p.delivery(x.job) + p.pickup(x.job), jobs_in[x.job]
    sh = p.shipments[x.job]
    amount = np.asarray(sh.amount, np.int64)
    if x.kind == "pickup":
        return sh.pickup, sh.pickup_service, load + amount, ships_in[x.job]["pickup"]
    return sh.delivery, sh.delivery_service, load - amount, ships_in[x.job]["delivery"]


def _step(kind, loc, arrival, travel, load, metres, dist) -> dict:
    step = {
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
