r"""The allocation LP: who gets what from where, day by day, vulnerable first.

Sets: zones z (areas, or groups of areas with the same candidate warehouses, delays and nearest
candidate), warehouses w, links l = (z, w), commodities c, priority classes k (groups, or groups of equal
priority weight), vehicle types v, days d = 1..H (delivery days), dispatch days e.

Data: N[z,c,k,d] need; S[w,c,e] stock available by day e (initial stock plus arrivals); lag[l] days
from dispatch to delivery on the fastest based vehicle, lag[l,v] per vehicle type; kg_c, m3_c per unit;
cap_kg_v, cap_m3_v; rt[l,v] round-trip hours (2 x one way + handling); n[w,v] vehicles based at w;
h_v shift hours (12 h of daylight for daylight-only types); T_w throughput t/day; omega_k priority
weight; K[w,d] a transport cut: the vehicle hours (as this model counts them) of what the routing
could really carry from w for delivery on day d (the plan feeds loads its vehicles could not carry back
this way); f_d = 1 + g (d - 1) the daily growth of
deprivation (g = `deprivation_growth_per_day`); F_d = sum_{d' >= d} f_{d'}.

Variables (all >= 0): x[l,c,d] units delivered on day d over link l (only where w holds c and z needs it,
d > lag[l]); s[z,c,k,d] units served to class k; y[l,v,d] vehicle loads (fractional trips) of type v
based at w, delivered on day d (d > lag[l,v]); phi the worst zone fill rate (equity stage).

Constraints:
    (balance)    sum_w x[(z,w),c,d] = sum_k s[z,c,k,d]                               for z, c, d
    (no-ahead)   sum_{d' <= d} s[z,c,k,d'] <= sum_{d' <= d} N[z,c,k,d']              for z, c, k, d
    (weight)     sum_c kg_c x[l,c,d] <= sum_v cap_kg_v y[l,v,d]                      for l, d
    (volume)     sum_c m3_c x[l,c,d] <= sum_v cap_m3_v y[l,v,d]                      for l, d
    (fleet)      sum_{l at w, d - lag[l,v] = e} rt[l,v] y[l,v,d] <= n[w,v] h_v        for w, v, e
    (stock)      sum_{l at w, d - lag[l] <= e} x[l,c,d] <= S[w,c,e]                    for w, c, e
    (throughput) sum_{l at w, d - lag[l] = e} sum_c kg_c x[l,c,d] / 1000 <= T_w       for w, e
    (cut)        sum_{l at w, v} rt[l,v] y[l,v,d] <= K[w,d]                           for (w, d) cut
    (equity)     phi <= (1/|C_z|) sum_{c in C_z} sum_{k,d} s[z,c,k,d] / N[z,c]           for z with need

Objective, lexicographic; each stage keeps the previous optimum: exactly (on the optimal face, by
complementary slackness) with the default `policy.tolerance` 0, else as an objective row within it:
    1. deprivation: minimise sum_{z,c,k,d} omega_k f_d backlog[z,c,k,d], with
       backlog[z,c,k,d] = sum_{d' <= d} (N - s)[z,c,k,d']; equivalently maximise
       sum s[z,c,k,d] omega_k F_d (the constant sum of omega_k F_d N is dropped);
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


@dataclass
class AllocationModel:
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
    rows: dict  # constraint family -> (first row, keys array, capacity array)


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
    C, K = len(inp.commodities), len(inp.class_weight)
    lp = LinearProgram()
    nz = np.zeros((inp.n_zones, C, K, H))
    np.add.at(nz, inp.zone_of, inp.need)
    zc_need = nz.sum(axis=(2, 3))

    # x: link x commodity x day
    holder = inp.stock[:, :, -1] > 0
    lc = np.argwhere(holder[inp.l_wh] & (zc_need[inp.l_zone] > 0))
    days = np.arange(H)
    x_l = np.repeat(lc[:, 0], H)
    x_c = np.repeat(lc[:, 1], H)
    x_d = np.tile(days, len(lc))
    ok = x_d >= inp.l_lag[x_l]
    x_l, x_c, x_d = x_l[ok], x_c[ok], x_d[ok]
    x = lp.add_cols(len(x_l))

    # s: zone x commodity x class x day, where cumulative need is positive
    cum = np.cumsum(nz, axis=3)
    sz = np.argwhere(cum > 0)
    s_z, s_c, s_k, s_d = sz.T if len(sz) else (np.zeros(0, np.int64),) * 4
    s = lp.add_cols(len(s_z))

    # y: link x vehicle type x day
    lv = np.argwhere((inp.lv_lag >= 0) & (inp.count[inp.l_wh] > 0))
    y_l = np.repeat(lv[:, 0], H)
    y_v = np.repeat(lv[:, 1], H)
    y_d = np.tile(days, len(lv))
    ok = y_d >= inp.lv_lag[y_l, y_v]
    y_l, y_v, y_d = y_l[ok], y_v[ok], y_d[ok]
    y = lp.add_cols(len(y_l))
    phi = int(lp.add_cols(1, lb=0.0, ub=1.0)[0]) if equity else None

    rows: dict = {}
    # balance (z, c, d)
    z_of_x = inp.l_zone[x_l]
    r_x, uniq_b = _keys(np.r_[z_of_x, s_z], np.r_[x_c, s_c], np.r_[x_d, s_d])
    first_b = lp.add_rows(
        r_x, np.r_[x, s], np.r_[np.ones(len(x)), -np.ones(len(s))], len(uniq_b), lb=0.0, ub=0.0
    )
    rows["balance"] = (_start(first_b), uniq_b, np.zeros(len(uniq_b)))

    # no-ahead (z, c, k, d): cumulative service within cumulative need
    rows_na = np.flatnonzero((cum > 0).ravel())
    if len(s):
        per_day = [np.flatnonzero(s_d <= dd) for dd in range(H)]
        ent_s = np.concatenate(per_day)
        ent_d = np.repeat(np.arange(H), [len(p) for p in per_day])
        flat = np.ravel_multi_index((s_z[ent_s], s_c[ent_s], s_k[ent_s], ent_d), cum.shape)
        row = np.searchsorted(rows_na, flat)
        lp.add_rows(row, s[ent_s], np.ones(len(ent_s)), len(rows_na), ub=cum.ravel()[rows_na])

    # weight and volume (l, d)
    r_w, uniq_ld = _keys(np.r_[x_l, y_l], np.r_[x_d, y_d])
    cols = np.r_[x, y]
    lp.add_rows(r_w, cols, np.r_[inp.kg[x_c], -inp.cap_kg[y_v]], len(uniq_ld), ub=0.0)
    lp.add_rows(r_w, cols, np.r_[inp.m3[x_c], -inp.cap_m3[y_v]], len(uniq_ld), ub=0.0)

    # fleet hours (w, v, e)
    y_w = inp.l_wh[y_l]
    y_e = y_d - inp.lv_lag[y_l, y_v]
    r_f, uniq_f = _keys(y_w, y_v, y_e)
    cap_f = inp.count[uniq_f[:, 0], uniq_f[:, 1]] * inp.shift_h[uniq_f[:, 1]] if len(uniq_f) else np.zeros(0)
    first_f = lp.add_rows(r_f, y, inp.lv_rt[y_l, y_v], len(uniq_f), ub=cap_f)
    rows["fleet"] = (_start(first_f), uniq_f, cap_f)

    # stock (w, c, e) cumulative by dispatch day
    x_w = inp.l_wh[x_l]
    x_e = x_d - inp.l_lag[x_l]
    inv_wc, wc = _keys(x_w, x_c)
    base = inv_wc * H
    per_day = [np.flatnonzero(x_e <= e) for e in range(H)]
    ek = np.concatenate(per_day) if per_day else np.zeros(0, np.int64)
    er = base[ek] + np.repeat(np.arange(H), [len(p) for p in per_day])
    cap_s = inp.stock[wc[:, 0], wc[:, 1], :].ravel() if len(wc) else np.zeros(0)
    first_s = lp.add_rows(er, x[ek] if len(ek) else ek, np.ones(len(ek)), len(wc) * H, ub=cap_s)
    rows["stock"] = (_start(first_s), wc, cap_s)

    # throughput (w, e)
    limited = np.isfinite(inp.throughput_t[x_w])
    if limited.any():
        r_t, uniq_t = _keys(x_w[limited], x_e[limited])
        cap_t = inp.throughput_t[uniq_t[:, 0]]
        first_t = lp.add_rows(r_t, x[limited], inp.kg[x_c[limited]] / 1000, len(uniq_t), ub=cap_t)
        rows["throughput"] = (_start(first_t), uniq_t, cap_t)

    # transport cuts (w, d), delivery day
    if cuts_h is not None:
        cut = np.isfinite(cuts_h[y_w, y_d])
        if cut.any():
            r_c, uniq_c = _keys(y_w[cut], y_d[cut])
            cap_c = cuts_h[uniq_c[:, 0], uniq_c[:, 1]]
            first_c = lp.add_rows(r_c, y[cut], inp.lv_rt[y_l[cut], y_v[cut]], len(uniq_c), ub=cap_c)
            rows["cut"] = (_start(first_c), uniq_c, cap_c)

    # equity (z)
    if phi is not None and len(s):
        zn = zc_need[s_z, s_c]
        n_c = (zc_need > 0).sum(axis=1)
        coef = -1.0 / (zn * n_c[s_z])
        zones = np.unique(s_z)
        r_e = np.searchsorted(zones, s_z)
        lp.add_rows(
            np.r_[r_e, np.arange(len(zones))],
            np.r_[s, np.full(len(zones), phi)],
            np.r_[coef, np.ones(len(zones))],
            len(zones),
            ub=0.0,
        )

    f = 1 + growth * np.arange(H)
    F = np.cumsum(f[::-1])[::-1]
    benefit = np.zeros(lp.n_cols)
    benefit[s] = inp.class_weight[s_k] * F[s_d]
    const = float((nz * inp.class_weight[None, None, :, None] * F[None, None, None, :]).sum())
    cost = np.zeros(lp.n_cols)
    cost[y] = inp.lv_cost[y_l, y_v]
    return AllocationModel(
        lp, x, x_l, x_c, x_d, s, s_z, s_c, s_k, s_d, y, y_l, y_v, y_d, phi, benefit, const, cost, rows
    )
