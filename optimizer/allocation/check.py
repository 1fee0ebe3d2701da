"""Independent check of an allocation: recompute stock use, deliveries, fill rates and tonne-km from the
scenario and the shipments alone, and report every violation. Shares no code with the solver."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from network.reachability import based_vehicle_types
from scenarios import Scenario, compute_needs

from ..instance.fleet import POOL_REACH_H

__all__ = ["AllocationCheck", "check_allocation"]

REL = 1e-6


@dataclass(frozen=True)
class AllocationCheck:
    """What the check found (`violations`: empty when none), with stock use per warehouse and
    commodity, deliveries per area and commodity, and the fill rates and tonne-km recomputed."""

    violations: list[str]
    stock_used: pd.DataFrame = field(repr=False)
    delivered: pd.DataFrame = field(repr=False)
    fill_rate: float = 0.0
    fill_rate_by_commodity: dict[str, float] = field(default_factory=dict)
    tonne_km: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations


def _slack(x: float) -> float:
    return REL * max(1.0, abs(x)) + 1e-6


def check_allocation(
    scenario: Scenario, shipments: pd.DataFrame, needs: pd.DataFrame | None = None
) -> AllocationCheck:
    """Violations of stock (in total and by day), need (no delivery ahead of need), reachability,
    and unit conversions; plus fill rates and tonne-km recomputed from scratch."""
    s = scenario
    needs = compute_needs(s) if needs is None else needs
    out: list[str] = []
    ids = {
        "warehouse": {w.id for w in s.warehouses},
        "area": {a.id for a in s.areas},
        "commodity": {c.id for c in s.commodities},
    }
    for col, known in ids.items():
        bad = set(shipments[col]) - known
        if bad:
            out.append(f"unknown {col}(s): {sorted(bad)}")
    if (shipments["units"] < -1e-9).any():
        out.append(f"{int((shipments['units'] < -1e-9).sum())} shipment(s) with negative units")
    horizon = max(s.policy.horizon_days, int(needs["day"].max()) if len(needs) else 1)
    if len(shipments) and ((shipments["day"] < 1) | (shipments["day"] > horizon)).any():
        out.append("shipment(s) outside the horizon")
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    if len(shipments) and not np.allclose(
        shipments["kg"], shipments["units"] * shipments["commodity"].map(kg)
    ):
        out.append("kg does not equal units x kg_per_unit")

    used = _stock(s, shipments, horizon, out)
    delivered = _deliveries(needs, shipments, out)
    tonne_km = _reach_and_distance(s, shipments, out)
    by_c = delivered.groupby("commodity")[["delivered", "needed"]].sum()
    fill_c = (by_c["delivered"] / by_c["needed"]).clip(upper=1.0)
    return AllocationCheck(
        violations=out,
        stock_used=used,
        delivered=delivered,
        fill_rate=float(fill_c.mean()) if len(fill_c) else 1.0,
        fill_rate_by_commodity={str(k): float(v) for k, v in fill_c.items()},
        tonne_km=tonne_km,
    )


def _stock(s: Scenario, shipments: pd.DataFrame, horizon: int, out: list[str]) -> pd.DataFrame:
    rows = []
    for w in s.warehouses:
        arrivals = s.arrivals_of(w)
        for c in {*w.stock, *(a.commodity for a in arrivals)}:
            by_day = np.zeros(horizon)
            by_day[0] += w.stock.get(c, 0.0)
            for a in arrivals:
                if a.commodity == c and a.day <= horizon:
                    by_day[a.day - 1] += a.units
            rows.append((w.id, c, np.cumsum(by_day)))
    avail = {(w, c): cum for w, c, cum in rows}
    used_rows = []
    for (w, c), grp in shipments.groupby(["warehouse", "commodity"]):
        cum_avail = avail.get((w, c), np.zeros(horizon))
        per_day = np.zeros(horizon)
        np.add.at(per_day, grp["day"].to_numpy() - 1, grp["units"].to_numpy())
        cum_used = np.cumsum(per_day)
        for d in range(horizon):
            if cum_used[d] > cum_avail[d] + _slack(cum_avail[d]):
                out.append(
                    f"{w}/{c}: {cum_used[d]:.6g} units shipped by day {d + 1} > {cum_avail[d]:.6g} held"
                )
                break
        used_rows.append((w, c, cum_used[-1], cum_avail[-1]))
    return pd.DataFrame(used_rows, columns=["warehouse", "commodity", "used", "available"])


def _deliveries(needs: pd.DataFrame, shipments: pd.DataFrame, out: list[str]) -> pd.DataFrame:
    need = needs.groupby(["area", "commodity", "day"])["units"].sum()
    got = shipments.groupby(["area", "commodity", "day"])["units"].sum()
    idx = need.index.union(got.index)
    frame = pd.DataFrame({"need": need.reindex(idx, fill_value=0.0), "got": got.reindex(idx, fill_value=0.0)})
    frame = frame.reset_index().sort_values(["area", "commodity", "day"])
    frame["cum_need"] = frame.groupby(["area", "commodity"])["need"].cumsum()
    frame["cum_got"] = frame.groupby(["area", "commodity"])["got"].cumsum()
    ahead = frame["cum_got"] > frame["cum_need"] + frame["cum_need"].map(_slack)
    for r in frame[ahead].head(10).itertuples():
        out.append(
            f"{r.area}/{r.commodity}: {r.cum_got:.6g} delivered by day {r.day} > {r.cum_need:.6g} needed"
        )
    total = frame.groupby(["area", "commodity"])[["got", "need"]].sum().reset_index()
    total.columns = ["area", "commodity", "delivered", "needed"]
    total["fill_rate"] = (total["delivered"] / total["needed"]).where(total["needed"] > 0, 1.0)
    return total


def _reach_and_distance(s: Scenario, shipments: pd.DataFrame, out: list[str]) -> float:
    if shipments.empty:
        return 0.0
    sn = ScenarioNetwork(s)
    mats = sn.warehouse_to_area()
    w_ix = {w.id: i for i, w in enumerate(s.warehouses)}
    a_ix = {a.id: i for i, a in enumerate(s.areas)}
    based = _loading_types(s, sn, w_ix)
    tonne_km = 0.0
    for (w, a), grp in shipments.groupby(["warehouse", "area"]):
        if w not in w_ix or a not in a_ix:
            continue
        best_t, best_d = np.inf, np.inf
        for v in based.get(w, []):
            t = mats[v].time_h[w_ix[w], a_ix[a]]
            if t < best_t:
                best_t, best_d = t, mats[v].distance_km[w_ix[w], a_ix[a]]
        if not np.isfinite(best_t):
            out.append(f"{w} -> {a}: no vehicle type that may load at {w} reaches {a}")
            continue
        tonne_km += grp["kg"].sum() / 1000 * best_d
    return float(tonne_km)


def _loading_types(s: Scenario, sn: ScenarioNetwork, w_ix: dict[str, int]) -> dict[str, list[str]]:
    """Warehouse -> the vehicle types that may load there: those based there and, under the pooled
    fleet rule, those based where they drive from within twice `POOL_REACH_H` (a pool's span)."""
    out: dict[str, set[str]] = {}
    for w, v in based_vehicle_types(s):
        out.setdefault(w, set()).add(v)
    if s.policy.fleet == "pooled":
        vts = {v.id: v for v in s.vehicle_types}
        for b, v in based_vehicle_types(s):
            t = sn.matrix(vts[v], "warehouses", "warehouses").time_h[w_ix[b]]
            for w, k in w_ix.items():
                if t[k] <= 2 * POOL_REACH_H:
                    out.setdefault(w, set()).add(v)
    return {w: sorted(vs) for w, vs in out.items()}
