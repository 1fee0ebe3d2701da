"""A trip, its stops and its rests: one departure of one vehicle from the warehouse it loads at, as
plan.json records it. Every hour is on the plan's one clock: hours since day 1, 00:00 local time.

Rounding is done once, when a trip is made (hours to 3 decimals, units to 6, kg to 3, m3 and
tonne-km to 4), so `to_dict` writes the fields as they are. `from_dict` reads a plan.json trip back;
it trusts the shape (the plan checker validates hand-made plans field by field before it builds one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scenarios.jsontypes import JSONDocument

__all__ = ["Rest", "Stop", "Trip"]


@dataclass(frozen=True)
class Stop:
    """One area a trip calls at: when it arrives and when it leaves again (unloaded, after any wait
    for the area's access window), and what it unloads there, commodity -> units."""

    area: str
    arrive_h: float | None
    deliver: Mapping[str, float] = field(default_factory=dict)
    leave_h: float | None = None

    def to_dict(self) -> JSONDocument:
        return {
            "area": self.area,
            "arrive_h": self.arrive_h,
            "leave_h": self.leave_h,
            "deliver": dict(self.deliver),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Stop:
        deliver = d.get("deliver") or {}
        assert isinstance(deliver, Mapping)
        return cls(
            area=str(d["area"]),
            arrive_h=_opt(d.get("arrive_h")),
            deliver={str(c): float(q) for c, q in deliver.items()},
            leave_h=_opt(d.get("leave_h")),
        )


@dataclass(frozen=True)
class Rest:
    """Time the crew does not work inside a trip: off duty overnight, or waiting (for daylight, for an
    area's access window). `at` the warehouse or area where it stops; on the way, `between` the leg's
    two ends and `driven_h` the hours of that leg already driven."""

    from_h: float
    until_h: float
    at: str | None = None
    between: tuple[str, str] | None = None
    driven_h: float | None = None

    def to_dict(self) -> JSONDocument:
        out: JSONDocument = {"from_h": self.from_h, "until_h": self.until_h}
        if self.at is not None:
            out["at"] = self.at
        if self.between is not None:
            out["between"] = list(self.between)
            out["driven_h"] = self.driven_h
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Rest:
        between = d.get("between")
        return cls(
            from_h=float(d["from_h"]),  # type: ignore[arg-type]
            until_h=float(d["until_h"]),  # type: ignore[arg-type]
            at=None if d.get("at") is None else str(d["at"]),
            between=None if not isinstance(between, list) else (str(between[0]), str(between[1])),
            driven_h=_opt(d.get("driven_h")),
        )


@dataclass(frozen=True)
class Trip:
    """One departure of one vehicle from the warehouse it loads at (`warehouse`), its stops in visiting
    order and back there; before it, the drive from where the vehicle was (`empty_from`, a warehouse,
    from `start_h`; none when it is already there). `day` is the day it departs
    (floor(depart_h / 24) + 1), `trip` its number on the vehicle's timeline, `base` where the vehicle
    is based. Distance and duration cover the whole trip, the empty drive included (field meanings
    in docs/plan-format.md)."""

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
    base: str | None = None
    start_h: float | None = None
    empty_from: str | None = None
    empty_km: float = 0.0
    rests: tuple[Rest, ...] = ()
    charter: str | None = None  # the scenario charter the vehicle comes from (None: the own fleet)
    feed: bool = False  # a feeder trip: its stops are hubs' warehouses, not areas (plan.json `feeds`)

    @property
    def began_h(self) -> float | None:
        """When the trip's work begins: the empty drive's start, else the departure."""
        return self.start_h if self.start_h is not None else self.depart_h

    @property
    def home(self) -> str:
        """Where the vehicle is based (its loading warehouse when the plan does not say)."""
        return self.base or self.warehouse

    def to_dict(self) -> JSONDocument:
        doc: JSONDocument = {"charter": self.charter} if self.charter is not None else {}
        if self.feed:
            doc["feed"] = True
        return doc | {
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
            "base": self.base,
            "start_h": self.start_h,
            "empty_from": self.empty_from,
            "empty_km": self.empty_km,
            "rests": [r.to_dict() for r in self.rests],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Trip:
        stops = d.get("stops") or []
        rests = d.get("rests") or []
        assert isinstance(stops, list) and isinstance(rests, list)
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
            base=None if d.get("base") is None else str(d["base"]),
            start_h=_opt(d.get("start_h")),
            empty_from=None if d.get("empty_from") is None else str(d["empty_from"]),
            empty_km=_opt(d.get("empty_km")) or 0.0,
            rests=tuple(Rest.from_dict(r) for r in rests),
            charter=None if d.get("charter") is None else str(d["charter"]),
            feed=d.get("feed") is True,
        )

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas called at, in visiting order."""
        return tuple(s.area for s in self.stops)


def _opt(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
