"""`JobRunner`: the server's side of the jobs. A background thread claims queued jobs, oldest first,
at most `settings.workers` at once, and runs each as `run_job(database_url, job_id, attempt)` on the
executor; it watches the futures, writes a heartbeat for the jobs it holds, and recovers jobs whose
server died (recovery.py).

Outcomes: the worker writes its own (succeeded / failed / cancelled). A future that raised (the
process crashed or was killed: `WorkerDied`) or returned without the job finished marks the job
failed with the reason; nothing is left `running`. Every write is conditional (transitions.py), so
two servers may share one database: each job is claimed by one of them.

`stop()` ends the thread, kills the running solves and re-queues their jobs (the next start of any
server re-runs them; the attempt stays counted). `cancel(job_id)` cancels a queued job at once and a
running one too (its status reads `cancelled` immediately; its process is killed when this runner
holds it, or by its own runner's next heartbeat, and a Dask worker stops at its next progress report).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from concurrent.futures import CancelledError, Executor, Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import Job, utcnow
from ..settings import Settings
from . import transitions
from .executor import LocalProcessExecutor, WorkerDied, WorkerTerminated, make_executor
from .recovery import recover
from .work import run_job

__all__ = ["JobRunner"]

log = logging.getLogger(__name__)
HEARTBEAT_S = 1.0
STOP_WAIT_S = 10.0
OVERRUN_FACTOR, OVERRUN_GRACE_S = 3.0, 120.0  # the watchdog: 3 x the time limit + 2 minutes


@dataclass
class _Held:
    future: Future
    attempt: int
    deadline: float  # time.monotonic() past which the solve is stopped
    stopping: bool = False  # killed on purpose (cancel, stop, lost the job, overran)


class JobRunner:
    """Runs the database's queued jobs on `executor` (default: `make_executor(settings)`) until
    `stop()`; see the module for the rules."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], executor: Executor | None = None):
        self.settings, self.sessions = settings, sessions
        self.executor = executor
        self._owns_executor = executor is None
        bind = sessions.kw.get("bind")
        self.database_url = (
            bind.url.render_as_string(hide_password=False) if bind is not None else settings.database_url
        )
        self._held: dict[str, _Held] = {}
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the interface ---------------------------------------------------------------------------

    def start(self) -> None:
        """Recover the jobs of a dead server, then run queued jobs in a background thread."""
        if self._thread is not None and self._thread.is_alive():
            return
        recover(self.settings, self.sessions)
        if self.executor is None:
            self.executor = make_executor(self.settings)
        if isinstance(self.executor, LocalProcessExecutor):
            self.executor.warm_up()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="siaga-job-runner", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was queued: look for it now rather than at the next poll."""
        self._wake.set()

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job (it reads `cancelled` at once); False when it does not exist
        or has already finished."""
        if transitions.cancel_queued(self.sessions, job_id):
            return True
        if not transitions.cancel_running(self.sessions, job_id):
            return False
        with self._lock:
            held = self._held.get(job_id)
            if held is not None:
                self._kill(held)
        self._wake.set()
        return True

    def stop(self) -> None:
        """Stop claiming, kill the running solves and re-queue their jobs."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            held = dict(self._held)
            for h in held.values():
                self._kill(h)
        wait_futures([h.future for h in held.values()], timeout=STOP_WAIT_S)
        for job_id, h in held.items():
            transitions.requeue(self.sessions, job_id, h.attempt)
        with self._lock:
            self._held.clear()
        if self._owns_executor and self.executor is not None:
            _shutdown(self.executor)
            self.executor = None

    def running(self) -> dict[str, int]:
        """The jobs this runner holds: {job id: attempt}."""
        with self._lock:
            return {k: h.attempt for k, h in self._held.items()}

    # -- the thread ------------------------------------------------------------------------------

    def _loop(self) -> None:
        beat = recovered = time.monotonic()
        while not self._stop.is_set():
            try:
                self._reap()
                now = time.monotonic()
                if now - beat >= HEARTBEAT_S:
                    beat = now
                    self._heartbeat()
                if now - recovered >= self.settings.job_heartbeat_timeout_s / 2:
                    recovered = now
                    recover(self.settings, self.sessions)
                self._claim()
            except Exception:  # a database hiccup: try again at the next poll
                log.exception("job runner")
            self._wake.wait(self.settings.poll_interval_s)
            self._wake.clear()

    def _claim(self) -> None:
        free = self.settings.workers - len(self._held)
        if free <= 0:
            return
        with self.sessions() as s:
            rows = s.execute(
                select(Job.id, Job.attempt, Job.kind, Job.params)
                .where(Job.status == "queued")
                .order_by(Job.created_at, Job.id)
                .limit(free + 4)  # a few spare: another server may take some first
            ).all()
        for job_id, seen, kind, params in rows:
            if free <= 0 or self._stop.is_set():
                return
            attempt = transitions.claim(self.sessions, job_id, seen)
            if attempt is not None:
                self._submit(job_id, attempt, self._wall_limit(kind, params or {}))
                free -= 1

    def _wall_limit(self, kind: str, params: dict) -> float:
        """Seconds after which a solve is stopped as overrun (a safety net: the pipeline keeps to
        about 1.6 x its time limit plus the allocation's LPs); a study's: `settings.max_study_s`."""
        s = self.settings
        if kind == "study":
            return s.max_study_s
        limit = params.get("time_limit")
        if limit is None:
            limit = s.max_time_limit_s if params.get("iterations") is not None else s.default_time_limit_s
        return OVERRUN_FACTOR * min(float(limit), s.max_time_limit_s) + OVERRUN_GRACE_S

    def _submit(self, job_id: str, attempt: int, wall_limit_s: float) -> None:
        assert self.executor is not None
        try:
            future = self.executor.submit(
                run_job,
                self.database_url,
                job_id,
                attempt,
                max_time_limit_s=self.settings.max_time_limit_s,
                default_time_limit_s=self.settings.default_time_limit_s,
            )
        except Exception as exc:
            transitions.fail(self.sessions, job_id, attempt, f"could not start the solve: {exc}")
            return
        with self._lock:
            self._held[job_id] = _Held(future, attempt, time.monotonic() + wall_limit_s)
        future.add_done_callback(lambda _f: self._wake.set())

    def _reap(self) -> None:
        """Settle the jobs whose futures are done (a no-op for those their worker finished)."""
        with self._lock:
            done = {k: h for k, h in self._held.items() if h.future.done()}
            for k in done:
                del self._held[k]
        for job_id, h in done.items():
            if not h.stopping and _killed(h.future) and h.attempt < self.settings.job_max_attempts:
                log.warning("job %s: its worker was killed by a signal; re-queued", job_id)
                transitions.requeue(self.sessions, job_id, h.attempt)
                continue
            self._settle(job_id, h.attempt, _failure(h.future))

    def _settle(self, job_id: str, attempt: int, reason: str | None) -> None:
        """The job, if still running this attempt: cancelled when that was asked for, else failed."""
        with self.sessions() as s:
            cancel = s.scalar(select(Job.cancel_requested).where(Job.id == job_id))
        if cancel:
            transitions.set_status(
                self.sessions, job_id, attempt, "cancelled", transitions.CANCELLED_BY_REQUEST
            )
        else:
            transitions.fail(
                self.sessions, job_id, attempt, reason or "the worker ended without storing a result"
            )

    def _heartbeat(self) -> None:
        """Write the heartbeat of the jobs held; kill the solves of jobs no longer theirs to run
        (cancelled here or by another server, recovered by another server) and of overrun ones
        (failed first: a process stuck for good must not leave its job running)."""
        with self._lock:
            held = {k: h for k, h in self._held.items() if not h.stopping}
        if not held:
            return
        with self.sessions.begin() as s:
            rows = s.execute(
                select(Job.id, Job.status, Job.attempt, Job.cancel_requested).where(Job.id.in_(held))
            ).all()
            mine = [i for i, st, att, c in rows if st == "running" and att == held[i].attempt and not c]
            if mine:
                s.execute(
                    update(Job).where(Job.id.in_(mine), Job.status == "running").values(heartbeat_at=utcnow())
                )
        now = time.monotonic()
        for job_id in mine:
            if now > held[job_id].deadline:
                reason = "the solve ran far past its time limit and was stopped"
                transitions.fail(self.sessions, job_id, held[job_id].attempt, reason)
        with self._lock:
            for job_id in (set(held) - set(mine)) | {k for k in mine if now > held[k].deadline}:
                if job_id in self._held:
                    self._kill(self._held[job_id])

    def _kill(self, h: _Held) -> None:
        """Stop a held solve: kill its process (local executor) or cancel its future (if not begun);
        a Dask task stops at its next progress report."""
        h.stopping = True
        stop = getattr(self.executor, "cancel_running", None)
        with contextlib.suppress(Exception):
            if stop is not None:
                stop(h.future)
            else:
                h.future.cancel()


def _shutdown(executor: Executor) -> None:
    """Shut an executor down without waiting for remote tasks (a Dask executor's `shutdown` takes no
    `cancel_futures` and would wait for its tasks)."""
    if isinstance(executor, LocalProcessExecutor):
        executor.shutdown(wait=True, cancel_futures=True)
    else:
        with contextlib.suppress(Exception):
            executor.shutdown(wait=False)


def _killed(future: Future) -> bool:
    """Whether the future's worker process was killed by a signal from outside (the OOM killer, an
    operator): the solve itself did not fail, so it is worth another attempt."""
    try:
        exc = future.exception()
    except CancelledError:
        return False
    return isinstance(exc, WorkerDied) and exc.signal is not None


def _failure(future: Future) -> str | None:
    """Why a done future failed; None when it returned."""
    try:
        exc = future.exception()
    except CancelledError:
        return "the solve was cancelled before it started"
    if exc is None:
        return None
    if isinstance(exc, WorkerDied | WorkerTerminated):
        return str(exc)
    return f"the solve failed: {type(exc).__name__}: {exc}"
