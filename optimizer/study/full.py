"""Evaluate options with the full planning models instead of the response LP: `allocation` runs the
day-by-day allocation (fleet hours, throughput, lead times, lexicographic stages) on every scenario
with the option's stock; `plan` runs the whole plan pipeline (allocation and vehicle routing, with a
small routing budget). Slower by two to three orders of magnitude; the optimiser still fits on the
response LP, so these modes check its answer on richer models.

The option's stock replaces the warehouses' stock (sites not in the option hold nothing; arrivals are
dropped); only the study's commodities count. Stock at a site moves on the vehicles based there (a new
site's `fleet` in the study file). Arrival hours of a delivery: (day - 1) x 24 plus the fastest based
vehicle's one-way hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from network import Network, ScenarioNetwork, TravelMatrix
from scenarios.model import Scenario
from scenarios.needs import compute_needs

from ..allocation import AllocationOptions, solve_allocation
from ..instance import PlanningInstance, compile_instance
from .cases import person_days_per_unit
from .evaluate import CaseSettings, Outcome, mean_and_p90

__all__ = ["FullTask", "evaluate_full_chunk", "outcome_from_frames", "with_stock"]


@dataclass(frozen=True)
class FullTask:
    scenarios: tuple[Scenario, ...]
    settings: CaseSettings
    stocks: tuple[np.ndarray, ...]  # per scenario: [O, W, C]
    mode: str = "allocation"  # or "plan"
    routing_iterations: int = 200


def with_stock(s: Scenario, sites: Sequence[str], commodities: Sequence[str], stock: np.ndarray) -> Scenario:
    """`s` with the option's stock in place of every warehouse's own."""
    w_ix = {w: i for i, w in enumerate(sites)}
    warehouses = tuple(
        w.model_copy(
            update={
                "stock": {
                    c: float(stock[w_ix[w.id], k])
                    for k, c in enumerate(commodities)
                    if w.id in w_ix and stock[w_ix[w.id], k] > 0
                },
                "arrivals": (),
            }
        )
        for w in s.warehouses
    )
    return s.model_copy(update={"warehouses": warehouses})


def evaluate_full_chunk(task: FullTask) -> list[list[Outcome]]:
    """For each scenario of the task, each option's outcome under the full model."""
    nets: dict[int, Network] = {}
    out = []
    st = task.settings
    for s, stocks in zip(task.scenarios, task.stocks, strict=True):
        key = id(s.network)
        if key not in nets:
            nets[key] = Network.from_model(s.network)
        needs = compute_needs(s)
        needs = needs[needs["commodity"].isin(set(st.commodities))].reset_index(drop=True)
        sn = ScenarioNetwork(s, network=nets[key])  # the options change stock only: one network
        travel = sn.warehouse_to_area()
        row = []
        for stock in stocks:
            s_o = with_stock(s, st.sites, st.commodities, stock)
            shipments, unmet = _solve(compile_instance(s_o, network=sn, needs=needs), task, st.seed)
            row.append(
                outcome_from_frames(
                    s_o, st.commodities, needs, unmet=unmet, shipments=shipments, travel=travel
                )
            )
        out.append(row)
    return out


def _solve(inst: PlanningInstance, task: FullTask, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shipments, unmet) of the allocation, or of the plan, of `inst`."""
    if task.mode == "allocation":
        # each worker of the study's executor has one core: no second solver thread
        r = solve_allocation(inst, AllocationOptions(overlap=False))
        return r.shipments, r.unmet
    from ..plan import PlanOptions, plan_scenario
    from ..routing.engine import RoutingOptions

    opts = PlanOptions(
        routing=RoutingOptions(time_limit_s=None, iterations=task.routing_iterations, seed=seed),
        allocation=AllocationOptions(overlap=False),
        max_rounds=1,
    )
    p = plan_scenario(inst.scenario, opts, network=inst.network)
    return p.shipments_frame, p.unmet_frame


def outcome_from_frames(
    s: Scenario,
    commodities: Sequence[str],
    needs: pd.DataFrame,
    *,
    unmet: pd.DataFrame,
    shipments: pd.DataFrame,
    travel: Mapping[str, TravelMatrix],
) -> Outcome:
    """The study's measures of an allocation or plan: its needs, unmet and shipments tables."""
    groups = [g.id for g in s.groups]
    weight = {g.id: g.priority_weight for g in s.groups}
    pdu = person_days_per_unit(s, s.policy.horizon_days)
    value = needs["commodity"].map(pdu).to_numpy(float)
    need_g = pd.Series(needs["units"].to_numpy() * value).groupby(needs["group"].to_numpy()).sum()
    un = unmet[unmet["commodity"].isin(set(commodities))]
    u_value = un["commodity"].map(pdu).to_numpy(float)
    unmet_g = pd.Series(un["units"].to_numpy() * u_value).groupby(un["group"].to_numpy()).sum()
    need_c = needs.groupby("commodity")["units"].sum()
    unmet_c = un.groupby("commodity")["units"].sum()
    weighted = float((un["units"].to_numpy() * u_value * un["group"].map(weight).to_numpy(float)).sum())
    mean_h, p90_h = _arrivals(s, shipments, travel, pdu)
    return Outcome(
        weighted_unmet=weighted,
        need_pd=float(need_g.sum()),
        unmet_pd=float(unmet_g.sum()),
        need_pd_by_group=need_g.reindex(groups, fill_value=0.0).to_numpy(float),
        unmet_pd_by_group=unmet_g.reindex(groups, fill_value=0.0).to_numpy(float),
        need_by_commodity=need_c.reindex(list(commodities), fill_value=0.0).to_numpy(float),
        unmet_by_commodity=unmet_c.reindex(list(commodities), fill_value=0.0).to_numpy(float),
        mean_arrival_h=mean_h,
        p90_arrival_h=p90_h,
        status="optimal",
    )


def _arrivals(
    s: Scenario,
    shipments: pd.DataFrame | None,
    travel: Mapping[str, TravelMatrix],
    pdu: Mapping[str, float],
) -> tuple[float, float]:
    if shipments is None or not len(shipments):
        return float("nan"), float("nan")
    w_ix = {w.id: i for i, w in enumerate(s.warehouses)}
    a_ix = {a.id: i for i, a in enumerate(s.areas)}
    based = {(f.warehouse, f.vehicle_type) for f in s.fleet if f.count > 0}
    best = np.full((len(s.warehouses), len(s.areas)), np.inf)
    for vt, m in travel.items():
        ok = np.array([(w.id, vt) in based for w in s.warehouses])
        best = np.minimum(best, np.where(ok[:, None], m.time_h, np.inf))
    hours = best[shipments["warehouse"].map(w_ix).to_numpy(), shipments["area"].map(a_ix).to_numpy()]
    hours = hours + (shipments["day"].to_numpy(float) - 1) * 24.0
    wt = shipments["units"].to_numpy(float) * shipments["commodity"].map(pdu).fillna(1.0).to_numpy(float)
    return mean_and_p90(hours, wt)
