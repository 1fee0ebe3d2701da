"""Transshipment: goods that change vehicles at the scenario's hubs (river landings, airstrips).

A relay is a second wave on top of the plan made without one, so it never takes a delivery away:
1. the first plan, without relays;
2. the hubs' demand: the need the first plan leaves unmet for want of transport (not of stock:
   `RELAYABLE`) at the areas that a hub's vehicles reach within its `reach_h`, faster than any vehicle
   from a warehouse with stock (no hub); each area is its nearest hub's;
3. the feeder plan: that demand as assessed needs of one area per hub at its warehouse, each a day
   earlier than the areas need it, from the stock the first plan leaves (at the hub's `sources`, else
   anywhere), on the vehicles once the first plan's trips are done; its trips whose goods can go on
   within the horizon are the feeds (the river cargo boat to Long Bagun, the helicopter to Datah Dawai);
4. the onward plan: the need still unmet after the first plan, from what is left and what the feeds
   bring the hubs (there `handling_h` after a feed arrives, usable from the next duty start), on the
   vehicles once their first-plan trips and feeds are done.
The relayed plan (the first plan's trips, the feeds and the onward trips, numbered again per vehicle)
is kept when it leaves less priority-weighted deprivation than the first (the planner's first
objective); its `transfers` say which feed brought the goods that each onward trip takes from a hub,
first in first out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Scenario

from ..instance import PlanningInstance, compile_instance
from ..routing.parts import PartTravel
from ..routing.timeline import VehicleStart, fleet_starts
from ..routing.trips import Trip
from .kpis import delivered_from_trips, plan_kpis
from .people import row_values, weighted_person_days
from .records import Shipment, Unmet
from .relay_inputs import feed_trips, feeder_scenario, relay_scenario, starts_after
from .requests import purchase_requests, stock_requests
from .result import Plan
from .served import serve_groups
from .transfers import transfers

__all__ = ["RelayRun", "combined_plan", "hub_demand", "plan_with_hubs", "weighted_deprivation"]


@dataclass(frozen=True)
class RelayRun:
    """How the pipeline makes one of the relay's plans: on `network`, its vehicles first free as
    `starts` says (None: at their bases from 00:00 of day 1); `feeder`: the feeder plan (no committed
    deliveries, each need a day earlier); `committed`: deliveries it plans around instead of the
    pipeline's (the onward plan: the first plan's too)."""

    network: ScenarioNetwork
    starts: Sequence[VehicleStart] | None = None
    feeder: bool = False
    committed: pd.DataFrame | None = None  # (area, commodity, units) delivered before: the onward plan's


PlanOnce = Callable[[Scenario, RelayRun], Plan]
# unmet need a relay may serve: held up by transport, not by a lack of stock
RELAYABLE = ("transport_capacity", "unreachable", "horizon", "time_window", "throughput", "small_load")


def plan_with_hubs(s: Scenario, sn: ScenarioNetwork, plan_once: PlanOnce) -> Plan:
    """The plan of `s`, relayed through its hubs where that leaves less deprivation (see the module)."""
    first = plan_once(s, RelayRun(sn))
    if not s.hubs:
        return first
    inst = compile_instance(s, network=sn)
    demand, _areas = hub_demand(s, sn, inst, first)
    if not demand:
        return first
    starts = fleet_starts(PartTravel(inst))
    best, best_w = first, weighted_deprivation(s, first)
    for relayed in (
        _second_wave(s, sn, plan_once, first, demand, starts),
        _feeds_first(s, sn, plan_once, first, demand, starts),
    ):
        if relayed is not None and (w := weighted_deprivation(s, relayed)) < best_w - 1e-6:
            best, best_w = relayed, w
    return best


def _feeds(s: Scenario, sn: ScenarioNetwork, plan_once: PlanOnce, fs: Scenario, starts) -> list[Trip]:
    feeder = plan_once(fs, RelayRun(ScenarioNetwork(fs, network=sn.net), starts, feeder=True))
    return feed_trips(s, feeder.trips)


def _second_wave(s, sn, plan_once, first: Plan, demand, starts) -> Plan | None:
    """Feeds and onward trips after the first plan's trips, from what it leaves (steps 3 and 4)."""
    after_first = starts_after(starts, first.trips)
    feeds = _feeds(s, sn, plan_once, feeder_scenario(relay_scenario(s, first.trips, ()), demand), after_first)
    if not feeds:
        return None
    done = pd.concat([first.committed_frame, delivered_from_trips(first.trips)], ignore_index=True)
    done = done.groupby(["area", "commodity"], as_index=False)["units"].sum()
    onward_run = RelayRun(sn, starts_after(after_first, feeds), committed=done)
    onward = plan_once(relay_scenario(s, first.trips, feeds), onward_run)
    return combined_plan(s, first, feeds, onward.trips)


def _feeds_first(s, sn, plan_once, first: Plan, demand, starts) -> Plan | None:
    """The feeds first, on the whole fleet and stock, then the plan again around them (a fleet the first
    plan keeps busy all the horizon on long direct trips has no time left for a second wave)."""
    feeds = _feeds(s, sn, plan_once, feeder_scenario(s, demand), starts)
    if not feeds:
        return None
    again = plan_once(relay_scenario(s, (), feeds), RelayRun(sn, starts_after(starts, feeds)))
    return combined_plan(s, replace(again, unmet=first.unmet), feeds, ())


def combined_plan(s: Scenario, first: Plan, feeds: Sequence[Trip], onward: Sequence[Trip]) -> Plan:
    """The first plan with the feeds and the onward trips: trips numbered again per vehicle in time
    order, shipments, KPIs and unmet need from all the trips (unmet keeps the first plan's reasons),
    transfers and requests."""
    numbered = _renumbered([*first.trips, *feeds, *onward])
    trips = tuple(t for t in numbered if not t.feed)
    fed = tuple(t for t in numbered if t.feed)
    needs = compute_needs(s)
    water = first.water_service_frame
    shipped = delivered_from_trips(trips)
    parts = [
        shipped.groupby(["area", "commodity", "day"], as_index=False)["units"].sum(),
        first.committed_frame.assign(day=1),
        water[["area", "commodity", "day", "units"]],
    ]
    delivered = pd.concat([f for f in parts if len(f)], ignore_index=True)
    delivered["day"] = delivered["day"].astype(int)
    service = serve_groups(needs, delivered, s.policy.horizon_days)
    why = {(u.area, u.commodity): u.reason for u in first.unmet}
    unmet = tuple(
        Unmet(
            str(r.area),
            str(r.commodity),
            str(r.group),
            int(r.day),
            float(r.units),
            why.get((r.area, r.commodity), "transport_capacity"),
        )
        for r in service.unmet.itertuples(index=False)
    )
    by_key = shipped.groupby(["warehouse", "area", "commodity", "day"], as_index=False)["units"].sum()
    moved = [*trips, *fed]
    return replace(
        first,
        trips=trips,
        feeds=fed,
        shipments=tuple(
            Shipment(str(r.warehouse), str(r.area), str(r.commodity), int(r.day), float(r.units))
            for r in by_key.itertuples(index=False)
        ),
        unmet=unmet,
        kpis=plan_kpis(s, needs, trips, service, water),
        transfers=transfers(s, fed, trips),
        requests=stock_requests(s, moved) + purchase_requests(s, moved),
        status="partial" if unmet else first.status,
    )


def _renumbered(trips: Sequence[Trip]) -> list[Trip]:
    """Each vehicle's trips numbered 1, 2, ... in the order they begin."""
    by_vehicle: dict[str, list[Trip]] = {}
    for t in trips:
        by_vehicle.setdefault(t.vehicle, []).append(t)
    out = []
    for v in sorted(by_vehicle):
        ordered = sorted(by_vehicle[v], key=lambda t: (t.began_h or 0.0, t.depart_h or 0.0))
        out += [replace(t, trip=k + 1) for k, t in enumerate(ordered)]
    return out


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


def hub_demand(
    s: Scenario, sn: ScenarioNetwork, inst: PlanningInstance, plan: Plan
) -> tuple[dict[str, dict[str, float]], dict[str, set[str]]]:
    """Hub id -> commodity -> what the plan leaves unmet at the areas it serves, and hub id -> those
    areas: the areas the plan leaves need unmet for want of transport (`RELAYABLE`) whose nearest hub
    (by the vehicles that may load there) is within its `reach_h` and faster than any warehouse with
    stock; at most its capacity over the horizon."""
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
    direct = _direct_h(s, sn, inst)
    areas: dict[str, set[str]] = {}
    for a, area in enumerate(s.areas):
        h = int(np.argmin(onward[:, a]))
        if area.id in short and onward[h, a] <= s.hubs[h].reach_h and onward[h, a] < direct[a]:
            areas.setdefault(s.hubs[h].id, set()).add(area.id)
    need = unmet.groupby(["area", "commodity"])["units"].sum()
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


def _direct_h(s: Scenario, sn: ScenarioNetwork, inst: PlanningInstance) -> np.ndarray:
    """Per area: the fastest way in from a warehouse that is no hub and holds stock, on a vehicle
    that may load there (inf: none)."""
    hub_wh = {h.warehouse for h in s.hubs}
    best = np.full(len(s.areas), np.inf)
    for wi, w in enumerate(s.warehouses):
        if w.id in hub_wh or not (w.stock or s.arrivals_of(w)):
            continue
        for v, vt in enumerate(s.vehicle_types):
            if inst.fleet.loadable[wi, v]:
                best = np.fmin(best, sn.matrix(vt, "warehouses", "areas").time_h[wi])
    return best
