"""The plan's rows as records: a shipment, an unmet need, a committed delivery, an allocation-routing
round; and their JSON fields (docs/plan-format.md).

Units are kept as computed; `to_dict` rounds them to `UNITS_DECIMALS` as plan.json writes them, so a
plan read back with `from_dict` writes the same document again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from scenarios.jsontypes import JSONDocument

__all__ = [
    "COMMITTED_COLUMNS",
    "SHIPMENT_COLUMNS",
    "UNITS_DECIMALS",
    "UNMET_COLUMNS",
    "WATER_SERVICE_COLUMNS",
    "CommittedDelivery",
    "RoundRecord",
    "Shipment",
    "Transfer",
    "Unmet",
    "WaterDelivery",
    "records_frame",
    "to_float",
    "to_int",
]

UNITS_DECIMALS = 6
SHIPMENT_COLUMNS = ["warehouse", "area", "commodity", "day", "units"]
UNMET_COLUMNS = ["area", "commodity", "group", "day", "units", "reason"]
COMMITTED_COLUMNS = ["area", "commodity", "units"]
WATER_SERVICE_COLUMNS = ["point", "area", "commodity", "day", "units"]


def to_float(value: object) -> float:
    """A JSON number as a float (a TypeError for anything else)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, got {value!r}")


def to_int(value: object) -> int:
    """A JSON integer (or a whole float) as an int."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise TypeError(f"expected an integer, got {value!r}")


def _units(units: float) -> float:
    return round(float(units), UNITS_DECIMALS)


@dataclass(frozen=True)
class Shipment:
    """What the trips unload, summed: `units` of `commodity` from `warehouse` to `area` on delivery
    day `day` (1-based)."""

    warehouse: str
    area: str
    commodity: str
    day: int
    units: float

    def to_dict(self) -> JSONDocument:
        return {
            "warehouse": self.warehouse,
            "area": self.area,
            "commodity": self.commodity,
            "day": int(self.day),
            "units": _units(self.units),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Shipment:
        return cls(
            str(d["warehouse"]), str(d["area"]), str(d["commodity"]), to_int(d["day"]), to_float(d["units"])
        )


@dataclass(frozen=True)
class Unmet:
    """Need of `group` for `commodity` at `area`, arisen on day `day`, that no delivery covers, with
    the reason (one per area and commodity, `result.UNMET_REASONS`)."""

    area: str
    commodity: str
    group: str
    day: int
    units: float
    reason: str

    def to_dict(self) -> JSONDocument:
        return {
            "area": self.area,
            "commodity": self.commodity,
            "group": self.group,
            "day": int(self.day),
            "units": _units(self.units),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Unmet:
        return cls(
            str(d["area"]),
            str(d["commodity"]),
            str(d["group"]),
            to_int(d["day"]),
            to_float(d["units"]),
            str(d["reason"]),
        )


@dataclass(frozen=True)
class CommittedDelivery:
    """Goods delivered to `area` before the plan (e.g. confirmed during an incident)."""

    area: str
    commodity: str
    units: float

    def to_dict(self) -> JSONDocument:
        return {"area": self.area, "commodity": self.commodity, "units": _units(self.units)}

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> CommittedDelivery:
        return cls(str(d["area"]), str(d["commodity"]), to_float(d["units"]))


@dataclass(frozen=True)
class WaterDelivery:
    """Water a local supply point (scenario `water_points`) serves `area` on `day`: a service, not
    warehouse freight."""

    point: str
    area: str
    commodity: str
    day: int
    units: float

    def to_dict(self) -> JSONDocument:
        return {
            "point": self.point,
            "area": self.area,
            "commodity": self.commodity,
            "day": self.day,
            "units": _units(self.units),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> WaterDelivery:
        return cls(
            str(d["point"]), str(d["area"]), str(d["commodity"]), to_int(d["day"]), to_float(d["units"])
        )


@dataclass(frozen=True)
class RoundRecord:
    """One allocation-routing round: the priority-weighted unmet need its routes leave, what the
    allocation shipped, the share of it the trips carried, what they did not carry by reason (kg), and
    the cuts in force after it."""

    weighted_unmet: float
    round: int
    allocation_status: str
    allocated_kg: float
    carried_share: float
    uncarried_kg_by_reason: Mapping[str, float] = field(default_factory=dict)
    transport_cuts: int = 0
    closed_links: int = 0
    tightened: bool = False

    def to_dict(self) -> JSONDocument:
        return {
            "weighted_unmet": self.weighted_unmet,
            "round": self.round,
            "allocation_status": self.allocation_status,
            "allocated_kg": self.allocated_kg,
            "carried_share": self.carried_share,
            "uncarried_kg_by_reason": dict(self.uncarried_kg_by_reason),
            "transport_cuts": self.transport_cuts,
            "closed_links": self.closed_links,
            "tightened": self.tightened,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> RoundRecord:
        by_reason = d.get("uncarried_kg_by_reason") or {}
        if not isinstance(by_reason, Mapping):
            raise TypeError(f"uncarried_kg_by_reason: expected an object, got {by_reason!r}")
        return cls(
            weighted_unmet=to_float(d["weighted_unmet"]),
            round=to_int(d["round"]),
            allocation_status=str(d["allocation_status"]),
            allocated_kg=to_float(d["allocated_kg"]),
            carried_share=to_float(d["carried_share"]),
            uncarried_kg_by_reason={str(k): to_float(v) for k, v in by_reason.items()},
            transport_cuts=to_int(d.get("transport_cuts", 0)),
            closed_links=to_int(d.get("closed_links", 0)),
            tightened=bool(d.get("tightened", False)),
        )


def records_frame(
    records: Iterable[Shipment | Unmet | CommittedDelivery | WaterDelivery], columns: list[str]
) -> pd.DataFrame:
    """The records as a table with `columns` (their field names), units as computed."""
    rows = [tuple(getattr(r, c) for c in columns) for r in records]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Transfer:
    """Goods that change vehicles at `hub`: `units` of `commodity` brought by the feed (`from_vehicle`,
    its trip `from_trip`) arriving at `arrive_h`, taken on by (`to_vehicle`, `to_trip`) leaving at
    `depart_h` (hours on the plan's clock)."""

    hub: str
    from_vehicle: str
    from_trip: int
    to_vehicle: str
    to_trip: int
    commodity: str
    units: float
    arrive_h: float
    depart_h: float

    def to_dict(self) -> JSONDocument:
        return {
            "hub": self.hub,
            "from_vehicle": self.from_vehicle,
            "from_trip": self.from_trip,
            "to_vehicle": self.to_vehicle,
            "to_trip": self.to_trip,
            "commodity": self.commodity,
            "units": round(self.units, 6),
            "arrive_h": self.arrive_h,
            "depart_h": self.depart_h,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> Transfer:
        return cls(
            str(d["hub"]),
            str(d["from_vehicle"]),
            to_int(d["from_trip"]),
            str(d["to_vehicle"]),
            to_int(d["to_trip"]),
            str(d["commodity"]),
            to_float(d["units"]),
            to_float(d["arrive_h"]),
            to_float(d["depart_h"]),
        )
