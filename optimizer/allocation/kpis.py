"""The allocation's KPIs: fill rates, deprivation, weighted unmet, delivered units, tonne-km, vehicle
hours and cost, from the split solution's tables."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pandas as pd

from scenarios import Scenario

from .inputs import AllocationInputs, NeedRows, acg_key, id_indices, index_of

__all__ = ["AllocationKpis", "allocation_kpis"]


class AllocationKpis(TypedDict):
    """`AllocationResult.kpis`; fill rates 0..1 (per commodity: delivered / needed, capped at 1; per
    area: the mean over its commodities), deprivation as the LP's stage 1 counts it."""

    fill_rate: float
    fill_rate_by_commodity: dict[str, float]
    min_area_fill_rate: float
    max_area_fill_rate: float
    deprivation: float
    weighted_unmet: float
    delivered_units: float
    tonne_km: float
    vehicle_hours: float
    cost: float


def allocation_kpis(
    scenario: Scenario,
    inp: AllocationInputs,
    needs: pd.DataFrame,
    *,
    served: pd.DataFrame,
    shipments: pd.DataFrame,
    loads: pd.DataFrame,
    unmet: pd.DataFrame,
    need_rows: NeedRows | None = None,
) -> AllocationKpis:
    """The KPIs of an allocation; `need_rows`: the (area, commodity, group) indices of `needs`' rows."""
    weights = {g.id: g.priority_weight for g in scenario.groups}
    A, C = len(inp.areas), len(inp.commodities)
    # (area, commodity) sums on integer keys: grouping by strings costs seconds at scale
    n_ac = np.bincount(
        _ac(inp, needs, need_rows), weights=needs["units"].to_numpy(), minlength=A * C
    ).reshape(A, C)
    g_ac = np.bincount(_ac(inp, served), weights=served["units"].to_numpy(), minlength=A * C).reshape(A, C)
    has = n_ac > 0
    fill_ac = np.where(has, np.minimum(g_ac / np.where(has, n_ac, 1.0), 1.0), 0.0)
    areas = has.any(axis=1)
    by_area = fill_ac[areas].sum(axis=1) / has[areas].sum(axis=1)
    comm = has.any(axis=0)
    by_c = np.minimum(g_ac.sum(axis=0)[comm] / n_ac.sum(axis=0)[comm], 1.0)
    names = np.asarray(inp.commodities, dtype=object)[comm]
    w = np.array([weights[g] for g in inp.groups])
    growth = scenario.policy.deprivation_growth_per_day
    return {
        "fill_rate": float(by_c.mean()) if len(by_c) else 1.0,
        "fill_rate_by_commodity": {str(k): float(v) for k, v in sorted(zip(names, by_c, strict=True))},
        "min_area_fill_rate": float(by_area.min()) if len(by_area) else 1.0,
        "max_area_fill_rate": float(by_area.max()) if len(by_area) else 1.0,
        "deprivation": _deprivation(inp, needs, served, growth, need_rows),
        "weighted_unmet": float((unmet["units"].to_numpy() * w[index_of(unmet["group"], inp.groups)]).sum())
        if len(unmet)
        else 0.0,
        "delivered_units": float(shipments["units"].sum()) if len(shipments) else 0.0,
        "tonne_km": float((shipments["kg"] / 1000 * shipments["distance_km"]).sum())
        if len(shipments)
        else 0.0,
        "vehicle_hours": float((loads["loads"] * loads["round_trip_h"]).sum()) if len(loads) else 0.0,
        "cost": float((loads["loads"] * loads["trip_cost"]).sum()) if len(loads) else 0.0,
    }


def _ac(inp: AllocationInputs, frame: pd.DataFrame, rows: NeedRows | None = None) -> np.ndarray:
    a, c, _ = id_indices(frame, inp, rows)
    return a * len(inp.commodities) + c


def _deprivation(
    inp: AllocationInputs,
    needs: pd.DataFrame,
    served: pd.DataFrame,
    growth: float,
    need_rows: NeedRows | None = None,
) -> float:
    """sum over area, commodity, group, day of the unit value (priority x person-days per unit) x
    (1 + growth (d-1)) x backlog at day end: the LP's first stage, in priority-weighted person-days."""
    H, G = inp.horizon, len(inp.groups)
    n_keys = len(inp.areas) * len(inp.commodities) * G

    def by_day(frame: pd.DataFrame, rows: NeedRows | None = None) -> np.ndarray:
        flat = acg_key(frame, inp, rows) * H + frame["day"].to_numpy() - 1
        return np.bincount(flat, weights=frame["units"].to_numpy(), minlength=n_keys * H).reshape(n_keys, H)

    backlog = np.clip(np.cumsum(by_day(needs, need_rows) - by_day(served), axis=1), 0.0, None)
    factor = 1 + growth * np.arange(H)
    w = inp.unit_value.reshape(-1) if G else np.zeros(0)
    return float((backlog * factor[None, :] * w[:, None]).sum())
