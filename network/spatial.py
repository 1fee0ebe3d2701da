"""Spatial helpers: KD-tree snapping to nodes, and which edges a polygon hits (grid index)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

__all__ = ["EARTH_RADIUS_KM", "EdgeGrid", "NodeSnapper", "points_in_polygon", "to_xyz"]

EARTH_RADIUS_KM = 6371.0088

# polygon rings: the outer ring then any holes, each a closed sequence of (x, y) = (lon, lat) points
Rings: TypeAlias = Sequence[Sequence[Sequence[float]]]
# a point (x, y), or points: each coordinate a number or an array of them
_Point: TypeAlias = tuple[np.ndarray | float, np.ndarray | float]


def to_xyz(lat: npt.ArrayLike, lon: npt.ArrayLike) -> np.ndarray:
    """Unit vectors on the sphere (so chord distance orders like great-circle distance)."""
    la, lo = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord: npt.ArrayLike) -> np.ndarray:
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0, 1))


class NodeSnapper:
    """Nearest node among `candidates` (node indices) to points, by great-circle distance."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, candidates: npt.ArrayLike) -> None:
        self.candidates = np.asarray(candidates, dtype=np.int64)
        self._tree = (
            cKDTree(to_xyz(lat[self.candidates], lon[self.candidates])) if len(self.candidates) else None
        )

    def snap(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(node index, distance km) per point; index -1 and distance inf when no candidate."""
        lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
        if self._tree is None:
            return np.full(len(lat), -1, np.int64), np.full(len(lat), np.inf)
        chord, k = self._tree.query(to_xyz(lat, lon))
        return self.candidates[k], chord_to_km(chord)


def points_in_polygon(x: npt.ArrayLike, y: npt.ArrayLike, rings: Rings) -> np.ndarray:
    """Even-odd rule over all rings (outer ring and holes), vectorized over points."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    inside = np.zeros(x.shape, bool)
    for ring in rings:
        r = np.asarray(ring, float)
        x1, y1, x2, y2 = r[:-1, 0], r[:-1, 1], r[1:, 0], r[1:, 1]
        for a, b, c, d in zip(x1, y1, x2, y2, strict=True):
            crosses = (b > y) != (d > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                xi = a + (y - b) * (c - a) / (d - b)
            inside ^= crosses & (x < xi)
    return inside


def _orient(p1: _Point, p2: _Point, p3: _Point) -> np.ndarray:
    """Sign of the turn p1 -> p2 -> p3: 1 counter-clockwise, -1 clockwise, 0 collinear."""
    (x1, y1), (x2, y2), (x3, y3) = p1, p2, p3
    return np.sign((x2 - x1) * (y3 - y1) - (y2 - y1) * (x3 - x1))


def _segments_cross(p: _Point, q: _Point, a: _Point, b: _Point) -> np.ndarray:
    """Do segments p-q (arrays of points) properly intersect segment a-b (one point each)?"""
    o1 = _orient(p, q, a)
    o2 = _orient(p, q, b)
    o3 = _orient(a, b, p)
    o4 = _orient(a, b, q)
    return (o1 != o2) & (o3 != o4)


class EdgeGrid:
    """A uniform grid over edge bounding boxes (lon/lat degrees): candidate edges for a box.

    Each edge is listed in every cell its bounding box covers, so a query costs time in
    proportion to the cells and edges it touches, not to the network's size.
    """

    def __init__(
        self,
        x1: npt.ArrayLike,
        y1: npt.ArrayLike,
        x2: npt.ArrayLike,
        y2: npt.ArrayLike,
        cell_deg: float | None = None,
    ) -> None:
        self.x1, self.y1, self.x2, self.y2 = (np.asarray(a, float) for a in (x1, y1, x2, y2))
        lo_x, hi_x = np.minimum(self.x1, self.x2), np.maximum(self.x1, self.x2)
        lo_y, hi_y = np.minimum(self.y1, self.y2), np.maximum(self.y1, self.y2)
        if cell_deg is None:
            span = np.maximum(hi_x - lo_x, hi_y - lo_y)
            cell_deg = float(max(np.median(span) * 4, 1e-3)) if len(span) else 1.0
        self.cell = cell_deg
        self.cells: dict[tuple[int, int], list[int]] = {}
        cx0, cx1 = np.floor(lo_x / cell_deg).astype(int), np.floor(hi_x / cell_deg).astype(int)
        cy0, cy1 = np.floor(lo_y / cell_deg).astype(int), np.floor(hi_y / cell_deg).astype(int)
        for k in range(len(cx0)):
            for i in range(cx0[k], cx1[k] + 1):
                for j in range(cy0[k], cy1[k] + 1):
                    self.cells.setdefault((i, j), []).append(k)

    def candidates(self, min_x: float, min_y: float, max_x: float, max_y: float) -> np.ndarray:
        """Edges listed in the cells the box [min_x, max_x] x [min_y, max_y] touches, ascending."""
        out: set[int] = set()
        for i in range(math.floor(min_x / self.cell), math.floor(max_x / self.cell) + 1):
            for j in range(math.floor(min_y / self.cell), math.floor(max_y / self.cell) + 1):
                out.update(self.cells.get((i, j), ()))
        return np.fromiter(sorted(out), dtype=np.int64, count=len(out))

    def edges_in_polygon(self, rings: Rings) -> np.ndarray:
        """Edges with an end inside the polygon or crossing its boundary."""
        outer = np.asarray(rings[0], float)
        cand = self.candidates(outer[:, 0].min(), outer[:, 1].min(), outer[:, 0].max(), outer[:, 1].max())
        if not len(cand):
            return cand
        px, py, qx, qy = self.x1[cand], self.y1[cand], self.x2[cand], self.y2[cand]
        hit = points_in_polygon(px, py, rings) | points_in_polygon(qx, qy, rings)
        for ring in rings:
            r = np.asarray(ring, float)
            for (ax, ay), (bx, by) in itertools.pairwise(r):
                hit |= _segments_cross((px, py), (qx, qy), (ax, ay), (bx, by))
        return cand[hit]
