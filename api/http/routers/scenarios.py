"""`/v1/scenarios`: create (admin) from a JSON document or a zipped scenario directory (as the body with
`application/zip`, or as the `file` field of a multipart form), list and read them (viewer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from scenarios import Scenario

from ..db.models import ScenarioRecord
from ..deps import SessionDep, SettingsDep
from ..idempotency import Idempotency, IdempotencyDep
from ..limits import BODY_KEY
from ..parsing import read_scenario
from ..problems import Problem, validation_problem
from ..scenario_cache import ScenarioCache
from ..schemas import ScenarioPublic, ScenariosPublic, ScenarioSummary
from ..security import Admin, Caller, Viewer
from ..settings import Settings
from ..uploads import ZIP_TYPES, check_limits, scenario_record
from ..views import get_or_404, scenario_summary, shown_json
from .responses import AUTH, BODY, errors

__all__ = ["router"]

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"])

_BINARY = {"type": "string", "format": "binary"}
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "a scenario document (`siaga schema`)"}
            },
            "application/zip": {"schema": _BINARY},
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": _BINARY}, "required": ["file"]}
            },
        },
    }
}


@router.post(
    "",
    operation_id="create_scenario",
    status_code=201,
    response_model=ScenarioSummary,
    responses=errors(*BODY, 415),
    openapi_extra=UPLOAD_BODY,
)
async def create(
    request: Request, caller: Admin, session: SessionDep, settings: SettingsDep, idem: IdempotencyDep
) -> JSONResponse:
    """Store a validated scenario. Errors: 422 with a JSON pointer per bad field
    (`/areas/3/people/lansia`), and for archives the file and line; 413 past the reading budget
    (api/http/parsing.py)."""
    kind, data = await _upload(request)
    scenario = await read_scenario(request.app.state.parser, kind, data, settings)
    return await run_in_threadpool(_store, scenario, caller, session, settings, idem, request.app.state.cache)


async def _upload(request: Request) -> tuple[str, bytes]:
    """("json" | "zip", the bytes) of the request's scenario."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body: bytes = request.scope.get(BODY_KEY, b"")
    if media == "application/json" or media.endswith("+json"):
        return "json", body
    if media in ZIP_TYPES:
        return "zip", body
    if media == "multipart/form-data":
        form = await request.form()
        part = form.get("file")
        if isinstance(part, UploadFile):
            data = await part.read()
        elif isinstance(part, str):
            data = part.encode()
        else:
            raise validation_problem([{"pointer": "/file", "detail": "is required", "in": "body"}])
        return ("zip" if data[:2] == b"PK" else "json"), data
    raise Problem(
        415, f"Send the scenario as application/json, application/zip or multipart/form-data, not {media!r}."
    )


def _store(
    scenario: Scenario,
    caller: Caller,
    session: Session,
    settings: Settings,
    idem: Idempotency,
    cache: ScenarioCache,
) -> JSONResponse:
    check_limits(scenario, settings)
    record = scenario_record(scenario, caller.id)
    session.add(record)
    session.flush()
    response = idem.commit(
        session, 201, scenario_summary(record).model_dump(mode="json"), f"/v1/scenarios/{record.id}"
    )
    cache.scenarios.put(record.id, scenario)
    return response


@router.get("", operation_id="list_scenarios", response_model=ScenariosPublic, responses=errors(*AUTH))
def list_scenarios(
    caller: Viewer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ScenariosPublic:
    """The stored scenarios (without their documents), newest first."""
    query = select(ScenarioRecord).options(defer(ScenarioRecord.document))
    rows = session.scalars(
        query.order_by(ScenarioRecord.created_at.desc(), ScenarioRecord.id).limit(limit).offset(offset)
    )
    count = session.scalar(select(func.count()).select_from(ScenarioRecord)) or 0
    return ScenariosPublic(data=[scenario_summary(r) for r in rows], count=count)


@router.get(
    "/{scenario_id}",
    operation_id="get_scenario",
    response_model=ScenarioPublic,
    responses=errors(*AUTH, 404),
)
def get_scenario(scenario_id: str, caller: Viewer, session: SessionDep) -> ScenarioPublic:
    """One scenario with its whole document."""
    r = get_or_404(session, ScenarioRecord, scenario_id, "scenario")
    return ScenarioPublic(**scenario_summary(r).model_dump(), document=shown_json(r.document))
