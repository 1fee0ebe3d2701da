"""Why need stays unmet, found from the solved model and reachability.

Per area and commodity, in this order:
- `no_stock`: no warehouse holds the commodity at all, or every warehouse that holds it and can reach
  the area has none left at the end;
- `unreachable`: warehouses hold it, but no based vehicle type reaches the area from any of them;
- `horizon`: it can be reached, but not within the horizon (or the stock left arrives too late);
- `transport_capacity`: stock is left at a warehouse that reaches the area, and the fleet hours of a
  vehicle type serving the area from there are used up on some day (or a transport cut from routing
  binds there);
- `throughput`: stock is left, and the warehouse's handling throughput is used up;
- `reserve_floor`: the only stock left that could reach the area in time is a reserve floor kept for
  the warehouse's own kab/kota (a floor the policy has not released), and what the floors keep back
  is at least half the need unmet for that reason (else it stays `no_stock`: releasing would not help
  much).
Unmet need is split over need days first-in first-out (the oldest need is served first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import AllocationInputs, NeedRows, acg_key
from .model import AllocationModel

__all__ = ["NEGLIGIBLE", "stock_remaining", "unmet_reasons"]

TOL = 1e-6
NEGLIGIBLE = 1e-4  # relative: unmet or stock left below this share is solver tolerance, not a shortage


def stock_remaining(
    inp: AllocationInputs, model: AllocationModel, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Units of each commodity left at each warehouse at the end, and whether that is more than
    solver tolerance ([w, c] each)."""
    shipped = np.zeros(inp.stock.shape[:2])
    np.add.at(shipped, (inp.l_wh[model.x_l], model.x_c), values[model.x])
    remaining = inp.stock[:, :, -1] - shipped
    return remaining, remaining > np.maximum(NEGLIGIBLE * inp.stock[:, :, -1], 1e-3)


def _row_activity(model: AllocationModel, values: np.ndarray) -> np.ndarray:
    r, c, v = model.lp.matrix()
    return np.bincount(r, weights=v * values[c], minlength=model.lp.n_rows)


def _binding(model: AllocationModel, activity: np.ndarray, family: str) -> tuple[np.ndarray, np.ndarray]:
    if family not in model.rows:
        return np.zeros((0, 3), np.int64), np.zeros(0, bool)
    first, keys, cap = model.rows[family]
    act = activity[first : first + len(cap)]
    return keys, act >= cap - TOL * np.maximum(1.0, np.abs(cap))


def unmet_reasons(
    inp: AllocationInputs,
    model: AllocationModel,
    values: np.ndarray,
    *,
    needs: pd.DataFrame,
    served: pd.DataFrame,
    need_rows: NeedRows | None = None,
) -> pd.DataFrame:
    """Unmet need per area, commodity, group and need day (oldest need served first), with its reason
    (see the module); `served` as `split_solution` gives it, `need_rows` the indices of `needs`' rows."""
    cols = ["area", "commodity", "group", "day", "units", "reason"]
    keys = ["area", "commodity", "group"]
    if needs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    # integer keys (area, commodity, group) in scenario order: hashing strings costs seconds at scale
    C, G = len(inp.commodities), len(inp.groups)
    n_keys = len(inp.areas) * C * G
    got = np.bincount(acg_key(served, inp), weights=served["units"].to_numpy(), minlength=n_keys)
    key, day = acg_key(needs, inp, need_rows), needs["day"].to_numpy()
    order = np.lexsort((day, key))
    key, units = key[order], needs["units"].to_numpy()[order]
    start = np.r_[True, key[1:] != key[:-1]]
    group_no = np.cumsum(start) - 1
    cum_all = np.cumsum(units)
    cum = cum_all - np.r_[0.0, cum_all][np.flatnonzero(start)][group_no]  # within (area, commodity, group)
    unmet = np.clip(cum - got[key], 0.0, units)
    total_need = np.bincount(group_no, weights=units)[group_no]
    total_unmet = np.bincount(group_no, weights=unmet)[group_no]
    keep = (unmet > 0) & (total_unmet > NEGLIGIBLE * total_need)
    if not keep.any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    rows = order[keep]
    frame = needs.iloc[rows][[*keys, "day"]].reset_index(drop=True)
    frame["units"] = unmet[keep]
    k = key[keep]
    unmet_ac = np.bincount(k // G, weights=unmet[keep], minlength=len(inp.areas) * C).reshape(-1, C)
    reason = _reason_table(inp, model, values, unmet_ac)
    frame["reason"] = reason[k // (C * G), (k // G) % C]
    return frame[cols]


def _reason_table(
    inp: AllocationInputs, model: AllocationModel, values: np.ndarray, unmet_ac: np.ndarray
) -> np.ndarray:
    """reason[a, c] for every area and commodity (used where need stays unmet; `unmet_ac` [a, c] the
    units unmet)."""
    W, A = inp.reachable.shape
    H = inp.horizon
    holder = inp.stock[:, :, -1] > 0
    remaining, left = stock_remaining(inp, model, values)
    lags = inp.lags
    lag = np.where(lags >= 0, lags, 10**9).min(axis=2)  # [w, a]: fastest vehicle's delay in days
    in_time = lag <= H - 1
    # first day stock is there, per warehouse and commodity
    has = inp.stock > 0
    first_day = np.where(has.any(axis=2), has.argmax(axis=2), 10**9)  # [w, c]

    activity = _row_activity(model, values)
    fkeys, fbind = _binding(model, activity, "fleet")
    pool_full = np.zeros((len(inp.pool_count), len(inp.vehicle_types)), bool)
    if len(fkeys):
        np.logical_or.at(pool_full, (fkeys[fbind, 0], fkeys[fbind, 1]), True)
    fleet_full = pool_full[inp.pool_of, np.arange(len(inp.vehicle_types))[None, :]]
    ckeys, cbind = _binding(model, activity, "cut")
    if len(ckeys):
        fleet_full[ckeys[cbind, 0], :] = True  # routing could carry no more from that warehouse
    rkeys, rbind = _binding(model, activity, "reserve")
    locked = np.zeros((W, len(inp.commodities)), bool)
    if len(rkeys):
        locked[rkeys[rbind, 0], rkeys[rbind, 1]] = True
    outside = inp.outside if inp.outside.size else np.zeros((W, A), bool)
    tkeys, tbind = _binding(model, activity, "throughput")
    thr_full = np.zeros(W, bool)
    if len(tkeys):
        thr_full[tkeys[tbind, 0]] = True

    # [w, a]: a vehicle type serving a from w has its fleet hours used up on some day
    fleet_serving = (fleet_full[:, None, :] & np.isfinite(inp.time_h)).any(axis=2)
    reason = np.full((A, len(inp.commodities)), "no_stock", dtype=object)
    for c in range(len(inp.commodities)):
        holders = holder[:, c]
        if not holders.any():
            continue
        reach = inp.reachable & holders[:, None]  # [w, a]
        reason[~reach.any(axis=0), c] = "unreachable"
        timely = reach & in_time & ((first_day[:, c][:, None] + lag) <= H - 1)
        horizon = reach.any(axis=0) & ~timely.any(axis=0)
        reason[horizon, c] = "horizon"
        with_left = timely & left[:, c][:, None]  # [w, a]
        held = with_left & locked[:, c][:, None] & outside
        with_left &= ~held
        only_held = held.any(axis=0) & ~with_left.any(axis=0)
        # the floor is the cause when releasing it could serve most of the need it holds back
        kept = remaining[locked[:, c] & held.any(axis=1), c].sum()
        if kept >= 0.5 * unmet_ac[only_held, c].sum():
            reason[only_held, c] = "reserve_floor"
        fleet = (with_left & fleet_serving).any(axis=0)
        thr = (with_left & thr_full[:, None]).any(axis=0)
        stuck = with_left.any(axis=0)
        reason[stuck & ~fleet & thr, c] = "throughput"
        reason[stuck & (fleet | ~thr), c] = "transport_capacity"
    return reason
