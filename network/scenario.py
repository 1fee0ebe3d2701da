"""A scenario's network: its damage applied, its warehouses and areas placed on nodes per vehicle type,
and the travel matrices between them.

Placement: a warehouse or area with a `node` sits there (when the vehicle type can use that node);
otherwise its lat/lon snaps to the nearest node the vehicle type can use, through a KD-tree. The
straight access leg counts at `access_speed_kmh`; a point further than `max_snap_km` from any usable
node cannot be served by that vehicle type. An area listing `modes` is served only by vehicle types
with one of those modes. Edge vessel rules apply at the water levels the policy puts in force over the
horizon (`water_levels`: others, e.g. none for the checker's relaxed view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from scenarios.model import Area, Damage, Scenario, VehicleType, Warehouse

from .damage import apply_damage
from .graph import Network
from .matrices import TravelGraph, TravelMatrix

__all__ = ["Placement", "ScenarioNetwork"]

MAX_SNAP_KM = 10.0
MAX_TRANSFER_KM = 2.0
ACCESS_SPEED_KMH = 20.0


@dataclass(frozen=True)
class Placement:
    """Node index (-1: none within reach) and access distance per warehouse or area."""

    node: np.ndarray
    snap_km: np.ndarray


class ScenarioNetwork:
    """Travel between a scenario's warehouses and areas, per vehicle type, after damage."""

    def __init__(
        self,
        scenario: Scenario,
        damage: list[Damage] | None = None,
        *,
        max_snap_km: float = MAX_SNAP_KM,
        access_speed_kmh: float = ACCESS_SPEED_KMH,
        network: Network | None = None,
        max_transfer_km: float = MAX_TRANSFER_KM,
        workers: int = 1,
        water_levels: tuple[str, ...] | None = None,
    ) -> None:
        self.scenario = scenario
        self.net = network if network is not None else Network.from_model(scenario.network)
        records = scenario.damage if damage is None else damage
        self.damage_records = tuple(records)
        levels = scenario.policy.water_levels if water_levels is None else water_levels
        self.graph = TravelGraph(self.net, apply_damage(self.net, records), levels)
        self.max_snap_km = max_snap_km
        self.max_transfer_km = max_transfer_km
        self.access_speed_kmh = access_speed_kmh
        self._placements: dict[tuple[str, str], Placement] = {}
        self._matrices: dict[tuple[str, str, str, float | None], TravelMatrix] = {}
        self.workers = workers

    @cached_property
    def vehicle_types(self) -> dict[str, VehicleType]:
        return {v.id: v for v in self.scenario.vehicle_types}

    def place(self, vt: VehicleType, kind: str) -> Placement:
        """Where `kind` ("warehouses" or "areas") sit on the network for `vt`."""
        key = (vt.id, kind)
        if key not in self._placements:
            self._placements[key] = self._place(vt, getattr(self.scenario, kind))
        return self._placements[key]

    def _place(self, vt: VehicleType, items: Sequence[Area | Warehouse]) -> Placement:
        usable = np.zeros(self.net.n_nodes, bool)
        usable[self.graph.usable_nodes(vt)] = True
        node = np.full(len(items), -1, np.int64)
        snap = np.full(len(items), np.inf)
        lat = np.full(len(items), np.nan)
        lon = np.full(len(items), np.nan)
        reach = np.full(len(items), self.max_snap_km)
        for i, item in enumerate(items):
            if item.node is not None:
                k = self.net.node(item.node)
                if usable[k]:
                    node[i], snap[i] = k, 0.0
                    continue
                lat[i], lon[i] = self.net.lat[k], self.net.lon[k]
                reach[i] = self.max_transfer_km
            else:
                lat[i], lon[i] = item.lat, item.lon
        todo = np.flatnonzero(node < 0)
        if len(todo):
            nearest, km = self.graph.snap(vt, lat[todo], lon[todo])
            ok = km <= reach[todo]
            node[todo[ok]], snap[todo[ok]] = nearest[ok], km[ok]
        for i, item in enumerate(items):
            if isinstance(item, Area) and item.modes is not None and not set(item.modes) & set(vt.modes):
                node[i], snap[i] = -1, np.inf
        return Placement(node, snap)

    def matrix(self, vt: VehicleType, rows: str, cols: str, limit_h: float | None = None) -> TravelMatrix:
        """Fastest hours and km between `rows` and `cols` ("warehouses" or "areas") for `vt`,
        access legs included; unreachable pairs are inf. Computed once per network (read-only arrays;
        `workers` > 1 forks that many processes for the shortest paths)."""
        key = (vt.id, rows, cols, limit_h)
        if key not in self._matrices:
            m = self._matrix(vt, rows, cols, limit_h)
            for a in (m.time_h, m.distance_km, m.modes):
                a.setflags(write=False)
            self._matrices[key] = m
        return self._matrices[key]

    def _matrix(self, vt: VehicleType, rows: str, cols: str, limit_h: float | None) -> TravelMatrix:
        pr, pc = self.place(vt, rows), self.place(vt, cols)
        ids_r = tuple(x.id for x in getattr(self.scenario, rows))
        ids_c = tuple(x.id for x in getattr(self.scenario, cols))
        time = np.full((len(ids_r), len(ids_c)), np.inf)
        dist = np.full_like(time, np.inf)
        modes = np.zeros(time.shape, np.int64)
        r_ok, c_ok = np.flatnonzero(pr.node >= 0), np.flatnonzero(pc.node >= 0)
        if len(r_ok) and len(c_ok):
            t, d, m = self.graph.matrix(
                vt, pr.node[r_ok], pc.node[c_ok], limit_h=limit_h, workers=self.workers
            )
            access = pr.snap_km[r_ok][:, None] + pc.snap_km[c_ok][None, :]
            time[np.ix_(r_ok, c_ok)] = t + access / self.access_speed_kmh
            dist[np.ix_(r_ok, c_ok)] = d + access
            modes[np.ix_(r_ok, c_ok)] = m
            if limit_h is not None:
                time[time > limit_h] = np.inf
        dist[~np.isfinite(time)] = np.inf
        return TravelMatrix(vt.id, ids_r, ids_c, time, dist, modes)

    def path_edges(self, vt: VehicleType, a: tuple[str, str], b: tuple[str, str]) -> list[str]:
        """Edge ids of the fastest path for `vt` from place `a` to place `b`, each a (kind, id) pair
        with kind "warehouses" or "areas" (empty when unreachable or when they share a node)."""
        ends = []
        for kind, item_id in (a, b):
            ids = [x.id for x in getattr(self.scenario, kind)]
            ends.append(int(self.place(vt, kind).node[ids.index(item_id)]))
        if min(ends) < 0:
            return []
        nodes = self.graph.path(vt, ends[0], ends[1])
        return [self.net.edge_ids[e] for e in self.graph.path_edges(vt, nodes)] if len(nodes) > 1 else []

    def warehouse_to_area(self, limit_h: float | None = None) -> dict[str, TravelMatrix]:
        """Per vehicle type: warehouses x areas."""
        return {v.id: self.matrix(v, "warehouses", "areas", limit_h) for v in self.scenario.vehicle_types}

    def area_to_area(self, limit_h: float | None = None) -> dict[str, TravelMatrix]:
        """Per vehicle type: areas x areas."""
        return {v.id: self.matrix(v, "areas", "areas", limit_h) for v in self.scenario.vehicle_types}
