"""The plan: what to ship, which vehicle carries it when, what stays unmet and why, and the KPIs.

`Plan.to_dict()` is the content of plan.json (docs/plan-format.md describes it field by field, format
`siaga-plan/3`); `Plan.from_dict()` reads it back, and writes the same document again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import pandas as pd

from network import ScenarioNetwork
from scenarios.jsontypes import JSONDocument

from ..routing.trips import Trip
from .kpis import PlanKpis
from .local_time import with_local_times
from .records import (
    COMMITTED_COLUMNS,
    SHIPMENT_COLUMNS,
    UNMET_COLUMNS,
    WATER_SERVICE_COLUMNS,
    CommittedDelivery,
    RoundRecord,
    Shipment,
    Transfer,
    Unmet,
    WaterDelivery,
    records_frame,
    to_float,
    to_int,
)
from .requests import Request

__all__ = ["FORMAT", "STATUSES", "UNMET_REASONS", "Plan"]

FORMAT = "siaga-plan/3"
STATUSES = ("optimal", "feasible", "partial")
UNMET_REASONS = (
    "no_stock",
    "unreachable",
    "horizon",
    "transport_capacity",
    "throughput",
    "reserve_floor",
    "time_window",
    "over_capacity",
    "whole_units",
    "small_load",
    "not_shipped",
)


@dataclass(frozen=True)
class Plan:
    """shipments: exactly what the trips unload, summed; trips (see docs/plan-format.md); unmet need
    by need day with its reason; committed: deliveries made before this plan (counted by the KPIs);
    rounds: the allocation-routing rounds; timings: seconds per stage. `network` is the damaged network
    the plan was routed on (None for a plan read from JSON): the exports reuse it; it is not part of
    plan.json."""

    scenario: str
    scenario_name: str
    status: str
    seed: int
    engine: str
    iterations: int | None
    time_limit_s: float | None
    solve_seconds: float
    first_feasible_s: float
    kpis: PlanKpis
    shipments: tuple[Shipment, ...]
    trips: tuple[Trip, ...]
    unmet: tuple[Unmet, ...]
    rounds: tuple[RoundRecord, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    committed: tuple[CommittedDelivery, ...] = ()
    water_service: tuple[WaterDelivery, ...] = ()  # what local water points serve (no trips)
    network: ScenarioNetwork | None = field(default=None, compare=False, repr=False)
    start: str | None = None  # the scenario's policy.start (ISO 8601), when it gives one
    carried_share: float = 1.0  # of the kept allocation's kg, the share the trips carry
    requests: tuple[Request, ...] = ()  # what to ask other owners for (plan/requests.py)
    feeds: tuple[Trip, ...] = ()  # trips that bring goods to hubs (plan/relay.py)
    transfers: tuple[Transfer, ...] = ()  # goods changing vehicles at hubs

    @property
    def shipments_frame(self) -> pd.DataFrame:
        """(warehouse, area, commodity, day, units), one row per shipment."""
        return records_frame(self.shipments, SHIPMENT_COLUMNS)

    @property
    def unmet_frame(self) -> pd.DataFrame:
        """(area, commodity, group, day, units, reason), one row per unmet need."""
        return records_frame(self.unmet, UNMET_COLUMNS)

    @property
    def committed_frame(self) -> pd.DataFrame:
        """(area, commodity, units) delivered before this plan."""
        return records_frame(self.committed, COMMITTED_COLUMNS)

    @property
    def water_service_frame(self) -> pd.DataFrame:
        """(point, area, commodity, day, units) served by local water points."""
        return records_frame(self.water_service, WATER_SERVICE_COLUMNS)

    def to_dict(self) -> JSONDocument:
        """plan.json's content."""
        return {
            "format": FORMAT,
            "scenario": self.scenario,
            "scenario_name": self.scenario_name,
            "status": self.status,
            "seed": self.seed,
            "engine": self.engine,
            "iterations": self.iterations,
            "time_limit_s": self.time_limit_s,
            "solve_seconds": self.solve_seconds,
            "first_feasible_s": self.first_feasible_s,
            "kpis": self.kpis.to_dict(),
            "shipments": [s.to_dict() for s in self.shipments],
            "carried_share": self.carried_share,
            "start": self.start,
            "trips": [self._trip_dict(t) for t in self.trips],
            "unmet": [u.to_dict() for u in self.unmet],
            "committed": [c.to_dict() for c in self.committed],
            "water_service": [w.to_dict() for w in self.water_service],
            "requests": [q.to_dict() for q in self.requests],
            "feeds": [self._trip_dict(t) for t in self.feeds],
            "transfers": [x.to_dict() for x in self.transfers],
            "rounds": [r.to_dict() for r in self.rounds],
            "timings": dict(self.timings),
        }

    def _trip_dict(self, t: Trip) -> JSONDocument:
        """A trip as plan.json writes it: with local date-times when the plan has a start."""
        doc = t.to_dict()
        return doc if self.start is None else with_local_times(doc, datetime.fromisoformat(self.start))

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Plan:
        """A plan read from plan.json (one written by `to_dict`: the shape is trusted, not checked;
        `check_plan` validates a hand-made plan field by field)."""
        fmt = d.get("format", FORMAT)
        if fmt != FORMAT:
            raise ValueError(f"plan format {fmt!r}: expected {FORMAT!r}")
        kpis = d["kpis"]
        timings = d.get("timings") or {}
        if not isinstance(kpis, Mapping) or not isinstance(timings, Mapping):
            raise TypeError("kpis and timings: expected objects")
        iterations, limit = d.get("iterations"), d.get("time_limit_s")
        return cls(
            scenario=str(d["scenario"]),
            scenario_name=str(d.get("scenario_name") or ""),
            status=str(d["status"]),
            seed=to_int(d.get("seed", 0)),
            engine=str(d.get("engine", "")),
            iterations=None if iterations is None else to_int(iterations),
            time_limit_s=None if limit is None else to_float(limit),
            solve_seconds=to_float(d.get("solve_seconds", 0.0)),
            first_feasible_s=to_float(d.get("first_feasible_s", 0.0)),
            kpis=PlanKpis.from_dict(kpis),
            shipments=_read(d, "shipments", Shipment.from_dict),
            trips=_read(d, "trips", Trip.from_dict),
            unmet=_read(d, "unmet", Unmet.from_dict),
            rounds=_read(d, "rounds", RoundRecord.from_dict),
            timings={str(k): to_float(v) for k, v in timings.items()},
            committed=_read(d, "committed", CommittedDelivery.from_dict),
            water_service=_read(d, "water_service", WaterDelivery.from_dict),
            start=None if d.get("start") is None else str(d["start"]),
            carried_share=to_float(d.get("carried_share", 1.0)),
            requests=_read(d, "requests", Request.from_dict),
            feeds=_read(d, "feeds", Trip.from_dict),
            transfers=_read(d, "transfers", Transfer.from_dict),
        )


R = TypeVar("R")


def _read(d: Mapping[str, object], key: str, make: Callable[[Mapping[str, object]], R]) -> tuple[R, ...]:
    items = d.get(key) or []
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise TypeError(f"{key}: expected a list")
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            raise TypeError(f"{key}: expected objects, got {item!r}")
        out.append(make(item))
    return tuple(out)
