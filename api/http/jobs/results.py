"""Storing a finished solve: the plan record, the job's success and, for a re-plan, the incident's
current plan, in one transaction that happens only while the job still runs the worker's attempt; for
a study, its study.json in the study's row with the job's success, likewise."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Incident, Job, PlanRecord, StudyRecord, new_id, utcnow
from .inputs import JobInputs
from .transitions import running_attempt

__all__ = ["finite", "store_plan", "store_study"]


def store_plan(
    sessions: sessionmaker[Session], job_id: str, attempt: int, inputs: JobInputs, document: dict
) -> str | None:
    """Store `document` as the job's plan and mark the job succeeded; for a re-plan also make it the
    incident's current plan unless that one already covers later updates. The plan's id, or None when
    the job no longer runs this attempt (cancelled or re-run meanwhile: nothing is stored)."""
    plan_id, now = new_id(), utcnow()
    if inputs.incident_id is not None:
        document = {**document, "incident": {"id": inputs.incident_id, "upto_seq": inputs.upto_seq}}
    with sessions.begin() as s:
        if not _succeed(s, job_id, attempt, now, plan_id=plan_id):
            return None
        s.add(
            PlanRecord(
                id=plan_id,
                scenario_id=inputs.scenario_id,
                incident_id=inputs.incident_id,
                job_id=job_id,
                document=finite(document),
                created_at=now,
            )
        )
        if inputs.incident_id is not None:
            _advance_incident(s, inputs.incident_id, plan_id, inputs.upto_seq or 0)
    return plan_id


def store_study(
    sessions: sessionmaker[Session], job_id: str, attempt: int, study_id: str, document: dict
) -> bool:
    """Store `document` (study.json) in study `study_id` and mark the job succeeded; False when the job
    no longer runs this attempt (nothing is stored)."""
    now = utcnow()
    with sessions.begin() as s:
        if not _succeed(s, job_id, attempt, now):
            return False
        s.execute(update(StudyRecord).where(StudyRecord.id == study_id).values(document=finite(document)))
    return True


def _succeed(s: Session, job_id: str, attempt: int, now, **values: Any) -> bool:
    """Mark the job succeeded (with `values`, e.g. its plan) if it still runs `attempt`."""
    done = s.execute(
        update(Job)
        .where(running_attempt(job_id, attempt))
        .values(status="succeeded", progress=1.0, stage="done", reason=None, finished_at=now, **values)
        .values(heartbeat_at=now)
    )
    return done.rowcount == 1


def _advance_incident(s: Session, incident_id: str, plan_id: str, upto_seq: int) -> None:
    """Make `plan_id` the incident's plan when it covers at least the updates its current plan does
    (a slower re-plan of older updates must not replace a newer one). The incident row is locked on
    PostgreSQL; SQLite's write lock is held already."""
    current = s.scalar(select(Incident.plan_id).where(Incident.id == incident_id).with_for_update())
    if current is not None:
        covered = s.scalar(
            select(PlanRecord.document["incident"]["upto_seq"].as_integer()).where(PlanRecord.id == current)
        )
        if covered is not None and covered > upto_seq:
            return
    s.execute(update(Incident).where(Incident.id == incident_id).values(plan_id=plan_id))


def finite(value: Any) -> Any:
    """`value` with NaN and infinities as None: PostgreSQL's JSON takes no such numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
