"""The coordinator dashboard (docs/dashboard.md).

- `GET /` serves the page and `GET /dashboard/{asset}` its static files (api/dashboard/, shipped in the
  package: plain HTML, ES modules and CSS, nothing fetched from elsewhere). They hold no data, so they
  need no key; the page asks for one and sends it with every API call.
- `GET /v1/dashboard/...` (viewer) is the read-only JSON the map needs that the rest of the API lacks:
  the bundled library's kabupaten and kecamatan boundaries (simplified once, server-side, and cached),
  the bundled scenarios, and a scenario's map (network links with their damage, areas with people and
  need by PMKS group, warehouses with stock and fleet), optionally as an incident's updates left it.
- `POST /v1/dashboard/bundled/{name}` (coordinator) stores a bundled scenario so that it can be planned,
  once: a stored copy with the same document is reused. Only the shipped, validated documents can be
  stored this way; other scenarios still need an admin's `POST /v1/scenarios`.

None of these routes is in the OpenAPI document: they serve the page, not other systems.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from network import Network, apply_damage, edges_hit
from scenarios import Scenario, bundled_scenarios, compute_needs, load_scenario
from scenarios.bundled import LIBRARY_DIR, library_dir
from scenarios.model import MODES

from ..db.models import Incident, ScenarioRecord
from ..deps import SessionDep, SettingsDep
from ..problems import Problem
from ..scenario_cache import LRU
from ..security import Coordinator, Viewer
from ..uploads import check_limits, document_of, scenario_record
from ..views import get_or_404, scenario_summary

__all__ = ["DASHBOARD_DIR", "douglas_peucker", "router"]

DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
# the page may talk to this server only: no CDN, no tiles, no fonts from elsewhere
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
STATIC_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
# boundary simplification: tolerance in degrees (0.002 deg is about 220 m), coordinates to 4 decimals
TOLERANCE_DEG = {"kabupaten": 0.004, "kecamatan": 0.002}
DECIMALS = 4

router = APIRouter(include_in_schema=False)
v1 = APIRouter(prefix="/v1/dashboard", tags=["dashboard"], include_in_schema=False)


# --- the page and its files


def _static(name: str) -> FileResponse:
    path = (DASHBOARD_DIR / name).resolve()
    if not path.is_relative_to(DASHBOARD_DIR) or not path.is_file() or path.suffix not in MEDIA_TYPES:
        raise Problem(404, f"No dashboard file {name!r}.")
    headers = dict(STATIC_HEADERS)
    if path.suffix == ".html":
        headers["Content-Security-Policy"] = CSP
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=headers)


@router.get("/", operation_id="dashboard")
def index() -> FileResponse:
    """The dashboard page (no key: it asks for one)."""
    return _static("index.html")


@router.get("/dashboard/{asset:path}", operation_id="dashboard_asset")
def asset(asset: str) -> FileResponse:
    """A static file of the dashboard (scripts, styles, icons)."""
    return _static(asset)


# --- JSON for the map


def _json(request: Request, payload: bytes, status_code: int = 200, **headers: str) -> Response:
    """`payload` (JSON bytes), gzipped when the client takes it: maps are a few hundred kB."""
    if len(payload) > 2048 and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            gzip.compress(payload, compresslevel=5),
            status_code=status_code,
            media_type="application/json",
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding", **headers},
        )
    return Response(payload, status_code=status_code, media_type="application/json", headers=headers)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


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


def _ring_area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))) / 2


def _simplify_polygon(polygon: list, tolerance: float) -> list:
    """Each ring simplified (a closed ring is split in two halves so that both ends stay); rings that
    shrink below 4 positions or to less area than a tolerance square are dropped."""
    rings = []
    for ring in polygon:
        pts = [(float(x), float(y)) for x, y in ring]
        if len(pts) >= 4:
            half = len(pts) // 2
            pts = douglas_peucker(pts[: half + 1], tolerance)[:-1] + douglas_peucker(pts[half:], tolerance)
        pts = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in pts]
        if len(pts) >= 4 and _ring_area(pts) >= tolerance * tolerance:
            rings.append([list(p) for p in pts])
    return rings


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


@lru_cache(maxsize=8)
def _boundaries(library: str) -> bytes:
    """The library's kabupaten and kecamatan boundaries, simplified, as one JSON document."""
    root = library_dir(library)
    out: dict[str, Any] = {"library": library}
    for level, tolerance in TOLERANCE_DEG.items():
        path = root / "admin" / f"{level}.geojson" if root else None
        features = []
        labels = _labels(root / "admin" / f"{level}.csv") if root else {}
        if path is not None and path.is_file():
            for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
                geom = f.get("geometry") or {}
                polygons = geom.get("coordinates") or []
                if geom.get("type") == "Polygon":
                    polygons = [polygons]
                simple = [r for r in (_simplify_polygon(p, tolerance) for p in polygons) if r]
                if not simple:
                    continue
                props = f.get("properties") or {}
                keep = {k: props.get(k) for k in ("code", "name", "kab_code", "population") if k in props}
                keep.update(labels.get(str(props.get("code")), {}))
                features.append(
                    {
                        "type": "Feature",
                        "properties": keep,
                        "geometry": {"type": "MultiPolygon", "coordinates": simple},
                    }
                )
        out[level] = {"type": "FeatureCollection", "features": features}
    return _dumps(out)


@v1.get("/boundaries", operation_id="dashboard_boundaries")
def boundaries(
    request: Request, caller: Viewer, library: Annotated[str, Query(max_length=100)] = "kaltim"
) -> Response:
    """Kabupaten and kecamatan boundaries of a bundled library (simplified GeoJSON)."""
    if library_dir(library) is None:
        raise Problem(404, f"No bundled library {library!r}.")
    return _json(request, _boundaries(library), **{"Cache-Control": "private, max-age=3600"})


# --- bundled scenarios


def _canonical_hash(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=16)
def _bundled(name: str) -> tuple[Scenario, str, str]:
    """(scenario, its document's hash, its library) of a bundled scenario."""
    path = bundled_scenarios()[name]
    scenario = load_scenario(path)
    library = path.relative_to(LIBRARY_DIR).parts[0]
    return scenario, _canonical_hash(document_of(scenario)), library


_record_hashes: LRU[str, str] = LRU(256)  # stored documents never change


def _stored_copy(session: Session, name: str) -> ScenarioRecord | None:
    """The newest stored scenario whose document is the bundled scenario `name`'s."""
    _, wanted, _ = _bundled(name)
    rows = session.scalars(
        select(ScenarioRecord)
        .options(defer(ScenarioRecord.document))  # read only when its hash is not known yet
        .where(ScenarioRecord.scenario_id == name)
        .order_by(ScenarioRecord.created_at.desc(), ScenarioRecord.id)
    ).all()
    for r in rows:
        if _record_hashes.get_or_make(r.id, lambda r=r: _canonical_hash(r.document)) == wanted:
            return r
    return None


@v1.get("/bundled", operation_id="dashboard_bundled")
def bundled(caller: Viewer, session: SessionDep) -> JSONResponse:
    """The bundled scenarios: name, title, areas, people, library, and the id of a stored copy."""
    data = []
    for name in bundled_scenarios():
        scenario, _, library = _bundled(name)
        stored = _stored_copy(session, name)
        data.append(
            {
                "name": name,
                "title": scenario.name,
                "description": scenario.description,
                "library": library,
                "n_areas": len(scenario.areas),
                "people": round(sum(a.total_people for a in scenario.areas)),
                "horizon_days": scenario.policy.horizon_days,
                "stored": stored.id if stored else None,
            }
        )
    return JSONResponse({"data": data, "count": len(data)})


@v1.post("/bundled/{name}", operation_id="dashboard_store_bundled")
def store_bundled(name: str, caller: Coordinator, session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """Store the bundled scenario `name` (201), or answer its stored copy (200)."""
    if name not in bundled_scenarios():
        raise Problem(404, f"No bundled scenario {name!r}.")
    found = _stored_copy(session, name)
    if found is not None:
        return JSONResponse(scenario_summary(found).model_dump(mode="json"))
    scenario, digest, _ = _bundled(name)
    check_limits(scenario, settings)
    record = scenario_record(scenario, caller.id)
    session.add(record)
    session.commit()
    _record_hashes.put(record.id, digest)
    body = scenario_summary(record).model_dump(mode="json")
    return JSONResponse(body, status_code=201, headers={"Location": f"/v1/scenarios/{record.id}"})


# --- a scenario's map


def _round(x: float | None, nd: int = 6) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), nd)


def _damage(net: Network, scenario: Scenario) -> list[dict[str, Any]]:
    """Per damaged link: combined effect (as the planner applies it) and the records behind it."""
    state = apply_damage(net, scenario.damage)
    records: dict[int, list[dict[str, Any]]] = {}
    for d in scenario.damage:
        for e in edges_hit(net, d).tolist():
            records.setdefault(int(e), []).append(
                {
                    "id": d.id,
                    "effect": d.effect,
                    "speed_factor": d.speed_factor,
                    "max_weight_t": d.max_weight_t,
                    "probability": d.probability,
                    "note": d.note,
                    "update": bool(d.id and d.id.startswith("update-")),
                }
            )
    out = []
    for k, e in enumerate(state.edges.tolist()):
        closed = bool(state.closed[k])
        factor = float(state.speed_factor[k])
        weight = _round(float(state.max_weight_t[k]), 3)
        out.append(
            {
                "edge": net.edge_ids[e],
                "state": "closed" if closed else ("degraded" if factor < 1 else "weight_limit"),
                "speed_factor": round(factor, 4),
                "max_weight_t": weight,
                "probability": max(r["probability"] for r in records.get(e, [{"probability": 1.0}])),
                "records": records.get(e, []),
            }
        )
    return out


def _needs(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Per area over the horizon: need in kg, kg by group, units by commodity."""
    needs = compute_needs(scenario)
    out: dict[str, dict[str, Any]] = {
        a.id: {"kg": 0.0, "by_group_kg": {}, "by_commodity": {}} for a in scenario.areas
    }
    if needs.empty:
        return out
    for area, kg in needs.groupby("area")["kg"].sum().items():
        out[str(area)]["kg"] = round(float(kg), 1)
    for (area, group), kg in needs.groupby(["area", "group"])["kg"].sum().items():
        out[str(area)]["by_group_kg"][str(group)] = round(float(kg), 1)
    for (area, commodity), units in needs.groupby(["area", "commodity"])["units"].sum().items():
        out[str(area)]["by_commodity"][str(commodity)] = round(float(units), 1)
    return out


def build_map(scenario: Scenario) -> dict[str, Any]:
    """The map document of a scenario (as updates left it): places, network, damage, need."""
    net = Network.from_model(scenario.network)
    node_index = net.node_index
    needs = _needs(scenario)
    fleet: dict[str, dict[str, int]] = {}
    for f in scenario.fleet:
        if f.count:
            fleet.setdefault(f.warehouse, {})[f.vehicle_type] = f.count

    def where(item: Any) -> tuple[float | None, float | None]:
        if item.lat is not None:
            return item.lat, item.lon
        if item.node and item.node in node_index:
            k = node_index[item.node]
            return float(net.lat[k]), float(net.lon[k])
        return None, None

    areas = []
    for a in scenario.areas:
        lat, lon = where(a)
        areas.append(
            {
                "id": a.id,
                "name": a.name,
                "code": a.code,
                "kind": a.kind,
                "kab_code": a.kab_code,
                "lat": _round(lat),
                "lon": _round(lon),
                "people": {g: round(n, 1) for g, n in a.people.items()},
                "total_people": round(a.total_people, 1),
                "displaced_share": a.displaced_share,
                "access_window_h": a.access_window_h,
                "modes": a.modes,
                "need_kg": needs[a.id]["kg"],
                "need_by_group_kg": needs[a.id]["by_group_kg"],
                "need_by_commodity": needs[a.id]["by_commodity"],
            }
        )
    warehouses = []
    for w in scenario.warehouses:
        lat, lon = where(w)
        warehouses.append(
            {
                "id": w.id,
                "name": w.name,
                "operator": w.operator,
                "kind": w.kind,
                "lat": _round(lat),
                "lon": _round(lon),
                "stock": w.stock,
                "arrivals": [x.model_dump() for x in w.arrivals],
                "fleet": fleet.get(w.id, {}),
                "throughput_t_per_day": w.throughput_t_per_day,
            }
        )
    placed = [
        (lat, lon)
        for p in (*areas, *warehouses)
        if (lat := p["lat"]) is not None and (lon := p["lon"]) is not None
    ]
    bounds = (
        [
            min(x[1] for x in placed),
            min(x[0] for x in placed),
            max(x[1] for x in placed),
            max(x[0] for x in placed),
        ]
        if placed
        else None
    )
    area_bounds = [(a["lat"], a["lon"]) for a in areas if a["lat"] is not None]
    return {
        "scenario": {
            "id": scenario.id,
            "name": scenario.name,
            "description": scenario.description,
            "horizon_days": scenario.policy.horizon_days,
            "day_start_h": scenario.policy.day_start_h,
        },
        "bounds": bounds,
        "area_bounds": [
            min(x[1] for x in area_bounds),
            min(x[0] for x in area_bounds),
            max(x[1] for x in area_bounds),
            max(x[0] for x in area_bounds),
        ]
        if area_bounds
        else bounds,
        "nodes": {
            "id": list(net.node_ids),
            "lon": [round(float(x), 6) for x in net.lon],
            "lat": [round(float(x), 6) for x in net.lat],
            "name": [n.name for n in scenario.network.nodes],
        },
        "edges": {
            "id": list(net.edge_ids),
            "source": net.src.tolist(),
            "target": net.dst.tolist(),
            "mode": [MODES[int(m)] for m in net.mode],
            "road_class": [c or None for c in net.road_class],
            "length_km": [round(float(x), 2) for x in net.length_km],
        },
        "damage": _damage(net, scenario),
        "areas": areas,
        "warehouses": warehouses,
        "groups": [
            {
                "id": g.id,
                "name": g.name,
                "name_en": g.name_en,
                "kind": g.kind,
                "priority_weight": g.priority_weight,
            }
            for g in scenario.groups
        ],
        "commodities": [
            {"id": c.id, "name": c.name, "name_en": c.name_en, "unit": c.unit, "kg_per_unit": c.kg_per_unit}
            for c in scenario.commodities
        ],
        "vehicle_types": [
            {"id": v.id, "name": v.name, "name_en": v.name_en, "modes": v.modes, "capacity_kg": v.capacity_kg}
            for v in scenario.vehicle_types
        ],
    }


def _maps(request: Request) -> LRU[tuple[str, str, int], bytes]:
    state = request.app.state
    if getattr(state, "dashboard_maps", None) is None:
        state.dashboard_maps = LRU(32)
    return state.dashboard_maps


@v1.get("/scenarios/{scenario_id}/map", operation_id="dashboard_map")
def scenario_map(
    scenario_id: str,
    request: Request,
    caller: Viewer,
    session: SessionDep,
    incident: Annotated[str | None, Query(max_length=64, description="an incident of this scenario")] = None,
) -> Response:
    """A stored scenario's map (after an incident's updates, when `incident` is given)."""
    record = get_or_404(session, ScenarioRecord, scenario_id, "scenario")
    cache = request.app.state.cache
    seq = 0
    if incident is not None:
        found = get_or_404(session, Incident, incident, "incident")
        if found.scenario_id != record.id:
            raise Problem(404, f"Incident {incident!r} is not an incident of scenario {scenario_id!r}.")
        seq, scenario = cache.latest_state(session, record.id, found.id)
    else:
        scenario = cache.scenario(session, record.id)
    key = (record.id, incident or "", seq)

    def make() -> bytes:
        doc = build_map(scenario)
        doc["scenario"]["record"] = record.id
        doc["incident"] = {"id": incident, "seq": seq} if incident else None
        return _dumps(doc)

    return _json(request, _maps(request).get_or_make(key, make))


router.include_router(v1)
