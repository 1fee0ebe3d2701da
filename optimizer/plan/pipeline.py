"""`plan_scenario`: needs -> network (damage) -> allocation -> routing -> plan, kept consistent.

Rounds: allocate, round to whole units, route with a short search. Loads the fleet could not carry go
back to the allocation: `fleet_exhausted` loads as a transport cut (the warehouse may spend on that
delivery day at most the vehicle hours, as the allocation counts round trips, of what its trips did
carry: the allocation then moves need to warehouses with transport to spare, or to nearer areas),
`unreachable` and `time_window` loads by closing that warehouse-area link. Cuts only tighten, so the
rounds settle; they stop when a round leaves nothing new to cut or after `max_rounds`. The round whose
routes leave the least priority-weighted unmet need is kept. The first round's routes already make a
feasible plan (its time is reported as `first_feasible_s`). Then the final routing search, with the
whole budget, runs on the kept round's shipments, and replaces its routes unless they leave more
priority-weighted unmet need. Shipments in the plan are what the trips carry; what they do not carry
is unmet, with its reason. Pure and seeded: the same scenario, options, seed and iteration budget give
the same plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Scenario

from ..allocation import AllocationOptions, AllocationResult, solve_allocation
from ..instance import PlanningInstance, compile_instance
from ..routing import RoutingOptions
from ..routing.dispatch import DEFAULT_SETTINGS, DispatchSettings, RoutingResult, route_shipments
from .kpis import delivered_from_trips, plan_kpis
from .result import Plan
from .served import serve_groups
from .whole import whole_units

__all__ = ["PlanOptions", "plan_from_shipments", "plan_scenario"]

Progress = Callable[[dict], None]
ROUTE_REASON = {"fleet_exhausted": "transport_capacity"}


@dataclass(frozen=True)
class PlanOptions:
    """`routing` is the final search's budget (time limit and/or iterations, seed, engine, workers);
    each round before it searches `round_share` of that budget. With `quick_first` (and an allocation
    with priced links, `max_rounds` > 1) an extra first round allocates without them (one LP): its
    plan comes sooner; the `max_rounds` rounds after it use the full allocation, without its transport
    cuts (those were measured on other loads)."""

    routing: RoutingOptions = field(default_factory=lambda: RoutingOptions(time_limit_s=30.0, workers=2))
    allocation: AllocationOptions = field(default_factory=AllocationOptions)
    dispatch: DispatchSettings = DEFAULT_SETTINGS
    max_rounds: int = 3
    round_share: float = 0.15
    whole_units: bool = True
    quick_first: bool = True  # round 1 allocates without column generation (a first plan sooner)

    def __post_init__(self) -> None:
        if self.max_rounds < 1:
            raise ValueError(f"max_rounds {self.max_rounds}: expected >= 1")
        if not 0 < self.round_share <= 1:
            raise ValueError(f"round_share {self.round_share}: expected in (0, 1]")


def _round_options(o: PlanOptions) -> RoutingOptions:
    r = o.routing
    limit = None if r.time_limit_s is None else max(0.5, r.time_limit_s * o.round_share)
    iters = None if r.iterations is None else max(20, round(r.iterations * o.round_share))
    return replace(r, time_limit_s=limit, iterations=iters)


def plan_scenario(
    scenario: Scenario,
    options: PlanOptions | None = None,
    progress: Progress | None = None,
    committed: pd.DataFrame | None = None,
) -> Plan:
    """The plan for `scenario`: shipments, trips, unmet need with reasons, KPIs.

    `committed` (area, commodity, units): goods already delivered (e.g. confirmed during an incident);
    they stay delivered: they serve need first (by the service rule, from day 1), the plan covers the
    rest, and the KPIs count both. The scenario's stock must already be net of them."""
    o = options or PlanOptions()
    report = progress or (lambda event: None)
    t0 = time.perf_counter()
    s = scenario
    report({"stage": "needs", "fraction": 0.0})
    full_needs = compute_needs(s)
    committed = _committed(committed)
    needs = _residual(s, full_needs, committed)
    report({"stage": "network", "fraction": 0.0})
    sn = ScenarioNetwork(s, workers=o.routing.workers)
    inst = compile_instance(s, network=sn, needs=needs)
    timings = {"needs_network": time.perf_counter() - t0, "allocation": 0.0, "routing": 0.0}
    cuts: dict[tuple[str, int], float] = {}
    closed: dict[tuple[str, str], str] = {}
    rounds: list[dict] = []
    first_s, best = None, None
    quick = _round_options(o)
    quick_alloc = o.quick_first and o.allocation.max_rounds > 1
    for r in range(o.max_rounds + quick_alloc):
        t = time.perf_counter()
        a_opts = replace(o.allocation, max_rounds=1) if quick_alloc and r == 0 else o.allocation
        alloc = solve_allocation(
            inst,
            replace(a_opts, transport_cuts=tuple((w, d, h) for (w, d), h in sorted(cuts.items()))),
            closed=_closed_mask(inst, closed),
            progress=lambda stage, f, r=r: report(
                {"stage": "allocation", "round": r + 1, "step": stage, "fraction": f}
            ),
        )
        ship = whole_units(s, alloc.shipments, needs) if o.whole_units else alloc.shipments
        timings["allocation"] += time.perf_counter() - t
        t = time.perf_counter()
        routed = route_shipments(s, ship, quick, o.dispatch, sn, _routing_progress(report, r + 1), needs)
        timings["routing"] += time.perf_counter() - t
        if first_s is None:
            first_s = time.perf_counter() - t0
            report({"stage": "first_feasible", "seconds": first_s, "fraction": 1.0})
        score = _score(s, needs, routed)
        if best is None or score < best[0]:
            best = (score, alloc, ship, routed, dict(closed))
        new = _tighten(routed, alloc, ship, cuts, closed)
        rounds.append(_round_record(r + 1, alloc, routed, new, cuts, closed, score))
        if quick_alloc and r == 0:
            cuts.clear()  # measured on another allocation's loads: the full one starts afresh
        elif not new:
            break
    _, alloc, ship, routed, closed = best
    t = time.perf_counter()
    final = route_shipments(s, ship, o.routing, o.dispatch, sn, _routing_progress(report, 0), needs)
    timings["routing"] += time.perf_counter() - t
    if _score(s, needs, final) <= best[0]:
        routed = final
    plan = _assemble(s, full_needs, alloc, routed, closed, o, timings, t0, first_s, rounds, committed)
    report({"stage": "done", "fraction": 1.0})
    return plan


def plan_from_shipments(
    scenario: Scenario,
    shipments: pd.DataFrame,
    options: PlanOptions | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Route given shipments (e.g. a baseline's) and report them as a plan: no allocation rounds.
    Need the shipments leave out is unmet for `not_shipped`; status `partial` when the trips do not
    carry every load, else `feasible`."""
    o = options or PlanOptions()
    report = progress or (lambda event: None)
    t0 = time.perf_counter()
    needs = compute_needs(scenario)
    sn = ScenarioNetwork(scenario, workers=o.routing.workers)
    ship = whole_units(scenario, shipments, needs) if o.whole_units else shipments
    routed = route_shipments(scenario, ship, o.routing, o.dispatch, sn, _routing_progress(report, 0), needs)
    timings = {"routing": time.perf_counter() - t0}
    return _assemble(scenario, needs, None, routed, {}, o, timings, t0, time.perf_counter() - t0, [])


def _routing_progress(report: Progress, round_no: int) -> Progress:
    def relay(event: dict) -> None:
        if "done" in event:
            report(
                {"stage": "routing", "round": round_no, "fraction": event["done"] / max(event["total"], 1)}
            )

    return relay


def _closed_mask(inst: PlanningInstance, closed: dict[tuple[str, str], str]) -> np.ndarray | None:
    """[W, A]: the warehouse-area links closed for routing reasons (None: none)."""
    if not closed:
        return None
    mask = np.zeros((len(inst.warehouses), len(inst.areas)), bool)
    mask[[inst.warehouses[w] for w, _ in closed], [inst.areas[a] for _, a in closed]] = True
    return mask


def _tighten(
    routed: RoutingResult, alloc: AllocationResult, ship: pd.DataFrame, cuts: dict, closed: dict
) -> bool:
    """Add what the routing could not carry as cuts; True when anything new was added.

    A warehouse and delivery day with `fleet_exhausted` loads gets a transport cut: the vehicle hours,
    as the allocation counts them, of the share of each of its links' goods the trips carried."""
    un = routed.unassigned
    if un.empty:
        return False
    new = False
    short = un[un["reason"] == "fleet_exhausted"]
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


def _carried_hours(routed: RoutingResult, alloc: AllocationResult, ship: pd.DataFrame) -> dict:
    """(warehouse, day) -> the allocation's vehicle hours for the share of each link's kg carried."""
    key = ["warehouse", "area", "day"]
    lp_h = alloc.vehicle_loads.assign(h=lambda f: f["loads"] * f["round_trip_h"]).groupby(key)["h"].sum()
    sent = ship.groupby(key)["kg"].sum()
    left = routed.unassigned.groupby(key)["kg"].sum().reindex(sent.index, fill_value=0.0)
    share = ((sent - left) / sent.where(sent > 0)).fillna(0.0).clip(0.0, 1.0)
    h = (lp_h.reindex(sent.index, fill_value=0.0) * share).groupby(level=["warehouse", "day"]).sum()
    return {(str(w), int(d)): float(v) for (w, d), v in h.items()}


def _score(s: Scenario, needs: pd.DataFrame, r: RoutingResult) -> tuple[float, float]:
    """(priority-weighted unmet need, cost) of the plan the routes make: lower is better."""
    delivered = (
        delivered_from_trips(r.trips).groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    )
    w = {g.id: g.priority_weight for g in s.groups}
    un = serve_groups(needs, delivered, w, s.policy.horizon_days).unmet
    return (round(float((un["units"] * un["group"].map(w)).sum()), 6), round(r.kpis["cost"], 2))


def _round_record(no, alloc: AllocationResult, routed: RoutingResult, new: bool, cuts, closed, score) -> dict:
    return {
        "weighted_unmet": score[0],
        "round": no,
        "allocation_status": alloc.status,
        "allocated_kg": round(float(alloc.shipments["kg"].sum()) if len(alloc.shipments) else 0.0, 3),
        "carried_share": round(routed.kpis["kg_carried_share"], 6),
        "uncarried_kg_by_reason": routed.kpis["unassigned_kg_by_reason"],
        "transport_cuts": len(cuts),
        "closed_links": len(closed),
        "tightened": new,
    }


def _committed(committed: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["area", "commodity", "units"]
    if committed is None or committed.empty:
        return pd.DataFrame({"area": [], "commodity": [], "units": []}).astype({"units": float})
    return committed.groupby(["area", "commodity"], as_index=False, sort=True)["units"].sum()[cols]


def _residual(s: Scenario, needs: pd.DataFrame, committed: pd.DataFrame) -> pd.DataFrame:
    """The need left once committed deliveries (counted on day 1) have served it."""
    if committed.empty:
        return needs
    w = {g.id: g.priority_weight for g in s.groups}
    left = serve_groups(needs, committed.assign(day=1), w, s.policy.horizon_days).unmet
    kg = {c.id: c.kg_per_unit for c in s.commodities}
    m3 = {c.id: c.m3_per_unit for c in s.commodities}
    left = left.assign(
        kg=left["units"] * left["commodity"].map(kg), m3=left["units"] * left["commodity"].map(m3)
    )
    order = needs[["area", "commodity", "group", "day"]].reset_index().rename(columns={"index": "order"})
    left = left.merge(order, on=["area", "commodity", "group", "day"], how="left").sort_values("order")
    return left[list(needs.columns)].reset_index(drop=True)


def _assemble(s, needs, alloc, routed, closed, o, timings, t0, first_s, rounds, committed=None) -> Plan:
    trips = routed.trips
    shipments = delivered_from_trips(trips)
    delivered = shipments.groupby(["area", "commodity", "day"], as_index=False)["units"].sum()
    if committed is not None and len(committed):
        delivered = pd.concat([delivered, committed.assign(day=1)], ignore_index=True)
    weights = {g.id: g.priority_weight for g in s.groups}
    service = serve_groups(needs, delivered, weights, s.policy.horizon_days)
    unmet = _with_reasons(service.unmet, alloc, routed.unassigned, closed)
    kpis = plan_kpis(s, needs, trips, service)
    if not routed.unassigned.empty:
        status = "partial"
    else:
        status = "optimal" if alloc is not None and alloc.status == "optimal" else "feasible"
    r = o.routing
    return Plan(
        scenario=s.id,
        scenario_name=s.name,
        status=status,
        seed=r.seed,
        engine=r.engine,
        iterations=r.iterations,
        time_limit_s=r.time_limit_s,
        solve_seconds=round(time.perf_counter() - t0, 3),
        first_feasible_s=round(first_s or 0.0, 3),
        kpis=kpis,
        shipments=shipments,
        trips=trips,
        unmet=unmet,
        rounds=tuple(rounds),
        timings={k: round(v, 3) for k, v in timings.items()},
        committed=committed if committed is not None else _committed(None),
    )


def _with_reasons(unmet: pd.DataFrame, alloc, uncarried: pd.DataFrame, closed: dict) -> pd.DataFrame:
    """One reason per area and commodity: the cause of most of its unmet units, between the
    allocation's (units it could not ship) and the routing's (units shipped but not carried); a link
    closed for routing reasons names that reason where the allocation says `unreachable`; what is left
    only by rounding to whole units is `whole_units` (`not_shipped` for given shipments: no allocation
    to say why)."""
    cols = ["area", "commodity", "group", "day", "units", "reason"]
    if unmet.empty:
        return pd.DataFrame(columns=cols)
    why_closed = {a: r for (_, a), r in sorted(closed.items())}
    cand: dict[tuple[str, str], dict[str, float]] = {}
    if alloc is not None and len(alloc.unmet):
        for (a, c, why), u in alloc.unmet.groupby(["area", "commodity", "reason"])["units"].sum().items():
            why = why_closed.get(a, why) if why == "unreachable" else why
            cand.setdefault((a, c), {})[why] = cand.get((a, c), {}).get(why, 0.0) + u
    if len(uncarried):
        for (a, c, why), u in uncarried.groupby(["area", "commodity", "reason"])["units"].sum().items():
            why = ROUTE_REASON.get(why, why)
            cand.setdefault((a, c), {})[why] = cand.get((a, c), {}).get(why, 0.0) + u
    reason = {k: max(sorted(v.items()), key=lambda kv: kv[1])[0] for k, v in cand.items()}
    keys = list(zip(unmet["area"], unmet["commodity"], strict=True))
    rest = "whole_units" if alloc is not None else "not_shipped"
    out = unmet.assign(reason=[reason.get(k, rest) for k in keys])
    return out[cols].reset_index(drop=True)
