"""The plan checker's dispatch-economics rule, recomputed from the scenario and its network.

`small_trip`: a trip whose loaded loop (warehouse -> its stops -> warehouse, fastest paths) is longer
than the policy's `min_trip_km` while it unloads less than `min_trip_kg` (either at 0: no rule).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

from network import ScenarioNetwork
from scenarios.model import Scenario

from ..routing.trips import Trip

__all__ = ["check_small_trips", "loop_km"]

Add = Callable[[str, str, str], None]


def loop_km(s: Scenario, sn: ScenarioNetwork, t: Trip) -> float:
    """Km of the trip's loaded loop along the fastest paths for its vehicle type."""
    vt = next(v for v in s.vehicle_types if v.id == t.vehicle_type)
    index = {"warehouses": {w.id: i for i, w in enumerate(s.warehouses)}}
    index["areas"] = {a.id: i for i, a in enumerate(s.areas)}
    home = ("warehouses", t.warehouse)
    places = [home, *[("areas", st.area) for st in t.stops], home]
    km = 0.0
    for a, b in itertools.pairwise(places):
        if a != b:
            m = sn.matrix(vt, a[0], b[0]).distance_km
            km += float(m[index[a[0]][a[1]], index[b[0]][b[1]]])
    return km


def check_small_trips(s: Scenario, sn: ScenarioNetwork, trips: Sequence[Trip], add: Add) -> None:
    """A `small_trip` violation for each trip over `min_trip_km` that unloads under `min_trip_kg`."""
    min_kg, min_km = s.policy.min_trip_kg, s.policy.min_trip_km
    if min_kg <= 0 or min_km <= 0:
        return
    kg_per_unit = {c.id: c.kg_per_unit for c in s.commodities}
    for k, t in enumerate(trips):
        kg = sum(q * kg_per_unit[c] for st in t.stops for c, q in st.deliver.items())
        if kg >= min_kg:
            continue
        km = loop_km(s, sn, t)
        if km > min_km:
            add(
                "small_trip",
                f"trips[{k}] {t.vehicle}",
                f"{km:,.1f} km for {kg:,.1f} kg: the policy makes no trip over {min_km:g} km"
                f" for under {min_kg:g} kg",
            )
