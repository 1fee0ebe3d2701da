"""The allocation's inputs as arrays: needs by priority class, stock, fleet, links, zones.

Links: an area is linked to the warehouses a based vehicle type can reach, but only to its `k` nearest
(by the fastest based vehicle) plus, for each commodity, the nearest warehouse holding it; the flow
start (links.py) and the rounds of the solve add farther warehouses (`extra`). `scenario_arrays` builds
what does not depend on the links once per solve; `link_inputs` the links and zones of each round.

Zones: areas with the same candidate warehouses, the same days of delay per warehouse and vehicle
type and (`split_nearest`, the default) the same nearest candidate form one zone; the need rows of a
commodity whose unit is worth the same (priority x person-days per unit) form one class. The LP is
solved per zone and class and split back in proportion to need, which is exact for deprivation;
vehicle hours and cost use need-weighted mean round trips, exact for the proportional split.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..instance import PlanningInstance, lag_days
from .classes import with_classes
from .supply_limits import pool_late_h, reserve_inputs

__all__ = [
    "AllocationInputs",
    "NeedRows",
    "ScenarioArrays",
    "acg_key",
    "id_indices",
    "index_of",
    "lag_days",
    "link_inputs",
    "scenario_arrays",
    "unique_rows",
    "with_classes",
]

NeedRows = tuple[np.ndarray, np.ndarray, np.ndarray]  # (area, commodity, group) index of each need row
_EMPTY = np.zeros(0)
_EMPTY_I = np.zeros(0, np.int64)


@dataclass(frozen=True)
class AllocationInputs:
    """Everything the LP needs, as arrays; `z_*` are per zone, `l_*` per zone-warehouse link."""

    areas: tuple[str, ...]
    warehouses: tuple[str, ...]
    commodities: tuple[str, ...]
    groups: tuple[str, ...]
    vehicle_types: tuple[str, ...]
    horizon: int
    class_of: np.ndarray  # [area, commodity, group] -> class index
    class_value: np.ndarray  # [commodity, class] what a unit served is worth (priority x person-days)
    kg: np.ndarray  # per commodity
    m3: np.ndarray
    need: np.ndarray  # [area, commodity, class, day]
    stock: np.ndarray  # [warehouse, commodity, day]: units available from that day on (cumulative)
    throughput_t: np.ndarray  # per warehouse (inf: none)
    count: np.ndarray  # [warehouse, vehicle type] vehicles that may load there (pooled: the pool's)
    pool_of: np.ndarray  # [warehouse, vehicle type] the fleet pool its loads draw on
    pool_count: np.ndarray  # [pool, vehicle type] vehicles in each pool
    shift_h: np.ndarray  # per vehicle type (daylight-limited)
    cap_kg: np.ndarray
    cap_m3: np.ndarray
    trip_cost: np.ndarray  # [warehouse, area, vehicle type] money per trip (inf: unreachable)
    time_h: np.ndarray  # [warehouse, area, vehicle type] one way (inf: unreachable)
    dist_km: np.ndarray
    reachable: np.ndarray  # [warehouse, area]: some based vehicle type reaches it
    lags: np.ndarray  # [warehouse, area, vehicle type] days from dispatch to delivery (-1: cannot)
    zone_of: np.ndarray  # per area
    n_zones: int
    l_zone: np.ndarray
    l_wh: np.ndarray
    l_lag: np.ndarray  # days from dispatch to delivery on the fastest based vehicle
    lv_lag: np.ndarray  # [link, vehicle type] (-1: cannot serve)
    lv_rt: np.ndarray  # [link, vehicle type] round trip hours (need-weighted mean)
    lv_cost: np.ndarray  # [link, vehicle type] money per trip
    lv_dist: np.ndarray  # [link, vehicle type] one-way km
    candidates: tuple[frozenset[int], ...]  # per area: warehouse indices linked
    handling_h: float = 1.0  # loading and unloading per trip
    unit_value: np.ndarray = field(
        default_factory=lambda: _EMPTY
    )  # [area, commodity, group] priority x person-days per unit
    # reserve floors: [warehouse, commodity] units it may send outside its kab/kota over the horizon
    # (inf: no floor), [warehouse, area] whether the area is outside it, and per link the same
    reserve_cap: np.ndarray = field(default_factory=lambda: _EMPTY)
    outside: np.ndarray = field(default_factory=lambda: _EMPTY)
    l_outside: np.ndarray = field(default_factory=lambda: _EMPTY)
    pool_late_h: np.ndarray = field(default_factory=lambda: _EMPTY)  # [pool, type, day] charters not there


def index_of(values: Iterable[str] | pd.Series, ids: Iterable[str]) -> np.ndarray:
    """Position of each of `values` in `ids` (-1 where absent); hashed, far faster than Series.map."""
    return pd.Index(list(ids)).get_indexer(np.asarray(values, dtype=object))


def id_indices(
    frame: pd.DataFrame, inp: AllocationInputs, rows: NeedRows | None = None
) -> tuple[np.ndarray, ...]:
    """(area, commodity, group) indices of a needs-like table's rows: its integer columns `a, c, g`
    where it has them (the split's `served`), else `rows` when given, else found from the ids."""
    if "a" in frame.columns:
        return tuple(frame[col].to_numpy(np.int64) for col in ("a", "c", "g"))
    if rows is not None:
        return tuple(np.asarray(r, np.int64) for r in rows)
    ids = (inp.areas, inp.commodities, inp.groups)
    return tuple(index_of(frame[col], x) for col, x in zip(("area", "commodity", "group"), ids, strict=True))


def acg_key(frame: pd.DataFrame, inp: AllocationInputs, rows: NeedRows | None = None) -> np.ndarray:
    """One integer per row of a needs-like table: (area x commodities + commodity) x groups + group."""
    a, c, g = id_indices(frame, inp, rows)
    return (a * len(inp.commodities) + c) * len(inp.groups) + g


def unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows of a non-negative integer matrix, in lexicographic order, and each row's index
    among them; through one integer per row where the key space fits in int64 (a 1-d unique is far
    faster than `np.unique(axis=0)`)."""
    rows = np.asarray(rows, np.int64)
    if not len(rows):
        return np.zeros((0, rows.shape[1]), np.int64), np.zeros(0, np.int64)
    dims = tuple(int(d) for d in rows.max(axis=0) + 1)
    if math.prod(dims) < 2**62:
        uniq, inv = np.unique(np.ravel_multi_index(rows.T, dims), return_inverse=True)
        return np.stack(np.unravel_index(uniq, dims), axis=1).astype(np.int64), inv.reshape(-1)
    uniq, inv = np.unique(rows, axis=0, return_inverse=True)
    return uniq, inv.reshape(-1)


@dataclass(frozen=True)
class ScenarioArrays:
    """The per-scenario part of the inputs (needs, stock, fleet, travel), built once per solve; the
    links and zones on top of it change from round to round (`link_inputs`)."""

    inputs: AllocationInputs  # the fields that do not depend on the links (link fields empty)
    lags: np.ndarray  # [warehouse, area, vehicle type] days from dispatch to delivery (-1: cannot)
    best_h: np.ndarray  # [warehouse, area] one way on the fastest based vehicle type
    rt: np.ndarray  # [warehouse, area, vehicle type] round trip hours
    aggregate: bool  # zones over areas (else one zone per area)
    need_by_group: np.ndarray  # [area, commodity, group, day]
    unit_value: np.ndarray  # [area, commodity, group] priority x person-days per unit
    unit_person_days: np.ndarray  # [area, commodity, group] person-days per unit
    order: np.ndarray  # [rank, area]: reachable warehouses nearest first (ties by index)
    holders_near: np.ndarray  # [warehouse, area]: the nearest holder of each commodity the area needs
    need_rows: NeedRows  # (area, commodity, group) indices of each row of the needs table


def scenario_arrays(
    instance: PlanningInstance,
    closed: np.ndarray | None = None,
    *,
    aggregate: bool = True,
    handling_h: float = 1.0,
    one_class: bool = False,
) -> ScenarioArrays:
    """Needs by priority class, stock, fleet and travel of `instance`, with the warehouse-area links of
    `closed` [W, A] unreachable. Classes: one per group, or with `aggregate` one per distinct priority
    weight, or with `one_class` a single class of weight 1 (the pricing rounds' surrogate in rounds.py:
    which links carry stock to need, whoever it serves, a unit worth its person-days)."""
    inst = instance
    travel = inst.travel.closed(closed)
    time_h = travel.based_time_h
    rt = travel.round_trip_h(handling_h)
    lags = travel.lag_days
    inputs = _scenario_inputs(inst, time_h, travel.based_distance_km, rt, lags, handling_h)
    need_g = inst.needs.by_group
    best_h = time_h.min(axis=2)
    t = np.where(inputs.reachable, best_h, np.inf)
    order = np.argsort(t, axis=0, kind="stable")
    base = ScenarioArrays(
        inputs,
        lags,
        best_h,
        rt,
        aggregate,
        need_g,
        inst.needs.value,
        inst.needs.pd_per_unit,
        order,
        _holders_near(inst.stock, need_g, t),
        inst.needs.rows,
    )
    return with_classes(base, aggregate, one_class)


def _scenario_inputs(
    inst: PlanningInstance,
    time_h: np.ndarray,
    dist: np.ndarray,
    rt: np.ndarray,
    lags: np.ndarray,
    handling_h: float,
) -> AllocationInputs:
    """The inputs that do not depend on the links; classes and links empty (`with_classes` and
    `link_inputs` fill them in)."""
    fl = inst.fleet
    per_h, per_km, fixed = fl.cost_per_h, fl.cost_per_km, fl.fixed_cost
    finite = np.isfinite(rt)
    rt_f, dist_f = np.where(finite, rt, 0.0), np.where(finite, dist, 0.0)
    money = per_h * rt_f + per_km * 2 * dist_f + fixed
    no_price = (per_h == 0) & (per_km == 0) & (fixed == 0)
    trip_cost = np.where(finite, np.where(no_price, rt_f, money), np.inf)  # hours when a type has no prices
    return AllocationInputs(
        areas=inst.areas.ids,
        warehouses=inst.warehouses.ids,
        commodities=inst.commodities.ids,
        groups=inst.groups.ids,
        vehicle_types=inst.vehicle_types.ids,
        horizon=inst.days,
        class_of=_EMPTY_I,
        class_value=_EMPTY,
        kg=inst.kg_per_unit,
        m3=inst.m3_per_unit,
        need=_EMPTY,
        stock=inst.stock,
        throughput_t=inst.throughput_t,
        count=np.where(fl.loadable, np.take_along_axis(fl.pool_count, fl.pool_of, axis=0), 0).astype(float),
        pool_of=fl.pool_of,
        pool_count=fl.pool_count.astype(float),
        shift_h=fl.duty.duty_h,
        cap_kg=fl.capacity_kg,
        cap_m3=fl.capacity_m3,
        trip_cost=trip_cost,
        time_h=time_h,
        dist_km=dist,
        reachable=np.isfinite(time_h).any(axis=2),
        lags=lags,
        zone_of=_EMPTY_I,
        n_zones=0,
        l_zone=_EMPTY_I,
        l_wh=_EMPTY_I,
        l_lag=_EMPTY_I,
        lv_lag=_EMPTY_I,
        lv_rt=_EMPTY,
        lv_cost=_EMPTY,
        lv_dist=_EMPTY,
        candidates=(),
        handling_h=handling_h,
        pool_late_h=pool_late_h(inst),
        **reserve_inputs(inst),
    )


def _holders_near(stock: np.ndarray, need_g: np.ndarray, t: np.ndarray) -> np.ndarray:
    """[warehouse, area]: the nearest holder (by `t` [W, A], inf: unreachable) of each commodity the
    area needs."""
    W, A = t.shape
    holders_near = np.zeros((W, A), bool)
    needs_c = need_g.sum(axis=(2, 3)) > 0  # [a, c]
    for c in range(stock.shape[1]):
        tc = np.where((stock[:, c, -1] > 0)[:, None], t, np.inf)
        has = needs_c[:, c] & np.isfinite(tc.min(axis=0))
        holders_near[np.argmin(tc, axis=0)[has], np.flatnonzero(has)] = True
    return holders_near


def link_inputs(
    base: ScenarioArrays,
    k_nearest: int = 3,
    extra: Mapping[int, Iterable[int]] | None = None,
    split_nearest: bool = True,
    alone: frozenset[int] = frozenset(),
) -> AllocationInputs:
    """The links (each area's `k_nearest` warehouses, the nearest holder of each commodity it needs,
    and `extra`) and the zones over them."""
    f = base.inputs
    need = f.need
    A, V = need.shape[0], len(f.vehicle_types)
    mask = _candidates(base, k_nearest, extra)  # [w, a]
    nearest = _nearest(base.best_h, mask) if split_nearest else None
    home = unique_rows(f.outside.T)[1] if f.outside.any() else None
    zone_of, n_zones = _zones(mask, base.lags, base.aggregate, (nearest, home), alone)

    # links: unique (zone, warehouse), ordered by zone then warehouse
    w_ix, a_ix = np.nonzero(mask)
    W = mask.shape[0]
    pair = np.unique(zone_of[a_ix] * W + w_ix)
    l_zone, l_wh = pair // W, pair % W
    first = np.zeros(n_zones, np.int64)
    first[zone_of[::-1]] = np.arange(A)[::-1]
    lv_lag = base.lags[l_wh, first[l_zone], :] if len(pair) else np.zeros((0, V), np.int64)
    l_lag = np.where(lv_lag >= 0, lv_lag, np.iinfo(np.int64).max).min(axis=1) if len(pair) else lv_lag[:, 0]
    weight_a = (need * 1.0).sum(axis=(1, 2, 3)) + 1e-9
    lv_rt, lv_cost, lv_dist = (
        _zone_mean(x, zone_of, n_zones, weight_a, l_zone, l_wh) for x in (base.rt, f.trip_cost, f.dist_km)
    )
    a_sorted, w_sorted = np.nonzero(mask.T)
    per_area = np.split(w_sorted, np.searchsorted(a_sorted, np.arange(1, A))) if A else []
    return replace(
        f,
        zone_of=zone_of,
        n_zones=n_zones,
        l_zone=l_zone,
        l_wh=l_wh,
        l_lag=np.asarray(l_lag, np.int64),
        lv_lag=lv_lag,
        lv_rt=lv_rt,
        lv_cost=lv_cost,
        lv_dist=lv_dist,
        candidates=tuple(frozenset(ws.tolist()) for ws in per_area),
        l_outside=f.outside[l_wh, first[l_zone]] if f.outside.any() else np.zeros(len(pair), bool),
    )


def _candidates(base: ScenarioArrays, k: int, extra: Mapping[int, Iterable[int]] | None) -> np.ndarray:
    """[warehouse, area]: the k nearest reachable warehouses, the nearest holder of each needed
    commodity, and `extra`."""
    mask = base.holders_near.copy()
    order = base.order[:k]  # [rank, area], ties by index
    ok = np.take_along_axis(base.inputs.reachable, order, axis=0)
    mask[order[ok], np.nonzero(ok)[1]] = True
    for a, ws in (extra or {}).items():
        mask[list(ws), a] = True
    return mask


def _nearest(best_h: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per area: its nearest candidate warehouse (-1: none)."""
    near = np.argmin(np.where(mask, best_h, np.inf), axis=0)
    return np.where(mask.any(axis=0), near, -1)


def _zones(
    mask: np.ndarray,
    lags,
    aggregate: bool,
    split: tuple[np.ndarray | None, np.ndarray | None],
    alone: frozenset[int] = frozenset(),
) -> tuple[np.ndarray, int]:
    """Areas with the same key share a zone: candidate warehouses with their delays per vehicle type,
    and (when given in `split`) the nearest candidate and the pattern of reserve floors the area is
    outside of (a zone is on one side of each floor). The nearest candidate matters where fleet hours
    bind: a zone shares its round trips in proportion to need, so areas near different warehouses kept
    in one zone would make the near ones pay for the far ones' trips. Areas with a candidate in `alone`
    are zones of their own. Zones are numbered in the order of their first area."""
    A = mask.shape[1]
    if not aggregate:
        return np.arange(A, dtype=np.int64), A
    # one row per area: its candidates, each coded with its delays per vehicle type (padded with -1),
    # its nearest candidate, and its own index where it must be alone
    a_ix, w_ix = np.nonzero(mask.T)  # by area, then warehouse
    lag_id = np.zeros(len(a_ix), np.int64)
    if len(a_ix):
        lag_id = unique_rows(lags[w_ix, a_ix] + 1)[1]
    code = w_ix * (int(lag_id.max(initial=0)) + 1) + lag_id.reshape(-1)
    count = np.bincount(a_ix, minlength=A)
    slot = np.arange(len(a_ix)) - np.repeat(np.cumsum(count) - count, count)
    nearest, home = split
    key = np.full((A, int(count.max(initial=0)) + 3), -1, np.int64)
    key[a_ix, slot] = code
    key[:, -3] = home if home is not None else 0
    key[:, -2] = nearest if nearest is not None else 0
    if alone:
        single = mask[sorted(alone)].any(axis=0)
        key[single, -1] = np.flatnonzero(single)
    inv = unique_rows(key + 1)[1]
    first = np.full(inv.max(initial=-1) + 1, A, np.int64)
    np.minimum.at(first, inv, np.arange(A))
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inv], len(first)


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
