"""The map's administrative boundaries: a bundled library's kabupaten and kecamatan (admin/*.geojson),
simplified (`geometry`), with the point where each unit's short name is written (admin/*.csv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from scenarios.bundled import library_dir

from .geometry import DECIMALS, simplify_polygon

__all__ = ["TOLERANCE_DEG", "boundaries_document"]

# boundary simplification: tolerance in degrees (0.002 deg is about 220 m)
TOLERANCE_DEG = {"kabupaten": 0.004, "kecamatan": 0.002}


def _labels(path: Path) -> dict[str, dict[str, Any]]:
    """code -> where to write the unit's name (`label`: [lon, lat], a point inside it) and its short name."""
    if not path.is_file():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            try:
                at = [round(float(row["rep_lon"]), DECIMALS), round(float(row["rep_lat"]), DECIMALS)]
            except (KeyError, TypeError, ValueError):
                continue
            out[row["code"]] = {"label": at, "short_name": row.get("short_name") or row.get("name")}
    return out


def _feature(f: dict[str, Any], tolerance: float, labels: dict[str, dict[str, Any]]) -> dict | None:
    """A boundary feature as a simplified MultiPolygon with the properties the map uses; None when
    nothing is left of it."""
    geom = f.get("geometry") or {}
    polygons = geom.get("coordinates") or []
    if geom.get("type") == "Polygon":
        polygons = [polygons]
    simple = [r for r in (simplify_polygon(p, tolerance) for p in polygons) if r]
    if not simple:
        return None
    props = f.get("properties") or {}
    keep = {k: props.get(k) for k in ("code", "name", "kab_code", "population") if k in props}
    keep.update(labels.get(str(props.get("code")), {}))
    return {
        "type": "Feature",
        "properties": keep,
        "geometry": {"type": "MultiPolygon", "coordinates": simple},
    }


def boundaries_document(library: str) -> dict[str, Any]:
    """The library's kabupaten and kecamatan boundaries, simplified, as one JSON document (a
    FeatureCollection per level; empty when the library has no such file)."""
    root = library_dir(library)
    out: dict[str, Any] = {"library": library}
    for level, tolerance in TOLERANCE_DEG.items():
        path = root / "admin" / f"{level}.geojson" if root else None
        features = []
        labels = _labels(root / "admin" / f"{level}.csv") if root else {}
        if path is not None and path.is_file():
            for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
                feature = _feature(f, tolerance, labels)
                if feature is not None:
                    features.append(feature)
        out[level] = {"type": "FeatureCollection", "features": features}
    return out
