"""Travel-time and distance matrices, paths and snapping on a (damaged) network, per vehicle type.

One CSR graph is built per vehicle type and damage state and cached; matrices run
`scipy.sparse.csgraph.dijkstra` from batches of source nodes, keep only the target columns, and honour
`limit_h`. Distances are those of the fastest path, recovered by walking the shortest-path trees back
from the targets (vectorized over all source-target pairs of a batch).
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal, TypeAlias, TypedDict

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from scenarios.jsontypes import JSONValue
from scenarios.model import MODES, VehicleType

from .damage import DamageState
from .graph import Network
from .spatial import NodeSnapper
from .travel import VehicleKey, edge_times_h, vehicle_key

__all__ = ["DAYLIGHT_BIT", "LineStringFeature", "NodeIndices", "TravelGraph", "TravelMatrix"]

# node indices into a `Network`: a sequence of ints or an integer array
NodeIndices: TypeAlias = Sequence[int] | npt.NDArray[np.integer]


class LineStringGeometry(TypedDict):
    type: Literal["LineString"]
    coordinates: list[list[float]]  # [lon, lat] per node


class LineStringFeature(TypedDict):
    """A GeoJSON Feature of a path (`TravelGraph.path_geojson`)."""

    type: Literal["Feature"]
    geometry: LineStringGeometry
    properties: dict[str, JSONValue]


NO_PRED = -9999
BATCH_BYTES = 256 * 2**20
_SHARED: dict[int, TravelGraph] = {}


def _matrix_chunk(job):
    token, vt, rows, targets, limit_h, with_distance = job
    return _SHARED[token]._serial(vt, rows, targets, limit_h, with_distance, None)


DAYLIGHT_BIT = 1 << len(MODES)  # in a path's mode mask: a daylight-only edge on the path


@dataclass(frozen=True)
class TravelMatrix:
    """Fastest-path hours and km from `sources` (rows) to `targets` (columns) for one vehicle type;
    `modes` is a bit mask (bit i = MODES[i]) of the modes on each fastest path, with `DAYLIGHT_BIT`
    set where the path uses a daylight-only edge."""

    vehicle_type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    time_h: np.ndarray
    distance_km: np.ndarray
    modes: np.ndarray

    @property
    def reachable(self) -> np.ndarray:
        return np.isfinite(self.time_h)

    @property
    def daylight(self) -> np.ndarray:
        """Where the fastest path uses a daylight-only edge (it then moves only in daylight)."""
        return (self.modes & DAYLIGHT_BIT) != 0

    def modes_of(self, i: int, j: int) -> list[str]:
        return [m for k, m in enumerate(MODES) if self.modes[i, j] >> k & 1]


@dataclass(frozen=True)
class _Csr:
    graph: sp.csr_matrix
    keys: np.ndarray  # row * n + col of each stored entry, ascending
    edge: np.ndarray  # edge index behind each stored entry (the fastest parallel edge)


class TravelGraph:
    """A network with one damage state; builds and caches a CSR per vehicle type."""

    def __init__(
        self, net: Network, damage: DamageState | None = None, water_levels: tuple[str, ...] = ("normal",)
    ) -> None:
        self.net = net
        self.damage = damage if damage is not None else DamageState.none()
        self.water_levels = water_levels
        self._csr: dict[VehicleKey, _Csr] = {}
        self._snappers: dict[VehicleKey, NodeSnapper] = {}

    def _key(self, vt: VehicleType) -> VehicleKey:
        return vehicle_key(self.net, vt, self.water_levels)

    def edge_times(self, vt: VehicleType) -> np.ndarray:
        return edge_times_h(self.net, vt, self.damage, self.water_levels)

    def _structure(self, vt: VehicleType):
        """Entries (row, col, edge) of every arc the vehicle type may ever use, sorted by pair."""
        key = ("csr_structure", self._key(vt))
        cached = self.net._cache.get(key)
        if cached is None:
            base = edge_times_h(self.net, vt, levels=self.water_levels)
            e = np.flatnonzero(np.isfinite(base))
            back = e[~self.net.oneway[e]]
            rows = np.concatenate([self.net.src[e], self.net.dst[back]])
            cols = np.concatenate([self.net.dst[e], self.net.src[back]])
            edges = np.concatenate([e, back])
            pair = rows * self.net.n_nodes + cols
            order = np.argsort(pair, kind="stable")
            pair, edges = pair[order], edges[order]
            starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
            cached = (pair, edges, starts)
            self.net._cache[key] = cached
        return cached

    def csr(self, vt: VehicleType) -> _Csr:
        key = self._key(vt)
        if key not in self._csr:
            self._csr[key] = self._build(vt)
        return self._csr[key]

    def _build(self, vt: VehicleType) -> _Csr:
        n = self.net.n_nodes
        pair, edges, starts = self._structure(vt)
        times = self.edge_times(vt)[edges]
        best = np.minimum.reduceat(times, starts) if len(starts) else np.zeros(0)
        seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pair)]))
        is_best = times == best[seg]
        first = np.flatnonzero(is_best)
        first = first[np.r_[True, seg[first][1:] != seg[first][:-1]]] if len(first) else first
        keep = np.isfinite(best)
        keys = pair[starts][keep]
        graph = sp.csr_matrix((best[keep], (keys // n, keys % n)), shape=(n, n))
        graph.sort_indices()
        return _Csr(graph, keys, edges[first][keep])

    def usable_nodes(self, vt: VehicleType) -> np.ndarray:
        times = self.edge_times(vt)
        ok = np.isfinite(times)
        return np.unique(np.concatenate([self.net.src[ok], self.net.dst[ok]]))

    def snap(self, vt: VehicleType, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node usable by `vt` to each point: (node index, km); -1/inf when none."""
        key = self._key(vt)
        if key not in self._snappers:
            self._snappers[key] = NodeSnapper(self.net.lat, self.net.lon, self.usable_nodes(vt))
        return self._snappers[key].snap(lat, lon)

    def matrix(
        self,
        vt: VehicleType,
        sources: NodeIndices,
        targets: NodeIndices,
        *,
        limit_h: float | None = None,
        with_distance: bool = True,
        progress: Callable[[int, int], None] | None = None,
        workers: int = 1,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(time_h, distance_km, mode mask) from source to target node indices.

        `workers` > 1 splits the sources over that many forked processes (POSIX); results are the
        same as with one process.
        """
        src = np.asarray(sources, np.int64)
        if workers > 1 and len(src) >= 4 * workers and mp.get_start_method(allow_none=True) != "spawn":
            return self._parallel(vt, src, np.asarray(targets, np.int64), limit_h, with_distance, workers)
        return self._serial(vt, src, targets, limit_h, with_distance, progress)

    def _parallel(self, vt, src, tgt, limit_h, with_distance, workers):
        self.csr(vt)  # build once, before the fork
        token = id(self)
        _SHARED[token] = self
        chunks = np.array_split(src, workers * 4)
        try:
            ctx = mp.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
                parts = list(
                    pool.map(_matrix_chunk, [(token, vt, c, tgt, limit_h, with_distance) for c in chunks])
                )
        finally:
            _SHARED.pop(token, None)
        return tuple(np.concatenate([p[k] for p in parts]) for k in range(3))

    def _serial(self, vt, sources, targets, limit_h, with_distance, progress):
        csr = self.csr(vt)
        src = np.asarray(sources, np.int64)
        tgt = np.asarray(targets, np.int64)
        n = self.net.n_nodes
        time = np.full((len(src), len(tgt)), np.inf)
        dist = np.full((len(src), len(tgt)), np.inf)
        mask = np.zeros((len(src), len(tgt)), np.int64)
        batch = max(1, min(len(src), BATCH_BYTES // max(1, 12 * n)))
        limit = np.inf if limit_h is None else float(limit_h)
        for start in range(0, len(src), batch):
            rows = src[start : start + batch]
            uniq, inverse = np.unique(rows, return_inverse=True)
            if with_distance:
                d, pred = dijkstra(csr.graph, indices=uniq, limit=limit, return_predecessors=True)
                km, modes = self._walk(csr, pred, uniq, tgt, np.isfinite(d[:, tgt]))
                dist[start : start + len(rows)] = km[inverse]
                mask[start : start + len(rows)] = modes[inverse]
            else:
                d = dijkstra(csr.graph, indices=uniq, limit=limit)
            time[start : start + len(rows)] = d[:, tgt][inverse]
            if progress is not None:
                progress(min(start + batch, len(src)), len(src))
        if not with_distance:
            dist[:] = np.nan
        return time, dist, mask

    def _walk(self, csr: _Csr, pred, sources, targets, ok) -> tuple[np.ndarray, np.ndarray]:
        """Sum edge km and OR edge modes along each tree path, by pointer jumping: every node keeps
        the km and modes from its ancestor `anc` to itself; each pass adds the ancestor's own and jumps
        to the ancestor's ancestor, so log2(depth) passes cover the deepest path."""
        n = self.net.n_nodes
        b = len(sources)
        has = pred >= 0  # scipy marks the source and unreached nodes with -9999
        node = np.broadcast_to(np.arange(n), pred.shape)
        anc = np.where(has, pred, node)
        keys = np.where(has, pred, 0).astype(np.int64) * n + node
        e = csr.edge[np.minimum(np.searchsorted(csr.keys, keys[has]), len(csr.keys) - 1)]
        km = np.zeros((b, n))
        modes = np.zeros((b, n), np.int64)
        km[has] = self.net.length_km[e]
        modes[has] = (
            np.left_shift(1, self.net.mode.astype(np.int64)) | self.net.daylight_only * DAYLIGHT_BIT
        )[e]
        while True:
            nxt = np.take_along_axis(anc, anc, axis=1)
            if np.array_equal(nxt, anc):
                break
            km += np.take_along_axis(km, anc, axis=1)
            modes |= np.take_along_axis(modes, anc, axis=1)
            anc = nxt
        out_km = np.where(ok, km[:, targets], np.inf)
        out_modes = np.where(ok, modes[:, targets], 0)
        return out_km, out_modes

    def path(self, vt: VehicleType, source: int, target: int) -> list[int]:
        """Node indices of the fastest path (empty when unreachable)."""
        csr = self.csr(vt)
        d, pred = dijkstra(csr.graph, indices=source, return_predecessors=True)
        if not np.isfinite(d[target]):
            return []
        nodes = [int(target)]
        while nodes[-1] != source:
            nodes.append(int(pred[nodes[-1]]))
        return nodes[::-1]

    def path_edges(self, vt: VehicleType, nodes: Sequence[int]) -> list[int]:
        """Edge indices along a node path."""
        csr = self.csr(vt)
        n = self.net.n_nodes
        keys = np.asarray(nodes[:-1], np.int64) * n + np.asarray(nodes[1:], np.int64)
        return [int(e) for e in csr.edge[np.searchsorted(csr.keys, keys)]]

    def path_geojson(
        self, nodes: Sequence[int], properties: Mapping[str, JSONValue] | None = None
    ) -> LineStringFeature:
        """A GeoJSON LineString Feature through the path's nodes, [lon, lat] order."""
        coords = [[float(self.net.lon[i]), float(self.net.lat[i])] for i in nodes]
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": dict(properties or {}),
        }
