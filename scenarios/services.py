"""Local services of a scenario that are not warehouse freight: water points (PDAM tankers, treatment
units, wells) and dapur umum (public kitchens at a posko)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .fields import (
    MAX_LENGTH_KM,
    MAX_LITRES_PER_DAY,
    MAX_MEALS_PER_DAY,
    MAX_STAFF,
    Day,
    Id,
    Km,
    Lat,
    Lon,
    NonNeg,
    Positive,
    Text,
    _Frozen,
)

__all__ = ["Kitchen", "WaterPoint"]


class WaterPoint(_Frozen):
    """Local water supply (a PDAM tanker service, a mobile treatment unit, a well): `litres_per_day` of
    `commodity` (clean water, by default; a unit of it holds `kg_per_unit` litres, water weighing 1 kg
    a litre) to the areas within `reach_km` (straight line) of it, from day `from_day` on. A service,
    not warehouse freight: it needs no stock, no vehicle of the fleet."""

    id: Id
    name: Text
    kind: Literal["pdam_tanker", "treatment_unit", "well", "other"] = "other"
    operator: Text | None = None
    lat: Lat
    lon: Lon
    commodity: Id = "air_bersih"
    litres_per_day: Annotated[float, Field(ge=0, le=MAX_LITRES_PER_DAY, allow_inf_nan=False)]
    reach_km: Annotated[float, Field(gt=0, le=MAX_LENGTH_KM, allow_inf_nan=False)]
    from_day: Day = 1
    note: Text | None = None


class Kitchen(_Frozen):
    """A dapur umum (public kitchen) at a posko in `area`: on days `from_day`..`to_day` it cooks
    `meals_per_person_day` meals for the displaced of its area and of the areas within `reach_km` of it,
    as many people as its meals a day allow (at most `meals_per_day`, and `staff` x
    `meals_per_staff_day`, e.g. TAGANA volunteers), vulnerable households first. Its food comes as rice
    (`rice_kg_per_meal`) and side-dish packages (`side_dish_per_meal`) delivered to its area, instead of
    the rations of the people it feeds."""

    id: Id
    name: Text
    area: Id
    reach_km: Km = 0.0
    meals_per_day: Annotated[float, Field(gt=0, le=MAX_MEALS_PER_DAY, allow_inf_nan=False)]
    staff: Annotated[int, Field(ge=1, le=MAX_STAFF)]
    meals_per_staff_day: Annotated[float, Field(gt=0, le=MAX_MEALS_PER_DAY, allow_inf_nan=False)] = 100.0
    meals_per_person_day: Positive = 2.0
    from_day: Day = 1
    to_day: Day | None = 3
    rice_kg_per_meal: Positive = 0.2
    side_dish_per_meal: NonNeg = 0.5
    note: Text | None = None

    @property
    def meals_a_day(self) -> float:
        """Meals it can cook a day: the lesser of its stated capacity and what its staff can cook."""
        return min(self.meals_per_day, self.staff * self.meals_per_staff_day)
