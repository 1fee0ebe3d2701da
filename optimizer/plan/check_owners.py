"""The plan checker's stock-governance rule, recomputed from the scenario and the trips.

`reserve_floor`: a warehouse with a reserve floor (`reserve_share`, not released by the policy) sends
areas outside its kab/kota more of a commodity, over the horizon, than (1 - reserve_share) of what it
holds then (initial stock plus arrivals) plus what feeds brought it as a hub (goods in transit are no
part of the reserve).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from scenarios.model import Scenario, Warehouse

from ..routing.trips import Trip

__all__ = ["check_reserves", "held_units"]

Add = Callable[[str, str, str], None]
TOL_UNITS = 0.01


def held_units(s: Scenario, w: Warehouse) -> dict[str, float]:
    """Units of each commodity the warehouse holds over the horizon: stock plus arrivals (its
    suppliers' included)."""
    out = defaultdict(float, w.stock)
    for arr in s.arrivals_of(w):
        out[arr.commodity] += arr.units
    return dict(out)


def check_reserves(
    s: Scenario, trips: Sequence[Trip], add: Add, fed: Mapping[tuple[str, str], float] | None = None
) -> None:
    """A `reserve_floor` violation for each warehouse and commodity over its floor; `fed`: units feeds
    brought each (hub warehouse, commodity)."""
    released = set(s.policy.released_reserves)
    floors = {w.id: w for w in s.warehouses if w.reserve_share > 0 and w.id not in released}
    if not floors:
        return
    kab = {w.id: w.kab_code for w in s.warehouses} | {a.id: a.kab_code for a in s.areas}  # feeds: hubs
    sent: dict[tuple[str, str], float] = defaultdict(float)
    for t in trips:
        w = floors.get(t.warehouse)
        if w is None:
            continue
        for st in t.stops:
            if kab.get(st.area) != w.kab_code:
                for c, q in st.deliver.items():
                    sent[(w.id, c)] += q
    for (w_id, c), q in sorted(sent.items()):
        w = floors[w_id]
        held = held_units(s, w).get(c, 0.0)
        allowed = (1 - w.reserve_share) * held + (fed or {}).get((w_id, c), 0.0)
        if q > allowed + TOL_UNITS:
            add(
                "reserve_floor",
                f"{w_id}/{c}",
                f"{q:,.1f} units to areas outside kab/kota {w.kab_code}; its reserve floor of"
                f" {w.reserve_share:.0%} of {held:,.1f} allows {allowed:,.1f} (not released by the policy)",
            )
