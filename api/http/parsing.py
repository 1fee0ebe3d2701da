"""Scenario uploads are read in a worker process, under a budget: `settings.parse_cpu_s` seconds of
CPU and `settings.parse_memory_mb` of memory (rlimits the process sets on itself), and
`settings.parse_timeout_s` of wall time. Past any of them the upload gets 413 (`parse-budget`), the
process is gone, and with it whatever it had allocated: the server neither stalls (its event loop and
threads never run the parse) nor keeps the memory (before: a 3 GB parse left the server at 4.8 GB).

The processes come from the job runner's executor (api/http/jobs/executor.py): forked from a fork
server that has the loaders imported, so a parse starts in milliseconds. The validated `Scenario`
comes back pickled; a `Problem` (422) too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
from concurrent.futures import Future

from scenarios import Scenario

from .jobs import LocalProcessExecutor, WorkerDied
from .problems import Problem
from .settings import Settings
from .uploads import scenario_from_json, scenario_from_zip

__all__ = ["ParseExecutor", "parse_upload", "read_scenario"]

PARSE_NICE = 5  # below the server's requests, above the solves (nice +10)


class ParseExecutor(LocalProcessExecutor):
    """Worker processes for uploads: at most `settings.max_uploads` at once."""

    def __init__(self, settings: Settings):
        super().__init__(max_workers=settings.max_uploads)
        self.slots = settings.max_uploads
        self._free: asyncio.Semaphore | None = None

    @property
    def free(self) -> asyncio.Semaphore:
        """The workers free to start a parse (uploads wait here, in the server, so that the time
        budget counts from the parse's start, not from its place in a queue)."""
        self._free = self._free or asyncio.Semaphore(self.slots)
        return self._free

    def ready(self, timeout_s: float = 120.0) -> None:
        """Return once a task has run: the fork server is up with its imports done, so the first
        upload neither waits for it nor competes with its start-up."""
        self.submit(os.getpid).result(timeout=timeout_s)


def _budget(cpu_s: int, memory_mb: int) -> None:
    """Cap this process: `cpu_s` more seconds of CPU (then SIGXCPU ends it), and `memory_mb` more of
    address space than it holds now (then allocations fail with MemoryError)."""
    with contextlib.suppress(OSError):
        os.nice(PARSE_NICE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a process ended by its budget dumps no core
    with open("/proc/self/statm") as f:
        size_bytes = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _soft(resource.RLIMIT_CPU, int(sum(os.times()[:2])) + cpu_s)
    _soft(resource.RLIMIT_AS, size_bytes + memory_mb * 2**20)


def _soft(limit: int, value: int) -> None:
    """Set the soft `limit` to `value`, within its hard limit (which stays as it was)."""
    hard = resource.getrlimit(limit)[1]
    resource.setrlimit(limit, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard))


def _lift() -> None:
    """Lift the budget (the soft limits, up to the hard ones): the scenario is read, sending it back
    is not the upload's cost."""
    for limit in (resource.RLIMIT_CPU, resource.RLIMIT_AS):
        resource.setrlimit(limit, (resource.getrlimit(limit)[1],) * 2)


def parse_upload(kind: str, data: bytes, settings: Settings) -> Scenario:
    """The task a worker runs: the validated scenario of the upload, within the budget."""
    _budget(settings.parse_cpu_s, settings.parse_memory_mb)
    try:
        if kind == "json":
            return scenario_from_json(data, settings.size_limits)
        return scenario_from_zip(data, settings)
    except MemoryError:
        pass
    finally:
        _lift()
    raise _over_budget(f"needs more than {settings.parse_memory_mb} MB of memory")


def _over_budget(what: str) -> Problem:
    return Problem(
        413,
        f"Reading this scenario {what}; send a smaller one (fewer areas, rows or nesting).",
        "parse-budget",
        headers={"Connection": "close"},
    )


async def read_scenario(executor: ParseExecutor, kind: str, data: bytes, settings: Settings) -> Scenario:
    """The upload's scenario, read by `parse_upload` on `executor` once a worker is free; 413 past
    the budget."""
    async with executor.free:
        return await _read(executor, kind, data, settings)


async def _read(executor: ParseExecutor, kind: str, data: bytes, settings: Settings) -> Scenario:
    future: Future = executor.submit(parse_upload, kind, data, settings)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), settings.parse_timeout_s)
    except TimeoutError:
        executor.cancel_running(future)
        raise _over_budget(f"took more than {settings.parse_timeout_s:g} s") from None
    except WorkerDied as e:
        if e.signal is not None:
            raise _over_budget(f"took more than {settings.parse_cpu_s} s of CPU or too much memory") from None
        detail = f"The process reading the upload could not run ({e}); retry in a moment."
        raise Problem(503, detail, headers={"Retry-After": "5"}) from None
