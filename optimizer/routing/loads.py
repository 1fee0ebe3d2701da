"""Shipments -> vehicle loads: the goods one warehouse sends one area on one day, all commodities
together, split into as few equal loads as fit the largest vehicle that can make the trip (weight and
volume both count); small consignments stay whole. Whole units stay whole: a consignment of whole units
is split into loads of whole units, as even as can be. A commodity whose single unit is heavier or bulkier
than every such vehicle becomes its own load, marked `over_capacity`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from scenarios.model import Scenario

__all__ = ["Load", "make_loads"]


@dataclass(frozen=True)
class Load:
    warehouse: str
    area: str
    day: int
    units: dict[str, float]  # commodity -> units
    kg: float
    m3: float
    priority: float  # need-weighted priority weight of the people it serves
    reason: str | None = None  # set when no vehicle can ever carry it


def make_loads(
    scenario: Scenario,
    shipments: pd.DataFrame,
    capacity: Mapping[tuple[str, str], tuple[float, float]],
    priority: Mapping[tuple[str, str, int], float] | None = None,
) -> list[Load]:
    """`capacity[(warehouse, area)]` = (kg, m3) of the largest vehicle able to serve the pair; pairs
    without one still become loads (the caller gives them a reason)."""
    com = {c.id: c for c in scenario.commodities}
    priority = priority or {}
    out: list[Load] = []
    ship = shipments[shipments["units"] > 1e-9].sort_values(["warehouse", "area", "day"], kind="stable")
    cols = [ship[c].tolist() for c in ("warehouse", "area", "day", "commodity", "units")]
    groups: dict[tuple, dict[str, float]] = {}
    for w, a, d, c, u in zip(*cols, strict=True):
        units_of = groups.setdefault((w, a, int(d)), {})
        units_of[str(c)] = units_of.get(str(c), 0.0) + float(u)
    for (w, a, d), units in groups.items():
        cap_kg, cap_m3 = capacity.get((w, a), (math.inf, math.inf))
        prio = max((priority.get((a, c, int(d)), 1.0) for c in units), default=1.0)
        big = {c: u for c, u in units.items() if com[c].kg_per_unit > cap_kg or com[c].m3_per_unit > cap_m3}
        for c, u in big.items():
            out.append(
                Load(
                    w,
                    a,
                    int(d),
                    {c: u},
                    u * com[c].kg_per_unit,
                    u * com[c].m3_per_unit,
                    prio,
                    "over_capacity",
                )
            )
        rest = {c: u for c, u in units.items() if c not in big}
        if rest:
            out += _split(w, a, int(d), rest, com, cap_kg, cap_m3, prio)
    return out


def _split(w, a, d, units, com, cap_kg, cap_m3, prio) -> list[Load]:
    kg = sum(u * com[c].kg_per_unit for c, u in units.items())
    m3 = sum(u * com[c].m3_per_unit for c, u in units.items())
    n = 1
    if math.isfinite(cap_kg):
        n = max(
            1, math.ceil(kg / cap_kg * (1 + 1e-9)), math.ceil(m3 / cap_m3 * (1 + 1e-9)) if cap_m3 > 0 else 1
        )
    whole = all(abs(u - round(u)) < 1e-9 for u in units.values())
    while True:
        shares = _whole_shares(units, n) if whole else [{c: u / n for c, u in units.items()}] * n
        loads = [
            Load(
                w,
                a,
                d,
                dict(sh),
                sum(q * com[c].kg_per_unit for c, q in sh.items()),
                sum(q * com[c].m3_per_unit for c, q in sh.items()),
                prio,
            )
            for sh in shares
            if any(q > 0 for q in sh.values())
        ]
        if not math.isfinite(cap_kg) or all(
            math.ceil(ld.kg) <= math.floor(cap_kg) and math.ceil(ld.m3 * 1000) <= math.floor(cap_m3 * 1000)
            for ld in loads
        ):
            return loads
        n += 1


def _whole_shares(units: dict[str, float], n: int) -> list[dict[str, float]]:
    """Whole units over n loads, as even as can be: each commodity's remainder goes one unit a load,
    continuing round the loads where the previous commodity's remainder stopped."""
    shares: list[dict[str, float]] = [{} for _ in range(n)]
    at = 0
    for c, u in units.items():
        q, r = divmod(round(u), n)
        for k in range(n):
            extra = 1 if (k - at) % n < r else 0
            if q + extra:
                shares[k][c] = float(q + extra)
        at = (at + r) % n
    return shares
