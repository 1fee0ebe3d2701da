"""Deliveries made before a plan (an incident's confirmed deliveries) and the need they leave."""

from __future__ import annotations

import pandas as pd

from scenarios.model import Scenario

from .served import serve_groups

__all__ = ["committed_deliveries", "residual_needs"]


def committed_deliveries(committed: pd.DataFrame | None) -> pd.DataFrame:
    """(area, commodity, units) summed per area and commodity, sorted; empty when none."""
    cols = ["area", "commodity", "units"]
    if committed is None or committed.empty:
        return pd.DataFrame({"area": [], "commodity": [], "units": []}).astype({"units": float})
    return committed.groupby(["area", "commodity"], as_index=False, sort=True)["units"].sum()[cols]


def residual_needs(s: Scenario, needs: pd.DataFrame, committed: pd.DataFrame) -> pd.DataFrame:
    """The need left once deliveries made outside the plan's trips have served it (`committed`: area,
    commodity, units, counted on day 1, or with a `day` each, as water points serve): `needs` itself
    when there are none, else its rows (in its order) with what is left, their persons in proportion
    (so a unit is worth the same person-days as before)."""
    if committed.empty:
        return needs
    by_day = committed if "day" in committed.columns else committed.assign(day=1)
    by_day = by_day.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    left = serve_groups(needs, by_day, s.policy.horizon_days).unmet
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    m3 = {c.id: c.m3_per_unit for c in s.commodities}
    left = left.assign(
        kg=left["units"] * left["commodity"].map(kg), m3=left["units"] * left["commodity"].map(m3)
    )
    keys = ["area", "commodity", "group", "day"]
    order = needs[[*keys, "units", "persons", "covers", "priority"]].reset_index()
    order = order.rename(columns={"index": "order", "units": "units_before"})
    left = left.merge(order, on=keys, how="left").sort_values("order")
    left["persons"] = left["persons"] * left["units"] / left["units_before"]
    return left[list(needs.columns)].reset_index(drop=True)
