"""Small geographic helpers and the GeoJSON readers of a scenario directory."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, TypedDict

from .errors import Issue
from .jsontypes import JSONDocument
from .sources import Location, SourceMap

if TYPE_CHECKING:
    from .model import Scenario

__all__ = [
    "NetworkRecords",
    "area_positions",
    "haversine_km",
    "line_length_km",
    "read_damage_geojson",
    "read_network_geojson",
]


class NetworkRecords(TypedDict):
    """The `network` of a scenario document, not yet validated: node and edge records."""

    nodes: list[JSONDocument]
    edges: list[JSONDocument]


EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def area_positions(s: Scenario) -> dict[str, tuple[float, float]]:
    """Each area's (lat, lon): its own, else its network node's (areas with neither are left out)."""
    nodes = {n.id: (n.lat, n.lon) for n in s.network.nodes}
    out: dict[str, tuple[float, float]] = {}
    for a in s.areas:
        if a.lat is not None and a.lon is not None:
            out[a.id] = (a.lat, a.lon)
        elif a.node in nodes:
            out[a.id] = nodes[a.node]
    return out


def line_length_km(coords: Sequence[Sequence[float]]) -> float:
    """Length of a [lon, lat] polyline in km."""
    return sum(haversine_km(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(coords))


def _load(path: FsPath, display: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    # the parsed file as it is (features not yet checked one by one)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        return None, [Issue(display, err.lineno, "", f"is not valid JSON: {err.msg}")]
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        return None, [Issue(display, 1, "features", "expected a GeoJSON FeatureCollection")]
    return doc, []


def read_network_geojson(path: FsPath, display: str, smap: SourceMap) -> tuple[NetworkRecords, list[Issue]]:
    """Point features become nodes, LineStrings edges (end points matched to nodes by position)."""
    doc, issues = _load(path, display)
    if doc is None:
        return {"nodes": [], "edges": []}, issues
    nodes: list[JSONDocument] = []
    edges: list[JSONDocument] = []
    at: dict[tuple[float, float], str] = {}
    lines = []
    for k, feat in enumerate(doc["features"]):
        geom = (feat or {}).get("geometry") or {}
        props = dict((feat or {}).get("properties") or {})
        where = f"features[{k}]"
        if geom.get("type") == "Point":
            lon, lat = geom["coordinates"][:2]
            props.setdefault("id", f"n{len(nodes)}")
            props.update(lat=lat, lon=lon)
            smap.add(("network", "nodes", len(nodes)), Location(display, None, where))
            nodes.append(props)
            at[(round(lon, 7), round(lat, 7))] = str(props["id"])
        elif geom.get("type") == "LineString" and len(geom.get("coordinates") or []) >= 2:
            lines.append((where, props, geom["coordinates"]))
        else:
            issues.append(Issue(display, None, where, "expected a Point or LineString feature"))
    for where, props, coords in lines:
        ends = []
        for lon, lat, *_ in (coords[0], coords[-1]):
            key = (round(lon, 7), round(lat, 7))
            if key not in at:
                at[key] = f"n{len(nodes)}"
                nodes.append({"id": at[key], "lat": lat, "lon": lon, "kind": "junction"})
            ends.append(at[key])
        props.setdefault("id", f"e{len(edges)}")
        props.setdefault("source", ends[0])
        props.setdefault("target", ends[1])
        props.setdefault("length_km", round(line_length_km(coords), 6))
        smap.add(("network", "edges", len(edges)), Location(display, None, where))
        edges.append(props)
    return {"nodes": nodes, "edges": edges}, issues


def read_damage_geojson(
    path: FsPath, display: str, smap: SourceMap, start: int
) -> tuple[list[JSONDocument], list[Issue]]:
    """Polygon features become area damage records (every edge inside is hit)."""
    doc, issues = _load(path, display)
    if doc is None:
        return [], issues
    out: list[JSONDocument] = []
    for k, feat in enumerate(doc["features"]):
        geom = (feat or {}).get("geometry") or {}
        where = f"features[{k}]"
        if geom.get("type") != "Polygon":
            issues.append(Issue(display, None, where, "expected a Polygon feature"))
            continue
        rec = dict((feat or {}).get("properties") or {})
        rec["polygon"] = geom.get("coordinates")
        smap.add(("damage", start + len(out)), Location(display, None, where))
        out.append(rec)
    return out, issues
