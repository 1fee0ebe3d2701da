"""Polyline and polygon simplification for the map's boundaries (Douglas-Peucker), in the coordinates'
own units (degrees for the bundled GeoJSON)."""

from __future__ import annotations

import math
from itertools import pairwise

__all__ = ["DECIMALS", "douglas_peucker", "ring_area", "simplify_polygon"]

DECIMALS = 4  # coordinates written to 4 decimals (about 11 m)


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification of a polyline: drops the points closer than `tolerance` (in the
    points' units) to the simplified line; both end points stay."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, best_d = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
            if d > best_d:
                best, best_d = i, d
        if best >= 0:
            keep[best] = True
            stack += [(first, best), (best, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(ring: list[tuple[float, float]]) -> float:
    """The area a closed ring encloses (shoelace formula), in squared units of its coordinates."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))) / 2


def simplify_polygon(polygon: list, tolerance: float) -> list:
    """Each ring simplified (a closed ring is split in two halves so that both ends stay); rings that
    shrink below 4 positions or to less area than a tolerance square are dropped."""
    rings = []
    for ring in polygon:
        pts = [(float(x), float(y)) for x, y in ring]
        if len(pts) >= 4:
            half = len(pts) // 2
            pts = douglas_peucker(pts[: half + 1], tolerance)[:-1] + douglas_peucker(pts[half:], tolerance)
        pts = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in pts]
        if len(pts) >= 4 and ring_area(pts) >= tolerance * tolerance:
            rings.append([list(p) for p in pts])
    return rings
