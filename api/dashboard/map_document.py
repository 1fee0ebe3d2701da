"""A scenario's map document (what the dashboard's map draws), as the scenario stands (an incident's
updates applied by the caller): the scenario's header, bounds, the network's nodes and links, the
damaged links with the records behind them, areas with people and need by PMKS group, warehouses with
stock and fleet, and the groups, commodities and vehicle types the page labels them with."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from network import Network, apply_damage, edges_hit
from scenarios import Scenario, compute_needs
from scenarios.model import MODES

__all__ = ["build_map", "fleet_by_warehouse"]

Where = Callable[[Any], tuple[float | None, float | None]]


def _round(x: float | None, nd: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def build_map(scenario: Scenario) -> dict[str, Any]:
    """The map document of a scenario (as updates left it): places, network, damage, need."""
    net = Network.from_model(scenario.network)
    where = _locator(net)
    areas = _areas(scenario, where)
    warehouses = _warehouses(scenario, where)
    placed = [
        (lat, lon)
        for p in (*areas, *warehouses)
        if (lat := p["lat"]) is not None and (lon := p["lon"]) is not None
    ]
    bounds = _bounds(placed)
    area_points = [(a["lat"], a["lon"]) for a in areas if a["lat"] is not None]
    return {
        "scenario": {
            "id": scenario.id,
            "name": scenario.name,
            "description": scenario.description,
            "horizon_days": scenario.policy.horizon_days,
            "day_start_h": scenario.policy.day_start_h,
            "start": None if scenario.policy.start is None else scenario.policy.start.isoformat(),
        },
        "bounds": bounds,
        "area_bounds": _bounds(area_points) if area_points else bounds,
        "nodes": _nodes(net, scenario),
        "edges": _edges(net),
        "damage": _damage(net, scenario),
        "areas": areas,
        "warehouses": warehouses,
        **_labels(scenario),
    }


def _locator(net: Network) -> Where:
    """Where a place is: its own lat/lon, else its network node's, else (None, None)."""
    node_index = net.node_index

    def where(item: Any) -> tuple[float | None, float | None]:
        if item.lat is not None:
            return item.lat, item.lon
        if item.node and item.node in node_index:
            k = node_index[item.node]
            return float(net.lat[k]), float(net.lon[k])
        return None, None

    return where


def _bounds(points: list[tuple[float, float]]) -> list[float] | None:
    """[west, south, east, north] of (lat, lon) points; None when there are none."""
    if not points:
        return None
    return [
        min(x[1] for x in points),
        min(x[0] for x in points),
        max(x[1] for x in points),
        max(x[0] for x in points),
    ]


def _areas(scenario: Scenario, where: Where) -> list[dict[str, Any]]:
    needs = _needs(scenario)
    areas = []
    for a in scenario.areas:
        lat, lon = where(a)
        areas.append(
            {
                "id": a.id,
                "name": a.name,
                "code": a.code,
                "kind": a.kind,
                "kab_code": a.kab_code,
                "lat": _round(lat),
                "lon": _round(lon),
                "people": {g: round(n, 1) for g, n in a.people.items()},
                "total_people": round(a.total_people, 1),
                "displaced_share": a.displaced_share,
                "access_window_h": a.access_window_h,
                "modes": a.modes,
                "need_kg": needs[a.id]["kg"],
                "need_by_group_kg": needs[a.id]["by_group_kg"],
                "need_by_commodity": needs[a.id]["by_commodity"],
            }
        )
    return areas


def _needs(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Per area over the horizon: need in kg, kg by group, units by commodity."""
    needs = compute_needs(scenario)
    out: dict[str, dict[str, Any]] = {
        a.id: {"kg": 0.0, "by_group_kg": {}, "by_commodity": {}} for a in scenario.areas
    }
    if needs.empty:
        return out
    for area, kg in needs.groupby("area")["kg"].sum().items():
        out[str(area)]["kg"] = round(float(kg), 1)
    for (area, group), kg in needs.groupby(["area", "group"])["kg"].sum().items():
        out[str(area)]["by_group_kg"][str(group)] = round(float(kg), 1)
    for (area, commodity), units in needs.groupby(["area", "commodity"])["units"].sum().items():
        out[str(area)]["by_commodity"][str(commodity)] = round(float(units), 1)
    return out


def fleet_by_warehouse(scenario: Scenario) -> dict[str, dict[str, int]]:
    """warehouse -> vehicle type -> vehicles, summed over the fleet lines (as routing counts them,
    optimizer/routing/dispatch.py): two lines for one warehouse and type add up. Types with no
    vehicles are left out."""
    fleet: dict[str, dict[str, int]] = {}
    for f in scenario.fleet:
        if f.count:
            types = fleet.setdefault(f.warehouse, {})
            types[f.vehicle_type] = types.get(f.vehicle_type, 0) + f.count
    return fleet


def _warehouses(scenario: Scenario, where: Where) -> list[dict[str, Any]]:
    fleet = fleet_by_warehouse(scenario)
    warehouses = []
    for w in scenario.warehouses:
        lat, lon = where(w)
        warehouses.append(
            {
                "id": w.id,
                "name": w.name,
                "operator": w.operator,
                "kind": w.kind,
                "lat": _round(lat),
                "lon": _round(lon),
                "stock": w.stock,
                "arrivals": [x.model_dump() for x in scenario.arrivals_of(w)],
                "fleet": fleet.get(w.id, {}),
                "throughput_t_per_day": w.throughput_t_per_day,
            }
        )
    return warehouses


def _nodes(net: Network, scenario: Scenario) -> dict[str, list]:
    return {
        "id": list(net.node_ids),
        "lon": [round(float(x), 6) for x in net.lon],
        "lat": [round(float(x), 6) for x in net.lat],
        "name": [n.name for n in scenario.network.nodes],
    }


def _edges(net: Network) -> dict[str, list]:
    return {
        "id": list(net.edge_ids),
        "source": net.src.tolist(),
        "target": net.dst.tolist(),
        "mode": [MODES[int(m)] for m in net.mode],
        "road_class": [c or None for c in net.road_class],
        "length_km": [round(float(x), 2) for x in net.length_km],
    }


def _damage(net: Network, scenario: Scenario) -> list[dict[str, Any]]:
    """Per damaged link: combined effect (as the planner applies it) and the records behind it."""
    state = apply_damage(net, scenario.damage)
    records: dict[int, list[dict[str, Any]]] = {}
    for d in scenario.damage:
        for e in edges_hit(net, d).tolist():
            records.setdefault(int(e), []).append(
                {
                    "id": d.id,
                    "effect": d.effect,
                    "speed_factor": d.speed_factor,
                    "max_weight_t": d.max_weight_t,
                    "probability": d.probability,
                    "note": d.note,
                    "update": bool(d.id and d.id.startswith("update-")),
                }
            )
    out = []
    for k, e in enumerate(state.edges.tolist()):
        closed = bool(state.closed[k])
        factor = float(state.speed_factor[k])
        weight = _round(float(state.max_weight_t[k]), 3)
        out.append(
            {
                "edge": net.edge_ids[e],
                "state": "closed" if closed else ("degraded" if factor < 1 else "weight_limit"),
                "speed_factor": round(factor, 4),
                "max_weight_t": weight,
                "probability": max(r["probability"] for r in records.get(e, [{"probability": 1.0}])),
                "records": records.get(e, []),
            }
        )
    return out


def _labels(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """The groups, commodities and vehicle types the page names things with."""
    return {
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "name_en": g.name_en,
                "kind": g.kind,
                "priority_weight": g.priority_weight,
            }
            for g in scenario.groups
        ],
        "commodities": [
            {"id": c.id, "name": c.name, "name_en": c.name_en, "unit": c.unit, "kg_per_unit": c.kg_per_unit}
            for c in scenario.commodities
        ],
        "vehicle_types": [
            {"id": v.id, "name": v.name, "name_en": v.name_en, "modes": v.modes, "capacity_kg": v.capacity_kg}
            for v in scenario.vehicle_types
        ],
    }
