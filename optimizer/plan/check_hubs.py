"""The plan checker's transshipment rules, recomputed from the scenario, the trips and the feeds.

A feed is a trip whose stops are hubs' warehouses (plan.json `feeds`). Goods a feed unloads at a hub may
leave it `handling_h` after the feed arrives. `hub_early`: by the time an onward trip leaves a hub, the
trips leaving it have taken more of a commodity than the hub held (its own stock and listed arrivals)
plus what feeds brought that long before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scenarios.model import Scenario, Warehouse

from ..routing.trips import Trip

__all__ = ["check_hub_timing", "hub_lots"]

Add = Callable[[str, str, str], None]
TOL_UNITS = 0.01


def hub_lots(s: Scenario, feeds: Sequence[Trip]) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(hub warehouse, commodity) -> (hour the goods may leave, units) of each feed's delivery."""
    handling = {h.warehouse: h.handling_h for h in s.hubs}
    out: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for t in feeds:
        for st in t.stops:
            if st.arrive_h is None or st.area not in handling:
                continue
            for c, q in st.deliver.items():
                out.setdefault((st.area, c), []).append((st.arrive_h + handling[st.area], q))
    return out


def check_hub_timing(s: Scenario, trips: Sequence[Trip], feeds: Sequence[Trip], add: Add) -> None:
    """A `hub_early` violation for each hub and commodity whose goods leave before they are there (the
    first trip that takes too much)."""
    lots = hub_lots(s, feeds)
    by_id = {w.id: w for w in s.warehouses}
    for hub in sorted(s.hubs, key=lambda h: h.id):
        leaving = sorted(
            (t for t in trips if t.warehouse == hub.warehouse and t.depart_h is not None), key=_depart
        )
        taken: dict[str, float] = {}
        flagged: set[str] = set()
        for t in leaving:
            for c in sorted({c for st in t.stops for c in st.deliver} - flagged):
                taken[c] = taken.get(c, 0.0) + sum(st.deliver.get(c, 0.0) for st in t.stops)
                there = _there(s, by_id[hub.warehouse], c, _depart(t)) + _fed(
                    lots, hub.warehouse, c, _depart(t)
                )
                if taken[c] > there + TOL_UNITS:
                    flagged.add(c)
                    add(
                        "hub_early",
                        f"{hub.id}/{c}",
                        f"{taken[c]:,.1f} units leave {hub.warehouse} by {_depart(t):g} h ({t.vehicle} trip"
                        f" {t.trip}); only {there:,.1f} were there (a feed's goods count"
                        f" {hub.handling_h:g} h after it arrives)",
                    )


def _there(s: Scenario, w: Warehouse, c: str, at_h: float) -> float:
    """The hub warehouse's own units of `c` by `at_h`: its stock and the arrivals of the days begun."""
    return w.stock.get(c, 0.0) + sum(
        a.units for a in s.arrivals_of(w) if a.commodity == c and 24 * (a.day - 1) <= at_h
    )


def _fed(lots, w_id: str, c: str, at_h: float) -> float:
    return sum(q for ready, q in lots.get((w_id, c), []) if ready <= at_h + 1e-6)


def _depart(t: Trip) -> float:
    return float(t.depart_h or 0.0)
