r"""The allocation LP: who gets what from where, day by day, vulnerable first.

Sets: zones z (areas, or groups of areas with the same candidate warehouses, delays and nearest
candidate), warehouses w, links l = (z, w), commodities c, classes k (per commodity, the need rows whose unit
is worth the same), vehicle types v, days d = 1..H (delivery days), dispatch days e.

Data: N[z,c,k,d] need; S[w,c,e] stock available by day e (initial stock plus arrivals); lag[l] days
from dispatch to delivery on the fastest based vehicle, lag[l,v] per vehicle type; kg_c, m3_c per unit;
cap_kg_v, cap_m3_v; rt[l,v] round-trip hours (2 x one way + handling); n[p,v] vehicles in fleet pool p
(pooled fleet: one pool of every vehicle; own_warehouse: the vehicles based at the warehouse); a trip
dispatched on day e = d - lag[l,v] works u[l,v,k] = min(h_v, rt[l,v] - k h_v) hours on day e + k while
that is positive;
h_v shift hours (12 h of daylight for daylight-only types); T_w throughput t/day; v[c,k] what a unit
of commodity c served to class k is worth: priority x person-days per unit (scenarios/needs.py), so
the objective counts people, whatever unit a commodity is counted in; K[w,d] a transport cut: the
vehicle hours (as this model counts them) of what the routing could really carry from w for delivery
on day d (the plan feeds loads its vehicles could not carry back this way); f_d = 1 + g (d - 1) the
daily growth of deprivation (g = `deprivation_growth_per_day`); F_d = sum_{d' >= d} f_{d'}.

Variables (all >= 0): x[l,c,d] units delivered on day d over link l (only where w holds c and z needs it,
d > lag[l]); s[z,c,k,d] units served to class k; y[l,v,d] vehicle loads (fractional trips) of type v
based at w, delivered on day d (d > lag[l,v]); phi the worst zone fill rate (equity stage).

Constraints:
    (balance)    sum_w x[(z,w),c,d] = sum_k s[z,c,k,d]                               for z, c, d
    (no-ahead)   sum_{d' <= d} s[z,c,k,d'] <= sum_{d' <= d} N[z,c,k,d']              for z, c, k, d
    (weight)     sum_c kg_c x[l,c,d] <= sum_v cap_kg_v y[l,v,d]                      for l, d
    (volume)     sum_c m3_c x[l,c,d] <= sum_v cap_m3_v y[l,v,d]                      for l, d
    (fleet)      sum_{l in pool p, trips under way on day t} u[l,v,t - e] y[l,v,d] <= n[p,v] h_v  for p, v, t
    (stock)      sum_{l at w, d - lag[l] <= e} x[l,c,d] <= S[w,c,e]                    for w, c, e
    (throughput) sum_{l at w, d - lag[l] = e} sum_c kg_c x[l,c,d] / 1000 <= T_w       for w, e
    (reserve)    sum_{l at w, z outside w's kab/kota, d} x[l,c,d] <= (1 - r_w) S[w,c,H]  for w with a floor, c
    (cut)        sum_{l at w, v} rt[l,v] y[l,v,d] <= K[w,d]                           for (w, d) cut
    (equity)     phi <= (1/|C_z|) sum_{c in C_z} sum_{k,d} s[z,c,k,d] / N[z,c]           for z with need

Objective, lexicographic; each stage keeps the previous optimum: exactly (on the optimal face, by
complementary slackness) with the default `policy.tolerance` 0, else as an objective row within it:
    1. deprivation: minimise sum_{z,c,k,d} v[c,k] f_d backlog[z,c,k,d] (priority-weighted person-days,
       growing with delay), with backlog[z,c,k,d] = sum_{d' <= d} (N - s)[z,c,k,d']; equivalently
       maximise sum s[z,c,k,d] v[c,k] F_d (the constant sum of v[c,k] F_d N is dropped);
    2. equity: maximise phi;
    3. cost: minimise sum y[l,v,d] trip_cost[l,v] (money per trip: per-hour x round trip + per-km x 2 x
       distance + fixed; vehicle hours for types without prices).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lp import LinearProgram
from .inputs import AllocationInputs, unique_rows

__all__ = ["AllocationModel", "build_model"]


RowFamilies = dict[str, tuple[int, np.ndarray, np.ndarray]]  # family -> (first row, keys, capacity)


@dataclass
class AllocationModel:
    """The LP with where its columns sit (`x`, `s`, `y` column indices and their keys; `phi` the
    equity column), the stage objectives, and the row families the pricing and the reasons read."""

    lp: LinearProgram
    x: np.ndarray  # column indices
    x_l: np.ndarray
    x_c: np.ndarray
    x_d: np.ndarray  # 0-based delivery day
    s: np.ndarray
    s_z: np.ndarray
    s_c: np.ndarray
    s_k: np.ndarray
    s_d: np.ndarray
    y: np.ndarray
    y_l: np.ndarray
    y_v: np.ndarray
    y_d: np.ndarray
    phi: int | None
    benefit: np.ndarray  # objective of stage 1 (maximise)
    benefit_const: float  # deprivation = benefit_const - benefit @ x
    cost: np.ndarray  # objective of stage 3 (minimise)
    rows: RowFamilies  # constraint family -> (first row, keys array, capacity array)


@dataclass(frozen=True)
class _Columns:
    x: np.ndarray
    x_l: np.ndarray
    x_c: np.ndarray
    x_d: np.ndarray
    s: np.ndarray
    s_z: np.ndarray
    s_c: np.ndarray
    s_k: np.ndarray
    s_d: np.ndarray
    y: np.ndarray
    y_l: np.ndarray
    y_v: np.ndarray
    y_d: np.ndarray
    phi: int | None


def _keys(*cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index per entry for the unique combinations of `cols` (non-negative integers), and the
    unique rows, in lexicographic order."""
    if not cols[0].size:
        return np.zeros(0, np.int64), np.zeros((0, len(cols)), np.int64)
    uniq, inv = unique_rows(np.stack(cols, axis=1))
    return inv, uniq


def _start(ids: np.ndarray) -> int:
    return int(ids[0]) if len(ids) else 0


def build_model(
    inp: AllocationInputs, growth: float, equity: bool, cuts_h: np.ndarray | None = None
) -> AllocationModel:
    """`cuts_h[w, d]`: at most this many vehicle hours from warehouse w for delivery on day d (inf: none)."""
    H = inp.horizon
    C, K = len(inp.commodities), inp.class_value.shape[1]
    lp = LinearProgram()
    nz = np.zeros((inp.n_zones, C, K, H))
    np.add.at(nz, inp.zone_of, inp.need)
    zc_need = nz.sum(axis=(2, 3))
    cum = np.cumsum(nz, axis=3)
    cols = _columns(lp, inp, zc_need, cum, equity)
    rows: RowFamilies = {}
    _balance_rows(lp, inp, cols, rows)
    _no_ahead_rows(lp, cols, cum, H)
    _load_rows(lp, inp, cols)
    _fleet_rows(lp, inp, cols, rows)
    _stock_rows(lp, inp, cols, rows)
    _throughput_rows(lp, inp, cols, rows)
    _reserve_rows(lp, inp, cols, rows)
    if cuts_h is not None:
        _cut_rows(lp, inp, cols, cuts_h, rows)
    if cols.phi is not None and len(cols.s):
        _equity_rows(lp, cols, cols.phi, zc_need)
    f = 1 + growth * np.arange(H)
    F = np.cumsum(f[::-1])[::-1]
    benefit = np.zeros(lp.n_cols)
    benefit[cols.s] = inp.class_value[cols.s_c, cols.s_k] * F[cols.s_d]
    const = float((nz * inp.class_value[None, :, :, None] * F[None, None, None, :]).sum())
    cost = np.zeros(lp.n_cols)
    cost[cols.y] = inp.lv_cost[cols.y_l, cols.y_v]
    c = cols
    return AllocationModel(
        lp,
        c.x,
        c.x_l,
        c.x_c,
        c.x_d,
        c.s,
        c.s_z,
        c.s_c,
        c.s_k,
        c.s_d,
        c.y,
        c.y_l,
        c.y_v,
        c.y_d,
        c.phi,
        benefit,
        const,
        cost,
        rows,
    )


def _columns(
    lp: LinearProgram, inp: AllocationInputs, zc_need: np.ndarray, cum: np.ndarray, equity: bool
) -> _Columns:
    """x (link x commodity x day, where the warehouse holds it, the zone needs it and it can arrive),
    s (zone x commodity x class x day, where cumulative need is positive), y (link x vehicle type x
    day, where a based vehicle can deliver), and phi (with `equity`), in this order."""
    H = inp.horizon
    holder = inp.stock[:, :, -1] > 0
    lc = np.argwhere(holder[inp.l_wh] & (zc_need[inp.l_zone] > 0))
    days = np.arange(H)
    x_l = np.repeat(lc[:, 0], H)
    x_c = np.repeat(lc[:, 1], H)
    x_d = np.tile(days, len(lc))
    ok = x_d >= inp.l_lag[x_l]
    x_l, x_c, x_d = x_l[ok], x_c[ok], x_d[ok]
    x = lp.add_cols(len(x_l))
    sz = np.argwhere(cum > 0)
    s_z, s_c, s_k, s_d = sz.T if len(sz) else (np.zeros(0, np.int64),) * 4
    s = lp.add_cols(len(s_z))
    lv = np.argwhere((inp.lv_lag >= 0) & (inp.count[inp.l_wh] > 0))
    y_l = np.repeat(lv[:, 0], H)
    y_v = np.repeat(lv[:, 1], H)
    y_d = np.tile(days, len(lv))
    ok = y_d >= inp.lv_lag[y_l, y_v]
    y_l, y_v, y_d = y_l[ok], y_v[ok], y_d[ok]
    y = lp.add_cols(len(y_l))
    phi = int(lp.add_cols(1, lb=0.0, ub=1.0)[0]) if equity else None
    return _Columns(x, x_l, x_c, x_d, s, s_z, s_c, s_k, s_d, y, y_l, y_v, y_d, phi)


def _balance_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns, rows: RowFamilies) -> None:
    """balance (z, c, d): deliveries into the zone equal what its classes are served."""
    z_of_x = inp.l_zone[c.x_l]
    r_x, uniq_b = _keys(np.r_[z_of_x, c.s_z], np.r_[c.x_c, c.s_c], np.r_[c.x_d, c.s_d])
    coef = np.r_[np.ones(len(c.x)), -np.ones(len(c.s))]
    first_b = lp.add_rows(r_x, np.r_[c.x, c.s], coef, len(uniq_b), lb=0.0, ub=0.0)
    rows["balance"] = (_start(first_b), uniq_b, np.zeros(len(uniq_b)))


def _no_ahead_rows(lp: LinearProgram, c: _Columns, cum: np.ndarray, H: int) -> None:
    """no-ahead (z, c, k, d): cumulative service within cumulative need."""
    rows_na = np.flatnonzero((cum > 0).ravel())
    if not len(c.s):
        return
    per_day = [np.flatnonzero(c.s_d <= dd) for dd in range(H)]
    ent_s = np.concatenate(per_day)
    ent_d = np.repeat(np.arange(H), [len(p) for p in per_day])
    flat = np.ravel_multi_index((c.s_z[ent_s], c.s_c[ent_s], c.s_k[ent_s], ent_d), cum.shape)
    row = np.searchsorted(rows_na, flat)
    lp.add_rows(row, c.s[ent_s], np.ones(len(ent_s)), len(rows_na), ub=cum.ravel()[rows_na])


def _load_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns) -> None:
    """weight and volume (l, d): what a link delivers fits its vehicle loads."""
    r_w, uniq_ld = _keys(np.r_[c.x_l, c.y_l], np.r_[c.x_d, c.y_d])
    cols = np.r_[c.x, c.y]
    lp.add_rows(r_w, cols, np.r_[inp.kg[c.x_c], -inp.cap_kg[c.y_v]], len(uniq_ld), ub=0.0)
    lp.add_rows(r_w, cols, np.r_[inp.m3[c.x_c], -inp.cap_m3[c.y_v]], len(uniq_ld), ub=0.0)


def _fleet_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns, rows: RowFamilies) -> None:
    """fleet hours (p, v, t): the work on day t of the trips under way that day, within the duty hours
    of the pool's vehicles. A round trip of rt hours dispatched on day e works h_v hours a day on days
    e, e+1, ... until its rt hours are done (a five-day voyage holds the boat five days)."""
    y_p = inp.pool_of[inp.l_wh[c.y_l], c.y_v]
    e = c.y_d - inp.lv_lag[c.y_l, c.y_v]
    rt = inp.lv_rt[c.y_l, c.y_v]
    h = inp.shift_h[c.y_v]
    span = np.maximum(np.ceil(rt / np.maximum(h, 1e-9) - 1e-9), 1).astype(np.int64)
    ent, key_p, key_v, key_t, coef = [], [], [], [], []
    for k in range(int(span.max(initial=0))):
        on = (span > k) & (e + k < inp.horizon)
        ent.append(np.flatnonzero(on))
        key_p.append(y_p[on])
        key_v.append(c.y_v[on])
        key_t.append(e[on] + k)
        coef.append(np.minimum(h[on], rt[on] - k * h[on]))
    ent_a = _cat(ent, np.int64)
    r_f, uniq_f = _keys(_cat(key_p, np.int64), _cat(key_v, np.int64), _cat(key_t, np.int64))
    cap_f = inp.pool_count[uniq_f[:, 0], uniq_f[:, 1]] * inp.shift_h[uniq_f[:, 1]]
    if inp.pool_late_h.size:  # chartered vehicles are not there before their hour
        cap_f = np.maximum(cap_f - inp.pool_late_h[uniq_f[:, 0], uniq_f[:, 1], uniq_f[:, 2]], 0.0)
    first_f = lp.add_rows(r_f, c.y[ent_a], _cat(coef, float), len(uniq_f), ub=cap_f)
    rows["fleet"] = (_start(first_f), uniq_f, cap_f)


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def _stock_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns, rows: RowFamilies) -> None:
    """stock (w, c, e): cumulative dispatch by day e within the stock available by then."""
    H = inp.horizon
    x_w = inp.l_wh[c.x_l]
    x_e = c.x_d - inp.l_lag[c.x_l]
    inv_wc, wc = _keys(x_w, c.x_c)
    base = inv_wc * H
    per_day = [np.flatnonzero(x_e <= e) for e in range(H)]
    ek = np.concatenate(per_day) if per_day else np.zeros(0, np.int64)
    er = base[ek] + np.repeat(np.arange(H), [len(p) for p in per_day])
    cap_s = inp.stock[wc[:, 0], wc[:, 1], :].ravel() if len(wc) else np.zeros(0)
    first_s = lp.add_rows(er, c.x[ek] if len(ek) else ek, np.ones(len(ek)), len(wc) * H, ub=cap_s)
    rows["stock"] = (_start(first_s), wc, cap_s)


def _throughput_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns, rows: RowFamilies) -> None:
    """throughput (w, e): tonnes dispatched a day within the warehouse's handling (where limited)."""
    x_w = inp.l_wh[c.x_l]
    x_e = c.x_d - inp.l_lag[c.x_l]
    limited = np.isfinite(inp.throughput_t[x_w])
    if limited.any():
        r_t, uniq_t = _keys(x_w[limited], x_e[limited])
        cap_t = inp.throughput_t[uniq_t[:, 0]]
        first_t = lp.add_rows(r_t, c.x[limited], inp.kg[c.x_c[limited]] / 1000, len(uniq_t), ub=cap_t)
        rows["throughput"] = (_start(first_t), uniq_t, cap_t)


def _reserve_rows(lp: LinearProgram, inp: AllocationInputs, c: _Columns, rows: RowFamilies) -> None:
    """reserve (w, c): what leaves a warehouse with a reserve floor for areas outside its kab/kota,
    over the horizon, within (1 - reserve share) of its stock."""
    if not inp.l_outside.size or not inp.l_outside.any():
        return
    x_w = inp.l_wh[c.x_l]
    out = inp.l_outside[c.x_l] & np.isfinite(inp.reserve_cap[x_w, c.x_c])
    if out.any():
        r_r, uniq_r = _keys(x_w[out], c.x_c[out])
        cap_r = inp.reserve_cap[uniq_r[:, 0], uniq_r[:, 1]]
        first_r = lp.add_rows(r_r, c.x[out], np.ones(int(out.sum())), len(uniq_r), ub=cap_r)
        rows["reserve"] = (_start(first_r), uniq_r, cap_r)


def _cut_rows(
    lp: LinearProgram, inp: AllocationInputs, c: _Columns, cuts_h: np.ndarray, rows: RowFamilies
) -> None:
    """transport cuts (w, d), by delivery day: vehicle hours within what routing could carry."""
    y_w = inp.l_wh[c.y_l]
    cut = np.isfinite(cuts_h[y_w, c.y_d])
    if cut.any():
        r_c, uniq_c = _keys(y_w[cut], c.y_d[cut])
        cap_c = cuts_h[uniq_c[:, 0], uniq_c[:, 1]]
        first_c = lp.add_rows(r_c, c.y[cut], inp.lv_rt[c.y_l[cut], c.y_v[cut]], len(uniq_c), ub=cap_c)
        rows["cut"] = (_start(first_c), uniq_c, cap_c)


def _equity_rows(lp: LinearProgram, c: _Columns, phi: int, zc_need: np.ndarray) -> None:
    """equity (z): phi within every zone's mean fill rate over its commodities."""
    zn = zc_need[c.s_z, c.s_c]
    n_c = (zc_need > 0).sum(axis=1)
    coef = -1.0 / (zn * n_c[c.s_z])
    zones = np.unique(c.s_z)
    r_e = np.searchsorted(zones, c.s_z)
    lp.add_rows(
        np.r_[r_e, np.arange(len(zones))],
        np.r_[c.s, np.full(len(zones), phi)],
        np.r_[coef, np.ones(len(zones))],
        len(zones),
        ub=0.0,
    )
