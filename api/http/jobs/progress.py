"""A solve's progress, written to its job: `progress` (0..1, never going back within an attempt),
`stage` (what it is doing) and `heartbeat_at`, at most every `min_interval_s`. Each write also checks
that the job still runs this attempt and that nobody asked to cancel it; if not, the callback raises
`JobCancelled`, which unwinds the solve (the cooperative cancel; the local executor also kills).

The pipeline reports `ProgressEvent`s (optimizer/progress.py) by stage, with a fraction each
(optimizer/plan/pipeline.py); they map onto one scale: needs and network up to 5 %, the
allocation-routing rounds up to 61 %, the final routing up to 98 %, saving 99 %, and 100 % only once
the plan is stored.

A study (`run_study`) reports `ProgressEvent(stage="study", step, done, total)` per chunk of
scenarios; `StudyProgress` maps its steps `cases`, `optimise` and `evaluate` onto spans of the same
scale (`STUDY_SPANS`: where the time goes depends on the evaluation mode).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from optimizer.progress import ProgressEvent

from ..db.models import Job, utcnow
from .transitions import running_attempt

__all__ = [
    "STUDY_SPANS",
    "JobCancelled",
    "ProgressWriter",
    "StudyProgress",
    "overall_fraction",
    "stage_label",
]

ROUNDS = 4  # the pipeline's default: a quick first round and up to 3 full ones
ROUND_SPAN = (0.05, 0.61)
FINAL_SPAN = (0.62, 0.98)
# per evaluation mode: each study stage's span. The response LP is quick, so building the cases
# (needs and networks) dominates; the allocation and plan modes spend their time evaluating.
STUDY_SPANS = {
    "response": {"cases": (0.02, 0.6), "optimise": (0.6, 0.8), "evaluate": (0.8, 0.98)},
    "allocation": {"cases": (0.02, 0.2), "optimise": (0.2, 0.3), "evaluate": (0.3, 0.98)},
    "plan": {"cases": (0.02, 0.1), "optimise": (0.1, 0.15), "evaluate": (0.15, 0.98)},
}


class JobCancelled(Exception):
    """The job was cancelled, or another attempt took it over, while it was solving: stop."""


def overall_fraction(event: ProgressEvent) -> float | None:
    """Where a pipeline event stands on the job's 0..1 scale, to 4 digits (None: says nothing)."""
    f = _fraction(event)
    return None if f is None else round(f, 4)


def _fraction(event: ProgressEvent) -> float | None:
    stage, f = event.stage, min(max(float(event.fraction or 0.0), 0.0), 1.0)
    if stage == "needs":
        return 0.01
    if stage == "network":
        return 0.03
    r = int(event.round or 0)
    if stage == "routing" and r == 0:
        return FINAL_SPAN[0] + (FINAL_SPAN[1] - FINAL_SPAN[0]) * f
    if stage in ("allocation", "routing"):
        width = (ROUND_SPAN[1] - ROUND_SPAN[0]) / ROUNDS
        start = ROUND_SPAN[0] + (min(max(r, 1), ROUNDS) - 1) * width
        return start + width / 2 * (f + (stage == "routing"))
    if stage == "done":
        return FINAL_SPAN[1]
    return None


def stage_label(event: ProgressEvent) -> str | None:
    """The job's `stage` for a pipeline event: needs, network, allocation (round n), routing (round n),
    final routing (None: no change)."""
    stage, r = event.stage, event.round
    if stage in ("needs", "network"):
        return stage
    if stage == "routing" and r == 0:
        return "final routing"
    if stage in ("allocation", "routing"):
        return f"{stage} (round {r})"
    return None


class ProgressWriter:
    """The `progress` callback of `plan_scenario` for one job attempt (see the module)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        job_id: str,
        attempt: int,
        min_interval_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.sessions, self.job_id, self.attempt = sessions, job_id, attempt
        self.min_interval_s, self.clock = min_interval_s, clock
        self.fraction, self.stage = 0.0, "starting"
        self._last = float("-inf")

    def __call__(self, event: ProgressEvent) -> None:
        f, label = overall_fraction(event), stage_label(event)
        if f is not None:
            self.fraction = max(self.fraction, f)
        if label is not None:
            self.stage = label
        if self.clock() - self._last >= self.min_interval_s:
            self.write()

    def report(self, stage: str, fraction: float) -> None:
        """Set `stage` and `fraction` (never going back); written at most every `min_interval_s`."""
        self.stage = stage
        self.fraction = max(self.fraction, fraction)
        if self.clock() - self._last >= self.min_interval_s:
            self.write()

    def set_stage(self, stage: str, fraction: float | None = None) -> None:
        """Write `stage` (and a fraction) now, whatever the interval."""
        self.stage = stage
        if fraction is not None:
            self.fraction = max(self.fraction, fraction)
        self.write()

    def write(self) -> None:
        """Store progress, stage and heartbeat; raise `JobCancelled` when the job is no longer this
        attempt's to run or a cancel was asked for."""
        self._last = self.clock()
        with self.sessions.begin() as s:
            done = s.execute(
                update(Job)
                .where(running_attempt(self.job_id, self.attempt))
                .values(progress=round(self.fraction, 4), stage=self.stage, heartbeat_at=utcnow())
            )
            asked = s.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
        if done.rowcount != 1:
            raise JobCancelled(f"job {self.job_id} is no longer running attempt {self.attempt}")
        if asked:
            raise JobCancelled(f"job {self.job_id}: cancel requested")


class StudyProgress:
    """The `progress` callback of `run_study` for one job attempt: its `study` events onto `writer`
    with the spans of the study's evaluation `mode` (STUDY_SPANS); the job's stage is the event's step.
    Raises `JobCancelled` (from the writer) between chunks once the job is cancelled."""

    def __init__(self, writer: ProgressWriter, mode: str = "response"):
        self.writer = writer
        self.spans = STUDY_SPANS.get(mode, STUDY_SPANS["response"])

    def __call__(self, event: ProgressEvent) -> None:
        step = event.step
        span = self.spans.get(step) if step is not None else None
        if step is None or span is None:
            return
        done, total = event.done or 0, event.total or 0
        share = min(max(done / total, 0.0), 1.0) if total > 0 else 1.0
        self.writer.report(step, span[0] + (span[1] - span[0]) * share)
