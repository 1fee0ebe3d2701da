"""A job's status changes, each one conditional UPDATE, so the server processes and workers sharing a
database never overwrite each other's decisions:

    queued  --claim-->            running (attempt + 1)
    queued  --cancel-->           cancelled
    running --cancel-->           cancelled               (any attempt: the request wins)
    running --succeed/fail-->     succeeded / failed      (only the attempt that is running)
    running --requeue-->          queued                  (server stopped; the attempt stays counted)

A change that finds the job in another state (taken by another server, cancelled, re-run) changes
nothing and says so (None / False): the caller's news is stale.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, update
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Job, utcnow

__all__ = [
    "CANCELLED_BY_REQUEST",
    "cancel_queued",
    "cancel_running",
    "claim",
    "fail",
    "requeue",
    "running_attempt",
    "set_status",
]

CANCELLED_BY_REQUEST = "cancelled by request"
Condition = ColumnElement[bool]
REASON_CHARS = 2000


def running_attempt(job_id: str, attempt: int) -> ColumnElement[bool]:
    """The condition: this job is running this attempt."""
    return and_(Job.id == job_id, Job.status == "running", Job.attempt == attempt)


def _apply(sessions: sessionmaker[Session], where: ColumnElement[bool], **values) -> bool:
    with sessions.begin() as s:
        return s.execute(update(Job).where(where).values(**values)).rowcount == 1


def claim(sessions: sessionmaker[Session], job_id: str, seen_attempt: int) -> int | None:
    """queued -> running: the new attempt number, or None when another runner took it first."""
    now = utcnow()
    attempt = seen_attempt + 1
    ok = _apply(
        sessions,
        and_(Job.id == job_id, Job.status == "queued", Job.attempt == seen_attempt),
        status="running",
        attempt=attempt,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        progress=0.0,
        stage="starting",
        reason=None,
    )
    return attempt if ok else None


def cancel_queued(sessions: sessionmaker[Session], job_id: str) -> bool:
    """queued -> cancelled at once."""
    return _apply(
        sessions,
        and_(Job.id == job_id, Job.status == "queued"),
        status="cancelled",
        reason="cancelled by request before it started",
        cancel_requested=True,
        finished_at=utcnow(),
    )


def cancel_running(sessions: sessionmaker[Session], job_id: str) -> bool:
    """running -> cancelled (whatever the attempt); the worker's result, if any comes, is dropped."""
    return _apply(
        sessions,
        and_(Job.id == job_id, Job.status == "running"),
        status="cancelled",
        reason=CANCELLED_BY_REQUEST,
        cancel_requested=True,
        finished_at=utcnow(),
    )


def fail(
    sessions: sessionmaker[Session], job_id: str, attempt: int, reason: str, also: Condition | None = None
) -> bool:
    """running (this attempt) -> failed with `reason`."""
    return set_status(sessions, job_id, attempt, "failed", reason, also)


def set_status(
    sessions: sessionmaker[Session],
    job_id: str,
    attempt: int,
    status: str,
    reason: str | None,
    also: Condition | None = None,
) -> bool:
    """running (this attempt, and `also` when given) -> a final `status` with `reason`."""
    if reason is not None and len(reason) > REASON_CHARS:
        reason = reason[: REASON_CHARS - 3] + "..."
    return _apply(sessions, _when(job_id, attempt, also), status=status, reason=reason, finished_at=utcnow())


def requeue(
    sessions: sessionmaker[Session], job_id: str, attempt: int, also: Condition | None = None
) -> bool:
    """running (this attempt, and `also` when given) -> queued: the next claim runs it again as
    attempt + 1."""
    return _apply(sessions, _when(job_id, attempt, also), status="queued", stage=None, progress=0.0)


def _when(job_id: str, attempt: int, also: Condition | None) -> Condition:
    return running_attempt(job_id, attempt) if also is None else and_(running_attempt(job_id, attempt), also)
