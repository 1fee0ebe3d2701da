"""The baseline: what a coordinator does without SIAGA, to compare plans against.

Requests are served first come, first served: day by day, each day's new requests (an area's need of a
commodity on that day, all groups together, no priority for the vulnerable) join the queue behind the
ones still open, areas in the order they report (scenario order), commodities in catalogue order. On
dispatch day d every open request, oldest first, is filled from its nearest warehouse (by the fastest
vehicle type based there) that still has stock of the commodity on day d (initial stock plus arrivals
to date), then, for what is left, from the next nearest, and so on. Goods arrive on d + the whole days
the fastest based type needs to get there (a shift a day, daylight-limited as in the allocation); a
warehouse whose delivery would fall after the horizon is skipped. What is still open stays in the
queue for the next day.

Each warehouse dispatches at most its throughput (t/day) and roughly what its fleet carries in a day:
to area a, `sum over based types v reaching a of count x capacity x trips`, trips = floor(shift / round
trip) (round trip = 2 x one way + 1 h handling) when a round trip fits a shift, else shift / round trip
(a longer haul takes round trip / shift vehicle-days, as the allocation counts fleet hours), in kg and
in m3; a shipment uses that fraction of the warehouse's day, so a day's fleet is shared between near
and far areas. Loads are not consolidated across areas, so this approximates what the routing will
carry; it is not a promise.

Pure and deterministic: no randomness, ties broken by warehouse order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.model import Scenario
from scenarios.needs import compute_needs

from ..instance import PlanningInstance, compile_instance
from .residual import residual_needs
from .water import water_service

__all__ = ["baseline_shipments"]

HANDLING_H = 1.0
TOL = 1e-9
COLUMNS = ["warehouse", "area", "commodity", "day", "units", "kg", "m3", "distance_km"]


@dataclass(frozen=True)
class _Links:
    """Warehouse x area facts on the fastest based vehicle type, and the fleet's daily capacity."""

    order: tuple[np.ndarray, ...]  # per area: reachable warehouse indices, nearest first
    dist_km: np.ndarray  # [warehouse, area]
    lag_days: np.ndarray  # [warehouse, area] (-1: unreachable)
    day_kg: np.ndarray  # [warehouse, area] kg the fleet carries there in a day
    day_m3: np.ndarray


@dataclass
class _Ledger:
    """What is used so far: stock per warehouse and commodity, fleet-day share and kg per dispatch day."""

    stock: np.ndarray  # [warehouse, commodity, day] units available from that day on (cumulative)
    throughput_kg: np.ndarray  # per warehouse (inf: none)
    used_units: np.ndarray  # [warehouse, commodity]
    used_fleet: np.ndarray  # [warehouse, day] share of the day's fleet
    used_kg: np.ndarray  # [warehouse, day]


def baseline_shipments(problem: PlanningInstance | Scenario) -> pd.DataFrame:
    """Shipments (warehouse, area, commodity, day, units, kg, m3, distance_km) of the first come, first
    served, nearest-warehouse rule; `day` is the delivery day (1-based). `problem`: a compiled
    instance (its needs and travel), or a scenario, compiled here with the need its water points leave
    (they serve first, as in a plan)."""
    inst = _compiled(problem) if isinstance(problem, Scenario) else problem
    s = inst.scenario
    horizon = inst.horizon_days
    links = _links(inst)
    ledger = _ledger(inst)
    kg, m3 = inst.kg_per_unit, inst.m3_per_unit
    rows: list[tuple[int, int, int, int, float]] = []
    queue: list[list] = []
    by_day = _requests(inst, inst.needs.frame, horizon)
    for day in range(1, horizon + 1):
        queue += by_day.get(day, [])
        for req in queue:
            req[3] -= _fill(req, day, horizon, links, ledger, kg, m3, rows)
        queue = [r for r in queue if r[3] > TOL]
    return _frame(s, rows, links)


def _compiled(s: Scenario) -> PlanningInstance:
    """`s` compiled with the need left once its water points have served."""
    needs = compute_needs(s)
    return compile_instance(s, needs=residual_needs(s, needs, water_service(s, needs)))


def _links(inst: PlanningInstance) -> _Links:
    fl = inst.fleet
    count = fl.count.astype(float)
    time_h = inst.travel.based_time_h
    dist = inst.travel.distance_km
    shift = fl.duty.duty_h
    fastest = np.argmin(time_h, axis=2)
    best_h = np.take_along_axis(time_h, fastest[:, :, None], axis=2)[:, :, 0]
    lag = np.take_along_axis(inst.travel.lag_days, fastest[:, :, None], axis=2)[:, :, 0]
    trips = _trips_per_day(time_h, inst.travel.round_trip_h(HANDLING_H), shift)
    day_kg = (count[:, None, :] * trips * fl.capacity_kg).sum(axis=2)
    day_m3 = (count[:, None, :] * trips * fl.capacity_m3).sum(axis=2)
    order = tuple(_nearest_first(best_h[:, a]) for a in range(len(inst.areas)))
    dist_best = np.take_along_axis(dist, fastest[:, :, None], axis=2)[:, :, 0]
    return _Links(order, np.where(np.isfinite(best_h), dist_best, np.inf), lag, day_kg, day_m3)


def _trips_per_day(time_h: np.ndarray, rt: np.ndarray, shift_h: np.ndarray) -> np.ndarray:
    """Round trips (`rt` hours each) a vehicle makes a day: whole ones within a shift, or a share of a
    multi-day haul."""
    with np.errstate(invalid="ignore"):
        per_day = np.where(rt <= shift_h, np.floor(shift_h / rt), shift_h / rt)
    return np.where(np.isfinite(time_h), per_day, 0.0)


def _nearest_first(hours: np.ndarray) -> np.ndarray:
    ok = np.flatnonzero(np.isfinite(hours))
    return ok[np.argsort(hours[ok], kind="stable")]


def _ledger(inst: PlanningInstance) -> _Ledger:
    W, C, H = len(inst.warehouses), len(inst.commodities), inst.horizon_days
    stock = inst.stock[:, :, :H]  # read only: what is used is counted beside it
    return _Ledger(stock, 1000 * inst.throughput_t, np.zeros((W, C)), np.zeros((W, H)), np.zeros((W, H)))


def _requests(inst: PlanningInstance, needs: pd.DataFrame, horizon: int) -> dict[int, list[list]]:
    """Need day -> requests [need day, area index, commodity index, units open], in reporting order."""
    if needs.empty:
        return {}
    g = needs.assign(a=inst.areas.positions(needs["area"]), c=inst.commodities.positions(needs["commodity"]))
    g = g[g["day"] <= horizon].groupby(["day", "a", "c"], sort=True)["units"].sum()
    out: dict[int, list[list]] = {}
    for (d, a, c), units in g.items():
        if units > TOL:
            out.setdefault(int(d), []).append([int(d), int(a), int(c), float(units)])
    return out


def _fill(req: list, day: int, horizon: int, links: _Links, led: _Ledger, kg, m3, rows: list) -> float:
    """Units of `req` shipped on dispatch `day`, nearest warehouse with stock first; appends rows."""
    _, a, c, want = req
    order = links.order[a]
    ok = (
        (led.stock[order, c, day - 1] - led.used_units[order, c] > TOL)
        & (links.lag_days[order, a] + day <= horizon)
        & (led.used_fleet[order, day - 1] < 1 - TOL)
        & (led.used_kg[order, day - 1] < led.throughput_kg[order] - TOL)
    )
    done = 0.0
    for w in order[ok].tolist():
        units = min(want - done, _room(w, a, c, day, links, led, kg, m3))
        if units <= TOL:
            continue
        led.used_units[w, c] += units
        led.used_fleet[w, day - 1] += units * max(kg[c] / links.day_kg[w, a], m3[c] / links.day_m3[w, a])
        led.used_kg[w, day - 1] += units * kg[c]
        rows.append((w, a, c, day + int(links.lag_days[w, a]), units))
        done += units
        if want - done <= TOL:
            break
    return done


def _room(w: int, a: int, c: int, day: int, links: _Links, led: _Ledger, kg, m3) -> float:
    """Units of commodity c warehouse w can still send area a on dispatch `day`: stock, fleet, throughput."""
    stock = led.stock[w, c, day - 1] - led.used_units[w, c]
    fleet_share = max(0.0, 1.0 - led.used_fleet[w, day - 1])
    by_fleet = fleet_share / max(kg[c] / links.day_kg[w, a], m3[c] / links.day_m3[w, a])
    by_throughput = max(0.0, led.throughput_kg[w] - led.used_kg[w, day - 1]) / kg[c]
    return max(0.0, min(stock, by_fleet, by_throughput))


def _frame(s: Scenario, rows: list, links: _Links) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=float if c in COLUMNS[4:] else object) for c in COLUMNS})
    w, a, c, d, u = (np.array(x) for x in zip(*rows, strict=True))
    frame = pd.DataFrame(
        {
            "warehouse": np.array([x.id for x in s.warehouses], dtype=object)[w],
            "area": np.array([x.id for x in s.areas], dtype=object)[a],
            "commodity": np.array([x.id for x in s.commodities], dtype=object)[c],
            "day": d.astype(np.int64),
            "units": u.astype(float),
            "distance_km": links.dist_km[w, a],
        }
    )
    keys = ["warehouse", "area", "commodity", "day"]
    out = frame.groupby(keys, sort=False, as_index=False).agg(
        units=("units", "sum"), distance_km=("distance_km", "first")
    )
    per_kg = out["commodity"].map({x.id: x.kg_per_unit for x in s.commodities})
    per_m3 = out["commodity"].map({x.id: x.m3_per_unit for x in s.commodities})
    out = out.assign(kg=out["units"] * per_kg, m3=out["units"] * per_m3)
    return out[COLUMNS].reset_index(drop=True)
