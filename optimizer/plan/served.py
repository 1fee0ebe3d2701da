"""Who among an area's people the delivered goods serve, and the need left unmet.

Rule (what a posko does with what arrives): goods of a commodity delivered to an area on a day go to
its groups in order of the need rows' priority, highest first (rows of equal priority share in
proportion to what they still lack), each group's oldest need first. Goods beyond the need
to date stay at the area and serve the next day's need first; what is left after the last day is
excess. What no delivery covers by the end of the horizon is unmet, on the day it was needed. So an
area's unmet units of a commodity are its need minus its deliveries (when that is positive).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Service", "serve_groups"]

TOL = 1e-9


@dataclass(frozen=True)
class Service:
    """served: (area, commodity, group, day, units) by delivery day; unmet: (area, commodity, group,
    day, units) by need day; backlog: (area, commodity, group, day, backlog, cum_need) at each day's
    end; excess: (area, commodity, day, units) held at the area beyond the need to date at each day's end."""

    served: pd.DataFrame
    unmet: pd.DataFrame
    backlog: pd.DataFrame
    excess: pd.DataFrame


def serve_groups(needs: pd.DataFrame, delivered: pd.DataFrame, horizon: int) -> Service:
    """`needs` (area, commodity, group, day, units, and the `priority` of each row); `delivered`
    (area, commodity, day, units).

    Vectorised over every (area, commodity) at once: arrays [key, group, day]."""
    H = horizon
    key_cols = ["area", "commodity"]
    keys = needs[key_cols].drop_duplicates().reset_index(drop=True)
    K = len(keys)
    kix = pd.MultiIndex.from_frame(keys)
    groups = list(dict.fromkeys(needs["group"]))
    G = len(groups)
    need = np.zeros((K, G, H))
    k_of = kix.get_indexer(pd.MultiIndex.from_frame(needs[key_cols]))
    g_of = pd.Index(groups).get_indexer(needs["group"])
    np.add.at(need, (k_of, g_of, needs["day"].to_numpy() - 1), needs["units"].to_numpy(float))
    w = np.full((K, G), -1.0)
    w[k_of, g_of] = np.round(needs["priority"].to_numpy(float), 9)
    got = np.zeros((K, H))
    if len(delivered):
        dk = kix.get_indexer(pd.MultiIndex.from_frame(delivered[key_cols]))
        ok = (dk >= 0) & delivered["day"].between(1, H).to_numpy()
        np.add.at(got, (dk[ok], delivered["day"].to_numpy()[ok] - 1), delivered["units"].to_numpy(float)[ok])
    classes = [w == x for x in sorted(set(w[w >= 0].tolist()), reverse=True)]
    rem = np.zeros_like(need)
    left = np.zeros(K)
    served = np.zeros((K, G, H))
    back = np.zeros((K, G, H))
    excess = np.zeros((K, H))
    for d in range(H):
        rem[:, :, d] = need[:, :, d]
        left += got[:, d]
        for cls in classes:
            lack = rem[:, :, : d + 1].sum(axis=2) * cls  # [K, G]
            total = lack.sum(axis=1)
            take = np.minimum(left, total)
            share = np.divide(lack, total[:, None], out=np.zeros_like(lack), where=total[:, None] > TOL)
            give = take[:, None] * share
            left -= take
            served[:, :, d] += give
            _consume(rem, d, give)
        excess[:, d] = np.where(left > 1e-6, left, 0.0)
        back[:, :, d] = rem[:, :, : d + 1].sum(axis=2)
    cum = np.cumsum(need, axis=2)
    a_arr, c_arr = keys["area"].to_numpy(), keys["commodity"].to_numpy()
    g_arr = np.asarray(groups, dtype=object)

    def frame(mask: np.ndarray, **cols) -> pd.DataFrame:
        k, g, d = np.nonzero(mask)
        out = pd.DataFrame({"area": a_arr[k], "commodity": c_arr[k], "group": g_arr[g], "day": d + 1})
        for name, arr in cols.items():
            out[name] = arr[k, g, d]
        return out

    ke, de = np.nonzero(excess > 0)
    return Service(
        frame(served > TOL, units=served),
        frame(rem > 1e-6, units=rem),
        frame(cum > 0, backlog=back, cum_need=cum),
        pd.DataFrame({"area": a_arr[ke], "commodity": c_arr[ke], "day": de + 1, "units": excess[ke, de]}),
    )


def _consume(rem: np.ndarray, d: int, give: np.ndarray) -> None:
    """Take `give` [K, G] from the oldest need days (0..d) first (in place)."""
    amount = give.copy()
    for dd in range(d + 1):
        r = rem[:, :, dd]
        take = np.minimum(r, amount)
        rem[:, :, dd] = r - take
        amount -= take
