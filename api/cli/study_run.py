"""How `siaga study` runs: the executor, the progress bars, native output kept off stdout.

Executors: `--workers N` runs a local process pool of N (default: the machine's cores);
`--scheduler tcp://HOST:PORT` uses an existing Dask cluster; `--scheduler local` starts a Dask
LocalCluster of `--workers` processes (both need the `dask` extra). Results are identical on each.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from api.i18n import Lang
from api.study_files import StudyFileError
from optimizer.progress import ProgressEvent

__all__ = [
    "native_stdout_to_stderr",
    "study_executor",
    "study_progress",
]

STAGES = {
    "cases": ("Skenario: kebutuhan dan jaringan", "Scenarios: needs and network"),
    "optimise": ("Optimasi pra-penempatan", "Pre-positioning optimisation"),
    "evaluate": ("Evaluasi opsi", "Evaluating options"),
}


@contextmanager
def study_executor(workers: int | None, scheduler: str | None) -> Iterator[tuple[Executor | None, str]]:
    """The executor a study runs on, and a label for it; shut down on exit."""
    n = workers or os.cpu_count() or 1
    if scheduler:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise StudyFileError(
                "--scheduler needs Dask's distributed package: pip install 'siaga[dask]'"
            ) from None
        if scheduler == "local":
            import dask

            # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers: case building then costs
            # 25-50 % more CPU (bench/study.py); None drops the setting
            with (
                dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
                LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cl,
                Client(cl) as client,
            ):
                yield client.get_executor(pure=False), f"Dask LocalCluster ({n} workers)"
            return
        with Client(scheduler) as client:
            yield client.get_executor(pure=False), f"Dask {scheduler}"
        return
    if n <= 1:
        yield None, "1 process"
        return
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("forkserver")) as pool:
        yield pool, f"process pool ({n})"


@contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Send what native code prints on file descriptor 1 to stderr meanwhile (HiGHS's MIP solver
    prints a debug line even with output off), so that stdout keeps only the study's summary."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


@contextmanager
def study_progress(console: Console, lang: Lang) -> Iterator[Callable[[ProgressEvent], None]]:
    """One bar per study step (`run_study`'s events: step, done, total); silent when the console is
    not a terminal."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    tasks: dict[str, TaskID] = {}

    def on_progress(event: ProgressEvent) -> None:
        step, done, total = event.step or event.stage, event.done or 0, event.total or 0
        if step not in tasks:
            ind, eng = STAGES.get(step, (step, step))
            tasks[step] = bars.add_task(ind if lang == "id" else eng, total=max(total, 1))
        bars.update(tasks[step], completed=done, total=max(total, 1))

    with bars:
        yield on_progress
