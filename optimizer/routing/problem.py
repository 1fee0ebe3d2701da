"""An engine-neutral routing problem: locations with per-profile integer matrices, depots, jobs (one
stop each), vehicle types. Every quantity is an integer (seconds, metres, load units, money units):
`units` converts from the scenario's floats in one place.

Semantics (shared by both engines and the checker):
- a vehicle starts at `start_depot` no earlier than `tw_early` and ends at `end_depot` no later than
  `tw_late`; its route lasts at most `max_duration` (end - start, waiting included);
- with `reload_depots`, a route is several trips: the vehicle returns to one of those depots, reloads
  and leaves again (at most `max_reloads` times); capacity holds per trip;
- a job is served once, by a vehicle type holding all its `skills`, with service starting inside its
  time window (waiting allowed); a job that is not `required` may be left out at the cost of its `prize`;
- a shipment is picked up and then delivered by the same vehicle, each inside its window;
- cost = sum over used vehicles of fixed + unit_distance x distance + unit_duration x duration, plus the
  prizes of the optional jobs and shipments left out.
`UNREACHABLE` marks a matrix entry that no vehicle may use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scenarios.jsontypes import JSONDocument

__all__ = ["INF_TIME", "UNREACHABLE", "Depot", "Job", "RoutingProblem", "Shipment", "VehicleType"]

UNREACHABLE = 1 << 40  # metres or seconds on a matrix entry no vehicle may use
INF_TIME = 1 << 50


@dataclass(frozen=True)
class Depot:
    location: int
    tw_early: int = 0
    tw_late: int = INF_TIME
    name: str = ""


@dataclass(frozen=True)
class Job:
    location: int
    delivery: tuple[int, ...] = ()
    pickup: tuple[int, ...] = ()
    service: int = 0
    tw_early: int = 0
    tw_late: int = INF_TIME
    prize: int = 0
    required: bool = True
    skills: frozenset[int] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class Shipment:
    """Goods picked up at one location and delivered at another by the same vehicle, pickup first
    (VROOM's `shipments`; engine `pyvrp` only)."""

    pickup: int
    delivery: int
    amount: tuple[int, ...] = ()
    pickup_service: int = 0
    delivery_service: int = 0
    pickup_tw: tuple[int, int] = (0, INF_TIME)
    delivery_tw: tuple[int, int] = (0, INF_TIME)
    prize: int = 0
    required: bool = True
    skills: frozenset[int] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class VehicleType:
    count: int
    capacity: tuple[int, ...]
    start_depot: int = 0
    end_depot: int = 0
    tw_early: int = 0
    tw_late: int = INF_TIME
    max_duration: int = INF_TIME
    fixed_cost: int = 0
    unit_distance_cost: int = 1
    unit_duration_cost: int = 0
    profile: int = 0
    skills: frozenset[int] = frozenset()
    reload_depots: tuple[int, ...] = ()
    max_reloads: int = 0
    name: str = ""


@dataclass(frozen=True)
class RoutingProblem:
    """Depots, jobs and vehicle types over `n_locations` locations; `distances[p]` and `durations[p]`
    are the n x n integer matrices of profile p."""

    depots: tuple[Depot, ...]
    jobs: tuple[Job, ...]
    vehicle_types: tuple[VehicleType, ...]
    distances: tuple[np.ndarray, ...]
    durations: tuple[np.ndarray, ...]
    shipments: tuple[Shipment, ...] = ()
    name: str = ""
    meta: JSONDocument = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("invalid routing problem: " + "; ".join(problems[:10]))

    @property
    def n_locations(self) -> int:
        return self.distances[0].shape[0] if self.distances else 0

    @property
    def n_dims(self) -> int:
        return len(self.vehicle_types[0].capacity) if self.vehicle_types else 0

    def allowed(self, job: Job | Shipment, vt: VehicleType) -> bool:
        return job.skills <= vt.skills

    def problems(self) -> list[str]:
        out: list[str] = []
        n = self.n_locations
        if len(self.distances) != len(self.durations) or not self.distances:
            out.append("need one distance and one duration matrix per profile")
            return out
        for p, (d, t) in enumerate(zip(self.distances, self.durations, strict=True)):
            for what, m in (("distance", d), ("duration", t)):
                if m.shape != (n, n) or not np.issubdtype(m.dtype, np.integer):
                    out.append(
                        f"profile {p}: {what} matrix must be {n}x{n} integers, got {m.shape} {m.dtype}"
                    )
                elif (m < 0).any():
                    out.append(f"profile {p}: negative {what}")
        dims = self.n_dims
        for i, dep in enumerate(self.depots):
            if not 0 <= dep.location < n:
                out.append(f"depot {i}: location {dep.location} outside 0..{n - 1}")
        for i, job in enumerate(self.jobs):
            if not 0 <= job.location < n:
                out.append(f"job {i}: location {job.location} outside 0..{n - 1}")
            for what, amount in (("delivery", job.delivery), ("pickup", job.pickup)):
                if amount and len(amount) != dims:
                    out.append(f"job {i}: {what} has {len(amount)} dimensions, vehicles have {dims}")
                if any(a < 0 for a in amount):
                    out.append(f"job {i}: negative {what}")
            if job.tw_early > job.tw_late:
                out.append(f"job {i}: time window [{job.tw_early}, {job.tw_late}] closes before it opens")
        for i, sh in enumerate(self.shipments):
            if not (0 <= sh.pickup < n and 0 <= sh.delivery < n):
                out.append(f"shipment {i}: locations {sh.pickup}, {sh.delivery} outside 0..{n - 1}")
            if len(sh.amount) != dims or any(a < 0 for a in sh.amount):
                out.append(f"shipment {i}: amount {list(sh.amount)} must be {dims} non-negative numbers")
        for i, vt in enumerate(self.vehicle_types):
            if len(vt.capacity) != dims:
                out.append(f"vehicle type {i}: capacity has {len(vt.capacity)} dimensions, expected {dims}")
            if not 0 <= vt.profile < len(self.distances):
                out.append(f"vehicle type {i}: profile {vt.profile} unknown")
            for depot in (vt.start_depot, vt.end_depot, *vt.reload_depots):
                if not 0 <= depot < len(self.depots):
                    out.append(f"vehicle type {i}: depot {depot} unknown")
            if vt.count < 0 or vt.tw_early > vt.tw_late:
                out.append(f"vehicle type {i}: bad count or shift window")
        return out

    def delivery(self, j: int) -> np.ndarray:
        job = self.jobs[j]
        return np.asarray(job.delivery or (0,) * self.n_dims, np.int64)

    def pickup(self, j: int) -> np.ndarray:
        job = self.jobs[j]
        return np.asarray(job.pickup or (0,) * self.n_dims, np.int64)
