"""Who among an area's people the delivered goods serve, and the need left unmet.

Rule (what a posko does with what arrives): goods of a commodity delivered to an area on a day go to
its groups in order of priority weight, highest first (groups of equal weight share in proportion to
what they still lack), each group's oldest need first. Goods beyond the need to date stay at the area
and serve the next day's need first; what is left after the last day is excess. What no delivery
covers by the end of the horizon is unmet, on the day it was needed. So an area's unmet units of a
commodity are its need minus its deliveries (when that is positive).
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


def serve_groups(
    needs: pd.DataFrame, delivered: pd.DataFrame, weights: dict[str, float], horizon: int
) -> Service:
    """`needs` (area, commodity, group, day, units); `delivered` (area, commodity, day, units)."""
    got = delivered.groupby(["area", "commodity", "day"])["units"].sum().to_dict() if len(delivered) else {}
    served, unmet, backlog, excess = [], [], [], []
    for (a, c), g in needs.groupby(["area", "commodity"], sort=False):
        groups = list(dict.fromkeys(g["group"]))
        need = np.zeros((len(groups), horizon))
        gi = {x: i for i, x in enumerate(groups)}
        np.add.at(need, (g["group"].map(gi).to_numpy(), g["day"].to_numpy() - 1), g["units"].to_numpy())
        w = np.array([weights[x] for x in groups])
        rem = np.zeros_like(need)  # unserved need by (group, need day)
        left = 0.0  # held at the area from earlier days
        for d in range(horizon):
            rem[:, d] = need[:, d]
            left += got.get((a, c, d + 1), 0.0)
            give = np.zeros(len(groups))
            for weight in sorted(set(w.tolist()), reverse=True):
                cls = np.flatnonzero(w == weight)
                lack = rem[cls, : d + 1].sum(axis=1)
                total = lack.sum()
                if left <= TOL or total <= TOL:
                    continue
                take = min(left, total)
                give[cls] = take * lack / total
                left -= take
            for i in np.flatnonzero(give > TOL):
                _consume(rem[i, : d + 1], give[i])
                served.append((a, c, groups[i], d + 1, give[i]))
            if left > 1e-6:
                excess.append((a, c, d + 1, left))
            cum = need[:, : d + 1].sum(axis=1)
            back = rem[:, : d + 1].sum(axis=1)
            backlog += [(a, c, groups[i], d + 1, back[i], cum[i]) for i in range(len(groups)) if cum[i] > 0]
        for i, d in zip(*np.nonzero(rem > 1e-6), strict=True):
            unmet.append((a, c, groups[i], int(d) + 1, rem[i, d]))
    key = ["area", "commodity", "group", "day"]
    return Service(
        pd.DataFrame(served, columns=[*key, "units"]),
        pd.DataFrame(unmet, columns=[*key, "units"]),
        pd.DataFrame(backlog, columns=[*key, "backlog", "cum_need"]),
        pd.DataFrame(excess, columns=["area", "commodity", "day", "units"]),
    )


def _consume(rem: np.ndarray, amount: float) -> None:
    """Take `amount` from the oldest entries of `rem` first (in place)."""
    for d in range(len(rem)):
        take = min(rem[d], amount)
        rem[d] -= take
        amount -= take
        if amount <= TOL:
            return
