"""`/v1/incidents`: an incident is a stored scenario plus an append-only log of updates (road closed,
people changed, stock received, delivery confirmed, ...). Each update is stored with its sender and
time and queues a re-plan; the incident's `plan_id` is its current plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from ..db.models import Incident, PlanRecord, ScenarioRecord
from ..deps import RunnerDep, SessionDep, SettingsDep
from ..idempotency import IdempotencyDep
from ..incident_log import append_update
from ..problems import validation_problem
from ..schemas import (
    IncidentCreate,
    IncidentPublic,
    IncidentsPublic,
    PlanParams,
    UpdateAccepted,
    UpdateCreate,
)
from ..security import Coordinator, Viewer
from ..views import get_or_404, incident_public, incident_summary, job_public, update_public
from .plans import job_params
from .responses import AUTH, BODY, errors

__all__ = ["router"]

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])


def _body_error(pointer: str, detail: str) -> Exception:
    return validation_problem([{"pointer": pointer, "detail": detail, "in": "body"}])


@router.post(
    "",
    operation_id="create_incident",
    status_code=201,
    response_model=IncidentPublic,
    responses=errors(*BODY),
)
def create_incident(
    body: IncidentCreate, caller: Coordinator, session: SessionDep, idem: IdempotencyDep
) -> JSONResponse:
    """Open an incident on a stored scenario, optionally starting from one of its plans."""
    if session.get(ScenarioRecord, body.scenario_id) is None:
        raise _body_error("/scenario_id", "no such scenario")
    if body.plan_id is not None:
        plan = session.get(PlanRecord, body.plan_id)
        if plan is None or plan.scenario_id != body.scenario_id:
            raise _body_error("/plan_id", "no plan of this scenario has this id")
    incident = Incident(
        scenario_id=body.scenario_id, name=body.name, plan_id=body.plan_id, created_by=caller.id
    )
    session.add(incident)
    session.flush()
    created = incident_public(session, incident).model_dump(mode="json")
    return idem.commit(session, 201, created, f"/v1/incidents/{incident.id}")


@router.get("", operation_id="list_incidents", response_model=IncidentsPublic, responses=errors(*AUTH))
def list_incidents(
    caller: Viewer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> IncidentsPublic:
    """Incidents, newest first, with their current plan and number of updates."""
    rows = session.scalars(
        select(Incident).order_by(Incident.created_at.desc(), Incident.id).limit(limit).offset(offset)
    )
    count = session.scalar(select(func.count()).select_from(Incident)) or 0
    return IncidentsPublic(data=[incident_summary(session, i) for i in rows], count=count)


@router.get(
    "/{incident_id}", operation_id="get_incident", response_model=IncidentPublic, responses=errors(*AUTH, 404)
)
def get_incident(incident_id: str, caller: Viewer, session: SessionDep) -> IncidentPublic:
    """An incident with its updates in order and its current plan."""
    return incident_public(session, get_or_404(session, Incident, incident_id, "incident"))


@router.post(
    "/{incident_id}/updates",
    operation_id="create_incident_update",
    status_code=202,
    response_model=UpdateAccepted,
    responses=errors(*BODY, 404, 409),
)
def create_update(
    incident_id: str,
    body: UpdateCreate,
    request: Request,
    caller: Coordinator,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Append an update (checked against the scenario with every earlier update applied: 422 with a
    pointer into `payload` when it does not apply) and queue the re-plan it triggers (202)."""
    incident = get_or_404(session, Incident, incident_id, "incident")
    params = job_params(body.replan or PlanParams(), settings, "/replan")
    state = request.app.state
    with state.incident_locks.hold(incident.id):
        update, job, after = append_update(session, state.cache, incident, body, params, caller)
        accepted = UpdateAccepted(update=update_public(update), job=job_public(job))
        response = idem.commit(session, 202, accepted.model_dump(mode="json"), f"/v1/jobs/{job.id}")
        state.cache.latest.put(incident.id, (update.seq, after))
    runner.wake()
    return response
