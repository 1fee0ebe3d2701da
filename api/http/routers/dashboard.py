"""The coordinator dashboard (docs/dashboard.md).

- `GET /` serves the page and `GET /dashboard/{asset}` its static files (api/dashboard/, shipped in the
  package: plain HTML, ES modules and CSS, nothing fetched from elsewhere; files of other suffixes, such
  as the Python modules beside them, are not served). They hold no data, so they need no key; the page
  asks for one and sends it with every API call.
- `GET /v1/dashboard/...` (viewer) is the read-only JSON the map needs that the rest of the API lacks:
  the bundled library's kabupaten and kecamatan boundaries (simplified once, server-side, and cached),
  the bundled scenarios, and a scenario's map (network links with their damage, areas with people and
  need by PMKS group, warehouses with stock and fleet), optionally as an incident's updates left it.
- `POST /v1/dashboard/bundled/{name}` (coordinator) stores a bundled scenario so that it can be planned,
  once: a stored copy with the same document is reused. Only the shipped, validated documents can be
  stored this way; other scenarios still need an admin's `POST /v1/scenarios`.

None of these routes is in the OpenAPI document: they serve the page, not other systems. The documents
themselves are built in api/dashboard (map_document.py, boundaries.py); this module serves and caches them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from api.dashboard import DASHBOARD_DIR
from api.dashboard.boundaries import boundaries_document
from api.dashboard.map_document import build_map
from scenarios import Scenario, bundled_scenarios, load_scenario
from scenarios.bundled import LIBRARY_DIR, library_dir

from ..db.models import Incident, ScenarioRecord
from ..deps import SessionDep, SettingsDep
from ..problems import Problem
from ..scenario_cache import LRU
from ..security import Coordinator, Viewer
from ..uploads import check_limits, document_of, scenario_record
from ..views import get_or_404, scenario_summary

__all__ = ["router"]

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


@lru_cache(maxsize=8)
def _boundaries(library: str) -> bytes:
    """The library's kabupaten and kecamatan boundaries, simplified (api/dashboard/boundaries.py), as
    JSON bytes: built once per library."""
    return _dumps(boundaries_document(library))


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
