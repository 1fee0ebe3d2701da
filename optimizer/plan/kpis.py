"""The KPIs a coordinator reports, after Huang, Smilowitz & Balcik (2012): efficacy (how much need is
met, how fast), equity (how evenly) and efficiency (what it costs). Definitions, field by field, in
docs/plan-format.md; every number is computed from the needs, the trips and the service rule of
`served.py`, so any plan (also a hand-made one) gets the same KPIs for the same deliveries. The
headline KPIs count people (kpis_people.py): person-days without each need category, households.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TypedDict

import numpy as np
import pandas as pd

from scenarios.jsontypes import JSONDocument
from scenarios.model import Scenario

from ..routing.trips import Stop, Trip
from .kpis_people import people_kpis
from .records import to_float, to_int
from .served import Service

__all__ = ["ArrivalHours", "PlanKpis", "arrival_day", "delivered_from_trips", "gini", "plan_kpis"]


@dataclass(frozen=True)
class ArrivalHours:
    """Hours from 00:00 of day 1 to the first delivery at each area served: mean, 90th percentile and
    max (None when nothing is delivered), over `areas` areas."""

    mean: float | None
    p90: float | None
    max: float | None
    areas: int

    def to_dict(self) -> JSONDocument:
        return {"mean": self.mean, "p90": self.p90, "max": self.max, "areas": self.areas}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> ArrivalHours:
        def opt(v: object) -> float | None:
            return None if v is None else to_float(v)

        return cls(opt(d.get("mean")), opt(d.get("p90")), opt(d.get("max")), to_int(d.get("areas", 0)))


@dataclass(frozen=True)
class PlanKpis:
    """The plan's KPIs; field names and order are plan.json's `kpis` keys (docs/plan-format.md).
    Fill rates are need-weighted (person-days), except by commodity."""

    fill_rate: float
    fill_rate_by_commodity: Mapping[str, float]
    fill_rate_by_group: Mapping[str, float]
    fill_rate_by_area: Mapping[str, float]
    person_days_without: Mapping[str, float]
    person_days_without_by_group: Mapping[str, Mapping[str, float]]
    person_days_without_by_area: Mapping[str, Mapping[str, float]]
    displaced_covered_3d: float | None
    vulnerable_households_reached: float | None
    first_delivery_h: Mapping[str, float]
    households_served: float
    cost_per_household: float | None
    stock_left_by_kab: Mapping[str, Mapping[str, float]]
    kitchens: Mapping[str, Mapping[str, float]]
    water_l: Mapping[str, float]
    weighted_unmet: float
    unmet_units: float
    person_days_deprived: float
    arrival_h: ArrivalHours
    min_area_fill_rate: float
    max_area_fill_rate: float
    gini: float
    cost: float
    tonne_km: float
    vehicle_hours: float
    distance_km: float
    vehicles_used: int
    vehicle_days: int
    trips: int
    delivered_kg: float

    def to_dict(self) -> JSONDocument:
        out: JSONDocument = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, ArrivalHours):
                out[f.name] = value.to_dict()
            elif isinstance(value, Mapping):
                out[f.name] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in value.items()}
            else:
                out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> PlanKpis:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = d[f.name]
            if f.name == "arrival_h":
                values[f.name] = ArrivalHours.from_dict(_mapping(f.name, raw))
            elif f.name in _NESTED:
                values[f.name] = {
                    str(k): {str(c): to_float(x) for c, x in _mapping(f.name, v).items()}
                    for k, v in _mapping(f.name, raw).items()
                }
            elif f.name in _FLAT:
                values[f.name] = {str(k): to_float(v) for k, v in _mapping(f.name, raw).items()}
            elif f.name in ("vehicles_used", "vehicle_days", "trips"):
                values[f.name] = to_int(raw)
            elif f.name in _OPTIONAL:
                values[f.name] = None if raw is None else to_float(raw)
            else:
                values[f.name] = to_float(raw)
        return cls(**values)  # type: ignore[arg-type]


_NESTED = ("person_days_without_by_group", "person_days_without_by_area", "stock_left_by_kab", "kitchens")
_FLAT = (
    "fill_rate_by_commodity",
    "fill_rate_by_group",
    "fill_rate_by_area",
    "person_days_without",
    "first_delivery_h",
    "water_l",
)
_OPTIONAL = ("displaced_covered_3d", "vulnerable_households_reached", "cost_per_household")


def _mapping(name: str, raw: object) -> Mapping:
    if not isinstance(raw, Mapping):
        raise TypeError(f"{name}: expected an object, got {raw!r}")
    return raw


def arrival_day(trip: Trip, stop: Stop) -> int:
    """The day a stop's goods arrive, floor(arrive_h / 24) + 1 on the plan's clock (a hand-made stop
    without an arrival hour: its trip's day)."""
    if stop.arrive_h is None:
        return int(trip.day)
    return math.floor(float(stop.arrive_h) / 24) + 1


def delivered_from_trips(trips: Sequence[Trip]) -> pd.DataFrame:
    """(warehouse, area, commodity, day, units): what the trips unload, summed, by the day it arrives
    (a day past the horizon delivers nothing within the plan)."""
    rows = [
        (t.warehouse, st.area, c, arrival_day(t, st), float(q))
        for t in trips
        for st in t.stops
        for c, q in st.deliver.items()
    ]
    frame = pd.DataFrame(rows, columns=["warehouse", "area", "commodity", "day", "units"])
    return frame.groupby(["warehouse", "area", "commodity", "day"], as_index=False, sort=True)["units"].sum()


def gini(values: np.ndarray) -> float:
    """Gini coefficient (0: all equal, towards 1: concentrated): mean absolute difference over all
    pairs divided by twice the mean."""
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * ranks - n - 1) @ x / (n * x.sum()))


def plan_kpis(
    scenario: Scenario,
    needs: pd.DataFrame,
    trips: Sequence[Trip],
    service: Service,
    water: pd.DataFrame | None = None,
) -> PlanKpis:
    """The KPIs of `trips` delivering to `needs` (served by the rule of `served.py`: `service`), with
    `water` (point, area, commodity, day, units) served by local water points."""
    need_c = needs.groupby("commodity")["units"].sum()
    got_c = service.served.groupby("commodity")["units"].sum().reindex(need_c.index, fill_value=0.0)
    by_c = _ratio(got_c, need_c)
    people = people_kpis(scenario, needs, trips, service)
    by_area = pd.Series(people["fill_rate_by_area"], dtype=float)
    un = service.unmet
    fleet = _fleet(scenario, trips)
    kk = people["households_served"]
    return PlanKpis(
        fill_rate_by_commodity=_ordered(by_c, [c.id for c in scenario.commodities]),
        **people,
        cost_per_household=round(fleet["cost"] / kk, 2) if kk > 0 else None,
        water_l=_water(scenario, needs, trips, service, water),
        weighted_unmet=float((un["units"] * _priority(un, needs)).sum()) if len(un) else 0.0,
        unmet_units=float(un["units"].sum()) if len(un) else 0.0,
        person_days_deprived=round(float(sum(people["person_days_without"].values())), 3),
        arrival_h=_arrivals(trips),
        min_area_fill_rate=float(by_area.min()) if len(by_area) else 1.0,
        max_area_fill_rate=float(by_area.max()) if len(by_area) else 1.0,
        gini=gini(by_area.to_numpy()),
        **fleet,
    )


def _water(
    s: Scenario, needs: pd.DataFrame, trips: Sequence[Trip], service: Service, water: pd.DataFrame | None
) -> dict[str, float]:
    """Units (litres) of the commodities of kind water: needed, served by local water points, hauled by
    the trips, and unmet: water reported on its own."""
    wet = {c.id for c in s.commodities if c.kind == "water"}

    def total(frame: pd.DataFrame | None) -> float:
        if frame is None or frame.empty:
            return 0.0
        return round(float(frame.loc[frame["commodity"].isin(wet), "units"].sum()), 3)

    hauled = sum(float(q) for t in trips for st in t.stops for c, q in st.deliver.items() if c in wet)
    return {
        "need": total(needs),
        "from_water_points": total(water),
        "hauled": round(hauled, 3),
        "unmet": total(service.unmet),
    }


def _priority(frame: pd.DataFrame, needs: pd.DataFrame) -> np.ndarray:
    """The priority of each of `frame`'s rows (area, commodity, group, day), from `needs`."""
    keys = ["area", "commodity", "group", "day"]
    p = needs.set_index(keys)["priority"]
    return p.reindex(pd.MultiIndex.from_frame(frame[keys])).fillna(1.0).to_numpy(float)


def _ratio(got: pd.Series, need: pd.Series) -> pd.Series:
    need = need[need > 0]
    return (got.reindex(need.index, fill_value=0.0) / need).clip(upper=1.0)


def _ordered(series: pd.Series, order: list[str]) -> dict[str, float]:
    d = series.to_dict()
    return {k: float(d[k]) for k in order if k in d}


def _arrivals(trips: Sequence[Trip]) -> ArrivalHours:
    """Hours from the start of day 1 to the first delivery at each area served (stops without an
    arrival hour, possible in a hand-made plan, are left out)."""
    first: dict[str, float] = {}
    for t in trips:
        for st in t.stops:
            if st.arrive_h is None:
                continue
            h = float(st.arrive_h)
            first[st.area] = min(first.get(st.area, h), h)
    if not first:
        return ArrivalHours(None, None, None, 0)
    x = np.array(list(first.values()))
    return ArrivalHours(
        mean=round(float(x.mean()), 3),
        p90=round(float(np.percentile(x, 90)), 3),
        max=round(float(x.max()), 3),
        areas=len(x),
    )


class _FleetUse(TypedDict):
    cost: float
    tonne_km: float
    vehicle_hours: float
    distance_km: float
    vehicles_used: int
    vehicle_days: int
    trips: int
    delivered_kg: float


def _fleet(scenario: Scenario, trips: Sequence[Trip]) -> _FleetUse:
    """Cost (per km and per hour of each trip, plus the fixed cost per vehicle and day), tonne-km,
    vehicle hours, vehicles and vehicle-days used (a field a hand-made trip leaves out counts 0)."""
    vt = {v.id: v for v in scenario.vehicle_types}
    cost = sum(
        vt[t.vehicle_type].cost_per_km * (t.distance_km or 0.0)
        + vt[t.vehicle_type].cost_per_h * (t.duration_h or 0.0)
        for t in trips
    )
    days = {(t.vehicle, t.day): t.vehicle_type for t in trips}
    cost += sum(vt[v].fixed_cost for v in days.values())
    return {
        "cost": round(float(cost), 2),
        "tonne_km": round(float(sum(t.tonne_km or 0.0 for t in trips)), 3),
        "vehicle_hours": round(float(sum(t.duration_h or 0.0 for t in trips)), 3),
        "distance_km": round(float(sum(t.distance_km or 0.0 for t in trips)), 3),
        "vehicles_used": len({t.vehicle for t in trips}),
        "vehicle_days": len(days),
        "trips": len(trips),
        "delivered_kg": round(float(sum(t.load_kg or 0.0 for t in trips)), 3),
    }
