"""The allocation-routing rounds of a plan (pipeline.py's docstring tells the rule): allocate, round to
whole units, route with a short search, score the routes, and feed what the fleet could not carry back
as transport cuts and closed links; the round with the best score is kept.

A `Routed` is routes with what they deliver and whom that serves, so a plan is assembled from the
routes it keeps without serving them again.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..allocation import AllocationResult, solve_allocation
from ..instance import PlanningInstance
from ..progress import Progress, ProgressEvent
from ..routing import RoutingOptions
from ..routing.dispatch import RoutingResult, route_shipments
from ..routing.timeline import VehicleStart
from .kpis import delivered_from_trips
from .options import PlanOptions, round_routing
from .people import row_values, weighted_person_days
from .records import RoundRecord
from .served import Service, serve_groups
from .whole import whole_units

__all__ = ["Kept", "RoundContext", "RoundsResult", "Routed", "route", "routing_relay", "run_rounds"]

Cuts = dict[tuple[str, int], float]  # (warehouse, delivery day) -> vehicle hours
Closed = dict[tuple[str, str], str]  # (warehouse, area) -> the routing's reason


@dataclass(frozen=True)
class RoundContext:
    """What every round reads: the compiled instance, the need to plan for (its rows), the groups'
    the options, the progress callback and the plan's start (perf_counter s)."""

    instance: PlanningInstance
    needs: pd.DataFrame
    options: PlanOptions
    report: Progress
    started: float
    starts: Sequence[VehicleStart] | None = None  # where and when each vehicle is first free


@dataclass(frozen=True)
class Routed:
    """Routes, what their trips unload (warehouse, area, commodity, day, units), whom that serves
    among `needs` (the need planned for), and the score: (priority-weighted person-days unmet, cost), lower
    is better."""

    result: RoutingResult
    shipments: pd.DataFrame
    service: Service
    score: tuple[float, float]


@dataclass(frozen=True)
class Kept:
    """The best round: its allocation, the whole-unit shipments it routed, its routes and the links
    closed when it ran."""

    alloc: AllocationResult
    shipments: pd.DataFrame
    routed: Routed
    closed: Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class RoundsResult:
    """The rounds' outcome: the best round, every round's record, seconds to the first feasible plan."""

    kept: Kept
    rounds: tuple[RoundRecord, ...]
    first_feasible_s: float


def routing_relay(report: Progress, round_no: int) -> Progress:
    """The routing's progress as the plan's: its `routing` events, and `fallback` events (another
    engine took over a part), with the round (0: final)."""

    def relay(event: ProgressEvent) -> None:
        if event.stage == "routing" and event.done is not None:
            fraction = event.done / max(event.total or 0, 1)
            report(replace(event, round=round_no, fraction=fraction))
        elif event.stage == "fallback":
            report(replace(event, round=round_no))

    return relay


def route(ctx: RoundContext, shipments: pd.DataFrame, options: RoutingOptions, round_no: int) -> Routed:
    """Route `shipments` on the instance and score the routes."""
    result = route_shipments(
        ctx.instance,
        shipments,
        options,
        ctx.options.dispatch,
        progress=routing_relay(ctx.report, round_no),
        starts=ctx.starts,
    )
    return score_routes(ctx.instance, ctx.needs, result)


def score_routes(inst: PlanningInstance, needs: pd.DataFrame, result: RoutingResult) -> Routed:
    """`result` with what its trips unload, whom that serves among `needs`, and its score (the
    priority-weighted person-days of need left unmet, then cost)."""
    shipments = delivered_from_trips(result.trips)
    delivered = shipments.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    service = serve_groups(needs, delivered, inst.horizon_days)
    weighted = round(weighted_person_days(service.unmet, row_values(needs)), 6)
    return Routed(result, shipments, service, (weighted, round(result.kpis.cost, 2)))


def run_rounds(ctx: RoundContext, timings: MutableMapping[str, float]) -> RoundsResult:
    """Allocate and route until a round leaves nothing new to cut (see the module); the best round,
    every round's record and the seconds to the first feasible plan. Adds the seconds spent to
    `timings["allocation"]` and `timings["routing"]`."""
    o, inst = ctx.options, ctx.instance
    cuts: Cuts = {}
    closed: Closed = {}
    records: list[RoundRecord] = []
    first_s: float | None = None
    kept: Kept | None = None
    quick = o.quick_allocation
    for r in range(o.max_rounds + quick):
        t = time.perf_counter()
        alloc = _allocate(ctx, cuts, closed, r, quick_round=quick and r == 0)
        ship = whole_units(inst.scenario, alloc.shipments, ctx.needs) if o.whole_units else alloc.shipments
        timings["allocation"] += time.perf_counter() - t
        t = time.perf_counter()
        routed = route(ctx, ship, round_routing(o), r + 1)
        timings["routing"] += time.perf_counter() - t
        if first_s is None:
            first_s = time.perf_counter() - ctx.started
            ctx.report(ProgressEvent("first_feasible", fraction=1.0, seconds=first_s))
        if kept is None or routed.score < kept.routed.score:
            kept = Kept(alloc, ship, routed, dict(closed))
        new = _tighten(routed.result, alloc, ship, cuts, closed)
        records.append(_round_record(r + 1, alloc, routed, new, len(cuts), len(closed)))
        if quick and r == 0:
            cuts.clear()  # measured on another allocation's loads: the full one starts afresh
        elif not new:
            break
    assert kept is not None and first_s is not None  # max_rounds >= 1
    return RoundsResult(kept, tuple(records), first_s)


def _allocate(
    ctx: RoundContext, cuts: Cuts, closed: Closed, r: int, *, quick_round: bool
) -> AllocationResult:
    """Round `r`'s allocation (0-based) under the cuts and closed links so far."""
    a_opts = replace(ctx.options.allocation, max_rounds=1) if quick_round else ctx.options.allocation
    report = ctx.report

    def relay(event: ProgressEvent) -> None:
        report(replace(event, round=r + 1))

    return solve_allocation(
        ctx.instance,
        replace(a_opts, transport_cuts=tuple((w, d, h) for (w, d), h in sorted(cuts.items()))),
        closed=_closed_mask(ctx.instance, closed),
        progress=relay,
    )


def _closed_mask(inst: PlanningInstance, closed: Closed) -> np.ndarray | None:
    """[W, A]: the warehouse-area links closed for routing reasons (None: none)."""
    if not closed:
        return None
    mask = np.zeros((len(inst.warehouses), len(inst.areas)), bool)
    mask[[inst.warehouses[w] for w, _ in closed], [inst.areas[a] for _, a in closed]] = True
    return mask


def _tighten(
    routed: RoutingResult, alloc: AllocationResult, ship: pd.DataFrame, cuts: Cuts, closed: Closed
) -> bool:
    """Add what the routing could not carry as cuts; True when anything new was added.

    A warehouse and delivery day with `fleet_exhausted`, `horizon` or `throughput` loads gets a
    transport cut: the vehicle hours, as the allocation counts them, of the share of each of its
    links' goods the trips carried."""
    un = routed.unassigned
    if un.empty:
        return False
    new = False
    short = un[un["reason"].isin(["fleet_exhausted", "horizon", "throughput"])]
    if len(short):
        hours = _carried_hours(routed, alloc, ship)
        for w, d in short[["warehouse", "day"]].drop_duplicates().itertuples(index=False):
            key = (str(w), int(d))
            h = hours.get(key, 0.0)
            if h < cuts.get(key, np.inf) - 1e-6:
                cuts[key] = h
                new = True
    for w, a, why in un[un["reason"].isin(["unreachable", "time_window"])][
        ["warehouse", "area", "reason"]
    ].itertuples(index=False):
        if (w, a) not in closed:
            closed[(str(w), str(a))] = str(why)
            new = True
    return new


def _carried_hours(
    routed: RoutingResult, alloc: AllocationResult, ship: pd.DataFrame
) -> dict[tuple[str, int], float]:
    """(warehouse, day) -> the allocation's vehicle hours for the share of each link's kg carried."""
    key = ["warehouse", "area", "day"]
    lp_h = alloc.vehicle_loads.assign(h=lambda f: f["loads"] * f["round_trip_h"]).groupby(key)["h"].sum()
    sent = ship.groupby(key)["kg"].sum()
    left = routed.unassigned.groupby(key)["kg"].sum().reindex(sent.index, fill_value=0.0)
    share = ((sent - left) / sent.where(sent > 0)).fillna(0.0).clip(0.0, 1.0)
    h = (lp_h.reindex(sent.index, fill_value=0.0) * share).groupby(level=["warehouse", "day"]).sum()
    return {(str(w), int(d)): float(v) for (w, d), v in h.items()}


def _round_record(
    no: int, alloc: AllocationResult, routed: Routed, new: bool, cuts: int, closed: int
) -> RoundRecord:
    kpis = routed.result.kpis
    return RoundRecord(
        weighted_unmet=routed.score[0],
        round=no,
        allocation_status=alloc.status,
        allocated_kg=round(float(alloc.shipments["kg"].sum()) if len(alloc.shipments) else 0.0, 3),
        carried_share=round(kpis.kg_carried_share, 6),
        uncarried_kg_by_reason=dict(kpis.unassigned_kg_by_reason),
        transport_cuts=cuts,
        closed_links=closed,
        tightened=new,
    )
