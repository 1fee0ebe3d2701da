"""Planning settings of a scenario (`Policy`) and the rivers' water levels."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, Field

from .fields import MAX_SEED, MAX_TIME_LIMIT_S, MAX_VEHICLE_KG, Day, Id, NonNeg, Share, _Frozen

__all__ = ["HOUSEHOLD_SIZE", "WATER_LEVELS", "Policy", "WaterLevel"]

Stage = Literal["deprivation", "equity", "cost"]
FleetRule = Literal["pooled", "own_warehouse"]
PriorityRule = Literal["household", "person"]
# people per KK where the scenario gives none: an estimate between the Samarinda 2019 flood's 3.2
# (56,123 people, 17,485 KK) and the 5.13 of poor households in Kaltim (BPS, March 2024)
HOUSEHOLD_SIZE = 3.5
WaterLevel = Literal["normal", "low", "flood"]
WATER_LEVELS: tuple[WaterLevel, ...] = get_args(WaterLevel)


class Policy(_Frozen):
    """Planning settings: horizon, standards profile in force, objective stages and limits."""

    horizon_days: Annotated[int, Field(ge=1, le=90)] = 3
    standards: Id = "bnpb"
    day_start_h: Annotated[float, Field(ge=0, lt=24, allow_inf_nan=False)] = 6.0
    # day 1, 00:00 local time, with its UTC offset (WITA: +08:00); plans then show local date-times
    start: AwareDatetime | None = None
    # pooled: a vehicle loads at any warehouse it reaches (a unified command post); own_warehouse:
    # only at its base
    fleet: FleetRule = "pooled"
    stages: tuple[Stage, ...] = ("deprivation", "equity", "cost")
    tolerance: Share = 0.0  # 0: each stage keeps the previous optima exactly
    deprivation_growth_per_day: NonNeg = 0.5
    # people per KK (household); None: HOUSEHOLD_SIZE
    household_size: Annotated[float, Field(ge=1, le=20, allow_inf_nan=False)] | None = None
    # of the affected people not displaced, the share that still needs rations and kits (flooded houses)
    at_home_share: Share = 0.0
    # household: base rations weigh the same for every member of a household (the weight of the
    # `household` group where a member is vulnerable, 1 otherwise), extras weigh their group's weight;
    # person: every ration weighs its group's weight
    priority_rule: PriorityRule = "household"
    time_limit_s: Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S, allow_inf_nan=False)] = 60.0
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] = 0
    # the rivers' water level (edges' vessel rules), and where it changes, the level from a day on
    water_level: WaterLevel = "normal"
    water_level_by_day: dict[Day, WaterLevel] = Field(default_factory=dict)
    # dispatch economics: a trip longer than min_trip_km (out and back) carrying under min_trip_kg is
    # not made, and small daily consignments to one area travel together (either at 0: no such rule)
    min_trip_kg: Annotated[float, Field(ge=0, le=MAX_VEHICLE_KG, allow_inf_nan=False)] = 50.0
    min_trip_km: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)] = 200.0
    # IDR a person-day of deprivation avoided is worth when weighing a charter's cost (an estimate)
    charter_value_per_person_day: Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)] = 100_000.0
    # warehouses whose reserve floor (Warehouse.reserve_share) the province releases for this response
    released_reserves: tuple[Id, ...] = ()

    @property
    def water_levels(self) -> tuple[WaterLevel, ...]:
        """The levels in force on some day of the horizon, in WATER_LEVELS order. A plan must be
        passable at all of them: an edge is open to a vehicle type when every one allows it."""
        level, seen = self.water_level, set()
        for day in range(1, self.horizon_days + 1):
            level = self.water_level_by_day.get(day, level)
            seen.add(level)
        return tuple(x for x in WATER_LEVELS if x in seen)

    @property
    def kk_size(self) -> float:
        """People per household: the scenario's, else HOUSEHOLD_SIZE."""
        return self.household_size if self.household_size is not None else HOUSEHOLD_SIZE
