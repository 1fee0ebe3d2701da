"""Deliveries made before a plan (an incident's confirmed deliveries) and the need they leave."""

from __future__ import annotations

from collections.abc import Mapping

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


def residual_needs(
    s: Scenario, needs: pd.DataFrame, committed: pd.DataFrame, weights: Mapping[str, float]
) -> pd.DataFrame:
    """The need left once committed deliveries (counted on day 1) have served it: `needs` itself
    when nothing is committed, else its rows (in its order) with what is left."""
    if committed.empty:
        return needs
    left = serve_groups(needs, committed.assign(day=1), weights, s.policy.horizon_days).unmet
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    m3 = {c.id: c.m3_per_unit for c in s.commodities}
    left = left.assign(
        kg=left["units"] * left["commodity"].map(kg), m3=left["units"] * left["commodity"].map(m3)
    )
    order = needs[["area", "commodity", "group", "day"]].reset_index().rename(columns={"index": "order"})
    left = left.merge(order, on=["area", "commodity", "group", "day"], how="left").sort_values("order")
    return left[list(needs.columns)].reset_index(drop=True)
