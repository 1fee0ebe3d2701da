"""Water as a service: local supply points (PDAM tanker services, mobile treatment units, wells) serve
the need for their commodity (clean water) of the areas within their reach, day by day, before anything
is hauled from a warehouse. They use no stock and no vehicle of the fleet; what they cannot cover goes
to the allocation like any other need.

A small LP per plan: x[p, a, d] litres from point p to area a on day d (a within p's reach, d from the
point's first day), within each point's litres a day and each area's need of that day; maximise what is
served, each litre worth its need rows' priority x person-days per unit (people first), nearer points
first on ties. A day's capacity serves that day only (tankers and wells do not store water).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.geo import area_positions, haversine_km
from scenarios.model import Scenario, WaterPoint

from ..lp import LinearProgram
from .people import KEY, row_values

__all__ = ["WATER_COLUMNS", "in_reach", "units_per_day", "water_service"]

WATER_COLUMNS = ["point", "area", "commodity", "day", "units"]
NEAR_TIE_PER_KM = 1e-6  # objective per litre-km: among equal values the nearer point serves


def units_per_day(s: Scenario, wp: WaterPoint) -> float:
    """A point's litres a day in units of its commodity: water weighs 1 kg a litre, so a unit holds
    `kg_per_unit` litres (1 for clean water counted in L, 1,000 in m3)."""
    kg = next(c.kg_per_unit for c in s.commodities if c.id == wp.commodity)
    return wp.litres_per_day / kg


def in_reach(wp: WaterPoint, where: tuple[float, float]) -> float | None:
    """The km from `wp` to a point, when within its reach (else None)."""
    km = haversine_km(wp.lat, wp.lon, where[0], where[1])
    return km if km <= wp.reach_km + 1e-9 else None


def water_service(s: Scenario, needs: pd.DataFrame) -> pd.DataFrame:
    """(point, area, commodity, day, units): what the scenario's water points serve of `needs`."""
    empty = pd.DataFrame({c: pd.Series(dtype=float if c == "units" else object) for c in WATER_COLUMNS})
    if not s.water_points or needs.empty:
        return empty.astype({"day": "int64"})
    daily = _daily_need(needs, {wp.commodity for wp in s.water_points})
    cols = _columns(s, daily)
    if not cols:
        return empty.astype({"day": "int64"})
    p, key, km = (np.array(x) for x in zip(*cols, strict=True))
    lp = LinearProgram()
    x = lp.add_cols(len(p))
    day_of = daily["day"].to_numpy()
    cap_key = [(int(i), int(day_of[k])) for i, k in zip(p, key, strict=True)]
    uniq_cap = sorted(set(cap_key))
    row_of = {c: r for r, c in enumerate(uniq_cap)}
    lp.add_rows(
        [row_of[c] for c in cap_key],
        x,
        np.ones(len(x)),
        len(uniq_cap),
        ub=[units_per_day(s, s.water_points[i]) for i, _ in uniq_cap],
    )
    uniq_need, need_row = np.unique(key, return_inverse=True)
    lp.add_rows(need_row, x, np.ones(len(x)), len(uniq_need), ub=daily["units"].to_numpy()[uniq_need])
    objective = daily["value"].to_numpy()[key] - NEAR_TIE_PER_KM * km
    sol = lp.solve(np.maximum(objective, 0.0), maximize=True)
    units = np.where(sol.x[x] > 1e-6, sol.x[x], 0.0) if sol.x is not None else np.zeros(len(x))
    out = pd.DataFrame(
        {
            "point": [s.water_points[i].id for i in p],
            "area": daily["area"].to_numpy()[key],
            "commodity": daily["commodity"].to_numpy()[key],
            "day": daily["day"].to_numpy()[key].astype("int64"),
            "units": units,
        }
    )
    return out[out["units"] > 0].sort_values(["point", "area", "day"], kind="stable").reset_index(drop=True)


def _daily_need(needs: pd.DataFrame, commodities: set[str]) -> pd.DataFrame:
    """(area, commodity, day, units, value): the need of each day for the points' commodities and
    what a unit of it is worth (need-weighted over its rows)."""
    n = needs[needs["commodity"].isin(commodities)]
    values = row_values(n)
    v = values.reindex(pd.MultiIndex.from_frame(n[KEY]))
    worth = (v["priority"] * v["pd_per_unit"]).fillna(0.0).to_numpy()
    n = n.assign(wv=n["units"].to_numpy() * worth)
    out = n.groupby(["area", "commodity", "day"], as_index=False, sort=True)[["units", "wv"]].sum()
    out["value"] = np.where(out["units"] > 0, out["wv"] / out["units"], 0.0)
    return out.drop(columns="wv").reset_index(drop=True)


def _columns(s: Scenario, daily: pd.DataFrame) -> list[tuple[int, int, float]]:
    """(point index, daily-need row, km) for every point-area pair in reach, from the point's first day."""
    where = area_positions(s)
    rows = daily.reset_index(drop=True)
    out = []
    for i, wp in enumerate(s.water_points):
        for k, r in enumerate(rows.itertuples(index=False)):
            if r.commodity != wp.commodity or r.day < wp.from_day or r.area not in where:
                continue
            km = in_reach(wp, where[r.area])
            if km is not None:
                out.append((i, k, km))
    return out
