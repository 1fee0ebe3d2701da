"""A plan as one workbook: summary (plan settings and KPIs), shipments, timeline (one row per vehicle per
trip, in order), trips (one row per stop), unmet. Times are hours on the plan's clock, with a text
column in the coordinators' words (the local date too when the scenario gives its start)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from api.i18n import Lang
from optimizer.plan import FORMAT, Plan
from scenarios.model import Scenario

from ..safe_cells import safe_frame, strings_as_text
from .formats import eta
from .lookup import Lookup, name_in
from .tables import shipments_frame, unmet_frame

__all__ = ["SHEETS", "summary_frame", "timeline_frame", "trips_frame", "write_xlsx"]

SHEETS = ("summary", "shipments", "timeline", "trips", "unmet")
HEADER_KEYS = (
    "format",
    "scenario",
    "scenario_name",
    "status",
    "seed",
    "engine",
    "iterations",
    "time_limit_s",
    "solve_seconds",
)

TIMELINE_COLUMNS = [
    "vehicle",
    "vehicle_type",
    "base",
    "trip",
    "day",
    "load_at",
    "empty_from",
    "empty_km",
    "start_h",
    "sets_out",
    "depart_h",
    "departs",
    "return_h",
    "back",
    "stops",
    "load_kg",
    "rests",
]

TRIP_COLUMNS = [
    "vehicle",
    "vehicle_type",
    "warehouse",
    "day",
    "trip",
    "depart_h",
    "stop",
    "area",
    "area_name",
    "arrive_h",
    "eta",
    "deliver",
    "return_h",
]


def write_xlsx(scenario: Scenario, plan: Plan, path: Path, lang: Lang = "id") -> Path:
    """Write the plan's workbook to `path` (sheets in `SHEETS` order): text neutralised and every string
    stored as a string, never a formula (api/reports/safe_cells.py)."""
    frames = {
        "summary": summary_frame(plan),
        "shipments": shipments_frame(scenario, plan, lang),
        "timeline": timeline_frame(scenario, plan, lang),
        "trips": trips_frame(scenario, plan, lang),
        "unmet": unmet_frame(scenario, plan, lang),
    }
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet in SHEETS:
            safe_frame(frames[sheet]).to_excel(writer, sheet_name=sheet, index=False)
        strings_as_text(writer.book)
    return path


def summary_frame(plan: Plan) -> pd.DataFrame:
    """Key/value rows: the plan's settings, then its KPIs as plan.json writes them, nested dicts
    flattened ("arrival_h.p90")."""
    head = {"format": FORMAT, **{k: getattr(plan, k) for k in HEADER_KEYS if k != "format"}}
    rows: list[tuple[str, object]] = [(k, head[k]) for k in HEADER_KEYS]
    rows += _flatten(plan.kpis.to_dict())
    return pd.DataFrame(rows, columns=["key", "value"])


def _flatten(values: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _flatten(value, f"{name}.")
        elif isinstance(value, list | tuple):
            rows.append((name, json.dumps(value, ensure_ascii=False)))
        else:
            rows.append((name, value))
    return rows


def trips_frame(scenario: Scenario, plan: Plan, lang: Lang = "id") -> pd.DataFrame:
    """One row per stop of every trip, in trip order, with what is unloaded there."""
    look = Lookup(scenario)
    start = scenario.policy.start
    rows = [
        {
            "vehicle": t.vehicle,
            "vehicle_type": t.vehicle_type,
            "warehouse": t.warehouse,
            "day": t.day,
            "trip": t.trip,
            "depart_h": t.depart_h,
            "stop": k,
            "area": st.area,
            "area_name": name_in(look.areas.get(st.area), lang),
            "arrive_h": st.arrive_h,
            "eta": "" if st.arrive_h is None else eta(st.arrive_h, lang, start),
            "deliver": "; ".join(f"{c}: {_plain(q)}" for c, q in st.deliver.items()),
            "return_h": t.return_h,
        }
        for t in plan.trips
        for k, st in enumerate(t.stops, start=1)
    ]
    return pd.DataFrame(rows, columns=TRIP_COLUMNS)


def timeline_frame(scenario: Scenario, plan: Plan, lang: Lang = "id") -> pd.DataFrame:
    """One row per vehicle per trip, vehicle by vehicle in time order: where it loads, the empty drive
    before, when it sets out, departs and is back, its stops, load and rests ("where from-until")."""
    start = scenario.policy.start

    def when(h: float | None) -> str:
        return "" if h is None else eta(h, lang, start)

    trips = sorted(plan.trips, key=lambda t: (t.vehicle, t.began_h or 0.0, t.trip))
    rows = [
        {
            "vehicle": t.vehicle,
            "vehicle_type": t.vehicle_type,
            "base": t.home,
            "trip": t.trip,
            "day": t.day,
            "load_at": t.warehouse,
            "empty_from": t.empty_from or "",
            "empty_km": t.empty_km,
            "start_h": t.began_h,
            "sets_out": when(t.began_h),
            "depart_h": t.depart_h,
            "departs": when(t.depart_h),
            "return_h": t.return_h,
            "back": when(t.return_h),
            "stops": " > ".join(st.area for st in t.stops),
            "load_kg": t.load_kg,
            "rests": "; ".join(
                f"{r.at or '/'.join(r.between or ())} {when(r.from_h)} - {when(r.until_h)}" for r in t.rests
            ),
        }
        for t in trips
    ]
    return pd.DataFrame(rows, columns=TIMELINE_COLUMNS)


def _plain(units: float) -> str:
    """Units with at most 3 decimals, no trailing zeros ("1241.198", "750")."""
    return f"{units:.3f}".rstrip("0").rstrip(".")
