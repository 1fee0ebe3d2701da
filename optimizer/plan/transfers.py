"""Goods changing vehicles at hubs: which feed brought what each onward trip takes (first in, first
out: a hub's own stock first, then the feeds' goods in the order they arrive)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scenarios.model import Hub, Scenario

from ..routing.trips import Trip
from .records import Transfer

__all__ = ["transfers"]


def transfers(s: Scenario, feeds: Sequence[Trip], trips: Sequence[Trip]) -> tuple[Transfer, ...]:
    """First in, first out at each hub: the hub's own stock first, then the feeds' goods in the order
    they may leave, taken by the onward trips in the order they depart."""
    out: list[Transfer] = []
    for hub in s.hubs:
        w = next(x for x in s.warehouses if x.id == hub.warehouse)
        for c in sorted({c for t in feeds for st in t.stops if st.area == w.id for c in st.deliver}):
            lots = [_Lot(float(w.stock.get(c, 0.0)), None, -math.inf)]
            lots += [
                _Lot(float(st.deliver[c]), t, float(st.arrive_h or 0.0))
                for t in feeds
                for st in t.stops
                if st.area == w.id and c in st.deliver
            ]
            lots.sort(key=lambda x: x.arrive_h)
            onward = sorted(
                (t for t in trips if t.warehouse == w.id), key=lambda t: (float(t.depart_h or 0.0), t.vehicle)
            )
            out += _fifo(hub, c, lots, onward)
    return tuple(out)


@dataclass
class _Lot:
    """Units of a commodity at a hub: brought by `feed` (None: the hub's own stock) at `arrive_h`."""

    units: float
    feed: Trip | None
    arrive_h: float


def _fifo(hub: Hub, c: str, lots: list[_Lot], onward: Sequence[Trip]) -> list[Transfer]:
    out = []
    k = 0
    for t in onward:
        need = sum(st.deliver.get(c, 0.0) for st in t.stops)
        while need > 1e-9 and k < len(lots):
            lot = lots[k]
            take = min(need, lot.units)
            if take > 1e-9 and lot.feed is not None:
                f = lot.feed
                depart = float(t.depart_h or 0.0)
                out.append(
                    Transfer(hub.id, f.vehicle, f.trip, t.vehicle, t.trip, c, take, lot.arrive_h, depart)
                )
            lot.units -= take
            need -= take
            if lot.units <= 1e-9:
                k += 1
    return out
