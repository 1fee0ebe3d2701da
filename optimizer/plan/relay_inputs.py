"""The scenarios and vehicle starts of a relay's plans (`plan/relay.py`): the feeder plan's hubs as
areas, the stock the trips leave, the feeds' goods at the hubs, and when each vehicle is free again."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from scenarios.model import Area, Arrival, Hub, Scenario, Warehouse

from ..routing.timeline import VehicleStart
from ..routing.trips import Trip

__all__ = [
    "HUB_AREA",
    "feed_trips",
    "feeder_scenario",
    "hub_available_h",
    "needs_a_day_earlier",
    "relay_scenario",
    "starts_after",
]

HUB_AREA = "hub."  # the feeder plan's area for a hub: HUB_AREA + hub id


def _hub_warehouse(s: Scenario, hub: Hub) -> Warehouse:
    return next(w for w in s.warehouses if w.id == hub.warehouse)


def needs_a_day_earlier(needs: pd.DataFrame) -> pd.DataFrame:
    """The feeder plan's needs: each row a day earlier (day 1 stays), rows of one day merged (units, kg
    and m3 summed; persons the larger)."""
    shifted = needs.assign(day=(needs["day"] - 1).clip(lower=1))
    keys = ["area", "commodity", "group", "day"]
    agg = {"units": "sum", "kg": "sum", "m3": "sum", "persons": "max", "covers": "first", "priority": "first"}
    return shifted.groupby(keys, as_index=False, sort=False).agg(agg)[list(needs.columns)]


def feeder_scenario(s: Scenario, demand: dict[str, dict[str, float]]) -> Scenario:
    """`s` with one area per hub needing its demand, at its warehouse; stock only at the warehouses
    that may feed a hub (no hub feeds another); no kitchens, water points or hubs."""
    hub_wh = {h.warehouse for h in s.hubs}
    sources = {src for h in s.hubs if h.id in demand for src in h.sources}
    areas = []
    for hub in s.hubs:
        if hub.id not in demand:
            continue
        w = _hub_warehouse(s, hub)
        areas.append(
            Area(
                id=HUB_AREA + hub.id,
                name=hub.name,
                kab_code=w.kab_code,
                lat=w.lat,
                lon=w.lon,
                node=w.node,
                needs={c: round(u, 6) for c, u in demand[hub.id].items()},
            )
        )

    def keeps(w: Warehouse) -> bool:
        return w.id not in hub_wh and (not sources or w.id in sources)

    warehouses = tuple(
        w if keeps(w) else w.model_copy(update={"stock": {}, "arrivals": ()}) for w in s.warehouses
    )
    suppliers = tuple(sp for sp in s.suppliers if keeps(_by_id(warehouses, sp.warehouse)))
    return s.model_copy(
        update={
            "areas": tuple(areas),
            "warehouses": warehouses,
            "suppliers": suppliers,
            "kitchens": (),
            "water_points": (),
            "hubs": (),
        }
    )


def _by_id(warehouses: Sequence[Warehouse], w_id: str) -> Warehouse:
    return next(w for w in warehouses if w.id == w_id)


def feed_trips(s: Scenario, trips: Sequence[Trip]) -> list[Trip]:
    """The feeder plan's trips as feeds, their stops at the hubs' warehouses; a trip whose goods could
    not go on within the horizon is no feed."""
    hub_of = {HUB_AREA + h.id: h for h in s.hubs}
    end_h = 24.0 * s.policy.horizon_days
    out = []
    for t in trips:
        stops = tuple(
            replace(st, area=hub_of[st.area].warehouse)
            for st in t.stops
            if st.area in hub_of and hub_available_h(s, hub_of[st.area], float(st.arrive_h or 0.0)) < end_h
        )
        if stops:
            out.append(replace(t, stops=stops, feed=True))
    return out


def hub_available_h(s: Scenario, hub: Hub, arrive_h: float) -> float:
    """When goods a feed unloads at `arrive_h` may leave the hub: the first duty start of a day at
    least `handling_h` later (the planning works in days)."""
    ready = arrive_h + hub.handling_h
    day = max(0, math.ceil((ready - s.policy.day_start_h) / 24 - 1e-9))
    return 24.0 * day + s.policy.day_start_h


def relay_scenario(s: Scenario, used: Sequence[Trip], feeds: Sequence[Trip]) -> Scenario:
    """`s` with what the trips `used` and the feeds load taken from their warehouses' stock (initial
    stock first, then the earliest arrivals, the suppliers' deliveries among them) and the feeds'
    deliveries as arrivals at the hubs' warehouses. A throughput, and a hub's capacity (its throughput
    when lower than the warehouse's), lose the most the trips dispatch on one day; a reserve floor in
    force keeps all that is left for its own kab/kota (the trips took their share of what may leave)."""
    hub_of = {h.warehouse: h for h in s.hubs}
    loaded: dict[tuple[str, str], float] = {}
    landed: dict[str, list[Arrival]] = {}
    H = s.policy.horizon_days
    for t in [*used, *feeds]:
        for st in t.stops:
            for c, q in st.deliver.items():
                loaded[(t.warehouse, c)] = loaded.get((t.warehouse, c), 0.0) + q
    for t in feeds:
        for st in t.stops:
            day = int(hub_available_h(s, hub_of[st.area], float(st.arrive_h or 0.0)) // 24) + 1
            if day <= H:
                landed.setdefault(st.area, []).extend(
                    Arrival(commodity=c, day=day, units=q) for c, q in st.deliver.items()
                )
    warehouses = []
    released = set(s.policy.released_reserves)
    busy_t = _busiest_day_t(s, [*used, *feeds])
    for w in s.warehouses:
        # what its suppliers deliver becomes plain arrivals, so that what the trips took comes off it too
        w = w.model_copy(update={"arrivals": s.arrivals_of(w)})
        w = _less(w, {c: q for (wid, c), q in loaded.items() if wid == w.id})
        if w.throughput_t_per_day is not None and w.id in busy_t:
            w = w.model_copy(update={"throughput_t_per_day": max(0.0, w.throughput_t_per_day - busy_t[w.id])})
        if w.reserve_share > 0 and w.id not in released:
            w = w.model_copy(update={"reserve_share": 1.0})
        if w.id in landed:
            w = w.model_copy(update={"arrivals": w.arrivals + tuple(landed[w.id])})
            cap = hub_of[w.id].capacity_t_per_day
            if cap is not None:
                cap = max(0.0, cap - busy_t.get(w.id, 0.0))
                own = w.throughput_t_per_day
                w = w.model_copy(update={"throughput_t_per_day": cap if own is None else min(own, cap)})
        warehouses.append(w)
    return s.model_copy(update={"warehouses": tuple(warehouses), "suppliers": ()})


def _busiest_day_t(s: Scenario, trips: Sequence[Trip]) -> dict[str, float]:
    """Per warehouse: the most tonnes the trips dispatch from it on one day."""
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    per_day: dict[tuple[str, int], float] = {}
    for t in trips:
        key = (t.warehouse, t.day)
        per_day[key] = (
            per_day.get(key, 0.0) + sum(q * kg[c] for st in t.stops for c, q in st.deliver.items()) / 1000
        )
    out: dict[str, float] = {}
    for (w, _), tonnes in per_day.items():
        out[w] = max(out.get(w, 0.0), tonnes)
    return out


def _less(w: Warehouse, taken: dict[str, float]) -> Warehouse:
    if not taken:
        return w
    stock = dict(w.stock)
    arrivals = list(w.arrivals)
    for c, q in taken.items():
        use = min(q, stock.get(c, 0.0))
        stock[c] = stock.get(c, 0.0) - use
        q -= use
        for k, a in sorted(enumerate(arrivals), key=lambda ka: ka[1].day):
            if q <= 1e-9:
                break
            if a.commodity == c:
                use = min(q, a.units)
                arrivals[k] = a.model_copy(update={"units": a.units - use})
                q -= use
    return w.model_copy(update={"stock": stock, "arrivals": tuple(a for a in arrivals if a.units > 1e-9)})


def starts_after(starts: Sequence[VehicleStart], feeds: Sequence[Trip]) -> list[VehicleStart]:
    """The fleet's starts, each vehicle that feeds free again where and when its last feed ends."""
    last: dict[str, Trip] = {}
    for t in feeds:
        if t.vehicle not in last or (t.return_h or 0.0) > (last[t.vehicle].return_h or 0.0):
            last[t.vehicle] = t
    out = []
    for st in starts:
        end = last.get(st.vehicle)
        out.append(st if end is None else replace(st, at=end.warehouse, free_h=float(end.return_h or 0.0)))
    return out
