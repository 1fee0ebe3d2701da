"""Import road/river networks: OpenStreetMap XML (`.osm`) and GeoJSON LineStrings.

Both readers turn lines into a routable network the same way: a vertex becomes a node where a line
ends, where lines share it (same OSM node, or same coordinates in GeoJSON), or where a point to keep
snaps (a warehouse or an area); the vertices between two nodes are folded into one edge whose
`length_km` is the geodesic length of the piece. So depots and areas keep their own nodes while the
rest is simplified.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scenarios.geo import line_length_km
from scenarios.model import Edge, Node
from scenarios.model import Network as NetworkModel
from scenarios.tables import TABLES

from .errors import NetworkError
from .spatial import NodeSnapper

__all__ = [
    "HIGHWAY_CLASS",
    "Line",
    "lines_to_network",
    "read_geojson_lines",
    "read_osm",
    "write_network_csv",
]

# OSM highway=* -> SIAGA road class (None: not for vehicles)
HIGHWAY_CLASS = {
    "motorway": "toll",
    "motorway_link": "toll",
    "trunk": "national",
    "trunk_link": "national",
    "primary": "national",
    "primary_link": "national",
    "secondary": "provincial",
    "secondary_link": "provincial",
    "tertiary": "local",
    "tertiary_link": "local",
    "unclassified": "local",
    "residential": "local",
    "living_street": "local",
    "service": "local",
    "road": "local",
    "track": "trail",
}
RIVER_WATERWAYS = {"river", "canal"}


@dataclass
class Line:
    """A polyline with its vertex keys (shared keys join lines) and edge attributes."""

    id: str
    keys: list[str]
    coords: list[tuple[float, float]]  # (lon, lat)
    attrs: dict = field(default_factory=dict)


def lines_to_network(lines: Sequence[Line], keep_points: Iterable[tuple[float, float]] = ()) -> NetworkModel:
    """Fold lines into nodes and edges; `keep_points` are (lat, lon) that must stay nodes."""
    uses: dict[str, int] = {}
    where: dict[str, tuple[float, float]] = {}
    for line in lines:
        for k, (key, xy) in enumerate(zip(line.keys, line.coords, strict=True)):
            uses[key] = uses.get(key, 0) + (2 if k in (0, len(line.keys) - 1) else 1)
            where[key] = xy
    kept = {k for k, n in uses.items() if n >= 2}
    kept |= _snapped_keys(where, keep_points)
    nodes: dict[str, Node] = {}
    edges = []
    for line in lines:
        start, piece_no = 0, 0
        for k in range(1, len(line.keys)):
            if line.keys[k] in kept or k == len(line.keys) - 1:
                piece = line.coords[start : k + 1]
                length = line_length_km(piece)
                u, v = line.keys[start], line.keys[k]
                for key in (u, v):
                    nodes.setdefault(key, Node(id=key, lat=where[key][1], lon=where[key][0]))
                edges.append(
                    Edge(
                        id=f"{line.id}_{piece_no}",
                        source=u,
                        target=v,
                        length_km=round(length, 6),
                        **line.attrs,
                    )
                )
                start, piece_no = k, piece_no + 1
    return NetworkModel(nodes=tuple(nodes.values()), edges=tuple(edges))


def _snapped_keys(where: dict[str, tuple[float, float]], points: Iterable[tuple[float, float]]) -> set[str]:
    points = list(points)
    if not points or not where:
        return set()
    keys = list(where)
    lon = np.array([where[k][0] for k in keys])
    lat = np.array([where[k][1] for k in keys])
    snapper = NodeSnapper(lat, lon, np.arange(len(keys)))
    idx, _ = snapper.snap([p[0] for p in points], [p[1] for p in points])
    return {keys[i] for i in idx}


def _number(text: str | None) -> float | None:
    if not text:
        return None
    m = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(mph)?", text)
    if not m:
        return None
    value = float(m.group(1))
    return value * 1.609344 if m.group(2) else value


def _duration_h(text: str | None) -> float | None:
    if not text:
        return None
    parts = text.split(":")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        return None
    if len(nums) == 1:
        return nums[0] / 60  # OSM: plain minutes
    return nums[0] + nums[1] / 60 + (nums[2] / 3600 if len(nums) > 2 else 0)


def _osm_attrs(tags: Mapping[str | None, str | None]) -> dict[str, str | float | bool] | None:
    attrs: dict[str, str | float | bool]
    if tags.get("route") == "ferry":
        attrs = {"mode": "ferry"}
        duration = _duration_h(tags.get("duration"))
        if duration is not None:
            attrs["duration_h"] = duration
        return attrs
    if tags.get("waterway") in RIVER_WATERWAYS:
        return {"mode": "river"}
    cls = HIGHWAY_CLASS.get(tags.get("highway") or "")
    if cls is None:
        return None
    attrs = {"mode": "road", "road_class": cls}
    speed = _number(tags.get("maxspeed"))
    if speed:
        attrs["speed_kmh"] = speed
    weight = _number(tags.get("maxweight"))
    if weight:
        attrs["max_weight_t"] = weight
    if tags.get("oneway") in ("yes", "true", "1", "-1"):
        attrs["oneway"] = True
    return attrs


def read_osm(path: Path, keep_points: Iterable[tuple[float, float]] = ()) -> NetworkModel:
    """Roads (highway=*), rivers and canals (waterway=*) and ferries (route=ferry) of an OSM XML
    file as a network. Footways, paths and cycleways are left out."""
    coords: dict[str | None, tuple[float, float]] = {}
    lines: list[Line] = []
    try:
        for _, el in ET.iterparse(path, events=("end",)):
            if el.tag == "node":
                lon, lat = el.get("lon"), el.get("lat")
                if lon is None or lat is None:
                    raise NetworkError(f"{path}: OSM node {el.get('id')} has no lon/lat")
                coords[el.get("id")] = (float(lon), float(lat))
                el.clear()
            elif el.tag == "way":
                line = _osm_way(el, coords)
                if line is not None:
                    lines.append(line)
                el.clear()
    except ET.ParseError as err:
        raise NetworkError(f"{path}: not valid OSM XML: {err}") from None
    return lines_to_network(lines, keep_points)


def _osm_way(el: ET.Element, coords: Mapping[str | None, tuple[float, float]]) -> Line | None:
    tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
    attrs = _osm_attrs(tags)
    refs = [nd.get("ref") for nd in el.findall("nd") if nd.get("ref") in coords]
    if attrs is None or len(refs) < 2:
        return None
    if tags.get("oneway") == "-1":
        refs = refs[::-1]
    keys = [f"osm{r}" for r in refs]
    return Line(f"w{el.get('id')}", keys, [coords[r] for r in refs], attrs)


EDGE_PROPS = ("mode", "road_class", "speed_kmh", "duration_h", "max_weight_t", "oneway", "daylight_only")


def read_geojson_lines(path: Path, keep_points: Iterable[tuple[float, float]] = ()) -> NetworkModel:
    """LineString (and MultiLineString) features as a network; vertices at the same coordinates
    (to 1e-7 degrees) join lines. Properties named like edge columns are kept (default mode: road)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = []
    for k, feat in enumerate(doc.get("features") or []):
        geom = (feat or {}).get("geometry") or {}
        props = (feat or {}).get("properties") or {}
        kind, coordinates = geom.get("type"), geom.get("coordinates")
        parts = (
            [coordinates] if kind == "LineString" else coordinates if kind == "MultiLineString" else []
        ) or []
        attrs = {p: props[p] for p in EDGE_PROPS if props.get(p) not in (None, "")}
        attrs.setdefault("mode", "road")
        base = str(props.get("id", f"f{k}"))
        for j, part in enumerate(parts):
            if not part or len(part) < 2:
                continue
            xy = [(float(c[0]), float(c[1])) for c in part]
            keys = [f"g{x:.7f}_{y:.7f}" for x, y in xy]
            lines.append(Line(base if len(parts) == 1 else f"{base}.{j}", keys, xy, attrs))
    net = lines_to_network(lines, keep_points)
    renamed = {n.id: f"n{i}" for i, n in enumerate(net.nodes)}
    return NetworkModel(
        nodes=tuple(n.model_copy(update={"id": renamed[n.id]}) for n in net.nodes),
        edges=tuple(
            e.model_copy(update={"source": renamed[e.source], "target": renamed[e.target]}) for e in net.edges
        ),
    )


NODE_COLUMNS = (*TABLES["nodes"].columns, "note")
EDGE_COLUMNS = (*TABLES["edges"].columns, "note")


def write_network_csv(net: NetworkModel, out_dir: Path) -> tuple[Path, Path]:
    """Write `nodes.csv` and `edges.csv` in the scenario format."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    def cell(v: object) -> object:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        return v

    paths = (out_dir / "nodes.csv", out_dir / "edges.csv")
    for path, rows, cols in ((paths[0], net.nodes, NODE_COLUMNS), (paths[1], net.edges, EDGE_COLUMNS)):
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                w.writerow([cell(getattr(r, c)) for c in cols])
    return paths
