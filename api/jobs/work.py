"""The worker's side of a job: `run_job(database_url, job_id, attempt)`, run in a worker process (local
or Dask). It opens its own engine, solves, and writes the outcome itself: succeeded with the plan,
failed with a short reason, or cancelled when a cancel was asked for. Every write is conditional on the
job still running `attempt`, so a worker overtaken by a cancel or a re-run changes nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from optimizer.plan import plan_scenario

from ..db.models import Job
from ..db.session import make_engine, make_sessionmaker
from ..settings import Settings
from . import transitions
from .inputs import JobInputError, load_inputs, plan_options
from .progress import JobCancelled, ProgressWriter
from .results import store_plan

__all__ = ["failure_reason", "run_job"]


def run_job(
    database_url: str,
    job_id: str,
    attempt: int,
    max_time_limit_s: float | None = None,
    default_time_limit_s: float | None = None,
) -> None:
    """Solve job `job_id` as its attempt `attempt` and store the outcome (see the module). The time
    limit is capped at `max_time_limit_s`, and is `default_time_limit_s` when the job gives neither a
    limit nor an iteration budget (both default to the settings from the environment)."""
    if max_time_limit_s is None or default_time_limit_s is None:
        env = Settings()
        max_time_limit_s = env.max_time_limit_s if max_time_limit_s is None else max_time_limit_s
        default_time_limit_s = (
            env.default_time_limit_s if default_time_limit_s is None else default_time_limit_s
        )
    engine = make_engine(database_url)
    try:
        _run(make_sessionmaker(engine), job_id, attempt, (max_time_limit_s, default_time_limit_s))
    finally:
        engine.dispose()


def _run(sessions: sessionmaker[Session], job_id: str, attempt: int, limits: tuple[float, float]) -> None:
    progress = ProgressWriter(sessions, job_id, attempt)
    try:
        with sessions() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "running" or job.attempt != attempt:
                return  # stale: cancelled, re-queued or taken by another attempt
            progress.set_stage("loading")
            inputs = load_inputs(s, job)
            options = plan_options(job.params or {}, *limits)
        plan = plan_scenario(inputs.scenario, options, progress, committed=inputs.committed)
        progress.set_stage("saving", 0.99)
    except JobCancelled:
        transitions.set_status(sessions, job_id, attempt, "cancelled", transitions.CANCELLED_BY_REQUEST)
        return
    except Exception as exc:
        transitions.fail(sessions, job_id, attempt, failure_reason(exc))
        return
    store_plan(sessions, job_id, attempt, inputs, plan.to_dict())


def failure_reason(exc: BaseException) -> str:
    """A short reason for a failed job: the input problem as is, else the exception's type and message."""
    if isinstance(exc, JobInputError):
        return str(exc)
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
