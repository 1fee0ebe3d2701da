"""`/v1/jobs`: a solve's status, progress and result link (viewer); cancel (coordinator); its progress as
server-sent events until it ends."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from ..db.models import JOB_STATUSES, Job
from ..deps import RunnerDep, SessionDep, SettingsDep
from ..problems import Problem
from ..schemas import JobPublic, JobsPublic
from ..security import Coordinator, Viewer
from ..views import get_or_404, job_public
from .responses import AUTH, errors

__all__ = ["TERMINAL", "router"]

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
TERMINAL = ("succeeded", "failed", "cancelled")
KEEPALIVE_S = 15.0


class EventStream(StreamingResponse):
    media_type = "text/event-stream"


@router.get("", operation_id="list_jobs", response_model=JobsPublic, responses=errors(*AUTH))
def list_jobs(
    caller: Viewer,
    session: SessionDep,
    status: Annotated[Literal[JOB_STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> JobsPublic:
    """Jobs, newest first, optionally of one status."""
    query, count = select(Job), select(func.count()).select_from(Job)
    if status is not None:
        query, count = query.where(Job.status == status), count.where(Job.status == status)
    jobs = session.scalars(query.order_by(Job.created_at.desc(), Job.id).limit(limit).offset(offset))
    return JobsPublic(data=[job_public(j) for j in jobs], count=session.scalar(count) or 0)


@router.get("/{job_id}", operation_id="get_job", response_model=JobPublic, responses=errors(*AUTH, 404))
def get_job(job_id: str, caller: Viewer, session: SessionDep) -> JobPublic:
    """Status (queued, running, succeeded, failed with a reason, cancelled), progress, stage, plan link."""
    return job_public(get_or_404(session, Job, job_id, "job"))


@router.delete(
    "/{job_id}",
    operation_id="cancel_job",
    status_code=202,
    response_model=JobPublic,
    responses=errors(*AUTH, 404, 409),
)
def cancel_job(job_id: str, caller: Coordinator, session: SessionDep, runner: RunnerDep) -> JSONResponse:
    """Cancel a queued or running job (a running solve stops within seconds); 409 once it has ended."""
    job = get_or_404(session, Job, job_id, "job")
    if job.status in TERMINAL or not runner.cancel(job.id):
        session.refresh(job)
        raise Problem(
            409, f"Job {job_id} has ended ({job.status}); there is nothing to cancel.", "job-finished"
        )
    session.refresh(job)
    return JSONResponse(job_public(job).model_dump(mode="json"), status_code=202)


@router.get(
    "/{job_id}/events",
    operation_id="job_events",
    response_class=EventStream,
    responses={**errors(*AUTH, 404), 200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}},
)
async def job_events(
    job_id: str, request: Request, caller: Viewer, session: SessionDep, settings: SettingsDep
) -> EventStream:
    """Server-sent events: `progress` with the job (as GET /v1/jobs/{id}) on every change, then `done`
    with its final state; the stream ends there."""
    await run_in_threadpool(get_or_404, session, Job, job_id, "job")
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    stream = _events(request.app.state.sessions, job_id, settings.poll_interval_s)
    return EventStream(stream, headers=headers)


def _read(sessions: sessionmaker[Session], job_id: str) -> JobPublic | None:
    with sessions() as s:
        job = s.get(Job, job_id)
        return job_public(job) if job is not None else None


def _event(name: str, job: JobPublic, n: int) -> str:
    return f"event: {name}\nid: {n}\ndata: {json.dumps(job.model_dump(mode='json'))}\n\n"


async def _events(sessions: sessionmaker[Session], job_id: str, interval: float) -> AsyncIterator[str]:
    seen, n, quiet_since = None, 0, time.monotonic()
    while True:
        job = await run_in_threadpool(_read, sessions, job_id)
        if job is None:
            return
        state = (job.status, round(job.progress, 3), job.stage, job.attempt)
        if state != seen:
            seen, n, quiet_since = state, n + 1, time.monotonic()
            yield _event("done" if job.status in TERMINAL else "progress", job, n)
            if job.status in TERMINAL:
                return
        elif time.monotonic() - quiet_since > KEEPALIVE_S:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        await asyncio.sleep(interval)
