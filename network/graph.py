"""The multimodal network as arrays (for fast matrices) with networkx conversion (for modelling, I/O).

Nodes carry lat/lon; edges carry mode (road, river, ferry, sea, air), road class, length_km, optional
speed_kmh cap or fixed duration_h, weight limit t, one- or two-way, daylight-only. The arrays are
read-only: damage never changes them (see `network.damage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
import numpy.typing as npt

from scenarios.model import MODES, WATER_LEVELS, Edge
from scenarios.model import Network as NetworkModel

from .errors import NetworkError, NodeNotFound

__all__ = ["MODE_CODE", "Network"]

MODE_CODE = {m: i for i, m in enumerate(MODES)}


def _vessel_rules(edges: Iterable[Edge]) -> dict[str, dict[int, frozenset[str]]]:
    rules: dict[str, dict[int, frozenset[str]]] = {level: {} for level in WATER_LEVELS}
    for k, e in enumerate(edges):
        for level in WATER_LEVELS:
            allowed = e.vessels_at(level)
            if allowed is not None:
                rules[level][k] = frozenset(allowed)
    return {level: r for level, r in rules.items() if r}


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Network:
    """Read-only arrays of nodes and edges. Build with `from_model` or `from_networkx`."""

    node_ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    edge_ids: tuple[str, ...]
    src: np.ndarray  # int64 node index
    dst: np.ndarray
    mode: np.ndarray  # int8 code into MODES
    road_class: np.ndarray  # object: str ("" when none)
    length_km: np.ndarray
    speed_kmh: np.ndarray  # nan: no cap
    duration_h: np.ndarray  # nan: from speed
    max_weight_t: np.ndarray  # inf: no limit
    oneway: np.ndarray  # bool
    daylight_only: np.ndarray  # bool
    # per water level: edge index -> the vehicle type ids that may use it (edges with no rule absent)
    vessels: Mapping[str, Mapping[int, frozenset[str]]] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_model(cls, model: NetworkModel) -> Network:
        """Build from the scenario's validated network (nodes and edges)."""
        index = {n.id: i for i, n in enumerate(model.nodes)}
        edges = model.edges
        try:
            src = [index[e.source] for e in edges]
            dst = [index[e.target] for e in edges]
        except KeyError as err:
            raise NodeNotFound(f"edge end {err.args[0]!r} is not a node") from err
        nan = float("nan")
        return cls(
            node_ids=tuple(n.id for n in model.nodes),
            lat=_frozen(np.array([n.lat for n in model.nodes], dtype=float)),
            lon=_frozen(np.array([n.lon for n in model.nodes], dtype=float)),
            edge_ids=tuple(e.id for e in edges),
            src=_frozen(np.array(src, dtype=np.int64)),
            dst=_frozen(np.array(dst, dtype=np.int64)),
            mode=_frozen(np.array([MODE_CODE[e.mode] for e in edges], dtype=np.int8)),
            road_class=_frozen(np.array([e.road_class or "" for e in edges], dtype=object)),
            length_km=_frozen(np.array([e.length_km for e in edges], dtype=float)),
            speed_kmh=_frozen(np.array([e.speed_kmh or nan for e in edges], dtype=float)),
            duration_h=_frozen(
                np.array([nan if e.duration_h is None else e.duration_h for e in edges], float)
            ),
            max_weight_t=_frozen(np.array([e.max_weight_t or np.inf for e in edges], float)),
            oneway=_frozen(np.array([e.oneway for e in edges], dtype=bool)),
            daylight_only=_frozen(np.array([e.daylight_only for e in edges], dtype=bool)),
            vessels=_vessel_rules(edges),
        )

    @classmethod
    def from_arrays(
        cls,
        node_ids: Iterable[str],
        lat: npt.ArrayLike,
        lon: npt.ArrayLike,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        *,
        length_km: npt.ArrayLike,
        edge_ids: tuple[str, ...] | None = None,
        mode: npt.ArrayLike | None = None,
        road_class: npt.ArrayLike | None = None,
        speed_kmh: npt.ArrayLike | None = None,
        duration_h: npt.ArrayLike | None = None,
        max_weight_t: npt.ArrayLike | None = None,
        oneway: npt.ArrayLike | None = None,
        daylight_only: npt.ArrayLike | None = None,
    ) -> Network:
        """Build from plain arrays (benchmarks, imports); missing edge attributes get defaults:
        ids `e0, e1, ...`, mode road, no road class, no speed cap or fixed duration, no weight
        limit, two-way, any time of day."""
        m = len(np.asarray(src))

        def attr(given: npt.ArrayLike | None, default: np.ndarray) -> np.ndarray:
            return _frozen(np.asarray(default if given is None else given))

        return cls(
            node_ids=tuple(node_ids),
            lat=_frozen(np.asarray(lat, float)),
            lon=_frozen(np.asarray(lon, float)),
            edge_ids=tuple(f"e{i}" for i in range(m)) if edge_ids is None else edge_ids,
            src=_frozen(np.asarray(src, np.int64)),
            dst=_frozen(np.asarray(dst, np.int64)),
            mode=attr(mode, np.zeros(m, np.int8)),
            road_class=attr(road_class, np.full(m, "", dtype=object)),
            length_km=_frozen(np.asarray(length_km, float)),
            speed_kmh=attr(speed_kmh, np.full(m, np.nan)),
            duration_h=attr(duration_h, np.full(m, np.nan)),
            max_weight_t=attr(max_weight_t, np.full(m, np.inf)),
            oneway=attr(oneway, np.zeros(m, bool)),
            daylight_only=attr(daylight_only, np.zeros(m, bool)),
        )

    def barred_edges(self, vehicle_type: str, levels: Iterable[str]) -> tuple[int, ...]:
        """Edges whose vessel rule, at one of the water `levels`, leaves `vehicle_type` out."""
        key = ("barred", vehicle_type, tuple(levels))
        if key not in self._cache:
            barred = {
                e
                for level in key[2]
                for e, allowed in self.vessels.get(level, {}).items()
                if vehicle_type not in allowed
            }
            self._cache[key] = tuple(sorted(barred))
        return self._cache[key]

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edge_ids)

    @cached_property
    def node_index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.node_ids)}

    @cached_property
    def edge_index(self) -> dict[str, int]:
        return {e: i for i, e in enumerate(self.edge_ids)}

    def node(self, node_id: str) -> int:
        """Index of `node_id`; raises NodeNotFound."""
        try:
            return self.node_index[node_id]
        except KeyError:
            raise NodeNotFound(f"node {node_id!r} is not in the network") from None

    def to_networkx(self) -> nx.MultiDiGraph:
        """A MultiDiGraph: nodes with lat/lon, one arc per direction an edge can be used, keyed
        by edge id and carrying every edge attribute."""
        g = nx.MultiDiGraph()
        for i, nid in enumerate(self.node_ids):
            g.add_node(nid, lat=float(self.lat[i]), lon=float(self.lon[i]))
        for k, eid in enumerate(self.edge_ids):
            attrs = self._edge_attrs(k)
            u, v = self.node_ids[self.src[k]], self.node_ids[self.dst[k]]
            g.add_edge(u, v, key=eid, **attrs)
            if not self.oneway[k]:
                g.add_edge(v, u, key=eid, **attrs)
        return g

    def _edge_attrs(self, k: int) -> dict:
        def opt(x: float) -> float | None:
            return None if not np.isfinite(x) else float(x)

        return {
            "mode": MODES[self.mode[k]],
            "road_class": self.road_class[k] or None,
            "length_km": float(self.length_km[k]),
            "speed_kmh": opt(self.speed_kmh[k]),
            "duration_h": opt(self.duration_h[k]),
            "max_weight_t": opt(self.max_weight_t[k]),
            "oneway": bool(self.oneway[k]),
            "daylight_only": bool(self.daylight_only[k]),
        }

    @classmethod
    def from_networkx(cls, g: nx.Graph) -> Network:
        """Read a graph whose nodes have lat/lon (or osmnx's y/x) and edges length_km and mode.

        In a directed graph, an arc whose reverse arc has the same key is one two-way edge;
        every other arc is one-way. Edges of an undirected graph are two-way.
        """
        node_ids = [str(n) for n in g.nodes]
        lat, lon = [], []
        for n, data in g.nodes(data=True):
            la, lo = data.get("lat", data.get("y")), data.get("lon", data.get("x"))
            if la is None or lo is None:
                raise NetworkError(f"node {n!r} has no lat/lon (or y/x)")
            lat.append(float(la))
            lon.append(float(lo))
        index = {str(n): i for i, n in enumerate(g.nodes)}
        seen: set = set()
        rows = []
        multi = g.is_multigraph()
        edges = (
            g.edges(keys=True, data=True) if multi else ((u, v, None, d) for u, v, d in g.edges(data=True))
        )
        for u, v, key, data in edges:
            if (v, u, key) in seen and g.is_directed():
                continue
            seen.add((u, v, key))
            two_way = (not g.is_directed()) or (g.has_edge(v, u, key) if multi else g.has_edge(v, u))
            rows.append((u, v, key, data, two_way))
        if "length_km" not in (rows[0][3] if rows else {"length_km": 0}):
            raise NetworkError("edges need a length_km attribute")
        mode_code = []
        for _, _, _, d, _ in rows:
            mode = d.get("mode", "road")
            if mode not in MODE_CODE:
                raise NetworkError(f"edge mode {mode!r} is not one of {', '.join(MODES)}")
            mode_code.append(MODE_CODE[mode])

        def col(name: str, default: float | str | bool) -> list[float | str | bool]:
            return [default if d.get(name) is None else d[name] for _, _, _, d, _ in rows]

        return cls.from_arrays(
            node_ids,
            lat,
            lon,
            [index[str(u)] for u, *_ in rows],
            [index[str(v)] for _, v, *_ in rows],
            length_km=col("length_km", 0.0),
            edge_ids=tuple(
                str(k) if k is not None and not isinstance(k, int) else f"e{i}"
                for i, (_, _, k, _, _) in enumerate(rows)
            ),
            mode=np.array(mode_code, np.int8),
            road_class=np.array(col("road_class", ""), dtype=object),
            speed_kmh=np.array(col("speed_kmh", np.nan), float),
            duration_h=np.array(col("duration_h", np.nan), float),
            max_weight_t=np.array(col("max_weight_t", np.inf), float),
            oneway=np.array([not two for *_, two in rows], bool),
            daylight_only=np.array(col("daylight_only", False), bool),
        )
