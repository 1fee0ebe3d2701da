"""The supply side beyond a scenario's own warehouses and fleet: local suppliers (a market, Bulog's CBP
rice release, a Kemensos or BNPB consignment on order) and charters or requisitions of vehicles (TNI,
Polri and BNPB trucks, boats and helicopters; a private boat operator)."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from .fields import MAX_FLEET_COUNT, MAX_HOURS, Cost, Day, Hours, Id, Text, Units, _Frozen

__all__ = ["Charter", "Hub", "Supplier"]

SupplierKind = Literal["market", "bulog", "kemensos", "bnpb", "private", "other"]
ProviderKind = Literal["tni", "polri", "bnpb", "basarnas", "private", "other"]


class Supplier(_Frozen):
    """Goods to buy or to ask for: `units_per_day` of `commodity` delivered to `warehouse`, ordered on
    day `from_day` and there `lead_time_h` later (usable from the day after it arrives when it arrives
    after 00:00: day `from_day + ceil(lead_time_h / 24)`), every day from then on, at most `max_units`
    in all; `price_per_unit` in IDR (0: released free, such as Bulog's CBP on a governor's request)."""

    id: Id
    name: Text
    kind: SupplierKind = "market"
    warehouse: Id
    commodity: Id
    units_per_day: Units
    max_units: Units | None = None
    price_per_unit: Cost = 0.0
    lead_time_h: Hours = 0.0
    from_day: Day = 1
    note: Text | None = None

    def deliveries(self, horizon_days: int) -> list[tuple[int, float]]:
        """(day, units) it delivers within the horizon."""
        first = self.from_day + math.ceil(self.lead_time_h / 24 - 1e-9)
        left = math.inf if self.max_units is None else self.max_units
        out = []
        for day in range(first, horizon_days + 1):
            units = min(self.units_per_day, left)
            if units <= 0:
                break
            out.append((day, units))
            left -= units
        return out


class Charter(_Frozen):
    """`count` vehicles of `vehicle_type` that can be chartered or requisitioned from `provider` (of kind
    `provider_kind`: whom the coordinator asks), based at `warehouse` from `from_h` on the plan's clock
    (hours since day 1, 00:00), at `cost_per_day` IDR for each day it is engaged plus `cost_per_h` for
    each hour it works. The plan takes it when the deprivation it avoids, valued at the policy's
    `charter_value_per_person_day`, is worth its cost (docs/scenario-format.md)."""

    id: Id
    vehicle_type: Id
    count: Annotated[int, Field(ge=1, le=MAX_FLEET_COUNT)] = 1
    warehouse: Id
    from_h: Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False)] = 0.0
    cost_per_day: Cost = 0.0
    cost_per_h: Cost = 0.0
    provider: Text
    provider_kind: ProviderKind = "private"
    note: Text | None = None


class Hub(_Frozen):
    """A transshipment hub: a river landing, an airstrip or a warehouse (the scenario warehouse
    `warehouse`, usually without stock of its own) where goods change vehicles. Feeder trips bring goods
    there from `sources` (warehouses; empty: any that holds them); after `handling_h` hours the vehicles
    that may load there carry them on to the areas within `reach_h` hours of it, at most
    `capacity_t_per_day` tonnes a day (None: no limit)."""

    id: Id
    name: Text
    warehouse: Id
    handling_h: Hours = 2.0
    capacity_t_per_day: Annotated[float, Field(gt=0, le=1e6, allow_inf_nan=False)] | None = None
    reach_h: Annotated[float, Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)] = 24.0
    sources: tuple[Id, ...] = ()
    note: Text | None = None
