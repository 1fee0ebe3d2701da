"""Initial links from a min-cost max flow: where the nearest warehouses run short, link farther ones.

Per commodity, stock (by the horizon's end) flows to need (over the horizon) on the zone-warehouse pairs
a based vehicle reaches within the horizon, at the cost of the fastest travel time: a maximum flow of
minimum cost (OR-Tools' network simplex, milliseconds). It ignores the fleet, throughput, days and
priorities, so it only proposes links: the LP decides what moves. Starting the LP with the links this flow
uses, besides each area's nearest warehouses, leaves the duals less to price: the column generation of
rounds.py ends after two rounds on the benchmark instances instead of three or four.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from .inputs import AllocationInputs

__all__ = ["flow_links"]

MINUTES = 60.0


def flow_links(inp: AllocationInputs) -> dict[int, set[int]]:
    """Area -> warehouses to link besides its candidates: the pairs the min-cost max flow of each
    commodity uses that are not linked yet (each added to every area of the zone it reaches)."""
    W, Z, H = inp.reachable.shape[0], inp.n_zones, inp.horizon
    lags = inp.lags  # [w, a, v]
    in_time = np.asarray(((lags >= 0) & (lags < H)).any(axis=2))  # [w, a]
    best_min = np.where(in_time, inp.time_h.min(axis=2), np.inf) * MINUTES
    cost = np.full((Z, W), np.inf)  # the zone's nearest area, per warehouse
    np.minimum.at(cost, inp.zone_of, best_min.T)
    linked = np.zeros((Z, W), bool)
    linked[inp.l_zone, inp.l_wh] = True
    z_ix, w_ix = np.nonzero(np.isfinite(cost))
    if not len(z_ix):
        return {}
    need_zc = np.zeros((Z, len(inp.commodities)))
    np.add.at(need_zc, inp.zone_of, inp.need.sum(axis=(2, 3)))
    used = np.zeros((Z, W), bool)
    for c in range(len(inp.commodities)):
        supply = np.floor(inp.stock[:, c, -1]).astype(np.int64)
        demand = np.ceil(need_zc[:, c]).astype(np.int64)
        arcs = (supply[w_ix] > 0) & (demand[z_ix] > 0)
        if not arcs.any():
            continue
        flow = _max_flow_min_cost(supply, demand, w_ix[arcs], z_ix[arcs], cost[z_ix[arcs], w_ix[arcs]])
        used[z_ix[arcs][flow > 0], w_ix[arcs][flow > 0]] = True
    out: dict[int, set[int]] = {}
    z_used, w_used = np.nonzero(used & ~linked)
    for z, w in zip(z_used.tolist(), w_used.tolist(), strict=True):
        for a in np.flatnonzero((inp.zone_of == z) & in_time[w]):
            out.setdefault(int(a), set()).add(int(w))
    return out


def _max_flow_min_cost(
    supply: np.ndarray, demand: np.ndarray, tail_w: np.ndarray, head_z: np.ndarray, cost_min: np.ndarray
) -> np.ndarray:
    """Flow per arc of a maximum flow of minimum cost from warehouse supplies to zone demands."""
    W = len(supply)
    smcf = min_cost_flow.SimpleMinCostFlow()
    cap = np.minimum(supply[tail_w], demand[head_z])
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        tail_w.astype(np.int32), (W + head_z).astype(np.int32), cap, np.rint(cost_min).astype(np.int64)
    )
    nodes = np.arange(W + len(demand), dtype=np.int32)
    smcf.set_nodes_supplies(nodes, np.r_[supply, -demand])
    status = smcf.solve_max_flow_with_min_cost()
    if status != smcf.OPTIMAL:
        return np.zeros(len(tail_w), np.int64)
    return smcf.flows(arcs)
