"""Jobs whose server died: `running` in the database, but no server has written their heartbeat for
`settings.job_heartbeat_timeout_s` (a live job runner writes it every second for each job it holds;
its worker writes it with each progress report). Such a job is re-queued while it has attempts left,
else failed with the reason; one whose cancel was asked for is cancelled. Queued jobs stay queued.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Job, utcnow
from ..settings import Settings
from . import transitions

__all__ = ["recover", "stopped_reason"]


def stopped_reason(attempt: int, max_attempts: int) -> str:
    return f"server stopped during the solve (attempt {attempt} of {max_attempts})"


def recover(
    settings: Settings, sessions: sessionmaker[Session], stale_after_s: float | None = None
) -> dict[str, str]:
    """Re-queue, fail or cancel every `running` job without a heartbeat for `stale_after_s` (default:
    `settings.job_heartbeat_timeout_s`; 0: every running job). Returns {job id: new status}."""
    stale = settings.job_heartbeat_timeout_s if stale_after_s is None else stale_after_s
    cutoff = utcnow() - timedelta(seconds=stale)
    silent = or_(Job.heartbeat_at.is_(None), Job.heartbeat_at <= cutoff)
    with sessions() as s:
        rows = s.execute(
            select(Job.id, Job.attempt, Job.cancel_requested).where(Job.status == "running", silent)
        ).all()
    out: dict[str, str] = {}
    for job_id, attempt, cancel in rows:
        status = _recover_one(settings, sessions, job_id, attempt, cancel, silent)
        if status is not None:
            out[job_id] = status
    return out


def _recover_one(
    settings: Settings,
    sessions: sessionmaker[Session],
    job_id: str,
    attempt: int,
    cancel: bool,
    silent: ColumnElement[bool],
) -> str | None:
    """The job's new status; None when it changed meanwhile (e.g. its server wrote a heartbeat)."""
    if cancel:
        reason = f"{transitions.CANCELLED_BY_REQUEST} (the server stopped during the solve)"
        done = transitions.set_status(sessions, job_id, attempt, "cancelled", reason, silent)
        return "cancelled" if done else None
    if attempt < settings.job_max_attempts:
        return "queued" if transitions.requeue(sessions, job_id, attempt, silent) else None
    reason = stopped_reason(attempt, settings.job_max_attempts)
    return "failed" if transitions.fail(sessions, job_id, attempt, reason, silent) else None
