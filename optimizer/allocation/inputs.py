"""The allocation's inputs as arrays: needs by priority class, stock, fleet, links, zones.

Links: an area is linked to the warehouses a based vehicle type can reach, but only to its `k` nearest
(by the fastest based vehicle) plus, for each commodity, the nearest warehouse holding it; rounds of
the solve add the farther warehouses that the duals price as improving where stock is left (`extra`).

Zones: areas with the same candidate warehouses, the same days of delay per warehouse and vehicle
type and (`split_nearest`, the default) the same nearest candidate form one zone; groups with the same
priority weight form one class. The LP is solved per zone and
class and split back in proportion to need, which is exact for deprivation; vehicle hours and cost use
need-weighted mean round trips, exact for the proportional split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.model import Scenario

__all__ = ["AllocationInputs", "build_inputs", "index_of", "stock_by_day"]

DAYLIGHT_H = 12.0


@dataclass(frozen=True)
class AllocationInputs:
    """Everything the LP needs, as arrays; `z_*` are per zone, `l_*` per zone-warehouse link."""

    areas: tuple[str, ...]
    warehouses: tuple[str, ...]
    commodities: tuple[str, ...]
    groups: tuple[str, ...]
    vehicle_types: tuple[str, ...]
    horizon: int
    group_class: np.ndarray  # group index -> class index
    class_weight: np.ndarray
    kg: np.ndarray  # per commodity
    m3: np.ndarray
    need: np.ndarray  # [area, commodity, class, day]
    stock: np.ndarray  # [warehouse, commodity, day]: units available from that day on (cumulative)
    throughput_t: np.ndarray  # per warehouse (inf: none)
    count: np.ndarray  # [warehouse, vehicle type]
    shift_h: np.ndarray  # per vehicle type (daylight-limited)
    cap_kg: np.ndarray
    cap_m3: np.ndarray
    trip_cost: np.ndarray  # [warehouse, area, vehicle type] money per trip (inf: unreachable)
    time_h: np.ndarray  # [warehouse, area, vehicle type] one way (inf: unreachable)
    dist_km: np.ndarray
    reachable: np.ndarray  # [warehouse, area]: some based vehicle type reaches it
    zone_of: np.ndarray  # per area
    n_zones: int
    l_zone: np.ndarray
    l_wh: np.ndarray
    l_lag: np.ndarray  # days from dispatch to delivery on the fastest based vehicle
    lv_lag: np.ndarray  # [link, vehicle type] (-1: cannot serve)
    lv_rt: np.ndarray  # [link, vehicle type] round trip hours (need-weighted mean)
    lv_cost: np.ndarray  # [link, vehicle type] money per trip
    lv_dist: np.ndarray  # [link, vehicle type] one-way km
    candidates: tuple[frozenset, ...]  # per area: warehouse indices linked
    handling_h: float = 1.0  # loading and unloading per trip


def stock_by_day(s: Scenario, horizon: int) -> np.ndarray:
    """[warehouse, commodity, day]: units available from that day on (initial stock plus arrivals)."""
    c_ix = {c.id: i for i, c in enumerate(s.commodities)}
    stock = np.zeros((len(s.warehouses), len(s.commodities), horizon))
    for i, w in enumerate(s.warehouses):
        for c, u in w.stock.items():
            stock[i, c_ix[c], :] += u
        for arr in w.arrivals:
            if arr.day <= horizon:
                stock[i, c_ix[arr.commodity], arr.day - 1 :] += arr.units
    return stock


def index_of(values, ids) -> np.ndarray:
    """Position of each of `values` in `ids` (-1 where absent); hashed, far faster than Series.map."""
    return pd.Index(list(ids)).get_indexer(np.asarray(values, dtype=object))


def lag_days(time_h: np.ndarray, shift_h: np.ndarray) -> np.ndarray:
    """Whole days between dispatch and delivery when a vehicle drives at most a shift a day
    (-1 where it cannot reach)."""
    shift = np.broadcast_to(shift_h, time_h.shape)
    lag = np.full(time_h.shape, -1, np.int64)
    ok = np.isfinite(time_h)
    lag[ok] = np.maximum(np.ceil(time_h[ok] / shift[ok]) - 1, 0)
    return lag


def build_inputs(
    scenario: Scenario,
    needs: pd.DataFrame,
    travel: dict,  # vehicle type id -> network.TravelMatrix (warehouses x areas)
    k_nearest: int = 3,
    aggregate: bool = True,
    handling_h: float = 1.0,
    extra: dict[int, set[int]] | None = None,
    split_nearest: bool = True,
    alone: frozenset[int] = frozenset(),
) -> AllocationInputs:
    """`alone`: warehouses whose candidate areas each get a zone of their own (where their fleet
    hours bind, zone-mean round trips would misprice the trips; see solve.py)."""
    s = scenario
    A, W = len(s.areas), len(s.warehouses)
    C, H = len(s.commodities), int(needs["day"].max()) if len(needs) else s.policy.horizon_days
    H = max(H, s.policy.horizon_days)
    vts = s.vehicle_types
    V = len(vts)
    a_ix = {a.id: i for i, a in enumerate(s.areas)}
    w_ix = {w.id: i for i, w in enumerate(s.warehouses)}
    c_ix = {c.id: i for i, c in enumerate(s.commodities)}
    g_ix = {g.id: i for i, g in enumerate(s.groups)}
    v_ix = {v.id: i for i, v in enumerate(vts)}

    weights = np.array([g.priority_weight for g in s.groups])
    if aggregate:
        class_weight, group_class = np.unique(weights, return_inverse=True)
    else:
        class_weight, group_class = weights.copy(), np.arange(len(weights))
    K = len(class_weight)
    need = np.zeros((A, C, K, H))
    if len(needs):
        np.add.at(
            need,
            (
                index_of(needs["area"], a_ix),
                index_of(needs["commodity"], c_ix),
                group_class[index_of(needs["group"], g_ix)],
                needs["day"].to_numpy() - 1,
            ),
            needs["units"].to_numpy(),
        )

    stock = stock_by_day(s, H)
    throughput = np.array(
        [np.inf if w.throughput_t_per_day is None else w.throughput_t_per_day for w in s.warehouses]
    )
    count = np.zeros((W, V))
    for f in s.fleet:
        count[w_ix[f.warehouse], v_ix[f.vehicle_type]] += f.count
    shift = np.array([min(v.shift_h, DAYLIGHT_H) if v.daylight_only else v.shift_h for v in vts])
    cap_kg = np.array([v.capacity_kg for v in vts])
    cap_m3 = np.array([v.capacity_m3 for v in vts])

    time_h = np.full((W, A, V), np.inf)
    dist = np.full((W, A, V), np.inf)
    for v in vts:
        m = travel[v.id]
        time_h[:, :, v_ix[v.id]] = np.where(count[:, [v_ix[v.id]]] > 0, m.time_h, np.inf)
        dist[:, :, v_ix[v.id]] = m.distance_km
    dist = np.where(np.isfinite(time_h), dist, np.inf)
    rt = 2 * time_h + handling_h
    per_h = np.array([v.cost_per_h for v in vts])
    per_km = np.array([v.cost_per_km for v in vts])
    fixed = np.array([v.fixed_cost for v in vts])
    finite = np.isfinite(rt)
    rt_f, dist_f = np.where(finite, rt, 0.0), np.where(finite, dist, 0.0)
    money = per_h * rt_f + per_km * 2 * dist_f + fixed
    no_price = (per_h == 0) & (per_km == 0) & (fixed == 0)
    trip_cost = np.where(finite, np.where(no_price, rt_f, money), np.inf)  # hours when a type has no prices
    reachable = np.isfinite(time_h).any(axis=2)

    holder = stock[:, :, -1] > 0  # [w, c]
    best_h = time_h.min(axis=2)
    candidates = _candidates(best_h, reachable, holder, need.sum(axis=(2, 3)) > 0, k_nearest, extra)
    lags = lag_days(time_h, shift[None, None, :])  # [w, a, v]
    nearest = _nearest(best_h, candidates) if split_nearest else None
    zone_of, n_zones = _zones(candidates, lags, aggregate, nearest, alone)

    # links: unique (zone, warehouse)
    pairs = {(int(zone_of[a]), w) for a in range(A) for w in candidates[a]}
    links = sorted(pairs)
    l_zone = np.array([z for z, _ in links], np.int64)
    l_wh = np.array([w for _, w in links], np.int64)
    first = np.zeros(n_zones, np.int64)
    first[zone_of[::-1]] = np.arange(A)[::-1]
    lv_lag = lags[l_wh, first[l_zone], :] if len(links) else np.zeros((0, V), np.int64)
    l_lag = np.where(lv_lag >= 0, lv_lag, np.iinfo(np.int64).max).min(axis=1) if len(links) else lv_lag[:, 0]
    weight_a = (need * 1.0).sum(axis=(1, 2, 3)) + 1e-9
    lv_rt, lv_cost, lv_dist = (
        _zone_mean(x, zone_of, n_zones, weight_a, l_zone, l_wh) for x in (rt, trip_cost, dist)
    )
    return AllocationInputs(
        areas=tuple(a.id for a in s.areas),
        warehouses=tuple(w.id for w in s.warehouses),
        commodities=tuple(c.id for c in s.commodities),
        groups=tuple(g.id for g in s.groups),
        vehicle_types=tuple(v.id for v in vts),
        horizon=H,
        group_class=np.asarray(group_class),
        class_weight=np.asarray(class_weight, float),
        kg=np.array([c.kg_per_unit for c in s.commodities]),
        m3=np.array([c.m3_per_unit for c in s.commodities]),
        need=need,
        stock=stock,
        throughput_t=throughput,
        count=count,
        shift_h=shift,
        cap_kg=cap_kg,
        cap_m3=cap_m3,
        trip_cost=trip_cost,
        time_h=time_h,
        dist_km=dist,
        reachable=reachable,
        zone_of=zone_of,
        n_zones=n_zones,
        l_zone=l_zone,
        l_wh=l_wh,
        l_lag=np.asarray(l_lag, np.int64),
        lv_lag=lv_lag,
        lv_rt=lv_rt,
        lv_cost=lv_cost,
        lv_dist=lv_dist,
        candidates=tuple(frozenset(c) for c in candidates),
        handling_h=handling_h,
    )


def _candidates(best_h, reachable, holder, needs_c, k, extra) -> list[set[int]]:
    """Per area: the k nearest reachable warehouses, plus the nearest holder of each needed commodity."""
    W, A = best_h.shape
    t = np.where(reachable, best_h, np.inf)
    order = np.argsort(t, axis=0, kind="stable")[:k]  # [rank, area], ties by index
    mask = np.zeros((W, A), bool)
    ok = np.take_along_axis(reachable, order, axis=0)
    mask[order[ok], np.nonzero(ok)[1]] = True
    for c in range(holder.shape[1]):
        tc = np.where(holder[:, c][:, None], t, np.inf)
        near = np.argmin(tc, axis=0)
        has = needs_c[:, c] & np.isfinite(tc.min(axis=0))
        mask[near[has], np.flatnonzero(has)] = True
    out = [set(np.flatnonzero(mask[:, a]).tolist()) for a in range(A)]
    for a, ws in (extra or {}).items():
        out[a] |= ws
    return out


def _nearest(best_h: np.ndarray, candidates) -> np.ndarray:
    """Per area: its nearest candidate warehouse (-1: none)."""
    mask = np.zeros(best_h.shape, bool)
    for a, cands in enumerate(candidates):
        mask[list(cands), a] = True
    near = np.argmin(np.where(mask, best_h, np.inf), axis=0)
    return np.where(mask.any(axis=0), near, -1)


def _zones(
    candidates, lags, aggregate: bool, nearest: np.ndarray | None, alone: frozenset[int] = frozenset()
) -> tuple[np.ndarray, int]:
    """Areas with the same key share a zone: candidate warehouses with their delays per vehicle type,
    and (when given) the nearest candidate. The nearest candidate matters where fleet hours bind: a zone
    shares its round trips in proportion to need, so areas near different warehouses kept in one zone
    would make the near ones pay for the far ones' trips. Areas with a candidate in `alone` are zones
    of their own."""
    A = len(candidates)
    if not aggregate:
        return np.arange(A, dtype=np.int64), A
    keys: dict[tuple, int] = {}
    zone = np.empty(A, np.int64)
    for a in range(A):
        key = tuple((w, tuple(lags[w, a].tolist())) for w in sorted(candidates[a]))
        if nearest is not None:
            key = (int(nearest[a]), key)
        if alone and not alone.isdisjoint(candidates[a]):
            key = ("alone", a)
        zone[a] = keys.setdefault(key, len(keys))
    return zone, len(keys)


def _zone_mean(x, zone_of, n_zones, weight_a, l_zone, l_wh) -> np.ndarray:
    """Need-weighted mean over each zone's areas of x[w, a, v], for each link (inf stays inf)."""
    V = x.shape[2]
    out = np.zeros((len(l_zone), V))
    if not len(l_zone):
        return out
    zw = np.zeros(n_zones)
    np.add.at(zw, zone_of, weight_a)
    for v in range(V):
        xv = x[:, :, v]
        finite = np.isfinite(xv)
        acc = np.zeros((n_zones, x.shape[0]))
        np.add.at(acc, zone_of, (np.where(finite, xv, 0) * weight_a[None, :]).T)
        bad = np.zeros((n_zones, x.shape[0]), bool)
        np.logical_or.at(bad, zone_of, ~finite.T)
        mean = acc / zw[:, None]
        mean[bad] = np.inf
        out[:, v] = mean[l_zone, l_wh]
    return out
