"""A trip and its stops: one departure of one vehicle from its warehouse, as plan.json records it.

Rounding is done once, when a trip is made (hours to 3 decimals, units to 6, kg to 3, m3 and
tonne-km to 4), so `to_dict` writes the fields as they are. `from_dict` reads a plan.json trip back;
it trusts the shape (the plan checker validates hand-made plans field by field before it builds one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scenarios.jsontypes import JSONDocument

__all__ = ["Stop", "Trip"]


@dataclass(frozen=True)
class Stop:
    """One area a trip calls at: when it arrives (hours on the delivery day's clock) and what it
    unloads there, commodity -> units."""

    area: str
    arrive_h: float | None
    deliver: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> JSONDocument:
        return {"area": self.area, "arrive_h": self.arrive_h, "deliver": dict(self.deliver)}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Stop:
        arrive = d.get("arrive_h")
        deliver = d.get("deliver") or {}
        assert isinstance(deliver, Mapping)
        return cls(
            area=str(d["area"]),
            arrive_h=None if arrive is None else float(arrive),  # type: ignore[arg-type]
            deliver={str(c): float(q) for c, q in deliver.items()},
        )


@dataclass(frozen=True)
class Trip:
    """One departure of one vehicle: its stops in visiting order, with the distance, duration and load
    of the whole warehouse-to-warehouse tour (field meanings in docs/plan-format.md)."""

    vehicle: str
    vehicle_type: str
    warehouse: str
    day: int
    trip: int
    depart_h: float | None
    return_h: float | None
    stops: tuple[Stop, ...]
    distance_km: float | None = None
    duration_h: float | None = None
    load_kg: float | None = None
    load_m3: float | None = None
    tonne_km: float | None = None

    def to_dict(self) -> JSONDocument:
        return {
            "vehicle": self.vehicle,
            "vehicle_type": self.vehicle_type,
            "warehouse": self.warehouse,
            "day": self.day,
            "trip": self.trip,
            "depart_h": self.depart_h,
            "return_h": self.return_h,
            "stops": [s.to_dict() for s in self.stops],
            "distance_km": self.distance_km,
            "duration_h": self.duration_h,
            "load_kg": self.load_kg,
            "load_m3": self.load_m3,
            "tonne_km": self.tonne_km,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Trip:
        stops = d.get("stops") or []
        assert isinstance(stops, list)
        return cls(
            vehicle=str(d["vehicle"]),
            vehicle_type=str(d["vehicle_type"]),
            warehouse=str(d["warehouse"]),
            day=int(d["day"]),  # type: ignore[call-overload]
            trip=int(d.get("trip", 1)),  # type: ignore[call-overload]
            depart_h=_opt(d.get("depart_h")),
            return_h=_opt(d.get("return_h")),
            stops=tuple(Stop.from_dict(s) for s in stops),
            distance_km=_opt(d.get("distance_km")),
            duration_h=_opt(d.get("duration_h")),
            load_kg=_opt(d.get("load_kg")),
            load_m3=_opt(d.get("load_m3")),
            tonne_km=_opt(d.get("tonne_km")),
        )

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas called at, in visiting order."""
        return tuple(s.area for s in self.stops)


def _opt(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
