"""An engine-neutral routing solution: per used vehicle, its trips (depot -> jobs -> depot) with the
engine's own schedule, the jobs left out, and the engine's search facts."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Route", "RoutingSolution", "Trip", "Visit"]


@dataclass(frozen=True)
class Visit:
    """A stop: job `job` (kind "job"), or the pickup or delivery of shipment `job`."""

    job: int
    arrival: int  # seconds
    start: int  # service start (arrival + waiting)
    kind: str = "job"


@dataclass(frozen=True)
class Trip:
    start_depot: int
    end_depot: int
    visits: tuple[Visit, ...]


@dataclass(frozen=True)
class Route:
    """One vehicle of `vehicle_type` (the `vehicle`-th of that type used), leaving its start depot at
    `start` and back at `end`; distance in metres, duration in seconds, cost in money units."""

    vehicle_type: int
    vehicle: int
    start: int
    end: int
    trips: tuple[Trip, ...]
    distance: int
    duration: int
    cost: int

    @property
    def jobs(self) -> list[int]:
        return [v.job for t in self.trips for v in t.visits if v.kind == "job"]

    @property
    def shipments(self) -> list[int]:
        return [v.job for t in self.trips for v in t.visits if v.kind == "pickup"]


@dataclass(frozen=True)
class RoutingSolution:
    """Routes, unassigned job indices, total cost (routes + prizes of left-out optional jobs),
    whether every constraint holds, and the search facts (engine, seed, iterations, seconds, the
    best cost found over time as (seconds, cost) pairs)."""

    routes: tuple[Route, ...]
    unassigned: tuple[int, ...]
    cost: int
    feasible: bool
    engine: str
    seed: int
    iterations: int
    runtime_s: float
    history: tuple[tuple[float, int], ...] = field(default=(), compare=False)
    unassigned_shipments: tuple[int, ...] = ()

    @property
    def distance(self) -> int:
        return sum(r.distance for r in self.routes)

    @property
    def duration(self) -> int:
        return sum(r.duration for r in self.routes)
