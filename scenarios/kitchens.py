"""Dapur umum (public kitchens): whom each kitchen feeds, and the food need it turns into ingredients
delivered to its posko.

On each of its days a kitchen feeds up to `meals_a_day / meals_per_person_day` people among those with a
food need in its area and in the areas within `reach_km` (straight line, from the areas' positions):
the rows of highest priority first (vulnerable households first), rows of equal priority in proportion to
their people. For the people it feeds, their food rows of that day (rations, extras included) give way
to the kitchen's ingredients, needed at the kitchen's area: rice (`rice_kg_per_meal` per meal) and
side-dish packages (`side_dish_per_meal`), with the same people and priority. The rice keeps the share
of the food category the group's rice had, the side dishes take the rest. Rows that meet at one key
add their units and their (disjoint) people; covers and priority are need-weighted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .geo import area_positions, haversine_km
from .model import Kitchen, Scenario

__all__ = ["FED_COLUMNS", "apply_kitchens"]

FED_COLUMNS = ["kitchen", "area", "group", "day", "people"]
RICE, SIDE = "beras", "lauk_pauk"
SUMS = ["units", "kg", "m3", "persons"]


def apply_kitchens(s: Scenario, needs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`needs` with the kitchens' ingredients in place of the rations of the people they feed, and the
    table of whom they feed (`FED_COLUMNS`). `needs` itself when the scenario has no kitchen."""
    fed = pd.DataFrame({c: pd.Series(dtype=float if c == "people" else object) for c in FED_COLUMNS})
    if not s.kitchens or needs.empty:
        return needs, fed
    food = {c.id for c in s.commodities if c.kind == "food"}
    rows = needs.copy()
    added, fed_rows = [], []
    H = int(needs["day"].max())
    for k in s.kitchens:
        served = _served_areas(s, k)
        for day in range(k.from_day, min(k.to_day or H, H) + 1):
            mask = rows["area"].isin(served) & rows["day"].eq(day) & rows["commodity"].isin(food)
            share = _fed_shares(rows[mask], k.meals_a_day / k.meals_per_person_day)
            for (area, group), (f, people, priority, rice_covers) in share.items():
                hit = mask & rows["area"].eq(area) & rows["group"].eq(group)
                rows.loc[hit, SUMS] = rows.loc[hit, SUMS].to_numpy() * (1 - f)
                added += _ingredients(s, k, group, day, f * people, priority, rice_covers)
                fed_rows.append((k.id, area, group, day, f * people))
    out = pd.concat([rows, pd.DataFrame(added, columns=needs.columns)], ignore_index=True)
    return _summed(s, out, list(needs.columns)), pd.DataFrame(fed_rows, columns=FED_COLUMNS)


def _served_areas(s: Scenario, k: Kitchen) -> set[str]:
    """The kitchen's area and the areas within its reach."""
    where = area_positions(s)
    home = where.get(k.area)
    out = {k.area}
    if home is None or k.reach_km <= 0:
        return out
    for a, p in where.items():
        if haversine_km(home[0], home[1], p[0], p[1]) <= k.reach_km + 1e-9:
            out.add(a)
    return out


def _fed_shares(
    rows: pd.DataFrame, capacity: float
) -> dict[tuple[str, str], tuple[float, float, float, float]]:
    """Per (area, group) with food rows: (share of its people fed, its people, its priority, its
    rice's covers), capacity given to the highest priority first, in proportion to people within one."""
    if rows.empty or capacity <= 0:
        return {}
    g = rows.groupby(["area", "group"], sort=False)
    people = g["persons"].max()
    # the base ration's priority: its rice row's where it has one (no mean over units of other goods)
    rice_rows = rows[rows["commodity"] == RICE].groupby(["area", "group"])
    priority = g["priority"].max().round(9)
    priority.update(rice_rows["priority"].max().round(9))
    rice = rice_rows["covers"].max()
    out: dict[tuple[str, str], tuple[float, float, float, float]] = {}
    left = capacity
    for level in sorted(set(priority), reverse=True):
        keys = priority.index[priority == level]
        total = float(people[keys].sum())
        take = min(left, total)
        left -= take
        for key in keys:
            f = take / total if total > 0 else 0.0
            if f > 0:
                out[key] = (f, float(people[key]), float(level), float(rice.get(key, 1.0)))
        if left <= 0:
            break
    return out


def _ingredients(
    s: Scenario, k: Kitchen, group: str, day: int, people: float, priority: float, rice_covers: float
) -> list[tuple]:
    """The kitchen's need rows for `people` of `group` on `day`: rice and side dishes at its area."""
    com = {c.id: c for c in s.commodities}
    meals = people * k.meals_per_person_day
    out = []
    rice_units = meals * k.rice_kg_per_meal / com[RICE].kg_per_unit  # in the catalogue's unit of rice
    parts = [(RICE, rice_units, rice_covers if k.side_dish_per_meal > 0 else 1.0)]
    if k.side_dish_per_meal > 0 and rice_covers < 1:
        parts.append((SIDE, meals * k.side_dish_per_meal, 1 - rice_covers))
    for c, units, covers in parts:
        kg, m3 = units * com[c].kg_per_unit, units * com[c].m3_per_unit
        out.append((k.area, c, group, day, units, kg, m3, people, covers, priority))
    return out


def _summed(s: Scenario, rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows added up per (area, commodity, group, day): units, kg, m3 and (disjoint) people summed,
    covers and priority need-weighted; in the scenario's order, zero rows dropped."""
    rows = rows[rows["units"] > 1e-12]
    key = ["area", "commodity", "group", "day"]
    w = rows.assign(wc=rows["units"] * rows["covers"], wpr=rows["units"] * rows["priority"])
    g = w.groupby(key, sort=False)[[*SUMS, "wc", "wpr"]].sum().reset_index()
    g["covers"] = g["wc"] / g["units"]
    g["priority"] = g["wpr"] / g["units"]
    order = {
        "area": {a.id: i for i, a in enumerate(s.areas)},
        "commodity": {c.id: i for i, c in enumerate(s.commodities)},
        "group": {x.id: i for i, x in enumerate(s.groups)},
    }
    rank = [g[c].map(order[c]).to_numpy() for c in ("area", "commodity", "group")]
    idx = np.lexsort((g["day"].to_numpy(), rank[2], rank[1], rank[0]))
    out = g.iloc[idx].reset_index(drop=True)
    out["day"] = out["day"].astype("int64")
    return out[columns]
