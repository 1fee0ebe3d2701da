"""Which vehicle types reach each area from which warehouses, how fast, by which modes; which areas
are isolated, and which damaged edges cut them off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TypedDict

import numpy as np

from scenarios.model import MODES, Scenario

from .scenario import ScenarioNetwork

__all__ = ["AreaReach", "AreaReachDict", "ReachedFrom", "based_vehicle_types", "reachability"]


class ReachedFrom(TypedDict):
    """One way to reach an area: a warehouse and vehicle type, fastest hours and km."""

    warehouse: str
    vehicle_type: str
    time_h: float
    distance_km: float


class AreaReachDict(TypedDict):
    """`AreaReach.to_dict()`: the record as plain data (JSON-ready)."""

    area: str
    name: str
    isolated: bool
    modes: list[str]
    river_or_air_only: bool
    reachable_from: list[ReachedFrom]
    cut_edges: list[str]


@dataclass(frozen=True)
class AreaReach:
    """One area's reachability; `reachable_from` is sorted by time."""

    area: str
    name: str
    isolated: bool
    modes: list[str]
    river_or_air_only: bool
    reachable_from: list[ReachedFrom] = field(default_factory=list)
    cut_edges: list[str] = field(default_factory=list)

    def to_dict(self) -> AreaReachDict:
        """The record as plain data (copies: changing it leaves the record alone)."""
        return {
            "area": self.area,
            "name": self.name,
            "isolated": self.isolated,
            "modes": list(self.modes),
            "river_or_air_only": self.river_or_air_only,
            "reachable_from": [r.copy() for r in self.reachable_from],
            "cut_edges": list(self.cut_edges),
        }


def based_vehicle_types(scenario: Scenario) -> list[tuple[str, str]]:
    """(warehouse, vehicle type) pairs with vehicles; every pair when the scenario has no fleet."""
    if not scenario.fleet:
        return [(w.id, v.id) for w in scenario.warehouses for v in scenario.vehicle_types]
    seen = dict.fromkeys((f.warehouse, f.vehicle_type) for f in scenario.fleet if f.count > 0)
    return list(seen)


def reachability(scenario: Scenario, sn: ScenarioNetwork | None = None) -> list[AreaReach]:
    """One record per area, in the scenario's order."""
    sn = sn or ScenarioNetwork(scenario)
    pairs = based_vehicle_types(scenario)
    w_index = {w.id: i for i, w in enumerate(scenario.warehouses)}
    mats = sn.warehouse_to_area()
    out: list[AreaReach] = []
    isolated_idx: list[int] = []
    for a, area in enumerate(scenario.areas):
        found: list[ReachedFrom] = []
        modes = 0
        for wid, vid in pairs:
            m = mats[vid]
            t = m.time_h[w_index[wid], a]
            if np.isfinite(t):
                found.append(
                    {
                        "warehouse": wid,
                        "vehicle_type": vid,
                        "time_h": round(float(t), 3),
                        "distance_km": round(float(m.distance_km[w_index[wid], a]), 3),
                    }
                )
                modes |= int(m.modes[w_index[wid], a])
        found.sort(key=lambda r: (r["time_h"], r["warehouse"], r["vehicle_type"]))
        names = [md for k, md in enumerate(MODES) if modes >> k & 1]
        land = {"road", "ferry", "sea"}
        out.append(
            AreaReach(
                area=area.id,
                name=area.name,
                isolated=not found,
                modes=names,
                river_or_air_only=bool(found) and not (set(names) & land),
                reachable_from=found,
            )
        )
        if not found:
            isolated_idx.append(a)
    if isolated_idx and sn.damage_records:
        cuts = _cut_edges(scenario, sn, pairs, isolated_idx)
        out = [
            AreaReach(**{**asdict(r), "cut_edges": cuts.get(k, [])}) if r.isolated else r
            for k, r in enumerate(out)
        ]
    return out


def _cut_edges(
    scenario: Scenario, sn: ScenarioNetwork, pairs: Sequence[tuple[str, str]], areas: list[int]
) -> dict[int, list[str]]:
    """Damaged edges on the undamaged fastest paths to each isolated area."""
    intact = ScenarioNetwork(
        scenario,
        damage=[],
        max_snap_km=sn.max_snap_km,
        access_speed_kmh=sn.access_speed_kmh,
        network=sn.net,
        max_transfer_km=sn.max_transfer_km,
    )
    touched = {int(e) for e in sn.graph.damage.edges}
    w_index = {w.id: i for i, w in enumerate(scenario.warehouses)}
    out: dict[int, list[str]] = {}
    for a in areas:
        cut: set[str] = set()
        for wid, vid in pairs:
            vt = sn.vehicle_types[vid]
            src = intact.place(vt, "warehouses").node[w_index[wid]]
            dst = intact.place(vt, "areas").node[a]
            if src < 0 or dst < 0:
                continue
            nodes = intact.graph.path(vt, int(src), int(dst))
            if len(nodes) < 2:
                continue
            damaged_times = sn.graph.edge_times(vt)
            for e in intact.graph.path_edges(vt, nodes):
                if e in touched and not np.isfinite(damaged_times[e]):
                    cut.add(sn.net.edge_ids[e])
        out[a] = sorted(cut)
    return out
