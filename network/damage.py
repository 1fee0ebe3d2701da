"""Damage as a sparse weight update on a read-only network, never a copy of it.

A `DamageState` lists only the edges it touches (index, speed factor, closed, weight limit). Building
one costs time in proportion to those edges (area damage finds its edges through a grid index);
travel times then apply it on top of each vehicle type's base edge times.

Probabilities: `apply_damage` applies every record (planning for the damage as reported);
`sample_damage` draws one realisation, keeping each record with its probability, for scenario sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenarios.model import Damage

from .errors import NetworkError
from .graph import Network
from .spatial import EdgeGrid

__all__ = ["DamageState", "apply_damage", "edges_hit", "sample_damage"]


@dataclass(frozen=True)
class DamageState:
    """Per touched edge: speed factor (<= 1), closed flag and weight limit (t, inf = none)."""

    edges: np.ndarray  # int64 edge indices, unique, sorted
    speed_factor: np.ndarray
    closed: np.ndarray
    max_weight_t: np.ndarray

    @classmethod
    def none(cls) -> DamageState:
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool), np.zeros(0))

    @property
    def closed_edges(self) -> np.ndarray:
        return self.edges[self.closed]

    def __len__(self) -> int:
        return len(self.edges)


def _grid(net: Network) -> EdgeGrid:
    grid = net._cache.get("edge_grid")
    if grid is None:
        grid = EdgeGrid(net.lon[net.src], net.lat[net.src], net.lon[net.dst], net.lat[net.dst])
        net._cache["edge_grid"] = grid
    return grid


def edges_hit(net: Network, record: Damage) -> np.ndarray:
    """Edge indices a damage record hits: its edge, or every edge inside/crossing its polygon."""
    if record.edge is not None:
        try:
            return np.array([net.edge_index[record.edge]], np.int64)
        except KeyError:
            raise NetworkError(f"damage names edge {record.edge!r}, not in the network") from None
    if record.polygon is None:  # a validated record has one of edge and polygon
        raise NetworkError(f"damage {record.id!r} names neither an edge nor a polygon")
    return _grid(net).edges_in_polygon(record.polygon)


def apply_damage(net: Network, records: Sequence[Damage]) -> DamageState:
    """Combine damage records: closures win, speed factors multiply, weight limits take the min."""
    if not records:
        return DamageState.none()
    hits = [(edges_hit(net, r), r) for r in records]
    idx = np.unique(np.concatenate([h for h, _ in hits])) if hits else np.zeros(0, np.int64)
    pos = {int(e): k for k, e in enumerate(idx)}
    factor = np.ones(len(idx))
    closed = np.zeros(len(idx), bool)
    weight = np.full(len(idx), np.inf)
    for edges, r in hits:
        k = np.array([pos[int(e)] for e in edges], np.int64)
        if r.effect == "closed":
            closed[k] = True
        elif r.effect == "degraded":
            if r.speed_factor is None:  # validation requires it
                raise NetworkError(f"damage {r.id!r} degrades a link but has no speed_factor")
            factor[k] *= r.speed_factor
        else:
            if r.max_weight_t is None:  # validation requires it
                raise NetworkError(f"damage {r.id!r} limits the weight but has no max_weight_t")
            weight[k] = np.minimum(weight[k], r.max_weight_t)
    return DamageState(idx, factor, closed, weight)


def sample_damage(records: Sequence[Damage], seed: int) -> list[Damage]:
    """One realisation: each record is kept with its probability (seeded, reproducible)."""
    rng = np.random.default_rng(seed)
    draws = rng.random(len(records))
    return [r for r, u in zip(records, draws, strict=True) if u < r.probability]
