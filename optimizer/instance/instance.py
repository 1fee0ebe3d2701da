"""`PlanningInstance`: a validated scenario compiled once into what every solver stage reads.

It holds, as frozen numpy arrays: the index maps (ids in scenario order and their positions), the fleet
per (warehouse, vehicle type) with the duty rules, the travel arrays per vehicle type, the priority
weights, kg and m3 per unit, stock by day, throughput, and the needs to plan for. Allocation, the
baseline, routing set-up, the KPIs and the stockpile study's cases take it instead of re-deriving
these from the scenario.

Who may change what: nobody changes an instance. A round of the plan passes what it learned beside it
(closed warehouse-area links as a mask, transport cuts); `TravelArrays.closed` gives the travel with a
mask applied as a new object. The plan checker does not read an instance: it recomputes everything
from the scenario, so that it stays an independent check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from network import ScenarioNetwork, TravelMatrix
from scenarios import compute_needs
from scenarios.model import Scenario

from .fleet import Fleet, fleet_of
from .index import Index
from .needs import NeedTable, need_table
from .travel import TravelArrays, travel_of

__all__ = ["PlanningInstance", "compile_instance", "stock_by_day"]


@dataclass(frozen=True, eq=False)
class PlanningInstance:
    """One scenario, compiled. `W` warehouses, `A` areas, `C` commodities, `G` groups, `V` vehicle
    types, `H` days (`days`: the horizon, or the last day of need when later)."""

    scenario: Scenario
    network: ScenarioNetwork | None  # None only for instances compiled from given travel matrices
    areas: Index
    warehouses: Index
    commodities: Index
    groups: Index
    vehicle_types: Index
    horizon_days: int  # the policy's horizon
    days: int  # H
    kg_per_unit: np.ndarray  # [C]
    m3_per_unit: np.ndarray  # [C]
    group_weight: np.ndarray  # [G] priority weight
    stock: np.ndarray  # [W, C, H] units available from that day on (initial stock plus arrivals)
    throughput_t: np.ndarray  # [W] tonnes a day (inf: no limit)
    fleet: Fleet
    travel: TravelArrays
    needs: NeedTable


def stock_by_day(s: Scenario, horizon: int) -> np.ndarray:
    """[warehouse, commodity, day]: units available from that day on (initial stock plus arrivals)."""
    c_ix = {c.id: i for i, c in enumerate(s.commodities)}
    stock = np.zeros((len(s.warehouses), len(s.commodities), horizon))
    for i, w in enumerate(s.warehouses):
        for c, u in w.stock.items():
            stock[i, c_ix[c], :] += u
        for arr in s.arrivals_of(w):
            if arr.day <= horizon:
                stock[i, c_ix[arr.commodity], arr.day - 1 :] += arr.units
    return stock


def compile_instance(
    scenario: Scenario,
    *,
    network: ScenarioNetwork | None = None,
    needs: pd.DataFrame | None = None,
    travel: Mapping[str, TravelMatrix] | None = None,
    travel_limit_h: float | None = None,
    workers: int = 1,
) -> PlanningInstance:
    """Compile `scenario` (validated) for planning. `network`: its damaged network when already built
    (else built here, its shortest paths on `workers` processes); `needs`: the need to plan for (by
    default `compute_needs(scenario)`; a re-plan passes what is left after confirmed deliveries);
    `travel`: warehouse-to-area matrices per vehicle type to use instead of the network's (generated
    benchmark instances that have no network; then no network is built unless given);
    `travel_limit_h`: leave out paths longer than this (a stockpile study's response time)."""
    s = scenario
    sn = network if network is not None or travel is not None else ScenarioNetwork(s, workers=workers)
    needs = compute_needs(s) if needs is None else needs
    idx = {
        "areas": Index(tuple(a.id for a in s.areas)),
        "warehouses": Index(tuple(w.id for w in s.warehouses)),
        "commodities": Index(tuple(c.id for c in s.commodities)),
        "groups": Index(tuple(g.id for g in s.groups)),
        "vehicle_types": Index(tuple(v.id for v in s.vehicle_types)),
    }
    horizon = s.policy.horizon_days
    days = max(int(needs["day"].max()) if len(needs) else horizon, horizon)
    weights = _frozen(np.array([g.priority_weight for g in s.groups], float))
    fleet = fleet_of(s, idx["warehouses"], idx["vehicle_types"], _warehouse_reach(s, sn))
    throughput = [np.inf if w.throughput_t_per_day is None else w.throughput_t_per_day for w in s.warehouses]
    return PlanningInstance(
        scenario=s,
        network=sn,
        **idx,
        horizon_days=horizon,
        days=days,
        kg_per_unit=_frozen(np.array([c.kg_per_unit for c in s.commodities])),
        m3_per_unit=_frozen(np.array([c.m3_per_unit for c in s.commodities])),
        group_weight=weights,
        stock=_frozen(stock_by_day(s, days)),
        throughput_t=_frozen(np.array(throughput)),
        fleet=fleet,
        travel=travel_of(s, fleet.loadable, network=sn, given=travel, limit_h=travel_limit_h),
        needs=need_table(
            needs,
            areas=idx["areas"],
            commodities=idx["commodities"],
            groups=idx["groups"],
            days=days,
        ),
    )


def _warehouse_reach(s: Scenario, sn: ScenarioNetwork | None) -> np.ndarray | None:
    """[W, W, V]: hours a vehicle of the type drives from one warehouse to the other (None without a
    network, or when the fleet is not pooled: not needed)."""
    if sn is None or s.policy.fleet != "pooled" or not s.vehicle_types:
        return None
    return np.stack([sn.matrix(v, "warehouses", "warehouses").time_h for v in s.vehicle_types], axis=2)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
