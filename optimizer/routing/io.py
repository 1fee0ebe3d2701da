"""A `RoutingProblem` as a plain JSON document and back, for fixtures and for sharing a problem:

    {"depots": [{"location": 0, "tw": [0, 36000]}],
     "jobs": [{"location": 1, "delivery": [10], "service": 300, "tw": [0, 3600], "prize": 0,
               "required": true, "skills": [1], "name": "a"}],
     "vehicle_types": [{"count": 1, "capacity": [20], "start_depot": 0, "end_depot": 0, "tw": [0, 36000],
                        "max_duration": 36000, "fixed_cost": 0, "unit_distance_cost": 1,
                        "unit_duration_cost": 0, "profile": 0, "skills": [1], "reload_depots": [0],
                        "max_reloads": 3, "name": "truck"}],
     "distances": [[[0, 5], [5, 0]]], "durations": [[[0, 5], [5, 0]]]}

Optional `shipments`: `[{"pickup": 1, "delivery": 2, "amount": [5], "pickup_tw": [0, 3600], ...}]`.
Every key but `location`, `count`, `capacity` and the matrices is optional, with the defaults of
`problem`. `distances` and `durations` hold one matrix per profile (a single matrix is profile 0).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.jsontypes import JSONDocument

from .problem import INF_TIME, Depot, Job, RoutingProblem, Shipment, VehicleType

__all__ = ["problem_from_dict", "problem_to_dict", "read_problem"]


def _tw(d: Mapping[str, Any]) -> tuple[int, int]:
    lo, hi = d.get("tw", (0, INF_TIME))
    return int(lo), int(hi)


def _mats(value: object) -> tuple[np.ndarray, ...]:
    arr = np.asarray(value, np.int64)
    return (arr,) if arr.ndim == 2 else tuple(arr)


def problem_from_dict(raw: JSONDocument) -> RoutingProblem:
    """A problem from its JSON document (the shape in the module docstring)."""
    doc: dict[str, Any] = raw
    depots = tuple(Depot(int(d["location"]), *_tw(d), name=d.get("name", "")) for d in doc["depots"])
    jobs = tuple(
        Job(
            location=int(j["location"]),
            delivery=tuple(j.get("delivery", ())),
            pickup=tuple(j.get("pickup", ())),
            service=int(j.get("service", 0)),
            tw_early=_tw(j)[0],
            tw_late=_tw(j)[1],
            prize=int(j.get("prize", 0)),
            required=bool(j.get("required", True)),
            skills=frozenset(j.get("skills", ())),
            name=str(j.get("name", i)),
        )
        for i, j in enumerate(doc["jobs"])
    )
    vts = tuple(
        VehicleType(
            count=int(v["count"]),
            capacity=tuple(v["capacity"]),
            start_depot=int(v.get("start_depot", 0)),
            end_depot=int(v.get("end_depot", v.get("start_depot", 0))),
            tw_early=_tw(v)[0],
            tw_late=_tw(v)[1],
            max_duration=int(v.get("max_duration", INF_TIME)),
            fixed_cost=int(v.get("fixed_cost", 0)),
            unit_distance_cost=int(v.get("unit_distance_cost", 1)),
            unit_duration_cost=int(v.get("unit_duration_cost", 0)),
            profile=int(v.get("profile", 0)),
            skills=frozenset(v.get("skills", ())),
            reload_depots=tuple(v.get("reload_depots", ())),
            max_reloads=int(v.get("max_reloads", 0)),
            name=str(v.get("name", i)),
        )
        for i, v in enumerate(doc["vehicle_types"])
    )
    ships = tuple(
        Shipment(
            pickup=int(sh["pickup"]),
            delivery=int(sh["delivery"]),
            amount=tuple(sh.get("amount", ())),
            pickup_service=int(sh.get("pickup_service", 0)),
            delivery_service=int(sh.get("delivery_service", 0)),
            pickup_tw=tuple(sh.get("pickup_tw", (0, INF_TIME))),
            delivery_tw=tuple(sh.get("delivery_tw", (0, INF_TIME))),
            prize=int(sh.get("prize", 0)),
            required=bool(sh.get("required", True)),
            skills=frozenset(sh.get("skills", ())),
            name=str(sh.get("name", k)),
        )
        for k, sh in enumerate(doc.get("shipments", ()))
    )
    dist = _mats(doc["distances"])
    dur = _mats(doc.get("durations", doc["distances"]))
    return RoutingProblem(depots, jobs, vts, dist, dur, shipments=ships, name=doc.get("name", ""))


def problem_to_dict(p: RoutingProblem) -> JSONDocument:
    """The problem's JSON document; `problem_from_dict` reads it back."""
    doc: dict[str, Any] = {
        "name": p.name,
        "depots": [{"location": d.location, "tw": [d.tw_early, d.tw_late], "name": d.name} for d in p.depots],
        "jobs": [
            {
                "location": j.location,
                "delivery": list(j.delivery),
                "pickup": list(j.pickup),
                "service": j.service,
                "tw": [j.tw_early, j.tw_late],
                "prize": j.prize,
                "required": j.required,
                "skills": sorted(j.skills),
                "name": j.name,
            }
            for j in p.jobs
        ],
        "vehicle_types": [
            {
                "count": v.count,
                "capacity": list(v.capacity),
                "start_depot": v.start_depot,
                "end_depot": v.end_depot,
                "tw": [v.tw_early, v.tw_late],
                "max_duration": v.max_duration,
                "fixed_cost": v.fixed_cost,
                "unit_distance_cost": v.unit_distance_cost,
                "unit_duration_cost": v.unit_duration_cost,
                "profile": v.profile,
                "skills": sorted(v.skills),
                "reload_depots": list(v.reload_depots),
                "max_reloads": v.max_reloads,
                "name": v.name,
            }
            for v in p.vehicle_types
        ],
        "shipments": [
            {
                "pickup": sh.pickup,
                "delivery": sh.delivery,
                "amount": list(sh.amount),
                "pickup_service": sh.pickup_service,
                "delivery_service": sh.delivery_service,
                "pickup_tw": list(sh.pickup_tw),
                "delivery_tw": list(sh.delivery_tw),
                "prize": sh.prize,
                "required": sh.required,
                "skills": sorted(sh.skills),
                "name": sh.name,
            }
            for sh in p.shipments
        ],
        "distances": [m.tolist() for m in p.distances],
        "durations": [m.tolist() for m in p.durations],
    }
    return doc


def read_problem(path: str | Path) -> RoutingProblem:
    """A problem from a JSON file."""
    return problem_from_dict(json.loads(Path(path).read_text()))
