"""The scenario data model: frozen pydantic models, every cross-reference checked.

A `Scenario` is self-contained: it carries its commodity catalogue, PMKS groups and standards
profiles, so one JSON document describes a whole problem (the format of the HTTP API and of
`siaga show`). Units are in the field names: `_kg`, `_m3`, `_km`, `_h`, `_kmh`, `_t`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .fields import (
    MAX_FLEET_COUNT,
    MAX_ITEM_DAYS,
    MAX_KG_PER_UNIT,
    MAX_M3_PER_UNIT,
    MAX_PEOPLE,
    MAX_THROUGHPUT_T_PER_DAY,
    MAX_VEHICLE_KG,
    MAX_VEHICLE_M3,
    MAX_WAREHOUSE_M3,
    MAX_WEIGHT_T,
    Cost,
    Day,
    Hour,
    Id,
    Lat,
    Lon,
    NonNeg,
    People,
    Positive,
    Share,
    Speed,
    Text,
    Units,
    _Frozen,
)
from .network_model import MODES, Damage, Edge, Mode, Network, Node
from .policy import HOUSEHOLD_SIZE, WATER_LEVELS, Policy
from .services import Kitchen, WaterPoint
from .supply import Charter, Hub, Supplier

__all__ = [
    "DAYLIGHT_H",
    "HOUSEHOLD_SIZE",
    "MODES",
    "WATER_LEVELS",
    "Area",
    "Arrival",
    "Charter",
    "Commodity",
    "Damage",
    "Edge",
    "FleetLine",
    "Group",
    "Hub",
    "Kitchen",
    "Network",
    "Node",
    "Policy",
    "Scenario",
    "StandardItem",
    "StandardsProfile",
    "Supplier",
    "VehicleType",
    "Warehouse",
    "WaterPoint",
]

# the hours of a day (local time) in which daylight-only vehicles and links may move: the one
# definition of the daylight window (routing, plan checks) and so of daylight-limited shift hours
DAYLIGHT_H: tuple[float, float] = (6.0, 18.0)
CommodityKind = Literal[
    "food", "water", "shelter", "hygiene", "health", "infant", "elderly", "disability", "other"
]
GroupKind = Literal["pmks", "vulnerable", "general", "household"]


class Commodity(_Frozen):
    """A relief item counted in `unit`s, with its mass and volume per unit."""

    id: Id
    name: Text
    name_en: Text | None = None
    unit: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    kg_per_unit: Annotated[float, Field(gt=0, le=MAX_KG_PER_UNIT, allow_inf_nan=False)]
    m3_per_unit: Annotated[float, Field(ge=0, le=MAX_M3_PER_UNIT, allow_inf_nan=False)]
    kind: CommodityKind = "other"
    note: Text | None = None


class Group(_Frozen):
    """A PMKS/PPKS category (Permensos 08/2012), a vulnerable group, or the general population.

    `share` is the fraction of a bare affected count in this group (None: never split into). A group
    of kind `household` holds no people of its own: under the household priority rule (Policy) it is
    where the needs put the general members of households with a vulnerable member, and its weight is
    the weight of every base ration in such a household.
    """

    id: Id
    pmks_no: Annotated[int, Field(ge=1, le=26)] | None = None
    kind: GroupKind = "pmks"
    name: Text
    name_en: Text | None = None
    priority_weight: NonNeg = 1.0
    share: Share | None = None
    note: Text | None = None


Basis = Literal["affected", "displaced"]
Per = Literal["person", "household"]


class StandardItem(_Frozen):
    """`quantity` covers `per_persons` people (households with `per: household`) for `per_days` days
    (None: once, on day 1).

    `basis`: who needs it, every affected person or the displaced ones (plus the policy's
    `at_home_share` of the others for rations and kits); `share`: the fraction of those people of each
    group it applies to (MP-ASI: the children of 6-23 months among the under-fives); `covers`: how much
    of its need category (the commodity's kind) it meets, relative to the category's other items for
    the same group (normalised per group and category)."""

    commodity: Id
    quantity: Units
    per_persons: Annotated[float, Field(gt=0, le=MAX_PEOPLE, allow_inf_nan=False)] = 1.0
    per_days: Annotated[float, Field(gt=0, le=MAX_ITEM_DAYS, allow_inf_nan=False)] | None = 1.0
    groups: tuple[Id, ...] = ()
    basis: Basis = "displaced"
    per: Per = "person"
    share: Share = 1.0
    covers: Positive = 1.0
    note: Text | None = None


class StandardsProfile(_Frozen):
    """Per-person needs (e.g. BNPB Perka 7/2008, Sphere), with per-group extra items."""

    id: Id
    name: Text
    source: Text | None = None
    extends: Id | None = None
    items: tuple[StandardItem, ...] = ()


class Area(_Frozen):
    """A demand point (desa, kelurahan, kecamatan or shelter) with its people by group.

    `needs` are needs assessed in the field (or given by a dataset): units of a commodity for the
    whole horizon. They replace the standards-based needs of that commodity in this area.
    """

    id: Id
    name: Text
    code: Annotated[str, StringConstraints(max_length=40)] | None = None
    kind: Annotated[str, StringConstraints(max_length=40)] | None = None
    kab_code: Annotated[str, StringConstraints(max_length=40)] | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    node: Id | None = None
    people: dict[Id, People] = Field(default_factory=dict)
    needs: dict[Id, Units] = Field(default_factory=dict)
    displaced_share: Share = 1.0
    access_window_h: tuple[Hour, Hour] | None = None
    modes: tuple[Mode, ...] | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Area:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        if self.access_window_h and self.access_window_h[0] >= self.access_window_h[1]:
            raise ValueError("access window must open before it closes")
        return self

    @property
    def total_people(self) -> float:
        return sum(self.people.values())


class Arrival(_Frozen):
    """Stock expected at a warehouse on a day of the horizon (units of a commodity); `supplier`: the
    scenario supplier it comes from (in `Scenario.arrivals_of`), None for a listed arrival."""

    commodity: Id
    day: Day
    units: Units
    supplier: Id | None = None


Owner = Literal["province", "kabkota", "kemensos", "bnpb", "bulog", "private", "ngo"]


class Warehouse(_Frozen):
    """A depot holding stock (units by commodity id), with stock arriving later in `arrivals`.

    `owner`: whose stock it is (a kab/kota's is its `kab_code`'s; None: not tracked). A draw for an
    area of another owner needs a request (plan.json `requests`). `reserve_share`: of each commodity's
    stock over the horizon, the share kept for the areas of its own `kab_code` unless the policy lists
    the warehouse in `released_reserves`."""

    id: Id
    name: Text
    operator: Text | None = None
    kind: Annotated[str, StringConstraints(max_length=40)] | None = None
    kab_code: Annotated[str, StringConstraints(max_length=40)] | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    node: Id | None = None
    stock: dict[Id, Units] = Field(default_factory=dict)
    arrivals: tuple[Arrival, ...] = ()
    capacity_m3: Annotated[float, Field(ge=0, le=MAX_WAREHOUSE_M3, allow_inf_nan=False)] | None = None
    throughput_t_per_day: (
        Annotated[float, Field(ge=0, le=MAX_THROUGHPUT_T_PER_DAY, allow_inf_nan=False)] | None
    ) = None
    owner: Owner | None = None
    reserve_share: Share = 0.0
    note: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> Warehouse:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        if self.reserve_share > 0 and self.kab_code is None:
            raise ValueError("a reserve floor (reserve_share) needs the warehouse's kab_code")
        return self

    @property
    def owner_key(self) -> tuple[str, str] | None:
        """Whose stock it is: (owner, kab_code) for a kab/kota's, (owner, "") otherwise."""
        if self.owner is None:
            return None
        return (self.owner, self.kab_code or "") if self.owner == "kabkota" else (self.owner, "")


class VehicleType(_Frozen):
    """A kind of vehicle: the modes and road classes it may use, its speed, capacity and costs."""

    id: Id
    name: Text
    name_en: Text | None = None
    modes: tuple[Mode, ...] = Field(min_length=1)
    road_classes: tuple[Id, ...] | None = None
    speed_kmh: Speed
    class_speed_kmh: dict[Id, Speed] = Field(default_factory=dict)
    capacity_kg: Annotated[float, Field(gt=0, le=MAX_VEHICLE_KG, allow_inf_nan=False)]
    capacity_m3: Annotated[float, Field(gt=0, le=MAX_VEHICLE_M3, allow_inf_nan=False)]
    weight_t: Annotated[float, Field(ge=0, le=MAX_WEIGHT_T, allow_inf_nan=False)] = 0.0
    cost_per_km: Cost = 0.0
    cost_per_h: Cost = 0.0
    fixed_cost: Cost = 0.0
    shift_h: Annotated[float, Field(gt=0, le=24, allow_inf_nan=False)] = 10.0
    daylight_only: bool = False
    note: Text | None = None

    @property
    def duty_h(self) -> float:
        """Hours it may work in a day: its shift, at most the daylight window when daylight-only."""
        if self.daylight_only:
            return min(self.shift_h, DAYLIGHT_H[1] - DAYLIGHT_H[0])
        return self.shift_h

    def duty_window_h(self, day_start_h: float) -> tuple[float, float]:
        """(start, end) hours of the day it works when its shift starts at `day_start_h`: the shift,
        cut to the daylight window when daylight-only (empty windows end where they start)."""
        start, end = day_start_h, day_start_h + self.shift_h
        if self.daylight_only:
            start, end = max(start, DAYLIGHT_H[0]), min(end, DAYLIGHT_H[1])
        return start, max(start, end)


class FleetLine(_Frozen):
    """`count` vehicles of a type based at a warehouse."""

    warehouse: Id
    vehicle_type: Id
    count: Annotated[int, Field(ge=0, le=MAX_FLEET_COUNT)]
    note: Text | None = None


class Scenario(_Frozen):
    """A whole relief-logistics problem. Construction checks every cross-reference."""

    id: Id
    name: Text
    description: Text | None = None
    commodities: tuple[Commodity, ...]
    groups: tuple[Group, ...]
    standards: tuple[StandardsProfile, ...]
    areas: tuple[Area, ...]
    warehouses: tuple[Warehouse, ...] = ()
    vehicle_types: tuple[VehicleType, ...] = ()
    fleet: tuple[FleetLine, ...] = ()
    network: Network = Field(default_factory=Network)
    damage: tuple[Damage, ...] = ()
    water_points: tuple[WaterPoint, ...] = ()
    kitchens: tuple[Kitchen, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    charters: tuple[Charter, ...] = ()
    hubs: tuple[Hub, ...] = ()
    policy: Policy = Field(default_factory=Policy)

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        from .references import ReferenceProblems, reference_problems

        problems = reference_problems(self)
        if problems:
            raise ReferenceProblems(problems)
        return self

    def arrivals_of(self, warehouse: Warehouse) -> tuple[Arrival, ...]:
        """The warehouse's arrivals within the horizon: those it lists, then what its suppliers
        deliver (each marked with its supplier)."""
        H = self.policy.horizon_days
        own = tuple(a for a in warehouse.arrivals if a.day <= H)
        bought = tuple(
            Arrival(commodity=sp.commodity, day=day, units=units, supplier=sp.id)
            for sp in self.suppliers
            if sp.warehouse == warehouse.id
            for day, units in sp.deliveries(H)
        )
        return own + bought

    def standards_profile(self, profile_id: str | None = None) -> StandardsProfile:
        """The profile `profile_id`, or the one the policy names."""
        wanted = profile_id or self.policy.standards
        for profile in self.standards:
            if profile.id == wanted:
                return profile
        known = ", ".join(p.id for p in self.standards)
        raise KeyError(f"unknown standards profile '{wanted}'; expected one of: {known}")
