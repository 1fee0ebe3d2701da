"""The worker's side of a job: `run_job(database_url, job_id, attempt)`, run in a worker process (local
or Dask). It opens its own engine, solves, and writes the outcome itself: succeeded with the plan (or,
for a `study` job, the study's study.json), failed with a short reason, or cancelled when a cancel was
asked for. Every write is conditional on the job still running `attempt`, so a worker overtaken by a
cancel or a re-run changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from optimizer.plan import plan_scenario

from ..db.models import Job
from ..db.session import make_engine, make_sessionmaker
from ..settings import Settings
from . import transitions
from .inputs import JobInputError, load_inputs, plan_options
from .progress import JobCancelled, ProgressWriter
from .results import store_plan, store_study
from .study import load_study_inputs, solve_study

__all__ = ["failure_reason", "run_job"]

Store = Callable[[sessionmaker[Session], str, int], object]  # (sessions, job id, attempt): store the result
Solve = Callable[[ProgressWriter], Store]  # solve with progress; how to store the result


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
            solve = _study(s, job) if job.kind == "study" else _plan(s, job, limits)
        store = solve(progress)
        progress.set_stage("saving", 0.99)
    except JobCancelled:
        transitions.set_status(sessions, job_id, attempt, "cancelled", transitions.CANCELLED_BY_REQUEST)
        return
    except Exception as exc:
        transitions.fail(sessions, job_id, attempt, failure_reason(exc))
        return
    store(sessions, job_id, attempt)


def _plan(session: Session, job: Job, limits: tuple[float, float]) -> Solve:
    """A `plan` or `replan` job: its scenario solved by the plan pipeline, stored as a plan."""
    inputs = load_inputs(session, job)
    options = plan_options(job.params or {}, *limits)

    def solve(progress: ProgressWriter) -> Store:
        plan = plan_scenario(inputs.scenario, options, progress, committed=inputs.committed)
        document = plan.to_dict()
        return lambda sessions, job_id, attempt: store_plan(sessions, job_id, attempt, inputs, document)

    return solve


def _study(session: Session, job: Job) -> Solve:
    """A `study` job: its study run in this process, study.json stored in the study's row."""
    inputs = load_study_inputs(session, job)

    def solve(progress: ProgressWriter) -> Store:
        document = solve_study(inputs, progress)
        return lambda sessions, job_id, attempt: store_study(
            sessions, job_id, attempt, inputs.record_id, document
        )

    return solve


def failure_reason(exc: BaseException) -> str:
    """A short reason for a failed job: the input problem as is, else the exception's type and message."""
    if isinstance(exc, JobInputError):
        return str(exc)
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
