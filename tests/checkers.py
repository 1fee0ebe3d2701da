"""Independent checkers: recompute from the scenario model, sharing no code with the solvers."""

from __future__ import annotations

import itertools
import math

from scenarios.model import Edge, Scenario, VehicleType


def edge_time_h(edge: Edge, vt: VehicleType, damage=()) -> float:
    """Hours for `vt` on `edge` by the documented rules, or inf when it may not pass."""
    if edge.mode not in vt.modes:
        return math.inf
    if edge.mode == "road" and vt.road_classes is not None and edge.road_class not in vt.road_classes:
        return math.inf
    limit = edge.max_weight_t if edge.max_weight_t is not None else math.inf
    factor = 1.0
    for d in damage:
        if d.edge == edge.id:
            if d.effect == "closed":
                return math.inf
            if d.effect == "degraded":
                factor *= d.speed_factor
            if d.effect == "weight_limit":
                limit = min(limit, d.max_weight_t)
    if vt.weight_t > limit:
        return math.inf
    if edge.duration_h is not None:
        return max(edge.duration_h, 1e-9) / factor
    speed = vt.speed_kmh
    if edge.mode == "road" and edge.road_class in vt.class_speed_kmh:
        speed = vt.class_speed_kmh[edge.road_class]
    if edge.speed_kmh is not None:
        speed = min(speed, edge.speed_kmh)
    return max(edge.length_km / speed, 1e-9) / factor


def path_time_h(s: Scenario, vt: VehicleType, node_ids: list[str], damage=()) -> float:
    """Sum over consecutive nodes of the fastest edge usable in that direction."""
    total = 0.0
    for u, v in itertools.pairwise(node_ids):
        best = math.inf
        for e in s.network.edges:
            forward = e.source == u and e.target == v
            backward = e.source == v and e.target == u and not e.oneway
            if forward or backward:
                best = min(best, edge_time_h(e, vt, damage))
        total += best
    return total


def networkx_times(s: Scenario, vt: VehicleType, source: str, damage=()) -> dict[str, float]:
    """Fastest hours from `source` to every node with networkx's Dijkstra (the oracle)."""
    import networkx as nx

    g = nx.DiGraph()
    for e in s.network.edges:
        t = edge_time_h(e, vt, damage)
        if not math.isfinite(t):
            continue
        arcs = [(e.source, e.target)] if e.oneway else [(e.source, e.target), (e.target, e.source)]
        for u, v in arcs:
            if not g.has_edge(u, v) or g[u][v]["t"] > t:
                g.add_edge(u, v, t=t)
    if source not in g:
        return {source: 0.0}
    return nx.single_source_dijkstra_path_length(g, source, weight="t")
