"""Reading a VROOM problem document (VROOM's docs/API.md) into a `RoutingProblem`.

Mapping: every distinct start or end `*_index` is a depot; a vehicle without `end_index` ends at a
virtual depot reached from anywhere at no cost (and without `start_index` starts at one); skills keep
VROOM's meaning (a job needs all of its skills on the vehicle). Travel cost is VROOM's: the profile's
`costs` matrix when given, else per_hour x duration / 3600 + per_km x distance / 1000 (defaults 3600
and 0, so cost = travel seconds), plus the vehicle's fixed cost. Every job is optional with a prize
above the cost of adding it to any plan (twice the costliest arc plus a fixed cost), raised by its
priority (x 1 + priority / 100). Not supported (`VroomError` says so): coordinates without a matrix,
breaks, several time windows per task, `max_tasks`.

Numbers are checked first (`check_numbers`, optimizer/routing/vroom_numbers.py), each refusal with
the JSON pointer of the number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenarios.jsontypes import JSONDocument

from .problem import INF_TIME, UNREACHABLE, Depot, Job, RoutingProblem, Shipment, VehicleType
from .vroom_numbers import MAX_AMOUNT, MAX_VALUE, VroomError, check_numbers
from .vroom_numbers import pointer as _pointer

__all__ = ["MAX_AMOUNT", "MAX_VALUE", "VroomError", "VroomProblem", "check_numbers", "read_vroom"]


@dataclass(frozen=True)
class VroomProblem:
    """The routing problem read from `raw`, with what writing the solution needs: per profile the
    given matrices, each vehicle's profile and its start and end location (None: open)."""

    problem: RoutingProblem
    raw: JSONDocument
    distances: Mapping[str, np.ndarray | None]  # profile -> metres, when given
    durations: Mapping[str, np.ndarray]
    profile_of_vehicle: list[str]
    start_loc: list[int | None]
    end_loc: list[int | None]


@dataclass
class _Fleet:
    """Vehicle types as read, one per VROOM vehicle, and the cost/duration matrix per profile key."""

    vts: list[VehicleType]
    dists: list[np.ndarray]
    durs: list[np.ndarray]
    profile_of: list[str]
    starts: list[int | None]
    ends: list[int | None]


def _matrices(raw: Mapping[str, Any]) -> dict[str, dict[str, np.ndarray]]:
    if "matrices" in raw:
        out = {}
        for prof, m in raw["matrices"].items():
            out[prof] = {
                k: np.asarray(v, np.int64) for k, v in m.items() if k in ("durations", "distances", "costs")
            }
            if "durations" not in out[prof]:
                raise VroomError(f"matrices.{prof}: 'durations' is required", _pointer("matrices", prof))
        return out
    if "matrix" in raw:
        return {"car": {"durations": np.asarray(raw["matrix"], np.int64)}}
    raise VroomError(
        "no 'matrices' (or 'matrix'): SIAGA needs custom matrices; coordinates alone need a routing server"
    )


def _window(obj: Mapping[str, Any], key: str, where: str, at: str) -> tuple[int, int]:
    """The (start, end) of `obj[key]` (`at`: the pointer of `obj`); (0, INF_TIME) when none."""
    tws = obj.get(key)
    if key == "time_windows" and tws:
        if len(tws) > 1:
            raise VroomError(f"{where}: several time windows are not supported", f"{at}/{key}")
        tws, at = tws[0], f"{at}/{key}/0"
    else:
        at = f"{at}/{key}"
    if not tws:
        return 0, INF_TIME
    lo, hi = int(tws[0]), int(tws[1])
    if lo > hi:
        raise VroomError(f"{where}: time window [{lo}, {hi}] ends before it starts", at)
    return lo, hi


def read_vroom(raw: JSONDocument) -> VroomProblem:
    """A `RoutingProblem` from a VROOM problem document (already parsed from JSON)."""
    doc: dict[str, Any] = raw
    if doc.get("breaks"):
        raise VroomError("'breaks' are not supported", "/breaks")
    check_numbers(doc)
    mats = _matrices(doc)
    vehicles, jobs_in = doc.get("vehicles") or [], doc.get("jobs") or []
    if not vehicles:
        raise VroomError("'vehicles' is empty", "/vehicles")
    sizes = {m["durations"].shape for m in mats.values()}
    if len(sizes) != 1 or next(iter(sizes))[0] != next(iter(sizes))[1]:
        raise VroomError(
            f"matrices must all be square and the same size, got {sorted(sizes)}",
            "/matrices" if "matrices" in doc else "/matrix",
        )
    n = next(iter(sizes))[0]
    dims = max(
        [len(v.get("capacity", [])) for v in vehicles]
        + [len(j.get("delivery", j.get("amount", []))) for j in jobs_in]
        + [len(sh.get("amount", [])) for sh in doc.get("shipments") or []]
        + [len(j.get("pickup", [])) for j in jobs_in]
        + [0]
    )
    depot_locs: dict[int, int] = {}

    def depot(loc: int) -> int:
        return depot_locs.setdefault(loc, len(depot_locs))

    fleet = _vehicles(vehicles, mats, n, dims, depot)
    bound = _prize_base(fleet.dists, fleet.vts)
    jobs = tuple(_job(j, job, n, dims, bound) for j, job in enumerate(jobs_in))
    ships = tuple(_shipment(k, sh, n, dims, bound) for k, sh in enumerate(doc.get("shipments") or []))
    depots = tuple(Depot(loc) for loc, _ in sorted(depot_locs.items(), key=lambda kv: kv[1]))
    problem = RoutingProblem(
        depots, jobs, tuple(fleet.vts), tuple(fleet.dists), tuple(fleet.durs), shipments=ships, name="vroom"
    )
    dist_by_prof = {p: m.get("distances") for p, m in mats.items()}
    dur_by_prof = {p: m["durations"] for p, m in mats.items()}
    assert n + 2 == problem.n_locations  # the virtual start and end
    return VroomProblem(problem, raw, dist_by_prof, dur_by_prof, fleet.profile_of, fleet.starts, fleet.ends)


def _vehicles(
    vehicles: Sequence[Mapping[str, Any]],
    mats: Mapping[str, Mapping[str, np.ndarray]],
    n: int,
    dims: int,
    depot: Callable[[int], int],
) -> _Fleet:
    """One vehicle type per VROOM vehicle; one cost profile per (profile, per_hour, per_km)."""
    virt_start, virt_end = n, n + 1  # virtual depots for open routes
    profiles: dict[tuple[str, int, int], int] = {}
    out = _Fleet([], [], [], [], [], [])
    for i, v in enumerate(vehicles):
        where, at = f"vehicles[{i}] (id {v.get('id')})", f"/vehicles/{i}"
        prof = v.get("profile", "car")
        s, e = _check_vehicle(v, where, at, prof, mats, n)
        costs = v.get("costs", {})
        per_hour, per_km = int(costs.get("per_hour", 3600)), int(costs.get("per_km", 0))
        key = (prof, per_hour, per_km)
        if key not in profiles:
            profiles[key] = len(out.dists)
            out.dists.append(_open(_cost_matrix(mats[prof], per_hour, per_km, where, at, prof), n))
            out.durs.append(_open(mats[prof]["durations"], n))
        tw = _window(v, "time_window", where, at)
        mtt = v.get("max_travel_time")
        cap = v.get("capacity")
        out.vts.append(
            VehicleType(
                count=1,
                capacity=tuple(int(x) for x in cap) + (0,) * (dims - len(cap)) if cap else (2**40,) * dims,
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
        out.profile_of.append(prof)
        out.starts.append(None if s is None else int(s))
        out.ends.append(None if e is None else int(e))
    return out


def _check_vehicle(
    v: Mapping[str, Any], where: str, at: str, prof: str, mats: Mapping[str, object], n: int
) -> tuple[Any, Any]:
    """The vehicle's start and end index, after checking what SIAGA supports (`at`: its pointer)."""
    if prof not in mats:
        raise VroomError(f"{where}: profile {prof!r} has no matrix", f"{at}/profile")
    if v.get("max_tasks") is not None or v.get("breaks"):
        key = "max_tasks" if v.get("max_tasks") is not None else "breaks"
        raise VroomError(f"{where}: max_tasks and breaks are not supported", f"{at}/{key}")
    s, e = v.get("start_index"), v.get("end_index")
    if s is None and e is None:
        raise VroomError(f"{where}: needs start_index or end_index", at)
    for name, loc in (("start_index", s), ("end_index", e)):
        if loc is not None and not 0 <= int(loc) < n:
            raise VroomError(f"{where}: {name} {loc} outside the matrix (0..{n - 1})", f"{at}/{name}")
    return s, e


def _cost_matrix(
    m: Mapping[str, np.ndarray], per_hour: int, per_km: int, where: str, at: str, prof: str
) -> np.ndarray:
    """The vehicle's travel costs: the profile's `costs`, else from per_hour and per_km (in floats, so
    that large rates cannot wrap around; exact below 2**53), each below UNREACHABLE."""
    if "costs" in m:
        return m["costs"]
    cost = per_hour * m["durations"].astype(np.float64) / 3600
    if per_km:
        if "distances" not in m:
            raise VroomError(
                f"{where}: per_km cost needs a 'distances' matrix for {prof!r}", f"{at}/costs/per_km"
            )
        cost = cost + per_km * m["distances"].astype(np.float64) / 1000
    if cost.size and cost.max() >= UNREACHABLE:
        raise VroomError(
            f"{where}: per_hour {per_hour} and per_km {per_km} make an arc cost {cost.max():.0f}, "
            f"above {UNREACHABLE - 1}",
            f"{at}/costs",
        )
    return np.rint(cost).astype(np.int64)


def _job(j: int, job: Mapping[str, Any], n: int, dims: int, bound: int) -> Job:
    where, at = f"jobs[{j}] (id {job.get('id')})", f"/jobs/{j}"
    loc = job.get("location_index")
    if loc is None or not 0 <= int(loc) < n:
        raise VroomError(
            f"{where}: location_index {loc} missing or outside the matrix (0..{n - 1})",
            f"{at}/location_index",
        )
    prio = int(job.get("priority", 0))
    if not 0 <= prio <= 100:
        raise VroomError(f"{where}: priority {prio} outside [0, 100]", f"{at}/priority")
    lo, hi = _window(job, "time_windows", where, at)
    return Job(
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


def _shipment(k: int, sh: Mapping[str, Any], n: int, dims: int, bound: int) -> Shipment:
    where = f"shipments[{k}]"
    steps: dict[str, tuple[int, int, tuple[int, int]]] = {}
    for side in ("pickup", "delivery"):
        step = sh.get(side)
        at = f"/shipments/{k}/{side}"
        if not isinstance(step, dict):
            raise VroomError(f"{where}: needs a '{side}' object", at)
        loc = step.get("location_index")
        if loc is None or not 0 <= int(loc) < n:
            raise VroomError(
                f"{where}.{side} (id {step.get('id')}): location_index {loc} missing or outside 0..{n - 1}",
                f"{at}/location_index",
            )
        steps[side] = (
            int(loc),
            int(step.get("service", 0)),
            _window(step, "time_windows", f"{where}.{side}", at),
        )
    prio = int(sh.get("priority", 0))
    if not 0 <= prio <= 100:
        raise VroomError(f"{where}: priority {prio} outside [0, 100]", f"/shipments/{k}/priority")
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


def _amount(values: Sequence[Any], dims: int) -> tuple[int, ...]:
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


def _prize_base(costs: Sequence[np.ndarray], vts: Sequence[VehicleType]) -> int:
    """Above the cost of adding any one job to a plan (two arcs at most, plus a vehicle's fixed cost)."""
    worst = max(int(np.where(c < UNREACHABLE, c, 0).max()) for c in costs) if costs else 0
    fixed = max((v.fixed_cost for v in vts), default=0)
    return 2 * max(worst, 1) + fixed + 1
