"""The KPIs of a routing result: trips, vehicles, distance, vehicle hours, tonne-km, cost, loads, the
share of kg carried and the kg left by reason. `to_dict` gives them as `siaga route` writes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from scenarios.jsontypes import JSONDocument

from . import units as u
from .loads import Load
from .trips import Trip

__all__ = ["RoutingKpis", "routing_kpis"]


@dataclass(frozen=True)
class RoutingKpis:
    """`trips` departures; `vehicles_used` distinct vehicle-days; `distance_km`, `vehicle_hours` (the
    routes' durations), `tonne_km`; `cost` in rupiah; `loads` made from the shipments;
    `kg_carried_share` of their kg; `unassigned_kg_by_reason` reason -> kg left."""

    trips: int
    vehicles_used: int
    distance_km: float
    vehicle_hours: float
    tonne_km: float
    cost: float
    loads: int
    kg_carried_share: float
    unassigned_kg_by_reason: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> JSONDocument:
        return {
            "trips": self.trips,
            "vehicles_used": self.vehicles_used,
            "distance_km": self.distance_km,
            "vehicle_hours": self.vehicle_hours,
            "tonne_km": self.tonne_km,
            "cost": self.cost,
            "loads": self.loads,
            "kg_carried_share": self.kg_carried_share,
            "unassigned_kg_by_reason": dict(self.unassigned_kg_by_reason),
        }


def routing_kpis(
    trips: Sequence[Trip], loads: Sequence[Load], unassigned: pd.DataFrame, cost: int
) -> RoutingKpis:
    """KPIs of `trips` made for `loads` (all of them, carried or not), the `unassigned` frame (kg by
    reason) and the routes' `cost` in money units."""
    kg_total = sum(ld.kg for ld in loads)
    kg_left = float(unassigned["kg"].sum()) if len(unassigned) else 0.0
    by_reason = unassigned.groupby("reason")["kg"].sum().round(3).to_dict() if len(unassigned) else {}
    return RoutingKpis(
        trips=len(trips),
        vehicles_used=len({t.vehicle + f"@{t.day}" for t in trips}),
        distance_km=round(sum(t.distance_km or 0.0 for t in trips), 3),
        vehicle_hours=round(sum(t.duration_h or 0.0 for t in trips), 3),
        tonne_km=round(sum(t.tonne_km or 0.0 for t in trips), 3),
        cost=u.to_idr(cost),
        loads=len(loads),
        kg_carried_share=(kg_total - kg_left) / kg_total if kg_total else 1.0,
        unassigned_kg_by_reason=by_reason,
    )
