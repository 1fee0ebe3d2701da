"""The checks of a plan's `water_service` (what local water points serve, without trips): each record
names a known point and area of the scenario and the point's commodity; the area lies within the
point's reach (straight line) and the day within the horizon and from the point's first day; a point
serves at most its litres a day. Violations: `bad_field`, `unknown_id`, `water_out_of_reach`,
`over_water_capacity`. Code of its own, not the planner's."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import pandas as pd

from scenarios.geo import area_positions, haversine_km
from scenarios.model import Scenario

__all__ = ["check_water"]

COLUMNS = ["point", "area", "commodity", "day", "units"]
TOL_UNITS = 1e-3


def check_water(s: Scenario, records: object, add: Callable[[str, str, str], None]) -> pd.DataFrame:
    """The plan's well-formed water records as (area, commodity, day, units); problems go to `add`."""
    if records is None:
        return pd.DataFrame(columns=COLUMNS)
    if not isinstance(records, list):
        add("bad_field", "water_service", "expected a list")
        return pd.DataFrame(columns=COLUMNS)
    points = {w.id: w for w in s.water_points}
    where = area_positions(s)
    H = s.policy.horizon_days
    served: dict[tuple[str, int], float] = defaultdict(float)
    rows = []
    for k, r in enumerate(records):
        at = f"water_service[{k}]"
        if not _well_formed(r):
            add(
                "bad_field", at, "expected point, area, commodity (text), day (whole number) and units (>= 0)"
            )
            continue
        wp = points.get(r["point"])
        if wp is None or r["area"] not in where:
            add("unknown_id", at, f"point {r['point']!r} or area {r['area']!r} is not in the scenario")
            continue
        if r["commodity"] != wp.commodity or not wp.from_day <= r["day"] <= H:
            add("bad_field", at, f"{wp.id} serves {wp.commodity} from day {wp.from_day} to {H}")
            continue
        km = haversine_km(wp.lat, wp.lon, *where[r["area"]])
        if km > wp.reach_km + 1e-6:
            add(
                "water_out_of_reach",
                at,
                f"{r['area']} is {km:,.2f} km from {wp.id}; it reaches {wp.reach_km:g} km",
            )
            continue
        served[(wp.id, r["day"])] += float(r["units"])
        rows.append((r["point"], r["area"], r["commodity"], int(r["day"]), float(r["units"])))
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    for (pid, day), units in sorted(served.items()):
        litres, cap = units * kg[points[pid].commodity], points[pid].litres_per_day  # water: 1 kg a litre
        if litres > cap + TOL_UNITS:
            add(
                "over_water_capacity",
                f"{pid}/day {day}",
                f"serves {litres:,.1f} L, more than its {cap:,.1f} L a day",
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def _well_formed(r: object) -> bool:
    if not isinstance(r, dict) or not all(isinstance(r.get(f), str) for f in ("point", "area", "commodity")):
        return False
    day, units = r.get("day"), r.get("units")
    if not isinstance(day, int) or isinstance(day, bool):
        return False
    return (
        isinstance(units, int | float) and not isinstance(units, bool) and math.isfinite(units) and units >= 0
    )
