"""The KPIs a coordinator reports, after Huang, Smilowitz & Balcik (2012): efficacy (how much need is
met, how fast), equity (how evenly) and efficiency (what it costs). Definitions, field by field, in
docs/plan-format.md; every number is computed from the needs, the trips and the service rule of
`served.py`, so any plan (also a hand-made one) gets the same KPIs for the same deliveries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.model import Scenario

from .served import Service

__all__ = ["delivered_from_trips", "gini", "plan_kpis"]


def delivered_from_trips(trips: list[dict]) -> pd.DataFrame:
    """(warehouse, area, commodity, day, units): what the trips unload, summed."""
    rows = [
        (t["warehouse"], st["area"], c, int(t["day"]), float(q))
        for t in trips
        for st in t["stops"]
        for c, q in st["deliver"].items()
    ]
    frame = pd.DataFrame(rows, columns=["warehouse", "area", "commodity", "day", "units"])
    return frame.groupby(["warehouse", "area", "commodity", "day"], as_index=False, sort=True)["units"].sum()


def gini(values: np.ndarray) -> float:
    """Gini coefficient (0: all equal, towards 1: concentrated): mean absolute difference over all
    pairs divided by twice the mean."""
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2 * ranks - n - 1) @ x / (n * x.sum()))


def plan_kpis(scenario: Scenario, needs: pd.DataFrame, trips: list[dict], service: Service) -> dict:
    weights = {g.id: g.priority_weight for g in scenario.groups}
    need_ac = needs.groupby(["area", "commodity"])["units"].sum()
    srv = service.served
    got_ac = srv.groupby(["area", "commodity"])["units"].sum().reindex(need_ac.index, fill_value=0.0)
    by_c = _ratio(got_ac.groupby(level="commodity").sum(), need_ac.groupby(level="commodity").sum())
    fill_ac = _ratio(got_ac, need_ac)
    by_area = fill_ac.groupby(level="area", sort=False).mean()
    need_gc = needs.groupby(["group", "commodity"])["units"].sum()
    got_gc = srv.groupby(["group", "commodity"])["units"].sum().reindex(need_gc.index, fill_value=0.0)
    by_group = _ratio(got_gc, need_gc).groupby(level="group", sort=False).mean()
    un = service.unmet
    weighted = float((un["units"] * un["group"].map(weights)).sum()) if len(un) else 0.0
    return {
        "fill_rate": float(by_c.mean()) if len(by_c) else 1.0,
        "fill_rate_by_commodity": _ordered(by_c, [c.id for c in scenario.commodities]),
        "fill_rate_by_group": _ordered(by_group, [g.id for g in scenario.groups]),
        "fill_rate_by_area": _ordered(by_area, [a.id for a in scenario.areas]),
        "weighted_unmet": weighted,
        "unmet_units": float(un["units"].sum()) if len(un) else 0.0,
        "person_days_deprived": _person_days(scenario, service.backlog),
        "arrival_h": _arrivals(trips),
        "min_area_fill_rate": float(by_area.min()) if len(by_area) else 1.0,
        "max_area_fill_rate": float(by_area.max()) if len(by_area) else 1.0,
        "gini": gini(by_area.to_numpy()),
        **_fleet(scenario, trips),
    }


def _ratio(got: pd.Series, need: pd.Series) -> pd.Series:
    need = need[need > 0]
    return (got.reindex(need.index, fill_value=0.0) / need).clip(upper=1.0)


def _ordered(series: pd.Series, order: list[str]) -> dict[str, float]:
    d = series.to_dict()
    return {k: float(d[k]) for k in order if k in d}


def _person_days(scenario: Scenario, backlog: pd.DataFrame) -> float:
    """sum over area, group and day of the group's people x the largest share of any commodity's
    need to date still unmet at the day's end."""
    if backlog.empty:
        return 0.0
    share = (backlog["backlog"] / backlog["cum_need"]).clip(0.0, 1.0)
    worst = share.groupby([backlog["area"], backlog["group"], backlog["day"]]).max()
    people = {(a.id, g): n for a in scenario.areas for g, n in a.people.items()}
    keys = list(zip(worst.index.get_level_values(0), worst.index.get_level_values(1), strict=True))
    return float(sum(people.get(k, 0.0) * v for k, v in zip(keys, worst.to_numpy(), strict=True)))


def _arrivals(trips: list[dict]) -> dict:
    """Hours from the start of day 1 to the first delivery at each area served."""
    first: dict[str, float] = {}
    for t in trips:
        for st in t["stops"]:
            h = 24 * (int(t["day"]) - 1) + float(st["arrive_h"])
            first[st["area"]] = min(first.get(st["area"], h), h)
    if not first:
        return {"mean": None, "p90": None, "max": None, "areas": 0}
    x = np.array(list(first.values()))
    return {
        "mean": round(float(x.mean()), 3),
        "p90": round(float(np.percentile(x, 90)), 3),
        "max": round(float(x.max()), 3),
        "areas": len(x),
    }


def _fleet(scenario: Scenario, trips: list[dict]) -> dict:
    """Cost (per km and per hour of each trip, plus the fixed cost per vehicle and day), tonne-km,
    vehicle hours, vehicles and vehicle-days used."""
    vt = {v.id: v for v in scenario.vehicle_types}
    cost = sum(
        vt[t["vehicle_type"]].cost_per_km * t["distance_km"]
        + vt[t["vehicle_type"]].cost_per_h * t["duration_h"]
        for t in trips
    )
    days = {(t["vehicle"], t["day"]): t["vehicle_type"] for t in trips}
    cost += sum(vt[v].fixed_cost for v in days.values())
    return {
        "cost": round(float(cost), 2),
        "tonne_km": round(float(sum(t.get("tonne_km", 0.0) for t in trips)), 3),
        "vehicle_hours": round(float(sum(t["duration_h"] for t in trips)), 3),
        "distance_km": round(float(sum(t["distance_km"] for t in trips)), 3),
        "vehicles_used": len({t["vehicle"] for t in trips}),
        "vehicle_days": len(days),
        "trips": len(trips),
        "delivered_kg": round(float(sum(t["load_kg"] for t in trips)), 3),
    }
