"""`/v1/studies`: stockpile studies (docs/study.md) run as jobs. Post a study spec as JSON, or
`{"bundled": NAME}` (coordinator; checked before it is queued, 202 with the study and its job); list
and read them (viewer): a study's document is its study.json once the job succeeded, null before."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..db.models import Job, StudyRecord, new_id
from ..deps import RunnerDep, SessionDep, SettingsDep
from ..idempotency import IdempotencyDep
from ..schemas import (
    BundledStudiesPublic,
    BundledStudy,
    StudiesPublic,
    StudyAccepted,
    StudyCreate,
    StudyPublic,
)
from ..security import Coordinator, Viewer
from ..study_specs import bundled_specs, spec_document, study_from_body
from ..views import get_or_404, job_public, study_summary
from .responses import AUTH, BODY, errors

__all__ = ["router"]

router = APIRouter(prefix="/v1/studies", tags=["studies"])


@router.post(
    "", operation_id="create_study", status_code=202, response_model=StudyAccepted, responses=errors(*BODY)
)
def create_study(
    body: StudyCreate,
    caller: Coordinator,
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Queue a study: a spec (docs/study.md, as JSON) or `{"bundled": NAME}`. Checked first (422 with
    a JSON pointer per problem: the spec, its scenario set, at most SIAGA_MAX_STUDY_SCENARIOS
    scenarios); then 202 with the study and its job. Poll the study (Location) or the job's events."""
    spec = study_from_body(body.root, settings)
    study_key = new_id()
    job = Job(kind="study", params={"study_id": study_key}, created_by=caller.id)
    session.add(job)
    session.flush()
    study = StudyRecord(
        id=study_key,
        study_id=spec.id,
        name=spec.name,
        spec=spec_document(spec),
        job_id=job.id,
        created_by=caller.id,
    )
    session.add(study)
    session.flush()
    accepted = StudyAccepted(**study_summary(study, job.status).model_dump(), job=job_public(job))
    response = idem.commit(session, 202, accepted.model_dump(mode="json"), f"/v1/studies/{study.id}")
    runner.wake()
    return response


@router.get("", operation_id="list_studies", response_model=StudiesPublic, responses=errors(*AUTH))
def list_studies(
    caller: Viewer,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> StudiesPublic:
    """The studies (without spec and document), newest first, each with its job's status."""
    query = (
        select(StudyRecord, Job.status)
        .join(Job, Job.id == StudyRecord.job_id)
        .options(defer(StudyRecord.spec), defer(StudyRecord.document))
        .order_by(StudyRecord.created_at.desc(), StudyRecord.id)
        .limit(limit)
        .offset(offset)
    )
    rows = session.execute(query).all()
    count = session.scalar(select(func.count()).select_from(StudyRecord)) or 0
    return StudiesPublic(data=[study_summary(r, status) for r, status in rows], count=count)


# before /{study_id}, which would match "bundled" too
@router.get(
    "/bundled",
    operation_id="list_bundled_studies",
    response_model=BundledStudiesPublic,
    responses=errors(*AUTH),
)
def list_bundled(caller: Viewer) -> BundledStudiesPublic:
    """The bundled study specs by name: post one as `{"bundled": name}`, or its `spec` changed."""
    data = [BundledStudy(name=name, spec=spec) for name, spec in bundled_specs().items()]
    return BundledStudiesPublic(data=data, count=len(data))


@router.get("/{study_id}", operation_id="get_study", response_model=StudyPublic, responses=errors(*AUTH, 404))
def get_study(study_id: str, caller: Viewer, session: SessionDep) -> StudyPublic:
    """A study: its status and spec, and its study.json (docs/study-format.md) once its job succeeded."""
    study = get_or_404(session, StudyRecord, study_id, "study")
    job = session.get(Job, study.job_id)
    status, reason = (job.status, job.reason) if job is not None else ("failed", "its job is gone")
    summary = study_summary(study, status)
    document = study.document if status == "succeeded" else None
    return StudyPublic(**summary.model_dump(), reason=reason, spec=study.spec, document=document)
