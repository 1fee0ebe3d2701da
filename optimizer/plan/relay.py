"""Transshipment: goods that change vehicles at the scenario's hubs (river landings, airstrips).

Three plans. The first is made without relays. The need it leaves unmet at areas that a hub's
vehicles reach within the hub's `reach_h` becomes that hub's demand (each area to its nearest hub).
The second plan, the feeder plan, serves the hubs' demand as assessed needs of one area per hub at its
warehouse, each a day earlier than the areas need it, from the warehouses that may feed it (its
`sources`, else any with stock): its trips whose goods can go on within the horizon are the plan's
feeds (a truck to Melak, the river cargo boat to Long Bagun). The third plan is the
scenario again with what the feeds load taken from their warehouses' stock and what they unload at
a hub there as its stock, usable on the first day whose duty start (`policy.day_start_h`) comes
`handling_h` after the feed's arrival; its vehicles start where and when the feeds leave them. The
relayed plan is kept when it leaves less priority-weighted deprivation than the first (the planner's
first objective); its `transfers` say which feed
brought the goods that each onward trip takes from a hub, first in first out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Area, Arrival, Hub, Scenario, Warehouse

from ..instance import compile_instance
from ..routing.parts import PartTravel
from ..routing.timeline import VehicleStart, fleet_starts
from ..routing.trips import Trip
from .kpis import delivered_from_trips
from .people import row_values, weighted_person_days
from .records import Transfer
from .requests import purchase_requests, stock_requests
from .result import Plan
from .served import serve_groups

__all__ = ["RelayRun", "Transfer", "hub_available_h", "needs_a_day_earlier", "plan_with_hubs", "transfers"]


@dataclass(frozen=True)
class RelayRun:
    """How the pipeline makes one of the relay's plans: on `network`, its vehicles first free as
    `starts` says (None: at their bases from 00:00 of day 1); `feeder`: the feeder plan (no committed
    deliveries, each need a day earlier); `closed`: warehouse-area links the allocation may not use
    (a hub's goods are for the areas it was fed for)."""

    network: ScenarioNetwork
    starts: Sequence[VehicleStart] | None = None
    feeder: bool = False
    closed: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (warehouse, area) links shut


PlanOnce = Callable[[Scenario, RelayRun], Plan]
HUB_AREA = "hub."  # the feeder plan's area for a hub: HUB_AREA + hub id
# unmet need a relay may serve: held up by transport, not by a lack of stock
RELAYABLE = ("transport_capacity", "unreachable", "horizon", "time_window", "throughput", "small_load")


def plan_with_hubs(s: Scenario, sn: ScenarioNetwork, plan_once: PlanOnce) -> Plan:
    """The plan of `s`, relayed through its hubs where that leaves less deprivation (see the module)."""
    first = plan_once(s, RelayRun(sn))
    if not s.hubs:
        return first
    inst = compile_instance(s, network=sn)
    demand, demand_areas = hub_demand(s, sn, inst, first)
    if not demand:
        return first
    fs = feeder_scenario(s, demand)
    feeder = plan_once(fs, RelayRun(ScenarioNetwork(fs, network=sn.net), feeder=True))
    feeds = feed_trips(s, feeder.trips)
    if not feeds:
        return first
    relayed = relay_scenario(s, feeds)
    served = {(h.warehouse, a) for h in s.hubs for a in demand_areas.get(h.id, ())}
    shut = {
        (h.warehouse, a.id): "unreachable"
        for h in s.hubs
        for a in s.areas
        if (h.warehouse, a.id) not in served
    }
    starts = starts_after(fleet_starts(PartTravel(inst)), feeds)
    second = plan_once(relayed, RelayRun(sn, starts, closed=shut))
    if weighted_deprivation(s, second) >= weighted_deprivation(s, first) - 1e-6:
        return first
    moved = [*second.trips, *feeds]
    return replace(
        second,
        feeds=tuple(feeds),
        transfers=transfers(s, feeds, second.trips),
        requests=stock_requests(s, moved) + purchase_requests(s, moved),
    )


def weighted_deprivation(s: Scenario, plan: Plan) -> float:
    """The planner's first objective for the plan's trips: priority-weighted person-days of need left
    unmet (the rounds' score; committed deliveries and water points left out, the same for both plans
    compared)."""
    needs = compute_needs(s)
    delivered = (
        delivered_from_trips(plan.trips).groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    )
    service = serve_groups(needs, delivered, s.policy.horizon_days)
    return weighted_person_days(service.unmet, row_values(needs))


def needs_a_day_earlier(needs: pd.DataFrame) -> pd.DataFrame:
    """The feeder plan's needs: each row a day earlier (day 1 stays), rows of one day merged (units, kg
    and m3 summed; persons the larger)."""
    shifted = needs.assign(day=(needs["day"] - 1).clip(lower=1))
    keys = ["area", "commodity", "group", "day"]
    agg = {"units": "sum", "kg": "sum", "m3": "sum", "persons": "max", "covers": "first", "priority": "first"}
    return shifted.groupby(keys, as_index=False, sort=False).agg(agg)[list(needs.columns)]


def _hub_warehouse(s: Scenario, hub: Hub) -> Warehouse:
    return next(w for w in s.warehouses if w.id == hub.warehouse)


def hub_demand(
    s: Scenario, sn: ScenarioNetwork, inst, plan: Plan
) -> tuple[dict[str, dict[str, float]], dict[str, set[str]]]:
    """Hub id -> commodity -> the whole need of the areas it serves, and hub id -> those areas: the
    areas the plan leaves need unmet for want of transport (`RELAYABLE`) whose nearest hub (by the
    vehicles that may load there) is within its `reach_h`; at most its capacity over the horizon."""
    unmet = plan.unmet_frame
    short = set(unmet.loc[unmet["reason"].isin(RELAYABLE) & (unmet["units"] > 1e-6), "area"])
    if not short:
        return {}, {}
    w_ix = {w.id: i for i, w in enumerate(s.warehouses)}
    onward = np.full((len(s.hubs), len(s.areas)), np.inf)
    for h, hub in enumerate(s.hubs):
        wi = w_ix[hub.warehouse]
        for v, vt in enumerate(s.vehicle_types):
            if inst.fleet.loadable[wi, v]:
                onward[h] = np.fmin(onward[h], sn.matrix(vt, "warehouses", "areas").time_h[wi])
    areas: dict[str, set[str]] = {}
    for a, area in enumerate(s.areas):
        h = int(np.argmin(onward[:, a]))
        if area.id in short and onward[h, a] <= s.hubs[h].reach_h:
            areas.setdefault(s.hubs[h].id, set()).add(area.id)
    need = inst.needs.frame.groupby(["area", "commodity"])["units"].sum()
    out: dict[str, dict[str, float]] = {}
    for hub_id, served in areas.items():
        for (area, c), units in need.items():
            if area in served and units > 1e-6:
                out.setdefault(hub_id, {})[str(c)] = out.get(hub_id, {}).get(str(c), 0.0) + float(units)
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    for hub in s.hubs:
        if hub.id in out and hub.capacity_t_per_day is not None:
            total_t = sum(u * kg[c] for c, u in out[hub.id].items()) / 1000
            cap_t = hub.capacity_t_per_day * s.policy.horizon_days
            if total_t > cap_t:
                out[hub.id] = {c: u * cap_t / total_t for c, u in out[hub.id].items()}
    return out, areas


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


def relay_scenario(s: Scenario, feeds: Sequence[Trip]) -> Scenario:
    """`s` with the feeds' loads out of their warehouses' stock (initial stock first, then the earliest
    arrivals) and their deliveries as arrivals at the hubs' warehouses (hub throughput: its capacity)."""
    hub_of = {h.warehouse: h for h in s.hubs}
    loaded: dict[tuple[str, str], float] = {}
    landed: dict[str, list[Arrival]] = {}
    H = s.policy.horizon_days
    for t in feeds:
        for st in t.stops:
            hub = hub_of[st.area]
            day = int(hub_available_h(s, hub, float(st.arrive_h or 0.0)) // 24) + 1
            for c, q in st.deliver.items():
                loaded[(t.warehouse, c)] = loaded.get((t.warehouse, c), 0.0) + q
                if day <= H:
                    landed.setdefault(st.area, []).append(Arrival(commodity=c, day=day, units=q))
    warehouses = []
    for w in s.warehouses:
        w = _less(w, {c: q for (wid, c), q in loaded.items() if wid == w.id})
        if w.id in landed:
            hub = hub_of[w.id]
            w = w.model_copy(update={"arrivals": w.arrivals + tuple(landed[w.id])})
            if hub.capacity_t_per_day is not None:
                w = w.model_copy(update={"throughput_t_per_day": hub.capacity_t_per_day})
        warehouses.append(w)
    return s.model_copy(update={"warehouses": tuple(warehouses)})


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
        t = last.get(st.vehicle)
        out.append(st if t is None else replace(st, at=t.warehouse, free_h=float(t.return_h or 0.0)))
    return out


def transfers(s: Scenario, feeds: Sequence[Trip], trips: Sequence[Trip]) -> tuple[Transfer, ...]:
    """First in, first out at each hub: the hub's own stock first, then the feeds' goods in the order
    they may leave, taken by the onward trips in the order they depart."""
    out: list[Transfer] = []
    for hub in s.hubs:
        w = _hub_warehouse(s, hub)
        for c in sorted({c for t in feeds for st in t.stops if st.area == w.id for c in st.deliver}):
            lots = [[float(w.stock.get(c, 0.0)), None, -math.inf]]
            lots += [
                [float(st.deliver[c]), t, float(st.arrive_h or 0.0)]
                for t in feeds
                for st in t.stops
                if st.area == w.id and c in st.deliver
            ]
            lots.sort(key=lambda x: x[2])
            onward = sorted(
                (t for t in trips if t.warehouse == w.id), key=lambda t: (float(t.depart_h or 0.0), t.vehicle)
            )
            out += _fifo(hub, c, lots, onward)
    return tuple(out)


def _fifo(hub: Hub, c: str, lots: list[list], onward: Sequence[Trip]) -> list[Transfer]:
    out = []
    k = 0
    for t in onward:
        need = sum(st.deliver.get(c, 0.0) for st in t.stops)
        while need > 1e-9 and k < len(lots):
            take = min(need, lots[k][0])
            if take > 1e-9 and lots[k][1] is not None:
                feed: Trip = lots[k][1]
                out.append(
                    Transfer(
                        hub.id,
                        feed.vehicle,
                        feed.trip,
                        t.vehicle,
                        t.trip,
                        c,
                        take,
                        lots[k][2],
                        float(t.depart_h or 0.0),
                    )
                )
            lots[k][0] -= take
            need -= take
            if lots[k][0] <= 1e-9:
                k += 1
    return out
