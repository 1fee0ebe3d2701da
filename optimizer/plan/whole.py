"""Whole units: the LP ships fractions (12.4 family kits); a warehouse loads whole ones.

Each shipment is rounded down, then, largest fraction first, rounded up where that keeps the
warehouse within its initial stock (stock arriving later is not counted, so no dispatch day can run
short), within its reserve floor for areas outside its kab/kota (where it has one), its throughput
(where it has one, only while all it sends fits one day's throughput, as the dispatch day of a
shipment is not known here) and the area's deliveries to date within its need to date plus less than
one unit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scenarios.model import Scenario

from .check_owners import held_units

__all__ = ["whole_units"]

EPS = 1e-9


def _reserve_room(scenario: Scenario, ws, as_, cs, base: np.ndarray) -> dict[tuple, list[float]]:
    """Per (warehouse, area, commodity) of a shipment over a reserve floor: one shared [room] per
    warehouse and commodity, the units it may still send outside its kab/kota after rounding down."""
    released = set(scenario.policy.released_reserves)
    floors = {w.id: w for w in scenario.warehouses if w.reserve_share > 0 and w.id not in released}
    if not floors:
        return {}
    kab = {a.id: a.kab_code for a in scenario.areas}
    room: dict[tuple[str, str], list[float]] = {}
    out: dict[tuple, list[float]] = {}
    for i, (w, a, c) in enumerate(zip(ws, as_, cs, strict=True)):
        if w not in floors or kab.get(a) == floors[w].kab_code:
            continue
        if (w, c) not in room:
            held = held_units(scenario, floors[w]).get(c, 0.0)
            room[(w, c)] = [(1 - floors[w].reserve_share) * held]
        room[(w, c)][0] -= base[i]
        out[(w, a, c)] = room[(w, c)]
    return out


def whole_units(scenario: Scenario, shipments: pd.DataFrame, needs: pd.DataFrame) -> pd.DataFrame:
    """`shipments` (warehouse, area, commodity, day, units, ...) with whole units; zero rows dropped."""
    if shipments.empty:
        return shipments
    ship = shipments.sort_values(["warehouse", "area", "commodity", "day"]).reset_index(drop=True)
    units = ship["units"].to_numpy(float)
    base = np.floor(units + 1e-6)
    frac = units - base
    stock = {(w.id, c): u for w in scenario.warehouses for c, u in w.stock.items()}
    used = pd.Series(base).groupby([ship["warehouse"], ship["commodity"]]).sum().to_dict()
    kg_unit = {c.id: c.kg_per_unit for c in scenario.commodities}
    room_t = {w.id: w.throughput_t_per_day for w in scenario.warehouses if w.throughput_t_per_day is not None}
    unit_kg = ship["commodity"].map(kg_unit).to_numpy(float)
    for w, t in (pd.Series(base * unit_kg / 1000).groupby(ship["warehouse"]).sum()).items():
        if w in room_t:
            room_t[w] -= t
    H = scenario.policy.horizon_days
    need = _cumulative(needs.groupby(["area", "commodity", "day"])["units"].sum(), H)
    got = _cumulative(pd.Series(base).groupby([ship["area"], ship["commodity"], ship["day"]]).sum(), H)
    ws, as_, cs, ds = (ship[k].tolist() for k in ("warehouse", "area", "commodity", "day"))
    room_out = _reserve_room(scenario, ws, as_, cs, base)
    for i in np.argsort(-frac, kind="stable"):
        if frac[i] < 0.5 - EPS:
            break
        w, a, c, d = ws[i], as_[i], cs[i], int(ds[i])
        if stock.get((w, c), 0.0) - used.get((w, c), 0.0) < 1 - EPS:
            continue
        if w in room_t and room_t[w] < unit_kg[i] / 1000 + 1e-9:
            continue
        floor_key = (w, a, c) if (w, a, c) in room_out else None
        if floor_key is not None and room_out[floor_key][0] < 1 - EPS:
            continue
        n, g = need.get((a, c), np.zeros(H)), got.setdefault((a, c), np.zeros(H))
        if np.any(g[d - 1 :] + 1 > n[d - 1 :] + 1 - 1e-6):
            continue
        base[i] += 1
        used[(w, c)] = used.get((w, c), 0.0) + 1
        if w in room_t:
            room_t[w] -= unit_kg[i] / 1000
        g[d - 1 :] += 1
        if floor_key is not None:
            room_out[floor_key][0] -= 1
    out = ship.assign(units=base)
    scale = np.where(units > 0, base / np.where(units > 0, units, 1.0), 0.0)
    for col in ("kg", "m3"):
        if col in out:
            out[col] = ship[col].to_numpy() * scale
    return out[out["units"] > 0].reset_index(drop=True)


def _cumulative(series: pd.Series, horizon: int) -> dict[tuple[str, str], np.ndarray]:
    out: dict[tuple[str, str], np.ndarray] = {}
    for (a, c, d), u in series.items():
        arr = out.setdefault((a, c), np.zeros(horizon))
        if 1 <= int(d) <= horizon and math.isfinite(u):
            arr[int(d) - 1 :] += u
    return out
