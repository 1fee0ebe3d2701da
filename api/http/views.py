"""Stored records as the API's response bodies (api/http/schemas.py), and lookups that answer 404."""

from __future__ import annotations

import math
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .db.models import ApiKey, Incident, IncidentUpdate, Job, ScenarioRecord, StudyRecord
from .problems import Problem
from .schemas import (
    IncidentPublic,
    IncidentSummary,
    JobLinks,
    JobPublic,
    KeyPublic,
    ScenarioSummary,
    StudySummary,
    UpdatePublic,
)

__all__ = [
    "get_or_404",
    "incident_public",
    "incident_summary",
    "job_public",
    "key_public",
    "scenario_summary",
    "study_summary",
    "update_public",
]

T = TypeVar("T")
V1 = "/v1"


def get_or_404(session: Session, model: type[T], record_id: str, what: str) -> T:
    found = session.get(model, record_id)
    if found is None:
        raise Problem(404, f"No {what} with id {record_id!r}.")
    return found


def job_public(job: Job) -> JobPublic:
    study = (job.params or {}).get("study_id") if job.kind == "study" else None
    links = JobLinks(
        self=f"{V1}/jobs/{job.id}",
        events=f"{V1}/jobs/{job.id}/events",
        plan=f"{V1}/plans/{job.plan_id}" if job.plan_id else None,
        study=f"{V1}/studies/{study}" if study else None,
    )
    return JobPublic(
        id=job.id,
        kind=job.kind,  # type: ignore[arg-type]
        status=job.status,  # type: ignore[arg-type]
        progress=job.progress or 0.0,
        stage=job.stage,
        reason=job.reason,
        attempt=job.attempt or 0,
        params=job.params or {},
        scenario_id=job.scenario_id,
        incident_id=job.incident_id,
        plan_id=job.plan_id,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        links=links,
    )


def scenario_summary(r: ScenarioRecord) -> ScenarioSummary:
    return ScenarioSummary(
        id=r.id,
        scenario_id=r.scenario_id,
        name=r.name,
        n_areas=r.n_areas,
        n_vehicles=r.n_vehicles,
        created_by=r.created_by,
        created_at=r.created_at,
    )


def study_summary(r: StudyRecord, status: str) -> StudySummary:
    """A study as listed; `status` is its job's."""
    return StudySummary(
        id=r.id,
        study_id=r.study_id,
        name=r.name,
        status=status,  # type: ignore[arg-type]
        job_id=r.job_id,
        created_by=r.created_by,
        created_at=r.created_at,
    )


def shown_json(value: Any) -> Any:
    """`value` with every NaN or +/-Infinity as the text "NaN", "Infinity", "-Infinity": JSON has no
    such numbers, so a response holding one could not be written. The API refuses them, but a payload
    stored before it did (SQLite keeps them) must still be listed; the update's re-plan says why it
    does not apply."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: shown_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown_json(v) for v in value]
    return value


def update_public(u: IncidentUpdate) -> UpdatePublic:
    payload = u.payload if isinstance(u.payload, dict) else {"value": u.payload}
    return UpdatePublic(
        id=u.id,
        incident_id=u.incident_id,
        seq=u.seq,
        kind=u.kind,
        payload=shown_json(payload),
        actor=u.actor,
        created_at=u.created_at,
        job_id=u.job_id,
    )


def _n_updates(session: Session, incident_id: str) -> int:
    query = select(func.count()).select_from(IncidentUpdate).where(IncidentUpdate.incident_id == incident_id)
    return session.scalar(query) or 0


def incident_summary(session: Session, i: Incident, n_updates: int | None = None) -> IncidentSummary:
    return IncidentSummary(
        id=i.id,
        scenario_id=i.scenario_id,
        name=i.name,
        plan_id=i.plan_id,
        n_updates=_n_updates(session, i.id) if n_updates is None else n_updates,
        created_by=i.created_by,
        created_at=i.created_at,
    )


def incident_public(session: Session, i: Incident) -> IncidentPublic:
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id == i.id).order_by(IncidentUpdate.seq)
    updates = [update_public(u) for u in session.scalars(query)]
    summary = incident_summary(session, i, len(updates))
    return IncidentPublic(**summary.model_dump(), updates=updates)


def key_public(k: ApiKey) -> KeyPublic:
    return KeyPublic(
        id=k.id,
        prefix=k.prefix,
        role=k.role,  # type: ignore[arg-type]
        name=k.name,
        created_at=k.created_at,
        revoked=k.revoked,
    )
