"""The field types of the scenario model: bounded ids and text, non-negative and positive numbers,
shares, coordinates, hours; and the frozen base model (no extra keys).

Every number is finite (NaN and +/-Infinity are refused: Python's json reads them, JSON has no such
values, and a stored `inf` comes back as null) and at most a physical upper bound where one exists:
the `MAX_*` constants below, each with its reason (docs/scenario-format.md, "Numbers and bounds").
Incident updates (updates.py) check their numbers against the same constants."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "MAX_COST",
    "MAX_DAY",
    "MAX_FLEET_COUNT",
    "MAX_HOURS",
    "MAX_ITEM_DAYS",
    "MAX_KG_PER_UNIT",
    "MAX_LENGTH_KM",
    "MAX_LITRES_PER_DAY",
    "MAX_M3_PER_UNIT",
    "MAX_MEALS_PER_DAY",
    "MAX_NUMBER",
    "MAX_PEOPLE",
    "MAX_SEED",
    "MAX_SPEED_KMH",
    "MAX_STAFF",
    "MAX_THROUGHPUT_T_PER_DAY",
    "MAX_TIME_LIMIT_S",
    "MAX_UNITS",
    "MAX_VEHICLE_KG",
    "MAX_VEHICLE_M3",
    "MAX_WAREHOUSE_M3",
    "MAX_WEIGHT_T",
    "Cost",
    "Day",
    "Hour",
    "Hours",
    "Id",
    "Km",
    "Lat",
    "Lon",
    "NonNeg",
    "People",
    "Positive",
    "Share",
    "Speed",
    "Text",
    "Tonnes",
    "Units",
]

# --- the bounds (integers where whole, so that messages print them in full)

# any number without a tighter bound: far above every physical quantity of a scenario and well inside
# the integers a float holds exactly (2**53, about 9.0e15), so that sums over a province stay finite
MAX_NUMBER = 10**15
# people of one group in one area: more than any kabupaten has (Kabupaten Bogor, the most populous, about
# 5.6 million; Kalimantan Timur as a whole about 4 million)
MAX_PEOPLE = 10_000_000
# units of a commodity in one stock line, arrival or assessed need: ten billion, more than Bulog's whole
# national rice reserve counted in kg (a few million tonnes), and than 10 million people's drinking
# water for 90 days at 7.5 L a day (6.75e9 L)
MAX_UNITS = 10_000_000_000
# kg per unit of a commodity: 100 t, more than any single relief item (a loaded 40-ft container is
# about 30 t)
MAX_KG_PER_UNIT = 100_000
# m3 per unit of a commodity: more than ten 40-ft containers (about 67 m3 each)
MAX_M3_PER_UNIT = 1_000
# a vehicle's payload: 100,000 t, more than a Panamax bulk carrier's deadweight (about 80,000 t)
MAX_VEHICLE_KG = 100_000_000
# a vehicle's cargo volume: more than the largest container ships (about 24,000 TEU, 800,000 m3)
MAX_VEHICLE_M3 = 1_000_000
# tonnes: a vehicle's own weight and a link's weight limit, as MAX_VEHICLE_KG
MAX_WEIGHT_T = 100_000
# a warehouse's storage volume: ten million m3, more than the largest warehouses on earth
MAX_WAREHOUSE_M3 = 10_000_000
# what a warehouse can load out in a day: a million tonnes, more than the busiest sea port handles
MAX_THROUGHPUT_T_PER_DAY = 1_000_000
# vehicles of one type at one warehouse: more than any base holds (the service's own limit on a
# scenario's vehicles, max_vehicles, is lower still)
MAX_FLEET_COUNT = 10_000
# km/h: faster than any transport aircraft (a C-130 cruises at about 540 km/h, a jet airliner at 900)
MAX_SPEED_KMH = 1_000
# km: half the earth's circumference; no link, and no reach of a water point or kitchen, is longer
MAX_LENGTH_KM = 20_000
# hours a link takes: a year, longer than any horizon (at most 90 days, 2,160 h)
MAX_HOURS = 8_760
# a cost per km, per hour or per trip, in the scenario's currency (IDR): a trillion (about 60 million
# USD), far above any charter (a Hercules flight hour costs some 100 million IDR)
MAX_COST = 10**12
# a day of the horizon (stock arrivals, services from/to): a year; the horizon itself is at most 90 days
MAX_DAY = 366
# days a standard item lasts (`per_days`): ten years, longer than any relief item (a tent, a tank)
MAX_ITEM_DAYS = 3_650
# litres a water point supplies a day: a billion, more than a big city's whole water works (Samarinda's
# PDAM produces about 250 million L a day)
MAX_LITRES_PER_DAY = 1_000_000_000
# meals a kitchen cooks a day: two for each of MAX_PEOPLE
MAX_MEALS_PER_DAY = 2 * MAX_PEOPLE
# staff of one kitchen
MAX_STAFF = 100_000
# seconds a solve may take (`policy.time_limit_s`): a week, more than any plan is worth waiting for
MAX_TIME_LIMIT_S = 604_800
# the solvers' seeds are 32-bit signed integers
MAX_SEED = 2**31 - 1

# --- the types

Id = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, StringConstraints(max_length=2000)]
NonNeg = Annotated[float, Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, le=MAX_NUMBER, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Hour = Annotated[float, Field(ge=0, le=48, allow_inf_nan=False)]
People = Annotated[float, Field(ge=0, le=MAX_PEOPLE, allow_inf_nan=False)]
Units = Annotated[float, Field(ge=0, le=MAX_UNITS, allow_inf_nan=False)]
Speed = Annotated[float, Field(gt=0, le=MAX_SPEED_KMH, allow_inf_nan=False)]
Km = Annotated[float, Field(ge=0, le=MAX_LENGTH_KM, allow_inf_nan=False)]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS, allow_inf_nan=False)]
Tonnes = Annotated[float, Field(gt=0, le=MAX_WEIGHT_T, allow_inf_nan=False)]
Cost = Annotated[float, Field(ge=0, le=MAX_COST, allow_inf_nan=False)]
Day = Annotated[int, Field(ge=1, le=MAX_DAY)]


class _Frozen(BaseModel):
    # allow_inf_nan: also for the plain floats of a model (damage polygons) and any field added later
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
