"""Needs: people x standard x days (+ per-group extras), as a tidy pandas DataFrame.

For each area a, group g, standards item i (applying to g) and day d = 1..H:

    units[a, c(i), g, d] += people[a, g] * basis_share[a, i] * quantity[i]
                            / per_persons[i] / per_days[i]

for items needed every day, and `people * basis_share * quantity / per_persons` on day 1 only for
one-off items (`per_days` is None). `basis_share` is 1 for `basis: affected` and the area's
`displaced_share` for `basis: displaced`. Needs are linear in people: doubling every count
doubles every need exactly (no rounding happens here; loads round later).

Assessed needs (`Area.needs`, units for the whole horizon) replace every standards-based row of
that area and commodity: the assessed units are needed on day 1 by the scenario's first group of
kind `general` (the first group when there is none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import Scenario

__all__ = ["NEEDS_COLUMNS", "assessed_needs_group", "compute_needs", "needs_totals"]

NEEDS_COLUMNS = ["area", "commodity", "group", "day", "units", "kg", "m3"]


def compute_needs(scenario: Scenario, standards: str | None = None, days: int | None = None) -> pd.DataFrame:
    """Tidy needs table with columns `area, commodity, group, day, units, kg, m3`.

    `standards` picks a profile (default: the policy's); `days` overrides the horizon.
    Assessed needs (`Area.needs`) replace the standards rows of their area and commodity (day 1,
    general group). Rows with zero units are left out; rows are ordered by area, commodity, group,
    day as the scenario lists them.
    """
    profile = scenario.standards_profile(standards)
    horizon = days if days is not None else scenario.policy.horizon_days
    if horizon < 1:
        raise ValueError(f"days must be >= 1, got {horizon}")
    long = _standard_rows(scenario, profile, horizon)
    assessed = _assessed_rows(scenario)
    if not assessed.empty:
        n_c = len(scenario.commodities)
        replaced = np.isin(
            long["a_ord"].to_numpy(np.int64) * n_c + long["c_ord"].to_numpy(np.int64),
            assessed["a_ord"].to_numpy(np.int64) * n_c + assessed["c_ord"].to_numpy(np.int64),
        )
        parts = [p for p in (long.loc[~replaced], assessed) if not p.empty]
        long = pd.concat(parts, ignore_index=True)
    long = long[long["rate"] > 0]
    if long.empty:
        return _empty()
    return _summed(scenario, long, horizon)


def _summed(s: Scenario, long: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Rates summed per (area, commodity, group, day), ordered as the scenario lists them: on
    integer keys (grouping on the id strings costs most of the time at 10,000 areas)."""
    C, G, H = len(s.commodities), len(s.groups), max(horizon, int(long["day"].max()))
    key = long["a_ord"].to_numpy(np.int64) * C + long["c_ord"].to_numpy(np.int64)
    key = (key * G + long["g_ord"].to_numpy(np.int64)) * H + long["day"].to_numpy(np.int64) - 1
    uniq, inv = np.unique(key, return_inverse=True)
    units = np.bincount(inv.reshape(-1), weights=long["rate"].to_numpy(float), minlength=len(uniq))
    rest, day = np.divmod(uniq, H)
    rest, g = np.divmod(rest, G)
    a, c = np.divmod(rest, C)
    kg = np.array([x.kg_per_unit for x in s.commodities])[c]
    m3 = np.array([x.m3_per_unit for x in s.commodities])[c]
    ids = {
        "area": np.array([x.id for x in s.areas], dtype=object)[a],
        "commodity": np.array([x.id for x in s.commodities], dtype=object)[c],
        "group": np.array([x.id for x in s.groups], dtype=object)[g],
    }
    return pd.DataFrame(
        {**ids, "day": (day + 1).astype("int64"), "units": units, "kg": units * kg, "m3": units * m3}
    )[NEEDS_COLUMNS]


_LONG_COLUMNS = ["a_ord", "c_ord", "g_ord", "day", "rate"]


def _standard_rows(scenario: Scenario, profile, horizon: int) -> pd.DataFrame:
    """One row per area, standards item, group and day (columns `_LONG_COLUMNS`, rates unsummed)."""
    people = _people(scenario)
    items = _items(profile, scenario)
    if people.empty or items.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in _LONG_COLUMNS})
    rows = people.merge(items, on="group", how="inner")
    share = np.where(rows["basis"] == "displaced", rows["displaced_share"], 1.0)
    once = rows["per_days"].isna()
    base = rows["people"].to_numpy() * share * rows["quantity"].to_numpy()
    base = base / rows["per_persons"].to_numpy()
    daily = np.where(once, base, base / rows["per_days"].fillna(1.0).to_numpy())
    rows = rows[["a_ord", "c_ord", "g_ord"]].assign(rate=daily)
    once = once.to_numpy()
    frames = [rows.loc[~once | (day == 1)].assign(day=day) for day in range(1, horizon + 1)]
    return pd.concat(frames, ignore_index=True)[_LONG_COLUMNS]


def assessed_needs_group(scenario: Scenario) -> str:
    """The group that carries assessed needs: the first of kind `general`, else the first group."""
    for g in scenario.groups:
        if g.kind == "general":
            return g.id
    return scenario.groups[0].id


def _assessed_rows(s: Scenario) -> pd.DataFrame:
    """Assessed needs as day-1 rows of the general group (columns `_LONG_COLUMNS`)."""
    records = []
    if any(a.needs for a in s.areas):
        c_ord = {c.id: k for k, c in enumerate(s.commodities)}
        group = assessed_needs_group(s)
        g_ord = next(k for k, g in enumerate(s.groups) if g.id == group)
        records = [
            (k, c_ord[c], g_ord, 1, float(units))
            for k, a in enumerate(s.areas)
            for c, units in a.needs.items()
        ]
    return pd.DataFrame.from_records(records, columns=_LONG_COLUMNS)


def _people(s: Scenario) -> pd.DataFrame:
    g_ord = {g.id: k for k, g in enumerate(s.groups)}
    records = [
        (a.id, k, g, g_ord[g], n, a.displaced_share)
        for k, a in enumerate(s.areas)
        for g, n in a.people.items()
        if n > 0
    ]
    cols = ["area", "a_ord", "group", "g_ord", "people", "displaced_share"]
    return pd.DataFrame.from_records(records, columns=cols)


def _items(profile, s: Scenario) -> pd.DataFrame:
    c_ord = {c.id: k for k, c in enumerate(s.commodities)}
    all_groups = [g.id for g in s.groups]
    records = [
        (
            g,
            item.commodity,
            c_ord[item.commodity],
            item.quantity,
            item.per_persons,
            np.nan if item.per_days is None else item.per_days,
            item.basis,
        )
        for item in profile.items
        for g in (item.groups or all_groups)
    ]
    cols = ["group", "commodity", "c_ord", "quantity", "per_persons", "per_days", "basis"]
    return pd.DataFrame.from_records(records, columns=cols)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype="int64" if c == "day" else ("float64" if c in ("units", "kg", "m3") else "object")
            )
            for c in NEEDS_COLUMNS
        }
    )


def needs_totals(needs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum units, kg and m3 over everything but `by` (e.g. `commodity`, `group`, `area`, `day`)."""
    out = needs.groupby(by, sort=False, as_index=False)[["units", "kg", "m3"]].sum()
    return out
