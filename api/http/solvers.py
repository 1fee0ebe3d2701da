"""The executors the service solves on: the job runner's, and the one for synchronous VROOM solves.
Both are `make_executor(settings)` (api/http/jobs/executor.py); local solver processes run at a lower CPU
priority (nice +10) than the server, so requests keep their latency while solves fill the cores."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from .jobs import LocalProcessExecutor, make_executor
from .settings import Settings

__all__ = ["SOLVER_NICE", "NicedProcessExecutor", "solver_executor"]

SOLVER_NICE = 10


def _niced(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with contextlib.suppress(OSError):
        os.nice(SOLVER_NICE)
    return fn(*args, **kwargs)


class NicedProcessExecutor(LocalProcessExecutor):
    """A LocalProcessExecutor whose processes lower their own priority before the task runs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return super().submit(_niced, fn, *args, **kwargs)


def solver_executor(settings: Settings) -> Executor:
    """Local processes at nice +10, at most `settings.workers` at once; or the Dask cluster's executor."""
    if settings.dask_scheduler:
        return make_executor(settings)
    return NicedProcessExecutor(max_workers=settings.workers)
