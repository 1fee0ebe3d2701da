"""The executor seam jobs (and, later, studies) run behind: a `concurrent.futures.Executor`.

`make_executor(settings)` gives a `LocalProcessExecutor` by default: each task in its own process, so
a crash or a kill takes one task down and never the server, a task may fork its own pools (the
process is not a daemon), and a running task can be stopped (`cancel_running`). With
`settings.dask_scheduler` it gives the executor of a Dask `distributed.Client` instead (the optional
`dask` extra); tasks there are stopped cooperatively only.

Processes come from multiprocessing's fork server (context "forkserver"): a clean process, started
once, that has imported the solver (`preload`) and forks a task process on request, so a task starts
in milliseconds without a copy of the server's state. A plain fork of the server copies SQLite's
per-process lock bookkeeping mid-transaction from the server's other threads: measured with 4 threads
writing to the database while 60 jobs ran, a third of the forked workers then waited on locks nobody
held until "database is locked" (fork server: 60 of 60 succeeded). Tasks (function and arguments) are
pickled, as with Dask. `context="fork"` remains available for callers that need unpicklable tasks.

The task processes die with the server. Under "forkserver" a thread in each task waits on a pipe only
the server writes to, and kills the task's process group when it closes (the fork server itself
lives on while tasks hold its descriptors); under "fork" each task sets PR_SET_PDEATHSIG to SIGKILL
(Linux) against the server's launcher thread, which ends only after its last task (set under
"forkserver" too, against the fork server). Each task leads its own process group, which
`cancel_running` and `shutdown(cancel_futures=True)` kill whole (the task's own pools included).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from ..settings import Settings

__all__ = ["LocalProcessExecutor", "WorkerDied", "WorkerTerminated", "make_executor"]

PR_SET_PDEATHSIG = 1
# what the fork server imports once: the solver, and the `siaga` command line, which multiprocessing
# re-imports in every task as the main script of `siaga serve` (0.2 s a task when not preloaded)
PRELOAD = ("__main__", "api.http.jobs.work", "api.cli")
WAIT_S = 1.0
log = logging.getLogger(__name__)


class WorkerDied(RuntimeError):
    """The task's process ended without a result (crashed, or killed from outside); `signal` is the
    number of the signal that killed it (the OOM killer's SIGKILL, say), or None."""

    def __init__(self, message: str, signal: int | None = None) -> None:
        super().__init__(message)
        self.signal = signal

    def __reduce__(self) -> tuple:
        return (WorkerDied, (str(self), self.signal))


class WorkerTerminated(RuntimeError):
    """The task's process was stopped on purpose (`cancel_running`, shutdown)."""


def make_executor(settings: Settings) -> Executor:
    """The executor solves run on: a Dask cluster's when `settings.dask_scheduler` is set, else
    local processes, at most `settings.workers` at once."""
    if settings.dask_scheduler:
        return _dask_executor(settings.dask_scheduler)
    return LocalProcessExecutor(max_workers=settings.workers)


def _dask_executor(address: str) -> Executor:
    try:
        from distributed import Client
    except ImportError as exc:  # the optional extra
        raise RuntimeError(
            f"SIAGA_DASK_SCHEDULER={address} needs Dask's `distributed` package: pip install 'distributed'"
        ) from exc
    return Client(address).get_executor()


@dataclass(eq=False)
class _Task:
    future: Future
    fn: Callable[..., Any]
    args: tuple
    kwargs: dict
    process: Any = None  # multiprocessing.Process once started
    conn: Connection | None = None  # the parent's end of the result pipe
    outcome: tuple[str, Any] | None = None  # ("ok", value) | ("error", exception)
    terminated: bool = False


class LocalProcessExecutor(Executor):
    """Runs each task in a new non-daemon process (`context` "forkserver" or "fork"); at most
    `max_workers` at once (None: no limit), the rest wait in submission order. A process that ends
    without a result fails its future with `WorkerDied`; one stopped by `cancel_running` with
    `WorkerTerminated`."""

    def __init__(
        self, max_workers: int | None = None, context: str = "forkserver", preload: tuple[str, ...] = PRELOAD
    ):
        if max_workers is not None and max_workers < 1:
            raise ValueError(f"max_workers {max_workers}: expected >= 1")
        if context not in ("forkserver", "fork"):
            raise ValueError(f"context {context!r}: expected forkserver or fork")
        self.max_workers = max_workers
        self._ctx = mp.get_context(context)
        if context == "forkserver":
            self._ctx.set_forkserver_preload(list(preload))
        self._lock = threading.Lock()
        self._pending: deque[_Task] = deque()
        self._running: dict[Future, _Task] = {}
        self._shutdown = False
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        # the server's lifeline: only this process holds the writing end; a fork-server task reads
        # EOF when the server dies (its parent, the fork server, outlives it while tasks run)
        self._lifeline, self._lifeline_w = (
            self._ctx.Pipe(duplex=False) if context == "forkserver" else (None, None)
        )
        self._thread: threading.Thread | None = None
        ref = weakref.ref(self)  # at exit, kill the tasks (multiprocessing would wait for them)
        atexit.register(lambda: (ex := ref()) and ex.shutdown(wait=False, cancel_futures=True))

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot submit after shutdown")
            task = _Task(Future(), fn, args, kwargs)
            self._pending.append(task)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="siaga-executor", daemon=True)
                self._thread.start()
        self._wake()
        return task.future

    def warm_up(self) -> None:
        """Start the fork server now (it imports the solver, about 2 s), not at the first task."""
        if self._ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()

    def pid(self, future: Future) -> int | None:
        """The process id of the future's task while it runs, else None."""
        with self._lock:
            task = self._running.get(future)
            return task.process.pid if task is not None and task.process is not None else None

    def cancel_running(self, future: Future) -> bool:
        """Stop the future's task: a waiting one is cancelled, a running one's process group gets
        SIGKILL (its future then fails with `WorkerTerminated`). False when the task has ended."""
        if future.cancel():
            return True
        with self._lock:
            task = self._running.get(future)
            if task is None or task.process is None:
                return False
            task.terminated = True
            _kill_group(task.process.pid)
        return True

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No more tasks. `cancel_futures` also cancels the waiting tasks and kills the running ones;
        `wait` waits until every process has ended."""
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                while self._pending:
                    self._pending.popleft().future.cancel()
                for task in self._running.values():
                    if task.process is not None:
                        task.terminated = True
                        _kill_group(task.process.pid)
            thread = self._thread
        self._wake()
        if wait and thread is not None:
            thread.join()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # the loop is gone
            self._wake_w.send_bytes(b"!")

    def _loop(self) -> None:
        """Launch waiting tasks, collect results and process ends; ends after shutdown and the last
        task (under "fork", the processes' death signal is bound to this thread)."""
        while True:
            try:
                if self._step():
                    return
            except Exception:  # keep the thread (and so the running processes) alive
                log.exception("executor loop")
                time.sleep(WAIT_S)

    def _step(self) -> bool:
        """One round of the loop; True when the executor is shut down and idle."""
        with self._lock:
            self._launch()
            if self._shutdown and not self._running and not self._pending:
                return True
            handles: list[Any] = [self._wake_r]
            for task in self._running.values():
                handles += [task.process.sentinel] + ([task.conn] if task.conn is not None else [])
        ready = wait(handles, timeout=WAIT_S)
        if self._wake_r in ready:
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
        self._collect(set(ready))
        return False

    def _launch(self) -> None:
        while self._pending and (self.max_workers is None or len(self._running) < self.max_workers):
            task = self._pending.popleft()
            if not task.future.set_running_or_notify_cancel():
                continue
            recv, send = self._ctx.Pipe(duplex=False)
            proc = self._ctx.Process(
                target=_child_main,
                args=(send, self._lifeline, task.fn, task.args, task.kwargs),
                daemon=False,
            )
            try:
                proc.start()
            except Exception as exc:  # no process: fork failed (memory, limits) or the task won't pickle
                recv.close()
                send.close()
                task.future.set_exception(WorkerDied(f"could not start a worker process: {exc}"))
                continue
            send.close()
            task.process, task.conn = proc, recv
            self._running[task.future] = task

    def _collect(self, ready: set) -> None:
        done: list[_Task] = []
        with self._lock:
            for task in list(self._running.values()):
                if task.conn is not None and (task.conn in ready or task.process.sentinel in ready):
                    self._receive(task)
                if task.process.sentinel in ready or not task.process.is_alive():
                    task.process.join()
                    self._receive(task)
                    del self._running[task.future]
                    done.append(task)
        for task in done:
            _settle(task)

    @staticmethod
    def _receive(task: _Task) -> None:
        """Read the task's result once it is there (reading early keeps a large result from
        blocking the child on a full pipe)."""
        if task.conn is None:
            return
        try:
            if task.conn.poll():
                task.outcome = task.conn.recv()
            else:
                return
        except (EOFError, OSError):
            pass  # the child ended without sending
        except Exception as exc:  # a result that does not unpickle
            task.outcome = ("error", WorkerDied(f"the worker's result could not be read: {exc!r}"))
        task.conn.close()
        task.conn = None


def _settle(task: _Task) -> None:
    """The future's outcome: the task's own when it sent one (even if a stop came too late)."""
    code = task.process.exitcode
    if task.outcome is not None:
        kind, value = task.outcome
        if kind == "ok":
            task.future.set_result(value)
        else:
            task.future.set_exception(value)
    elif task.terminated:
        task.future.set_exception(WorkerTerminated("the worker process was stopped"))
    else:
        killed_by = -code if code is not None and code < 0 else None
        message = f"the worker process ended without a result ({_exit(code)})"
        task.future.set_exception(WorkerDied(message, killed_by))


def _exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _kill_group(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
            return
        except (ProcessLookupError, PermissionError):
            continue


def _child_main(
    conn: Connection, lifeline: Connection | None, fn: Callable, args: tuple, kwargs: dict
) -> None:
    """In the task's process: die with the server, lead a process group, run, send the outcome."""
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    if lifeline is not None:
        threading.Thread(target=_watch_lifeline, args=(lifeline,), name="siaga-lifeline", daemon=True).start()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handlers
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except BaseException as exc:
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    except Exception:  # an unpicklable result or exception: send what it was
        value = outcome[1]
        conn.send(("error", RuntimeError(f"{type(value).__name__}: {value}"[:2000])))
    finally:
        conn.close()


def _watch_lifeline(lifeline: Connection) -> None:
    """Block until the server's end of the lifeline closes (it died), then kill this task's process
    group: the task and any pools it forked."""
    with contextlib.suppress(EOFError, OSError):
        while True:
            lifeline.recv_bytes()
    with contextlib.suppress(OSError):
        os.killpg(os.getpgid(0), signal.SIGKILL)
    os._exit(1)


def _die_with_parent() -> None:
    """SIGKILL this process when the thread that forked it ends (Linux); exit if its parent already
    died before the request took effect."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the process outlives a killed server
        return
    if os.getppid() != parent:
        os._exit(1)
