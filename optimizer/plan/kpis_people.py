"""The KPIs that count people (docs/plan-format.md): person-days without each need category, by group
and by area; the displaced covered for three days; the first delivery per area; the households with a
vulnerable member reached; cost per household served; stock left per kab/kota; what each dapur umum
cooks; the need-weighted fill rates. Every number comes from the needs (their persons and covers), the
service rule's backlog and the trips, so it does not depend on the unit a commodity is counted in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from scenarios.kitchens import apply_kitchens
from scenarios.model import Scenario
from scenarios.needs import VULNERABLE_KINDS, compute_needs, household_counts

from ..routing.trips import Trip
from .people import KEY, row_values
from .served import Service

__all__ = ["COVERED_DAYS", "PeopleKpis", "people_kpis"]

COVERED_DAYS = 3  # "covered for three days": food, water and shelter met to the end of day 3
CORE = ("food", "water", "shelter")

Nested = dict[str, dict[str, float]]


class PeopleKpis(TypedDict):
    """plan.json `kpis` fields that count people (docs/plan-format.md)."""

    fill_rate: float
    fill_rate_by_group: dict[str, float]
    fill_rate_by_area: dict[str, float]
    person_days_without: dict[str, float]
    person_days_without_by_group: Nested
    person_days_without_by_area: Nested
    displaced_covered_3d: float | None
    first_delivery_h: dict[str, float]
    vulnerable_households_reached: float | None
    households_served: float
    stock_left_by_kab: Nested
    kitchens: Nested


def people_kpis(
    scenario: Scenario, needs: pd.DataFrame, trips: Sequence[Trip], service: Service
) -> PeopleKpis:
    """The people-counting KPIs as plan.json `kpis` fields."""
    values = row_values(needs)
    kind = {c.id: c.kind for c in scenario.commodities}
    without = _without(needs, service.backlog, kind)
    fill = _fill(needs, service.unmet, values)
    return {
        "fill_rate": float(fill["all"]),
        "fill_rate_by_group": fill["group"],
        "fill_rate_by_area": fill["area"],
        "person_days_without": _sum_by(without, ["category"]),
        "person_days_without_by_group": _nested(without, "group", [g.id for g in scenario.groups]),
        "person_days_without_by_area": _nested(without, "area", [a.id for a in scenario.areas]),
        "displaced_covered_3d": _covered(service.backlog, values, kind, scenario.policy.horizon_days),
        "first_delivery_h": _first_delivery(trips, [a.id for a in scenario.areas]),
        "vulnerable_households_reached": _reached(scenario, needs, service.served, values, kind),
        "households_served": _households_served(scenario, fill["area"]),
        "stock_left_by_kab": _stock_left(scenario, trips),
        "kitchens": kitchen_kpis(scenario),
    }


def _without(needs: pd.DataFrame, backlog: pd.DataFrame, kind: Mapping[str, str]) -> pd.DataFrame:
    """Per backlog row (area, commodity, group, day): the people without it that day, times its
    covers: min(persons, backlog / per-person need) x covers, with the persons and the need per person
    of that day's need row (of the latest earlier one on days without: a one-off item's, or after a
    dapur umum's last day); with its need category."""
    cols = ["area", "group", "category", "day", "pd"]
    if backlog.empty:
        return pd.DataFrame(columns=cols)
    rows = needs[[*KEY, "day", "units", "persons", "covers"]].sort_values("day", kind="stable")
    b = (
        backlog.reset_index(drop=True)
        .assign(_order=np.arange(len(backlog)))
        .sort_values("day", kind="stable")
    )
    m = pd.merge_asof(b, rows, on="day", by=KEY, direction="backward").sort_values("_order")
    persons, units = m["persons"].fillna(0.0).to_numpy(float), m["units"].fillna(0.0).to_numpy(float)
    per = np.divide(units, persons, out=np.zeros(len(m)), where=persons > 0)
    owed = np.divide(m["backlog"].to_numpy(float), per, out=np.zeros(len(m)), where=per > 0)
    people = np.minimum(persons, owed)
    return pd.DataFrame(
        {
            "area": m["area"].to_numpy(),
            "group": m["group"].to_numpy(),
            "category": m["commodity"].map(kind).to_numpy(),
            "day": m["day"].to_numpy(),
            "pd": np.nan_to_num(people * m["covers"].fillna(0.0).to_numpy(float)),
        }
    )[cols]


def _sum_by(frame: pd.DataFrame, by: list[str]) -> dict[str, float]:
    if frame.empty:
        return {}
    s = frame.groupby(by, sort=False)["pd"].sum()
    return {str(k): round(float(x), 3) for k, x in s.items()}


def _nested(frame: pd.DataFrame, outer: str, order: list[str]) -> Nested:
    if frame.empty:
        return {}
    s = frame.groupby([outer, "category"], sort=False)["pd"].sum()
    out: Nested = {}
    for (o, cat), x in s.items():
        out.setdefault(str(o), {})[str(cat)] = round(float(x), 3)
    return {k: out[k] for k in order if k in out}


def _fill(needs: pd.DataFrame, unmet: pd.DataFrame, values: pd.DataFrame) -> dict[str, Any]:
    """Need-weighted fill rates: 1 - unmet person-days / needed person-days (each unit weighted by
    its person-days per unit), overall, by group and by area."""

    def pd_of(frame: pd.DataFrame) -> pd.DataFrame:
        v = values.reindex(pd.MultiIndex.from_frame(frame[KEY]))["pd_per_unit"].fillna(0.0).to_numpy()
        return frame[["area", "group"]].assign(pd=frame["units"].to_numpy(float) * v)

    need, short = pd_of(needs), pd_of(unmet) if len(unmet) else None

    def ratio(by: str | None):
        n = need["pd"].sum() if by is None else need.groupby(by, sort=False)["pd"].sum()
        if short is None:
            u = 0.0 if by is None else n * 0.0
        else:
            u = (
                short["pd"].sum()
                if by is None
                else short.groupby(by)["pd"].sum().reindex(n.index, fill_value=0.0)
            )
        if by is None:
            return float(np.clip(1 - u / n, 0.0, 1.0)) if n > 0 else 1.0
        f = (1 - u / n[n > 0]).clip(0.0, 1.0)
        return {str(k): float(x) for k, x in f.items()}

    return {"all": ratio(None), "group": ratio("group"), "area": ratio("area")}


def _covered(
    backlog: pd.DataFrame, values: pd.DataFrame, kind: Mapping[str, str], horizon: int
) -> float | None:
    """The share of people whose food, water and shelter were all met to the end of day
    min(3, horizon): per (area, group), the least of the three categories' covered shares (each the
    covers-weighted share of its commodities' need to date that was met), weighted by the group's
    people there; None when nobody needs food, water or shelter."""
    day = min(COVERED_DAYS, horizon)
    b = backlog[(backlog["day"] == day) & backlog["commodity"].map(kind).isin(CORE)]
    if b.empty:
        return None
    v = values.reindex(pd.MultiIndex.from_frame(b[KEY]))
    met = 1 - (b["backlog"].to_numpy(float) / b["cum_need"].to_numpy(float)).clip(0.0, 1.0)
    covers = (v["pd_per_unit"] * v["per_person"]).to_numpy(float)
    f = pd.DataFrame(
        {
            "area": b["area"].to_numpy(),
            "group": b["group"].to_numpy(),
            "cat": b["commodity"].map(kind).to_numpy(),
        }
    ).assign(m=met * covers, w=covers, persons=v["persons"].to_numpy(float))
    cat = f.groupby(["area", "group", "cat"]).agg(m=("m", "sum"), w=("w", "sum"), persons=("persons", "max"))
    cat["share"] = np.where(cat["w"] > 0, cat["m"] / cat["w"], 1.0)
    ag = cat.groupby(level=["area", "group"]).agg(share=("share", "min"), persons=("persons", "max"))
    total = ag["persons"].sum()
    return round(float((ag["share"] * ag["persons"]).sum() / total), 6) if total > 0 else None


def _first_delivery(trips: Sequence[Trip], order: list[str]) -> dict[str, float]:
    """Per area served: hours on the plan's clock to its first delivery."""
    first: dict[str, float] = {}
    for t in trips:
        for st in t.stops:
            if st.arrive_h is not None and st.deliver:
                first[st.area] = min(first.get(st.area, float(st.arrive_h)), float(st.arrive_h))
    return {a: round(first[a], 3) for a in order if a in first}


def _reached(
    s: Scenario, needs: pd.DataFrame, served: pd.DataFrame, values: pd.DataFrame, kind: Mapping[str, str]
) -> float | None:
    """The share of people in households with a vulnerable member (groups of kind vulnerable, pmks or
    household) who received at least one day's food ration within the horizon: per (area, group),
    the covers-weighted share of its food commodities whose deliveries reach a day's need."""
    kinds = {g.id: g.kind for g in s.groups}
    hh = [g for g, k in kinds.items() if k in (*VULNERABLE_KINDS, "household")]
    n = needs[needs["group"].isin(hh) & needs["commodity"].map(kind).eq("food")]
    if n.empty:
        return None
    day1 = n.sort_values("day", kind="stable").drop_duplicates(KEY).set_index(KEY)["units"]
    got = (
        served.groupby(KEY)["units"].sum().reindex(day1.index, fill_value=0.0) if len(served) else day1 * 0.0
    )
    v = values.reindex(day1.index)
    covers = (v["pd_per_unit"] * v["per_person"]).to_numpy(float)
    share = np.minimum(got.to_numpy(float) / day1.to_numpy(float), 1.0)
    f = pd.DataFrame(
        {"m": share * covers, "w": covers, "persons": v["persons"].to_numpy(float)}, index=day1.index
    )
    ag = f.groupby(level=["area", "group"]).agg(m=("m", "sum"), w=("w", "sum"), persons=("persons", "max"))
    ag["share"] = np.where(ag["w"] > 0, ag["m"] / ag["w"], 0.0)
    total = ag["persons"].sum()
    return round(float((ag["share"] * ag["persons"]).sum() / total), 6) if total > 0 else None


def _households_served(s: Scenario, fill_by_area: Mapping[str, float]) -> float:
    """sum over areas of its households (KK) x its need-weighted fill rate."""
    kk = household_counts(s).set_index("area")["kk"]
    return round(float(sum(kk.get(a, 0.0) * f for a, f in fill_by_area.items())), 3)


def kitchen_kpis(s: Scenario) -> Nested:
    """Per dapur umum: `meals` it cooks over its days, `people_days` it feeds, its `staff`, and the
    ingredients it needs at its posko (`rice_kg`, `side_dishes`)."""
    if not s.kitchens:
        return {}
    _, fed = apply_kitchens(s, compute_needs(s, kitchens=False))
    out: Nested = {}
    for k in s.kitchens:
        people_days = float(fed.loc[fed["kitchen"] == k.id, "people"].sum())
        meals = people_days * k.meals_per_person_day
        out[k.id] = {
            "meals": round(meals, 1),
            "people_days": round(people_days, 1),
            "staff": float(k.staff),
            "rice_kg": round(meals * k.rice_kg_per_meal, 3),
            "side_dishes": round(meals * k.side_dish_per_meal, 1),
        }
    return out


def _stock_left(s: Scenario, trips: Sequence[Trip]) -> Nested:
    """Per kab/kota (the warehouse's kab_code; its id when it has none): units of each commodity left
    at the end of the horizon, initial stock plus arrivals within it minus what the trips load."""
    kab = {w.id: w.kab_code or w.id for w in s.warehouses}
    left: dict[str, dict[str, float]] = {}
    for w in s.warehouses:
        row = left.setdefault(kab[w.id], {})
        for c, u in w.stock.items():
            row[c] = row.get(c, 0.0) + u
        for arr in s.arrivals_of(w):
            if arr.day <= s.policy.horizon_days:
                row[arr.commodity] = row.get(arr.commodity, 0.0) + arr.units
    for t in trips:
        row = left.setdefault(kab.get(t.warehouse, t.warehouse), {})
        for st in t.stops:
            for c, q in st.deliver.items():
                row[c] = row.get(c, 0.0) - float(q)
    order = [c.id for c in s.commodities]
    return {k: {c: round(max(v[c], 0.0), 3) for c in order if c in v} for k, v in sorted(left.items())}
