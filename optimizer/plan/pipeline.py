"""`plan_scenario`: needs -> network (damage) -> allocation -> routing -> plan, kept consistent.

Rounds: allocate, round to whole units, route with a short search. Loads the fleet could not carry go
back to the allocation: `fleet_exhausted` loads as a transport cut (the warehouse may spend on that
delivery day at most the vehicle hours, as the allocation counts round trips, of what its trips did
carry: the allocation then moves need to warehouses with transport to spare, or to nearer areas),
`unreachable` and `time_window` loads by closing that warehouse-area link. Cuts only tighten, so the
rounds settle; they stop when a round leaves nothing new to cut or after `max_rounds`. The round whose
routes leave the least priority-weighted unmet need is kept. The first round's routes already make a
feasible plan (its time is reported as `first_feasible_s`). Then the final routing search, with what
the rounds left of the routing time limit (at least half of it; an iteration budget whole), runs on
the kept round's shipments, and replaces its routes unless they leave more
priority-weighted unmet need. Shipments in the plan are what the trips carry; what they do not carry
is unmet, with its reason. Pure and seeded: the same scenario, options, seed and iteration budget give
the same plan.

The scenario is compiled once into a `PlanningInstance` (its network built once), which every round's
allocation and routing read; the plan hands that network on (`Plan.network`) for the exports.
"""

from __future__ import annotations

import time

import pandas as pd

from network import ScenarioNetwork
from scenarios import compute_needs
from scenarios.model import Scenario

from ..instance import compile_instance
from ..progress import Progress, ProgressEvent, no_progress
from .assemble import Outcome, assemble_plan
from .charters import choose_charters
from .options import PlanOptions, final_routing
from .relay import RelayRun, plan_with_hubs
from .relay_inputs import needs_a_day_earlier
from .residual import committed_deliveries, residual_needs
from .result import Plan
from .rounds import RoundContext, route, run_rounds
from .water import water_service
from .whole import whole_units

__all__ = ["PlanOptions", "plan_from_shipments", "plan_scenario"]


def plan_scenario(
    scenario: Scenario,
    options: PlanOptions | None = None,
    progress: Progress | None = None,
    *,
    committed: pd.DataFrame | None = None,
    network: ScenarioNetwork | None = None,
) -> Plan:
    """The plan for `scenario`: shipments, trips, unmet need with reasons, KPIs.

    `committed` (area, commodity, units): goods already delivered (e.g. confirmed during an incident);
    they stay delivered: they serve need first (by the service rule, from day 1), the plan covers the
    rest, and the KPIs count both. The scenario's stock must already be net of them. `network`: the
    scenario's damaged network when already built (a study plans one scenario under several stock
    options on one network); built here otherwise. The plan hands it on as `Plan.network`.

    With hubs in the scenario, goods may change vehicles there (`plan/relay.py`: two more plans when
    the first leaves need a hub could serve). With charters, the plan keeps those worth their cost
    (`plan/charters.py`: that much again for each charter the plan uses)."""
    o = options or PlanOptions()
    sn = network if network is not None else ScenarioNetwork(scenario, workers=o.routing.workers)

    def plan_once(s: Scenario, run: RelayRun) -> Plan:
        done = run.committed if run.committed is not None else None if run.feeder else committed
        return _plan_once(s, o, progress, done, run)

    def plan_with(s: Scenario) -> Plan:
        return plan_with_hubs(s, sn, plan_once)

    return choose_charters(scenario, plan_with) if scenario.charters else plan_with(scenario)


def _plan_once(
    scenario: Scenario,
    o: PlanOptions,
    progress: Progress | None,
    committed: pd.DataFrame | None,
    run: RelayRun,
) -> Plan:
    """One plan of `scenario` with every charter it lists, on `run`'s network, its vehicles first free
    as `run.starts` says (None: at their bases from 00:00 of day 1), for a relay's feeder plan each
    need a day earlier (see `plan_scenario` and `plan/relay.py`)."""
    sn, starts = run.network, run.starts
    report = progress or no_progress
    t0 = time.perf_counter()
    s = scenario
    report(ProgressEvent("needs", fraction=0.0))
    full_needs = compute_needs(s)
    if run.feeder:  # goods at a hub the day before they go on
        full_needs = needs_a_day_earlier(full_needs)
    done = committed_deliveries(committed)
    water = water_service(s, residual_needs(s, full_needs, done))
    needs = residual_needs(s, full_needs, pd.concat([done.assign(day=1), water], ignore_index=True))
    report(ProgressEvent("network", fraction=0.0))
    inst = compile_instance(s, network=sn, needs=needs)
    ctx = RoundContext(inst, needs, o, report, t0, starts)
    timings = {"needs_network": time.perf_counter() - t0, "allocation": 0.0, "routing": 0.0}
    rounds = run_rounds(ctx, timings)
    kept = rounds.kept
    t = time.perf_counter()
    final = route(ctx, kept.shipments, final_routing(o, timings["routing"]), 0)
    timings["routing"] += time.perf_counter() - t
    outcome = Outcome(
        scenario=s,
        needs=full_needs,
        water=water,
        routed=final if final.score <= kept.routed.score else kept.routed,
        alloc=kept.alloc,
        closed=kept.closed,
        committed=done,
        routing=o.routing,
        network=sn,
        rounds=rounds.rounds,
        timings=timings,
        started=t0,
        first_feasible_s=rounds.first_feasible_s,
    )
    plan = assemble_plan(outcome)
    report(ProgressEvent("done", fraction=1.0))
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
    t0 = time.perf_counter()
    s = scenario
    full_needs = compute_needs(s)
    water = water_service(s, full_needs)
    needs = residual_needs(s, full_needs, water)
    sn = ScenarioNetwork(s, workers=o.routing.workers)
    ctx = RoundContext(compile_instance(s, network=sn, needs=needs), needs, o, progress or no_progress, t0)
    ship = whole_units(s, shipments, needs) if o.whole_units else shipments
    routed = route(ctx, ship, o.routing, 0)
    timings = {"routing": time.perf_counter() - t0}
    outcome = Outcome(
        scenario=s,
        needs=full_needs,
        water=water,
        routed=routed,
        alloc=None,
        closed={},
        committed=committed_deliveries(None),
        routing=o.routing,
        network=sn,
        rounds=(),
        timings=timings,
        started=t0,
        first_feasible_s=time.perf_counter() - t0,
    )
    return assemble_plan(outcome)
