"""The second stage of a stockpile study: one scenario's first response out of pre-positioned stock.

For a case (cases.py) with sites w, zones z, commodities c and priority classes k:

    min   sum_{z,c,k} p * w_k * v_c * u[z,c,k]  +  sum_{w,z,c} p * EPS * v_c * t[w,z] * x[w,z,c]
    s.t.  sum_z x[w,z,c]                     <= S[w,c]              (stock at the site)
          sum_w x[w,z,c] + sum_k u[z,c,k]     = sum_k N[z,c,k]      (need of the zone)
          sum_{z,c} kg_c * x[w,z,c] <= T[w]                         (throughput over the horizon)
    and with `transport: based` (vehicles as based in the scenario), loads y[w,z,v] >= 0:
          sum_c kg_c x[w,z,c] <= sum_v cap_kg_v y[w,z,v]             (weight per link)
          sum_c m3_c x[w,z,c] <= sum_v cap_m3_v y[w,z,v]             (volume per link)
          sum_z (2 t[w,z,v] + h) y[w,z,v] <= n[w,v] * shift_v * H    (fleet hours per site and type)
          0 <= u[z,c,k] <= N[z,c,k],  x >= 0, x only where t[w,z] is finite

`p` is the scenario's probability, `w_k` the class's priority weight, `v_c` person-days per unit and
`t` one-way hours (per vehicle type in the load rows; y only where a based vehicle of type v reaches
the zone and delivers inside the horizon), `h` handling hours per trip, n[w,v] vehicles based at w,
`H` the horizon in days: the
allocation's rows summed over its days. `EPS` makes arrival time a
tie-break below any unmet need (EPS * max hours < the smallest weight). `S` is a vector of numbers
(evaluating an option) or first-stage columns (the pre-positioning optimum, saa.py). The optimum
unmet is the same whichever way the classes' units are split among zones' groups, so groups of one
class share it in proportion to need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lp import LinearProgram
from .cases import StudyCase

__all__ = ["EPS_PER_H", "CaseBlock", "add_case"]

EPS_PER_H = 1e-4


@dataclass(frozen=True)
class CaseBlock:
    """Where one case's variables sit in the LP, and its objective entries."""

    x: np.ndarray  # column per link-commodity
    x_w: np.ndarray
    x_z: np.ndarray
    x_c: np.ndarray
    u: np.ndarray  # column per zone-commodity-class with need
    u_z: np.ndarray
    u_c: np.ndarray
    u_k: np.ndarray
    obj_cols: np.ndarray
    obj_coef: np.ndarray
    loss_coef: np.ndarray  # w_k * v_c per u column: the case's weighted unmet


def add_case(
    lp: LinearProgram,
    case: StudyCase,
    stock: np.ndarray | None = None,
    stock_cols: np.ndarray | None = None,
    probability: float = 1.0,
) -> CaseBlock:
    """Add `case`'s columns and rows to `lp`; stock is `stock[W, C]` numbers or `stock_cols[W, C]`
    column indices (exactly one of the two)."""
    need_zc = case.need.sum(axis=2)
    reach = np.isfinite(case.time_h)  # [W, Z]
    w, z, c = np.nonzero(reach[:, :, None] & (need_zc[None, :, :] > 0))
    if stock is not None:
        keep = stock[w, c] > 0
        w, z, c = w[keep], z[keep], c[keep]
    if case.fleet_limited and len(w):
        lw, lz = (
            np.unique(w * case.n_zones + z) // case.n_zones,
            np.unique(w * case.n_zones + z) % case.n_zones,
        )
        lv, _ = _loads(case, lw, lz)
        served = np.zeros((len(case.sites), case.n_zones), bool)
        served[lw[lv], lz[lv]] = True
        keep = served[w, z]
        w, z, c = w[keep], z[keep], c[keep]
    x = lp.add_cols(len(w))
    uz, uc, uk = np.nonzero(case.need > 0)
    u = lp.add_cols(len(uz), 0.0, case.need[uz, uc, uk])
    _supply_rows(lp, case, x, w, c, stock, stock_cols)
    _transport_rows(lp, case, x, w, z, c)
    dz, dc = np.nonzero(need_zc > 0)
    row_of = -np.ones(need_zc.shape, np.int64)
    row_of[dz, dc] = np.arange(len(dz))
    rows = np.concatenate([row_of[z, c], row_of[uz, uc]])
    cols = np.concatenate([x, u])
    rhs = need_zc[dz, dc]
    lp.add_rows(rows, cols, np.ones(len(cols)), len(dz), lb=rhs, ub=rhs)
    loss = case.class_weight[uk] * case.value[uc]
    ship = EPS_PER_H * case.value[c] * case.time_h[w, z]
    return CaseBlock(
        x=x,
        x_w=w,
        x_z=z,
        x_c=c,
        u=u,
        u_z=uz,
        u_c=uc,
        u_k=uk,
        obj_cols=np.concatenate([u, x]),
        obj_coef=probability * np.concatenate([loss, ship]),
        loss_coef=loss,
    )


def _transport_rows(lp: LinearProgram, case: StudyCase, x, w, z, c) -> None:
    """Throughput per site; with a limited fleet, loads y[(w,z),v] (trips of type v) carry each link's
    weight and volume, and each site's vehicles drive at most count x shift hours x horizon days:
    the allocation's weight, volume and fleet rows summed over days."""
    ones = np.ones(len(x))
    sites = np.flatnonzero(np.isfinite(case.throughput_kg))
    if len(sites) and len(x):
        pos = -np.ones(len(case.sites), np.int64)
        pos[sites] = np.arange(len(sites))
        keep = pos[w] >= 0
        coef = case.kg[c[keep]] * ones[keep]
        lp.add_rows(pos[w[keep]], x[keep], coef, len(sites), ub=case.throughput_kg[sites])
    if not case.fleet_limited or not len(x):
        return
    links, link_of = np.unique(w * case.n_zones + z, return_inverse=True)
    lw, lz = links // case.n_zones, links % case.n_zones
    lv, vv = _loads(case, lw, lz)
    y = lp.add_cols(len(lv))
    rt = 2 * case.vt_time_h[vv, lw[lv], lz[lv]] + case.handling_h
    for per_unit, cap in ((case.kg, case.vt_cap_kg), (case.m3, case.vt_cap_m3)):
        rows = np.concatenate([link_of, lv])
        cols = np.concatenate([x, y])
        coef = np.concatenate([per_unit[c], -cap[vv]])
        lp.add_rows(rows, cols, coef, len(links), ub=0.0)
    fleet_key, fleet_row = np.unique(lw[lv] * len(case.vt_cap_kg) + vv, return_inverse=True)
    fw, fv = fleet_key // len(case.vt_cap_kg), fleet_key % len(case.vt_cap_kg)
    hours = case.vt_count[fw, fv] * case.vt_shift_h[fv] * case.horizon
    lp.add_rows(fleet_row, y, rt, len(fleet_key), ub=hours)


def _loads(case: StudyCase, lw: np.ndarray, lz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(link, vehicle type) pairs that can carry: a based vehicle reaching the zone with a delivery
    inside the horizon (whole days of driving before it, at most a shift a day)."""
    t = case.vt_time_h[:, lw, lz]  # [V, L]
    ok = np.isfinite(t) & (case.vt_count[lw, :].T > 0)
    lag = np.where(ok, np.maximum(np.ceil(np.where(ok, t, 0) / case.vt_shift_h[:, None]) - 1, 0), np.inf)
    ok &= lag < case.horizon
    vv, lv = np.nonzero(ok)
    return lv, vv


def _supply_rows(lp, case, x, w, c, stock, stock_cols) -> None:
    C = len(case.commodities)
    key = w * C + c
    used, local = np.unique(key, return_inverse=True)
    if stock is not None:
        lp.add_rows(local, x, np.ones(len(x)), len(used), ub=stock.reshape(-1)[used])
        return
    s = stock_cols.reshape(-1)[used]
    rows = np.concatenate([local, np.arange(len(used))])
    cols = np.concatenate([x, s])
    coef = np.concatenate([np.ones(len(x)), -np.ones(len(used))])
    lp.add_rows(rows, cols, coef, len(used), ub=0.0)
