"""Jobs: solves run in worker processes behind a `concurrent.futures` executor seam (local processes,
or a Dask cluster), their state in the database, recovered after a crash of the server."""

from .executor import LocalProcessExecutor, WorkerDied, WorkerTerminated, make_executor
from .progress import JobCancelled
from .recovery import recover
from .runner import JobRunner
from .work import run_job

__all__ = [
    "JobCancelled",
    "JobRunner",
    "LocalProcessExecutor",
    "WorkerDied",
    "WorkerTerminated",
    "make_executor",
    "recover",
    "run_job",
]
