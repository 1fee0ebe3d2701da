"""`/v1/plans`: start a plan job (coordinator; 202 with the job), and read a finished plan (viewer) as
plan.json, GeoJSON, HXL CSV, XLSX or dispatch sheets (HTML, Indonesian or English)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from ..db.models import Job, ScenarioRecord
from ..deps import RunnerDep, SessionDep, SettingsDep
from ..idempotency import IdempotencyDep
from ..plan_files import PlanContext, plan_bytes, plan_context
from ..problems import validation_problem
from ..schemas import JobPublic, PlanCreate, PlanDocument, PlanParams
from ..security import Coordinator, Viewer
from ..settings import Settings
from ..views import job_public
from .responses import AUTH, BODY, errors

__all__ = ["job_params", "router"]

router = APIRouter(prefix="/v1/plans", tags=["plans"])
LangQuery = Annotated[Literal["id", "en"], Query(description="language of names and labels")]
READ = errors(*AUTH, 404, 409)  # 409: the plan's stored scenario no longer validates


def job_params(params: PlanParams, settings: Settings, pointer: str = "") -> dict:
    """A job's solver parameters; 422 when the time limit is above the server's maximum."""
    if params.time_limit is not None and params.time_limit > settings.max_time_limit_s:
        raise validation_problem(
            [
                {
                    "pointer": f"{pointer}/time_limit",
                    "detail": f"{params.time_limit:g} s is above the limit {settings.max_time_limit_s:g} s",
                    "in": "body",
                }
            ]
        )
    return params.model_dump(include={"time_limit", "seed", "engine", "iterations"})


@router.post(
    "", operation_id="create_plan", status_code=202, response_model=JobPublic, responses=errors(*BODY)
)
def create_plan(
    body: PlanCreate,
    caller: Coordinator,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Queue a plan of a stored scenario; poll the job (Location) or follow its events."""
    params = job_params(body, settings)
    if session.get(ScenarioRecord, body.scenario_id) is None:
        raise validation_problem([{"pointer": "/scenario_id", "detail": "no such scenario", "in": "body"}])
    job = Job(kind="plan", scenario_id=body.scenario_id, params=params, created_by=caller.id)
    session.add(job)
    session.flush()
    response = idem.commit(session, 202, job_public(job).model_dump(mode="json"), f"/v1/jobs/{job.id}")
    runner.wake()
    return response


def _context(request: Request, session: Session, plan_id: str) -> PlanContext:
    return plan_context(session, request.app.state.cache, plan_id)


# downloads are never sniffed into another type; the dispatch sheets (inline CSS, links, no scripts or
# images) may load nothing, run nothing, submit nothing and be framed nowhere
NOSNIFF = {"X-Content-Type-Options": "nosniff"}
SHEET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
HTML_HEADERS = {"Content-Security-Policy": SHEET_CSP, **NOSNIFF}


def _download(content: bytes | str, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{filename}"', **NOSNIFF}
    return Response(content, media_type=media_type, headers=headers)


def _sheet(html: str) -> HTMLResponse:
    """A dispatch page with its Content-Security-Policy and nosniff."""
    return HTMLResponse(html, headers=HTML_HEADERS)


# the routes with a suffix come first: /{plan_id} alone would also match "abc.geojson"


@router.get(
    "/{plan_id}.geojson",
    operation_id="get_plan_geojson",
    responses={**READ, 200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}},
    response_class=Response,
)
def get_geojson(plan_id: str, request: Request, caller: Viewer, session: SessionDep) -> Response:
    """The trips as GeoJSON LineStrings along the network, warehouses and served areas as Points."""
    ctx = _context(request, session, plan_id)
    return JSONResponse(ctx.geojson(), media_type="application/geo+json", headers=NOSNIFF)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/{plan_id}.xlsx",
    operation_id="get_plan_xlsx",
    responses={**READ, 200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
    response_class=Response,
)
def get_xlsx(
    plan_id: str, request: Request, caller: Viewer, session: SessionDep, lang: LangQuery = "id"
) -> Response:
    """The plan as a workbook: summary, shipments, trips, unmet."""
    ctx = _context(request, session, plan_id)
    return _download(ctx.xlsx(lang), XLSX, f"plan-{plan_id}.xlsx")


@router.get("/{plan_id}", operation_id="get_plan", response_model=PlanDocument, responses=READ)
def get_plan(plan_id: str, request: Request, caller: Viewer, session: SessionDep) -> Response:
    """plan.json (docs/plan-format.md)."""
    data = plan_bytes(session, request.app.state.cache, plan_id)
    return Response(data, media_type="application/json", headers=NOSNIFF)


CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}


@router.get(
    "/{plan_id}/shipments.csv",
    operation_id="get_plan_shipments_csv",
    responses={**READ, 200: CSV},
    response_class=Response,
)
def get_shipments(
    plan_id: str, request: Request, caller: Viewer, session: SessionDep, lang: LangQuery = "id"
) -> Response:
    """Shipments as CSV with an HXL hashtag row under the header."""
    data = _context(request, session, plan_id).csv("shipments", lang)
    return _download(data, "text/csv; charset=utf-8", f"shipments-{plan_id}.csv")


@router.get(
    "/{plan_id}/unmet.csv",
    operation_id="get_plan_unmet_csv",
    responses={**READ, 200: CSV},
    response_class=Response,
)
def get_unmet(
    plan_id: str, request: Request, caller: Viewer, session: SessionDep, lang: LangQuery = "id"
) -> Response:
    """Unmet need by area, commodity, group and day, with its reason; CSV with an HXL row."""
    data = _context(request, session, plan_id).csv("unmet", lang)
    return _download(data, "text/csv; charset=utf-8", f"unmet-{plan_id}.csv")


@router.get(
    "/{plan_id}/dispatch",
    operation_id="get_plan_dispatch_index",
    response_class=HTMLResponse,
    responses=READ,
)
def get_dispatch_index(
    plan_id: str, request: Request, caller: Viewer, session: SessionDep, lang: LangQuery = "id"
) -> HTMLResponse:
    """The index of the dispatch sheets, one link per vehicle."""
    return _sheet(_context(request, session, plan_id).dispatch_index(lang))


@router.get(
    "/{plan_id}/dispatch/{vehicle:path}",
    operation_id="get_plan_dispatch_sheet",
    response_class=HTMLResponse,
    responses=READ,
)
def get_dispatch_sheet(
    plan_id: str, vehicle: str, request: Request, caller: Viewer, session: SessionDep, lang: LangQuery = "id"
) -> HTMLResponse:
    """A vehicle's printable dispatch sheet; the vehicle by id (`gudang/truk/1`) or sheet file name."""
    return _sheet(_context(request, session, plan_id).dispatch_sheet(vehicle, lang))
